"""The ingest stage: folders, table manifests, multi-channel files and every way a file can be bad."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from lhotse.cut import MultiCut

from conftest import write_tone
from voxtune.corpus import Corpus, fields
from voxtune.prepare import load_recipe, run_recipe


def prepare(tmp_path: Path, **ingest: object) -> Corpus:
    lines = ["stages:", "  - stage: ingest"] + [f"    {key}: {value}" for key, value in ingest.items()]
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_recipe(load_recipe(recipe), tmp_path / "corpus")
    return Corpus.open(tmp_path / "corpus")


def test_folder_with_sidecar_transcripts_and_folder_speakers(tmp_path: Path, audio_folder: Path) -> None:
    corpus = prepare(tmp_path, path=audio_folder, speaker="'{folder}'", language="en")
    cuts = {cut.id: cut for cut in corpus.cuts()}
    assert sorted(cuts) == sorted(f"{s}/clip{i}" for s in ("anna", "ben") for i in range(6))
    clip = cuts["ben/clip2"]
    sup = clip.supervisions[0]
    assert (sup.text, sup.speaker, sup.language) == ("sentence 2 by ben", "ben", "en")
    assert clip.duration == pytest.approx(0.7)
    assert cuts["ben/clip1"].supervisions[0].text is None
    assert clip.custom[fields.SOURCE] == str(audio_folder / "ben" / "clip2.wav")
    stats = corpus.stats()
    assert stats.cuts == 12 and stats.speaker_seconds["anna"] == pytest.approx(
        sum(0.5 + 0.1 * i for i in range(6))
    )


def test_common_voice_style_tsv_with_extra_columns(tmp_path: Path) -> None:
    clips = tmp_path / "cv" / "clips"
    write_tone(clips / "a.wav", 1.0)
    write_tone(clips / "b.wav", 2.0)
    table = tmp_path / "cv" / "validated.tsv"
    table.write_text(
        "client_id\tpath\tsentence\tlocale\temotion\n"
        "a1\ta.wav\tHei på deg\tnb\thappy\n"
        "b2\tb.wav\tHej\tsv\t\n",
        encoding="utf-8",
    )
    corpus = prepare(tmp_path, path=table, audio_root=clips)
    cuts = {cut.id: cut for cut in corpus.cuts()}
    first = cuts["a"].supervisions[0]
    assert (first.text, first.speaker, first.language) == ("Hei på deg", "a1", "nb")
    assert first.custom == {"emotion": "happy", fields.TEXT_ORIGINAL: "Hei på deg"}
    assert cuts["b"].duration == pytest.approx(2.0)


def test_jsonl_with_word_timings_and_bad_rows(tmp_path: Path) -> None:
    write_tone(tmp_path / "a.wav", 1.0)
    write_tone(tmp_path / "b.wav", 1.0)
    (tmp_path / "zero.wav").write_bytes(b"")
    (tmp_path / "junk.wav").write_bytes(b"RIFF....WAVEjunkjunkjunk")
    rows = [
        '{"id": "a", "path": "a.wav", "text": "hello there",'
        ' "words": [["hello", 0.1, 0.4], ["there", 0.5, 0.9]]}',
        '{"id": "b", "path": "b.wav", "text": "late", "words": [["late", 0.5, 3.0]]}',
        '{"id": "zero", "path": "zero.wav"}',
        '{"id": "junk", "path": "junk.wav"}',
        '{"id": "gone", "path": "gone.wav"}',
    ]
    (tmp_path / "m.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    corpus = prepare(tmp_path, path=tmp_path / "m.jsonl")
    [cut] = list(corpus.cuts())
    words = cut.supervisions[0].alignment[fields.WORD_ALIGNMENT]
    assert [(w.symbol, w.start, round(w.end, 3)) for w in words] == [("hello", 0.1, 0.4), ("there", 0.5, 0.9)]
    codes = {r.id: r.code for r in corpus.rejections()}
    assert codes == {
        "b": "bad_alignment",
        "zero": "empty_file",
        "junk": "unreadable_audio",
        "gone": "missing_file",
    }
    reasons = {r.id: r.reason for r in corpus.rejections()}
    assert "falls outside the audio" in reasons["b"] and "re-export" in reasons["junk"]


def test_stereo_files_stay_stereo(tmp_path: Path) -> None:
    write_tone(tmp_path / "raw" / "talk.wav", 1.5, rate=24000, channels=2)
    [cut] = list(prepare(tmp_path, path=tmp_path / "raw").cuts())
    assert isinstance(cut, MultiCut)
    assert cut.num_channels == 2
    audio = cut.load_audio()
    assert audio.shape == (2, 36000)


def test_ids_repeated_in_a_manifest_are_refused(tmp_path: Path) -> None:
    write_tone(tmp_path / "a.wav")
    (tmp_path / "m.csv").write_text("id,path\nx,a.wav\nx,a.wav\n", encoding="utf-8")
    from voxtune.errors import InputError

    with pytest.raises(InputError, match="repeats the id 'x'"):
        prepare(tmp_path, path=tmp_path / "m.csv")


def test_float_audio_with_unusual_rate(tmp_path: Path) -> None:
    data = (0.1 * np.random.default_rng(0).standard_normal(11025)).astype(np.float32)
    (tmp_path / "raw").mkdir()
    sf.write(str(tmp_path / "raw" / "odd.flac"), data, 11025)
    [cut] = list(prepare(tmp_path, path=tmp_path / "raw").cuts())
    assert cut.sampling_rate == 11025 and cut.duration == pytest.approx(1.0)
