"""The options and arguments several commands share, named by what they hold (CASE, CODE, DATE, FILE)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
