"""The explanations' short cuts give exactly what the long way gives.

The search builds a variant's facts from the case's own (checking only the new value and the contradictions, not
the whole file), re-judges only the rules a changed fact can reach, and confirms its entries on the primary engine
with many variants to one session. Each short cut is compared here with the long way on generated cases: the fully
validated variant, a full run of the evaluator, and one engine session per case.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casefile.case import CaseFile, load_case
from casefile.decision import decide
from casefile.engine import durable_available, matcher, run
from casefile.engine.base import run_many
from casefile.errors import EngineError
from casefile.explain import Explorer, add_explanations
from casefile.facts import CASE_FACTS, facts_of

from .conftest import EXAMPLES
from .strategies import as_of_dates, cases

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
FIELDS = [p for p, spec in CASE_FACTS.items() if not spec.computed]


def odd_value(path: str) -> st.SearchStrategy[Any]:
    """Values a case file may or may not accept for `path`: right ones, wrong types, out of range, repeated."""
    spec = CASE_FACTS[path]
    codes = st.sampled_from(["RU", "FI", "XX", "ru", "R1"])
    return {
        "bool": st.one_of(st.booleans(), st.just(1), st.just("true")),
        "enum": st.sampled_from([*spec.values, "nonsense"]),
        "list": st.lists(st.sampled_from(spec.values) if spec.values else codes, max_size=3).map(tuple),
        "int": st.one_of(st.integers(-2, 125), st.just(True), st.just("30")),
        "date": st.one_of(st.dates(dt.date(1890, 1, 1), dt.date(2110, 12, 31)), st.just("2024-01-01")),
        "text": st.one_of(codes, st.just(7)),
    }[spec.kind]


@st.composite
def assignments(draw: st.DrawFn, explorer: Explorer) -> tuple[tuple[str, Any], ...]:
    """One or two facts set, each to a value the search tries or to any value a file could hold."""
    paths = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2, unique=True))
    out = []
    for path in sorted(paths):
        tried = explorer.candidates(path) if path in explorer.inputs else []
        value = draw(st.sampled_from(tried) if tried and draw(st.booleans()) else odd_value(path))
        out.append((path, value))
    return tuple(out)


def explorer_for(case: CaseFile, as_of: dt.date, book: Any) -> Explorer:
    return Explorer(case, book, as_of, matcher(book, "reference"))


@PROPERTY
@given(case=cases(), as_of=as_of_dates, data=st.data())
def test_a_variant_has_the_facts_of_the_fully_validated_case_and_is_refused_exactly_when_it_is(
    book, case, as_of, data
) -> None:
    explorer = explorer_for(case, as_of, book)
    assignment = data.draw(assignments(explorer))
    full = explorer.variant(assignment)
    fast = explorer.variant_facts(assignment)
    assert (fast is None) == (full is None), f"{assignment}: refused by only one of the two ways"
    if full is not None and fast is not None:
        expected = facts_of(full, as_of)
        assert fast.values == expected.values
        assert fast.warnings == expected.warnings


@PROPERTY
@given(case=cases(), as_of=as_of_dates, data=st.data())
def test_judging_again_only_what_a_variant_changes_fires_the_rules_and_decides_as_a_full_run(
    book, case, as_of, data
) -> None:
    explorer = explorer_for(case, as_of, book)
    for _ in range(3):
        assignment = data.draw(assignments(explorer))
        facts = explorer.variant_facts(assignment)
        if facts is not None:
            trace = run(explorer.search, book, facts)
            full = frozenset(trace.fired)
            assert explorer.variants.fired_for(facts) == full
            assert explorer.variants.fired_for(facts, among=explorer.may_differ(assignment)) == full
            assert explorer.decisions(full) == {code: decide(trace, book, code) for code in book.names}


def _same_trace(a: Any, b: Any) -> None:
    assert a.fired == b.fired
    assert a.derived == b.derived and a.derivations == b.derivations
    assert a.criteria == b.criteria
    assert a.values == b.values


@pytest.mark.skipif(not durable_available(), reason="durable-rules does not import on this Python")
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(many=st.lists(st.tuples(cases(), as_of_dates), min_size=1, max_size=5))
def test_cases_sharing_a_durable_session_get_the_traces_they_get_alone(book, many) -> None:
    primary = matcher(book, "durable-rules")
    facts = [facts_of(case, as_of) for case, as_of in many]
    facts = facts + facts[:2]  # the same facts twice in one session are still two cases
    together = run_many(primary, book, facts, per_session=4)
    names_only = run_many(primary, book, facts, per_session=4, used=False)
    assert len(together) == len(names_only) == len(facts)
    for alone, shared, bare in zip((run(primary, book, f) for f in facts), together, names_only, strict=True):
        _same_trace(alone, shared)
        assert bare.fired.keys() == alone.fired.keys() and bare.derived == alone.derived


def test_every_example_gets_the_same_explanations_from_both_engines(book) -> None:
    """The primary engine confirms what the search found; both engines explain every example alike."""
    from casefile.assessment import assess

    for path in sorted(EXAMPLES.glob("*.yaml")):
        case = load_case(path)
        via_reference = assess(case, rulebook=book, engine=matcher(book, "reference"))
        if durable_available():
            via_durable = assess(case, rulebook=book, engine=matcher(book, "durable-rules"))
            a = via_reference.model_dump(exclude={"engine"})
            b = via_durable.model_dump(exclude={"engine"})
            assert a == b, path.name


class _Contrary:
    """A primary engine that finds what the reference finds, except that military.deserted is ignored."""

    name = "contrary"
    checklists = True

    def __init__(self, book: Any) -> None:
        self.inner = matcher(book, "reference")

    @contextmanager
    def session(self):  # type: ignore[no-untyped-def]
        with self.inner.session() as s:
            yield _IgnoreDesertion(s)


class _IgnoreDesertion:
    def __init__(self, session: Any) -> None:
        self.session = session

    def match(self, stage: str, values: Any, **options: Any) -> Any:
        return self.session.match(stage, {k: v for k, v in values.items() if k != "military.deserted"}, **options)


def test_an_entry_the_primary_engine_does_not_confirm_is_an_engine_error(book) -> None:
    case = load_case(EXAMPLES / "andrei.yaml")
    from casefile.assessment import assess

    plain = assess(case, rulebook=book, explain=False)
    trace = run(matcher(book, "reference"), book, facts_of(case, plain.as_of))
    with pytest.raises(EngineError, match="the engines disagree"):
        add_explanations(plain, case, book, _Contrary(book), trace)


def test_what_is_worked_out_once_per_rulebook_is_what_the_slow_functions_give(book) -> None:
    import itertools

    from casefile.conditions import atoms
    from casefile.explain import _inputs_of, _per_rulebook, boundaries, relevant_inputs, thresholds

    known = _per_rulebook(book)
    assert known.inputs == relevant_inputs(book)
    assert known.thresholds == thresholds(book)
    assert known.boundaries == boundaries(book)
    for rule in book.rules.values():
        if rule.stage in ("access", "practice"):
            inputs = set().union(*(_inputs_of(a.fact, book) for a in atoms(rule.effective)))
            assert known.pairs[rule.id] == {frozenset(p) for p in itertools.combinations(sorted(inputs), 2)}, rule.id


@pytest.mark.skipif(not durable_available(), reason="durable-rules does not import on this Python")
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(many=st.lists(st.tuples(cases(), as_of_dates), min_size=2, max_size=6))
def test_a_kept_durable_session_gives_each_case_the_trace_a_new_session_gives(book, many) -> None:
    from casefile.engine import durable_engine

    primary = matcher(book, "durable-rules")
    facts = [facts_of(case, as_of) for case, as_of in many]
    kept = [run(primary, book, f) for f in facts]
    saved = durable_engine.CASES_PER_SESSION
    durable_engine.CASES_PER_SESSION = 1  # every session deleted after its case
    try:
        primary.spare = None
        fresh = [run(primary, book, f) for f in facts]
    finally:
        durable_engine.CASES_PER_SESSION = saved
    for a, b in zip(kept, fresh, strict=True):
        _same_trace(a, b)


@pytest.mark.skipif(not durable_available(), reason="durable-rules does not import on this Python")
def test_a_durable_session_that_raised_is_not_kept(book) -> None:
    primary = matcher(book, "durable-rules")
    facts = facts_of(load_case(EXAMPLES / "andrei.yaml"), dt.date(2024, 6, 1))
    before = run(primary, book, facts)
    assert primary.spare is not None  # kept for the next case
    with pytest.raises(RuntimeError), primary.session():
        raise RuntimeError("a case failed half-way")
    assert primary.spare is None
    _same_trace(run(primary, book, facts), before)
