"""``casefile doctor``: which engine runs, which versions, which rulebook, and whether it checks out.

The first thing to run when something looks wrong, or before a training session on a new laptop.
"""

from __future__ import annotations

import datetime as dt
import platform
import sys

import typer


def _version(package: str) -> str:
    from importlib import metadata  # here, not at the top: every command imports this module to register it

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def doctor() -> None:
    """Report the engine in use, versions, the rulebook's date and its check status.

    Example: casefile doctor
    """
    from casefile import DISCLAIMER, __version__
    from casefile.check import check_rules
    from casefile.engine import durable_import_error, engine_choice
    from casefile.rulebook import data_dir, default_rulebook

    engine = engine_choice()
    lines = [
        f"casefile {__version__} on Python {platform.python_version()} ({sys.platform})",
        f"engine: {engine}",
    ]
    if engine != "durable-rules":
        reason = durable_import_error() or "CASEFILE_ENGINE=reference"
        lines.append(f"  durable-rules unavailable: {reason}")
        lines.append("  the reference evaluator runs the same rule files; the test suite checks both agree")
    for package in ("durable-rules", "pydantic", "typer", "rich", "PyYAML", "Jinja2"):
        lines.append(f"  {package}: {_version(package)}")
    root = data_dir()
    book = default_rulebook()
    lines += [
        f"data: {root} ({'installed package' if root.name == '_data' else 'source checkout'})",
        f"rulebook {book.version}: {len(book.rules)} rules, {len(book.criteria)} checklist criteria, "
        f"{len(book.sources.seeds)} seeds, {len(book.sources.facts)} legal facts; fingerprint {book.fingerprint}",
        f"  facts run to {book.meta.knowledge_date} ({book.meta.knowledge_note})",
        *(f"  {code} known to {until}: {note}" for code, (until, note) in book.knowledge.items()),
    ]
    today = dt.date.today()
    if today > book.meta.knowledge_date:
        lines.append(f"  ! today ({today}) is after that date: assessments as of today carry an out-of-date warning")
    report = check_rules(root / "rules", root / "seeds")
    if report.ok:
        lines.append(f"rules check: ok ({report.rules} rules)")
    else:
        lines.append(f"rules check: {len(report.findings)} problem(s) — run 'casefile rules check'")
    lines.append(DISCLAIMER)
    typer.echo("\n".join(lines))
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command(name="doctor")(doctor)
