"""Two engines, one rulebook: durable-rules and the reference evaluator must agree on every case.

The reference evaluator interprets the rule files directly; the durable-rules matcher compiles them to a Rete
network. On thousands of generated cases they must fire the same rules with the same matched facts, derive the
same facts, give the same checklists and the same outcomes in every jurisdiction.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from casefile.assessment import decide
from casefile.case import CaseFile
from casefile.engine import durable_available, run
from casefile.engine.reference import ReferenceMatcher
from casefile.facts import facts_of
from casefile.rulebook import JURISDICTIONS

from .strategies import as_of_dates, cases

pytestmark = pytest.mark.skipif(not durable_available(), reason="durable-rules does not import on this Python")


def compare(book, case: CaseFile, as_of: dt.date) -> None:
    from casefile.engine.durable_engine import matcher_for

    facts = facts_of(case, as_of)
    a = run(matcher_for(book), book, facts)
    b = run(ReferenceMatcher(book), book, facts)
    assert a.fired.keys() == b.fired.keys(), sorted(set(a.fired) ^ set(b.fired))
    for rule in a.fired:
        assert a.fired[rule].facts == b.fired[rule].facts, rule
    assert a.derived == b.derived
    assert a.criteria == b.criteria
    for code in JURISDICTIONS:
        assert decide(a, book, code) == decide(b, book, code)


@pytest.mark.slow
@settings(max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=cases(), as_of=as_of_dates)
def test_durable_rules_and_the_reference_evaluator_agree(book, case: CaseFile, as_of: dt.date) -> None:
    compare(book, case, as_of)


def test_they_agree_on_every_example_on_every_policy_date(book) -> None:
    from casefile.case import load_case
    from casefile.timeline import change_dates

    from .conftest import EXAMPLES

    for path in sorted(EXAMPLES.glob("*.yaml")):
        case = load_case(path)
        for day in change_dates(case, book, book.meta.period_start, dt.date(2026, 12, 31)):
            compare(book, case, day)
