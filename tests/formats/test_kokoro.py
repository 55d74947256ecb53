"""kokoro export: StyleTTS2 list files, the 510-phoneme limit, vocabulary and OOD text checks."""

from __future__ import annotations

import json
from pathlib import Path

import soundfile as sf

from support.corpora import PHONEMES, fsdd_cut, fsdd_cuts, write_corpus
from voxtune.corpus import fields
from voxtune.formats import export_corpus
from voxtune.text.g2p import kokoro_vocab


def read_list(path: Path) -> list[list[str]]:
    return [line.split("|") for line in path.read_text(encoding="utf-8").splitlines()]


def test_lists_as_styletts2_reads_them(tmp_path: Path, fsdd_dir: Path) -> None:
    assert all(char in kokoro_vocab() for text in PHONEMES for char in text)
    cuts = fsdd_cuts(fsdd_dir)
    out = tmp_path / "kokoro"
    ood = tmp_path / "ood.txt"
    long_text = "ðə kwˈɪk bɹˈWn fˈɑks ʤˈʌmps ˈOvəɹ ðə lˈAzi dˈɔɡ ənd ɹˈʌnz əwˈA"
    ood.write_text(f"{long_text}\nʃˈɔɹt\n{long_text} ˈəɡɛn\n", encoding="utf-8")
    result = export_corpus(write_corpus(tmp_path / "c", cuts), "kokoro", out, options={"ood_texts": str(ood)})
    assert (result.items, result.rejected, result.warnings) == (6, 0, [])

    speakers = json.loads((out / "speakers.json").read_text())
    assert speakers == {"0": "george", "1": "jackson"}
    train, val = read_list(out / "train_list.txt"), read_list(out / "val_list.txt")
    expected = {
        f"{cut.id}.wav": [cut.supervisions[0].custom[fields.PHONEMES], "0" if "george" in cut.id else "1"]
        for cut in cuts
    }
    assert {row[0]: row[1:] for row in train + val} == expected
    assert sorted(row[0] for row in val) == sorted(
        f"{c.id}.wav" for c in cuts if c.custom[fields.SPLIT] == "validation"
    )
    for row in train + val:
        info = sf.info(str(out / "wavs" / row[0]))
        assert (info.samplerate, info.channels) == (24000, 1)
    # StyleTTS2 takes column 0 of each OOD line and needs lines of >= 50 symbols.
    ood_lines = read_list(out / "OOD_texts.txt")
    assert [line[0] for line in ood_lines] == [long_text, f"{long_text} ˈəɡɛn"]
    assert all(".wav" not in line[0] for line in ood_lines)


def test_phoneme_limit_vocabulary_and_missing_phonemes_go_to_the_ledger(
    tmp_path: Path, fsdd_dir: Path
) -> None:
    at_limit = fsdd_cut(fsdd_dir, 1, "george", 0)
    at_limit.supervisions[0].custom[fields.PHONEMES] = "a" * 510
    over = fsdd_cut(fsdd_dir, 2, "george", 0)
    over.supervisions[0].custom[fields.PHONEMES] = "a" * 511
    foreign = fsdd_cut(fsdd_dir, 3, "george", 0)
    foreign.supervisions[0].custom[fields.PHONEMES] = "ʘaɪ̯"  # a click and a non-syllabic mark: not in Kokoro
    bare = fsdd_cut(fsdd_dir, 4, "george", 0, phonemes=False)
    piped = fsdd_cut(fsdd_dir, 5, "george", 0)
    piped.supervisions[0].custom[fields.PHONEMES] = "a|b"
    corpus = write_corpus(tmp_path / "c", [at_limit, over, foreign, bare, piped])
    result = export_corpus(corpus, "kokoro", tmp_path / "k", options={"val_fraction": 0})
    codes = {r.id: r.code for r in result.rejections}
    assert codes == {
        over.id: "too_many_phonemes",
        foreign.id: "unknown_phonemes",
        bare.id: "no_phonemes",
        piped.id: "delimiter_in_text",
    }
    reasons = {r.id: r.reason for r in result.rejections}
    assert (
        "511 phonemes" in reasons[over.id]
        and reasons[foreign.id].count("ʘ") == 1
        and "\u032f" in reasons[foreign.id]
    )
    assert [row[0] for row in read_list(tmp_path / "k" / "train_list.txt")] == [f"{at_limit.id}.wav"]
    assert any("OOD_texts.txt" in warning for warning in result.warnings)


def test_without_a_validation_split_a_fixed_share_is_held_out(tmp_path: Path, fsdd_dir: Path) -> None:
    cuts = [fsdd_cut(fsdd_dir, d, "nicolas", i) for d in range(10) for i in range(2)]
    corpus = write_corpus(tmp_path / "c", cuts)
    export_corpus(corpus, "kokoro", tmp_path / "a", options={"val_fraction": 0.1})
    export_corpus(corpus, "kokoro", tmp_path / "b", options={"val_fraction": 0.1})
    val_a = read_list(tmp_path / "a" / "val_list.txt")
    assert len(val_a) == 2 and val_a == read_list(tmp_path / "b" / "val_list.txt")
    train = {row[0] for row in read_list(tmp_path / "a" / "train_list.txt")}
    assert len(train) == 18 and not train & {row[0] for row in val_a}
