"""What a suite evaluates: the config, test items from a corpus split, regression and confusion
sentences, and the adapters found in run folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.eval_runs import put_in_split, write_eval_config
from support.tiny_csm import fsdd_corpus
from voxtune.corpus.manifest import write_json
from voxtune.errors import ConfigError, InputError
from voxtune.evaluate.suite.config import AdapterSpec, ConfusionSpec, RegressionSpec, load_eval_config
from voxtune.evaluate.suite.items import (
    EvalItem,
    confusion_items,
    regression_items,
    select_test_items,
    spread_over_languages,
)
from voxtune.evaluate.suite.run import metric_groups
from voxtune.evaluate.suite.systems import collect_adapters, find_adapters


def test_config_paths_resolve_beside_the_yaml(tmp_path: Path) -> None:
    (tmp_path / "tiny").mkdir()
    (tmp_path / "lid").mkdir()
    path = write_eval_config(
        tmp_path,
        name="x",
        model={"base": "tiny"},
        adapters=["runs/a", {"path": "runs/b/adapters/nb", "name": "nb"}],
        corpus="corpus",
        judges={"asr": {"en": "pocketsphinx", "*": "whisper:openai/whisper-small"}, "language_id": "lid"},
    )
    config = load_eval_config(path)
    assert config.model.base == str(tmp_path / "tiny")  # an existing folder beside the YAML
    assert config.judges.language_id == str(tmp_path / "lid")
    assert config.judges.asr["*"] == "whisper:openai/whisper-small"  # a hub id stays a hub id
    specs = config.adapter_specs()
    assert [s.path for s in specs] == [tmp_path / "runs" / "a", tmp_path / "runs" / "b" / "adapters" / "nb"]
    assert specs[1].name == "nb" and config.run_dir == tmp_path / "eval" / "x"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"metrics": ["wer", "mos"]}, "unknown metrics"),
        ({"regression": {"language": "en"}}, "give sentences or a file"),
        ({"judgs": {}}, "did you mean 'judges'"),
        ({"corpus": None}, "give a corpus"),
    ],
)
def test_config_mistakes_are_named(tmp_path: Path, fields: dict, message: str) -> None:
    data = {"name": "x", "model": {"base": "org/model"}, "corpus": "c", **fields}
    with pytest.raises(ConfigError, match=message):
        load_eval_config(write_eval_config(tmp_path, **data))


def test_metric_groups_default_to_what_the_judges_allow(tmp_path: Path) -> None:
    config = load_eval_config(write_eval_config(tmp_path, name="x", model={"base": "m"}, corpus="c"))
    assert metric_groups(config, "tts") == {"mcd", "f0", "speaker", "dnsmos", "latency"}
    assert metric_groups(config, "stt") == {"wer", "cer", "latency"}
    config.judges.asr = {"en": "pocketsphinx"}
    assert {"wer", "cer", "language_id"} <= metric_groups(config, "tts")
    config.metrics = ["duration"]
    with pytest.raises(ConfigError, match=r"needs judges\.aligner"):
        metric_groups(config, "tts")
    config.metrics = ["mcd"]
    with pytest.raises(ConfigError, match="a stt model produces text"):
        metric_groups(config, "stt")


def _items(*specs: tuple[str, str | None]) -> list[EvalItem]:
    return [EvalItem(item_id, "test", "t", language) for item_id, language in specs]


def test_spread_over_languages_takes_items_round_robin() -> None:
    items = _items(("en1", "en"), ("en2", "en"), ("en3", "en"), ("nb1", "nb"), ("sv1", "sv"), ("sv2", "sv"))
    assert [i.id for i in spread_over_languages(items, 4)] == ["en1", "nb1", "sv1", "en2"]
    assert [i.id for i in spread_over_languages(items, None, per_language=1)] == ["en1", "nb1", "sv1"]
    assert len(spread_over_languages(items, None)) == 6


def test_test_items_come_from_the_split_and_a_corpus_without_splits_is_noted(
    fsdd_dir: Path, tmp_path: Path
) -> None:
    fsdd_corpus(fsdd_dir, tmp_path / "plain", speakers=["george"], indices=range(1))
    config = load_eval_config(write_eval_config(tmp_path, name="x", model={"base": "m"}, corpus="plain"))
    selection = select_test_items(config)
    assert len(selection.items) == 10 and selection.speakers == ["george"]
    assert "no split field" in selection.notes[0]
    item = selection.items[0]
    samples, rate = item.reference_audio()
    assert rate == 8000 and samples.ndim == 1 and item.text and item.language == "en"
    put_in_split(fsdd_corpus(fsdd_dir, tmp_path / "split", speakers=["jackson"], indices=range(1)), "train")
    config.corpus = tmp_path / "split"
    with pytest.raises(InputError, match="no items in split 'test'"):
        select_test_items(config)


def test_regression_sentences_from_the_config_and_a_file(tmp_path: Path) -> None:
    file = tmp_path / "sentences.txt"
    file.write_text("first line\n\n  second line  \n", encoding="utf-8")
    items = regression_items(RegressionSpec(language="no", sentences=["given"], file=file))
    assert [(i.id, i.text, i.language) for i in items] == [
        ("regression-000", "given", "nb"),
        ("regression-001", "first line", "nb"),
        ("regression-002", "second line", "nb"),
    ]


def test_confusion_sentences_come_from_the_config_or_the_corpus() -> None:
    corpus = [
        EvalItem("a", "test", "Hej då", "sv", "sv_f"),
        EvalItem("b", "test", "Hej då", "sv", "sv_m"),
        EvalItem("c", "test", "God morgon", "sv", "sv_m"),
    ]
    spec = ConfusionSpec(adapters=["nb", "sv"], sentences={"nb": ["Hei"]}, per_language=2)
    items = confusion_items(spec, ["nb", "sv"], corpus)
    assert [(i.id, i.text, i.speaker) for i in items] == [
        ("confusion-nb-000", "Hei", None),
        ("confusion-sv-000", "Hej då", "sv_f"),
        ("confusion-sv-001", "God morgon", "sv_m"),
    ]
    with pytest.raises(ConfigError, match="no sentences in da"):
        confusion_items(spec, ["da"], corpus)


def _adapter(folder: Path, name: str, created: str = "2026-01-01", **extra: object) -> Path:
    folder.mkdir(parents=True)
    metadata = {"adapter": name, "method": "lora", "languages": ["nb"], "created": created, **extra}
    (folder / "voxtune_adapter.json").write_text(json.dumps(metadata), encoding="utf-8")
    return folder


def test_adapters_are_found_in_run_folders(tmp_path: Path) -> None:
    run = tmp_path / "run"
    _adapter(run / "adapters" / "stage1", "multi", "2026-01-01")
    _adapter(run / "adapters" / "stage2", "multi", "2026-01-02")  # the same adapter trained further
    _adapter(run / "adapters" / "nordic-nb", "nb")
    found = {a.name: a.folder.name for a in find_adapters(AdapterSpec(path=run))}
    assert found == {"multi": "stage2", "nb": "nordic-nb"}
    write_json({"adapters": {"multi": str(run / "adapters" / "stage1")}}, run / "summary.json")
    assert [(a.name, a.folder.name) for a in find_adapters(AdapterSpec(path=run))] == [("multi", "stage1")]
    single = find_adapters(
        AdapterSpec(path=run / "adapters" / "nordic-nb", name="norsk", languages=["nb", "nn"])
    )
    assert [(a.name, a.languages) for a in single] == [("norsk", ("nb", "nn"))]


def test_adapter_folder_mistakes_are_clear(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="adapter folder not found"):
        find_adapters(AdapterSpec(path=tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no adapters here"):
        find_adapters(AdapterSpec(path=tmp_path / "empty"))
    a = _adapter(tmp_path / "a", "nb")
    b = _adapter(tmp_path / "b", "nb")
    with pytest.raises(ConfigError, match="unique"):
        collect_adapters([AdapterSpec(path=a), AdapterSpec(path=b)])
    base = _adapter(tmp_path / "c", "base")
    with pytest.raises(ConfigError, match="base"):
        collect_adapters([AdapterSpec(path=base)])
