"""``casefile batch``: many cases to CSV or JSON Lines, with a summary table of outcomes.

The command reads case files, folders and JSON Lines files (see :mod:`casefile.batch`), reports each bad input
with its file and line and goes on with the rest, evaluates every case in every selected jurisdiction (in worker
processes when there are several cores), writes one row per case and jurisdiction, and prints a summary of the
outcomes with the notice to stderr. Exit code 2 if any input was bad, else 1 if the engine failed on any case,
else 0. Heavy imports stay inside the command so that ``casefile --help`` starts fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

BATCH_FORMATS = ("csv", "jsonl")
PROGRESS_THRESHOLD = 50  # show a progress bar (on a terminal) for batches larger than this


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
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or jsonl.")] = "csv",
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
        typer.Option("--redact", help="Accepted for symmetry: batch output never holds names or free text anyway."),
    ] = False,
) -> None:
    """Evaluate many cases (files, folders, JSON Lines) to CSV or JSON Lines, with a summary table on stderr."""
    from casefile import DISCLAIMER
    from casefile.assessment import parse_jurisdictions
    from casefile.batch import collect_inputs, evaluate_cases, render_summary, to_csv, to_jsonl
    from casefile.cli import parse_date, write_output
    from casefile.errors import InputError

    del redact  # rows carry outcomes, rule ids, dates and sources only
    if fmt not in BATCH_FORMATS:
        raise InputError.single(None, f"expected one of {', '.join(BATCH_FORMATS)}, got {fmt!r}", field="--format")
    if workers is not None and workers < 1:
        raise InputError.single(None, f"expected a number of at least 1, got {workers}", field="--workers")
    day = parse_date(as_of, "--as-of")
    codes = parse_jurisdictions(jurisdiction)
    if output is not None:
        force = _may_write(output, force)

    err = _stderr_console()
    cases, bad = collect_inputs(paths)
    for _source, message in bad:
        for line in message.splitlines():
            typer.echo(f"error: {line}", err=True)

    if sys.stderr.isatty() and len(cases) > PROGRESS_THRESHOLD:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(
            TextColumn("evaluating"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("evaluating", total=len(cases))
            result = evaluate_cases(
                cases, as_of=day, jurisdictions=codes, workers=workers, progress=lambda n: bar.advance(task, n)
            )
    else:
        result = evaluate_cases(cases, as_of=day, jurisdictions=codes, workers=workers)
    for source, message in result.failures:
        typer.echo(f"error: {source}: {message}", err=True)

    text = to_csv(result.rows) if fmt == "csv" else to_jsonl(result.rows)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_output(text, output, force)

    render_summary(result.rows, codes, err)
    failed = len(bad) + len(result.failures)
    summary = f"{_count(result.evaluated, 'case')} evaluated, {_count(failed, 'input')} failed"
    if result.failures:
        summary += f" ({_count(len(bad), 'bad input')}, {_count(len(result.failures), 'engine failure')})"
    err.print(summary)
    err.print(DISCLAIMER)
    if bad:
        raise typer.Exit(2)
    if result.failures:
        raise typer.Exit(1)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _may_write(output: Path, force: bool) -> bool:
    """Before any work: refuse an existing --output (or ask on a terminal), as ``write_output`` does after it."""
    from casefile.errors import InputError

    if output.exists() and not force:
        if output.is_dir():
            raise InputError.single(str(output), "is a folder; expected a file to write")
        if sys.stdin.isatty() and sys.stdout.isatty():
            if not typer.confirm(f"{output} exists. Overwrite it?", default=False):
                raise InputError.single(str(output), "exists; nothing was written")
            return True
        raise InputError.single(str(output), "already exists; nothing was written", hint="use --force to replace it")
    if output.is_dir():
        raise InputError.single(str(output), "is a folder; expected a file to write")
    if output.parent and not output.parent.exists():
        raise InputError.single(str(output), "cannot be written: its folder does not exist")
    return force


def _stderr_console() -> Console:
    from rich.console import Console

    tty = sys.stderr.isatty()
    colour = tty and "NO_COLOR" not in os.environ
    return Console(
        file=sys.stderr,
        width=None if tty else int(os.environ.get("COLUMNS", "100")),
        highlight=False,
        soft_wrap=False,
        force_terminal=colour,
        no_color=not colour,
    )
