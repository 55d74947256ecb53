"""standardise, segment and quality on real speech (FSDD digit strings with known pauses)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from support.fsdd_utterances import digit_utterance
from voxtune.audio.io import read_audio
from voxtune.audio.loudness import integrated_loudness, true_peak_dbtp
from voxtune.corpus import Corpus, fields
from voxtune.prepare import load_recipe, run_recipe

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
SPEAKERS = ["george", "jackson", "lucas", "nicolas"]


def write_utterance(folder: Path, name: str, utterance, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    sf.write(str(folder / f"{name}.wav"), utterance.audio, utterance.sample_rate)
    words = [
        [WORDS[d], round(s, 3), round(e, 3)]
        for d, (s, e) in zip(utterance.digits, utterance.spans, strict=True)
    ]
    rows.append(
        {
            "id": name,
            "path": f"{name}.wav",
            "text": " ".join(w[0] for w in words),
            "language": "en",
            "words": words,
        }
    )


def run(tmp_path: Path, manifest: Path, stages: str, name: str = "corpus") -> Corpus:
    recipe = tmp_path / f"{name}.yaml"
    recipe.write_text(
        f"report: false\nstages:\n  - stage: ingest\n    path: {manifest}\n{stages}", encoding="utf-8"
    )
    run_recipe(load_recipe(recipe), tmp_path / name)
    return Corpus.open(tmp_path / name)


@pytest.fixture(scope="module")
def long_take(
    tmp_path_factory: pytest.TempPathFactory, fsdd_dir: Path
) -> tuple[Path, list[tuple[float, float]]]:
    """A 30-odd second take of 24 digits by one speaker; long pauses (1.2 s) after every 4th digit."""
    folder = tmp_path_factory.mktemp("take")
    picks = [(i % 10, "jackson", i // 10) for i in range(24)]
    pauses = [1.2 if (i + 1) % 4 == 0 else 0.3 for i in range(23)]
    utterance = digit_utterance(fsdd_dir, picks, pauses)
    rows: list[dict] = []
    write_utterance(folder, "take", utterance, rows)
    (folder / "m.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return folder / "m.jsonl", utterance.pauses


def test_standardise_resamples_and_sets_loudness(tmp_path: Path, long_take) -> None:  # type: ignore[no-untyped-def]
    manifest, _ = long_take
    corpus = run(tmp_path, manifest, "  - stage: standardise\n    sample_rate: 24000\n    loudness: -20\n")
    [cut] = list(corpus.cuts())
    audio, rate = read_audio(cut.recording.sources[0].source)
    assert rate == 24000 and audio.shape[0] == 1
    loudness, peak = integrated_loudness(audio, rate), true_peak_dbtp(audio)
    at_target = abs(loudness + 20.0) < 0.5
    peak_limited = loudness < -20.0 and abs(peak + 1.0) < 0.3  # the ceiling stopped the gain
    assert at_target or peak_limited, (loudness, peak)
    assert peak <= -0.9
    assert cut.supervisions[0].alignment[fields.WORD_ALIGNMENT][0].symbol == "zero"
    assert "input_clipping_ratio" in cut.custom[fields.QUALITY]


def test_streaming_path_matches_the_in_memory_one(tmp_path: Path, long_take) -> None:  # type: ignore[no-untyped-def]
    manifest, _ = long_take
    memory = run(tmp_path, manifest, "  - stage: standardise\n", "memory")
    streamed = run(tmp_path, manifest, "  - stage: standardise\n    stream_above_seconds: 11\n", "streamed")
    a, rate = read_audio(next(iter(memory.cuts())).recording.sources[0].source)
    b, _ = read_audio(next(iter(streamed.cuts())).recording.sources[0].source)
    assert abs(a.shape[1] - b.shape[1]) <= 2
    assert integrated_loudness(b, rate) == pytest.approx(integrated_loudness(a, rate), abs=0.1)


def test_segments_cut_only_in_pauses_and_carry_their_words(tmp_path: Path, long_take) -> None:  # type: ignore[no-untyped-def]
    manifest, pauses = long_take
    corpus = run(
        tmp_path,
        manifest,
        "  - stage: standardise\n  - stage: segment\n    min_seconds: 2\n    max_seconds: 8\n"
        "    max_pause_seconds: 1.0\n",
    )
    cuts = sorted(corpus.cuts(), key=lambda c: c.start)
    assert len(cuts) >= 3
    spoken = []
    for cut in cuts:
        assert 2.0 <= cut.duration <= 8.0 + 1e-6
        assert cut.custom[fields.CONVERSATION] == "take"
        for boundary in (cut.start, cut.end):
            inside_pause = any(start - 0.05 <= boundary <= end + 0.05 for start, end in pauses)
            at_edge = boundary <= 0.55 or boundary >= cuts[-1].end - 1e-6
            assert inside_pause or at_edge, f"cut at {boundary:.2f} s is not in a pause"
        sup = cut.supervisions[0]
        words = sup.alignment[fields.WORD_ALIGNMENT]
        assert sup.text == " ".join(w.symbol for w in words)
        assert all(cut.start - 1e-6 <= w.start and w.end <= cut.end + 1e-6 for w in words)  # recording clock
        spoken += sup.text.split()
    assert spoken == [WORDS[i % 10] for i in range(24)]  # every word lands in exactly one segment


@pytest.mark.parametrize(("snr_db", "kept"), [(30, True), (5, False)])
def test_quality_gates_on_measured_snr(tmp_path: Path, fsdd_dir: Path, snr_db: int, kept: bool) -> None:
    picks = [(d, "lucas", 7) for d in (3, 1, 4, 1, 5)]
    clean = digit_utterance(fsdd_dir, picks, [0.4] * 4)
    speech_dbfs = 10 * np.log10(
        np.mean(np.concatenate([clean.audio[int(s * 8000) : int(e * 8000)] for s, e in clean.spans]) ** 2)
    )
    noisy = digit_utterance(fsdd_dir, picks, [0.4] * 4, noise_dbfs=speech_dbfs - snr_db)
    rows: list[dict] = []
    write_utterance(tmp_path, "u", noisy, rows)
    (tmp_path / "m.jsonl").write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    corpus = run(tmp_path, tmp_path / "m.jsonl", "  - stage: quality\n    min_bandwidth_hz: 3000\n")
    if kept:
        [cut] = list(corpus.cuts())
        assert cut.custom[fields.QUALITY]["snr_vad_db"] == pytest.approx(snr_db, abs=4)
        assert cut.custom["speech_regions"]
    else:
        [rejected] = list(corpus.rejections())
        assert rejected.code == "low_snr" and rejected.details["measured"] < 15


def test_quality_flags_upsampled_phone_audio(tmp_path: Path, fsdd_dir: Path) -> None:
    picks = [(d, "george", 2) for d in (8, 6, 7, 5)]
    utterance = digit_utterance(fsdd_dir, picks, [0.3] * 3)
    rows: list[dict] = []
    write_utterance(tmp_path, "phone", utterance, rows)
    (tmp_path / "m.jsonl").write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    corpus = run(tmp_path, tmp_path / "m.jsonl", "  - stage: standardise\n  - stage: quality\n")
    [rejected] = list(corpus.rejections())
    assert rejected.code == "low_bandwidth" and "Hz" in rejected.reason
    assert 3000 < rejected.details["measured"] < 4500
