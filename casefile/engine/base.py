"""What every evaluator shares: stratified evaluation, precedence, and the trace of what fired.

An evaluator only has to answer one question — *which rules match these facts?* — through a :class:`Matcher`.
This module drives it: the derive rules run stratum by stratum (a derived fact is settled, with precedence applied,
before any rule that reads it), then every access, practice and standard rule and every checklist criterion is
matched against the facts plus the derived facts. Precedence (``overrides``, closed transitively) picks the
deciding rules; two deciding rules with different conclusions raise :class:`RulebookError` — never a silent pick.

Checklist criteria are matched as two patterns each, *met* (the condition) and *not met* (its negation); when
neither matches, the criterion is unknown. Both evaluators therefore compute checklists, not just outcomes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from casefile.conditions import TRUE, Condition, facts_in, negate
from casefile.errors import EngineError, RulebookError
from casefile.facts import FactSet, FactValue
from casefile.rulebook import Rule, Rulebook

ASSESS = "assess"


@dataclass(frozen=True)
class Pattern:
    """One thing to match: a rule, or one side (met / not met) of a checklist criterion."""

    name: str  # rule id, or "<criterion id>#met" / "<criterion id>#not_met"
    stage: str  # "s0", "s1", ... for derive strata; "assess" for everything else
    condition: Condition
    facts: tuple[str, ...]  # the facts the condition reads, reported as "the facts it matched"


def patterns(rulebook: Rulebook) -> list[Pattern]:
    """Everything an evaluator must be able to match, in a stable order.

    Unconditional rules (no condition and no validity window: the defaults) are left out: they apply to every
    case, so there is nothing to match, and :func:`run` adds them itself. With fifteen defaults among the rules,
    this halves the actions durable-rules fires per case.
    """
    out: list[Pattern] = []
    for k, stratum in enumerate(rulebook.strata):
        for rid in stratum:
            r = rulebook.rules[rid]
            if r.effective != TRUE:
                out.append(Pattern(rid, f"s{k}", r.effective, tuple(sorted(facts_in(r.effective)))))
    for r in rulebook.assess_rules:
        if r.effective != TRUE:
            out.append(Pattern(r.id, ASSESS, r.effective, tuple(sorted(facts_in(r.effective)))))
    for c in rulebook.criteria.values():
        used = tuple(sorted(facts_in(c.condition)))
        out.append(Pattern(f"{c.id}#met", ASSESS, c.condition, used))
        out.append(Pattern(f"{c.id}#not_met", ASSESS, negate(c.condition), used))
    return out


def stages(rulebook: Rulebook) -> list[str]:
    return [f"s{k}" for k in range(len(rulebook.strata))] + [ASSESS]


class Session(Protocol):
    """One isolated evaluation. A session may also offer ``new_case()``: the facts matched after it belong to
    another case, which the session keeps apart from the earlier ones (see :func:`run_many`)."""

    def match(
        self, stage: str, values: Mapping[str, FactValue], *, used: bool = True
    ) -> dict[str, dict[str, FactValue]]:
        """Names of the patterns of `stage` that match, each with the values of the facts it read (with
        ``used=False``, with none: for callers that need only which rules fired)."""


class Matcher(Protocol):
    """An evaluator: compiles a rulebook once, then opens one isolated session per case."""

    name: str
    checklists: bool  # False: built without checklist criteria (outcomes only)

    def session(self) -> AbstractContextManager[Session]: ...


@dataclass(frozen=True)
class Firing:
    rule: str
    facts: dict[str, FactValue]


@dataclass
class Trace:
    """What happened for one case on one date: every rule that fired, derived facts, checklist statuses."""

    fired: dict[str, Firing]
    derived: dict[str, Any]
    criteria: dict[str, str]  # criterion id -> met / not_met / unknown
    values: dict[str, FactValue]  # the facts, including derived ones
    engine: str
    derivations: dict[str, list[str]] = field(default_factory=dict)  # derived fact -> deciding rules
    _by_stage: dict[tuple[str, str], list[Rule]] | None = None

    def by_stage(self, rulebook: Rulebook) -> dict[tuple[str, str], list[Rule]]:
        """The fired rules grouped by (stage, jurisdiction) (computed once)."""
        if self._by_stage is None:
            grouped: dict[tuple[str, str], list[Rule]] = {}
            for name in self.fired:
                rule = rulebook.rules[name]
                for code in rule.jurisdictions:
                    grouped.setdefault((rule.stage, code), []).append(rule)
            self._by_stage = grouped
        return self._by_stage


_UNCONDITIONAL: dict[str, tuple[list[tuple[str, ...]], tuple[str, ...]]] = {}


def unconditional(rulebook: Rulebook) -> tuple[list[tuple[str, ...]], tuple[str, ...]]:
    """The rules that apply to every case (no condition, no validity window): per derive stratum, and the rest.

    Worked out once per rulebook (by its fingerprint: its content) rather than for every case.
    """
    found = _UNCONDITIONAL.get(rulebook.fingerprint)
    if found is None:
        strata = [tuple(rid for rid in stratum if rulebook.rules[rid].effective == TRUE) for stratum in rulebook.strata]
        found = (strata, tuple(r.id for r in rulebook.assess_rules if r.effective == TRUE))
        _UNCONDITIONAL[rulebook.fingerprint] = found
    return found


def run(matcher: Matcher, rulebook: Rulebook, facts: FactSet) -> Trace:
    """Evaluate one case: derive strata first, then everything else, all in one engine session."""
    try:
        with matcher.session() as session:
            return _evaluate(session, matcher, rulebook, facts)
    except DuplicateFact:
        # A session kept from earlier cases (durable-rules) can mistake a new fact for an old one: its duplicate
        # check compares 32-bit hashes. The failed session was deleted; the case is evaluated again in a new one.
        with matcher.session() as session:
            return _evaluate(session, matcher, rulebook, facts)


def run_many(
    matcher: Matcher, rulebook: Rulebook, cases: Sequence[FactSet], *, per_session: int = 200, used: bool = True
) -> list[Trace]:
    """Evaluate several cases, each to the trace :func:`run` gives it alone, sharing engine sessions where the
    engine allows it (its sessions have ``new_case``). With ``used=False`` the traces' firings name no facts (for
    callers that need only which rules fired; durable-rules then decodes nothing).

    Opening a durable-rules session allocates its whole state (over a megabyte for the shipped rulebook): the first
    fact of every session costs far more than the case itself. Cases of one session are kept apart by the engine
    (each fact names its case) and every rule reads a single fact, so no case sees another. A fact the engine takes
    for a duplicate of another case's (its hash check is 32 bits) is evaluated again alone, in a session of its own.
    """
    traces: dict[int, Trace] = {}
    alone: list[int] = []
    for start in range(0, len(cases), per_session):
        with matcher.session() as session:
            new_case = getattr(session, "new_case", None)
            for i in range(start, min(start + per_session, len(cases))):
                if new_case is None:
                    alone.append(i)
                    continue
                if i > start:
                    new_case()
                try:
                    traces[i] = _evaluate(session, matcher, rulebook, cases[i], used)
                except DuplicateFact:
                    alone.append(i)
    for i in alone:
        traces[i] = run(matcher, rulebook, cases[i])  # with the facts used: a trace names more, never less
    return [traces[i] for i in range(len(cases))]


class DuplicateFact(EngineError):
    """The engine took a fact for one it had seen in the same session."""


def _evaluate(session: Session, matcher: Matcher, rulebook: Rulebook, facts: FactSet, used: bool = True) -> Trace:
    values: dict[str, FactValue] = dict(facts.values)
    fired: dict[str, Firing] = {}
    derived: dict[str, Any] = {}
    derivations: dict[str, list[str]] = {}
    criteria: dict[str, str] = {}
    strata_defaults, assess_defaults = unconditional(rulebook)
    for k, defaults in enumerate(strata_defaults):
        matched = session.match(f"s{k}", values) if used else session.match(f"s{k}", values, used=False)
        matched.update({rid: {} for rid in defaults})
        for name, used in matched.items():
            fired[name] = Firing(name, used)
        by_fact: dict[str, list[Rule]] = {}
        for name in matched:
            rule = rulebook.rules[name]
            assert rule.derives is not None
            by_fact.setdefault(rule.derives[0], []).append(rule)
        for fact, rules in by_fact.items():
            winners = deciding(rules, rulebook)
            conclusions = {r.derives[1] for r in winners if r.derives}
            if len(conclusions) != 1:
                raise RulebookError(
                    f"rules {', '.join(r.id for r in winners)} derive different values for {fact} with no "
                    "precedence between them (run 'casefile rules check')"
                )
            value = conclusions.pop()
            derived[fact] = value
            values[fact] = value
            derivations[fact] = [r.id for r in winners]
    matched = session.match(ASSESS, values) if used else session.match(ASSESS, values, used=False)
    matched.update({rid: {} for rid in assess_defaults})
    for name, used in matched.items():
        if "#" in name:
            cid, side = name.split("#", 1)
            if criteria.get(cid) not in (None, side):
                raise RulebookError(f"criterion {cid} is both met and not met; its negation is wrong")
            criteria[cid] = side
        else:
            fired[name] = Firing(name, used)
    if getattr(matcher, "checklists", True):  # a matcher built without criteria reports no checklist at all
        for cid in rulebook.criteria:
            criteria.setdefault(cid, "unknown")
    return Trace(
        fired=fired, derived=derived, criteria=criteria, values=values, engine=matcher.name, derivations=derivations
    )


def deciding(rules: list[Rule], rulebook: Rulebook) -> list[Rule]:
    """The fired rules that no other fired rule overrides (directly or through a chain)."""
    if len(rules) < 2:
        return list(rules)
    ids = {r.id for r in rules}
    beaten: set[str] = set()
    for rid in ids:
        beaten |= rulebook.defeats[rid] & ids
    return [r for r in rules if r.id not in beaten]


def iter_patterns(rulebook: Rulebook, stage: str) -> Iterator[Pattern]:
    return (p for p in patterns(rulebook) if p.stage == stage)
