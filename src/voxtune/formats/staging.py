"""An export is written into a temporary sibling folder and renamed into place only when complete.

So a failed or interrupted export never leaves a half-written folder that a trainer could pick up,
and an existing non-empty folder is refused before anything is read or written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from voxtune.errors import InputError


def check_output_folder(folder: Path) -> None:
    """Refuse an output path that is a file or a folder with anything in it."""
    if folder.exists() and not folder.is_dir():
        raise InputError("the export output path is a file, not a folder", path=folder)
    if folder.is_dir() and any(folder.iterdir()):
        raise InputError(
            "the export output folder is not empty",
            path=folder,
            hint="Choose a new or empty folder for --out (an export never overwrites files)",
        )


@contextlib.contextmanager
def staged_folder(folder: str | Path) -> Iterator[Path]:
    """Yield an empty temporary folder next to ``folder``; on success it becomes ``folder``.

    On any exception the temporary folder is removed and ``folder`` is left as it was.
    """
    folder = Path(folder).absolute()
    check_output_folder(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = folder.with_name(f".{folder.name}.partial-{os.getpid()}")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        yield temporary
        check_output_folder(folder)  # something may have appeared there while we worked
        if folder.is_dir():
            folder.rmdir()
        temporary.rename(folder)
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
