"""The shipped example cases and their trainer's notes (``examples/index.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from casefile.documents import load_file
from casefile.rulebook import data_dir


@dataclass(frozen=True)
class Example:
    path: Path
    name: str
    teaches: str
    contrast: str


def examples_dir() -> Path:
    return data_dir() / "examples"


def list_examples() -> list[Example]:
    folder = examples_dir()
    doc = load_file(folder / "index.yaml", what="example index")
    out = []
    for row in doc.data:
        out.append(
            Example(
                folder / row["file"],
                " ".join(row["title"].split()),
                " ".join(row["teaches"].split()),
                " ".join(row.get("contrast", "").split()),
            )
        )
    return out
