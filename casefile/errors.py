"""Errors the user can act on.

Every problem with something the user gave us (a case file, a rule file, a command-line value) becomes an
:class:`InputError`: the file, the line, the field, what was expected and, where it is obvious, a suggestion.
The CLI prints these and exits with code 2; it never shows a traceback for them. Messages name fields, never
echo free-text content from a case file (case files describe people at risk).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located as precisely as we can."""

    file: str | None
    line: int | None
    field: str | None
    expected: str
    hint: str | None = None

    def __str__(self) -> str:
        where = [part for part in (self.file, f"line {self.line}" if self.line else None) if part]
        head = ", ".join(where) if where else "input"
        subject = f"field '{self.field}': " if self.field else ""
        text = f"{head}: {subject}{self.expected}"
        if self.hint:
            text += f" ({self.hint})"
        from casefile.render.escape import terminal_safe  # file names and keys are typed by users too

        return terminal_safe(text)


@dataclass
class InputError(Exception):
    """Bad input: one or more problems. Exit code 2."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    @classmethod
    def single(
        cls,
        file: str | None,
        expected: str,
        *,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> InputError:
        return cls([Problem(file, line, field, expected, hint)])

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class EngineError(Exception):
    """Something went wrong inside the inference engine for one evaluation. Exit code 1.

    Raised, never swallowed: durable-rules hides exceptions raised inside actions, so the engine collects them
    and raises this after each assertion.
    """


class RulebookError(Exception):
    """The rulebook is inconsistent in a way that makes an answer impossible (e.g. two winning rules disagree)."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """A 'did you mean' suggestion for a misspelt name, or None."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None
