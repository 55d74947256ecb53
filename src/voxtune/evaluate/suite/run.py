"""``voxtune evaluate EVAL.yaml``: run the base model and each adapter over the evaluation sets, score,
compare, and write ``OUTPUT/NAME/``::

    metrics.json     config, systems, judges, summaries with intervals, deltas, every item's scores
    report.html      tables with deltas, plots, audio players (one self-contained file)
    samples.json     every clip by set, item and system (what `voxtune listen` serves)
    samples/SET/SYSTEM/ITEM.wav   generated audio, and the references under samples/test/reference/
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voxtune import __version__
from voxtune.corpus.manifest import write_json
from voxtune.errors import ConfigError
from voxtune.evaluate.errors import UnscorableError
from voxtune.evaluate.metrics.confusion import ConfusionMatrix
from voxtune.evaluate.metrics.language_id import language_confusion
from voxtune.evaluate.suite.config import EvalConfig, load_eval_config
from voxtune.evaluate.suite.generation import generate_one, write_clip
from voxtune.evaluate.suite.items import (
    CONFUSION,
    TEST,
    EvalItem,
    confusion_items,
    corpus_items_for_confusion,
    regression_items,
    select_test_items,
)
from voxtune.evaluate.suite.judges import Judges
from voxtune.evaluate.suite.metric_specs import BY_KEY, SPECS, TTS_ONLY_GROUPS
from voxtune.evaluate.suite.scoring import Scorer
from voxtune.evaluate.suite.summary import Bootstrap, DeltaTable, ItemRecord, Table, summary_tables
from voxtune.evaluate.suite.systems import (
    BASE,
    REFERENCE,
    AdapterInfo,
    Systems,
    collect_adapters,
    load_systems,
)
from voxtune.models.placement import resolve_device
from voxtune.models.registry import detect_family, get_family

METRICS_FILE = "metrics.json"
SAMPLES_FILE = "samples.json"
REPORT_FILE = "report.html"
SAMPLES_DIR = "samples"


class EvalProgress(Protocol):
    def system_started(self, system: str, items: int) -> None: ...
    def item_done(self, system: str) -> None: ...


class NoProgress:
    def system_started(self, system: str, items: int) -> None:
        pass

    def item_done(self, system: str) -> None:
        pass


@dataclass
class SystemInfo:
    name: str
    kind: str
    """``base``, ``lora``, ``full`` or ``reference`` (the recordings themselves)."""
    path: str | None
    languages: list[str]
    settings: dict[str, Any] = field(default_factory=dict)
    items: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    """Outputs that could not be scored at all, by code (empty, silent, generation failed)."""


@dataclass
class EvalResult:
    config: EvalConfig
    run_dir: Path
    family: str
    task: str
    systems: list[SystemInfo]
    records: list[ItemRecord]
    keys: list[str]
    table: Table
    deltas: DeltaTable
    confusion: ConfusionMatrix | None
    confusion_languages: dict[str, str]
    judges: dict[str, str]
    notes: list[str]
    seconds: float
    sample_items: list[EvalItem]
    f0_tracks: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]

    @property
    def metrics_path(self) -> Path:
        return self.run_dir / METRICS_FILE

    @property
    def report_path(self) -> Path:
        return self.run_dir / REPORT_FILE

    def system(self, name: str) -> SystemInfo:
        return next(s for s in self.systems if s.name == name)


def metric_groups(config: EvalConfig, task: str) -> set[str]:
    """The metric groups this config computes: those asked for (each must have what it needs), or
    by default every group whose judges are configured."""
    judges = config.judges
    has_asr = bool(judges.asr)
    needs = {
        "wer": (task == "stt" or has_asr, "an ASR judge (judges.asr)"),
        "cer": (task == "stt" or has_asr, "an ASR judge (judges.asr)"),
        "utmos": (judges.utmos is not None, "judges.utmos (a UTMOS TorchScript file)"),
        "duration": (judges.aligner is not None, "judges.aligner (a CTC model)"),
        "language_id": (
            judges.language_id is not None or (judges.text_language_id and has_asr),
            "judges.language_id, or an ASR judge for text-side language ID",
        ),
        "emotion": (judges.emotion is not None, "judges.emotion (an emotion classifier)"),
    }
    candidates = {spec.group for spec in SPECS}
    if task == "stt":
        candidates -= TTS_ONLY_GROUPS | {"language_id"}
    if config.metrics is None:
        return {g for g in candidates if needs.get(g, (True, ""))[0]}
    chosen = set(config.metrics)
    for group in sorted(chosen):
        if group not in candidates:
            raise ConfigError(f"metric '{group}' scores generated audio; a {task} model produces text")
        ok, what = needs.get(group, (True, ""))
        if not ok:
            raise ConfigError(f"metric '{group}' needs {what}", hint="Configure it, or drop the metric")
    return chosen


def _confusion_languages(config: EvalConfig, adapters: dict[str, AdapterInfo]) -> dict[str, str]:
    """Adapter name -> the one language it speaks in the confusion set."""
    spec = config.confusion
    assert spec is not None
    chosen: dict[str, str] = {}
    for name in spec.adapters:
        if name not in adapters:
            raise ConfigError(
                f"confusion: no adapter named '{name}'",
                hint=f"Adapters being evaluated: {', '.join(adapters) or 'none'}",
            )
        if name in spec.languages:
            chosen[name] = spec.languages[name]
        elif len(adapters[name].languages) == 1:
            chosen[name] = adapters[name].languages[0]
        else:
            raise ConfigError(
                f"confusion: adapter '{name}' was trained on {list(adapters[name].languages) or 'all'} "
                "languages; say which one it speaks",
                hint=f"Add confusion.languages.{name}: <code>",
            )
    return chosen


def _has_text_language_id(config: EvalConfig, language: str) -> bool:
    asr = config.judges.asr
    return config.judges.text_language_id and (language in asr or "*" in asr)


def _system_items(
    name: str,
    systems: Systems,
    test: Sequence[EvalItem],
    regression: Sequence[EvalItem],
    confusion: Sequence[EvalItem],
    confusion_languages: dict[str, str],
) -> list[EvalItem]:
    languages = set(systems.adapters[name].languages) if name in systems.adapters else set()
    mine = [i for i in test if not languages or i.language in languages]
    if name in confusion_languages:
        mine += [i for i in confusion if i.language == confusion_languages[name]]
    return [*mine, *regression]


def run_evaluation(config: EvalConfig | str | Path, *, progress: EvalProgress | None = None) -> EvalResult:
    """Evaluate the base model and its adapters per ``config`` and write the outputs (module doc)."""
    started = time.perf_counter()
    if not isinstance(config, EvalConfig):
        config = load_eval_config(config)
    progress = progress or NoProgress()
    if config.cpu_threads:
        import torch

        torch.set_num_threads(config.cpu_threads)

    spec = config.model
    family = get_family(spec.family) if spec.family else detect_family(spec.base, spec.revision)
    if family.task != "tts" and (config.regression is not None or config.confusion is not None):
        raise ConfigError(
            f"regression and confusion sentences are synthesised; {family.name} is a {family.task} model",
            hint="Put base-language items in the corpus's test split instead",
        )
    groups = metric_groups(config, family.task)
    selection = select_test_items(config)
    adapters = collect_adapters(config.adapter_specs())
    confusion_languages = (
        _confusion_languages(config, {a.name: a for a in adapters}) if config.confusion else {}
    )
    if confusion_languages and config.judges.language_id is None:
        unjudged = sorted(
            lang for lang in set(confusion_languages.values()) if not _has_text_language_id(config, lang)
        )
        if unjudged:
            raise ConfigError(
                f"confusion needs language ID for {', '.join(unjudged)}: set judges.language_id (an "
                "audio language-ID model), or ASR judges for those languages with text_language_id",
            )
    test = selection.items
    regression = regression_items(config.regression) if config.regression else []
    confusion = (
        confusion_items(
            config.confusion,
            sorted(set(confusion_languages.values())),
            corpus_items_for_confusion(config, test),
        )
        if config.confusion
        else []
    )
    notes = list(selection.notes)

    systems = load_systems(spec, adapters, overrides=config.family, corpus_speakers=selection.speakers)
    judges = Judges(config.judges, device=resolve_device(config.judges.device))
    sample_items = list(test[: config.report.samples]) or list(regression[: config.report.samples])
    languages = {i.language for i in [*test, *regression, *confusion] if i.language}
    scorer = Scorer(
        judges,
        groups,
        task=family.task,
        candidate_languages=languages,
        plot_items=[i.id for i in sample_items],
    )
    run_dir = config.run_dir
    records: list[ItemRecord] = []
    infos: list[SystemInfo] = []
    warmed = False

    for name in systems.names:
        items = _system_items(name, systems, test, regression, confusion, confusion_languages)
        adapter = systems.adapters.get(name)
        settings = systems.settings(name)
        info = SystemInfo(
            name=name,
            kind=BASE if adapter is None else adapter.method,
            path=str(spec.base if adapter is None else adapter.folder),
            languages=list(adapter.languages) if adapter else [],
            settings=settings.model_dump(mode="json"),
            items=len(items),
        )
        infos.append(info)
        progress.system_started(name, len(items))
        failures: Counter[str] = Counter()
        with systems.use(name) as loaded:
            speakers = systems.speaker_ids(name)
            if items and "latency" in groups and not warmed:  # untimed: lazy imports, kernels, caches
                generate_one(
                    family, loaded, items[0], settings, system=name, speakers=speakers, seed=config.seed
                )
                warmed = True
            for item in items:
                output = generate_one(
                    family, loaded, item, settings, system=name, speakers=speakers, seed=config.seed
                )
                audio_path = None
                if output.audio is not None and output.audio.size and output.sample_rate:
                    relative = f"{SAMPLES_DIR}/{item.set}/{name}/{item.id}.wav"
                    write_clip(run_dir / relative, output.audio, output.sample_rate)
                    audio_path = relative
                if output.failure is not None:
                    failures[output.failure.code] += 1
                records.append(
                    ItemRecord(
                        set=item.set,
                        item=item.id,
                        system=name,
                        language=item.language,
                        text=item.text,
                        scores=scorer.score(output),
                        audio_path=audio_path,
                        duration_s=output.duration_s,
                        stopped=output.stopped,
                        output_text=output.text if family.task == "stt" else None,
                    )
                )
                progress.item_done(name)
        info.failures = dict(failures)

    if family.task == "tts" and test:
        progress.system_started(REFERENCE, len(test))
        infos.append(SystemInfo(REFERENCE, REFERENCE, str(config.corpus), [], items=len(test)))
        for item in test:
            scores = scorer.score_reference(item)
            audio_path, duration = None, None
            try:
                samples, rate = item.reference_audio()
            except UnscorableError:  # already in the scores as missing_reference
                pass
            else:
                audio_path = f"{SAMPLES_DIR}/{TEST}/{REFERENCE}/{item.id}.wav"
                write_clip(run_dir / audio_path, samples, rate)
                duration = samples.size / rate
            records.append(
                ItemRecord(TEST, item.id, REFERENCE, item.language, item.text, scores, audio_path, duration)
            )
            progress.item_done(REFERENCE)

    keys = [s.key for s in SPECS if s.group in groups]
    bootstrap = Bootstrap(config.bootstrap.resamples, config.bootstrap.confidence, config.seed)
    table, deltas = summary_tables(records, keys, bootstrap, base=BASE)
    matrix = None
    if confusion_languages:
        chosen = [r for r in records if r.set == CONFUSION]
        matrix = language_confusion(
            [r.language or "?" for r in chosen],
            [r.scores.predicted_language for r in chosen],
            labels=sorted(set(confusion_languages.values())),
        )
    notes += _collected_notes(records)
    for judge, status in sorted(judges.status.items()):
        if status != "loaded":
            notes.append(f"{judge}: {status}; the metrics needing it were not computed")
    if regression and test:
        notes.append(
            f"regression set: {len(regression)} {regression[0].language} sentences without recordings, "
            "so only reference-free metrics (WER/CER, DNSMOS, UTMOS, language ID, latency) apply"
        )
    result = EvalResult(
        config=config,
        run_dir=run_dir,
        family=family.name,
        task=family.task,
        systems=infos,
        records=records,
        keys=keys,
        table=table,
        deltas=deltas,
        confusion=matrix,
        confusion_languages=confusion_languages,
        judges=dict(judges.status),
        notes=notes,
        seconds=time.perf_counter() - started,
        sample_items=sample_items,
        f0_tracks=scorer.f0_tracks,
    )
    write_outputs(result)
    return result


def _collected_notes(records: Sequence[ItemRecord]) -> list[str]:
    """Notes repeated over outputs as one line each with a count: processing notes (resampling,
    rescaling; differing only in a measured value counts as one) and metrics that did not apply."""
    processing: Counter[str] = Counter()
    example: dict[str, str] = {}
    skipped: dict[tuple[str, str], list[str]] = {}
    skipped_outputs: Counter[tuple[str, str]] = Counter()
    for record in records:
        for note in dict.fromkeys(record.scores.notes):
            pattern = re.sub(r"-?\d+\.\d+", "#", note)
            processing[pattern] += 1
            example.setdefault(pattern, note)
        reasons: dict[str, list[str]] = {}
        for key, reason in record.scores.skipped.items():
            reasons.setdefault(reason, []).append(BY_KEY[key].label)
        for reason, labels in reasons.items():
            bucket = (record.set, reason)
            skipped_outputs[bucket] += 1
            known = skipped.setdefault(bucket, [])
            known += [label for label in labels if label not in known]
    lines = [
        f"{example[p]} ({n} clips{', values vary' if '#' in p else ''})"
        for p, n in sorted(processing.items())
    ]
    lines += [
        f"{set_name} set: {', '.join(skipped[(set_name, reason)])} not computed for {n} outputs: {reason}"
        for (set_name, reason), n in sorted(skipped_outputs.items())
    ]
    return lines


def metrics_document(result: EvalResult) -> dict[str, Any]:
    """Everything in ``metrics.json``: machine-readable, stable keys."""

    def nested(table: Any) -> Any:
        if isinstance(table, dict):
            return {k: nested(v) for k, v in table.items()}
        return table.to_dict()

    confusion = None
    if result.confusion is not None:
        matrix = result.confusion
        confusion = {
            "labels": list(matrix.labels),
            "predicted_labels": list(matrix.predicted_labels),
            "counts": matrix.counts.tolist(),
            "accuracy": matrix.accuracy,
            "recall": {label: matrix.recall(label) for label in matrix.labels},
            "adapters": result.confusion_languages,
        }
    return {
        "name": result.config.name,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "voxtune_version": __version__,
        "family": result.family,
        "task": result.task,
        "seconds": round(result.seconds, 2),
        "config": result.config.model_dump(mode="json"),
        "metrics": {
            key: {
                "label": BY_KEY[key].label,
                "unit": BY_KEY[key].unit,
                "better": BY_KEY[key].better,
                "needs_reference": BY_KEY[key].reference,
            }
            for key in result.keys
        },
        "aggregation": (
            "mean over items with a percentile-bootstrap interval; deltas are system - base over items "
            "both scored, paired bootstrap; wer/cer also give corpus_rate (total edits / total "
            "reference units). A generation failure counts as all deletions in wer/cer and as a "
            "failure (not a value) in every other metric."
        ),
        "systems": [vars(s) for s in result.systems],
        "judges": result.judges,
        "summary": nested(result.table),
        "deltas": nested(result.deltas),
        "confusion": confusion,
        "notes": result.notes,
        "items": [r.to_dict() for r in result.records],
    }


def samples_document(result: EvalResult) -> dict[str, Any]:
    """Every clip by item: what `voxtune listen` builds its blind trials from."""
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for record in result.records:
        if record.audio_path is None:
            continue
        entry = items.setdefault(
            (record.set, record.item),
            {
                "set": record.set,
                "item": record.item,
                "text": record.text,
                "language": record.language,
                "clips": {},
            },
        )
        entry["clips"][record.system] = record.audio_path
    return {
        "name": result.config.name,
        "base": BASE,
        "reference": REFERENCE,
        "systems": [s.name for s in result.systems],
        "items": list(items.values()),
    }


def write_outputs(result: EvalResult) -> None:
    from voxtune.reports.eval_report import write_eval_report

    result.run_dir.mkdir(parents=True, exist_ok=True)
    write_json(metrics_document(result), result.run_dir / METRICS_FILE)
    write_json(samples_document(result), result.run_dir / SAMPLES_FILE)
    write_eval_report(result)
