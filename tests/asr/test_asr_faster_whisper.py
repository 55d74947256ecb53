"""The faster-whisper backend on the tiny Whisper converted to CTranslate2 (skipped without the extra)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from support.tiny_models import tiny_whisper_dir
from voxtune.asr.whisper import WhisperTranscriber
from voxtune.errors import InputError

pytest.importorskip("faster_whisper", reason="the optional faster-whisper extra is not installed")
converters = pytest.importorskip("ctranslate2.converters", reason="ctranslate2's converter is not installed")

from voxtune.asr.faster_whisper import FasterWhisperTranscriber  # noqa: E402


@pytest.fixture(scope="module")
def ct2_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("ct2") / "tiny-whisper-ct2"
    converter = converters.TransformersConverter(str(tiny_whisper_dir()), copy_files=["tokenizer.json"])
    converter.convert(str(target), force=True)
    return target


@pytest.fixture(scope="module")
def clips(fsdd_dir: Path) -> list[np.ndarray]:
    return [sf.read(fsdd_dir / name, dtype="float32")[0] for name in ("3_jackson_0.wav", "5_george_3.wav")]


def test_detection_agrees_with_the_transformers_backend(ct2_folder, clips) -> None:
    fast = FasterWhisperTranscriber.from_pretrained(ct2_folder, device="cpu", compute_type="float32")
    reference = WhisperTranscriber.from_pretrained(tiny_whisper_dir())
    for clip, score in zip(clips, reference.language_scores(clips, 8000), strict=True):
        samples = soxr.resample(clip, 8000, 16000).astype(np.float32)
        probabilities = fast.language_probabilities(samples)
        code, probability = score.best()
        assert max(probabilities, key=probabilities.__getitem__) == code
        assert probabilities[code] == pytest.approx(probability, abs=2e-3)


def test_transcripts_have_words_inside_the_clip_with_probabilities(ct2_folder, clips) -> None:
    fast = FasterWhisperTranscriber.from_pretrained(
        ct2_folder,
        device="cpu",
        compute_type="float32",
        beam_size=1,
        max_new_tokens=12,
        candidate_languages=["te", "nb"],
    )
    results = fast.transcribe_batch(clips, 8000, [None, "nb"])
    assert results[0].language in {"te", "nb"} and results[1].language == "nb"
    for clip, result in zip(clips, results, strict=True):
        assert 0.0 <= result.language_probability <= 1.0
        starts = [w.start for w in result.words]
        assert starts == sorted(starts)
        for word in result.words:
            assert 0.0 <= word.start <= word.end <= clip.size / 8000 + 1e-6
            assert 0.0 <= word.probability <= 1.0


def test_a_folder_that_is_not_ctranslate2_is_refused() -> None:
    with pytest.raises(InputError, match="cannot load a faster-whisper"):
        FasterWhisperTranscriber.from_pretrained(tiny_whisper_dir(), device="cpu")
