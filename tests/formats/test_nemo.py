"""nemo export and import: JSON-lines manifests per split, segment manifests with offsets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from support.corpora import fsdd_cuts, write_corpus
from voxtune.corpus import Corpus, fields
from voxtune.formats import export_corpus, import_corpus


def test_manifests_per_split_round_trip(tmp_path: Path, fsdd_dir: Path) -> None:
    cuts = fsdd_cuts(fsdd_dir)
    out = tmp_path / "nemo"
    result = export_corpus(write_corpus(tmp_path / "corpus", cuts), "nemo", out)
    assert result.details["manifests"] == ["train_manifest.json", "validation_manifest.json"]
    lines = [json.loads(line) for line in (out / "train_manifest.json").read_text().splitlines()]
    first = lines[0]
    assert set(first) == {
        "audio_filepath",
        "duration",
        "text",
        "id",
        "text_original",
        "lang",
        "speaker",
        "speaker_name",
    }
    assert first["audio_filepath"] == f"audio/{cuts[0].id}.wav" and first["speaker"] == 0
    info = sf.info(str(out / first["audio_filepath"]))
    assert info.samplerate == 16000 and first["duration"] == info.frames / 16000

    import_corpus("nemo", out, tmp_path / "back")
    back = {cut.id: cut for cut in Corpus.open(tmp_path / "back").cuts()}
    assert sorted(back) == sorted(cut.id for cut in cuts)
    for cut in cuts:
        again, sup = back[cut.id], cut.supervisions[0]
        got = again.supervisions[0]
        assert (got.text, got.speaker, got.language) == (sup.text, sup.speaker, sup.language)
        assert got.custom[fields.TEXT_ORIGINAL] == sup.custom[fields.TEXT_ORIGINAL]
        assert again.custom[fields.SPLIT] == cut.custom[fields.SPLIT]
        assert abs(again.duration - cut.duration) <= 1 / 16000


def test_segment_manifest_with_offsets(tmp_path: Path) -> None:
    rate = 16000
    samples = np.concatenate([np.full(rate, 0.1), np.full(rate, -0.2), np.full(rate, 0.3)]).astype(np.float32)
    sf.write(str(tmp_path / "long.wav"), samples, rate)
    rows = [
        {"audio_filepath": "long.wav", "offset": 1.0, "duration": 1.0, "text": "middle", "speaker": 3},
        {"audio_filepath": "long.wav", "offset": 2.0, "duration": 5.0, "text": "end"},
    ]
    manifest = tmp_path / "test_manifest.json"
    manifest.write_text("".join(json.dumps(row) + "\n" for row in rows))
    import_corpus("nemo", manifest, tmp_path / "corpus")
    cuts = {cut.id: cut for cut in Corpus.open(tmp_path / "corpus").cuts()}
    middle, end = cuts["long_00001000"], cuts["long_00002000"]
    assert (middle.start, middle.duration) == (1.0, 1.0)
    assert end.duration == pytest.approx(1.0)  # clipped to the file
    assert middle.load_audio()[0] == pytest.approx(np.full(rate, -0.2), abs=1e-4)
    sup = middle.supervisions[0]
    assert (sup.text, sup.speaker, sup.start, sup.duration) == ("middle", "3", 0.0, 1.0)
    assert middle.custom[fields.SPLIT] == "test"
