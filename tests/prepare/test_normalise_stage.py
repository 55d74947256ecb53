"""The normalise stage: spoken-form text, word timings split over new words, originals kept."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from conftest import write_tone
from voxtune.corpus import Corpus, fields
from voxtune.prepare import load_recipe, run_recipe


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    rows = [
        {"id": "order", "path": "a.wav", "text": "order 1296803", "language": "en",
         "words": [["order", 0.1, 0.5], ["1296803", 0.6, 2.0]]},
        {"id": "norsk", "path": "a.wav", "text": "Det koster 25 kroner", "language": "no"},
        {"id": "broken", "path": "a.wav", "text": "call 12-34-", "language": "en"},
        {"id": "alien", "path": "a.wav", "text": "hello", "language": "xx"},
    ]  # fmt: skip
    write_tone(tmp_path / "a.wav", seconds=2.5)
    (tmp_path / "m.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        f"report: false\nstages:\n  - stage: ingest\n    path: {tmp_path / 'm.jsonl'}\n"
        "  - stage: normalise\n",
        encoding="utf-8",
    )
    run_recipe(load_recipe(recipe), tmp_path / "corpus")
    return Corpus.open(tmp_path / "corpus")


def test_digits_become_words_and_timings_follow(corpus: Corpus) -> None:
    cuts = {cut.id: cut for cut in corpus.cuts()}
    order = cuts["order"].supervisions[0]
    assert order.text == "order one two nine six eight zero three"
    assert order.custom[fields.TEXT_ORIGINAL] == "order 1296803"
    words = order.alignment[fields.WORD_ALIGNMENT]
    assert [w.symbol for w in words] == order.text.split()
    assert (words[0].start, round(words[0].end, 6)) == (0.1, 0.5)
    digits = words[1:]
    assert digits[0].start == pytest.approx(0.6) and digits[-1].end == pytest.approx(2.0)
    assert all(a.end <= b.start + 1e-6 for a, b in itertools.pairwise(digits))  # lhotse rounds ends to 1e-8


def test_language_codes_are_canonical(corpus: Corpus) -> None:
    norsk = next(c for c in corpus.cuts() if c.id == "norsk").supervisions[0]
    assert norsk.language == "nb"
    assert norsk.text == "Det koster tjuefem kroner"


def test_bad_numbers_and_unknown_languages_go_to_the_ledger(corpus: Corpus) -> None:
    rejected = {r.id: r for r in corpus.rejections()}
    assert rejected["broken"].code == "malformed_number" and "12-34-" in rejected["broken"].reason
    assert rejected["alien"].code == "unsupported_language" and "nb" in rejected["alien"].reason
