"""The shipped example cases and their trainer's notes (the ``training:`` part of each example file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from casefile.case import load_case
from casefile.rulebook import data_dir

ORDER = ("andrei.yaml",)  # Andrei first; the rest alphabetically


@dataclass(frozen=True)
class Example:
    path: Path
    name: str
    teaches: str
    contrast: str


def examples_dir() -> Path:
    return data_dir() / "examples"


def list_examples() -> list[Example]:
    paths = sorted(examples_dir().glob("*.yaml"), key=lambda p: (p.name not in ORDER, p.name))
    out = []
    for path in paths:
        case = load_case(path)
        note = case.training
        if note is None:
            out.append(Example(path, case.name or case.case_id, "", ""))
        else:
            out.append(
                Example(path, note.title, " ".join(note.teaches.split()), " ".join((note.contrast or "").split()))
            )
    return out
