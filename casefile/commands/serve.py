"""``casefile serve``: the browser workshop. Its web libraries are imported only when the command runs, so the
rest of the command line never pays for them (they come with ``pip install 'casefile[web]'``; ``./run casefile
serve`` installs them itself)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def serve(
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.")] = 8000,
    lan: Annotated[
        bool, typer.Option("--lan", help="Listen on the local network and print the join address and a QR code.")
    ] = False,
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on (default 127.0.0.1).")] = None,
    db: Annotated[
        Path, typer.Option("--db", help="SQLite file for workshop sessions (default: ./casefile-sessions.sqlite3).")
    ] = Path("casefile-sessions.sqlite3"),
    lang: Annotated[
        str, typer.Option("--lang", help="Interface language (a catalogue in casefile/web/locale).")
    ] = "en",
    hours: Annotated[float, typer.Option("--hours", help="Hours before a workshop session expires.")] = 12.0,
) -> None:
    """A local web workshop: explore a case in the browser, and run a room of volunteers predicting outcomes."""
    from casefile.cli import long_running
    from casefile.errors import InputError

    long_running()  # the garbage collector back on: this command may run for a long time

    try:
        import segno  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise InputError.single(
            None,
            "the web workshop needs the web extra",
            field="serve",
            hint="pip install 'casefile[web]', or run ./run casefile serve",
        ) from None
    if not 0 < port < 65536:
        raise InputError.single(None, f"expected a port from 1 to 65535, got {port}", field="--port")
    if hours <= 0:
        raise InputError.single(None, f"expected a positive number of hours, got {hours}", field="--hours")
    from casefile.web.i18n import available_languages

    if lang not in available_languages():
        raise InputError.single(
            None, f"no catalogue for {lang!r}; available: {', '.join(available_languages())}", field="--lang"
        )
    if db.exists() and db.is_dir():
        raise InputError.single(str(db), "is a folder; --db names the SQLite file", field="--db")
    from casefile.web.serve import serve as run

    run(host, port, lan, db, lang, hours)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
