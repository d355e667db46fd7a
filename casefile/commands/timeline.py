"""``casefile timeline``: how each outcome changes across the dates that matter to a case."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from casefile.commands.options import CaseArg, ForceOpt, FormatOpt, JurisOpt, OutputOpt


def timeline(
    case: CaseArg,
    jurisdiction: JurisOpt = None,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="First date YYYY-MM-DD (default: where the case's story starts)."),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Last date YYYY-MM-DD (default: the rulebook's date).")
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    redact: Annotated[
        bool, typer.Option("--redact", help="Accepted for symmetry: the timeline shows the case id, never the name.")
    ] = False,
) -> None:
    """How each jurisdiction's outcome changes across the dates that matter to this case, and why.

    Example: casefile timeline mobilised-deserter -j DE -j NL
    """
    from casefile.cli import _format_doc, choose_format, load, parse_date, write_output
    from casefile.render.timeline import timeline_doc, timeline_json
    from casefile.rulebook import default_rulebook
    from casefile.timeline import timeline as build

    fmt = choose_format(fmt, output)
    del redact  # the timeline carries the case id and dates, never the name
    c = load(case)
    t = build(c, start=parse_date(start, "--from"), end=parse_date(end, "--to"), jurisdictions=jurisdiction)
    book = default_rulebook()
    if fmt == "json":
        text = json.dumps(timeline_json(t, book), indent=2)
    else:
        text = _format_doc(timeline_doc(t, book), fmt, output)
    write_output(text, output, force)


def register(app: typer.Typer) -> None:
    app.command()(timeline)
