"""`casefile interview`: build a case file by asking only the questions whose answers can still change an outcome.

Answers are read line by line from standard input, so the interview works in a terminal and from a script
(``printf 'andrei\\n\\ny\\n' | casefile interview``). Prompts and the running assessment go to standard output,
or to standard error when the case file itself is printed (no ``--out``).
The case file is written to ``--out`` (an existing file is replaced only with ``--force`` or a "y" to the question)
or printed at the end. The logic lives in :mod:`casefile.interview`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def _read_line() -> str | None:
    """The next line of standard input without its line ending; None at the end of input."""
    stream = sys.stdin
    if stream is None:
        return None
    raw = getattr(stream, "buffer", None)
    if raw is not None:  # bytes, decoded here: one answer that is not UTF-8 must not end the whole interview
        data = raw.readline()
        if not data:
            return None
        line = data.decode("utf-8", errors="replace")
    else:
        line = stream.readline()
        if line == "":
            return None
    return line.rstrip("\r\n")


def _is_tty() -> bool:
    try:
        return bool(sys.stdin and sys.stdin.isatty())
    except (AttributeError, ValueError):
        return False


def interview(
    out: Annotated[
        Path | None,
        typer.Option("--out", "--output", "-o", help="Write the case file here (default: print it at the end)."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Assessment date YYYY-MM-DD, written into the file (default: today).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --out if it exists, without asking.")] = False,
) -> None:
    """Build a case file by asking only the questions whose answers can still change an outcome.

    Press Enter to leave a fact unknown. Answers can come from a terminal or, one per line, from a script.

    Example: casefile interview -o my-case.yaml   (or from a script: casefile interview < answers.txt)
    """
    import datetime as dt

    from casefile import DISCLAIMER
    from casefile.cli import _console, long_running, parse_date
    from casefile.errors import InputError
    from casefile.interview import Interview, case_yaml
    from casefile.render.text import notice
    from casefile.rulebook import default_rulebook

    long_running()  # the garbage collector back on: this command may run for a long time

    day = parse_date(as_of, "--as-of") or dt.date.today()
    # Without --out the case file is the only thing on standard output (`casefile interview > case.yaml`);
    # the conversation goes to standard error, which a terminal shows all the same.
    console = _console(sys.stderr if out is None else None)
    console.print(notice(DISCLAIMER))
    if out is not None:
        from casefile.output import check_output

        check_output(out, force=True)  # every check but the question of replacing a file, asked below
        if out.exists() and not force:
            console.print(f"{out} exists. Overwrite? [y/N] ", end="", markup=False, highlight=False)
            console.file.flush()
            answer = _read_line()
            if not _is_tty():
                console.print(answer or "", markup=False, highlight=False)
            if (answer or "").strip().lower() not in ("y", "yes"):
                raise InputError.single(str(out), "exists; nothing was written", hint="use --force to replace it")
    console.print(
        "Answer each question, or press Enter to leave the fact unknown. Only questions whose answer can still "
        "change an outcome are asked.",
        markup=False,
        highlight=False,
    )
    session = Interview(_read_line, console, as_of=day, book=default_rulebook(), echo=not _is_tty())
    result = session.run()
    text = case_yaml(result.case, left_unknown=result.left_unknown)
    _check_round_trip(text, result.case)
    if out is None:
        console.print()
        console.print("Case file (on standard output):", style="bold", highlight=False)
        sys.stdout.write(text)
        return
    from casefile.output import write_atomic

    write_atomic(out, text)
    console.print(f"Wrote {out}. Try: casefile evaluate {out}", markup=False, highlight=False)


def _check_round_trip(text: str, case: object) -> None:
    """The written file must load back to the same case (an internal error otherwise)."""
    from casefile.case import case_from_text

    again = case_from_text(text, "<interview>")
    if again != case:  # pragma: no cover - a bug in case_yaml
        raise RuntimeError("the interview's case file does not read back as the case it was built from")


def register(app: typer.Typer) -> None:
    app.command("interview")(interview)
