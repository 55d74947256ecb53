"""hf export: a DatasetDict that load_from_disk reads back, audio decodable without datasets' decoders."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from datasets import Audio, load_from_disk
from scipy.signal import resample_poly

from support.corpora import fsdd_cut, fsdd_cuts, write_corpus
from voxtune.corpus import fields
from voxtune.formats import export_corpus


def test_dataset_round_trips_through_load_from_disk(tmp_path: Path, fsdd_dir: Path) -> None:
    cuts = fsdd_cuts(fsdd_dir)
    cuts[0].supervisions[0].custom[fields.EMOTION] = "happy"
    cuts[1].supervisions[0].custom[fields.LANGUAGES] = ["en", "ms"]
    cuts[1].supervisions[0].custom[fields.SWITCHES] = 2
    corpus = write_corpus(tmp_path / "corpus", cuts)
    result = export_corpus(corpus, "hf", tmp_path / "hf")
    assert (result.items, result.rejected) == (6, 0)

    loaded = load_from_disk(str(tmp_path / "hf"))
    assert sorted(loaded) == ["train", "validation"]
    assert loaded["train"].num_rows == 4 and loaded["validation"].num_rows == 2
    assert loaded["train"].features["audio"] == Audio(sampling_rate=24000, decode=False)
    rows = {row["id"]: row for split in loaded.values() for row in split}
    assert sorted(rows) == sorted(cut.id for cut in cuts)
    numbers = {"george": 0, "jackson": 1}
    for cut in cuts:
        row = rows[cut.id]
        sup = cut.supervisions[0]
        assert (row["text"], row["speaker_id"], row["language"]) == (sup.text, sup.speaker, "en")
        assert row["source"] == numbers[sup.speaker]
        audio, rate = sf.read(io.BytesIO(row["audio"]["bytes"]), dtype="float32")
        assert rate == 24000 and audio.ndim == 1
        assert abs(len(audio) / 24000 - cut.duration) <= 1 / 24000
        assert row["duration"] == len(audio) / 24000
        expected = resample_poly(cut.load_audio()[0], 3, 1)  # an independent resampler
        n = min(len(audio), len(expected))
        assert np.corrcoef(audio[:n], expected[:n])[0, 1] > 0.99
    assert rows[cuts[0].id]["emotion"] == "happy" and rows[cuts[1].id]["emotion"] is None
    assert rows[cuts[1].id]["languages"] == ["en", "ms"] and rows[cuts[1].id]["switches"] == 2
    assert "particles" not in loaded["train"].column_names  # no item has that tag

    decoded = loaded["train"].cast_column("audio", Audio(sampling_rate=24000))
    assert decoded[0]["audio"]["sampling_rate"] == 24000
    assert decoded[0]["audio"]["array"].shape[0] == round(rows[decoded[0]["id"]]["duration"] * 24000)


def test_language_prefix_and_items_without_what_it_needs(tmp_path: Path, fsdd_dir: Path) -> None:
    norwegian = fsdd_cut(fsdd_dir, 2, "lucas", 0, language="no")
    unknown = fsdd_cut(fsdd_dir, 3, "lucas", 1, language="xx")
    silent = fsdd_cut(fsdd_dir, 4, "lucas", 2)
    silent.supervisions[0].text = "  "
    corpus = write_corpus(tmp_path / "corpus", [norwegian, unknown, silent])
    result = export_corpus(
        corpus, "hf", tmp_path / "hf", options={"language_prefix": True, "sample_rate": 16000}
    )
    assert {r.id: r.code for r in result.rejections} == {
        unknown.id: "unsupported_language",
        silent.id: "no_text",
    }
    [row] = load_from_disk(str(tmp_path / "hf"))["train"]
    assert row["text"] == "<lang:nb> two"
    assert sf.info(io.BytesIO(row["audio"]["bytes"])).samplerate == 16000


def test_split_option_exports_one_split(tmp_path: Path, fsdd_dir: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", fsdd_cuts(fsdd_dir))
    export_corpus(corpus, "hf", tmp_path / "hf", split="validation")
    loaded = load_from_disk(str(tmp_path / "hf"))
    assert list(loaded) == ["validation"] and loaded["validation"].num_rows == 2
    with pytest.raises(Exception, match="no items in split 'test'"):
        export_corpus(corpus, "hf", tmp_path / "hf-test", split="test")
    assert not (tmp_path / "hf-test").exists()
