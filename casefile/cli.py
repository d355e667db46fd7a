"""The command line: a thin layer over the library.

Each command parses its options, calls the library, and hands the result to a renderer. Errors the user can fix
(bad case files, bad options) print one clear message and exit with code 2; engine or rulebook failures exit with
code 1 and a short message. No traceback is shown unless ``--debug`` is given.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

# Case files describe real people at risk: no third-party pydantic plugin (observability and telemetry hooks
# register themselves through package entry points) gets to see them. Also spares every command the scan of all
# installed packages' entry points that looking for plugins takes (~10-20 ms of a cold start).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")

import typer

from casefile import __version__
from casefile.errors import EngineError, InputError, RulebookError, did_you_mean

if TYPE_CHECKING:
    from rich.console import Console  # imported where text is laid out: JSON, Markdown and HTML never need it


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
    from rich.console import Console

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
    from rich.console import Console

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


# ---------------------------------------------------------------------------------------- shared by commands

from casefile.commands.options import (  # noqa: E402, F401  (re-exported: older imports name them here)
    AsOfOpt,
    CaseArg,
    ForceOpt,
    FormatOpt,
    JurisOpt,
    OutputOpt,
    RedactOpt,
)


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


from casefile.commands import register_all  # noqa: E402  (the commands live in casefile/commands/)

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


def long_running() -> None:
    """For commands that run for minutes or hours: the garbage collector back on (see :func:`main`), collecting
    less often than by default, since start-up leaves many long-lived objects."""
    gc.set_threshold(50_000, 20, 20)
    gc.enable()


def main() -> None:
    """Console-script entry point: run the app, mapping errors to exit codes."""
    # A report is made in well under a second and leaves few reference cycles: the cyclic garbage collector would
    # only spend ~10 ms scanning the many objects start-up builds. It is off until a command that runs long (batch,
    # serve, interview, train) turns it back on with long_running(), so memory there stays flat.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _run()
    finally:  # a caller in the same process (the tests, a script) gets its collector back as it was
        if collecting:
            gc.enable()


def _run() -> None:
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
