"""``casefile examples``, ``sources`` and ``schema``: what ships with casefile."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from casefile import DISCLAIMER
from casefile.commands.options import ForceOpt, FormatOpt, JurisOpt, OutputOpt


def schema() -> None:
    """Print the JSON Schema of a case file.

    Example: casefile schema > case.schema.json
    """
    from casefile.case import CaseFile

    typer.echo(json.dumps(CaseFile.model_json_schema(), indent=2))


def examples(
    matrix: Annotated[
        bool, typer.Option("--matrix", help="Every training case side by side: one matrix of cases × jurisdictions.")
    ] = False,
    jurisdiction: JurisOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
) -> None:
    """List the shipped example cases, with what each teaches and the command to run it.

    Example: casefile examples --matrix -o training-cases.html
    """
    from casefile.cli import _console, choose_format
    from casefile.examples import list_examples

    if matrix:
        from casefile.assessment import assess
        from casefile.case import load_case

        fmt = choose_format(fmt, output)
        results = [assess(load_case(ex.path), jurisdictions=jurisdiction, explain=False) for ex in list_examples()]
        from casefile.commands.report import _write_matrix

        _write_matrix(results, fmt, output, force, "The training cases side by side", by_id=True)
        return
    from rich.table import Table
    from rich.text import Text

    console = _console()
    for ex in list_examples():
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column()
        head = Text(ex.name, style="bold")
        console.print(head)
        table.add_row(" run:", Text(f"casefile compare {ex.path.stem}", style="cyan"))
        if ex.teaches:
            table.add_row(" teaches:", ex.teaches)
        if ex.contrast:
            table.add_row(" contrast:", ex.contrast)
        console.print(table)
        console.print()
    console.print(f"All of them side by side: casefile examples --matrix   ·   {DISCLAIMER}")


def sources(
    ref: Annotated[
        str | None, typer.Argument(metavar="ID", help="A seed id (000), a citation (seed:000#andrei, legal:G6).")
    ] = None,
) -> None:
    """List the sources, or show one with its passages and the rules that cite each.

    Example: casefile sources legal:G6
    """
    from casefile.cli import _console
    from casefile.render.sources import render_source, render_sources
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    console = _console()
    if ref is None:
        render_sources(book, console)
    else:
        render_source(book, ref, console)


def register(app: typer.Typer) -> None:
    app.command()(schema)
    app.command()(examples)
    app.command()(sources)
