"""moshi-finetune's data contract, and a checker for folders that claim to follow it.

The contract, from kyutai-labs/moshi-finetune (README "Prepare dataset", ``finetune/data/dataset.py``,
``finetune/data/interleaver.py``, ``train.py``) and sphn's ``dataset_jsonl``:

* a ``.jsonl`` index, one ``{"path": ..., "duration": seconds}`` object per line (no blank lines:
  sphn parses every line); relative paths are relative to the index file's folder;
* audio as WAV at Mimi's 24 kHz; stereo for speech-to-speech with the model's voice on the LEFT
  channel and the user on the RIGHT; a single channel for speech-to-text;
* next to each audio file a ``.json`` with ``{"alignments": [[word, [start, end], speaker], ...]}``
  in seconds from the file start, sorted by start (the loader bisects on it to cut 100 s windows),
  and optionally ``"text_conditions"``, a mapping of condition name to text;
* ``train.py`` builds its Interleaver with ``keep_main_only=True``: only words whose speaker is
  ``SPEAKER_MAIN`` reach the text stream, so the model's (or, for STT, the transcribed) words must
  carry that label; other speakers' words are kept in the file but not trained on.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import soundfile as sf

SAMPLE_RATE = 24_000
MAIN_SPEAKER = "SPEAKER_MAIN"
USER_SPEAKER = "SPEAKER_USER"
INDEX_FILE = "data.jsonl"
LEFT, RIGHT = 0, 1
DURATION_TOLERANCE = 1e-6
"""Seconds a jsonl duration may differ from the file's frames / rate (float printing only)."""


@dataclass(frozen=True)
class ContractProblem:
    """One way an export breaks the contract: the file concerned and what is wrong."""

    file: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


def check_moshi_export(folder: str | Path, channels: int | None = None) -> list[ContractProblem]:
    """Every contract problem of the ``.jsonl`` indexes under ``folder`` and the files they name.

    ``channels`` is 2 for speech-to-speech, 1 for speech-to-text, or None to accept either as long
    as all files agree. An empty list means moshi-finetune can train on the folder as it is.
    """
    folder = Path(folder)
    problems: list[ContractProblem] = []
    indexes = sorted(folder.rglob("*jsonl"))  # what moshi-finetune globs when given a folder
    if not indexes:
        return [ContractProblem(str(folder), "no .jsonl index file")]
    seen_channels: set[int] = set()
    for index in indexes:
        lines = index.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        if not lines:
            problems.append(ContractProblem(_name(index, folder), "the index is empty"))
        for number, line in enumerate(lines, start=1):
            where = f"{_name(index, folder)} line {number}"
            entry = _parse_index_line(line)
            if isinstance(entry, str):
                problems.append(ContractProblem(where, entry))
                continue
            audio = Path(entry["path"])
            audio = audio if audio.is_absolute() else index.parent / audio
            file_problems, file_channels = check_moshi_file(audio, float(entry["duration"]), channels)
            problems.extend(ContractProblem(_name(audio, folder), p) for p in file_problems)
            if file_channels is not None:
                seen_channels.add(file_channels)
    if channels is None and len(seen_channels) > 1:
        problems.append(ContractProblem(str(folder), "files mix mono and stereo"))
    return problems


def check_moshi_file(audio: Path, duration: float, channels: int | None) -> tuple[list[str], int | None]:
    """Problems of one audio file and its sidecar against the contract, and its channel count."""
    if not audio.is_file():
        return [f"audio file not found (named by the index as {audio.name})"], None
    try:
        info = sf.info(str(audio))
    except (sf.LibsndfileError, RuntimeError) as exc:
        return [f"unreadable audio: {exc}"], None
    problems: list[str] = []
    if info.format != "WAV":
        problems.append(f"audio is {info.format}, not WAV")
    if info.samplerate != SAMPLE_RATE:
        problems.append(f"sample rate is {info.samplerate} Hz, not {SAMPLE_RATE}")
    if info.channels not in (1, 2) or (channels is not None and info.channels != channels):
        wanted = {1: "mono", 2: "stereo"}.get(channels or 0, "mono or stereo")
        problems.append(f"{info.channels} channel(s), expected {wanted}")
    real = info.frames / info.samplerate
    if abs(real - duration) > DURATION_TOLERANCE:
        problems.append(f"index says {duration:.6f} s but the file lasts {real:.6f} s")
    problems.extend(check_moshi_sidecar(audio.with_suffix(".json"), real))
    return problems, info.channels


def check_moshi_sidecar(path: Path, duration: float) -> list[str]:
    """Problems of one alignment sidecar for a file of ``duration`` seconds."""
    if not path.is_file():
        return [f"no alignment file {path.name} next to the audio"]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return [f"{path.name} is not valid JSON ({exc})"]
    if not isinstance(data, dict) or not isinstance(data.get("alignments"), list):
        return [f'{path.name} has no "alignments" list']
    problems: list[str] = []
    previous = -math.inf
    main_words = 0
    for position, entry in enumerate(data["alignments"]):
        word = _parse_alignment(entry)
        if isinstance(word, str):
            problems.append(f"{path.name} alignment {position}: {word}")
            continue
        text, start, end, speaker = word
        if not 0.0 <= start <= end <= duration + DURATION_TOLERANCE:
            problems.append(
                f"{path.name} alignment {position} ({text!r}) at {start:.3f}-{end:.3f} s is outside "
                f"the file (0-{duration:.3f} s) or ends before it starts"
            )
        if start < previous:
            problems.append(f"{path.name} alignment {position} ({text!r}) is out of order (by start)")
        previous = max(previous, start)
        main_words += speaker == MAIN_SPEAKER
    if data["alignments"] and not main_words:
        problems.append(
            f"{path.name} has no {MAIN_SPEAKER} words; moshi-finetune trains only on those "
            "(keep_main_only), so the text stream would be empty"
        )
    conditions = data.get("text_conditions")
    if conditions is not None and not (
        isinstance(conditions, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in conditions.items())
    ):
        problems.append(f"{path.name} text_conditions must map names to strings")
    return problems


def _parse_index_line(line: str) -> dict[str, Any] | str:
    try:
        entry = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not a JSON object ({exc.msg}); blank lines are not allowed either"
    if not isinstance(entry, dict):
        return "not a JSON object"
    if not isinstance(entry.get("path"), str) or not entry["path"]:
        return 'no "path" string'
    duration = entry.get("duration")
    if isinstance(duration, bool) or not isinstance(duration, (int, float)) or duration <= 0:
        return f'"duration" must be a positive number of seconds (got {duration!r})'
    return entry


def _parse_alignment(entry: Any) -> tuple[str, float, float, str] | str:
    shape_ok = (
        isinstance(entry, list)
        and len(entry) == 3
        and isinstance(entry[0], str)
        and isinstance(entry[1], list)
        and len(entry[1]) == 2
        and all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in entry[1])
        and isinstance(entry[2], str)
    )
    if not shape_ok:
        return f"expected [word, [start, end], speaker], got {entry!r}"[:160]
    return entry[0], float(entry[1][0]), float(entry[1][1]), entry[2]


def _name(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)
