"""Malaysian English / Malay sentences built for discourse particles, balanced over the particles.

Each particle has carrier sentences that fit its function (``lah`` insists, ``lor`` resigns, ``meh``
doubts, ...; see voxtune.text.particles), mixing English and Malay the way colloquial Malaysian
speech does, with the particle where speakers put it: at the end of a clause. ``{p}`` marks it.
"""

from __future__ import annotations

import numpy as np

from voxtune.errors import ConfigError
from voxtune.prompts.goals import PARTICLES, goal_language
from voxtune.prompts.script import Prompt
from voxtune.prompts.spoken import spoken_form
from voxtune.text.particles import PARTICLE_LEXICONS

PARTICLE_SENTENCES: dict[str, tuple[str, ...]] = {
    "lah": (
        "Don't worry {p}, nanti I settle it.",
        "Just take the LRT {p}, lagi cepat.",
        "Jom makan first {p}, I'm hungry already.",
        "Tak payah rush {p}, kita masih ada masa.",
        "Okay {p}, nanti malam I send you the file.",
        "Cepat sikit {p}, the movie starting already.",
        "Tak payah bayar {p}, my treat.",
    ),
    "leh": (
        "Can you tolong carry this {p}?",
        "Yang ini mahal sikit {p}.",
        "I think better kita pergi awal {p}.",
        "Boleh tolong tutup pintu {p}?",
        "Your new kereta very nice {p}.",
        "Maybe we try the other kedai {p}.",
    ),
    "lor": (
        "Takde bus already, walk back {p}.",
        "Dia tak nak datang, so we go ourselves {p}.",
        "Hujan lebat, stay at home {p}.",
        "Macam tu {p}, nothing we can do.",
        "Sold out already, esok baru beli {p}.",
        "Boss cakap must redo, redo {p}.",
    ),
    "meh": (
        "You sure kedai tu buka hari ini {p}?",
        "Betul ke {p}? I thought he left already.",
        "Dia nak datang {p}?",
        "This one tak boleh makan {p}?",
        "So fast dah siap {p}?",
        "You never pergi Penang before {p}?",
    ),
    "mah": (
        "I told you already {p}, meeting pukul tiga.",
        "Dia the manager {p}, of course he decide.",
        "Every Friday memang jam {p}.",
        "Dia memang macam tu {p}.",
        "Weekend {p}, semua orang keluar.",
        "She stay dekat office {p}, that's why always early.",
    ),
    "loh": (
        "I tunggu you so long {p}!",
        "The food here very sedap {p}, must come again.",
        "You sendiri cakap you want to come {p}.",
        "Mahal gila {p}, fifty ringgit satu pinggan.",
        "I dah bayar {p}, check your account.",
        "Penat sangat {p}, whole day walking.",
    ),
}
DEFAULT_PARTICLES = tuple(PARTICLE_SENTENCES)


def particle_prompts(
    language: str = "ms", count: int = 36, *, particles: tuple[str, ...] = DEFAULT_PARTICLES, seed: int = 0
) -> list[Prompt]:
    """``count`` sentences taking the particles in turn; each particle's sentences are used in a
    seeded order before any repeats."""
    code = goal_language(PARTICLES, language)
    lexicon = PARTICLE_LEXICONS[code]
    unknown = [p for p in particles if p not in PARTICLE_SENTENCES or p not in lexicon]
    if unknown or not particles:
        raise ConfigError(
            f"no sentences for particles {unknown}", hint=f"Choose from: {', '.join(PARTICLE_SENTENCES)}"
        )
    order = {p: _seeded_order(len(PARTICLE_SENTENCES[p]), seed, p) for p in particles}
    used = dict.fromkeys(particles, 0)
    prompts = []
    for index in range(count):
        particle = particles[index % len(particles)]
        templates = PARTICLE_SENTENCES[particle]
        template = templates[order[particle][used[particle] % len(templates)]]
        used[particle] += 1
        text = template.format(p=particle)
        prompts.append(
            Prompt(
                id=f"{PARTICLES}-{index + 1:04d}",
                text=text,
                spoken=spoken_form(text, code),
                language=code,
                goal=PARTICLES,
                kind=lexicon[particle].kind,
                meta={"particle": particle},
            )
        )
    return prompts


def _seeded_order(size: int, seed: int, salt: str) -> list[int]:
    rng = np.random.default_rng([seed, *salt.encode()])
    return [int(i) for i in rng.permutation(size)]
