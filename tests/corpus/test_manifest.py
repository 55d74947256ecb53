"""Manifest IO is atomic and reports bad lines; stats count what they say."""

from __future__ import annotations

from pathlib import Path

import pytest
from lhotse import Recording
from lhotse.audio import AudioSource

from voxtune.corpus.manifest import atomic_output, read_cuts, read_jsonl, write_cuts, write_jsonl
from voxtune.corpus.stats import compute_stats, histogram
from voxtune.errors import InputError


def test_atomic_output_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "data.jsonl.gz"
    write_jsonl([{"a": 1}], target)
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    assert list(read_jsonl(target)) == [{"a": 1}]
    assert [p.name for p in tmp_path.iterdir()] == ["data.jsonl.gz"]


def test_read_jsonl_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2 is not valid JSON"):
        list(read_jsonl(path))


def _cut(cut_id: str, seconds: float, speaker: str, language: str):  # type: ignore[no-untyped-def]
    from lhotse import SupervisionSegment

    recording = Recording(
        id=cut_id,
        sources=[AudioSource(type="file", channels=[0], source=f"/x/{cut_id}.wav")],
        sampling_rate=16000,
        num_samples=int(seconds * 16000),
        duration=seconds,
    )
    cut = recording.to_cut()
    cut.supervisions = [SupervisionSegment(cut_id, cut_id, 0, seconds, speaker=speaker, language=language)]
    return cut


def test_cuts_round_trip_lazily_and_stats_add_up(tmp_path: Path) -> None:
    cuts = [_cut("a", 1.0, "s1", "nb"), _cut("b", 2.5, "s2", "nb"), _cut("c", 4.0, "s1", "sv")]
    assert write_cuts(cuts, tmp_path / "cuts.jsonl.gz") == 3
    loaded = read_cuts(tmp_path / "cuts.jsonl.gz")
    assert [c.id for c in loaded] == ["a", "b", "c"]
    stats = compute_stats(loaded)
    assert stats.cuts == 3 and stats.seconds == pytest.approx(7.5)
    assert stats.speaker_seconds == {"s1": 5.0, "s2": 2.5}
    assert stats.language_seconds == {"nb": 3.5, "sv": 4.0}


def test_histogram_bins_cover_all_values() -> None:
    bins = histogram([1.0, 1.5, 2.0, 9.0, 10.0], bins=3)
    assert [count for _, _, count in bins] == [3, 0, 2]
    assert bins[0][0] == 1.0 and bins[-1][1] == pytest.approx(10.0)
    assert histogram([]) == []
    assert histogram([2.0, 2.0]) == [(2.0, 2.0, 2)]


def test_missing_manifest_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Run `voxtune prepare` first"):
        read_cuts(tmp_path / "cuts.jsonl.gz")
