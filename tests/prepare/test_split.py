"""The split stage: shares by duration, speaker-disjoint on request, stratified, seeded."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from conftest import write_tone
from voxtune.corpus import Corpus, fields
from voxtune.prepare import load_recipe, run_recipe


@pytest.fixture
def two_language_folder(tmp_path: Path) -> Path:
    """Two languages, four speakers each, ten 1-second clips per speaker."""
    rows = ["id,path,speaker,language"]
    for language in ("nb", "sv"):
        for speaker in range(4):
            for index in range(10):
                name = f"{language}_s{speaker}_{index}"
                write_tone(tmp_path / "audio" / f"{name}.wav", seconds=1.0)
                rows.append(f"{name},audio/{name}.wav,{language}_s{speaker},{language}")
    (tmp_path / "m.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path / "m.csv"


def split_corpus(tmp_path: Path, manifest: Path, seed: int = 0, **split: object) -> dict[str, str]:
    settings = "".join(f"    {key}: {value}\n" for key, value in split.items())
    text = (
        f"seed: {seed}\nreport: false\nstages:\n  - stage: ingest\n    path: {manifest}\n"
        f"  - stage: split\n{settings}"
    )
    recipe = tmp_path / f"r{seed}.yaml"
    recipe.write_text(text, encoding="utf-8")
    out = tmp_path / f"corpus{seed}-{len(split)}-{hash(tuple(split.items())) & 0xFFFF}"
    run_recipe(load_recipe(recipe), out)
    return {cut.id: cut.custom[fields.SPLIT] for cut in Corpus.open(out).cuts()}


def test_speaker_disjoint_and_stratified(tmp_path: Path, two_language_folder: Path) -> None:
    splits = split_corpus(tmp_path, two_language_folder, validation=0.25, test=0.25, speaker_disjoint="true")
    by_speaker: dict[str, set[str]] = defaultdict(set)
    for cut_id, split in splits.items():
        by_speaker[cut_id.rsplit("_", 1)[0]].add(split)
    assert all(len(assigned) == 1 for assigned in by_speaker.values())
    for language in ("nb", "sv"):
        counts = {
            s: sum(1 for k, v in splits.items() if k.startswith(language) and v == s)
            for s in ("train", "validation", "test")
        }
        assert counts == {"train": 20, "validation": 10, "test": 10}


def test_item_level_shares_and_seed(tmp_path: Path, two_language_folder: Path) -> None:
    first = split_corpus(tmp_path, two_language_folder, seed=1, validation=0.1, test=0.2)
    again = split_corpus(tmp_path, two_language_folder, seed=1, validation=0.1, test=0.2)
    other = split_corpus(tmp_path, two_language_folder, seed=2, validation=0.1, test=0.2)
    assert first == again and first != other
    counts = {s: list(first.values()).count(s) for s in ("train", "validation", "test")}
    assert counts == {"train": 56, "validation": 8, "test": 16}


def test_tiny_strata_keep_train(tmp_path: Path) -> None:
    write_tone(tmp_path / "a.wav")
    (tmp_path / "m.csv").write_text("id,path,language\nonly,a.wav,lb\n", encoding="utf-8")
    assert split_corpus(tmp_path, tmp_path / "m.csv", validation=0.3, test=0.3) == {"only": "train"}


def test_shares_must_leave_room_for_train(tmp_path: Path, two_language_folder: Path) -> None:
    from voxtune.errors import ConfigError

    with pytest.raises(ConfigError, match="validation \\+ test must leave something for train"):
        split_corpus(tmp_path, two_language_folder, validation=0.6, test=0.5)
