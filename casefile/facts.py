"""The fact vocabulary the rules can speak about, and the flat fact set of one case on one date.

Rules do not read the nested case file; they read *facts* named by dotted paths (``military.deserted``,
``journey.entry_date``). This module lists every fact with its kind (bool, enum, int, date, list), allowed values,
the plain label and question shown to users, and whether a person could plausibly have had it otherwise. It
flattens a :class:`CaseFile` into a :class:`FactSet` on a given as-of date, adding the computed facts
``person.age`` (from the birth date), ``dates.as_of`` and ``dates.access_date`` (the entry date, or the as-of date
where none is given). An unknown fact is simply absent: it is never ``None`` and never ``False``.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from casefile.case import GROUPS, CaseFile, EvidenceKind, age_on

FactKind = Literal["bool", "enum", "int", "date", "list", "text"]
FactValue = bool | str | int | dt.date | tuple[str, ...]


@dataclass(frozen=True)
class FactSpec:
    """One fact the rules may test."""

    path: str
    kind: FactKind
    label: str
    question: str
    values: tuple[str, ...] = ()
    changeable: bool = True
    computed: bool = False
    description: str = ""
    meanings: tuple[tuple[str, str], ...] = ()
    recorded_only: str = ""

    @property
    def key(self) -> str:
        """The flat key used inside the inference engine (durable-rules keys cannot contain dots safely)."""
        return engine_key(self.path)


def engine_key(path: str) -> str:
    return path.replace(".", "__")


def _kind_of(annotation: Any) -> tuple[FactKind, tuple[str, ...]]:
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    base = args[0]
    origin = typing.get_origin(base)
    if origin is typing.Annotated:
        base = typing.get_args(base)[0]
        origin = typing.get_origin(base)
    if origin in (list, typing.List):  # noqa: UP006
        (item,) = typing.get_args(base)
        if typing.get_origin(item) is typing.Annotated:  # a list of codes (e.g. ISO countries): any text
            return "list", ()
        return "list", tuple(v.value for v in item)
    if isinstance(base, type) and issubclass(base, StrEnum):
        return "enum", tuple(v.value for v in base)
    if base is bool:
        return "bool", ()
    if base is int:
        return "int", ()
    if base is dt.date:
        return "date", ()
    if base is str or isinstance(base, types.UnionType):
        return "text", ()
    raise TypeError(f"unsupported fact type {annotation!r}")  # pragma: no cover - caught by tests


def _case_facts() -> dict[str, FactSpec]:
    specs: dict[str, FactSpec] = {}
    for group, model in GROUPS.items():
        for name, info in model.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            kind, values = _kind_of(info.annotation)
            if group == "person" and name == "citizenship":
                kind = "text"
            path = f"{group}.{name}"
            specs[path] = FactSpec(
                path=path,
                kind=kind,
                values=values,
                label=str(extra.get("label") or info.description or name),
                question=str(extra.get("question") or info.description or name),
                changeable=bool(extra.get("changeable", True)),
                description=info.description or "",
                meanings=tuple(dict(extra.get("x-value-meanings") or {}).items()),
                recorded_only=str(extra.get("x-recorded-only") or ""),
            )
    specs["evidence.documented_kinds"] = FactSpec(
        path="evidence.documented_kinds",
        kind="list",
        values=tuple(k.value for k in EvidenceKind),
        label="Documented evidence",
        question="Which evidence is documented (draft notice, court summons, blocking notice, article, livestream, "
        "military ID, other)?",
        description="Kinds of evidence with documented: true (computed from the evidence list)",
        computed=True,
    )
    specs["dates.as_of"] = FactSpec(
        "dates.as_of",
        "date",
        "Assessment date",
        "On which date is the case assessed?",
        changeable=False,
        computed=True,
        description="The as-of date of the assessment",
    )
    specs["dates.access_date"] = FactSpec(
        "dates.access_date",
        "date",
        "Date access is judged on",
        "On what date did (or would) the person arrive?",
        changeable=False,
        computed=True,
        description="The date access is judged on (product.md): the entry date; where none is given, the "
        "application date for a claim at the border or on the territory; else the as-of date",
    )
    specs["dates.claim_date"] = FactSpec(
        "dates.claim_date",
        "date",
        "Date of the claim",
        "When was (or would) the claim be made?",
        changeable=False,
        computed=True,
        description="The application date where known, else the as-of date (Dublin responsibility is allocated by "
        "the rules in force when the claim is registered)",
    )
    specs["journey.already_on_territory"] = FactSpec(
        "journey.already_on_territory",
        "bool",
        "Already on the territory",
        "Is the person already on the territory, having entered and applied there?",
        changeable=False,
        computed=True,
        description="The application is made on the territory and the person has entered (an entry date, or the "
        "territorial application itself, on or before the as-of date); unknown where the place or the dates are "
        "unknown (F11: such a person reaches the procedure whatever route he used)",
    )
    return specs


CASE_FACTS: dict[str, FactSpec] = _case_facts()
"""Every fact a case file gives or implies. Derived facts (``derived.*``) are declared by the rulebook."""


@dataclass
class FactSet:
    """The known facts of one case on one as-of date. Unknown facts are absent."""

    values: dict[str, FactValue]
    as_of: dt.date
    warnings: list[str] = field(default_factory=list)

    def get(self, path: str) -> FactValue | None:
        return self.values.get(path)

    def known(self, path: str) -> bool:
        return path in self.values


def facts_of(case: CaseFile, as_of: dt.date) -> FactSet:
    """Flatten a case into facts on `as_of`, adding computed facts."""
    values: dict[str, FactValue] = {}
    for group in GROUPS:
        model = getattr(case, group)
        for name in type(model).model_fields:
            value = getattr(model, name)
            if value is not None:
                values[f"{group}.{name}"] = _fact_value(value)
    return FactSet(values=values, as_of=as_of, warnings=_add_computed(case, as_of, values))


def facts_after(before: FactSet, case: CaseFile, changed: Iterable[str]) -> FactSet:
    """The facts of `case`, a copy of the case whose facts are `before` with only the fields `changed` set
    otherwise: those fields and the computed facts are worked out again, the rest is taken from `before`.

    The same facts as ``facts_of(case, before.as_of)`` (a property test holds it so), without flattening every field
    again: for the explanations, which evaluate dozens of variants of one case.
    """
    values = dict(before.values)
    for path in COMPUTED_PATHS:
        values.pop(path, None)
    for path in (*_COMPUTED_FIELDS, *changed):  # a computed fact that is also a field starts from the field
        group, name = path.split(".", 1)
        value = getattr(getattr(case, group), name)
        if value is None:
            values.pop(path, None)
        else:
            values[path] = _fact_value(value)
    return FactSet(values=values, as_of=before.as_of, warnings=_add_computed(case, before.as_of, values))


COMPUTED_PATHS = (
    "person.age",
    "evidence.documented_kinds",
    "dates.as_of",
    "dates.access_date",
    "dates.claim_date",
    "journey.already_on_territory",
)


_COMPUTED_FIELDS = tuple(  # computed facts that a case file may also give (the age, without a birth date)
    p
    for p in COMPUTED_PATHS
    if p.split(".", 1)[0] in GROUPS and p.split(".", 1)[1] in GROUPS[p.split(".", 1)[0]].model_fields
)


def _fact_value(value: Any) -> FactValue:
    """A field's value as a fact: lists as sorted tuples of plain values, categories as their names."""
    if isinstance(value, list):
        return tuple(sorted(getattr(v, "value", v) for v in value))
    if isinstance(value, StrEnum):
        return value.value
    return value  # type: ignore[no-any-return]


def _add_computed(case: CaseFile, as_of: dt.date, values: dict[str, FactValue]) -> list[str]:
    """Add the computed facts (age, documented evidence, the dates access and the claim are judged on, being on
    the territory) to `values`; return the warnings they give."""
    warnings: list[str] = []
    person = case.person
    if person.birth_date is not None:
        values["person.age"] = age_on(person.birth_date, as_of)
    elif person.age is not None:
        ref = case.reference_date()
        if ref is not None and ref != as_of:
            shifted = person.age + _whole_years_between(ref, as_of)
            if shifted != person.age:
                warnings.append(
                    f"The case gives age {person.age} on {ref} but no birth date; on {as_of} the age is taken as "
                    f"about {shifted}. Give person.birth_date for exact dates."
                )
            values["person.age"] = max(shifted, 0)
    if case.evidence is not None:
        values["evidence.documented_kinds"] = tuple(sorted({e.kind.value for e in case.evidence if e.documented}))
    values["dates.as_of"] = as_of
    access_day, _ = access_date(case, as_of)
    values["dates.access_date"] = access_day
    values["dates.claim_date"] = case.journey.application_date or as_of
    on_territory = already_on_territory(case, as_of)
    if on_territory is not None:
        values["journey.already_on_territory"] = on_territory
    return warnings


def access_date(case: CaseFile, as_of: dt.date) -> tuple[dt.date, str]:
    """The date access is judged on, and why (product.md): the entry date; where none is given, the application
    date for a claim at the border or on the territory; else the as-of date."""
    j = case.journey
    if j.entry_date is not None:
        return j.entry_date, "the entry date"
    place = j.application_place.value if j.application_place is not None else None
    if j.application_date is not None and place in ("border", "territory"):
        where = "at the border" if place == "border" else "on the territory"
        return j.application_date, f"the date of the application {where} (no entry date is given)"
    return as_of, "the assessment date (no entry or application date is given)"


def already_on_territory(case: CaseFile, as_of: dt.date) -> bool | None:
    """True where the person applied on the territory after entering it by the as-of date (F11: the procedure is
    reached whatever route was used); False where the route is still to be taken; None where unknown."""
    j = case.journey
    if j.application_place is None:
        return None
    if j.application_place.value != "territory":
        return False
    if j.entry_date is not None:
        return j.entry_date <= as_of
    if j.application_date is not None:
        return j.application_date <= as_of
    return None


def _whole_years_between(a: dt.date, b: dt.date) -> int:
    if b >= a:
        return age_on(a, b)
    return -age_on(b, a)
