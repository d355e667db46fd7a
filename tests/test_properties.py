"""What must hold for every valid case, checked with hypothesis on generated case files."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casefile.assessment import assess, decide
from casefile.case import CaseFile
from casefile.conditions import atoms
from casefile.engine import matcher, run
from casefile.engine.reference import ReferenceMatcher
from casefile.facts import CASE_FACTS, facts_of
from casefile.results import Assessment
from casefile.rulebook import JURISDICTIONS

from .strategies import as_of_dates, cases, fill

SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


@SETTINGS
@given(case=cases(), as_of=as_of_dates)
def test_no_valid_case_crashes_and_every_outcome_is_well_formed(book, case: CaseFile, as_of: dt.date) -> None:
    result = assess(case, as_of=as_of, rulebook=book, explain=False)
    assert [j.code for j in result.jurisdictions] == list(JURISDICTIONS)
    for j in result.jurisdictions:
        assert j.outcome in (j.access.outcome, j.practice.outcome)
        for f in j.fired:
            assert f.sources, f"{f.rule} fired without a source"
        assert result.disclaimer


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=cases(), as_of=as_of_dates)
def test_every_assessment_is_a_valid_instance_of_the_output_model(book, case: CaseFile, as_of: dt.date) -> None:
    """casefile builds its output models without validating them (results.py says why); what it builds must pass
    strict validation, and write and read back as JSON unchanged, explanations included."""
    result = assess(case, as_of=as_of, rulebook=book)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pydantic warns when a value does not have its field's type
        dumped = result.model_dump()
        as_json = result.model_dump_json()
    assert Assessment.model_validate(dumped, strict=True).model_dump() == dumped
    assert Assessment.model_validate_json(as_json).model_dump_json() == as_json


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=cases(), as_of=as_of_dates)
def test_thousands_of_cases_in_one_process_leave_no_state_behind(book, case: CaseFile, as_of: dt.date) -> None:
    """More cases than durable-rules' 1024 live sessions; each session is deleted, so none leaks."""
    m = matcher(book)
    first = run(m, book, facts_of(case, as_of))
    again = run(m, book, facts_of(case, as_of))
    assert first.fired.keys() == again.fired.keys()
    assert first.criteria == again.criteria


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(batch=st.lists(st.tuples(cases(), as_of_dates), min_size=2, max_size=6))
def test_results_do_not_depend_on_order_or_on_cases_evaluated_before(book, batch) -> None:
    forward = [assess(c, as_of=d, rulebook=book, explain=False).model_dump() for c, d in batch]
    backward = [assess(c, as_of=d, rulebook=book, explain=False).model_dump() for c, d in reversed(batch)]
    assert forward == list(reversed(backward))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=cases(), as_of=as_of_dates, subset=st.lists(st.sampled_from(JURISDICTIONS), min_size=1, unique=True))
def test_results_do_not_depend_on_the_jurisdiction_filter(book, case, as_of, subset) -> None:
    everything = assess(case, as_of=as_of, rulebook=book, explain=False)
    some = assess(case, as_of=as_of, rulebook=book, jurisdictions=subset, explain=False)
    for j in some.jurisdictions:
        assert j == everything.jurisdiction(j.code)


FILLABLE = [p for p, s in CASE_FACTS.items() if not s.computed and p != "journey.entry_date"]


def test_no_rule_tests_for_unknown_itself(book) -> None:
    """The monotonicity below relies on it: no rule says 'if this is unknown'."""
    for rule in book.rules.values():
        assert all(a.op != "unknown" for a in atoms(rule.effective)), rule.id


@pytest.mark.slow
@SETTINGS
@given(case=cases(), as_of=as_of_dates, data=st.data())
def test_unknown_is_never_treated_as_false(book, case: CaseFile, as_of: dt.date, data) -> None:
    """A rule that fires while a fact is unknown fires whatever the fact turns out to be.

    (The journey's place and dates are left out: where they are unknown, access and Dublin are judged on another
    date (product.md), so filling them in moves the date a rule is judged on rather than a fact it reads.)
    """
    moves_dates = {"person.birth_date", "journey.entry_date", "journey.application_date", "journey.application_place"}
    unknown = [p for p in FILLABLE if facts_of(case, as_of).get(p) is None and p not in moves_dates]
    if not unknown:
        return
    path = data.draw(st.sampled_from(unknown))
    spec = CASE_FACTS[path]
    value = data.draw(
        {
            "bool": st.booleans(),
            "enum": st.sampled_from(spec.values or ("x",)),
            "list": st.lists(st.sampled_from(spec.values or ("BY", "GE")), unique=True, max_size=3),
            "int": st.integers(0, 90),
            "date": st.dates(dt.date(1960, 1, 1), dt.date(2026, 6, 30)),
            "text": st.sampled_from(["RU", "BY", "FI"]),
        }[spec.kind]
    )
    filled = fill(case, path, value)
    if filled is None:
        return
    m = ReferenceMatcher(book)
    before = run(m, book, facts_of(case, as_of))
    after = run(m, book, facts_of(filled, as_of))
    assert set(before.fired) <= set(after.fired), f"filling {path}={value!r} un-fired a rule"
    for cid, status in before.criteria.items():
        if status != "unknown":
            assert after.criteria[cid] == status


@pytest.mark.slow
@SETTINGS
@given(case=cases(), as_of=as_of_dates)
def test_precedence_is_never_ambiguous(book, case: CaseFile, as_of: dt.date) -> None:
    trace = run(matcher(book), book, facts_of(case, as_of))
    for code in JURISDICTIONS:
        d = decide(trace, book, code)  # raises RulebookError if two deciding rules disagree
        for rules in (
            d.access_rules,
            d.practice_rules,
            d.standard_rules,
            d.standard_access_rules,
            d.responsibility_rules,
        ):
            assert len({book.rules[r].outcome for r in rules}) == 1


@pytest.mark.slow
@SETTINGS
@given(case=cases(), as_of=as_of_dates, place=st.sampled_from(["border", "territory"]))
def test_a_claim_at_the_border_or_on_the_territory_always_reaches_a_procedure_in_the_standard_lens(
    book, case: CaseFile, as_of: dt.date, place: str
) -> None:
    filled = fill(case, "journey.application_place", place)
    if filled is None or filled.person.citizenship not in (None, "RU"):
        return
    result = assess(filled, as_of=as_of, rulebook=book, explain=False)
    for j in result.jurisdictions:
        assert j.standard.outcome != "not_assessed", f"{j.code}: {j.standard.rules}"
        assert j.standard.access is not None and j.standard.access.outcome == "access_to_procedure", j.code
        if j.access.outcome in ("entry_barred", "not_received"):
            assert j.tension and "access" in j.tension_in, f"{j.code}: a barred claim must show its tension"


@pytest.mark.slow
@SETTINGS
@given(case=cases(), as_of=as_of_dates)
def test_a_political_prosecution_is_never_refused_in_practice(book, case: CaseFile, as_of: dt.date) -> None:
    """Review #2: rules written for draft evaders never refuse a person prosecuted for anti-war expression."""
    filled = fill(case, "dissent.prosecution", ["cc_207_3"])
    if filled is None or filled.person.citizenship not in (None, "RU"):
        return
    if filled.military.personal_involvement_indication:
        return
    result = assess(filled, as_of=as_of, rulebook=book, explain=False)
    for j in result.jurisdictions:
        assert j.practice.outcome != "refusal_likely", f"{j.code}: {j.practice.rules}"
        if j.practice.if_reached is not None:
            assert j.practice.if_reached != "refusal_likely", f"{j.code}: {j.practice.rules}"


@pytest.mark.slow
@SETTINGS
@given(case=cases(), as_of=as_of_dates)
def test_receiving_a_call_up_never_makes_the_practice_outcome_worse(book, case: CaseFile, as_of: dt.date) -> None:
    """Review #1: a call-up is never a reason to be treated worse than a man who was not called up."""
    from casefile.rulebook import FAVOURABILITY

    base = case.model_copy(
        update={
            "military": case.military.model_copy(
                update={"call_up_purpose": None, "call_up_delivery": None, "draft_notice_date": None}
            )
        }
    )
    with_call_up, without = (
        fill(base, "military.draft_notice_received", True),
        fill(base, "military.draft_notice_received", False),
    )
    if with_call_up is None or without is None:
        return
    a = assess(with_call_up, as_of=as_of, rulebook=book, explain=False)
    b = assess(without, as_of=as_of, rulebook=book, explain=False)
    for ja, jb in zip(a.jurisdictions, b.jurisdictions, strict=True):
        pa = ja.practice.if_reached or ja.practice.outcome
        pb = jb.practice.if_reached or jb.practice.outcome
        if "exclusion_review" in (pa, pb) or "not_assessed" in (pa, pb):
            continue
        assert FAVOURABILITY[pa] >= FAVOURABILITY[pb], f"{ja.code}: {pa} ({ja.practice.rules}) < {pb}"


@pytest.mark.slow
@SETTINGS
@given(case=cases(), as_of=as_of_dates)
def test_only_an_indication_of_personal_involvement_leads_to_an_exclusion_review(
    book, case: CaseFile, as_of: dt.date
) -> None:
    """Review #3: a unit's link to war crimes is an inclusion fact; exclusion needs the person's own involvement."""
    result = assess(case, as_of=as_of, rulebook=book, explain=False)
    involved = case.military.personal_involvement_indication is True
    for j in result.jurisdictions:
        for lens in (j.practice.outcome, j.practice.if_reached, j.standard.outcome):
            assert (lens == "exclusion_review") <= involved, j.code
