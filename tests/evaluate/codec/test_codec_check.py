"""The codec check: a transparent codec passes, a dip-filling codec is flagged for stød only, a tiny
random Mimi (loaded by folder like kyutai/mimi) runs end to end from the CLI and is flagged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from support.eval_runs import put_in_split
from support.tiny_csm import fsdd_clips, fsdd_corpus
from voxtune.cli import app
from voxtune.errors import InputError
from voxtune.evaluate.codec import CodecItem, check_codec, load_codec
from voxtune.evaluate.codec.measures import energy_contour

RATE = 24000


def vowel(seconds: float, f0: float, seed: int) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    glide = f0 * (1 + 0.15 * np.sin(2 * np.pi * 1.5 * t))  # a moving pitch, so F0 correlation means something
    phase = 2 * np.pi * np.cumsum(glide) / RATE
    wave = sum(np.sin(k * phase) / k for k in range(1, 25))
    return (0.2 * wave + np.random.default_rng(seed).normal(0, 0.005, t.size)).astype(np.float32)


def with_dip(
    samples: np.ndarray, start_s: float, length_s: float = 0.08, depth_db: float = 15.0
) -> np.ndarray:
    gain = np.ones(samples.size, dtype=np.float32)
    a, n = int(start_s * RATE), int(length_s * RATE)
    gain[a : a + n] = 10 ** (-depth_db / 20)
    return samples * gain


class Transparent:
    name = "transparent"
    sample_rate = RATE
    bitrate_bps = None

    def roundtrip(self, samples: np.ndarray) -> np.ndarray:
        return np.concatenate([np.zeros(240, dtype=np.float32), samples])  # a 10 ms delay, nothing lost


class DipFilling(Transparent):
    """An automatic gain control with a 150 ms memory: it lifts short dips back to the running level."""

    name = "dip-filling"

    def roundtrip(self, samples: np.ndarray) -> np.ndarray:
        times, level = energy_contour(samples, RATE)
        window = 30  # 150 ms of 5 ms frames
        padded = np.pad(level, window, mode="edge")
        running = np.array([padded[i : i + 2 * window + 1].max() for i in range(level.size)])
        gain_db = np.interp(np.arange(samples.size) / RATE, times, running - level)
        return (samples * 10 ** (np.minimum(gain_db, 30.0) / 20)).astype(np.float32)


@pytest.fixture(scope="module")
def danish_items() -> list[CodecItem]:
    items = []
    for index in range(4):
        audio = with_dip(vowel(0.9, 110 + 20 * index, index), 0.4)
        items.append(CodecItem(f"da{index}", "da", None, audio, (("word", 0.25, 0.65),)))
    return items


def test_a_transparent_codec_keeps_everything(danish_items: list[CodecItem]) -> None:
    result = check_codec(Transparent(), danish_items)
    verdict = result.languages["da"]
    assert result.flagged == []
    assert all(r.lag_ms == pytest.approx(10.0) for r in result.items)
    assert verdict.lsd_db.mean == pytest.approx(0.0, abs=1e-6)
    assert verdict.f0_correlation.mean == pytest.approx(1.0) and verdict.vuv_agreement.mean == 1.0
    assert verdict.dip_preservation == pytest.approx(1.0) and verdict.dip_spans == 4


def test_a_codec_that_fills_dips_is_flagged_for_stod(danish_items: list[CodecItem]) -> None:
    result = check_codec(DipFilling(), danish_items)
    verdict = result.languages["da"]
    assert result.flagged == ["da"]
    assert verdict.dip_preservation < 0.3
    assert any(f.startswith("stød/glottalisation") for f in verdict.flags)
    assert not any(f.startswith(("pitch", "voicing")) for f in verdict.flags)  # pitch survives an AGC


@pytest.fixture(scope="module")
def tiny_mimi(fsdd_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Mimi (envelope encoder, k-means codebooks on FSDD, random decoder), saved like kyutai/mimi."""
    import torch
    from transformers import MimiModel

    from voxtune.models import mimi

    torch.manual_seed(0)
    model = MimiModel(mimi.tiny_mimi_config())
    mimi.make_envelope_encoder(model, seed=0)
    mimi.fit_codebooks(model, fsdd_clips(fsdd_dir, 8), seed=0)
    folder = tmp_path_factory.mktemp("mimi") / "tiny-mimi"
    model.save_pretrained(folder)
    return folder


def test_mimi_loads_by_folder_with_its_bitrate(tiny_mimi: Path, fsdd_dir: Path) -> None:
    codec = load_codec(tiny_mimi)
    assert codec.sample_rate == 24000 and codec.num_quantizers == 4
    assert codec.bitrate_bps == pytest.approx(12.5 * 4 * 5)  # frames/s x codebooks x log2(32)
    assert load_codec(tiny_mimi, num_quantizers=2).bitrate_bps == pytest.approx(125.0)
    clip = fsdd_clips(fsdd_dir, 1)[0]
    decoded = codec.roundtrip(clip)
    assert abs(decoded.size - clip.size) < 24000 / 12.5 + 1 and np.isfinite(decoded).all()
    with pytest.raises(InputError, match="has 4 codebooks"):
        load_codec(tiny_mimi, num_quantizers=9)


def test_the_codec_inside_a_csm_model_is_used(tmp_path: Path) -> None:
    from transformers import CsmForConditionalGeneration

    from voxtune.models.csm.tiny import tiny_csm_config

    CsmForConditionalGeneration(tiny_csm_config(64)).save_pretrained(tmp_path / "csm")
    codec = load_codec(tmp_path / "csm")
    assert codec.sample_rate == 24000 and codec.num_quantizers == 4
    assert type(codec.model).__name__ == "MimiModel"


def test_a_model_that_holds_no_mimi_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "whisper"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "whisper"}), encoding="utf-8")
    with pytest.raises(InputError, match="'whisper' model; the codec check needs a Mimi"):
        load_codec(folder)


def test_codec_check_from_the_cli_on_a_tiny_mimi(tiny_mimi: Path, fsdd_dir: Path, tmp_path: Path) -> None:
    corpus = put_in_split(
        fsdd_corpus(fsdd_dir, tmp_path / "corpus", speakers=["nicolas"], indices=range(1)), "test"
    )
    out = tmp_path / "codec"
    args = ["evaluate", "codec", "--model", str(tiny_mimi), "--corpus", str(corpus), "--out", str(out)]
    args += ["--split", "test", "--per-language", "3", "--judge", "en=pocketsphinx-digits", "--mark", "six"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "codec check" in result.output
    document = json.loads((out / "codec.json").read_text(encoding="utf-8"))
    assert document["bitrate_bps"] == pytest.approx(250.0)
    english = document["languages"]["en"]
    assert english["items"] == 3
    assert document["flagged_languages"] == ["en"]  # a random decoder loses everything
    assert english["cer_original"] is not None and english["cer_decoded"] is not None
    assert all(item["transcripts"] is not None for item in document["items"])
    examples = document["examples"]
    assert len(examples) == 2 and all((out / p).is_file() for e in examples.values() for p in e.values())
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Verdict per language" in page and page.count("<audio") == 4
