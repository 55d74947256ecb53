"""ljspeech export and import: metadata.csv layouts for Piper and Coqui, round trips, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from conftest import write_tone
from support.corpora import fsdd_cut, fsdd_cuts, write_corpus
from voxtune.corpus import Corpus, fields
from voxtune.errors import InputError
from voxtune.formats import export_corpus, import_corpus


def round_trip(tmp_path: Path, cuts: list, **options: object) -> tuple[Path, dict]:
    out = tmp_path / "lj"
    export_corpus(write_corpus(tmp_path / "corpus", cuts), "ljspeech", out, options=options)
    import_corpus("ljspeech", out, tmp_path / "back")
    return out, {cut.id: cut for cut in Corpus.open(tmp_path / "back").cuts()}


def test_one_speaker_writes_text_and_normalized_text(tmp_path: Path, fsdd_dir: Path) -> None:
    cuts = [fsdd_cut(fsdd_dir, d, "george", 0) for d in (1, 7)]
    out, back = round_trip(tmp_path, cuts)
    assert (out / "metadata.csv").read_text(encoding="utf-8") == "george/1_0|1|one\ngeorge/7_0|7|seven\n"
    assert sf.info(str(out / "wavs" / "george" / "7_0.wav")).samplerate == 22050
    assert sorted(back) == sorted(cut.id for cut in cuts)
    for cut in cuts:
        sup = back[cut.id].supervisions[0]
        assert (sup.text, sup.custom[fields.TEXT_ORIGINAL]) == (
            cut.supervisions[0].text,
            cut.supervisions[0].custom[fields.TEXT_ORIGINAL],
        )
        assert abs(back[cut.id].duration - cut.duration) <= 1 / 22050


def test_several_speakers_use_the_piper_speaker_column(tmp_path: Path, fsdd_dir: Path) -> None:
    cuts = fsdd_cuts(fsdd_dir, per_speaker=2)
    out, back = round_trip(tmp_path, cuts, sample_rate=16000)
    lines = (out / "metadata.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("|") == [cuts[0].id, "george", cuts[0].supervisions[0].text]
    for cut in cuts:
        again = back[cut.id]
        assert again.supervisions[0].speaker == cut.supervisions[0].speaker
        assert again.supervisions[0].text == cut.supervisions[0].text
        assert abs(again.duration - cut.duration) <= 1 / 16000


def test_items_that_would_break_the_file_go_to_the_ledger(tmp_path: Path, fsdd_dir: Path) -> None:
    piped = fsdd_cut(fsdd_dir, 1, "george", 1)
    piped.supervisions[0].text = "one | two"
    no_text = fsdd_cut(fsdd_dir, 2, "george", 1)
    no_text.supervisions[0].text = None
    no_speaker = fsdd_cut(fsdd_dir, 3, "george", 1)
    no_speaker.supervisions[0].speaker = None
    good = fsdd_cut(fsdd_dir, 4, "jackson", 1)
    corpus = write_corpus(tmp_path / "c", [piped, no_text, no_speaker, good])
    result = export_corpus(corpus, "ljspeech", tmp_path / "lj", options={"speaker_column": True})
    assert {r.id: r.code for r in result.rejections} == {
        piped.id: "delimiter_in_text",
        no_text.id: "no_text",
        no_speaker.id: "no_speaker",
    }
    assert (tmp_path / "lj" / "metadata.csv").read_text().count("\n") == 1


def test_import_of_a_plain_ljspeech_folder(tmp_path: Path) -> None:
    folder = tmp_path / "LJSpeech-1.1"
    write_tone(folder / "wavs" / "LJ001-0001.wav", 1.5, rate=22050)
    write_tone(folder / "wavs" / "LJ001-0002.wav", 0.5, rate=22050)
    (folder / "metadata.csv").write_text(
        "LJ001-0001|Printing, in 1 sense|Printing, in one sense\nLJ001-0002|in being comparatively modern.\n",
        encoding="utf-8",
    )
    import_corpus("ljspeech", folder, tmp_path / "corpus", language="en", speaker="lj")
    cuts = {cut.id: cut for cut in Corpus.open(tmp_path / "corpus").cuts()}
    first = cuts["LJ001-0001"].supervisions[0]
    assert (first.text, first.custom[fields.TEXT_ORIGINAL]) == (
        "Printing, in one sense",
        "Printing, in 1 sense",
    )
    assert (first.speaker, first.language) == ("lj", "en")
    assert cuts["LJ001-0002"].supervisions[0].text == "in being comparatively modern."
    assert cuts["LJ001-0001"].duration == pytest.approx(1.5)


def test_import_refuses_a_malformed_metadata_file(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "metadata.csv").write_text("a|b|c|d\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1 has 4 columns"):
        import_corpus("ljspeech", folder, tmp_path / "corpus")
