"""report.html for a codec check: per-language verdicts, what each measure means, and examples to hear."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np

from voxtune.evaluate.codec.measures import MIN_DIP_DB, align_decoded, energy_contour
from voxtune.reports.eval_plots import energy_figure, mel_figure
from voxtune.reports.html import HtmlReport, Raw, audio_player

if TYPE_CHECKING:
    from pathlib import Path

    from voxtune.evaluate.codec.check import CodecCheckResult


def _number(value: float | None, digits: int = 2, percent: bool = False) -> str:
    if value is None or not np.isfinite(value):
        return "—"
    return f"{value:.0%}" if percent else f"{value:.{digits}f}"


def write_codec_report(result: CodecCheckResult) -> Path:
    bitrate = "" if result.bitrate_bps is None else f" · {result.bitrate_bps / 1000:.2f} kbps"
    report = HtmlReport(
        f"Codec check: {result.codec}",
        f"{result.sample_rate} Hz{bitrate} · {len(result.items)} items · {result.seconds:.0f} s",
    )
    report.heading("Verdict per language")
    rows = []
    for language, verdict in result.languages.items():
        flags = (
            Raw("<br>".join(f"<span style='color:#cf222e'>{html.escape(f)}</span>" for f in verdict.flags))
            if verdict.flags
            else Raw("<span style='color:#1a7f37'>kept</span>")
        )
        rows.append(
            [
                language,
                verdict.items,
                _number(verdict.lsd_db.mean),
                _number(verdict.f0_correlation.mean),
                _number(verdict.vuv_agreement.mean, percent=True),
                f"{_number(verdict.dip_preservation, percent=True)} ({verdict.dip_spans} spans)",
                _number(verdict.cer_original, percent=True),
                _number(verdict.cer_decoded, percent=True),
                flags,
            ]
        )
    report.table(
        [
            "language",
            "items",
            "LSD (dB)",
            "F0 corr",
            "V/UV kept",
            "energy dips kept",
            "CER original",
            "CER decoded",
            "flags",
        ],
        rows,
    )
    t = result.thresholds
    report.paragraph(
        f"Flags: LSD > {t.lsd_db:g} dB, F0 correlation < {t.f0_correlation:g}, V/UV agreement < "
        f"{t.vuv_agreement:.0%}, median energy-dip preservation < {t.dip_preservation:.0%}, decoded CER "
        f"more than {t.cer_ratio:g}x the original's and {t.cer_increase:.0%} higher. These are starting "
        "points, not calibrated values.",
        "note",
    )
    report.paragraph(
        "Energy dips (stød proxy): in each marked word (a glottal mark ʔ/ˀ in its phonemes, or listed with "
        "--mark) the depth of the deepest valley of the 5 ms / 20 ms energy contour, i.e. how far the level "
        "falls and comes back inside the word, measured in the original and the decoded audio; 'kept' is "
        f"the median of decoded/original over words whose original dip is at least {MIN_DIP_DB:g} dB. Any "
        "dip counts (a stop closure too), which is why only the ratio is read. The codec's delay is removed "
        "by cross-correlation before every comparison.",
        "note",
    )
    if result.judges:
        report.table(["ASR judge", "status"], sorted(result.judges.items()))
    failures = [(r.id, f.code, f.reason) for r in result.items for f in r.failures]
    if failures:
        report.heading("Items that could not be measured")
        report.table(["item", "reason", "detail"], failures)
    _examples(report, result)
    return report.write(result.report_path)


def _examples(report: HtmlReport, result: CodecCheckResult) -> None:
    if not result.examples:
        return
    report.heading("Examples")
    rate = result.sample_rate
    by_id = {r.id: r for r in result.items}
    for item_id in result.examples:
        item = result.inputs[item_id]
        measured = by_id[item_id]
        decoded = measured.decoded
        if decoded is None:
            continue
        report.table(
            ["item", "language", "text", "original", "decoded", "LSD (dB)", "F0 corr", "delay (ms)"],
            [
                [
                    item_id,
                    item.language or "",
                    item.text or "",
                    audio_player(item.samples, rate),
                    audio_player(decoded, rate),
                    _number(measured.lsd_db),
                    _number(measured.f0_correlation),
                    _number(measured.lag_ms, 1),
                ]
            ],
        )
        original, aligned, lag = align_decoded(item.samples, decoded, rate)
        figures = [mel_figure([("original", original, rate), ("decoded", aligned, rate)], item_id)]
        if item.spans:
            shift = max(0, -lag) / rate
            contours = [
                (label, *energy_contour(x, rate))
                for label, x in (("original", original), ("decoded", aligned))
            ]
            spans = [(w, s - shift, e - shift) for w, s, e in item.spans]
            figures.append(energy_figure(contours, spans, f"{item_id}: energy around marked words"))
        report.raw("<div class='grid'>")
        for figure in figures:
            report.figure(figure)
        report.raw("</div>")
