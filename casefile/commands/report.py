"""``casefile evaluate`` and ``casefile compare``: the full assessment, the handout, and the matrix of several
cases or dates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from casefile.commands.options import AsOfOpt, CaseArg, ForceOpt, FormatOpt, JurisOpt, OutputOpt, RedactOpt


def _report(
    kind: str,
    case: str,
    jurisdiction: list[str] | None,
    as_of: str | None,
    fmt: str | None,
    output: Path | None,
    force: bool,
    redact: bool,
    details: bool = False,
) -> None:
    """evaluate and compare: assess, optionally redact, render, print or write."""
    from casefile.assessment import assess
    from casefile.cli import choose_format, load, parse_date, redacted, render, resolve_case_path, write_output

    fmt = choose_format(fmt, output)
    if output is not None:  # before the work: a report that cannot be written is bad input
        from casefile.output import check_output

        force = check_output(output, force=force, inputs=[resolve_case_path(case)])
    c = load(case)
    result = assess(c, as_of=parse_date(as_of, "--as-of"), jurisdictions=jurisdiction)
    if redact:
        redacted(result)
    write_output(render(result, fmt, kind, c, details, plain=output is not None), output, force, checked=True)


def evaluate(
    case: CaseArg,
    jurisdiction: JurisOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    redact: RedactOpt = False,
) -> None:
    """The full assessment of a case in each jurisdiction: checklist, why, unknowns, facts the outcome depends on.

    Example: casefile evaluate andrei -j DE -j NL
    """
    _report("evaluate", case, jurisdiction, as_of, fmt, output, force, redact)


def compare(
    case: Annotated[
        list[str],
        typer.Argument(
            metavar="CASE", help="One case file or example name; several give one matrix of cases × jurisdictions."
        ),
    ],
    jurisdiction: JurisOpt = None,
    as_of: Annotated[
        list[str] | None,
        typer.Option(
            "--as-of", metavar="DATE", help="Assessment date YYYY-MM-DD; repeat to compare one case on several dates."
        ),
    ] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    force: ForceOpt = False,
    redact: RedactOpt = False,
    details: Annotated[
        bool, typer.Option("--details", help="Add an appendix for trainers: rules, matched facts, all sources.")
    ] = False,
) -> None:
    """The handout: the facts, one table across the jurisdictions, what makes the difference, a card for each.

    Example: casefile compare andrei -o andrei.html   (several cases: casefile compare andrei reservist-not-called-up;
    one case on two dates: casefile compare andrei --as-of 2023-01-01 --as-of 2025-07-29)
    """
    from casefile.cli import choose_format, load, parse_date, redacted

    dates = as_of or []
    if len(case) == 1 and len(dates) <= 1:
        _report("compare", case[0], jurisdiction, dates[0] if dates else None, fmt, output, force, redact, details)
        return
    from casefile.assessment import assess

    fmt = choose_format(fmt, output)
    results = []
    for raw in case:
        c = load(raw)
        for when in dates or [None]:
            result = assess(c, as_of=parse_date(when, "--as-of"), jurisdictions=jurisdiction, explain=False)
            results.append(redacted(result) if redact else result)
    _write_matrix(results, fmt, output, force, "Side by side")


def _write_matrix(results, fmt: str, output: Path | None, force: bool, title: str, by_id: bool = False) -> None:
    from casefile.cli import _format_doc, write_output
    from casefile.render.matrix import matrix_doc, matrix_json
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    if fmt == "json":
        text = json.dumps(matrix_json(results, book), indent=2)
    else:
        text = _format_doc(matrix_doc(results, book, title, by_id), fmt, output)
    write_output(text, output, force)


def register(app: typer.Typer) -> None:
    app.command()(evaluate)
    app.command()(compare)
