"""espeak-ng voices (through phonemizer's wrapper) and parsing of espeak's raw phoneme output.

The library and its data come from the ``espeakng-loader`` wheel (espeak-ng 1.52), so no system
espeak is needed and every machine phonemizes the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from voxtune.errors import VoxtuneError
from voxtune.text.g2p.symbols import TIE

_FLAG = re.compile(r"\(([^()]*)\)")
# espeak marks unstressed clitics ("lə-" in French) with a hyphen; it is not a sound.
_NOT_PHONEMES = str.maketrans("", "", "-_")


@cache
def configure_espeak() -> None:
    """Point phonemizer at the espeak-ng library and data bundled by espeakng-loader (once)."""
    import espeakng_loader
    from phonemizer.backend.espeak.wrapper import EspeakWrapper

    EspeakWrapper.set_library(espeakng_loader.get_library_path())
    EspeakWrapper.set_data_path(espeakng_loader.get_data_path())


class EspeakVoice:
    """One loaded espeak-ng voice; phonemizer gives each instance its own copy of the library."""

    def __init__(self, voice: str):
        configure_espeak()
        from phonemizer.backend.espeak.wrapper import EspeakWrapper

        try:
            self._wrapper = EspeakWrapper()
            self._wrapper.set_voice(voice)
        except RuntimeError as error:
            raise VoxtuneError(
                f"espeak-ng could not load voice {voice!r}: {error}",
                hint="Reinstall espeakng-loader (pip install --force-reinstall espeakng-loader)",
            ) from error
        self.voice = voice

    def raw(self, text: str) -> str:
        """espeak's IPA for ``text``: space between words, tie bars, language flags kept."""
        return self._wrapper.text_to_phonemes(text, tie=True)


@dataclass(frozen=True)
class Chunk:
    """One space-separated word of espeak output.

    ``tied`` holds the phonemes with tie bars; ``switched_to`` names the languages espeak switched
    to while saying it (its ``(en)`` flags), never the voice's own.
    """

    tied: str
    switched_to: tuple[str, ...] = ()


def parse_raw(raw: str) -> list[Chunk]:
    """Cut raw espeak output into chunks and attribute its language-switch flags to them.

    espeak writes ``(en)`` where it switches to another language and a flag naming the voice's own
    language where it switches back, so the last flag of a line names the voice's own language.
    """
    pieces = _FLAG.split(raw)
    flags = [piece.replace(TIE, "") for piece in pieces[1::2]]
    home = flags[-1] if flags else None
    current = home
    chunks: list[list[str]] = []
    switched: list[list[str]] = []
    start_new = True
    for index, piece in enumerate(pieces):
        if index % 2:
            current = piece.replace(TIE, "")
            continue
        for char in piece.translate(_NOT_PHONEMES):
            if char.isspace():
                start_new = True
                continue
            if start_new:
                chunks.append([])
                switched.append([])
                start_new = False
            chunks[-1].append(char)
            if current != home and current not in switched[-1]:
                switched[-1].append(current)
    return [
        Chunk("".join(chars), tuple(langs)) for chars, langs in zip(chunks, switched, strict=True) if chars
    ]
