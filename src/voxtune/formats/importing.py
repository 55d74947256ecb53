"""Import a corpus in another layout: a one-stage prepare recipe (ingest with ``format:``), so an
import resumes when interrupted and puts unreadable items in the ledger like any prepare run."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from voxtune.formats.registry import get_reader
from voxtune.prepare import PrepareResult, parse_recipe, run_recipe
from voxtune.prepare.runner import ProgressSink


def import_corpus(
    format: str,
    path: str | Path,
    out: str | Path,
    *,
    options: Mapping[str, Any] | None = None,
    language: str | None = None,
    speaker: str | None = None,
    workers: int = 1,
    progress: ProgressSink | None = None,
) -> PrepareResult:
    """Read ``path`` (in ``format``) into a voxtune corpus folder ``out``."""
    get_reader(format)  # an unknown format is refused before any folder is touched
    stage: dict[str, Any] = {"stage": "ingest", "path": str(Path(path).absolute()), "format": format}
    if options:
        stage["options"] = dict(options)
    if language:
        stage["language"] = language
    if speaker:
        stage["speaker"] = speaker
    recipe = parse_recipe(
        {"name": f"import-{format}", "workers": workers, "stages": [stage]}, base_dir=Path.cwd()
    )
    return run_recipe(recipe, out, progress=progress)
