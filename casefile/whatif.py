"""What-if: the same case with some facts changed, before and after.

``casefile whatif CASE --set military.draft_notice_received=true --set dissent.public_profile=high`` parses each
assignment against the fact vocabulary (``=unknown`` removes a fact), validates the changed case like any case
file (a change that contradicts other facts is an input error), evaluates both on the same as-of date and reports,
per jurisdiction, what changed and which rules now decide.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from casefile.assessment import assess
from casefile.case import GROUPS, CaseFile, parse_date_text, validation_problems
from casefile.documents import LineMap
from casefile.errors import InputError, did_you_mean
from casefile.facts import CASE_FACTS
from casefile.results import Assessment, JurisdictionResult

SETTABLE = {p: s for p, s in CASE_FACTS.items() if not s.computed}


def parse_assignment(text: str) -> tuple[str, Any]:
    """'military.deserted=true' -> ('military.deserted', True); '=unknown' -> (path, None)."""
    if "=" not in text:
        raise InputError.single(
            None,
            "expected path=value",
            field="--set",
            hint="e.g. --set military.draft_notice_received=true",
        )
    path, raw = (part.strip() for part in text.split("=", 1))
    spec = SETTABLE.get(path)
    if spec is None:
        raise InputError.single(
            None,
            f"'{path}' is not a case fact",
            field="--set",
            hint=did_you_mean(path, SETTABLE) or "see 'casefile schema'",
        )
    if raw.lower() in ("unknown", "null", "none", "~", "") and not (spec.kind in ("enum",) and raw in spec.values):
        return path, None
    try:
        return path, _value(raw, spec.kind, spec.values)
    except ValueError as exc:
        raise InputError.single(
            None, str(exc), field=f"--set {path}", hint=did_you_mean(raw, spec.values) if spec.values else None
        ) from None


def _value(raw: str, kind: str, values: tuple[str, ...]) -> Any:
    # exactly what a case file accepts: true/false, digits 0-9 without sign or separators, dates YYYY-MM-DD
    if kind == "bool":
        low = raw.lower()
        if low in ("true", "false"):
            return low == "true"
        raise ValueError("expected true or false")
    if kind == "int":
        if re.fullmatch(r"-?(?:0|[1-9][0-9]*)", raw) and len(raw) <= 6:
            return int(raw)
        raise ValueError("expected a whole number written with the digits 0-9")
    if kind == "date":
        return parse_date_text(raw)
    if kind == "list":
        items = [x.strip() for x in raw.strip("[]").split(",") if x.strip()]
        bad = [x for x in items if x not in values] if values else []  # a list of codes takes any code
        if bad:
            raise ValueError(f"{bad[0]!r} is not allowed; expected some of: {', '.join(values)}")
        return items
    if kind == "enum" and raw not in values:
        raise ValueError(f"expected one of {', '.join(values)}, got {raw!r}")
    return raw


def apply(case: CaseFile, assignments: Sequence[tuple[str, Any]]) -> CaseFile:
    data = case.model_dump(mode="python", exclude_none=True)
    for path, value in assignments:
        group, name = path.split(".", 1)
        assert group in GROUPS
        target = data.setdefault(group, {})
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    try:
        return CaseFile.model_validate(data)
    except ValidationError as exc:
        problems = validation_problems(exc, "--set", LineMap())
        raise InputError(problems) from None


@dataclass
class WhatIf:
    before: Assessment
    after: Assessment
    assignments: list[tuple[str, Any]]

    def changed(self) -> list[str]:
        return [
            j.code
            for j in self.after.jurisdictions
            if j.outcome != self.before.jurisdiction(j.code).outcome
            or j.standard.outcome != self.before.jurisdiction(j.code).standard.outcome
            or _responsibility(j) != _responsibility(self.before.jurisdiction(j.code))
        ]


def _responsibility(j: JurisdictionResult) -> tuple[str, str | None] | None:
    """Which state would examine a claim made there (Dublin): a change of it is a change worth showing."""
    return (j.responsibility.outcome, j.responsibility.transfer_to) if j.responsibility is not None else None


def what_if(
    case: CaseFile,
    settings: Sequence[str],
    *,
    as_of: dt.date | None = None,
    jurisdictions: Sequence[str] | None = None,
    explain: bool = False,
) -> WhatIf:
    if not settings:
        raise InputError.single(None, "give at least one --set path=value", field="--set")
    assignments = [parse_assignment(s) for s in settings]
    changed = apply(case, assignments)
    day = as_of or case.default_as_of()
    before = assess(case, as_of=day, jurisdictions=jurisdictions, explain=explain)
    after = assess(changed, as_of=day, jurisdictions=jurisdictions, explain=explain)
    return WhatIf(before, after, assignments)
