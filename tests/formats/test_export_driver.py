"""The export driver: all-or-nothing output folders, refusals before writing, the summary file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.corpora import fsdd_cuts, write_corpus
from voxtune.errors import ConfigError, InputError
from voxtune.formats import EXPORTERS, READERS, export_corpus
from voxtune.formats.ljspeech import LjspeechExporter
from voxtune.formats.staging import staged_folder
from voxtune.prepare.stages.ingest import IngestConfig


def test_a_failing_export_leaves_no_folder_behind(tmp_path: Path, fsdd_dir: Path, monkeypatch) -> None:
    corpus = write_corpus(tmp_path / "corpus", fsdd_cuts(fsdd_dir))
    real_write = LjspeechExporter.write

    def write_then_crash(self, cuts, folder, ledger):
        real_write(self, cuts, folder, ledger)
        assert any(folder.rglob("*.wav"))
        raise RuntimeError("disk full")

    monkeypatch.setattr(LjspeechExporter, "write", write_then_crash)
    with pytest.raises(RuntimeError, match="disk full"):
        export_corpus(corpus, "ljspeech", tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]


def test_an_empty_existing_folder_is_used_and_the_summary_written(tmp_path: Path, fsdd_dir: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", fsdd_cuts(fsdd_dir))
    (tmp_path / "out").mkdir()
    export_corpus(corpus, "nemo", tmp_path / "out", split="train", options={"sample_rate": 8000})
    summary = json.loads((tmp_path / "out" / "voxtune_export.json").read_text())
    assert (summary["format"], summary["split"], summary["items"], summary["rejected"]) == (
        "nemo",
        "train",
        4,
        0,
    )
    assert summary["options"] == {"max_seconds": None, "sample_rate": 8000}
    assert len(summary["corpus_cuts_sha256"]) == 64


def test_refusals_name_what_is_wrong(tmp_path: Path, fsdd_dir: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", fsdd_cuts(fsdd_dir))
    with pytest.raises(ConfigError, match="unknown export format 'mosh' \\(did you mean 'moshi'\\?\\)"):
        export_corpus(corpus, "mosh", tmp_path / "a")
    with pytest.raises(ConfigError, match="field 'sample_rate'"):
        export_corpus(corpus, "ljspeech", tmp_path / "b", options={"sample_rate": 100})
    (tmp_path / "c").write_text("a file")
    with pytest.raises(InputError, match="is a file"):
        export_corpus(corpus, "ljspeech", tmp_path / "c")
    with pytest.raises(InputError, match="not a prepared corpus"):
        export_corpus(tmp_path, "ljspeech", tmp_path / "d")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists() and not (tmp_path / "d").exists()


def test_staged_folder_replaces_only_on_success(tmp_path: Path) -> None:
    with staged_folder(tmp_path / "x") as folder:
        (folder / "data.txt").write_text("done")
        assert not (tmp_path / "x").exists()
    assert (tmp_path / "x" / "data.txt").read_text() == "done"
    with pytest.raises(InputError), staged_folder(tmp_path / "x"):
        pass


def test_every_reader_is_an_ingest_format() -> None:
    formats = IngestConfig.model_fields["format"].annotation.__args__
    assert set(READERS) <= set(formats)
    assert set(EXPORTERS) == {"moshi", "hf", "kokoro", "ljspeech", "nemo", "lhotse"}
