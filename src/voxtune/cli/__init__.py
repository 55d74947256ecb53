"""The `voxtune` command line: thin commands that parse, call one library function, print a summary.

Each command group lives in its own module and registers itself on ``app``. Errors a user can act on
print as one line (what, which file, what to do); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import sys

import typer

from voxtune import __version__
from voxtune.cli.app import app
from voxtune.errors import VoxtuneError

from . import (  # noqa: F401  (register commands)
    adapters,
    corpus,
    data,
    demo,
    evaluate,
    evaluate_pause,
    interop,
    listen,
    merge,
    prepare,
    serve,
    train,
)


def main() -> None:
    """Entry point of the ``voxtune`` script."""
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    try:
        app()
    except VoxtuneError as exc:
        if debug:
            raise
        from voxtune.ui.console import err_console

        err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        from voxtune.ui.console import err_console

        err_console.print("[yellow]interrupted[/]: run the same command again to resume where it stopped")
        sys.exit(130)


__all__ = ["__version__", "app", "main", "typer"]
