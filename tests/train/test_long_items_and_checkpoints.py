"""Items longer than the context are split at words; checkpoints are atomic, pruned, and survive a
full disk."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from lhotse import SupervisionSegment
from lhotse.supervision import AlignmentItem
from lhotse.testing.dummies import dummy_cut

from voxtune.errors import ItemError
from voxtune.train.checkpoint import COMPLETE_MARKER, CheckpointError, CheckpointStore
from voxtune.train.long_items import split_to_fit


def long_cut(words: list[tuple[str, float, float]] | None, duration: float = 10.0):
    cut = dummy_cut(0, duration=duration)
    cut.id = "long"
    alignment = {"word": [AlignmentItem(w, s, e - s) for w, s, e in words]} if words else None
    text = " ".join(w for w, _, _ in words) if words else "no timings here"
    custom = {"particles": [None] * (len(words) - 1) + ["assertive"]} if words else None
    cut.supervisions = [
        SupervisionSegment(
            "long", cut.recording_id, 0.0, duration, text=text, alignment=alignment, custom=custom
        )
    ]
    return cut


WORDS = [(f"w{i}", i * 1.0 + 0.2, i * 1.0 + 0.8) for i in range(10)]


def test_an_item_that_fits_is_kept_whole() -> None:
    cut = long_cut(WORDS)
    assert split_to_fit(cut, lambda c: True) == [cut]


def test_long_items_split_between_words_into_pieces_that_fit() -> None:
    pieces = split_to_fit(long_cut(WORDS), lambda c: c.duration <= 3.2)
    assert [p.supervisions[0].text for p in pieces] == ["w0 w1 w2", "w3 w4 w5", "w6 w7 w8", "w9"]
    for piece in pieces:
        assert piece.duration <= 3.2
        sup = piece.supervisions[0]
        assert sup.start == 0.0 and sup.duration == pytest.approx(piece.duration)
        words = sup.alignment["word"]
        assert words[0].start == pytest.approx(0.05)  # 50 ms of the gap before the first word
        assert all(w.start >= 0.0 and w.end <= piece.duration + 1e-9 for w in words)
    assert pieces[1].start == pytest.approx(3.15) and pieces[1].id == "long_part01"
    assert pieces[-1].supervisions[0].custom["particles"] == ["assertive"]  # per-word fields follow


def test_long_items_without_word_timings_or_with_a_giant_word_are_rejected() -> None:
    with pytest.raises(ItemError) as error:
        split_to_fit(long_cut(None), lambda c: c.duration < 5)
    assert error.value.code == "too_long"
    with pytest.raises(ItemError, match="alone exceeds"):
        split_to_fit(long_cut(WORDS), lambda c: c.duration < 0.3)


def write_marker(name: str):
    def write(folder: Path) -> None:
        (folder / "weights.bin").write_text(name, encoding="utf-8")

    return write


def test_checkpoints_are_indexed_and_pruned_to_best_and_last(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path, keep_best=1, keep_last=1)
    store.save(1, ["periodic"], 3.0, write_marker("1"))
    store.save(2, ["best"], 1.0, write_marker("2"))
    store.save(3, ["periodic"], 2.0, write_marker("3"))
    store.save(4, ["periodic"], None, write_marker("4"))
    kept = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert kept == ["step-0000002", "step-0000004"]  # best (val 1.0) and the latest periodic
    again = CheckpointStore(tmp_path, keep_best=1, keep_last=1)
    assert again.latest_info().step == 4 and again.best().step == 2
    assert (tmp_path / "step-0000002" / COMPLETE_MARKER).is_file()


def test_a_full_disk_leaves_the_previous_checkpoint_as_latest(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path, keep_best=2, keep_last=2)
    store.save(10, ["periodic"], None, write_marker("10"))

    def fails(folder: Path) -> None:
        (folder / "weights.bin").write_text("half", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(CheckpointError) as error:
        store.save(20, ["periodic"], None, fails)
    assert "disk is full" in str(error.value) and "step-0000010" in str(error.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoints.json", "step-0000010"]
    index = json.loads((tmp_path / "checkpoints.json").read_text(encoding="utf-8"))
    assert index["latest"] == "step-0000010"
    assert CheckpointStore(tmp_path, keep_best=2, keep_last=2).latest_info().step == 10


def test_an_incomplete_checkpoint_folder_is_never_used(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path, keep_best=1, keep_last=1)
    store.save(5, ["periodic"], None, write_marker("5"))
    (tmp_path / "step-0000005" / COMPLETE_MARKER).unlink()  # e.g. a copy cut short
    assert CheckpointStore(tmp_path, keep_best=1, keep_last=1).latest_info() is None
