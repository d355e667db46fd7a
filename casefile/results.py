"""The output model: what an assessment says, in a shape other tools can rely on.

These pydantic models are serialised as the JSON of ``--format json``; the keys listed in ``product.md``
(``case_id``, ``as_of``, ``rulebook_version``, ``disclaimer``, ``warnings``, ``jurisdictions`` with ``code``,
``name``, ``outcome``, ``access``, ``practice``, ``standard``, ``tension``, ``checklist``, ``fired``, ``unknowns``,
``what_would_change``) keep their meaning; more keys may be added.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    """casefile's own code builds these with ``model_construct`` (:mod:`casefile.assessment`): what goes in is
    already checked, and building the validators would cost every cold command ~10 ms. Nothing is lost: the schema
    is built when a model is first validated or written as JSON, and the tests validate every assessment they make
    against these models (``tests/test_properties.py``: the output of every valid case is a valid Assessment)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class LensResult(_Out):
    outcome: str
    confidence: Literal["high", "medium", "low"] = Field(
        default="high", description="The lowest confidence among the deciding rules"
    )
    caveat: str | None = Field(default=None, description="The caveats of the deciding rules, joined")
    reasons: list[str] = Field(description="Plain-language reasons of the deciding rules")
    rules: list[str] = Field(default_factory=list, description="The deciding rules")
    if_reached: str | None = Field(
        default=None, description="Practice lens only: the outcome if the person reached a procedure"
    )
    judged_on: dt.date | None = Field(default=None, description="Access only: the date access was judged on")
    judged_on_reason: str | None = Field(default=None, description="Access only: why that date")
    access: LensResult | None = Field(
        default=None, description="Standard lens only: the access the common framework guarantees (F11)"
    )
    transfer_to: str | None = Field(
        default=None, description="Responsibility only: the state a claim here would likely be passed to"
    )


class ChecklistItem(_Out):
    id: str
    label: str
    lens: str
    status: Literal["met", "not_met", "unknown"]
    sources: list[str]


class FiredRule(_Out):
    rule: str
    title: str
    stage: str
    conclusion: str
    because: str
    facts: dict[str, Any]
    sources: list[str]
    decided: bool = Field(description="True if no other fired rule overrides this one")
    overridden_by: list[str] = []
    confidence: str = "high"
    caveat: str | None = None
    remaining_route: str | None = None
    location: str = Field(description="rule file and line")


class Unknown(_Out):
    fact: str
    question: str
    if_true: str | None = None
    if_false: str | None = None
    outcomes: dict[str, str] = Field(default_factory=dict, description="value -> outcome, for every value tried")


class WhyNot(_Out):
    outcome: str
    rule: str
    sentence: str
    failed: list[str] = []
    unknown: list[str] = []
    sources: list[str] = []


class Change(_Out):
    set: dict[str, Any]
    outcome: str
    because: list[str] = Field(default_factory=list, description="Rules that decide the new outcome")
    sources: list[str] = []
    size: int = 1


class JurisdictionResult(_Out):
    code: str
    name: str
    application_country: bool = Field(description="True for the country where the person actually applied")
    outcome: str
    access: LensResult
    practice: LensResult
    standard: LensResult
    responsibility: LensResult | None = Field(
        default=None, description="Which state is likely responsible for a claim made here (Dublin III / AMMR)"
    )
    tension: bool = Field(description="Practice is less favourable than the common standard, in access or protection")
    tension_in: list[str] = Field(default_factory=list, description="Where the tension lies: access, protection")
    checklist: list[ChecklistItem]
    fired: list[FiredRule]
    unknowns: list[Unknown] = []
    responsibility_unknowns: list[Unknown] = Field(
        default_factory=list, description="Unknown facts that decide which state is likely responsible (Dublin)"
    )
    why_not: list[WhyNot] = []
    what_would_change: list[Change] = []


class SourceNote(_Out):
    ref: str
    kind: str
    title: str
    text: str
    status: list[str] = []
    note: str = ""
    urls: list[str] = []


class Assessment(_Out):
    case_id: str
    name: str | None = None
    as_of: dt.date
    rulebook_version: str
    disclaimer: str
    warnings: list[str]
    engine: str
    jurisdictions: list[JurisdictionResult]
    sources: dict[str, SourceNote] = Field(default_factory=dict, description="Every source cited above")

    def jurisdiction(self, code: str) -> JurisdictionResult:
        for j in self.jurisdictions:
            if j.code == code:
                return j
        raise KeyError(code)
