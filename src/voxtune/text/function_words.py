"""Very common short words per language, for tagging words whose language lingua cannot tell.

Per-word language ID is unreliable on two- and three-letter words ("to", "di", "med"), which are
exactly the most frequent ones. A word listed for exactly one of a corpus's languages is tagged
with it outright; a word listed for several is left to lingua and the sentence context.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "a an the i you he she it we they me him her us them my your his its our their is am "
        "are was were be been do does did have has had to of in on at for with from by and or "
        "but not no yes if this that these those who how why when where go can will just very "
        "all there here don't can't cannot i'm it's okay ok"
    ),
    "ms": _words(
        "saya aku awak kau kamu dia kita kami mereka nak tak tidak ada ini itu ni tu yang dan "
        "di ke dari pada untuk dengan dah sudah belum akan boleh mahu mau pun juga lagi je "
        "sahaja saja apa mana siapa bila kenapa macam sangat banyak sikit tapi atau kalau jom "
        "pergi makan minum buat cakap kat sini situ sana"
    ),
    "nb": _words(
        "jeg du han hun vi dere de meg deg seg oss er var har og i på til av for med som at en "
        "et ei den det ikke å så om men eller fra kan skal vil hva hvor hvorfor når her der ja "
        "nei jo"
    ),
    "sv": _words(
        "jag du han hon vi ni de dem mig dig sig oss är var har och i på till av för med som "
        "att en ett den det inte så om men eller från kan ska vill vad hur när här där ja nej jo"
    ),
    "da": _words(
        "jeg du han hun vi i de mig dig sig os er var har og på til af for med som at en et den "
        "det ikke så om men eller fra kan skal vil hvad hvor hvorfor når her der ja nej jo"
    ),
    "de": _words(
        "ich du er sie es wir ihr mich dich sich uns ist bin bist sind war hat habe und oder "
        "aber nicht kein ein eine der die das den dem des in im auf zu zum zur von vom mit für "
        "an am bei was wer wie wo wann warum ja nein doch so auch"
    ),
    "fr": _words(
        "je tu il elle on nous vous ils elles me te se le la les un une des du de et ou mais ne "
        "pas est suis es sont a ai as ont en dans sur pour avec par que qui quoi où comment oui "
        "non ce c'est au aux"
    ),
    "es": _words(
        "yo tú él ella nosotros vosotros ellos ellas me te se lo la los las el un una unos unas "
        "y o pero no sí es soy eres son está estoy en de del al con por para que qué quién cómo "
        "dónde cuándo muy más"
    ),
    "nl": _words(
        "ik jij je hij zij ze wij we jullie mij me jou hem haar ons is ben bent zijn was heb "
        "hebt heeft en of maar niet geen een de het in op aan naar van met voor bij wat wie hoe "
        "waar wanneer ja nee dat dit die er ook"
    ),
    "lb": _words(
        "ech du hien hatt si mir dir ons iech mech dech sech ass sinn war hunn huet hues an oder "
        "mee net keen en eng ee den de dat deen déi am op zu vun mat fir bei wat wien wéi wou "
        "wann firwat jo neen nee och scho ganz"
    ),
}
