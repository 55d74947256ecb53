"""`voxtune evaluate` end to end on a tiny CSM and FSDD digits: base vs adapters, regression set,
language confusion, report and samples; and the per-item failures that must not stop a suite."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import soundfile as sf

from support.eval_runs import put_in_split, save_adapter_run, write_eval_config
from support.tiny_csm import fsdd_corpus
from voxtune.evaluate.suite import run_evaluation
from voxtune.evaluate.suite.run import METRICS_FILE, REPORT_FILE, SAMPLES_FILE
from voxtune.listen import ListeningDesign, load_pool
from voxtune.listen.trials import design_trials
from voxtune.models.tiny_audio_classifier import build_tiny_audio_classifier

pytestmark = pytest.mark.slow  # a tiny CSM generates ~40 clips, each scored: about a minute here

SPEAKERS = ["george", "lucas"]


@pytest.fixture(scope="module")
def workspace(fsdd_dir: Path, tiny_csm: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus whose items are all in the test split (one with its recording deleted) and a run."""
    root = tmp_path_factory.mktemp("eval")
    audio = root / "audio"
    audio.mkdir()
    for wav in fsdd_dir.glob("*_[gl]*_0.wav"):
        shutil.copy(wav, audio / wav.name)
    put_in_split(fsdd_corpus(audio, root / "corpus", speakers=SPEAKERS, indices=range(1)), "test")
    (audio / "0_george_0.wav").unlink()  # george_0_0 loses its reference recording
    save_adapter_run(tiny_csm, root, speakers=SPEAKERS, languages=["en"])
    build_tiny_audio_classifier(root / "lid", ["en", "nb"])
    return root


@pytest.fixture(scope="module")
def evaluated(workspace: Path, tiny_csm: Path):
    config = write_eval_config(
        workspace,
        name="tiny-eval",
        model={"base": str(tiny_csm)},
        adapters=["runs/tiny"],
        corpus="corpus",
        max_items=3,
        cpu_threads=1,
        family={"max_seconds": 1.0},
        metrics=["wer", "cer", "mcd", "f0", "speaker", "language_id", "latency"],
        judges={"asr": {"en": "pocketsphinx-digits"}, "language_id": "lid"},
        regression={"language": "en", "sentences": ["one two", "three"]},
        confusion={
            "adapters": ["same", "noisy"],
            "languages": {"same": "en", "noisy": "nb"},
            "sentences": {"en": ["four", "five"], "nb": ["fire", "fem"]},
        },
        bootstrap={"resamples": 1000},
        report={"samples": 2},
    )
    return run_evaluation(config)


def test_outputs_are_written_where_the_config_says(evaluated, workspace: Path) -> None:
    run_dir = workspace / "eval" / "tiny-eval"
    assert evaluated.run_dir == run_dir
    for name in (METRICS_FILE, REPORT_FILE, SAMPLES_FILE):
        assert (run_dir / name).is_file()
    metrics = json.loads((run_dir / METRICS_FILE).read_text(encoding="utf-8"))
    assert [s["name"] for s in metrics["systems"]] == ["base", "same", "noisy", "reference"]
    assert metrics["family"] == "csm" and metrics["task"] == "tts"
    assert not any("no split field" in note for note in metrics["notes"])  # the test split was used
    assert metrics["judges"] == {
        "asr pocketsphinx-digits": "loaded",
        f"language-id {workspace / 'lid'}": "loaded",
        "speaker resemblyzer": "loaded",
    }
    # three test items spread over the corpus, the same three for every system
    test_items = {(r["system"], r["item"]) for r in metrics["items"] if r["set"] == "test"}
    items = {item for _, item in test_items}
    assert len(items) == 3
    assert test_items == {(s, i) for s in ("base", "same", "noisy", "reference") for i in items}


def test_an_adapter_that_changes_nothing_has_zero_deltas(evaluated) -> None:
    """``same`` has LoRA B = 0: with the shared seed its audio is the base model's, sample for sample."""
    base = {r.item: r for r in evaluated.records if r.system == "base" and r.set == "test"}
    same = {r.item: r for r in evaluated.records if r.system == "same" and r.set == "test"}
    for item, record in same.items():
        a, _ = sf.read(str(evaluated.run_dir / record.audio_path))
        b, _ = sf.read(str(evaluated.run_dir / base[item].audio_path))
        assert (a == b).all()
    deltas = evaluated.deltas["test"]["all"]
    for key in ("mcd_db", "speaker_sim", "wer", "cer"):
        delta = deltas[key]["same"]
        assert delta.n >= 2 and delta.estimate == 0.0 and delta.low == 0.0 and delta.high == 0.0
        assert delta.verdict == "unclear"
    assert deltas["f0_rmse_hz"]["same"].estimate == 0.0
    noisy = deltas["mcd_db"]["noisy"]
    assert noisy.estimate != 0.0 and noisy.n == 2  # the item without a recording has no MCD
    assert noisy.low is not None and noisy.low <= noisy.estimate <= noisy.high


def test_summaries_match_the_items_they_summarise(evaluated) -> None:
    table = evaluated.table["test"]["all"]
    for key in ("mcd_db", "speaker_sim"):
        for system in ("base", "noisy"):
            values = [
                r.scores.values[key]
                for r in evaluated.records
                if r.set == "test" and r.system == system and key in r.scores.values
            ]
            summary = table[key][system]
            assert summary.n == len(values) == 2
            assert summary.mean == pytest.approx(sum(values) / len(values))
            assert summary.low <= summary.mean <= summary.high
    # WER: pocketsphinx's digit grammar on the recordings themselves is the judge's floor
    wer = table["wer"]["reference"]
    assert wer.n == 2 and wer.failures == 1 and wer.failure_codes == {"missing_reference": 1}
    assert wer.corpus_rate is not None and 0.0 <= wer.corpus_rate <= 1.0


def test_a_missing_reference_is_counted_not_fatal(evaluated) -> None:
    george = [r for r in evaluated.records if r.item.startswith("george_0") and r.set == "test"]
    assert george
    for record in george:
        if record.system == "reference":
            assert record.audio_path is None
            continue
        assert record.audio_path is not None  # synthesis needs only the text
        for key in ("mcd_db", "f0_rmse_hz", "speaker_sim"):
            assert record.scores.failures[key].code == "missing_reference"
        assert "wer" in record.scores.values  # reference-free metrics still scored
    assert evaluated.table["test"]["all"]["mcd_db"]["base"].failure_codes == {"missing_reference": 1}


def test_regression_set_scores_every_system_without_reference_metrics(evaluated) -> None:
    regression = evaluated.table["regression"]["all"]
    assert set(regression["wer"]) == {"base", "same", "noisy"}
    assert all(s.n == 2 for s in regression["wer"].values())
    assert "mcd_db" not in regression and "speaker_sim" not in regression
    assert evaluated.deltas["regression"]["all"]["wer"]["same"].estimate == 0.0


def test_confusion_matrix_counts_every_confusion_sentence(evaluated) -> None:
    matrix = evaluated.confusion
    assert matrix is not None
    assert matrix.labels == ("en", "nb")
    assert matrix.total == 4 and matrix.counts.sum(axis=1).tolist() == [2, 2]
    predicted = [r.scores.predicted_language for r in evaluated.records if r.set == "confusion"]
    assert len(predicted) == 4 and set(predicted) <= {"en", "nb"}
    assert matrix.correct == sum(
        r.scores.predicted_language == r.language for r in evaluated.records if r.set == "confusion"
    )


def test_report_shows_deltas_plots_and_players(evaluated) -> None:
    page = (evaluated.run_dir / REPORT_FILE).read_text(encoding="utf-8")
    for title in ("Test split", "Regression set", "Language confusion", "Metric distributions"):
        assert title in page
    assert len(re.findall(r"data-verdict='\w+'", page)) >= 6
    players = page.count("<audio controls")
    # two sampled items x (reference + 3 systems), less the reference that is missing at most once
    assert players >= 7
    assert page.count("<img") >= 2 + 2 + 1  # mel + F0 per sampled item, the confusion matrix, ...
    assert "missing_reference" in page


def test_samples_manifest_lists_every_clip(evaluated) -> None:
    manifest = json.loads((evaluated.run_dir / SAMPLES_FILE).read_text(encoding="utf-8"))
    assert manifest["base"] == "base" and manifest["reference"] == "reference"
    clips = [
        (entry["item"], system, path)
        for entry in manifest["items"]
        for system, path in entry["clips"].items()
    ]
    assert len(clips) == sum(1 for r in evaluated.records if r.audio_path)
    for _, _, path in clips:
        assert (evaluated.run_dir / path).is_file()
    # `voxtune listen` reads it: every adapter meets the base on every test and regression item
    trials = design_trials(load_pool(evaluated.run_dir), ListeningDesign(), seed=0)
    pairs = Counter(frozenset(t.systems) for t in trials if t.kind == "ab")
    assert pairs == {frozenset({"base", "same"}): 5, frozenset({"base", "noisy"}): 5}


def test_failed_generations_and_an_unloadable_judge_do_not_stop_the_suite(
    workspace: Path, tiny_csm: Path
) -> None:
    config = write_eval_config(
        workspace,
        name="broken",
        model={"base": str(tiny_csm)},
        adapters=[{"path": "runs/tiny/adapters/same", "name": "only"}],
        corpus="corpus",
        max_items=1,
        family={"max_seconds": 1.0},
        metrics=["wer", "dnsmos", "latency"],
        judges={"asr": {"en": f"whisper:{workspace / 'no-such-whisper'}"}},
        regression={"language": "en", "sentences": ["one", "two"], "speaker": "nobody"},
        cpu_threads=1,
    )
    result = run_evaluation(config)
    assert result.system("base").failures == {"generation_failed": 2}
    assert result.system("only").failures == {"generation_failed": 2}
    wer = result.table["regression"]["all"]["wer"]["base"]
    assert wer.mean == 1.0 and wer.failures == 2  # a failed output counts as all deletions
    dnsmos = result.table["regression"]["all"]["dnsmos_ovrl"]["base"]
    assert dnsmos.n == 0 and dnsmos.failure_codes == {"generation_failed": 2}
    assert "unknown speaker 'nobody'" in json.dumps([r.to_dict() for r in result.records])
    judge = f"asr whisper:{workspace / 'no-such-whisper'}"
    assert result.judges[judge].startswith("unavailable: model folder not found")
    assert result.table["test"]["all"]["wer"]["base"].failure_codes == {"judge_unavailable": 1}
    assert result.table["test"]["all"]["dnsmos_ovrl"]["base"].n == 1  # the other metrics went on
    assert any(judge in note for note in result.notes)
    assert (result.run_dir / REPORT_FILE).is_file()
