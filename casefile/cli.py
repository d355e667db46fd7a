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
from casefile.errors import EngineError, InputError, RulebookError, did_you_mean


def _hide_python_types() -> None:
    """--help names arguments by what they are (CASE, ID), never by Python type (<str>, <list[str]>)."""
    from typer.core import TyperArgument, TyperOption

    TyperArgument.display_type_rich = lambda self, ctx: None  # type: ignore[method-assign,assignment]
    named = {"jurisdiction": "CODE", "as_of": "DATE", "start": "DATE", "end": "DATE", "fmt": "FORMAT", "seed": "N"}

    def option_metavar(self, ctx):  # type: ignore[no-untyped-def]
        if self.metavar is not None:
            return self.metavar
        if self.name in named:
            return named[self.name]
        kind = getattr(self, "type_descriptor", None)
        if kind is not None and getattr(kind, "is_path", False):
            return "FILE"
        if kind is not None and getattr(kind, "annotation", None) is int:
            return "N"
        return "TEXT"

    TyperOption.display_type_rich = option_metavar  # type: ignore[method-assign]


_hide_python_types()

app = typer.Typer(
    name="casefile",
    help="One asylum case, seven European jurisdictions, explained outcomes. An educational model, not legal advice.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
rules_app = typer.Typer(
    help="List, show and check the rules.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    names = sorted(p.stem for p in (data_dir() / "examples").glob("*.yaml"))
    guess = did_you_mean(path.stem, names) if path.parent == Path(".") or path.parent.name == "examples" else None
    if guess:
        raise InputError.single(raw, "no such case file or example", hint=f"{guess} 'casefile examples' lists them")
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


def render(assessment, fmt: str, kind: str, case=None, details: bool = False, plain: bool = False) -> str:
    """Render an assessment ('evaluate' or 'compare') in a format, as a string.

    compare's text, Markdown and HTML are one handout built once (:mod:`casefile.report`) and only formatted here.
    """
    from io import StringIO

    if fmt == "json":
        from casefile.render.escape import json_safe

        return json_safe(assessment.model_dump_json(indent=2))
    if kind == "compare":
        from casefile.report import build

        report = build(assessment, case, kind="compare", details=details)
        if fmt == "markdown":
            from casefile.render.handout import handout_markdown

            return handout_markdown(report)
        if fmt == "html":
            from casefile.render.html import render_handout_html

            return render_handout_html(report)
        from casefile.render.handout import handout_text

        buf = StringIO()
        handout_text(report, _buffer_console(buf, plain))
        return _trim(buf.getvalue())
    if fmt == "markdown":
        from casefile.render.markdown import render_markdown

        return render_markdown(assessment, kind)
    if fmt == "html":
        from casefile.render.html import render_html

        return render_html(assessment, kind)
    from casefile.render.text import render_evaluate

    buf = StringIO()
    render_evaluate(assessment, _buffer_console(buf, plain))
    return buf.getvalue()


def _trim(text: str) -> str:
    """Without the trailing spaces rich pads table rows with (kept where colour codes follow them)."""
    return "\n".join(line.rstrip(" ") for line in text.split("\n"))


def _buffer_console(buf, plain: bool = False) -> Console:
    """A console writing into `buf`; `plain` (writing a file) means no colour codes."""
    colour = _colour() and not plain
    return Console(file=buf, width=_width(), force_terminal=colour, highlight=False, no_color=not colour)


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
    """Colour on a terminal; never when NO_COLOR is set to something (no-color.org); always when FORCE_COLOR is."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


EXTENSIONS = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".txt": "text",
}


def choose_format(fmt: str | None, output: Path | None, allowed: tuple[str, ...] = Formats) -> str:
    """The output format: --format if given, else the --output file's extension (.html, .md, .json, .csv), else
    text. A --format that contradicts the extension is refused, so report.html never holds terminal text."""
    implied = EXTENSIONS.get(output.suffix.lower()) if output is not None else None
    if fmt is None and implied is not None and implied not in allowed:
        raise InputError.single(
            str(output),
            f"this command writes {', '.join(allowed)}, not {implied}; nothing was written",
            hint="CSV comes from 'casefile batch'" if implied in ("csv", "jsonl") else None,
        )
    if fmt is None:
        fmt = implied or "text"
    elif implied is not None and implied != fmt:
        raise InputError.single(
            str(output),
            f"the name says {implied}, but --format says {fmt}; nothing was written",
            hint=f"name the file {_suffix(fmt)} or leave out --format",
        )
    if fmt not in allowed:
        raise InputError.single(None, f"expected one of {', '.join(allowed)}, got {fmt!r}", field="--format")
    return fmt


def _suffix(fmt: str) -> str:
    return {"markdown": ".md", "text": ".txt"}.get(fmt, "." + fmt)


def check_format(fmt: str) -> str:
    return choose_format(fmt, None)


def redacted(assessment):
    """Without the name; and where the case id spells the name ('ivan-petrov-2024' for Ivan Petrov), not that either:
    the id becomes 'case-' and a short fingerprint of itself, the same on every run."""
    import hashlib
    import re

    name = assessment.name or ""
    slug = "-".join(w for w in re.split(r"[^a-z0-9]+", name.lower()) if w)
    ident = "-" + re.sub(r"[^a-z0-9]+", "-", assessment.case_id.lower()) + "-"
    if slug and f"-{slug}-" in ident:
        assessment.case_id = "case-" + hashlib.sha256(assessment.case_id.encode()).hexdigest()[:8]
    assessment.name = None
    return assessment


# -------------------------------------------------------------------------------------------------- commands

CaseArg = Annotated[
    str, typer.Argument(metavar="CASE", help="A case file (YAML or JSON), or the name of a shipped example.")
]
JurisOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--jurisdiction", "-j", metavar="CODE", help="Jurisdiction code (DE NL EE LV LT PL FI) or 'baltics'; repeat."
    ),
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help="Assessment date YYYY-MM-DD (default: the case's).")
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="text, json, markdown or html (default: from the --output name, else text).",
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to this file instead of printing (.html, .md, .json: that format).",
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")]
RedactOpt = Annotated[bool, typer.Option("--redact", help="Replace the name and free-text notes with the case id.")]


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

    fmt = choose_format(fmt, output)
    if output is not None:  # before the work: a report that cannot be written is bad input
        from casefile.output import check_output

        force = check_output(output, force=force, inputs=[resolve_case_path(case)])
    c = load(case)
    result = assess(c, as_of=parse_date(as_of, "--as-of"), jurisdictions=jurisdiction)
    if redact:
        redacted(result)
    write_output(render(result, fmt, kind, c, details, plain=output is not None), output, force, checked=True)


@app.command()
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


@app.command()
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
    from casefile.render.matrix import matrix_doc, matrix_json
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    if fmt == "json":
        text = json.dumps(matrix_json(results, book), indent=2)
    else:
        text = _format_doc(matrix_doc(results, book, title, by_id), fmt, output)
    write_output(text, output, force)


@app.command()
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


@app.command()
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


def _format_doc(doc, fmt: str, output: Path | None) -> str:
    """A plain document (what-if, timeline, matrix) as text, Markdown or HTML."""
    from io import StringIO

    from casefile.render.doc import to_console, to_html, to_markdown

    if fmt == "markdown":
        return to_markdown(doc)
    if fmt == "html":
        return to_html(doc)
    buf = StringIO()
    to_console(doc, _buffer_console(buf, plain=output is not None))
    return _trim(buf.getvalue())


@app.command()
def schema() -> None:
    """Print the JSON Schema of a case file.

    Example: casefile schema > case.schema.json
    """
    from casefile.case import CaseFile

    typer.echo(json.dumps(CaseFile.model_json_schema(), indent=2))


@app.command()
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
    from casefile.examples import list_examples

    if matrix:
        from casefile.assessment import assess
        from casefile.case import load_case

        fmt = choose_format(fmt, output)
        results = [assess(load_case(ex.path), jurisdictions=jurisdiction, explain=False) for ex in list_examples()]
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


@app.command()
def sources(
    ref: Annotated[
        str | None, typer.Argument(metavar="ID", help="A seed id (000), a citation (seed:000#andrei, legal:G6).")
    ] = None,
) -> None:
    """List the sources, or show one with its passages and the rules that cite each.

    Example: casefile sources legal:G6
    """
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
    """List the rules: id, file:line, what each concludes and its title.

    Example: casefile rules list -j DE
    """
    from casefile.assessment import parse_jurisdictions
    from casefile.render.rules import render_rule_list
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    render_rule_list(book, parse_jurisdictions(jurisdiction) if jurisdiction else None, _console())


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="A rule id, e.g. de.practice.low_profile_dissident")],
) -> None:
    """Show one rule in full, with its sources.

    Example: casefile rules show de.practice.default
    """
    from casefile.render.rules import render_rule
    from casefile.rulebook import default_rulebook

    render_rule(default_rulebook(), rule_id, _console())


@rules_app.command("check")
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
