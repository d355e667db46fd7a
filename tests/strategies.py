"""Hypothesis strategies for valid case files: every fact optional, values drawn from the vocabulary.

Contradictory combinations (a deserter who never served, an entry before leaving Russia, ...) are rejected by the
case model itself; the strategies keep dates in plausible windows so that most drawn cases are valid.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st
from pydantic import ValidationError

from casefile.case import (
    ApplicationPlace,
    CallUpDelivery,
    CallUpPurpose,
    CaseFile,
    Channel,
    EntryCrossing,
    EntryDocument,
    EntryException,
    EvidenceKind,
    Jurisdiction,
    Profile,
    Prosecution,
    ServiceStatus,
    Sex,
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The value, or None (= left out, unknown)."""
    return st.one_of(st.none(), strategy)


def enum_values(enum: type) -> st.SearchStrategy[str]:
    return st.sampled_from([e.value for e in enum])


def dates(start: dt.date, end: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=start, max_value=end)


POLICY_START = dt.date(2022, 2, 24)
POLICY_END = dt.date(2026, 6, 30)
bools = st.booleans()


def group(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({k: maybe(v) for k, v in fields.items()}).map(
        lambda d: {k: v for k, v in d.items() if v is not None}
    )


person = group(
    {
        "citizenship": st.sampled_from(["RU", "RU", "RU", "BY", "UA"]),
        "sex": enum_values(Sex),
        "birth_date": dates(dt.date(1960, 1, 1), dt.date(2007, 12, 31)),
        "age": st.integers(min_value=16, max_value=65),
        "other_citizenships": st.lists(st.sampled_from(["IL", "DE", "KZ"]), unique=True, max_size=1),
    }
)
military = group(
    {
        "service_status": enum_values(ServiceStatus),
        "draft_notice_received": bools,
        "call_up_purpose": enum_values(CallUpPurpose),
        "call_up_delivery": enum_values(CallUpDelivery),
        "draft_notice_date": dates(dt.date(2022, 1, 1), POLICY_END),
        "deserted": bools,
        "deserted_date": dates(dt.date(2022, 1, 1), POLICY_END),
        "refused_service": bools,
        "conscientious_objector": bools,
        "applied_alternative_service": bools,
        "served_in_ukraine": bools,
        "unit_war_crimes": bools,
        "personal_involvement_indication": bools,
    }
)
dissent = group(
    {
        "public_activism": bools,
        "activism_channels": st.lists(enum_values(Channel), unique=True, max_size=3),
        "public_profile": enum_values(Profile),
        "content_blocked": bools,
        "prosecution": st.lists(enum_values(Prosecution), unique=True, max_size=3),
        "court_summons_received": bools,
        "sur_place_activity": bools,
    }
)
journey = group(
    {
        "left_russia_date": dates(dt.date(2022, 1, 1), dt.date(2025, 12, 31)),
        "application_country": enum_values(Jurisdiction),
        "application_date": dates(dt.date(2022, 1, 1), POLICY_END),
        "application_place": enum_values(ApplicationPlace),
        "transit_countries": st.lists(st.sampled_from(["BY", "GE", "KZ", "TR", "FI", "EE"]), unique=True, max_size=2),
        "entry_crossing": enum_values(EntryCrossing),
        "entry_document": enum_values(EntryDocument),
        "visa_issuer": st.sampled_from(["DE", "NL", "EE", "LV", "LT", "PL", "FI", "FR"]),
        "entry_date": dates(dt.date(2022, 1, 1), POLICY_END),
        "entry_exception": enum_values(EntryException),
        "vulnerable": bools,
    }
)
evidence = maybe(
    st.lists(
        st.fixed_dictionaries({"kind": enum_values(EvidenceKind), "documented": maybe(bools)}).map(
            lambda d: {k: v for k, v in d.items() if v is not None}
        ),
        max_size=3,
    )
)


@st.composite
def case_data(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"case_id": "generated"}
    for name, strat in (("person", person), ("military", military), ("dissent", dissent), ("journey", journey)):
        value = draw(strat)
        if value:
            data[name] = value
    ev = draw(evidence)
    if ev is not None:
        data["evidence"] = ev
    if draw(bools):
        data["as_of"] = draw(dates(POLICY_START, POLICY_END))
    return data


@st.composite
def cases(draw: st.DrawFn) -> CaseFile:
    """A valid case file (contradictory draws are rejected)."""
    data = draw(case_data())
    try:
        return CaseFile.model_validate(data)
    except ValidationError:
        assume(False)
        raise  # pragma: no cover


as_of_dates = dates(POLICY_START, POLICY_END)


def fill(case: CaseFile, path: str, value: Any) -> CaseFile | None:
    """`case` with one fact set (as `whatif --set` would), or None where that contradicts the other facts."""
    data = case.model_dump(mode="python", exclude_none=True)
    group, name = path.split(".")
    data.setdefault(group, {})[name] = value
    try:
        return CaseFile.model_validate(data)
    except ValidationError:
        return None
