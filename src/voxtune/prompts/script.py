"""Prompt scripts: what a speaker reads (display text) next to what they say (spoken form).

A script is a JSON-lines file (``voxtune prompts`` writes it); a plain text file with one prompt per
line works too, its spoken form made on loading. Lines that cannot be put in spoken form are returned
as ledger entries, so the caller can show or store them and go on.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from voxtune.corpus.ledger import Rejection
from voxtune.corpus.manifest import read_jsonl, write_jsonl
from voxtune.errors import InputError, ItemError
from voxtune.prompts.spoken import spoken_form
from voxtune.text.languages import canonical_language

SCRIPT_SUFFIXES = (".jsonl", ".json")
"""Files read as JSON-lines scripts; anything else is read as one prompt per line."""
NORMALISE_STAGE = "normalise"


@dataclass(frozen=True)
class Prompt:
    """One thing to say: its id, display text, spoken form, language, the goal that made it, and
    goal-specific facts (``kind`` such as ``order_number``; ``meta`` such as the digits read)."""

    id: str
    text: str
    spoken: str
    language: str
    goal: str = "text"
    kind: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def manifest_fields(self) -> dict[str, Any]:
        """The columns a corpus manifest row gets from this prompt.

        ``text`` is the spoken form (what the audio says, the training text); the display text goes
        in ``text_original``, where the corpus keeps the text as it was written.
        """
        return {
            "text": self.spoken,
            "text_original": self.text,
            "language": self.language,
            "prompt_id": self.id,
        }


@dataclass
class PromptFile:
    """Prompts loaded from a file, and the lines refused on the way (ledger entries)."""

    path: Path
    prompts: list[Prompt]
    rejected: list[Rejection]


def write_script(prompts: list[Prompt], path: str | Path) -> int:
    """Write prompts as a JSON-lines script atomically; return how many were written."""
    return write_jsonl((prompt.to_dict() for prompt in prompts), path)


def safe_id(value: str) -> str:
    """An id usable in file names and URLs: runs of other characters become ``_``."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", value.strip()).strip("._")
    return cleaned or "item"


def load_prompts(path: str | Path, language: str | None = None) -> PromptFile:
    """Prompts from a script (``.jsonl``) or a text file (one prompt per line, blank lines skipped).

    ``language`` applies to every prompt that names none; lines without a spoken form are refused
    (see ``rejected``) when the normaliser cannot read them.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("prompt file not found", path=path, hint="Pass a .txt (one line each) or .jsonl")
    default = canonical_language(language) if language else None
    if path.suffix.lower() in SCRIPT_SUFFIXES:
        rows = [(number, row) for number, row in enumerate(read_jsonl(path), start=1)]
    else:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            raise InputError("the prompt file is not UTF-8 text", path=path) from None
        rows = [(number, {"text": line}) for number, line in enumerate(lines, start=1) if line.strip()]
    prompts: list[Prompt] = []
    rejected: list[Rejection] = []
    seen: set[str] = set()
    for number, row in rows:
        prompt_id = safe_id(str(row.get("id") or f"line{number:05d}"))
        if prompt_id in seen:
            raise InputError(f"line {number} repeats the prompt id '{prompt_id}'", path=path)
        seen.add(prompt_id)
        text = str(row.get("text") or "").strip()
        code = row.get("language") or default
        if code is None:
            raise InputError(
                f"line {number} names no language", path=path, hint="Pass --language for the whole file"
            )
        code = canonical_language(str(code))
        try:
            spoken = str(row["spoken"]) if row.get("spoken") else spoken_form(text, code)
        except ItemError as exc:
            rejected.append(
                Rejection(
                    id=prompt_id,
                    code=exc.code,
                    reason=exc.reason,
                    stage=NORMALISE_STAGE,
                    source=f"{path}:{number}",
                    details={"text": text, **exc.details},
                )
            )
            continue
        prompts.append(
            Prompt(
                id=prompt_id,
                text=text,
                spoken=spoken,
                language=code,
                goal=str(row.get("goal") or "text"),
                kind=str(row.get("kind") or ""),
                meta=dict(row.get("meta") or {}),
            )
        )
    if not prompts and not rejected:
        raise InputError("the prompt file holds no prompts", path=path)
    return PromptFile(path=path, prompts=prompts, rejected=rejected)
