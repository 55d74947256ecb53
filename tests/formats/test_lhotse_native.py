"""lhotse export and import: native manifests and Shar shards, including cuts inside longer recordings."""

from __future__ import annotations

from pathlib import Path

import pytest
from lhotse import CutSet, RecordingSet, SupervisionSet

from support.corpora import conversation_recording, fsdd_cuts, write_corpus
from voxtune.corpus import Corpus, fields
from voxtune.formats import export_corpus, import_corpus


@pytest.fixture
def cuts(tmp_path: Path, fsdd_dir: Path) -> list:
    windows, _ = conversation_recording(fsdd_dir, tmp_path / "raw", [("george", 1), ("lucas", 2)])
    return [*fsdd_cuts(fsdd_dir, per_speaker=2), *windows]


def same_items(before: list, after: dict) -> None:
    assert sorted(after) == sorted(cut.id for cut in before)
    for cut in before:
        again = after[cut.id]
        assert abs(again.duration - cut.duration) < 1e-6
        assert [(s.text, s.speaker, s.language) for s in again.supervisions] == [
            (s.text, s.speaker, s.language) for s in cut.supervisions
        ]
        # word times relative to the cut start must survive (lhotse keeps them recording-relative)
        words = [(w.symbol, round(w.start - again.start, 4)) for w in again.supervisions[0].alignment["word"]]
        assert words == [
            (w.symbol, round(w.start - cut.start, 4)) for w in cut.supervisions[0].alignment["word"]
        ]
        assert again.load_audio() == pytest.approx(cut.load_audio(), abs=1e-4)


def test_native_manifests_round_trip(tmp_path: Path, cuts: list) -> None:
    out = tmp_path / "lhotse"
    result = export_corpus(write_corpus(tmp_path / "corpus", cuts), "lhotse", out, options={"shar": False})
    assert (result.items, result.files) == (len(cuts), 0)
    assert not (out / "shar").exists()
    recordings = RecordingSet.from_file(out / "recordings.jsonl.gz")
    assert len(recordings) == 5  # four FSDD files and the conversation
    supervisions = SupervisionSet.from_file(out / "supervisions.jsonl.gz")
    second_turn = {sup.id: sup for sup in supervisions}[cuts[-1].id]
    assert second_turn.start == pytest.approx(cuts[-1].start)  # recording-relative in a supervision manifest
    import_corpus("lhotse", out, tmp_path / "back")
    same_items(cuts, {cut.id: cut for cut in Corpus.open(tmp_path / "back").cuts()})


def test_shar_shards_hold_the_audio_and_round_trip(tmp_path: Path, cuts: list) -> None:
    out = tmp_path / "lhotse"
    result = export_corpus(write_corpus(tmp_path / "corpus", cuts), "lhotse", out, options={"shard_size": 4})
    assert result.files == 2
    assert sorted(p.name for p in (out / "shar").iterdir()) == [
        "cuts.000000.jsonl.gz",
        "cuts.000001.jsonl.gz",
        "recording.000000.tar",
        "recording.000001.tar",
    ]
    shar = {cut.id: cut for cut in CutSet.from_shar(in_dir=out / "shar")}
    window = cuts[-1]
    assert shar[window.id].start == 0
    assert shar[window.id].supervisions[0].alignment["word"][0].start == pytest.approx(
        window.supervisions[0].alignment["word"][0].start - window.start
    )
    import_corpus("lhotse", out / "shar", tmp_path / "back")
    back = {cut.id: cut for cut in Corpus.open(tmp_path / "back").cuts()}
    same_items(cuts, back)
    assert all(Path(c.recording.sources[0].source).suffix == ".flac" for c in back.values())
    assert all(
        set(c.custom) <= {fields.SOURCE, fields.STAGES, fields.SPLIT, fields.CONVERSATION}
        for c in back.values()
    )


def test_missing_audio_goes_to_the_ledger(tmp_path: Path, cuts: list) -> None:
    cuts[0].recording.sources[0].source = str(tmp_path / "deleted.wav")
    result = export_corpus(write_corpus(tmp_path / "corpus", cuts), "lhotse", tmp_path / "out")
    assert {r.id: r.code for r in result.rejections} == {cuts[0].id: "missing_file"}
    assert result.items == len(cuts) - 1
    assert len(CutSet.from_file(tmp_path / "out" / "cuts.jsonl.gz")) == len(cuts) - 1
    assert len(CutSet.from_shar(in_dir=tmp_path / "out" / "shar").to_eager()) == len(cuts) - 1
