"""Prompt script files: JSON-lines round trip, plain text lists with refused lines, manifest columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voxtune.errors import InputError
from voxtune.prompts import Prompt, digit_prompts, load_prompts, write_script
from voxtune.text.languages import UnsupportedLanguageError


def test_script_round_trip(tmp_path: Path) -> None:
    prompts = digit_prompts("lb", 6)
    write_script(prompts, tmp_path / "script.jsonl")
    loaded = load_prompts(tmp_path / "script.jsonl")
    assert loaded.prompts == prompts and loaded.rejected == []


@pytest.mark.usefixtures("stand_in_reader")
def test_text_list_gets_spoken_forms_and_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text(
        "Hei på deg!\n\nOrdre 4417093 er sendt.\nDet koster 25 kroner.\n100 %\n", encoding="utf-8"
    )
    loaded = load_prompts(path, "no")
    assert [(p.id, p.spoken, p.language) for p in loaded.prompts] == [
        ("line00001", "Hei på deg!", "nb"),
        ("line00003", "Ordre fire fire en sju null ni tre er sendt.", "nb"),
    ]
    assert loaded.prompts[1].text == "Ordre 4417093 er sendt."
    refused = {r.id: r for r in loaded.rejected}
    assert sorted(refused) == ["line00004", "line00005"]
    assert refused["line00004"].code == "unsupported_number_format"
    assert refused["line00004"].source == f"{path}:4" and refused["line00004"].stage == "normalise"
    assert refused["line00004"].details["text"] == "Det koster 25 kroner."
    json.dumps([r.to_dict() for r in loaded.rejected])  # the ledger can store them


def test_language_is_required_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(InputError, match="names no language"):
        load_prompts(path)
    with pytest.raises(UnsupportedLanguageError) as unknown:
        load_prompts(path, "klingon")
    assert "en, es" in unknown.value.hint


def test_ids_become_file_safe_and_must_be_unique(tmp_path: Path) -> None:
    path = tmp_path / "script.jsonl"
    rows = [{"id": "a b/c", "text": "one", "language": "en"}, {"id": "x", "text": "two", "language": "en"}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    assert [p.id for p in load_prompts(path).prompts] == ["a_b_c", "x"]
    rows.append({"id": "x", "text": "three", "language": "en"})
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    with pytest.raises(InputError, match="repeats the prompt id 'x'"):
        load_prompts(path)


def test_manifest_fields_put_the_spoken_form_first() -> None:
    prompt = Prompt("p1", "Order 12345", "Order one two three four five", "en")
    assert prompt.manifest_fields() == {
        "text": "Order one two three four five",
        "text_original": "Order 12345",
        "language": "en",
        "prompt_id": "p1",
    }
