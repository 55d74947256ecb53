"""What `voxtune merge` prints: the files written per format."""

from __future__ import annotations

from rich.table import Table

from voxtune.merge.result import MergeResult


def merge_table(result: MergeResult) -> Table:
    table = Table(title=f"merge · {result.family} · {result.base}", title_justify="left")
    table.add_column("format")
    table.add_column("folder", overflow="fold")
    table.add_column("files", overflow="fold")
    table.add_column("size", justify="right")
    for name, paths in result.outputs.items():
        folder = paths[0].parent if paths else ""
        size = sum(p.stat().st_size for p in paths if p.is_file())
        table.add_row(name, str(folder), ", ".join(p.name for p in paths), f"{size / 1e6:.1f} MB")
    return table
