"""A recording session: the prompts, who is speaking, and the corpus folder the takes go into.

Folder layout, which ``voxtune prepare`` ingests directly (``recipe.yaml`` points its ingest stage at
the manifest)::

    manifest.jsonl                                  one row per saved take (see manifest_row)
    audio/<speaker>/<session>/<prompt id>.wav       24 kHz mono 16-bit
    recipe.yaml                                     written once, yours to edit

Several speakers and sessions share one folder; a take recorded again replaces the earlier one.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from voxtune.corpus.manifest import read_jsonl, write_jsonl
from voxtune.errors import InputError
from voxtune.prompts.script import Prompt
from voxtune.record.takes import MIN_LEVEL_DBFS, MIN_SECONDS, store_take

MANIFEST = "manifest.jsonl"
RECIPE = "recipe.yaml"
AUDIO = "audio"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

RECIPE_TEXT = """\
# Written by `voxtune record`. `voxtune prepare recipe.yaml --out corpus` ingests the recordings;
# add stages (quality, segment, split, ...) below as you need them. The texts are the prompts' spoken
# forms, so normalise only checks them and keeps the displayed prompt in text_original.
name: recordings
stages:
  - stage: ingest
    path: manifest.jsonl
  - stage: normalise
"""


def default_session() -> str:
    """A session name from the current date and time, e.g. ``20250314-1502``."""
    return datetime.now().strftime("%Y%m%d-%H%M")


@dataclass(frozen=True)
class Take:
    """A saved recording of one prompt."""

    prompt_id: str
    path: Path
    seconds: float
    level_dbfs: float


class RecordingStudio:
    """Saves takes for one speaker and session into a corpus folder and keeps its manifest current."""

    def __init__(
        self,
        prompts: list[Prompt],
        folder: str | Path,
        speaker: str,
        session: str | None = None,
        *,
        sample_rate: int = 24_000,
        min_seconds: float = MIN_SECONDS,
        min_level_dbfs: float = MIN_LEVEL_DBFS,
    ):
        if not prompts:
            raise InputError("there are no prompts to record", hint="Check the prompt file")
        self.speaker = _checked_name(speaker, "speaker")
        self.session = _checked_name(session or default_session(), "session")
        self.prompts = {prompt.id: prompt for prompt in prompts}
        self.folder = Path(folder).absolute()
        self.sample_rate = sample_rate
        self.min_seconds = min_seconds
        self.min_level_dbfs = min_level_dbfs
        self._lock = threading.Lock()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._rows: dict[str, dict[str, Any]] = {}
        if self.manifest_path.is_file():
            self._rows = {str(row["id"]): row for row in read_jsonl(self.manifest_path)}
        recipe = self.folder / RECIPE
        if not recipe.exists():
            recipe.write_text(RECIPE_TEXT, encoding="utf-8")

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST

    def row_id(self, prompt_id: str) -> str:
        return f"{self.speaker}_{self.session}_{prompt_id}"

    def audio_path(self, prompt_id: str) -> Path:
        return self.folder / AUDIO / self.speaker / self.session / f"{prompt_id}.wav"

    def prompt(self, prompt_id: str) -> Prompt:
        try:
            return self.prompts[prompt_id]
        except KeyError:
            raise KeyError(f"no prompt with id '{prompt_id}' in this session") from None

    def recorded(self) -> set[str]:
        """Ids of the prompts this speaker and session have a saved take of."""
        with self._lock:
            return {pid for pid in self.prompts if self.row_id(pid) in self._rows}

    def state(self) -> dict[str, Any]:
        """What the page shows: who, which session, and each prompt with whether it is recorded."""
        done = self.recorded()
        return {
            "speaker": self.speaker,
            "session": self.session,
            "folder": str(self.folder),
            "sample_rate": self.sample_rate,
            "prompts": [
                {
                    "id": p.id,
                    "text": p.text,
                    "spoken": p.spoken,
                    "language": p.language,
                    "recorded": p.id in done,
                }
                for p in self.prompts.values()
            ],
        }

    def save_take(self, prompt_id: str, data: bytes) -> Take:
        """Store an uploaded take of ``prompt_id`` and record it in the manifest.

        Raises ItemError (``empty_recording``, ``unreadable_audio``) and saves nothing when the take is
        unusable, KeyError for an unknown prompt.
        """
        prompt = self.prompt(prompt_id)
        path = self.audio_path(prompt_id)
        seconds, level = store_take(
            data,
            path,
            sample_rate=self.sample_rate,
            min_seconds=self.min_seconds,
            min_level_dbfs=self.min_level_dbfs,
        )
        with self._lock:
            self._rows[self.row_id(prompt_id)] = self.manifest_row(prompt, path)
            write_jsonl(self._rows.values(), self.manifest_path)
        return Take(prompt_id, path, seconds, level)

    def manifest_row(self, prompt: Prompt, path: Path) -> dict[str, Any]:
        """A row the ingest stage's table reader understands; unknown columns travel with the item."""
        return {
            "id": self.row_id(prompt.id),
            "path": path.relative_to(self.folder).as_posix(),
            **prompt.manifest_fields(),
            "speaker": self.speaker,
            "session": self.session,
        }


def _checked_name(value: str, what: str) -> str:
    if not _NAME.match(value):
        raise InputError(
            f"the {what} name '{value}' cannot be used in file names",
            hint="Use letters, digits, '-', '_' or '.' (at most 64, starting with a letter or digit)",
        )
    return value
