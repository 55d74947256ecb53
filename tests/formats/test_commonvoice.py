"""Common Voice import: tsv tables, mp3 clips read directly, splits, speakers and extra columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voxtune.corpus import Corpus, fields
from voxtune.errors import ConfigError, InputError
from voxtune.formats import import_corpus

COLUMNS = "client_id path sentence_id sentence sentence_domain up_votes down_votes age gender accents variant"
HEADER = "\t".join([*COLUMNS.split(), "locale", "segment"]) + "\n"


def make_cv(folder: Path, tables: dict[str, list[tuple[str, str, str, str]]]) -> dict[str, float]:
    """A Common Voice folder; rows are (clip, client, sentence, gender); returns clip durations."""
    durations: dict[str, float] = {}
    rng = np.random.default_rng(0)
    (folder / "clips").mkdir(parents=True)
    for table, rows in tables.items():
        lines = [HEADER]
        for number, (clip, client, sentence, gender) in enumerate(rows):
            seconds = 0.8 + 0.3 * number
            audio = 0.2 * np.sin(np.arange(int(seconds * 48000)) * 0.03) + 0.01 * rng.standard_normal(
                int(seconds * 48000)
            )
            sf.write(str(folder / "clips" / clip), audio.astype(np.float32), 48000, format="MP3")
            durations[Path(clip).stem] = seconds
            lines.append(
                f"{client}\t{clip}\tx{number}\t{sentence}\t\t2\t0\ttwenties\t{gender}\t\t\tnb-NO\t\n"
            )
        (folder / f"{table}.tsv").write_text("".join(lines), encoding="utf-8")
    return durations


def test_tables_become_splits_with_speakers_and_labels(tmp_path: Path) -> None:
    folder = tmp_path / "cv-corpus" / "nb-NO"
    durations = make_cv(
        folder,
        {
            "train": [("common_voice_nb-NO_1.mp3", "aaa", 'Han sa "hei" til meg.', "male_masculine")],
            "dev": [("common_voice_nb-NO_2.mp3", "bbb", "Det regner i dag.", "")],
            "test": [("common_voice_nb-NO_3.mp3", "aaa", "Vi skal på kino.", "female_feminine")],
        },
    )
    import_corpus("commonvoice", folder, tmp_path / "corpus")
    cuts = {cut.id: cut for cut in Corpus.open(tmp_path / "corpus").cuts()}
    assert sorted(cuts) == ["common_voice_nb-NO_1", "common_voice_nb-NO_2", "common_voice_nb-NO_3"]
    first = cuts["common_voice_nb-NO_1"]
    sup = first.supervisions[0]
    assert (sup.text, sup.speaker, sup.language, sup.gender) == (
        'Han sa "hei" til meg.',
        "aaa",
        "nb-NO",
        "male_masculine",
    )
    assert sup.custom["age"] == "twenties" and sup.custom["up_votes"] == "2"
    assert [cuts[i].custom[fields.SPLIT] for i in sorted(cuts)] == ["train", "validation", "test"]
    for cut_id, seconds in durations.items():
        assert cuts[cut_id].duration == pytest.approx(seconds, abs=1e-3)  # libsndfile trims mp3 padding
        assert cuts[cut_id].load_audio().shape[0] == 1


def test_overlapping_or_missing_tables_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "lb"
    make_cv(folder, {"train": [("a.mp3", "c", "Moien", "")], "validated": [("a.mp3", "c", "Moien", "")]})
    with pytest.raises(InputError, match=r"also listed in train\.tsv"):
        import_corpus("commonvoice", folder, tmp_path / "one", options={"tables": ["train", "validated"]})
    with pytest.raises(InputError, match=r"not found: dev\.tsv, test\.tsv") as info:
        import_corpus("commonvoice", folder, tmp_path / "two")
    assert "train.tsv, validated.tsv" in str(info.value)
    with pytest.raises(ConfigError, match="did you mean 'tables'"):
        import_corpus("commonvoice", folder, tmp_path / "three", options={"table": ["train"]})
