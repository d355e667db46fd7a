"""Unknowns, why not and what would change it: what they promise, checked on generated cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casefile.assessment import assess
from casefile.case import CaseFile, load_case
from casefile.explain import NOT_FILLED, relevant_inputs
from casefile.facts import CASE_FACTS

from .conftest import EXAMPLES
from .strategies import as_of_dates, cases, fill

SLOW = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def value_for(path: str) -> st.SearchStrategy[Any]:
    spec = CASE_FACTS[path]
    return {
        "bool": st.booleans(),
        "enum": st.sampled_from(spec.values or ("x",)),
        "list": st.lists(st.sampled_from(spec.values), unique=True, max_size=4) if spec.values else st.just([]),
        "int": st.integers(0, 100),
        "date": st.dates(dt.date(2021, 1, 1), dt.date(2026, 12, 31)),
        "text": st.sampled_from(["RU", "BY", "KZ"]),
    }[spec.kind]


def unknown_inputs(case: CaseFile, book) -> list[str]:
    out = []
    for path in relevant_inputs(book):
        if path in NOT_FILLED:
            continue
        group, name = path.split(".")
        if getattr(getattr(case, group), name) is not None:
            continue
        if path == "person.age" and case.person.birth_date is not None:
            continue
        out.append(path)
    return out


@SLOW
@given(case=cases(), as_of=as_of_dates, data=st.data())
def test_filling_an_unknown_gives_an_outcome_the_explanation_predicted(book, case, as_of, data) -> None:
    result = assess(case, as_of=as_of, rulebook=book)
    candidates = unknown_inputs(case, book)
    if not candidates:
        return
    path = data.draw(st.sampled_from(candidates))
    filled = fill(case, path, data.draw(value_for(path)))
    if filled is None:
        return
    after = assess(filled, as_of=as_of, rulebook=book, explain=False)
    for j in result.jurisdictions:
        listed = {u.fact: u for u in j.unknowns}
        now = after.jurisdiction(j.code).outcome
        if path in listed:
            assert now in listed[path].outcomes.values(), f"{j.code}: {path} gave {now}, not predicted"
        else:
            assert now == j.outcome, f"{j.code}: filling unlisted {path} changed {j.outcome} to {now}"


@SLOW
@given(case=cases(), as_of=as_of_dates)
def test_every_what_would_change_entry_does_what_it_says(book, case, as_of) -> None:
    result = assess(case, as_of=as_of, rulebook=book)
    for j in result.jurisdictions:
        for change in j.what_would_change:
            changed = case
            for path, value in change.set.items():
                changed = fill(changed, path, value)
                assert changed is not None, f"{change.set} is not a valid case"
            after = assess(changed, as_of=as_of, rulebook=book, jurisdictions=[j.code], explain=False)
            assert after.jurisdiction(j.code).outcome == change.outcome
            assert change.outcome != j.outcome
            for path in change.set:
                assert CASE_FACTS[path].changeable, f"{path} is not something a person could plausibly change"


@SLOW
@given(case=cases(), as_of=as_of_dates)
def test_why_not_only_names_more_favourable_outcomes_and_cites_the_rule(book, case, as_of) -> None:
    from casefile.explain import favourability

    result = assess(case, as_of=as_of, rulebook=book)
    for j in result.jurisdictions:
        for w in j.why_not:
            assert favourability(w.outcome) > favourability(j.outcome)
            assert w.rule in book.rules and w.sources
            assert w.rule in w.sentence


def test_what_would_change_prefers_one_fact_and_orders_by_favourability(book) -> None:
    from casefile.explain import favourability

    result = assess(load_case(EXAMPLES / "andrei.yaml"), rulebook=book)
    de = result.jurisdiction("DE").what_would_change
    assert all(c.size == 1 for c in de)
    scores = [favourability(c.outcome) for c in de]
    assert scores == sorted(scores, reverse=True)


def test_two_facts_are_proposed_only_where_no_single_fact_reaches_that_outcome(book) -> None:
    case = load_case(EXAMPLES / "reservist-not-called-up.yaml")
    for j in assess(case, rulebook=book).jurisdictions:
        singles = {c.outcome for c in j.what_would_change if c.size == 1}
        for c in j.what_would_change:
            if c.size == 2:
                assert c.outcome not in singles


def test_unknowns_that_cannot_matter_are_not_listed(book) -> None:
    """Andrei's court summons is unknown-free, and facts no rule reads are never asked about."""
    result = assess(load_case(EXAMPLES / "andrei.yaml"), rulebook=book)
    read = set(relevant_inputs(book))
    for j in result.jurisdictions:
        for u in j.unknowns:
            assert u.fact in read
            assert len(set(u.outcomes.values())) > 1 or next(iter(u.outcomes.values())) != j.outcome
