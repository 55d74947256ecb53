"""espeak-ng as a voice source: speakers are voice variants with their own pitch and pace.

Only variants that give the same samples on every run are used (f2, f3, f5 and the whisper variants
draw on state espeak does not reset). Measured on espeak-ng (pyworld F0 over a sentence, variants m3
and f4, pitch 20 to 80): each step of espeak's 0-100 pitch setting is 0.16-0.18 semitone, so a
semitone is about 6 steps; an 8-semitone request measures 6.1 to 8.8 across variants, approximate
but enough for jitter. The rate setting is words per minute, and durations scale with its inverse
within 3 % over 120-250 wpm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from voxtune.errors import ConfigError
from voxtune.synth.espeak import Voice, synthesise
from voxtune.synth.voices import SpokenAudio, SynthSpeaker, Variation, VoiceSource, register_voice_source
from voxtune.text.languages import canonical_language, language

PITCH_STEPS_PER_SEMITONE = 6.0
PERSONAS: tuple[tuple[str, int, int], ...] = (
    # (variant, pitch 0-100, words per minute): alternating low and high voices, paces spread
    ("m3", 40, 165),
    ("f4", 65, 180),
    ("m1", 48, 175),
    ("f1", 58, 160),
    ("m7", 35, 185),
    ("Annie", 70, 170),
    ("m2", 45, 150),
    ("linda", 62, 190),
    ("m5", 52, 170),
    ("belinda", 68, 160),
    ("m4", 38, 180),
    ("steph", 60, 175),
    ("m6", 44, 160),
    ("aunty", 72, 185),
    ("m8", 50, 190),
    ("klatt", 46, 165),
)
MIN_RATE, MAX_RATE = 80, 450


@dataclass(frozen=True)
class EspeakVoices(VoiceSource):
    """Up to 16 espeak-ng speakers per language (variants of the language's voice)."""

    name: ClassVar[str] = "espeak"
    isolate_jobs: ClassVar[bool] = True

    def speakers(self, language_code: str, count: int) -> list[SynthSpeaker]:
        code = canonical_language(language_code)
        if not 1 <= count <= len(PERSONAS):
            raise ConfigError(
                f"espeak-ng offers 1 to {len(PERSONAS)} speakers per language, not {count}",
                hint="Lower --speakers, or add speed and pitch variation for more variety",
            )
        voice = language(code).espeak_voice
        return [
            SynthSpeaker(
                id=f"{code}_espeak_{variant}",
                language=code,
                settings={"voice": voice, "variant": variant, "pitch": pitch, "rate": rate},
            )
            for variant, pitch, rate in PERSONAS[:count]
        ]

    def voice_for(self, speaker: SynthSpeaker, variation: Variation) -> Voice:
        """The espeak settings of ``speaker`` saying one utterance with ``variation``."""
        settings = speaker.settings
        pitch = round(settings["pitch"] + variation.pitch * PITCH_STEPS_PER_SEMITONE)
        rate = round(settings["rate"] * variation.speed)
        return Voice(
            settings["voice"],
            settings["variant"],
            pitch=min(100, max(0, pitch)),
            rate=min(MAX_RATE, max(MIN_RATE, rate)),
        )

    def speak(
        self, texts: Sequence[str], speaker: SynthSpeaker, variations: Sequence[Variation], seed: int
    ) -> list[SpokenAudio]:
        spoken = []
        for text, variation in zip(texts, variations, strict=True):
            result = synthesise(text, self.voice_for(speaker, variation), seed=seed)
            spoken.append(SpokenAudio(result.audio, result.sample_rate, list(result.words)))
        return spoken

    def describe(self) -> dict[str, object]:
        from importlib.metadata import version

        return {"engine": "espeak-ng", "espeakng_loader": version("espeakng-loader")}


register_voice_source(EspeakVoices.name, EspeakVoices)
