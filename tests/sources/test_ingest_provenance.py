"""Manifest rows that carry their own provenance: a ``synthetic`` flag and the original text."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_tone
from voxtune.corpus import Corpus, fields
from voxtune.prepare import load_recipe, run_recipe


def ingest(tmp_path: Path, table: Path, **settings: object) -> dict:
    lines = ["stages:", "  - stage: ingest", f"    path: {table}"] + [
        f"    {k}: {v}" for k, v in settings.items()
    ]
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_recipe(load_recipe(recipe), tmp_path / "corpus")
    return {cut.id: cut for cut in Corpus.open(tmp_path / "corpus").cuts()}


def test_rows_mark_themselves_synthetic_and_name_their_original_text(tmp_path: Path) -> None:
    write_tone(tmp_path / "a.wav")
    write_tone(tmp_path / "b.wav")
    rows = [
        {"path": "a.wav", "text": "order one two", "text_original": "order 12", "synthetic": True},
        {"path": "b.wav", "text": "hello"},
    ]
    table = tmp_path / "rows.jsonl"
    table.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    cuts = ingest(tmp_path, table)
    assert cuts["a"].custom[fields.SYNTHETIC] is True
    assert fields.SYNTHETIC not in cuts["b"].custom
    assert cuts["a"].supervisions[0].custom == {fields.TEXT_ORIGINAL: "order 12"}
    assert cuts["b"].supervisions[0].custom == {fields.TEXT_ORIGINAL: "hello"}


def test_csv_flags_and_the_stage_setting(tmp_path: Path) -> None:
    write_tone(tmp_path / "a.wav")
    write_tone(tmp_path / "b.wav")
    table = tmp_path / "rows.csv"
    table.write_text("path,text,synthetic\na.wav,one,yes\nb.wav,two,false\n", encoding="utf-8")
    cuts = ingest(tmp_path, table)
    assert cuts["a"].custom.get(fields.SYNTHETIC) is True and fields.SYNTHETIC not in cuts["b"].custom
    assert "synthetic" not in (cuts["b"].supervisions[0].custom or {})
    (tmp_path / "all").mkdir()
    everything = ingest(tmp_path / "all", table, synthetic="true")
    assert all(cut.custom[fields.SYNTHETIC] is True for cut in everything.values())
