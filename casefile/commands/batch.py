"""``casefile batch``: many cases to CSV or JSON Lines, streamed, with a summary table of outcomes.

The command reads case files, folders and JSON Lines files (see :mod:`casefile.batch`) and streams them: each case
is read, evaluated (in worker processes when there are several cores) and written, one row per jurisdiction, before
the rows of later cases are held anywhere, so memory does not grow with the batch. Each bad input is reported with
its file and line and the rest go on. The summary of outcomes is counted on the way and printed with the notice to
stderr. ``--output`` is checked before any work and written through a hidden temporary file beside it, renamed
only when the batch is complete: an interrupted batch (Ctrl-C, SIGTERM) leaves no file under that name. Exit code
2 if any input was bad, else 1 if the engine failed on any case, else 0; 130 on Ctrl-C, 143 on SIGTERM. Heavy
imports stay inside the command so that ``casefile --help`` starts fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)


def batch(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Case files (YAML or JSON), folders (searched recursively for *.yaml, *.yml, *.json, *.jsonl) "
            "or JSON Lines files (*.jsonl, one case per line).",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="csv or jsonl (default: from the --output name, else csv)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of printing.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD for every case (default: each case's).")
    ] = None,
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option("--jurisdiction", "-j", help="Jurisdiction code (DE NL EE LV LT PL FI) or 'baltics'; repeat."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", help="Worker processes (default: one per CPU, at most one per case; 1 = no workers)."
        ),
    ] = None,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Replace each row's source (a file path often carries the person's name) by case-N, the input's "
            "number. Rows never hold names or free text anyway.",
        ),
    ] = False,
) -> None:
    """Evaluate many cases (files, folders, JSON Lines) to CSV or JSON Lines, with a summary table on stderr."""
    import signal
    from collections import Counter

    from casefile import DISCLAIMER
    from casefile.assessment import parse_jurisdictions
    from casefile.batch import FORMATS, PartialFile, csv_header, iter_inputs, render_summary, stream
    from casefile.cli import EXTENSIONS, choose_format, long_running, parse_date
    from casefile.errors import InputError

    long_running()  # the garbage collector back on: this command may run for a long time

    named = output is not None and output.suffix.lower() in EXTENSIONS  # the name says a format: it must fit
    fmt = choose_format(fmt, output, allowed=FORMATS) if named or fmt is not None else "csv"
    if fmt not in FORMATS:
        raise InputError.single(None, f"expected one of {', '.join(FORMATS)}, got {fmt!r}", field="--format")
    if workers is not None and workers < 1:
        raise InputError.single(None, f"expected a number of at least 1, got {workers}", field="--workers")
    day = parse_date(as_of, "--as-of")
    codes = parse_jurisdictions(jurisdiction)
    # the output is checked, and its temporary file created, before any case is read
    sink = PartialFile(output, force=_may_write(output, force, list(paths))) if output is not None else None
    write = sink.write if sink is not None else sys.stdout.write

    err = _stderr_console()
    counts: dict[str, Counter[str]] = {code: Counter() for code in codes}
    evaluated = bad = failed = 0
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread (a host application): SIGTERM stays the host's business
        previous = None
    bar = _progress(err)
    try:
        if fmt == "csv":
            write(csv_header())
        task = bar.add_task("evaluating", total=None) if bar is not None else None
        for done in stream(
            iter_inputs(paths),
            as_of=day,
            codes=codes,
            workers=(os.cpu_count() or 1) if workers is None else workers,
            fmt=fmt,
            redact=redact,
        ):
            if done.failure is not None:
                if done.bad_input:
                    bad += 1
                else:
                    failed += 1
                for line in done.failure.splitlines():
                    (bar.console.print if bar is not None else _echo_err)(f"error: {line}")
            else:
                evaluated += 1
                write(done.output)
                for code, outcome in done.outcomes:
                    counts[code][outcome] += 1
            if bar is not None and task is not None:
                bar.advance(task)
        if bar is not None:
            bar.stop()
        if sink is not None:
            sink.commit()
            typer.echo(f"wrote {output}", err=True)
        else:
            sys.stdout.flush()
    except BaseException as exc:
        if bar is not None:
            bar.stop()
        if sink is not None:
            sink.discard()
        if isinstance(exc, KeyboardInterrupt | _Terminated):
            done_so_far = f"{_count(evaluated, 'case')} evaluated before it stopped"
            where = f"nothing was written to {output}" if output is not None else "the output above is incomplete"
            typer.echo(f"batch interrupted: {done_so_far}; {where}", err=True)
            if isinstance(exc, _Terminated):
                raise typer.Exit(128 + signal.SIGTERM) from None
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)

    render_summary(counts, codes, err)
    summary = f"{_count(evaluated, 'case')} evaluated, {_count(bad + failed, 'input')} failed"
    if failed:
        summary += f" ({_count(bad, 'bad input')}, {_count(failed, 'engine failure')})"
    err.print(summary)
    err.print(DISCLAIMER)
    if bad:
        raise typer.Exit(2)
    if failed:
        raise typer.Exit(1)


class _Terminated(BaseException):
    """SIGTERM arrived: stop the batch as Ctrl-C would (the output file is discarded), exit 143."""


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated


def _echo_err(line: str) -> None:
    typer.echo(line, err=True)


def _progress(err: Console):  # type: ignore[no-untyped-def]
    """A live count of evaluated cases on a terminal (the total is not known while streaming); None elsewhere."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(
        SpinnerColumn(), TextColumn("{task.completed:,} inputs"), TimeElapsedColumn(), console=err, transient=True
    )
    bar.start()
    return bar


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _may_write(output: Path, force: bool, inputs: list[str]) -> bool:
    """Before any work: may an existing --output be replaced? The shared output checks (a folder, a system path,
    a symlink, a missing or read-only folder, an input file) apply as for every report; asks on a terminal."""
    from casefile.output import check_output

    return check_output(output, force=force, inputs=[Path(p) for p in inputs])


def _stderr_console() -> Console:
    from rich.console import Console

    from casefile.cli import _colour, _width

    tty = sys.stderr.isatty()
    colour = tty and _colour()
    return Console(
        file=sys.stderr,
        width=None if tty else _width(),
        highlight=False,
        soft_wrap=False,
        force_terminal=colour,
        no_color=not colour,
    )
