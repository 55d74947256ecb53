"""Tables for `voxtune adapters` and `voxtune serve` (light: no torch import for listing adapters)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.table import Table

from voxtune.adapters.registry import AdapterInfo, AdapterRegistry

if TYPE_CHECKING:
    from voxtune.serve.service import Service


def _metric(info: AdapterInfo) -> str:
    validation = info.metrics.get("validation") or {}
    value = validation.get("loss") if isinstance(validation, dict) else None
    return f"{value:.3f}" if isinstance(value, (int, float)) else ""


def adapters_table(registry: AdapterRegistry) -> Table:
    """Every adapter found: name, family, base and its pin, stage, languages, speakers, metric, date."""
    table = Table(title=f"adapters: {len(registry)}", title_justify="left")
    for column in ("name", "family", "base", "stage", "languages", "speakers", "val loss", "created"):
        table.add_column(column, overflow="fold", justify="right" if column == "val loss" else "left")
    for info in registry:
        pin = info.base.revision or info.base.content_hash or "unpinned"
        table.add_row(
            info.name,
            info.family,
            f"{info.base.reference} [dim]({pin})[/]",
            info.stage or "",
            ", ".join(info.languages),
            ", ".join(sorted(info.speakers)),
            _metric(info),
            (info.created or "")[:10],
        )
    return table


def problems_table(registry: AdapterRegistry) -> Table | None:
    if not registry.problems:
        return None
    table = Table(title="not usable", title_justify="left")
    table.add_column("folder", overflow="fold")
    table.add_column("why", overflow="fold")
    for problem in registry.problems:
        table.add_row(str(problem.path), problem.reason)
    return table


def adapter_detail(info: AdapterInfo) -> Table:
    """One adapter's metadata, field by field."""
    table = Table(title=f"adapter {info.name}", title_justify="left", show_header=False)
    table.add_column("", style="bold")
    table.add_column("", overflow="fold")
    rows: list[tuple[str, Any]] = [
        ("folder", info.path),
        ("family", info.family),
        ("base model", info.base.describe()),
        ("run / stage", f"{info.run or '?'} / {info.stage or '?'}"),
        ("languages", ", ".join(info.languages) or "—"),
        ("speakers", ", ".join(f"{k} ({v})" for k, v in sorted(info.speakers.items())) or "—"),
        ("emotions", ", ".join(info.emotions) or "—"),
        ("LoRA", _compact(info.lora)),
        ("weights", f"{info.weight_bytes / 2**20:.2f} MiB (safetensors)"),
        ("training", _compact(info.training)),
        ("metrics", _compact(info.metrics)),
        ("family settings", _compact(info.family_settings)),
        ("created", info.created or "—"),
    ]
    for key, value in rows:
        table.add_row(key, str(value))
    return table


def _compact(value: Any) -> str:
    if not value:
        return "—"
    return json.dumps(value, sort_keys=True, default=str)


def serve_table(service: Service, url: str) -> Table:
    """What a starting server offers: each model id, its task, languages and voices."""
    table = Table(title=f"voxtune serve · {url}", title_justify="left")
    for column in ("model id", "task", "languages", "voices"):
        table.add_column(column, overflow="fold")
    for row in service.catalog.describe():
        routes = row.get("language_routes") or {}
        languages = (
            ", ".join(f"{k}→{v}" for k, v in routes.items()) if routes else ", ".join(row["languages"])
        )
        table.add_row(row["id"], row["task"], languages or "any", ", ".join(row["voices"]))
    return table


def serve_notes(service: Service) -> list[str]:
    """Adapters left out and routing ambiguities, one line each."""
    lines = []
    for model in service.catalog.models.values():
        lines += [f"{model.name}: adapter {name} left out: {why}" for name, why in model.left_out]
        lines += [f"{model.name}: {note}" for note in model.notes]
    return lines
