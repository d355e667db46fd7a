"""Unknowns that matter, why not, and what would change the outcome — all by re-running the engine.

Real case files are incomplete. For each jurisdiction this module answers three questions, never by guessing:

* **Unknowns that matter.** Every unknown fact is filled in turn with every value that can make a difference (all
  values of a yes/no or a category; for numbers and dates, the values on each side of every threshold the rules
  use) and the case is evaluated again. A fact is listed only if some value changes that jurisdiction's outcome,
  with the outcome for each value.
* **Why not.** For every outcome more favourable than the one reached, the rules that would give it and the
  conditions that failed or are unknown, as sentences ("there is no evidence for …") tied to the rule and its
  sources.
* **What would change it.** The smallest sets of changed facts that move the outcome — one fact where one suffices;
  two facts where no single fact reaches a more favourable outcome ("what would it take") — limited to facts a
  person could plausibly have had otherwise (not a birth date, not a citizenship), ranked from most favourable.
  Each entry is verified by re-running the primary engine.

The search uses the fast reference evaluator; every reported entry is confirmed on the engine the assessment ran
on, and a disagreement is an :class:`EngineError`, never a silent answer.

The search runs in every cold command, so it does no more than it must: a variant's facts are built from the
case's own (refused exactly where validating the whole file would refuse it), only the rules a changed fact can
reach are judged again, each deciding stage is decided once per distinct set of its fired rules, what depends only
on the rulebook is worked out once per rulebook, and the entries to confirm are evaluated together in one engine
session. Property tests (``tests/test_explain_variants.py``) hold each short cut equal to the long way.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from casefile.case import GROUPS, CaseFile, contradictions
from casefile.conditions import All, Atom, Condition, atoms, describe_atom, evaluate_atom, show_value
from casefile.decision import Decision, combine, stage_decision
from casefile.engine import Matcher, Trace, run
from casefile.engine.base import run_many
from casefile.engine.reference import ReferenceMatcher, Variants
from casefile.errors import EngineError
from casefile.facts import CASE_FACTS, COMPUTED_PATHS, FactSet, FactSpec, facts_after, facts_of
from casefile.results import Assessment, Change, Unknown, WhyNot
from casefile.rulebook import ACCESS_FAVOURABILITY, BARRED, DECIDING_STAGES, FAVOURABILITY, Rule, Rulebook

# Facts that stand for others when filled in: the birth date is represented by the age.
NOT_FILLED = {"person.birth_date"}
COMPUTED_FROM: dict[str, tuple[str, ...]] = {
    "dates.access_date": ("journey.entry_date", "journey.application_date", "journey.application_place"),
    "dates.claim_date": ("journey.application_date",),
    "journey.already_on_territory": ("journey.application_place", "journey.entry_date", "journey.application_date"),
    "person.age": ("person.age",),
}
MAX_PAIR_RUNS = 4000
MAX_CHANGES = 8


def favourability(outcome: str) -> int:
    """One scale for headline outcomes: any procedure beats a barred route; within it, the protection order."""
    if outcome in ACCESS_FAVOURABILITY and outcome not in FAVOURABILITY:
        return -10 + ACCESS_FAVOURABILITY[outcome]
    return FAVOURABILITY.get(outcome, 0)


Assignment = tuple[tuple[str, Any], ...]


@dataclass
class Explorer:
    """Evaluates variants of one case on one date, caching results.

    :meth:`unknowns` and :meth:`changes` ask for every entry they report to be confirmed on the primary engine;
    :meth:`confirm` does so for all of them at once, and must be called before the entries are shown.
    """

    case: CaseFile
    book: Rulebook
    as_of: dt.date
    primary: Matcher

    def __post_init__(self) -> None:
        self.search = _search_matcher(self.book)
        self._base: dict[str, Any] | None = None
        self.base_facts = facts_of(self.case, self.as_of)
        self.variants = Variants(self.search, self.book, self.base_facts)
        self.facts: dict[Assignment, FactSet | None] = {}  # each variant's facts; None: not a valid case
        self.cache: dict[Assignment, dict[str, Any] | None] = {}  # searched with the reference evaluator
        self.verified: dict[Assignment, dict[str, Any] | None] = {}  # confirmed on the primary engine
        self.decided: dict[frozenset[str], dict[str, Decision]] = {}  # the rules that fired -> each decision
        self.pending: list[tuple[Assignment, str, str, str]] = []  # entries to confirm on the primary engine
        self.stage_results: dict[tuple[str, str, frozenset[str]], tuple[str, tuple[str, ...]]] = {}
        self.combined: dict[tuple[Any, ...], Decision] = {}  # each stage's result -> the decision
        self.known = known = _per_rulebook(self.book)
        self.inputs = known.inputs
        self.thresholds = known.thresholds
        self.boundaries = known.boundaries
        self._candidates: dict[str, list[Any]] = {}
        self._filled: list[tuple[str, list[tuple[str, Assignment, Mapping[str, Decision]]]]] | None = None
        self._options: list[tuple[Assignment, Mapping[str, Decision]]] | None = None

    # -- evaluation ----------------------------------------------------------------------------------------
    @property
    def base(self) -> dict[str, Any]:
        """The case as plain data (what :meth:`variant` validates again), made when first needed."""
        if self._base is None:
            self._base = self.case.model_dump(mode="python", exclude_none=True)
        return self._base

    def variant(self, assignment: Assignment) -> CaseFile | None:
        """The case with the facts of `assignment` set, validated in full; None if that is not a valid case."""
        data = _deep_copy(self.base)
        for path, value in assignment:
            group, name = path.split(".", 1)
            data.setdefault(group, {})[name] = list(value) if isinstance(value, tuple) else value
        try:
            return CaseFile.model_validate(data)
        except ValidationError:
            return None  # contradictory or invalid: not a case anyone could have

    def variant_facts(self, assignment: Assignment) -> FactSet | None:
        """The facts of :meth:`variant`, without validating the whole case again; None where it is not valid.

        Only two checks can refuse a variant whose other facts were valid: the new value itself (its type, pattern
        or range), checked on its own group's model, and the contradictions between facts, checked on the changed
        case (``case.contradictions``, what the full validation runs). Field paths outside the groups take the full
        path. A property test holds that this gives the same facts, and refuses the same variants, as :meth:`variant`.
        """
        if assignment in self.facts:
            return self.facts[assignment]
        result: FactSet | None
        if not assignment:
            result = self.base_facts
        elif any(path.split(".", 1)[0] not in GROUPS for path, _ in assignment):
            case = self.variant(assignment)
            result = None if case is None else facts_of(case, self.as_of)
        else:
            updates: dict[str, dict[str, Any]] = {}
            for path, value in assignment:
                group, name = path.split(".", 1)
                field_value = _field_value(group, name, value)
                if field_value is _INVALID:
                    updates = {}
                    break
                updates.setdefault(group, {})[name] = field_value
            if not updates:
                result = None
            else:
                case = self.case.model_copy(
                    update={g: getattr(self.case, g).model_copy(update=u) for g, u in updates.items()}
                )
                if contradictions(case):
                    result = None
                else:
                    result = facts_after(self.base_facts, case, [p for p, _ in assignment])
        self.facts[assignment] = result
        return result

    def outcomes(self, assignment: Assignment, matcher: Matcher | None = None) -> dict[str, Any] | None:
        """code -> Decision for a variant, or None if the variant is not a valid case."""
        cache = self.cache if matcher is None else self.verified
        if assignment in cache:
            return cache[assignment]
        facts = self.variant_facts(assignment)
        if facts is None:
            result = None
        else:
            if matcher is None:
                fired = self.variants.fired_for(facts, among=self.may_differ(assignment))
            else:
                fired = frozenset(run(matcher, self.book, facts).fired)
            result = self.decisions(fired)
        cache[assignment] = result
        return result

    @staticmethod
    def may_differ(assignment: Assignment) -> tuple[str, ...]:
        """The facts in which a variant's facts may differ from the case's: those set, and the computed ones."""
        return (*(path for path, _ in assignment), *COMPUTED_PATHS)

    def decisions(self, fired: frozenset[str]) -> dict[str, Decision]:
        """Each jurisdiction's decision from the rules that fired: what :func:`decide` gives (a test holds it so),
        with each deciding stage decided once per distinct set of its rules that fired."""
        found = self.decided.get(fired)
        if found is None:
            found = {}
            for code, stages in self.known.deciders.items():
                results = {}
                for stage, rules in stages.items():
                    key = (code, stage, fired & rules)
                    result = self.stage_results.get(key)
                    if result is None:
                        applying = [self.book.rules[r] for r in sorted(key[2])]
                        result = self.stage_results[key] = stage_decision(applying, self.book, code, stage)
                    results[stage] = result
                whole = tuple(results.values())
                decision = self.combined.get(whole)
                if decision is None:
                    decision = self.combined[whole] = combine(results)
                found[code] = decision
            self.decided[fired] = found
        return found

    def verify(self, assignment: Assignment, code: str, expected: str, part: str = "outcome") -> None:
        """Ask for an entry about to be reported to be confirmed on the primary engine (by :meth:`confirm`)."""
        if self.primary.name != self.search.name:
            self.pending.append((assignment, code, expected, part))

    def confirm(self) -> None:
        """Evaluate every variant :meth:`verify` asked for on the primary engine, all in shared sessions (a
        durable-rules session costs more to open than a case costs to evaluate), and raise EngineError for the
        first entry whose outcome there differs from the search's."""
        pending, self.pending = self.pending, []
        todo = [a for a in dict.fromkeys(a for a, _, _, _ in pending) if a not in self.verified]
        valid: list[tuple[Assignment, FactSet]] = []
        for assignment in todo:
            facts = self.variant_facts(assignment)
            if facts is None:
                self.verified[assignment] = None
            else:
                valid.append((assignment, facts))
        traces = run_many(self.primary, self.book, [facts for _, facts in valid], used=False)
        for (assignment, _), trace in zip(valid, traces, strict=True):
            self.verified[assignment] = self.decisions(frozenset(trace.fired))
        for assignment, code, expected, part in pending:
            checked = self.verified[assignment]
            got = getattr(checked[code], part) if checked else None
            if got != expected:
                raise EngineError(
                    f"the engines disagree for {code} after setting {dict(assignment)}: reference {expected}, "
                    f"{self.primary.name} {got}"
                )

    # -- candidate values ----------------------------------------------------------------------------------
    def current(self, path: str) -> Any:
        """The case's value of a fact field (None where unknown), as the case file holds it."""
        group, name = path.split(".", 1)
        return getattr(getattr(self.case, group), name, None) if group in GROUPS else None

    def candidates(self, path: str) -> list[Any]:
        found = self._candidates.get(path)
        if found is None:
            known = [
                self.current(p) for p in ("journey.left_russia_date", "journey.application_date", "person.birth_date")
            ]
            extra = [d for d in known if isinstance(d, dt.date)]
            found = fact_values(path, self.thresholds, self.boundaries, extra_dates=[*extra, self.as_of])
            self._candidates[path] = found
        return list(found)

    def pair_facts(self, code: str, reached: set[str], better_than: str | None = None) -> set[frozenset[str]]:
        """Pairs of input facts that one rule of `code`, concluding an outcome not yet reached (and, with
        `better_than`, more favourable than that outcome), reads together."""
        out: set[frozenset[str]] = set()
        floor = favourability(better_than) if better_than else None
        for rule in self.book.rules.values():
            if code not in rule.jurisdictions or rule.stage not in ("access", "practice") or rule.outcome in reached:
                continue
            if floor is not None and favourability(rule.outcome or "") <= floor:
                continue
            out |= self.known.pairs[rule.id]
        return out

    def unknown_inputs(self) -> list[str]:
        out = []
        for path in self.inputs:
            if path in NOT_FILLED or self.current(path) is not None:
                continue
            if path == "person.age" and self.current("person.birth_date") is not None:
                continue
            out.append(path)
        return out

    # -- the three questions -------------------------------------------------------------------------------
    def filled(self) -> list[tuple[str, list[tuple[str, Assignment, Mapping[str, Decision]]]]]:
        """Each unknown input with every valid way of filling it in: (value as a key, assignment, decisions).
        The same for every jurisdiction: worked out once."""
        if self._filled is None:
            self._filled = []
            for path in self.unknown_inputs():
                tried = []
                for value in self.candidates(path):
                    assignment = ((path, value),)
                    decisions = self.outcomes(assignment)
                    if decisions is not None:
                        tried.append((_key(value), assignment, decisions))
                self._filled.append((path, tried))
        return self._filled

    def unknowns(self, code: str, now: str, part: str = "outcome") -> list[Unknown]:
        """Unknown facts that change `part` of `code`'s decision ("outcome", or "responsibility" for Dublin)."""
        out: list[Unknown] = []
        for path, tried in self.filled():
            spec = CASE_FACTS[path]
            results: dict[str, str] = {}
            witnesses: dict[str, Assignment] = {}
            for key, assignment, decisions in tried:
                results[key] = getattr(decisions[code], part)
                witnesses[key] = assignment
            if not results or set(results.values()) == {now}:
                continue
            for key, outcome in results.items():
                if outcome != now:
                    self.verify(witnesses[key], code, outcome, part)
            out.append(
                Unknown(
                    fact=path,
                    question=spec.question,
                    if_true=results.get("true") if spec.kind == "bool" else None,
                    if_false=results.get("false") if spec.kind == "bool" else None,
                    outcomes=_compress(results, spec),
                )
            )
        return out

    def options(self) -> list[tuple[Assignment, Mapping[str, Decision]]]:
        """Every valid change of one plausible fact to another value, with its decisions: the same for every
        jurisdiction, worked out once."""
        if self._options is None:
            self._options = []
            for path in self.inputs:
                spec = CASE_FACTS[path]
                if not spec.changeable or path in NOT_FILLED:
                    continue
                current = self.current(path)
                for value in self.candidates(path):
                    if _same(value, current):
                        continue
                    assignment = ((path, value),)
                    decisions = self.outcomes(assignment)
                    if decisions is not None:
                        self._options.append((assignment, decisions))
        return self._options

    def changes(self, code: str, now: str) -> list[Change]:
        """Smallest changes of plausible facts that change `code`'s outcome, most favourable first."""
        singles: list[tuple[Assignment, str]] = []
        options: list[Assignment] = []
        for assignment, decisions in self.options():
            options.append(assignment)
            outcome = decisions[code].outcome
            if outcome != now:
                singles.append((assignment, outcome))
        reached = {o for _, o in singles}
        found: list[tuple[Assignment, str]] = list(singles)
        # Two facts at once, only for outcomes no single change reaches. A new outcome needs some rule concluding
        # it to fire, so only pairs of facts that such a rule reads (directly or through derived facts) can help.
        # Pairs are only sought for improvements: "what would it take" is the question two facts answer.
        wanted = self.pair_facts(code, reached | {now}, better_than=now)
        in_pairs = {f for pair in wanted for f in pair}
        pool = [a for a in options if a[0][0] in in_pairs]
        runs = 0
        for a, b in itertools.combinations(pool, 2):
            if frozenset((a[0][0], b[0][0])) not in wanted:
                continue
            if runs >= MAX_PAIR_RUNS:
                break
            runs += 1
            assignment = tuple(sorted((*a, *b), key=lambda kv: kv[0]))
            decisions = self.outcomes(assignment)
            if decisions is None:
                continue
            outcome = decisions[code].outcome
            if outcome != now and outcome not in reached:
                found.append((assignment, outcome))
        found.sort(key=lambda item: (-favourability(item[1]), len(item[0]), _sort_key(item[0])))
        out: list[Change] = []
        per_outcome: dict[str, int] = {}
        for assignment, outcome in found:
            if per_outcome.get(outcome, 0) >= 3 or len(out) >= MAX_CHANGES:
                continue
            if len(assignment) == 2 and any(o == outcome for a, o in found if len(a) == 1):
                continue
            self.verify(assignment, code, outcome)
            decisions = self.outcomes(assignment)
            assert decisions is not None
            d = decisions[code]
            deciding = list(d.access_rules if d.access in BARRED or outcome in BARRED else d.practice_rules)
            sources = sorted({s for r in deciding for s in self.book.rules[r].sources})
            out.append(
                Change(
                    set={p: _jsonable(v) for p, v in assignment},
                    outcome=outcome,
                    because=deciding,
                    sources=sources,
                    size=len(assignment),
                )
            )
            per_outcome[outcome] = per_outcome.get(outcome, 0) + 1
        return out


def _inputs_of(fact: str, book: Rulebook, seen: frozenset[str] = frozenset()) -> set[str]:
    """The case-file facts behind a fact (itself, its source for computed facts, the inputs of derived facts)."""
    if fact in COMPUTED_FROM:
        return set(COMPUTED_FROM[fact])
    if fact.startswith("derived.") and fact not in seen:
        out: set[str] = set()
        for rule in book.rules.values():
            if rule.derives and rule.derives[0] == fact:
                for a in atoms(rule.effective):
                    out |= _inputs_of(a.fact, book, seen | {fact})
        return out
    return {fact} if fact in CASE_FACTS and not CASE_FACTS[fact].computed else set()


@dataclass(frozen=True)
class _Known:
    """What the search needs to know about a rulebook, whatever the case: worked out once per rulebook."""

    inputs: list[str]
    thresholds: dict[str, set[Any]]
    boundaries: dict[str, set[Any]]
    pairs: dict[str, frozenset[frozenset[str]]]  # rule id -> the pairs of input facts it reads
    deciders: dict[str, dict[str, frozenset[str]]]  # jurisdiction -> deciding stage -> the rules deciding it


_KNOWN: dict[str, _Known] = {}


def _per_rulebook(book: Rulebook) -> _Known:
    """The rulebook's relevant inputs, thresholds, boundaries and read pairs, by its fingerprint (its content).

    The same as :func:`relevant_inputs`, :func:`thresholds`, :func:`boundaries` and :func:`_inputs_of` give (a test
    holds it so), in one pass over the conditions: this runs in every cold command that explains.
    """
    known = _KNOWN.get(book.fingerprint)
    if known is not None:
        return known
    derivers: dict[str, list[Rule]] = {}
    for rule in book.rules.values():
        if rule.derives:
            derivers.setdefault(rule.derives[0], []).append(rule)
    rule_atoms = {rid: list(atoms(rule.effective)) for rid, rule in book.rules.items()}
    behind: dict[str, frozenset[str]] = {}  # derived fact -> the case facts behind it (derivation has no cycles)

    def inputs_of(fact: str) -> frozenset[str] | tuple[str, ...]:
        if fact in COMPUTED_FROM:
            return COMPUTED_FROM[fact]
        if fact.startswith("derived."):
            found = behind.get(fact)
            if found is None:
                behind[fact] = frozenset()  # guards against a cycle, which the rulebook refuses anyway
                out: set[str] = set()
                for rule in derivers.get(fact, ()):
                    for a in rule_atoms[rule.id]:
                        out.update(inputs_of(a.fact))
                found = behind[fact] = frozenset(out)
            return found
        return (fact,) if fact in CASE_FACTS and not CASE_FACTS[fact].computed else ()

    read: set[str] = set()
    tested: dict[str, set[Any]] = {}
    edges: dict[str, set[Any]] = {}
    pairs: dict[str, frozenset[frozenset[str]]] = {}
    for rid, rule in book.rules.items():
        found = rule_atoms[rid]
        if rule.stage in ("access", "practice"):  # the rules pair_facts reads
            inputs: set[str] = set()
            for a in found:
                inputs.update(inputs_of(a.fact))
            pairs[rid] = frozenset(frozenset(p) for p in itertools.combinations(sorted(inputs), 2))
        _collect(found, read, tested, edges)
    for c in book.criteria.values():
        _collect(list(atoms(c.condition)), read, tested, edges)
    relevant: set[str] = set()
    for path in read:
        if path in COMPUTED_FROM:
            relevant.update(COMPUTED_FROM[path])
        elif path in CASE_FACTS and not CASE_FACTS[path].computed:
            relevant.add(path)
    buckets: dict[str, dict[str, set[str]]] = {code: {stage: set() for stage in DECIDING_STAGES} for code in book.names}
    for rule in book.rules.values():
        if rule.stage in DECIDING_STAGES:
            for code in rule.jurisdictions:
                if code in buckets:
                    buckets[code][rule.stage].add(rule.id)
    deciders = {code: {stage: frozenset(ids) for stage, ids in stages.items()} for code, stages in buckets.items()}
    known = _KNOWN[book.fingerprint] = _Known([p for p in CASE_FACTS if p in relevant], tested, edges, pairs, deciders)
    return known


def _collect(found: list[Atom], read: set[str], tested: dict[str, set[Any]], edges: dict[str, set[Any]]) -> None:
    """What :func:`relevant_inputs`, :func:`thresholds` and :func:`boundaries` gather from one condition's atoms."""
    for a in found:
        read.add(a.fact)
        if a.op in ("known", "unknown"):
            continue
        value = a.value
        bucket = tested.setdefault(a.fact, set())
        if isinstance(value, tuple):
            bucket.update(value)
        else:
            bucket.add(value)
        _add_boundary(a, edges)


def _add_boundary(a: Atom, edges: dict[str, set[Any]]) -> None:
    """The values of a number or date where `a`'s answer changes ('at least c' at c, 'above c' at c+1)."""
    value = a.value
    if isinstance(value, bool) or not isinstance(value, int | dt.date):
        return
    step: Any = dt.timedelta(days=1) if isinstance(value, dt.date) else 1
    points = edges.setdefault(a.fact, set())
    if a.op in ("ge", "lt"):
        points.add(value)
    elif a.op in ("gt", "le"):
        points.add(value + step)
    else:
        points.update({value, value + step})


def _search_matcher(book: Rulebook) -> ReferenceMatcher:
    """The reference evaluator without checklists (the search compares outcomes only), compiled once per rulebook."""
    from casefile.engine import matcher

    found = matcher(book, "reference", checklists=False)
    assert isinstance(found, ReferenceMatcher)
    return found


_INVALID = object()
_FIELD_VALUES: dict[tuple[str, str, type, Any], Any] = {}


def _field_value(group: str, name: str, value: Any) -> Any:
    """`value` for the field `name` of `group` as the case model holds it, or _INVALID where the model refuses it
    (a type, pattern or range it does not allow). Checked on the group's model alone: no group has a check that
    reads two fields (contradictions are the case's own check)."""
    key = (group, name, type(value), value)  # True and 1 are equal keys, but not the same value for a field
    found = _FIELD_VALUES.get(key, _MISSING)
    if found is _MISSING:
        if len(_FIELD_VALUES) > 10_000:  # a long-running server sees many cases' dates: stay bounded
            _FIELD_VALUES.clear()
        try:
            model = GROUPS[group].model_validate({name: list(value) if isinstance(value, tuple) else value})
            found = getattr(model, name)
        except ValidationError:
            found = _INVALID
        _FIELD_VALUES[key] = found
    return found


_MISSING = object()


def add_explanations(assessment: Assessment, case: CaseFile, book: Rulebook, primary: Matcher, trace: Trace) -> None:
    explorer = Explorer(case, book, assessment.as_of, primary)
    for j in assessment.jurisdictions:
        j.unknowns = explorer.unknowns(j.code, j.outcome)
        if j.responsibility is not None:
            j.responsibility_unknowns = explorer.unknowns(j.code, j.responsibility.outcome, part="responsibility")
        j.why_not = why_not(book, trace, j.code, j.outcome, j.access.outcome)
        j.what_would_change = explorer.changes(j.code, j.outcome)
    explorer.confirm()  # every entry reported above, on the primary engine


# ----------------------------------------------------------------------------------------------------------------
# Why not


def why_not(book: Rulebook, trace: Trace, code: str, outcome: str, access: str) -> list[WhyNot]:
    """For each more favourable outcome, the rules that would give it and what stopped them."""
    stage = "access" if access in BARRED else "practice"
    now = favourability(outcome)
    fired = set(trace.fired)
    out: list[WhyNot] = []
    for rule in sorted(book.rules_for(code, stage), key=lambda r: (-favourability(r.outcome or ""), r.id)):
        target = rule.outcome or ""
        if favourability(target) <= now:
            continue
        if rule.id in fired:
            winners = [
                o for o in fired if o != rule.id and rule.id in book.defeats[o] and code in book.rules[o].jurisdictions
            ]
            sentence = (
                f"{_nice(target)} under '{rule.title}' ({rule.id}) is not reached: the rule applies, but "
                f"{', '.join(sorted(winners))} takes precedence over it."
            )
            out.append(WhyNot(outcome=target, rule=rule.id, sentence=sentence, sources=list(rule.sources)))
            continue
        failed, unknown = _blockers(rule.effective, trace.values, book.specs, rule)
        parts = []
        if unknown:
            parts.append("there is no evidence for " + " nor for ".join(f"“{u}”" for u in unknown))
        if failed:
            parts.append("; ".join(failed))
        sentence = (
            f"{_nice(target)} under '{rule.title}' ({rule.id}) is not reached: "
            + "; ".join(parts)
            + f". (Sources: {', '.join(rule.sources)})"
        )
        out.append(
            WhyNot(
                outcome=target,
                rule=rule.id,
                sentence=sentence,
                failed=failed,
                unknown=unknown,
                sources=list(rule.sources),
            )
        )
    return out


def _blockers(
    cond: Condition, values: Mapping[str, Any], specs: Mapping[str, FactSpec], rule: Rule
) -> tuple[list[str], list[str]]:
    """The atoms of `cond` that are false, and those that are unknown, in plain words."""
    failed: list[str] = []
    unknown: list[str] = []
    for atom in _relevant_atoms(cond, values):
        result = evaluate_atom(atom, values)
        if result is True:
            continue
        if atom.fact.startswith("dates."):
            span = _window(rule)
            text = f"the rule applies only {span}, and the relevant date is {show_value(values.get(atom.fact))}"
            if text not in failed:
                failed.append(text)
            continue
        words = describe_atom(atom, specs)
        if result is None:
            unknown.append(words)
        else:
            actual = values.get(atom.fact)
            failed.append(f"the rule needs “{words}”, but the case has {show_value(actual)}")
    return failed, unknown


def _relevant_atoms(cond: Condition, values: Mapping[str, Any]) -> Iterable[Atom]:
    """Atoms worth explaining: for an 'any', only those of a branch that is not already false."""
    if isinstance(cond, Atom):
        yield cond
        return
    if isinstance(cond, All):
        for c in cond.items:
            yield from _relevant_atoms(c, values)
        return
    from casefile.conditions import evaluate

    branches = [c for c in cond.items if evaluate(c, values) is not False] or list(cond.items)
    for c in branches:
        yield from _relevant_atoms(c, values)


def _window(rule: Rule) -> str:
    if rule.valid_from and rule.valid_to:
        return f"from {show_value(rule.valid_from)} to {show_value(rule.valid_to)}"
    if rule.valid_from:
        return f"from {show_value(rule.valid_from)}"
    return f"until {show_value(rule.valid_to)}"


# ----------------------------------------------------------------------------------------------------------------
# Which facts matter, and where the thresholds are


def relevant_inputs(book: Rulebook) -> list[str]:
    """Case-file facts that some rule or criterion reads, directly or through derived and computed facts."""
    read: set[str] = set()
    for rule in book.rules.values():
        read |= {a.fact for a in atoms(rule.effective)}
    for c in book.criteria.values():
        read |= {a.fact for a in atoms(c.condition)}
    inputs: set[str] = set()
    for path in read:
        if path in COMPUTED_FROM:
            inputs.update(COMPUTED_FROM[path])
        elif path in CASE_FACTS and not CASE_FACTS[path].computed:
            inputs.add(path)
    # derived facts: their producers' inputs are already in `read`, since derive rules are rules
    return [p for p in CASE_FACTS if p in inputs]


def thresholds(book: Rulebook) -> dict[str, set[Any]]:
    """Constants each fact is compared with anywhere in the rulebook."""
    out: dict[str, set[Any]] = {}
    conds = [r.effective for r in book.rules.values()] + [c.condition for c in book.criteria.values()]
    for cond in conds:
        for a in atoms(cond):
            if a.op in ("known", "unknown"):
                continue
            bucket = out.setdefault(a.fact, set())
            if isinstance(a.value, tuple):
                bucket.update(a.value)
            else:
                bucket.add(a.value)
    return out


def fact_values(
    path: str,
    thresholds: Mapping[str, set[Any]],
    boundaries: Mapping[str, set[Any]],
    *,
    extra_dates: Iterable[dt.date] = (),
) -> list[Any]:
    """Values of a case fact that together cover every case the rules can tell apart.

    Every value of a yes/no or a category; for lists, every combination of the values the rules test (or each one
    alone and all together, when more than four are tested); for numbers and dates, one value per interval between
    the rules' boundaries. `extra_dates` (the case's other dates, the as-of date) are added for dates, together with
    the day after each, so that a date that must follow another has a valid value in every interval.
    """
    spec = CASE_FACTS[path]
    if spec.kind == "bool":
        return [True, False]
    if spec.kind == "enum":
        return list(spec.values)
    if spec.kind == "text":
        if path == "person.citizenship":
            return ["RU", "XX"]
        tested = sorted(str(v) for v in thresholds.get(path, set()))
        return tested or ["XX"]
    if spec.kind == "list":
        used = sorted(str(v) for v in thresholds.get(path, set()))
        if len(used) <= 4:
            return [tuple(c) for k in range(len(used) + 1) for c in itertools.combinations(used, k)]
        return [(), *((v,) for v in used), tuple(used)]
    if spec.kind == "int":
        return sorted(v for v in _representatives(boundaries.get(path, set()), 1) if 0 <= v <= 120)
    if spec.kind == "date":
        points = set(boundaries.get(path, set()))
        for derived_path, sources in COMPUTED_FROM.items():
            if path in sources:
                points |= boundaries.get(derived_path, set())
        values = _representatives(points, dt.timedelta(days=1))
        for day in extra_dates:
            values.update({day, day + dt.timedelta(days=1)})
        return sorted(values)
    return []  # pragma: no cover


def boundaries(book: Rulebook) -> dict[str, set[Any]]:
    """For numbers and dates: the values where some test's answer changes (a test 'at least c' changes at c,
    'above c' at c+1). One value per interval between boundaries covers every case the rules can tell apart."""
    out: dict[str, set[Any]] = {}
    conds = [r.effective for r in book.rules.values()] + [c.condition for c in book.criteria.values()]
    for cond in conds:
        for a in atoms(cond):
            _add_boundary(a, out)
    return out


def _representatives(points: set[Any], step: Any) -> set[Any]:
    """Every boundary, and one value below the lowest: one value from each interval."""
    if not points:
        return set()
    return set(points) | {min(points) - step}


# ----------------------------------------------------------------------------------------------------------------
# helpers


def _key(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _compress(results: dict[str, str], spec: FactSpec) -> dict[str, str]:
    """For dates and numbers, keep only the values where the outcome changes: {"before X": a, "from X": b}."""
    if spec.kind not in ("date", "int"):
        return results
    ordered = sorted(results, key=lambda k: int(k) if spec.kind == "int" else k)
    points: list[tuple[str, str]] = []
    for key in ordered:
        if not points or points[-1][1] != results[key]:
            points.append((key, results[key]))
    if len(points) == 1:
        return {"any value": points[0][1]}
    out = {f"before {points[1][0]}": points[0][1]}
    for key, outcome in points[1:]:
        out[f"from {key}"] = outcome
    return out


def _same(value: Any, current: Any) -> bool:
    if isinstance(value, list) and isinstance(current, list | tuple):
        return sorted(str(v) for v in value) == sorted(str(getattr(v, "value", v)) for v in current)
    return _jsonable(value) == _jsonable(current)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "value") and not isinstance(value, dt.date):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _sort_key(assignment: Assignment) -> tuple[Any, ...]:
    order = list(CASE_FACTS)
    return tuple((order.index(p), str(v)) for p, v in assignment)


def _deep_copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _deep_copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_deep_copy(v) for v in data]
    return data


def _nice(outcome: str) -> str:
    text = outcome.replace("_", " ")
    return text[:1].upper() + text[1:]
