"""The reference evaluator: a small pure-Python interpreter of the rule files.

It reads each pattern's condition directly (Kleene's three-valued logic, ``conditions.compile_kleene``: the
meaning of ``conditions.evaluate`` turned into closures once, so that thousands of cases run quickly) and reports
the patterns whose condition is *true*. It shares nothing with the durable-rules compiler except the rulebook it reads,
which makes it a useful oracle: the differential tests run both on thousands of generated cases and demand the
same fired rules, outcomes and checklists. It is also what the product runs on where durable-rules cannot be
imported (Python 3.13 and later).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from casefile.conditions import Judge, compile_kleene
from casefile.engine.base import Pattern, patterns
from casefile.facts import FactValue
from casefile.rulebook import Rulebook


class ReferenceMatcher:
    name = "reference"

    def __init__(self, rulebook: Rulebook, *, checklists: bool = True) -> None:
        """`checklists=False` skips checklist criteria: for searches that only compare outcomes."""
        self.checklists = checklists
        self.by_stage: dict[str, list[tuple[Pattern, Judge]]] = {}
        for p in patterns(rulebook):
            if not checklists and "#" in p.name:
                continue
            self.by_stage.setdefault(p.stage, []).append((p, compile_kleene(p.condition)))

    @contextmanager
    def session(self) -> Iterator[ReferenceMatcher]:
        yield self

    def match(self, stage: str, values: Mapping[str, FactValue]) -> dict[str, dict[str, FactValue]]:
        out: dict[str, dict[str, FactValue]] = {}
        for p, judge in self.by_stage.get(stage, ()):
            if judge(values) is True:
                out[p.name] = {f: values[f] for f in p.facts if f in values}
        return out
