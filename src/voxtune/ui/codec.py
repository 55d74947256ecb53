"""The summary table `voxtune evaluate codec` prints."""

from __future__ import annotations

from rich.table import Table

from voxtune.evaluate.codec.check import CodecCheckResult


def codec_table(result: CodecCheckResult) -> Table:
    table = Table(title=f"codec check: {result.codec}", title_justify="left")
    for column in ("language", "items", "LSD dB", "F0 corr", "V/UV kept", "dips kept", "CER orig→dec"):
        table.add_column(column, justify="left" if column == "language" else "right")
    table.add_column("flags", overflow="fold")
    for language, v in result.languages.items():
        cer = (
            "—"
            if v.cer_original is None or v.cer_decoded is None
            else f"{v.cer_original:.1%}→{v.cer_decoded:.1%}"
        )
        table.add_row(
            language,
            str(v.items),
            "—" if v.lsd_db.mean is None else f"{v.lsd_db.mean:.2f}",
            "—" if v.f0_correlation.mean is None else f"{v.f0_correlation.mean:.2f}",
            "—" if v.vuv_agreement.mean is None else f"{v.vuv_agreement.mean:.0%}",
            "—" if v.dip_preservation is None else f"{v.dip_preservation:.0%} ({v.dip_spans})",
            cer,
            "[red]" + "\n".join(v.flags) + "[/]" if v.flags else "[green]kept[/]",
        )
    return table
