"""The command line: a thin layer over the library.

Each command parses its options, calls the library, and hands the result to a renderer. Errors the user can fix
(bad case files, bad options) print one clear message and exit with code 2; engine or rulebook failures exit with
code 1 and a short message. No traceback is shown unless ``--debug`` is given.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from casefile import DISCLAIMER, __version__
from casefile.errors import EngineError, InputError, RulebookError

app = typer.Typer(
    name="casefile",
    help="One asylum case, seven European jurisdictions, explained outcomes. An educational model, not legal advice.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
rules_app = typer.Typer(help="List, show and check the rules.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

_state = {"debug": False}

Formats = ("text", "json", "markdown", "html")


def _console(stream: object = None) -> Console:
    return Console(
        file=stream or sys.stdout,
        width=_width(),
        highlight=False,
        soft_wrap=False,
        force_terminal=_colour(),
        no_color=not _colour(),
    )


def _version(value: bool) -> None:
    if value:
        typer.echo(f"casefile {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for internal errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """One asylum case, seven European jurisdictions, explained outcomes. Educational model, not legal advice."""
    _state["debug"] = debug


# ---------------------------------------------------------------------------------------------------- helpers


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    from casefile.case import parse_date_text

    try:
        return parse_date_text(value)
    except ValueError as exc:
        raise InputError.single(None, str(exc), field=option, hint="write YYYY-MM-DD, e.g. 2023-09-01") from None


def resolve_case_path(raw: str) -> Path:
    """A path as given; or, if no such file exists, the name of a shipped example ('andrei')."""
    path = Path(raw)
    if path.exists():
        return path
    from casefile.rulebook import data_dir

    for candidate in (data_dir() / "examples" / raw, data_dir() / "examples" / f"{raw}.yaml"):
        if candidate.exists():
            return candidate
    return path


def load(raw: str):
    from casefile.case import load_case

    return load_case(resolve_case_path(raw))


def write_output(text: str, output: Path | None, force: bool, *, checked: bool = False) -> None:
    """Print, or write `output` whole (a temporary file renamed over it, mode 0600) without overwriting anything
    unless asked. `checked`: :func:`casefile.output.check_output` already ran, before the work."""
    if output is None:
        print_text(text)
        return
    from casefile.output import check_output, write_atomic

    if not checked:
        check_output(output, force=force)
    write_atomic(output, text)
    typer.echo(f"wrote {output}", err=True)


def print_text(text: str) -> None:
    """Write a whole report to standard output, in any encoding the terminal or pipe has."""
    text = text if text.endswith("\n") else text + "\n"
    try:
        sys.stdout.write(text)
    except UnicodeEncodeError:
        encoding = getattr(sys.stdout, "encoding", None) or "ascii"
        sys.stdout.write(text.encode(encoding, "replace").decode(encoding))


def render(assessment, fmt: str, kind: str) -> str:
    """Render an assessment ('evaluate' or 'compare') in a format, as a string."""
    from io import StringIO

    if fmt == "json":
        from casefile.render.escape import json_safe

        return json_safe(assessment.model_dump_json(indent=2))
    if fmt == "markdown":
        from casefile.render.markdown import render_markdown

        return render_markdown(assessment, kind)
    if fmt == "html":
        from casefile.render.html import render_html

        return render_html(assessment, kind)
    from casefile.render.text import render_compare, render_evaluate

    buf = StringIO()
    console = Console(file=buf, width=_width(), force_terminal=_colour(), highlight=False, no_color=not _colour())
    if kind == "compare":
        from casefile.compare import differences

        render_compare(assessment, console, differences(assessment))
    else:
        render_evaluate(assessment, console)
    return buf.getvalue()


def _width() -> int:
    """The width to lay text out in: the terminal's, else COLUMNS, else 100; nonsense (abc, 0, -5) counts as unset
    and the result is kept between 40 and 500, so a report is never squeezed to nothing."""
    raw = os.environ.get("COLUMNS", "").strip()
    width = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 5 else 0
    if sys.stdout.isatty():
        with contextlib.suppress(OSError, ValueError):
            width = width or os.get_terminal_size(sys.stdout.fileno()).columns
    return min(max(width or 100, 40), 500)


def _colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def check_format(fmt: str) -> str:
    if fmt not in Formats:
        raise InputError.single(None, f"expected one of {', '.join(Formats)}, got {fmt!r}", field="--format")
    return fmt


def redacted(assessment):
    assessment.name = None
    return assessment


# -------------------------------------------------------------------------------------------------- commands

CaseArg = Annotated[str, typer.Argument(help="A case file (YAML or JSON), or the name of a shipped example.")]
JurisOpt = Annotated[
    list[str] | None,
    typer.Option("--jurisdiction", "-j", help="Jurisdiction code (DE NL EE LV LT PL FI) or 'baltics'; repeat."),
]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD (default: the case's).")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="text, json, markdown or html.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of printing.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")]
RedactOpt = Annotated[bool, typer.Option("--redact", help="Replace the name and free-text notes with the case id.")]


def _report(
    kind: str,
    case: str,
    jurisdiction: list[str] | None,
    as_of: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    redact: bool,
) -> None:
    """evaluate and compare: assess, optionally redact, render, print or write."""
    from casefile.assessment import assess

    check_format(fmt)
    if output is not None:  # before the work: a report that cannot be written is bad input
        from casefile.output import check_output

        force = check_output(output, force=force, inputs=[resolve_case_path(case)])
    c = load(case)
    result = assess(c, as_of=parse_date(as_of, "--as-of"), jurisdictions=jurisdiction)
    if redact:
        redacted(result)
    write_output(render(result, fmt, kind), output, force, checked=True)


@app.command()
def evaluate(
    case: CaseArg,
    jurisdiction: JurisOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = "text",
    output: OutputOpt = None,
    force: ForceOpt = False,
    redact: RedactOpt = False,
) -> None:
    """The full assessment of a case in each jurisdiction: checklist, why, unknowns, what would change it."""
    _report("evaluate", case, jurisdiction, as_of, fmt, output, force, redact)


@app.command()
def compare(
    case: CaseArg,
    jurisdiction: JurisOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = "text",
    output: OutputOpt = None,
    force: ForceOpt = False,
    redact: RedactOpt = False,
) -> None:
    """One table across the jurisdictions, naming the criterion behind each difference."""
    _report("compare", case, jurisdiction, as_of, fmt, output, force, redact)


@app.command()
def timeline(
    case: CaseArg,
    jurisdiction: JurisOpt = None,
    start: Annotated[str | None, typer.Option("--from", help="First date YYYY-MM-DD (default: 2022-02-24).")] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last date YYYY-MM-DD (default: the rulebook's date).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    redact: Annotated[
        bool, typer.Option("--redact", help="Accepted for symmetry: the timeline shows the case id, never the name.")
    ] = False,
) -> None:
    """How each jurisdiction's outcome changes across the dates that matter to this case, and why."""
    from casefile.render.timeline import render_timeline, timeline_json
    from casefile.rulebook import default_rulebook
    from casefile.timeline import timeline as build

    if fmt not in ("text", "json"):
        raise InputError.single(None, f"expected text or json, got {fmt!r}", field="--format")
    del redact  # the timeline carries the case id and dates, never the name
    c = load(case)
    t = build(c, start=parse_date(start, "--from"), end=parse_date(end, "--to"), jurisdictions=jurisdiction)
    if fmt == "json":
        typer.echo(json.dumps(timeline_json(t, default_rulebook()), indent=2))
    else:
        render_timeline(t, default_rulebook(), _console())


@app.command()
def whatif(
    case: CaseArg,
    set_: Annotated[
        list[str], typer.Option("--set", help="path=value, e.g. military.draft_notice_received=true; repeat.")
    ],
    jurisdiction: JurisOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    redact: RedactOpt = False,
) -> None:
    """The assessment before and after changing some facts, with what changed and why."""
    from casefile.render.whatif import render_whatif, whatif_json
    from casefile.rulebook import default_rulebook
    from casefile.whatif import what_if

    if fmt not in ("text", "json"):
        raise InputError.single(None, f"expected text or json, got {fmt!r}", field="--format")
    w = what_if(load(case), set_, as_of=parse_date(as_of, "--as-of"), jurisdictions=jurisdiction, explain=fmt == "json")
    if redact:
        redacted(w.before)
        redacted(w.after)
    if fmt == "json":
        typer.echo(json.dumps(whatif_json(w), indent=2))
    else:
        render_whatif(w, default_rulebook(), _console())


@app.command()
def schema() -> None:
    """Print the JSON Schema of a case file."""
    from casefile.case import CaseFile

    typer.echo(json.dumps(CaseFile.model_json_schema(), indent=2))


@app.command()
def examples() -> None:
    """List the shipped example cases, with what each teaches."""
    from casefile.examples import list_examples

    console = _console()
    from rich.table import Table

    table = Table(show_lines=True, expand=True)
    table.add_column("Example", ratio=1)
    table.add_column("What it teaches, and the contrast to show", ratio=3)
    for ex in list_examples():
        teaches = ex.teaches + (f"\n[italic]Contrast:[/italic] {ex.contrast}" if ex.contrast else "")
        table.add_row(f"[bold]{ex.name}[/bold]\n[dim]{ex.path.name}[/dim]", teaches)
    console.print(table)
    console.print(f"Run: casefile compare examples/<file>   ·   {DISCLAIMER}")


@app.command()
def sources(
    ref: Annotated[str | None, typer.Argument(help="A seed id (000), a citation (seed:000#andrei, legal:G6).")] = None,
) -> None:
    """List the sources, or show one with its passages and the rules that cite each."""
    from casefile.render.sources import render_source, render_sources
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    console = _console()
    if ref is None:
        render_sources(book, console)
    else:
        render_source(book, ref, console)


@rules_app.command("list")
def rules_list(
    jurisdiction: JurisOpt = None,
) -> None:
    """List the rules: id, stage, conclusion, validity and file:line."""
    from casefile.assessment import parse_jurisdictions
    from casefile.render.rules import render_rule_list
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    render_rule_list(book, parse_jurisdictions(jurisdiction) if jurisdiction else None, _console())


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. de.practice.low_profile_dissident")],
) -> None:
    """Show one rule in full, with its sources."""
    from casefile.render.rules import render_rule
    from casefile.rulebook import default_rulebook

    render_rule(default_rulebook(), rule_id, _console())


@rules_app.command("check")
def rules_check(
    rules_dir: Annotated[
        Path | None, typer.Option("--rules", help="A rules folder (default: the shipped one).")
    ] = None,
    seeds_dir: Annotated[
        Path | None, typer.Option("--seeds", help="A sources folder (default: the shipped one).")
    ] = None,
) -> None:
    """Check the rules: citations, facts, conflicts without precedence, rules that never fire, dates. Exit 1 if
    anything is found."""
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


from casefile.commands import register_all  # noqa: E402  (after the core commands: keeps --help in order)

register_all(app)

# ------------------------------------------------------------------------------------------------- entry point


def _tolerant_streams() -> None:
    """Where standard output or error cannot encode every character (PYTHONIOENCODING=ascii, a legacy locale),
    write a replacement character instead of failing half-way through a report."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf16", "utf32") and hasattr(stream, "reconfigure"):
            with contextlib.suppress(AttributeError, ValueError, OSError):  # an unusual stream
                stream.reconfigure(errors="replace")


def main() -> None:
    """Console-script entry point: run the app, mapping errors to exit codes."""
    # Start-up builds many objects (pydantic models, the rulebook) and few cycles: collect garbage less often.
    # Collection still runs, so long batches do not grow.
    gc.set_threshold(50_000, 20, 20)
    _tolerant_streams()
    debug = "--debug" in sys.argv[1:]
    try:
        code = app(standalone_mode=False)
        if code == 130:  # typer returns this for Ctrl-C when not in standalone mode
            typer.echo("interrupted", err=True)
        if isinstance(code, int) and code:
            sys.exit(code)
    except InputError as exc:
        if debug:
            raise
        for line in str(exc).splitlines():
            typer.echo(f"error: {line}", err=True)
        sys.exit(2)
    except (EngineError, RulebookError) as exc:
        if debug:
            raise
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        from typer.exceptions import TyperException  # usage errors (typer vendors click)

        if isinstance(exc, TyperException):
            show = getattr(exc, "show", None)
            if callable(show):
                show()
            else:
                typer.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        if debug:
            raise
        typer.echo(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(1)


def console_main() -> None:
    """The ``casefile`` program: :func:`main`, then a quick exit once the output is flushed.

    A normal interpreter exit collects garbage and tears down every module, which takes a sizeable share of a
    short command's run; nothing casefile writes is left in a buffer (both streams are flushed here, files are
    closed by the commands), so the process ends at once. Tests call :func:`main` and are unaffected.
    """
    code: int = 0
    try:
        main()
    except SystemExit as exc:
        if isinstance(exc.code, int):
            code = exc.code
        elif exc.code is not None:
            print(exc.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (casefile ... | head): nothing more can be written
            code = code or 1
    os._exit(code)
