"""`voxtune listen REPORT_DIR`: a blind MOS and A/B listening test over an evaluation's samples."""

from __future__ import annotations

from pathlib import Path

import typer

from voxtune.cli.app import app


@app.command()
def listen(
    report: Path = typer.Argument(
        ..., help="An evaluation folder (eval/NAME) written by `voxtune evaluate`."
    ),
    port: int = typer.Option(0, help="Port on 127.0.0.1 (0: a free one)."),
    mos: int | None = typer.Option(None, help="MOS trials per listener (default: every clip)."),
    ab: int | None = typer.Option(None, help="A/B trials per listener (default: every base/adapter pair)."),
    summary: bool = typer.Option(False, "--summary", help="Print the results so far and exit."),
) -> None:
    """Serve the listening page locally (ratings go to REPORT/listening.sqlite), or summarise them."""
    from voxtune.listen import (
        ListeningDesign,
        bind_free_port,
        create_app,
        open_test,
        serve,
        summarise_ratings,
    )
    from voxtune.ui.console import console
    from voxtune.ui.listening import listening_tables

    pool, store = open_test(report)
    if summary:
        for table in listening_tables(summarise_ratings(store.ratings(), base=pool.base)):
            console.print(table)
        return
    app_ = create_app(pool, store, ListeningDesign(mos=mos, ab=ab))
    sock = bind_free_port(port)
    host, bound = sock.getsockname()[:2]
    console.print(
        f"listening test for [bold]{pool.name}[/]: open http://{host}:{bound}/ (Ctrl+C to stop)\n"
        f"ratings: {store.path}"
    )
    serve(app_, sock)
