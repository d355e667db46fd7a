"""``casefile whatif``: the assessment before and after changing some facts."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from casefile.commands.options import AsOfOpt, CaseArg, ForceOpt, FormatOpt, JurisOpt, OutputOpt, RedactOpt


def whatif(
    case: CaseArg,
    set_: Annotated[
        list[str],
        typer.Option(
            "--set",
            metavar="FACT=VALUE",
            help="e.g. military.draft_notice_received=true (=unknown removes it); repeat.",
        ),
    ],
    jurisdiction: JurisOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    redact: RedactOpt = False,
) -> None:
    """The assessment before and after changing some facts, with what changed and why.

    Example: casefile whatif andrei --set military.deserted=true
    """
    from casefile.cli import _format_doc, choose_format, load, parse_date, redacted, write_output
    from casefile.render.whatif import whatif_doc, whatif_json
    from casefile.rulebook import default_rulebook
    from casefile.whatif import what_if

    fmt = choose_format(fmt, output)
    w = what_if(load(case), set_, as_of=parse_date(as_of, "--as-of"), jurisdictions=jurisdiction, explain=fmt == "json")
    if redact:
        redacted(w.before)
        redacted(w.after)
    if fmt == "json":
        text = json.dumps(whatif_json(w), indent=2)
    else:
        text = _format_doc(whatif_doc(w, default_rulebook()), fmt, output)
    write_output(text, output, force)


def register(app: typer.Typer) -> None:
    app.command()(whatif)
