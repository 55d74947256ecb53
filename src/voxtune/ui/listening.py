"""Tables `voxtune listen --summary` prints: MOS per system and A/B preferences."""

from __future__ import annotations

from rich.table import Table

from voxtune.listen.summary import ListeningSummary


def listening_tables(summary: ListeningSummary) -> list[Table]:
    mos = Table(title=f"MOS · {summary.listeners} listeners, {summary.ratings} answers", title_justify="left")
    for column in ("system", "ratings", "MOS", "95% interval"):
        mos.add_column(column, justify="left" if column == "system" else "right")
    for system, s in summary.mos.items():
        interval = "—" if s.low is None else f"[{s.low:.2f}, {s.high:.2f}]"
        mos.add_row(system, str(s.n), "—" if s.mean is None else f"{s.mean:.2f}", interval)
    ab = Table(title="A/B preference (share of decided trials won)", title_justify="left")
    for column in ("system", "against", "wins", "losses", "no pref.", "share", "95% interval"):
        ab.add_column(column, justify="left" if column in ("system", "against") else "right")
    for p in summary.preferences:
        ab.add_row(
            p.system,
            p.other,
            str(p.wins),
            str(p.losses),
            str(p.ties),
            "—" if p.share is None else f"{p.share:.0%}",
            "—" if p.low is None else f"[{p.low:.0%}, {p.high:.0%}]",
        )
    return [mos, ab]
