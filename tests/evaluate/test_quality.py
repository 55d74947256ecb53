from __future__ import annotations

import warnings

import numpy as np
import pytest
import soxr

from voxtune.errors import InputError
from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.metrics.quality import UtmosScorer, dnsmos


def _speech16(read_clip, fsdd_digits=(3, 1, 4)) -> np.ndarray:
    parts = [read_clip(d, "jackson", 7)[0] for d in fsdd_digits]
    return soxr.resample(np.concatenate(parts), 8000, 16000).astype(np.float32)


def test_dnsmos_runs_offline_and_penalises_noise(read_clip):
    clean = _speech16(read_clip)
    noisy = clean + 0.05 * np.random.default_rng(0).standard_normal(clean.size).astype(np.float32)
    a = dnsmos(clean, 16000)
    b = dnsmos(np.clip(noisy, -1, 1), 16000)
    print(f"DNSMOS clean OVRL {a.ovrl:.2f} BAK {a.bak:.2f}; noisy OVRL {b.ovrl:.2f} BAK {b.bak:.2f}")
    for score in (a.sig, a.bak, a.ovrl, a.p808, b.ovrl):
        assert 1.0 <= score <= 5.0
    assert b.bak < a.bak - 0.5
    assert b.ovrl < a.ovrl
    assert a.notes == ()


def test_dnsmos_resamples_with_a_note(read_clip):
    audio, rate = read_clip(2, "george", 3)
    assert dnsmos(audio, rate).notes == ("audio resampled from 8000 Hz to 16000 Hz with soxr",)


@pytest.mark.parametrize(("audio", "code"), [(np.zeros(0), "empty_audio"), (np.zeros(800), "silent_audio")])
def test_dnsmos_refuses_empty_and_silent_audio(audio, code):
    with pytest.raises(UnscorableError) as info:
        dnsmos(audio, 16000)
    assert info.value.code == code


def _save_scripted_scorer(path):
    """A stand-in TorchScript checkpoint with UTMOS's ``score`` interface: 1 + 4 * RMS."""
    import torch

    class Scorer(torch.nn.Module):
        def forward(self, wav: torch.Tensor) -> torch.Tensor:
            return self.score(wav)

        @torch.jit.export
        def score(self, wav: torch.Tensor) -> torch.Tensor:
            assert wav.dim() == 3
            return 1.0 + 4.0 * wav.pow(2).mean(dim=(1, 2)).sqrt()

    with warnings.catch_warnings():  # torch.jit is deprecated in recent torch, still works
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.save(torch.jit.script(Scorer()), str(path))


def test_utmos_loads_a_local_torchscript_file(tmp_path):
    _save_scripted_scorer(tmp_path / "utmos_scripted.pt")
    scorer = UtmosScorer(tmp_path)  # the folder is enough
    assert scorer.english_trained
    tone = 0.5 * np.sin(2 * np.pi * 200 * np.arange(24000) / 24000)
    score, notes = scorer.score(tone, 24000)
    assert score == pytest.approx(1.0 + 4.0 * 0.5 / np.sqrt(2), abs=1e-3)
    assert notes == ("audio resampled from 24000 Hz to 16000 Hz with soxr",)


def test_utmos_missing_or_broken_checkpoint(tmp_path):
    with pytest.raises(InputError, match="not found"):
        UtmosScorer(tmp_path / "nothing.pt")
    broken = tmp_path / "broken.pt"
    broken.write_bytes(b"not a torchscript archive")
    with pytest.raises(InputError) as info:
        UtmosScorer(broken)
    assert str(broken) in str(info.value)
