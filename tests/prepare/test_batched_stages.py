"""Item stages that process batches: the runner hands them batches and still accounts for every item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import support.batch_stages  # noqa: F401 - registers test_batch_recorder
from voxtune.corpus import Corpus
from voxtune.errors import AccountingError
from voxtune.prepare import parse_recipe, run_recipe


def run(tmp_path: Path, source: Path, chunk_size: int, **stage: Any):
    recipe = parse_recipe(
        {
            "chunk_size": chunk_size,
            "report": False,
            "stages": [
                {"stage": "ingest", "path": str(source)},
                {"stage": "test_batch_recorder", **stage},
            ],
        },
        base_dir=tmp_path,
    )
    return run_recipe(recipe, tmp_path / "corpus"), Corpus.open(tmp_path / "corpus")


def test_batches_are_cut_from_each_chunk_in_order(tmp_path: Path, audio_folder: Path) -> None:
    result, corpus = run(tmp_path, audio_folder, chunk_size=5, batch_size=2)
    assert result.items_out == 12
    # chunks of 5, 5 and 2 items give batches of 2, 2, 1 | 2, 2, 1 | 2
    assert [tuple(cut.custom["batch"]) for cut in corpus.cuts()] == [
        (2, 0), (2, 1), (2, 0), (2, 1), (1, 0),
        (2, 0), (2, 1), (2, 0), (2, 1), (1, 0),
        (2, 0), (2, 1),
    ]  # fmt: skip
    assert all(cut.custom["stages"] == ["ingest", "test_batch_recorder"] for cut in corpus.cuts())


def test_errors_in_a_batch_reject_only_their_items(tmp_path: Path, audio_folder: Path) -> None:
    result, corpus = run(
        tmp_path,
        audio_folder,
        chunk_size=12,
        batch_size=4,
        reject_ids=["anna/clip1"],
        crash_ids=["ben/clip3"],
    )
    stage = result.stages[1]
    assert (stage.items_in, stage.items_out, stage.rejected) == (12, 10, 2)
    ledger = {r.id: r for r in corpus.rejections()}
    assert ledger["anna/clip1"].code == "test_reject" and ledger["anna/clip1"].details == {"position": 1}
    assert ledger["ben/clip3"].code == "stage_error"
    assert ledger["ben/clip3"].reason == "ValueError: bad value in ben/clip3"
    assert ledger["ben/clip3"].source == str(audio_folder / "ben" / "clip3.wav")


def test_a_failing_batch_rejects_each_of_its_items(tmp_path: Path, audio_folder: Path) -> None:
    result, corpus = run(tmp_path, audio_folder, chunk_size=12, batch_size=4, fail_batch_with="anna/clip5")
    ledger = list(corpus.rejections())
    # anna/clip4, anna/clip5, ben/clip0, ben/clip1 share the second batch
    assert sorted(r.id for r in ledger) == ["anna/clip4", "anna/clip5", "ben/clip0", "ben/clip1"]
    assert {r.reason for r in ledger} == {"RuntimeError: the model ran out of memory"}
    assert result.items_out == 8


def test_a_batch_stage_must_answer_for_every_item(tmp_path: Path, audio_folder: Path) -> None:
    with pytest.raises(AccountingError, match="returned 3 results for a batch of 4"):
        run(tmp_path, audio_folder, chunk_size=12, batch_size=4, drop_one=True)
