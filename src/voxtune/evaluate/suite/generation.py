"""Run one system on one item through the family interface: synthesise (TTS) or transcribe (STT).

Items go one at a time, each with the same seed, so a system's output for an item does not depend
on which other items were evaluated, base and adapter sample alike, and each item gets its own
timing. A request the model refuses (unknown speaker, no text) or output that cannot be scored
(empty, silent, non-finite) becomes the output's ``failure``; the suite goes on.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import soundfile as sf

from voxtune.corpus.manifest import atomic_output
from voxtune.errors import ItemError, VoxtuneError
from voxtune.evaluate.errors import ItemFailure, UnscorableError
from voxtune.evaluate.suite.items import EvalItem
from voxtune.evaluate.suite.scoring import Output, check_output_audio
from voxtune.models.base import FamilySettings, GenerationRequest, LoadedModel, ModelFamily


def build_request(item: EvalItem, task: str) -> tuple[GenerationRequest, float | None]:
    """The request for ``item`` and, for STT, the seconds of audio it carries."""
    if task == "stt":
        samples, rate = item.reference_audio()
        request = GenerationRequest(audio=samples, sample_rate=rate, language=item.language)
        return request, samples.size / rate
    if not item.text:
        raise UnscorableError("missing_text", f"{item.id} has no text to synthesise")
    return GenerationRequest(text=item.text, speaker=item.speaker, language=item.language), None


def generate_one(
    family: ModelFamily,
    loaded: LoadedModel,
    item: EvalItem,
    settings: FamilySettings,
    *,
    system: str,
    speakers: Mapping[str, int],
    seed: int,
) -> Output:
    """The system's output for ``item``, timed; any per-item problem is in ``Output.failure``."""
    try:
        request, input_seconds = build_request(item, family.task)
    except ItemError as exc:
        return Output(system, item, failure=ItemFailure(item.id, exc.code, exc.reason))
    started = time.perf_counter()
    try:
        result = family.generate(loaded, [request], settings, speakers=speakers, seed=seed)[0]
    except (ItemError, VoxtuneError) as exc:
        reason = exc.reason if isinstance(exc, ItemError) else str(exc)
        return Output(system, item, failure=ItemFailure(item.id, "generation_failed", reason))
    seconds = time.perf_counter() - started
    output = Output(
        system,
        item,
        audio=None if result.audio is None else np.asarray(result.audio, dtype=np.float32).reshape(-1),
        sample_rate=result.sample_rate,
        text=result.text,
        seconds=seconds,
        stopped=result.stopped,
        input_seconds=input_seconds,
    )
    if family.task != "stt":
        try:
            check_output_audio(item.id, output.audio, output.sample_rate)
        except UnscorableError as exc:
            output.failure = ItemFailure(item.id, exc.code, exc.reason)
    return output


def write_clip(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """Mono 16-bit WAV, written atomically (NaN/inf become 0 so a broken output still plays)."""
    clean = np.clip(np.nan_to_num(np.asarray(samples, dtype=np.float32).reshape(-1)), -1.0, 1.0)
    with atomic_output(path) as tmp:
        sf.write(str(tmp), clean, int(sample_rate), subtype="PCM_16", format="WAV")
