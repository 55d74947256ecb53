"""The generated demo corpus: deterministic, multilingual, timed, and with its bad items."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import soundfile as sf

from voxtune.demo.corpus import build_demo_corpus, expected_rejections, spoken_form_for_espeak
from voxtune.demo.sentences import LANGUAGE_SENTENCES


def rows(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def digest(folder: Path) -> str:
    """Hash of every readable file's samples (float WAV headers carry a timestamp, so not the bytes)."""
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*.wav")):
        try:
            samples, rate = sf.read(str(path), dtype="float32")
        except sf.LibsndfileError:
            samples, rate = path.read_bytes(), 0
        sha.update(path.name.encode() + str(rate).encode() + bytes(memoryview(samples)))
    return sha.hexdigest()


def test_same_seed_same_corpus(tmp_path: Path, demo_raw: Path) -> None:
    build_demo_corpus(tmp_path, seed=0)
    assert rows(tmp_path) == rows(demo_raw)
    assert digest(tmp_path) == digest(demo_raw)


def test_every_language_has_two_speakers_and_all_sentences(demo_raw: Path) -> None:
    good = [r for r in rows(demo_raw) if r["id"].split("_")[0] in LANGUAGE_SENTENCES and "words" in r]
    for language, sentences in LANGUAGE_SENTENCES.items():
        mine = [r for r in good if r["language"] == language and r.get("speaker")]
        assert {r["speaker"] for r in mine} == {f"{language}_m", f"{language}_f"}
        assert sorted({r["text"] for r in mine}) == sorted(sentences)


def test_word_timings_are_ordered_and_inside_the_audio(demo_raw: Path) -> None:
    for row in rows(demo_raw):
        if "words" not in row:
            continue
        duration = sf.info(str(demo_raw / row["path"])).duration
        previous_end = 0.0
        for word, start, end in row["words"]:
            assert previous_end - 1e-3 <= start <= end <= duration + 1e-3, (row["id"], word)
            previous_end = end
        assert [w[0] for w in row["words"]] == row["text"].split()


def test_digit_strings_are_spoken_digit_by_digit() -> None:
    spoken, owners = spoken_form_for_espeak("call 310-555-1234 now")
    assert spoken == "call 3 1 0 5 5 5 1 2 3 4 now"
    assert owners == [0] + [1] * 10 + [2]


def test_bad_items_exist_with_their_expected_reasons(demo_raw: Path) -> None:
    expected = expected_rejections(demo_raw)
    assert {"bad_corrupt", "bad_empty", "bad_silence", "bad_nan", "bad_narrowband"} <= set(expected)
    by_id = {r["id"]: r for r in rows(demo_raw)}
    assert set(expected) <= set(by_id)
    assert (demo_raw / by_id["bad_empty"]["path"]).stat().st_size == 0
    assert sf.info(str(demo_raw / by_id["bad_nan"]["path"])).subtype == "FLOAT"


def test_long_episode_has_two_voices_and_many_words(demo_raw: Path) -> None:
    episode = next(r for r in rows(demo_raw) if r["id"] == "te_podcast")
    assert sf.info(str(demo_raw / episode["path"])).duration > 30
    assert len(episode["words"]) > 40
