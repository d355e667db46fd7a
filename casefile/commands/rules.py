"""``casefile rules list | show | check``: the rulebook for the people who keep it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from casefile.commands.options import JurisOpt
from casefile.errors import InputError


def rules_list(
    jurisdiction: JurisOpt = None,
) -> None:
    """List the rules: id, file:line, what each concludes and its title.

    Example: casefile rules list -j DE
    """
    from casefile.assessment import parse_jurisdictions
    from casefile.cli import _console
    from casefile.render.rules import render_rule_list
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    render_rule_list(book, parse_jurisdictions(jurisdiction) if jurisdiction else None, _console())


def rules_show(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="A rule id, e.g. de.practice.low_profile_dissident")],
) -> None:
    """Show one rule in full, with its sources.

    Example: casefile rules show de.practice.default
    """
    from casefile.cli import _console
    from casefile.render.rules import render_rule
    from casefile.rulebook import default_rulebook

    render_rule(default_rulebook(), rule_id, _console())


def rules_check(
    rules_dir: Annotated[
        Path | None, typer.Option("--rules", metavar="FOLDER", help="A rules folder (default: the shipped one).")
    ] = None,
    seeds_dir: Annotated[
        Path | None, typer.Option("--seeds", metavar="FOLDER", help="A sources folder (default: the shipped one).")
    ] = None,
) -> None:
    """Check the rules: citations, facts, conflicts without precedence, rules that never fire, dates. Exit 1 if
    anything is found.

    Example: casefile rules check --rules my-rules/
    """
    from casefile.check import check_rules
    from casefile.rulebook import data_dir

    root = data_dir()
    for option, folder in (("--rules", rules_dir), ("--seeds", seeds_dir)):
        if folder is not None and not folder.is_dir():
            raise InputError.single(str(folder), "no such folder", field=option)
    report = check_rules(rules_dir or root / "rules", seeds_dir or root / "seeds")
    for f in report.findings:
        typer.echo(str(f))
    if report.ok:
        typer.echo(f"ok: {report.rules} rules checked; no conflicts, no unreachable rules, every citation resolves.")
        return
    typer.echo(f"{len(report.findings)} problem(s) found.", err=True)
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    from casefile.cli import rules_app

    rules_app.command("list")(rules_list)
    rules_app.command("show")(rules_show)
    rules_app.command("check")(rules_check)
