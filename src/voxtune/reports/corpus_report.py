"""report.html for a prepared corpus: what it holds, how clean it is, what was rejected and why."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import soundfile as sf

from voxtune.corpus import fields
from voxtune.corpus.folder import REPORT_FILE, SUMMARY_FILE, Corpus
from voxtune.corpus.ledger import Rejection
from voxtune.corpus.manifest import read_json
from voxtune.corpus.stats import CorpusStats
from voxtune.reports.html import HtmlReport, Raw, audio_player
from voxtune.ui.console import hours

QUALITY_PLOTS = {
    "snr_wada_db": "WADA-SNR (dB)",
    "snr_vad_db": "VAD-based SNR (dB)",
    "dnsmos_ovrl": "DNSMOS P.835 overall",
    "bandwidth_hz": "effective bandwidth (Hz)",
}


def write_corpus_report(folder: str | Path, samples: int = 12, seed: int = 0) -> Path:
    """Build ``report.html`` inside the corpus folder and return its path."""
    corpus = Corpus.open(folder)
    stats = CorpusStats()
    quality: dict[str, list[float]] = defaultdict(list)
    pool: list[Any] = []
    rng = random.Random(seed)
    for index, cut in enumerate(corpus.cuts()):
        stats.add(cut)
        for key, value in ((cut.custom or {}).get(fields.QUALITY) or {}).items():
            if isinstance(value, (int, float)) and np.isfinite(value):
                quality[key].append(float(value))
        if len(pool) < samples:  # reservoir sample: every cut equally likely, one pass
            pool.append(cut)
        elif (slot := rng.randint(0, index)) < samples:
            pool[slot] = cut
    rejections = list(corpus.rejections())

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    report = HtmlReport(
        f"Corpus report: {corpus.root.name}",
        f"{corpus.root} · {stats.cuts} items · {hours(stats.seconds)} · {len(rejections)} rejected · {stamp}",
    )
    _stage_section(report, corpus.root)
    _composition_section(report, stats)
    _quality_section(report, quality)
    _rejection_section(report, rejections)
    _samples_section(report, sorted(pool, key=lambda cut: cut.id))
    return report.write(corpus.root / REPORT_FILE)


def _stage_section(report: HtmlReport, root: Path) -> None:
    summary_path = root / SUMMARY_FILE
    if not summary_path.is_file():
        return
    report.heading("Stages")
    rows = []
    for stage in read_json(summary_path)["stages"]:
        rows.append(
            [
                f"{stage['index']:02d} {stage['name']}",
                stage["status"],
                stage["items_in"],
                stage["items_out"],
                stage["rejected"],
                hours(stage["seconds_in"]),
                hours(stage["seconds_out"]),
            ]
        )
    report.table(["stage", "status", "in", "out", "rejected", "audio in", "audio out"], rows)


def _composition_section(report: HtmlReport, stats: CorpusStats) -> None:
    report.heading("What the corpus holds")
    for label, counter in (
        ("language", stats.language_seconds),
        ("split", stats.split_seconds),
        ("speaker", stats.speaker_seconds),
    ):
        if not counter:
            continue
        ranked = counter.most_common(30)
        report.table(
            [label, "audio", "share"],
            [[name, hours(sec), f"{sec / stats.seconds:.1%}"] for name, sec in ranked],
        )
        if len(counter) > 30:
            report.paragraph(f"… and {len(counter) - 30} more {label}s", "note")
    if stats.durations:
        figure, axis = plt.subplots(figsize=(7, 2.6))
        axis.hist(stats.durations, bins=30, color="#4a7dbd")
        axis.set_xlabel("item duration (s)")
        axis.set_ylabel("items")
        report.figure(figure, "Item durations")


def _quality_section(report: HtmlReport, quality: dict[str, list[float]]) -> None:
    plotted = [(key, label) for key, label in QUALITY_PLOTS.items() if quality.get(key)]
    if not plotted:
        return
    report.heading("Quality of what was kept")
    report.table(
        ["measure", "items", "median", "10th pct", "90th pct"],
        [
            [label, len(quality[key]), *np.percentile(quality[key], [50, 10, 90]).round(2).tolist()]
            for key, label in plotted
        ],
    )
    figure, axes = plt.subplots(1, len(plotted), figsize=(3.4 * len(plotted), 2.6), squeeze=False)
    for axis, (key, label) in zip(axes[0], plotted, strict=True):
        axis.hist(quality[key], bins=25, color="#5b9a68")
        axis.set_xlabel(label)
    report.figure(figure, "Distributions over kept items")


def _rejection_section(report: HtmlReport, rejections: list[Rejection]) -> None:
    report.heading("Rejected items")
    if not rejections:
        report.paragraph("Nothing was rejected.")
        return
    counts = Counter((r.stage, r.code) for r in rejections)
    examples: dict[tuple[str, str], list[Rejection]] = defaultdict(list)
    for rejection in rejections:
        bucket = examples[(rejection.stage, rejection.code)]
        if len(bucket) < 3:
            bucket.append(rejection)
    rows = []
    for (stage, code), count in counts.most_common():
        first = examples[(stage, code)][0]
        rows.append(
            [
                stage,
                code,
                count,
                "; ".join(r.id for r in examples[(stage, code)]),
                first.reason,
                _source_player(first.source),
            ]
        )
    report.table(["stage", "reason", "count", "examples", "first example's reason", "listen"], rows)
    report.paragraph("Every rejected item is listed in rejected.jsonl with its source file.", "note")


def _source_player(source: str | None) -> Raw | str:
    if not source or not Path(source).is_file():
        return ""
    try:
        samples, rate = sf.read(
            source, dtype="float32", frames=int(sf.info(source).samplerate * 10), always_2d=True
        )
    except (sf.LibsndfileError, RuntimeError):
        return "(unreadable)"
    if not np.isfinite(samples).all():
        return "(holds NaN/Inf)"
    return audio_player(samples.mean(axis=1), rate)


def _samples_section(report: HtmlReport, cuts: list[Any]) -> None:
    if not cuts:
        return
    report.heading(f"{len(cuts)} random items")
    rows = []
    for cut in cuts:
        sup = cut.supervisions[0] if cut.supervisions else None
        quality = (cut.custom or {}).get(fields.QUALITY) or {}
        snr = quality.get("snr_wada_db")
        audio = cut.load_audio()
        rows.append(
            [
                cut.id,
                getattr(sup, "speaker", None) or "",
                getattr(sup, "language", None) or "",
                round(cut.duration, 2),
                "" if snr is None else round(float(snr), 1),
                getattr(sup, "text", None) or "",
                audio_player(audio if audio.shape[0] > 1 else audio[0], cut.sampling_rate),
            ]
        )
    report.table(["id", "speaker", "language", "seconds", "SNR dB", "text", "listen"], rows)
