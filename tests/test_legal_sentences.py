"""The legal sentences of tests/legal/sentences.yaml: what the rulebook must teach, each resting on named facts.

Every sentence builds a case from a Russian man plus the facts it gives, assesses it on its date, and checks the
parts of the outcome it names. Every fact id a sentence rests on must exist in the source registry, so a sentence
cannot claim a source the rulebook does not have.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from casefile.assessment import assess
from casefile.case import CaseFile
from casefile.rulebook import default_rulebook

SENTENCES = yaml.safe_load((Path(__file__).parent / "legal" / "sentences.yaml").read_text(encoding="utf-8"))


def _case(facts: dict[str, Any], index: int) -> CaseFile:
    data: dict[str, Any] = {"case_id": f"sentence-{index}", "person": {"citizenship": "RU", "sex": "male"}}
    for group, values in facts.items():
        data.setdefault(group, {}).update(values)
    return CaseFile.model_validate(data)


def test_there_are_enough_sentences_and_each_names_its_facts() -> None:
    assert len(SENTENCES) >= 60
    book = default_rulebook()
    for s in SENTENCES:
        assert s["rests_on"], s["name"]
        for fact in s["rests_on"]:
            assert fact in book.sources.facts, f"{s['name']}: unknown fact {fact}"


@pytest.mark.parametrize("index", range(len(SENTENCES)), ids=[s["name"][:90] for s in SENTENCES])
def test_sentence(index: int) -> None:
    s = SENTENCES[index]
    as_of = s["as_of"] if isinstance(s["as_of"], dt.date) else dt.date.fromisoformat(s["as_of"])
    result = assess(_case(s.get("case") or {}, index), as_of=as_of, explain=False)
    for code, want in s["expect"].items():
        j = result.jurisdiction(code)
        got = {
            "outcome": j.outcome,
            "access": j.access.outcome,
            "practice": j.practice.outcome,
            "standard": j.standard.outcome,
            "standard_access": j.standard.access.outcome if j.standard.access else None,
            "responsibility": j.responsibility.outcome if j.responsibility else None,
            "transfer_to": j.responsibility.transfer_to if j.responsibility else None,
            "tension": j.tension,
        }
        fired = {f.rule for f in j.fired}
        for key, value in want.items():
            if key == "fired":
                missing = set(value) - fired
                assert not missing, f"{code}: {sorted(missing)} did not fire ({s['name']})"
            else:
                assert got[key] == value, f"{code} {key}: {got[key]} != {value} ({s['name']})"


def _days_tested() -> set[dt.date]:
    """Every date a sentence assesses on or gives as an event date (entry, application, desertion)."""
    days: set[dt.date] = set()
    for s in SENTENCES:
        days.add(s["as_of"])
        case = s.get("case") or {}
        for group, name in (
            ("journey", "application_date"),
            ("journey", "entry_date"),
            ("military", "deserted_date"),
        ):
            if name in case.get(group, {}):
                days.add(case[group][name])
    return days


def test_every_dated_boundary_has_sentences_on_both_sides() -> None:
    """A rule's validity window is tested on its first and last day and on the day beyond each (issue 9)."""
    days = _days_tested()
    one = dt.timedelta(days=1)
    missing = []
    for rule in default_rulebook().rules.values():
        if rule.valid_from and not {rule.valid_from, rule.valid_from - one} <= days:
            missing.append(f"{rule.id} from {rule.valid_from}")
        if rule.valid_to and not {rule.valid_to, rule.valid_to + one} <= days:
            missing.append(f"{rule.id} to {rule.valid_to}")
    assert not missing, "dated boundaries without a sentence on both sides: " + "; ".join(missing)
