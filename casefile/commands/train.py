"""`casefile train CASE`: predict each jurisdiction's outcome from the facts, then see the score and the debrief.

The trainee first sees only the case's facts and a numbered menu of outcomes, types one prediction per line (a
number or an outcome; Enter = "don't know", counted wrong), and then reads the score and, for every jurisdiction,
what was decided and — for a miss — why. Predictions are read line by line from standard input, so a session can
be scripted. With ``--format json`` the prompts go to standard error and standard output holds only the JSON.
The logic lives in :mod:`casefile.train`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from casefile.case import CaseFile
    from casefile.results import Assessment
    from casefile.train import Answer, Prediction, Training

ASKS = 3  # a typo is asked again, twice at most; then it counts as "don't know"


def _read_line() -> str | None:
    """The next line of standard input without its line ending; None at the end of input."""
    from casefile.commands.interview import _read_line as read_answer  # decodes bytes: bad UTF-8 is not fatal

    return read_answer()


def _is_tty() -> bool:
    try:
        return bool(sys.stdin and sys.stdin.isatty())
    except (AttributeError, ValueError):
        return False


def train(
    case: Annotated[str, typer.Argument(help="A case file (YAML or JSON), or the name of a shipped example.")],
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option("--jurisdiction", "-j", help="Jurisdiction code (DE NL EE LV LT PL FI) or 'baltics'; repeat."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD (default: the case's).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    redact: Annotated[bool, typer.Option("--redact", help="Show the case id instead of the person's name.")] = False,
) -> None:
    """Predict each jurisdiction's outcome from the facts alone, then see your score and why each outcome is what
    it is. One prediction per line (a number or an outcome; Enter = don't know).

    Example: casefile train andrei -j DE -j NL
    """
    import json

    from rich.text import Text

    from casefile import DISCLAIMER
    from casefile.assessment import assess
    from casefile.cli import _console, load, long_running, parse_date
    from casefile.errors import InputError
    from casefile.render.text import notice
    from casefile.rulebook import default_rulebook
    from casefile.train import Prediction as Parsed
    from casefile.train import parse_prediction, score

    long_running()  # the garbage collector back on: this command may run for a long time

    if fmt not in ("text", "json"):
        raise InputError.single(None, f"expected text or json, got {fmt!r}", field="--format")
    c = load(case)
    if redact:
        c = c.model_copy(update={"name": None})
    book = default_rulebook()
    result = assess(c, as_of=parse_date(as_of, "--as-of"), jurisdictions=jurisdiction, rulebook=book, explain=False)
    console = _console(sys.stderr if fmt == "json" else sys.stdout)
    console.print(notice(DISCLAIMER))
    _show_case(console, c, result)
    echo = not _is_tty()
    predictions: list[Prediction] = []
    for j in result.jurisdictions:
        label = f"{j.code} {j.name}" + ("  ★ applied here" if j.application_country else "")
        for attempt in range(ASKS):
            console.print(Text(f"{label} > ", style="bold"), end="")
            console.file.flush()
            raw = _read_line()
            if raw is None:
                console.print()
            elif echo:
                console.print(Text(raw))
            p = parse_prediction(raw)
            if p.retry and attempt < ASKS - 1:
                console.print(Text(f"  ! {p.note} Try again, or press Enter for don't know.", style="yellow"))
                continue
            if p.retry:
                p = Parsed(None, f"{p.note}: counted as don't know")
            if p.note:
                console.print(Text(f"  ! {p.note}", style="yellow"))
            break
        predictions.append(p)
    training = score(result, predictions, book)
    if fmt == "json":
        console.print(Text(f"Score: {training.score}/{training.total}", style="bold"))
        typer.echo(json.dumps(training.to_json(), indent=2))
        return
    _debrief(console, training, case)
    console.print(notice(DISCLAIMER))


def _show_case(console: Console, case: CaseFile, a: Assessment) -> None:
    from rich.text import Text

    from casefile.render.escape import terminal_safe
    from casefile.render.text import words
    from casefile.train import OUTCOMES, known_facts

    who = terminal_safe(case.name or case.case_id)
    head = Text()
    head.append(f"Training: {who}", style="bold")
    head.append(f"  (case {case.case_id}, assessed as of {a.as_of})", style="dim")
    console.print(head)
    console.print(Text("Predict each jurisdiction's outcome from these facts alone. Anything not listed is unknown."))
    console.print()
    console.print(Text("The facts", style="bold underline"))
    facts = known_facts(case)
    for label, value in facts:
        line = Text(f"  {label}: ")
        line.append(value, style="bold")
        console.print(line)
    if not facts:
        console.print(Text("  (no facts are known)", style="dim"))
    console.print()
    console.print(Text("Outcomes", style="bold underline"))
    for i, (value, meaning) in enumerate(OUTCOMES, 1):
        line = Text(f"  {i}. ")
        line.append(words(value), style="bold")
        line.append(f" — {meaning}")
        console.print(line)
    console.print()
    console.print(Text("Type a number or an outcome for each jurisdiction, one per line (Enter = don't know).", "dim"))


def _debrief(console: Console, t: Training, case_arg: str) -> None:
    from rich.text import Text

    console.print()
    console.print(Text(f"Score: {t.score}/{t.total}", style="bold"))
    for w in t.assessment.warnings:
        console.print(Text(f"! {w}", style="yellow"))
    for answer in t.answers:
        console.print()
        _answer(console, answer)
    missed = [a.code for a in t.answers if not a.correct]
    console.print()
    if missed:
        options = " ".join(f"-j {code}" for code in missed)
        console.print(Text(f"The full explanation: casefile evaluate {case_arg} {options}", style="dim"))
    else:
        console.print(Text("All correct. Try changing a fact: casefile whatif " + case_arg + " --set ...", "dim"))


def _answer(console: Console, a: Answer) -> None:
    from rich.text import Text

    from casefile.render.text import styled
    from casefile.train import words

    head = Text()
    head.append(f"{a.code} {a.name}", style="bold")
    if a.applied_here:
        head.append(" ★", style="bold blue")
    head.append("  ")
    if a.correct:
        head.append("✓ ", style="bold green")
        head.append_text(styled(a.actual))
        rules = ", ".join(f"{f.title} ({f.rule})" for f in a.deciding)
        head.append(f" — {rules}", style="dim")
        if a.tension:
            head.append("  · practice is harsher than the common standard", style="magenta")
        console.print(head)
        return
    head.append("✗ ", style="bold red")
    head.append(f"you said {words(a.predicted)}; it is ")
    head.append_text(styled(a.actual))
    console.print(head)
    if a.note:
        console.print(Text(f"   ({a.note})", style="yellow"))
    for f in a.deciding:
        line = Text("   Why: ")
        line.append(f.title, style="bold")
        line.append(f" ({f.rule})", style="dim")
        console.print(line)
        _indented(console, f.because)
        if f.remaining_route:
            _indented(console, f"What remains: {f.remaining_route}", "cyan")
        if f.caveat:
            _indented(console, f"⚠ {f.caveat}", "yellow")
        _indented(console, f"sources: {', '.join(f.sources)}", "dim")
    if a.checklist:
        console.print(Text("   Checklist items that mattered:"))
        marks = {"met": ("✓", "green"), "not_met": ("✗", "red"), "unknown": ("?", "yellow")}
        for item in a.checklist:
            mark, colour = marks[item.status]
            line = Text(f"     {mark} ", style=f"bold {colour}")
            line.append(item.label)
            line.append(f"  [{', '.join(item.sources)}]", style="dim")
            console.print(line)
    if a.tension:
        console.print(Text("   Tension:", style="bold magenta"))
        if a.practice == "not_assessed":
            text = (
                f"the route is barred, so the claim is not assessed; the common standard asks for {words(a.standard)}."
            )
        else:
            text = f"practice ({words(a.practice)}) is less favourable than the common standard ({words(a.standard)})."
        _indented(console, text)
        for reason in a.standard_reasons:
            _indented(console, f"Standard: {reason}", "dim")


def _indented(console: Console, text: str, style: str = "", indent: int = 5) -> None:
    """A paragraph whose wrapped lines keep the indent."""
    import textwrap

    from rich.text import Text

    width = max(console.width - indent, 40)
    for line in textwrap.wrap(text, width) or [""]:
        console.print(Text(" " * indent + line, style=style))


def register(app: typer.Typer) -> None:
    app.command("train")(train)
