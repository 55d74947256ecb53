"""A synthetic corpus from a list of texts: several speakers, varied pace and pitch, marked synthetic.

Layout of the folder (``voxtune prepare recipe.yaml`` ingests it with provenance ``synthetic``)::

    manifest.jsonl                   one row per utterance: spoken text, original text, speaker, word
                                     times, the voice settings used, synthetic: true
    audio/<speaker>/<item id>.wav    mono 16-bit
    rejected.jsonl                   texts that could not be put in spoken form or said, with reasons
    synthesis.json                   settings, voice source, speakers and totals
    recipe.yaml                      an ingest recipe (written once, yours to edit)

Work runs in jobs of one speaker and up to ``chunk_size`` texts; a finished job leaves a part file,
so an interrupted run redoes only unfinished jobs. Each utterance's variation is drawn from a seed
made of the run's seed, the prompt id and the speaker id, so it does not depend on job order.
"""

from __future__ import annotations

import multiprocessing
import shutil
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field, model_validator

from voxtune.audio.convert import resample
from voxtune.audio.io import write_audio
from voxtune.config import StrictModel, fingerprint
from voxtune.corpus import fields
from voxtune.corpus.ledger import Rejection, write_ledger
from voxtune.corpus.manifest import read_json, read_jsonl, write_json, write_jsonl
from voxtune.errors import ConfigError, InputError
from voxtune.prompts.script import Prompt
from voxtune.synth.voices import SpokenAudio, SynthSpeaker, Variation, VoiceSource
from voxtune.text.languages import canonical_language

MANIFEST = "manifest.jsonl"
LEDGER = "rejected.jsonl"
SUMMARY = "synthesis.json"
RECIPE = "recipe.yaml"
AUDIO = "audio"
PARTS = ".parts"
STAGE = "synthesize"
SECONDS_KEY = "_seconds"
"""Duration carried in part files only (the manifest does not need it: the audio says it)."""

RECIPE_TEXT = """\
# Written by `voxtune synthesize`. `voxtune prepare recipe.yaml --out corpus` ingests the synthetic
# speech (each item marked synthetic); add stages below as you need them. The texts are already in
# spoken form, so normalise only checks them and keeps the original text in text_original.
name: synthetic
stages:
  - stage: ingest
    path: manifest.jsonl
    synthetic: true
  - stage: normalise
"""


class SynthesisSettings(StrictModel):
    """How to voice the texts: how many speakers, how often each text is said, how much variation."""

    language: str
    speakers: int = Field(4, ge=1)
    per_line: int = Field(1, ge=1)
    """How many different speakers say each text."""
    speed_jitter: float = Field(0.08, ge=0.0, le=0.5)
    """Each utterance's pace is the speaker's times a factor drawn from 1 ± this."""
    pitch_jitter: float = Field(1.0, ge=0.0, le=12.0)
    """Each utterance's pitch moves by up to ± this many semitones."""
    sample_rate: int | None = Field(None, ge=8000, le=96000)
    """Resample to this rate (None keeps the source's own)."""
    lead_silence: float = Field(0.25, ge=0.0, le=5.0)
    """Seconds of silence before and after each utterance, as a recording would have."""
    seed: int = 0
    chunk_size: int = Field(50, ge=1, le=10_000)

    @model_validator(mode="after")
    def _per_line_within_speakers(self) -> SynthesisSettings:
        if self.per_line > self.speakers:
            raise ValueError(f"per_line ({self.per_line}) cannot exceed speakers ({self.speakers})")
        return self


@dataclass(frozen=True)
class PlannedItem:
    """One utterance to make: which prompt, which speaker, with which variation."""

    id: str
    prompt: Prompt
    speaker: SynthSpeaker
    variation: Variation


@dataclass(frozen=True)
class Job:
    key: str
    speaker: SynthSpeaker
    items: tuple[PlannedItem, ...]


@dataclass
class SynthesisResult:
    folder: Path
    items: int
    seconds: float
    speakers: list[str]
    rejected: list[Rejection] = field(default_factory=list)
    jobs_reused: int = 0

    @property
    def hours(self) -> float:
        return self.seconds / 3600


def variation_for(settings: SynthesisSettings, prompt_id: str, speaker_id: str) -> Variation:
    """The seeded pace and pitch of one (prompt, speaker) pair."""
    rng = np.random.default_rng(
        [settings.seed, zlib.crc32(prompt_id.encode()), zlib.crc32(speaker_id.encode())]
    )
    speed = 1.0 + rng.uniform(-settings.speed_jitter, settings.speed_jitter)
    pitch = rng.uniform(-settings.pitch_jitter, settings.pitch_jitter)
    return Variation(speed=round(float(speed), 3), pitch=round(float(pitch), 2))


def plan_items(
    prompts: list[Prompt], speakers: list[SynthSpeaker], settings: SynthesisSettings
) -> list[PlannedItem]:
    """Each prompt said by ``per_line`` different speakers, taken in turn so all say about as much."""
    items = []
    for index, prompt in enumerate(prompts):
        for copy in range(settings.per_line):
            speaker = speakers[(index + copy) % len(speakers)]
            items.append(
                PlannedItem(
                    id=f"{prompt.id}_{speaker.id}",
                    prompt=prompt,
                    speaker=speaker,
                    variation=variation_for(settings, prompt.id, speaker.id),
                )
            )
    return items


def plan_jobs(items: list[PlannedItem], chunk_size: int) -> list[Job]:
    """Items grouped by speaker, in chunks: one job is one process speaking with one voice."""
    by_speaker: dict[str, list[PlannedItem]] = {}
    for item in items:
        by_speaker.setdefault(item.speaker.id, []).append(item)
    jobs = []
    for speaker_id, mine in by_speaker.items():
        for start in range(0, len(mine), chunk_size):
            chunk = tuple(mine[start : start + chunk_size])
            jobs.append(Job(f"{speaker_id}-{start // chunk_size:05d}", chunk[0].speaker, chunk))
    return jobs


def synthesize_corpus(
    prompts: list[Prompt],
    folder: str | Path,
    settings: SynthesisSettings,
    *,
    source: VoiceSource | None = None,
    rejected: list[Rejection] | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> SynthesisResult:
    """Voice ``prompts`` into a corpus folder (resuming a run with the same settings).

    ``rejected`` holds texts already refused (by the normaliser) and goes into the ledger with
    utterances the source could not say.
    """
    if source is None:
        from voxtune.synth.espeak_voices import EspeakVoices

        source = EspeakVoices()
    folder = Path(folder).absolute()
    language = canonical_language(settings.language)
    if not prompts:
        raise InputError(
            "no texts to synthesise", hint="Every line was refused: see the ledger printed above"
        )
    foreign = sorted({p.language for p in prompts} - {language})
    if foreign:
        raise ConfigError(f"the texts are in {', '.join(foreign)}, not the chosen language '{language}'")
    speakers = source.speakers(language, settings.speakers)
    items = plan_items(prompts, speakers, settings)
    jobs = plan_jobs(items, settings.chunk_size)
    run_key = fingerprint(
        settings.model_dump(),
        source.describe(),
        [s.settings for s in speakers],
        [p.to_dict() for p in prompts],
    )
    parts = _prepare_folder(folder, run_key)
    done = {job.key for job in jobs if (parts / f"{job.key}.jsonl").is_file()}
    todo = [job for job in jobs if job.key not in done]
    for job, rows in _run_jobs(todo, source, folder, settings, workers):
        write_jsonl(rows, parts / f"{job.key}.jsonl")
        if progress is not None:
            progress(len(job.items))
    if progress is not None and done:
        progress(sum(len(job.items) for job in jobs if job.key in done))
    return _assemble(folder, items, jobs, parts, settings, source, speakers, list(rejected or []), len(done))


def _prepare_folder(folder: Path, run_key: str) -> Path:
    """Make the folder ready; work from an earlier run with other settings is removed."""
    parts = folder / PARTS
    key_file = parts / "run.json"
    if key_file.is_file() and read_json(key_file).get("key") != run_key:
        shutil.rmtree(parts)
        shutil.rmtree(folder / AUDIO, ignore_errors=True)
    elif not key_file.is_file() and (folder / MANIFEST).exists():
        raise InputError(
            "this folder holds a manifest that `voxtune synthesize` did not make",
            path=folder,
            hint="Choose a new or empty output folder",
        )
    parts.mkdir(parents=True, exist_ok=True)
    write_json({"key": run_key}, key_file)
    return parts


def _run_jobs(
    jobs: list[Job], source: VoiceSource, folder: Path, settings: SynthesisSettings, workers: int
) -> Iterator[tuple[Job, list[dict[str, Any]]]]:
    if not jobs:
        return
    arguments = [(job, source, folder, settings) for job in jobs]
    if not source.isolate_jobs:
        for args in arguments:
            yield args[0], run_job(*args)
        return
    # espeak-ng's output after a voice change depends on what it said before; a fresh process per
    # job (one speaker, texts in a fixed order) gives the same samples on every run.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["voxtune.synth.corpus", "voxtune.synth.espeak_voices"])
    with context.Pool(processes=max(1, workers), maxtasksperchild=1) as pool:
        yield from zip(jobs, pool.imap(_run_job_args, arguments, chunksize=1), strict=True)


def _run_job_args(args: tuple[Job, VoiceSource, Path, SynthesisSettings]) -> list[dict[str, Any]]:
    return run_job(*args)


def run_job(job: Job, source: VoiceSource, folder: Path, settings: SynthesisSettings) -> list[dict[str, Any]]:
    """Say one job's texts and write their audio; return manifest rows (or ledger entries)."""
    spoken = source.speak(
        [item.prompt.spoken for item in job.items],
        job.speaker,
        [item.variation for item in job.items],
        settings.seed,
    )
    rows = []
    for item, audio in zip(job.items, spoken, strict=True):
        if audio.audio.size == 0 or not np.isfinite(audio.audio).all() or not np.abs(audio.audio).max() > 0:
            rows.append(
                {
                    "rejection": Rejection(
                        item.id,
                        "synthesis_failed",
                        f"the voice produced no sound for '{item.prompt.spoken[:60]}'",
                        STAGE,
                        parent=item.prompt.id,
                    ).to_dict()
                }
            )
            continue
        rows.append(_write_item(item, audio, folder, settings, source))
    return rows


def _write_item(
    item: PlannedItem, spoken: SpokenAudio, folder: Path, settings: SynthesisSettings, source: VoiceSource
) -> dict[str, Any]:
    rate = settings.sample_rate or spoken.sample_rate
    audio = resample(spoken.audio, spoken.sample_rate, rate)
    pad = np.zeros(round(settings.lead_silence * rate), dtype=np.float32)
    audio = np.concatenate([pad, audio, pad])
    relative = Path(AUDIO) / item.speaker.id / f"{item.id}.wav"
    write_audio(folder / relative, audio, rate, subtype="PCM_16")
    offset = len(pad) / rate
    row: dict[str, Any] = {
        SECONDS_KEY: len(audio) / rate,
        "id": item.id,
        "path": relative.as_posix(),
        **item.prompt.manifest_fields(),
        "speaker": item.speaker.id,
        fields.SYNTHETIC: True,
        "synthesis": {
            **source.describe(),
            **item.speaker.settings,
            "speed": item.variation.speed,
            "pitch_semitones": item.variation.pitch,
        },
    }
    if spoken.words:
        row["words"] = [
            [word, round(start + offset, 3), round(end + offset, 3)] for word, start, end in spoken.words
        ]
    return row


def _assemble(
    folder: Path,
    items: list[PlannedItem],
    jobs: list[Job],
    parts: Path,
    settings: SynthesisSettings,
    source: VoiceSource,
    speakers: list[SynthSpeaker],
    rejected: list[Rejection],
    reused: int,
) -> SynthesisResult:
    """Write the manifest (in prompt order), the ledger, the summary and the recipe."""
    by_id: dict[str, dict[str, Any]] = {}
    for job in jobs:
        for row in read_jsonl(parts / f"{job.key}.jsonl"):
            if "rejection" in row:
                rejected.append(Rejection.from_dict(row["rejection"]))
            else:
                by_id[row["id"]] = row
    rows = [by_id[item.id] for item in items if item.id in by_id]
    seconds = sum(row.pop(SECONDS_KEY) for row in rows)
    write_jsonl(rows, folder / MANIFEST)
    write_ledger(rejected, folder / LEDGER)
    write_json(
        {
            "settings": settings.model_dump(),
            "source": source.describe(),
            "speakers": [{"id": s.id, **s.settings} for s in speakers],
            "items": len(rows),
            "hours": round(seconds / 3600, 4),
            "rejected": len(rejected),
        },
        folder / SUMMARY,
    )
    if not (folder / RECIPE).exists():
        (folder / RECIPE).write_text(RECIPE_TEXT, encoding="utf-8")
    return SynthesisResult(folder, len(rows), seconds, [s.id for s in speakers], rejected, reused)
