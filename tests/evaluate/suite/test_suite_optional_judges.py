"""The judges a suite loads only when configured: a CTC aligner (duration MAE), an emotion classifier and
a UTMOS checkpoint, each loaded by path like a hub model, scored on a real FSDD recording."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import torch

from support.tiny_ctc import LETTERS, save_tiny_ctc_model
from voxtune.corpus import fields
from voxtune.evaluate.metrics.emotion import EmotionClassifier
from voxtune.evaluate.suite.config import JudgesSpec
from voxtune.evaluate.suite.items import EvalItem
from voxtune.evaluate.suite.judges import Judges
from voxtune.evaluate.suite.scoring import Output, Scorer
from voxtune.models.tiny_audio_classifier import build_tiny_audio_classifier
from voxtune.sources.items import cut_from_file


def save_rms_utmos(path: Path) -> Path:
    """A TorchScript file with UTMOS's ``score`` interface that returns 1 + 4 x RMS."""

    class Scorer(torch.nn.Module):
        def forward(self, wav: torch.Tensor) -> torch.Tensor:
            return self.score(wav)

        @torch.jit.export
        def score(self, wav: torch.Tensor) -> torch.Tensor:
            return 1.0 + 4.0 * wav.pow(2).mean(dim=(1, 2)).sqrt()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.save(torch.jit.script(Scorer()), str(path))
    return path


@pytest.fixture(scope="module")
def judged(fsdd_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("judges")
    spec = JudgesSpec(
        aligner=str(save_tiny_ctc_model(folder / "ctc", LETTERS)),
        emotion=str(build_tiny_audio_classifier(folder / "emotion", ["angry", "happy"])),
        utmos=save_rms_utmos(folder / "utmos_scripted.pt"),
    )
    cut = cut_from_file(fsdd_dir / "3_nicolas_5.wav", "three", text="three", speaker="nicolas", language="en")
    cut.supervisions[0].custom[fields.EMOTION] = "happy"
    item = EvalItem("three", "test", "three", "en", "nicolas", cut)
    scorer = Scorer(Judges(spec), {"duration", "emotion", "utmos"}, task="tts")
    samples, rate = item.reference_audio()
    return scorer, item, samples, rate, spec


def test_duration_mae_of_the_recording_against_itself_is_zero(judged) -> None:
    scorer, item, samples, rate, _ = judged
    scores = scorer.score(Output("base", item, audio=samples, sample_rate=rate))
    assert scores.values["duration_mae_ms"] == 0.0  # the same aligner on the same audio


def test_emotion_and_utmos_match_their_models(judged) -> None:
    scorer, item, samples, rate, spec = judged
    scores = scorer.score(Output("base", item, audio=samples, sample_rate=rate))
    predicted = EmotionClassifier(spec.emotion).predict(samples, rate).label
    assert scores.values["emotion"] == float(predicted == "happy")
    from voxtune.evaluate.metrics.quality import UtmosScorer

    assert scores.values["utmos"] == pytest.approx(UtmosScorer(spec.utmos).score(samples, rate)[0])
    assert scorer.judges.status == {
        f"aligner {spec.aligner}": "loaded",
        f"emotion {spec.emotion}": "loaded",
        f"utmos {spec.utmos}": "loaded",
    }


def test_items_without_an_emotion_label_are_not_applicable(judged) -> None:
    scorer, _, samples, rate, _ = judged
    plain = EvalItem("x", "regression", "three", "en")
    scores = scorer.score(Output("base", plain, audio=samples, sample_rate=rate))
    assert "emotion" in scores.skipped and "emotion" not in scores.failures
