"""The shared rich console, so every command prints the same way (and tests can capture it)."""

from __future__ import annotations

from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def hours(seconds: float | None) -> str:
    """Seconds as a short duration: ``42.0 s``, ``12.3 min`` or ``4.56 h``."""
    if seconds is None:
        return "—"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.2f} h"
