"""Telugu: our own number words in Telugu script (num2words' Telugu says "ఒకటి వంద" for 100).

Indian grouping: వంద (100), వెయ్యి (1,000), లక్ష (1,00,000), కోటి (1,00,00,000). A scale word takes its
oblique form when more follows or a noun follows (రెండు వందల యాభై, ఐదు వందల రూపాయలు) and 100 is
నూట before more (నూట ఒకటి). Before a noun 1 is ఒక. Telugu digits ౦-౯ are read like ASCII digits, and
case endings glued to a number stay glued to its last word (2024లో).
"""

from __future__ import annotations

import re

from voxtune.text.normalise.languages.base import Context, Currency, Language
from voxtune.text.normalise.languages.en import ID_KEYWORDS_EN

UNITS = [
    "సున్నా", "ఒకటి", "రెండు", "మూడు", "నాలుగు", "ఐదు", "ఆరు", "ఏడు", "ఎనిమిది", "తొమ్మిది", "పది",
    "పదకొండు", "పన్నెండు", "పదమూడు", "పద్నాలుగు", "పదిహేను", "పదహారు", "పదిహేడు", "పద్దెనిమిది",
    "పందొమ్మిది",
]  # fmt: skip
TENS = {2: "ఇరవై", 3: "ముప్పై", 4: "నలభై", 5: "యాభై", 6: "అరవై", 7: "డెబ్బై", 8: "ఎనభై", 9: "తొంభై"}
ONE_BEFORE_NOUN = "ఒక"
# (value, alone, plural, oblique) for each scale, largest first.
SCALES = (
    (10**7, "కోటి", "కోట్లు", "కోట్ల"),
    (10**5, "లక్ష", "లక్షలు", "లక్షల"),
    (10**3, "వెయ్యి", "వేలు", "వేల"),
    (10**2, "వంద", "వందలు", "వందల"),
)
OBLIQUE = {plural: oblique for _, _, plural, oblique in SCALES}
VOWEL_SIGN_ENDINGS = ("ు", "ి")  # vowel signs u and i, dropped before the ordinal ending వ


def below_100(n: int, attributive: bool) -> list[str]:
    if n < 20:
        return [ONE_BEFORE_NOUN if n == 1 and attributive else UNITS[n]]
    tens, unit = divmod(n, 10)
    if not unit:
        return [TENS[tens]]
    return [TENS[tens], ONE_BEFORE_NOUN if unit == 1 and attributive else UNITS[unit]]


def cardinal_te(n: int, attributive: bool = False) -> list[str]:
    if n == 0:
        return [UNITS[0]]
    words: list[str] = []
    for value, alone, plural, oblique in SCALES:
        count, n = divmod(n, value)
        if not count:
            continue
        more = n > 0
        if count == 1:
            words.append("నూట" if value == 100 and more else alone)
        else:
            words += cardinal_te(count, attributive=True)
            words.append(oblique if more or attributive else plural)
    if n:
        words += below_100(n, attributive)
    return words


def ordinal_te(n: int) -> str:
    """మొదటి, రెండవ, ఇరవయ్యవ, ఇరవై ఒకటవ, వందవ."""
    if n == 1:
        return "మొదటి"
    words = cardinal_te(n)
    last = words[-1]
    if last.endswith(VOWEL_SIGN_ENDINGS):
        last = last[:-1] + "వ"
    elif last.endswith("ై"):
        last = last[:-1] + "య్యవ"
    else:
        last += "వ"
    return " ".join([*words[:-1], last])


class Telugu(Language):
    """Telugu in Telugu script; English words in Latin script pass through."""

    code = "te"
    name = "Telugu"
    extra_punctuation = "।"
    digit_names = tuple(UNITS[:10])
    decimal_separator = "."
    group_separators = ","
    indian_grouping = True
    decimal_word = "పాయింట్"
    minus_word = "మైనస్"
    plus_word = "ప్లస్"
    percent_word = "శాతం"
    and_word = "మరియు"
    range_word = "నుంచి"
    currencies = {
        "INR": Currency("రూపాయి", "రూపాయలు", "పైసా", "పైసలు", before_minor="రూపాయల"),
        "USD": Currency("డాలర్", "డాలర్లు", "సెంట్", "సెంట్లు", before_minor="డాలర్ల"),
    }
    currency_symbols = {"₹": "INR", "Rs": "INR", "Rs.": "INR", "INR": "INR", "రూ.": "INR", "రూ": "INR",
                        "$": "USD", "USD": "USD"}  # fmt: skip
    scale_words = {"లక్ష": ("లక్షలు", 10**5), "లక్షలు": ("లక్షలు", 10**5), "లక్షల": ("లక్షల", 10**5),
                   "కోటి": ("కోట్లు", 10**7), "కోట్లు": ("కోట్లు", 10**7), "కోట్ల": ("కోట్ల", 10**7),
                   "వేలు": ("వేలు", 10**3), "వేల": ("వేల", 10**3)}  # fmt: skip
    id_keywords = ID_KEYWORDS_EN | frozenset({
        "ఫోన్", "ఆర్డర్", "కోడ్", "పిన్", "పిన్\u200cకోడ్", "ఖాతా", "అకౌంట్", "టికెట్", "బుకింగ్", "ఆధార్",
        "మొబైల్", "రిఫరెన్స్",
    })  # fmt: skip
    weak_id_keywords = frozenset({"నంబర్", "నెంబర్", "నంబరు", "number", "no"})
    id_keyword_prefixes = ("ఫోన్", "ఆర్డర్", "కోడ్", "పిన్", "ఖాతా", "అకౌంట్", "ఆధార్", "మొబైల్", "నంబర్", "నెంబర్")
    months = frozenset({
        "జనవరి", "ఫిబ్రవరి", "మార్చి", "ఏప్రిల్", "మే", "జూన్", "జూలై", "ఆగస్టు", "సెప్టెంబర్", "అక్టోబర్",
        "నవంబర్", "డిసెంబర్",
    })  # fmt: skip
    hash_word = "నంబర్"
    ordinal_patterns = (re.compile(r"(?P<n>\d+)(?P<suffix>వ)"),)
    glue_letter_suffix = True

    def cardinal_words(self, n: int, attributive: bool = False) -> str:
        return " ".join(cardinal_te(n, attributive))

    def ordinal_words(self, n: int, context: Context, suffix: str = "") -> str:
        return ordinal_te(n)

    def time(self, hour: int, minute: int, period: str | None = None) -> str:
        """Clock times: "పది గంటల ముప్పై నిమిషాలు", "పది గంటలు", "ఒంటి గంట"."""
        hours = "ఒంటి గంట" if hour == 1 else f"{self.cardinal(hour)} {'గంటల' if minute else 'గంటలు'}"
        if not minute:
            return hours
        return f"{hours} {self.cardinal(minute, attributive=True)} {'నిమిషం' if minute == 1 else 'నిమిషాలు'}"

    def glue_suffix(self, n: int, suffix: str) -> str:
        """Case ending glued on: "2024లో" -> "రెండు వేల ఇరవై నాలుగులో"; a final scale word goes oblique."""
        words = cardinal_te(n)
        words[-1] = OBLIQUE.get(words[-1], words[-1]) + suffix
        return " ".join(words)
