"""Running the streaming STT over utterances and recording what the pause heads said, frame by frame."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
from lhotse.cut import Cut

from voxtune.corpus import fields
from voxtune.errors import ItemError
from voxtune.evaluate.pause.digits import DigitRun, digit_runs
from voxtune.models.base import LoadedModel
from voxtune.models.kyutai.words import item_words
from voxtune.models.kyutai_stt.family import KyutaiSttFamily, mono_audio
from voxtune.models.kyutai_stt.settings import SttSettings

DIGITS = "digits"
ORDINARY = "ordinary"


@dataclass
class ProbeItem:
    """One utterance to probe: mono audio, word timings (seconds from its start), its text and group."""

    id: str
    audio: np.ndarray
    sample_rate: int
    words: list[tuple[str, float, float]]
    text: str
    original: str
    language: str | None
    runs: list[DigitRun]

    @property
    def group(self) -> str:
        return DIGITS if self.runs else ORDINARY

    @property
    def speech_start(self) -> float:
        return self.words[0][1]

    @property
    def speech_end(self) -> float:
        return self.words[-1][2]


@dataclass
class Trace:
    """What one model did on one utterance: its transcript and the pause probabilities of each head at
    each step, with the audio time (seconds from the utterance start) each step had heard."""

    item: ProbeItem
    model: str
    transcript: str
    times: np.ndarray
    pause: np.ndarray
    """``(steps, heads)``"""
    notes: list[str] = field(default_factory=list)

    def speaking(self) -> np.ndarray:
        """Steps heard while the caller was still speaking (first word start to last word end)."""
        return (self.times > self.item.speech_start) & (self.times < self.item.speech_end)

    def in_runs(self) -> np.ndarray:
        """Steps heard inside a digit run."""
        inside = np.zeros(len(self.times), dtype=bool)
        for run in self.item.runs:
            inside |= (self.times >= run.start) & (self.times <= run.end)
        return inside


def probe_items(
    cuts: Iterable[Cut], sample_rate: int, *, min_digits: int = 2
) -> Iterator[ProbeItem | tuple[Cut, ItemError]]:
    """Probe items for the usable cuts (mono, word timings); ``(cut, error)`` for the others."""
    for cut in cuts:
        try:
            words = item_words(cut)
            audio = mono_audio(cut, sample_rate)
        except ItemError as error:
            yield cut, error
            continue
        sups = [s for s in cut.supervisions if s.text and s.text.strip()]
        language = next((s.language for s in sups if s.language), None)
        original = " ".join(str((s.custom or {}).get(fields.TEXT_ORIGINAL) or s.text) for s in sups)
        yield ProbeItem(
            id=cut.id,
            audio=audio,
            sample_rate=sample_rate,
            words=words,
            text=" ".join(s.text.strip() for s in sups),
            original=original,
            language=language,
            runs=digit_runs(words, language, min_digits=min_digits),
        )


def run_probe(
    loaded: LoadedModel, items: Iterable[ProbeItem], settings: SttSettings, label: str
) -> list[Trace]:
    """Transcribe each item by streaming with ``loaded`` (as it is: base or with an adapter active) and
    record the pause probabilities; the model must have pause heads."""
    family = loaded.family
    if not isinstance(family, KyutaiSttFamily):
        raise TypeError("the pause probe runs Kyutai STT models")
    if loaded.extras.get("pause_heads") is None:
        from voxtune.errors import InputError

        raise InputError(
            "the model has no pause heads (pause_heads.safetensors beside its weights)",
            path=loaded.source.local_path,
            hint="Import the original kyutai checkpoint with `voxtune merge import-original` to keep them",
        )
    traces = []
    for item in items:
        text, streamed = family.transcribe(loaded, item.audio, item.sample_rate, settings)
        before = (
            settings.silence_before_seconds
            if settings.silence_before_seconds is not None
            else loaded.extras["silence_before_seconds"]
        )
        assert streamed.pause is not None
        traces.append(Trace(item, label, text, streamed.step_times() - before, streamed.pause))
    return traces
