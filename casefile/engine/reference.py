"""The reference evaluator: a small pure-Python interpreter of the rule files.

It reads each pattern's condition directly (Kleene's three-valued logic, ``conditions.compile_kleene``: the
meaning of ``conditions.evaluate`` turned into closures once, so that thousands of cases run quickly) and reports
the patterns whose condition is *true*. It shares nothing with the durable-rules compiler except the rulebook it reads,
which makes it a useful oracle: the differential tests run both on thousands of generated cases and demand the
same fired rules, outcomes and checklists. It is also what the product runs on where durable-rules cannot be
imported (Python 3.13 and later).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from casefile.conditions import Judge, compile_kleene
from casefile.engine.base import Pattern, deciding, patterns, run, stages, unconditional
from casefile.facts import FactSet, FactValue
from casefile.rulebook import Rule, Rulebook


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

    def new_case(self) -> None:
        """Nothing to keep apart: the evaluator holds no state between matches."""

    def match(
        self, stage: str, values: Mapping[str, FactValue], *, used: bool = True
    ) -> dict[str, dict[str, FactValue]]:
        out: dict[str, dict[str, FactValue]] = {}
        for p, judge in self.by_stage.get(stage, ()):
            if judge(values) is True:
                out[p.name] = {f: values[f] for f in p.facts if f in values} if used else {}
        return out


class Variants:
    """Evaluates variants of one case with the reference evaluator, judging again only what a variant can change.

    The case is evaluated once in full. For a variant, only the patterns that read a fact whose value differs (an
    input fact, or a derived fact whose deriving rules now match differently) are judged again; every other pattern
    keeps its answer. The rules that fire are the same as :func:`~casefile.engine.base.run` finds (a property test
    holds it so), at a fraction of the cost: the explanations evaluate dozens of variants that differ in one or two
    facts. A variant whose derive rules conflict is run in full, which raises the same error as ever.
    """

    def __init__(self, matcher: ReferenceMatcher, rulebook: Rulebook, facts: FactSet) -> None:
        self.matcher = matcher
        self.rulebook = rulebook
        strata_defaults, assess_defaults = unconditional(rulebook)
        stage_of = {rid: k for k, stratum in enumerate(rulebook.strata) for rid in stratum}
        last = len(rulebook.strata)
        names = stages(rulebook)
        # per stage: fact -> the rule patterns of that stage reading it
        self.readers: list[dict[str, list[tuple[str, Judge]]]] = []
        for stage in names:
            index: dict[str, list[tuple[str, Judge]]] = {}
            for p, judge in matcher.by_stage.get(stage, ()):
                if "#" not in p.name:  # checklist criteria do not fire rules
                    for f in p.facts:
                        index.setdefault(f, []).append((p.name, judge))
            self.readers.append(index)
        # per derive stratum: derived fact -> the rules deriving it
        self.deriving: list[dict[str, list[Rule]]] = []
        for stratum in rulebook.strata:
            by_fact: dict[str, list[Rule]] = {}
            for rid in stratum:
                rule = rulebook.rules[rid]
                assert rule.derives is not None
                by_fact.setdefault(rule.derives[0], []).append(rule)
            self.deriving.append(by_fact)
        trace = run(matcher, rulebook, facts)
        self.inputs: dict[str, FactValue] = dict(facts.values)
        self.derived: dict[str, Any] = dict(trace.derived)
        matched: list[set[str]] = [set(d) for d in strata_defaults] + [set(assess_defaults)]
        for name in trace.fired:
            matched[stage_of.get(name, last)].add(name)
        self.matched = [frozenset(m) for m in matched]
        self.fired = frozenset(trace.fired)
        # per derive stratum, the case's derived facts; and which fact each derive rule derives
        self.derived_in = [{f: self.derived[f] for f in by_fact if f in self.derived} for by_fact in self.deriving]
        self.derives = {
            r.id: r.derives[0] for by_fact in self.deriving for rules in by_fact.values() for r in rules if r.derives
        }

    def fired_for(self, facts: FactSet, among: Iterable[str] | None = None) -> frozenset[str]:
        """The rules that fire for a variant of the case (its facts), as ``run`` would find them. `among`, where
        given, names every fact that may differ from the case's (the others are not compared)."""
        values = facts.values
        base = self.inputs
        keys = values.keys() | base.keys() if among is None else among
        changed = {k for k in keys if not _same(base.get(k, _ABSENT), values.get(k, _ABSENT))}
        if not changed:
            return self.fired
        values = dict(values)  # the derived facts are added below
        on: set[str] = set()
        off: set[str] = set()
        strata = len(self.deriving)
        for k, readers in enumerate(self.readers):
            matched = self.matched[k]
            flipped: list[str] = []
            for name, judge in {entry for f in changed for entry in readers.get(f, ())}:
                if judge(values) is True:
                    if name not in matched:
                        on.add(name)
                        flipped.append(name)
                elif name in matched:
                    off.add(name)
                    flipped.append(name)
            if k == strata:
                break
            values.update(self.derived_in[k])
            for fact in {self.derives[name] for name in flipped}:
                applying = [
                    r for r in self.deriving[k].get(fact, ()) if (r.id in matched or r.id in on) and r.id not in off
                ]
                value: Any = _ABSENT
                if applying:
                    conclusions = {r.derives[1] for r in deciding(applying, self.rulebook) if r.derives}
                    if len(conclusions) != 1:  # conflicting derive rules: the full run raises as ever
                        return frozenset(run(self.matcher, self.rulebook, facts).fired)
                    value = conclusions.pop()
                if value is _ABSENT:
                    values.pop(fact, None)
                else:
                    values[fact] = value
                if not _same(self.derived.get(fact, _ABSENT), value):
                    changed.add(fact)
        return (self.fired - off) | on


_ABSENT = object()


def _same(a: Any, b: Any) -> bool:
    """The same fact value, as a condition sees it (True is not 1)."""
    return a is b or (type(a) is type(b) and a == b)
