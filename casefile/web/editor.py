"""The facts card: every case fact as a form control, and a submitted form back into a validated case.

The controls are built from :data:`casefile.facts.CASE_FACTS` (the same vocabulary the rules and ``casefile
whatif`` read), never from a list of field names here, so renamed or added facts appear by themselves: a
yes/no fact is a yes / no / unknown menu, an enumerated fact a menu of its values, a date a date field, a list a
set of check boxes (none ticked = unknown; "none of these" = an empty list) or, where the values are open (country
codes), a text field of comma-separated items ("none" = an empty list), a number a number field and anything
else a short text field. Each submitted value is parsed by :func:`casefile.whatif.parse_assignment` and the whole
case is validated by :class:`casefile.case.CaseFile`, so a bad value or a contradiction is the same clear
:class:`~casefile.errors.InputError` the command line gives.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

import yaml

from casefile import DISCLAIMER
from casefile.case import GROUPS, CaseFile, case_from_data
from casefile.errors import InputError, Problem
from casefile.facts import CASE_FACTS, FactSpec
from casefile.whatif import parse_assignment

PREFIX = "f."
NONE_OF_THESE = "__none__"
MAX_TEXT = 200  # characters in any one text field
TOP_LEVEL = ("case_id", "name")


@dataclass(frozen=True)
class Control:
    """One fact on the facts card."""

    spec: FactSpec
    name: str  # the form field's name
    value: str | list[str]  # the current value as the form shows it ("" = unknown)

    @property
    def path(self) -> str:
        return self.spec.path

    @property
    def dom_id(self) -> str:
        return "fact-" + self.spec.path.replace(".", "-")


def editable_facts() -> list[FactSpec]:
    """The facts a case file gives (not the computed ones), group by group in the model's order."""
    return [spec for spec in CASE_FACTS.values() if not spec.computed and spec.path.split(".", 1)[0] in GROUPS]


def is_free_list(spec: FactSpec) -> bool:
    """A list without a fixed set of values (e.g. country codes): one text field, items separated by commas."""
    return spec.kind == "list" and not spec.values


def field_name(path: str) -> str:
    return PREFIX + path


def shown(value: Any) -> str | list[str]:
    """A case value as a form value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        items = [str(shown(v)) for v in value]
        return items or [NONE_OF_THESE]
    return str(value)


def controls(case: CaseFile) -> dict[str, list[Control]]:
    """Group -> the controls of its facts, filled with the case's values."""
    out: dict[str, list[Control]] = {}
    for spec in editable_facts():
        group, name = spec.path.split(".", 1)
        value = getattr(getattr(case, group), name, None)
        form_value = shown(value)
        if is_free_list(spec) and isinstance(form_value, list):
            form_value = "none" if form_value == [NONE_OF_THESE] else ", ".join(form_value)
        out.setdefault(group, []).append(Control(spec, field_name(spec.path), form_value))
    return out


class Form:
    """The subset of a submitted form this module reads: single values and repeated values by name."""

    def __init__(self, single: dict[str, str], multi: dict[str, list[str]] | None = None) -> None:
        self.single = single
        self.multi = multi or {}

    def get(self, name: str) -> str:
        return self.single.get(name, "")

    def getlist(self, name: str) -> list[str]:
        return self.multi.get(name, [self.single[name]] if name in self.single else [])


def case_from_form(form: Form, base: CaseFile | None = None) -> CaseFile:
    """The case the form describes: the base case's date, notes, evidence and trainer note, with the form's facts.

    Raises InputError naming each fact at fault."""
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    if base is not None:
        data = base.model_dump(mode="python", exclude_none=True, include={"as_of", "notes", "evidence", "training"})
    for key in TOP_LEVEL:
        raw = form.get(key).strip()
        if len(raw) > MAX_TEXT:
            problems.append(Problem(None, None, key, f"is longer than {MAX_TEXT} characters"))
        elif raw:
            data[key] = raw
    for spec in editable_facts():
        group, name = spec.path.split(".", 1)
        try:
            value = _parsed(spec, form)
        except InputError as exc:
            problems.extend(Problem(None, None, spec.path, p.expected, p.hint) for p in exc.problems)
            continue
        if value is not None:
            data.setdefault(group, {})[name] = value
    if problems:
        raise InputError(problems)
    if "case_id" not in data:
        raise InputError([Problem(None, None, "case_id", "is required", "e.g. andrei-2025")])
    return case_from_data(data, "the facts card")


def _parsed(spec: FactSpec, form: Form) -> Any:
    name = field_name(spec.path)
    if is_free_list(spec):
        raw = form.get(name).strip()
        if len(raw) > MAX_TEXT:
            raise InputError.single(None, f"is longer than {MAX_TEXT} characters")
        if not raw:
            return None
        if raw.lower() == "none":
            return []
        return [item for item in re.split(r"[,\s]+", raw) if item]  # the case model checks each item
    if spec.kind == "list":
        items = [v.strip() for v in form.getlist(name) if v.strip()]
        if not items:
            return None
        if NONE_OF_THESE in items:
            if len(items) > 1:
                raise InputError.single(None, "'none of these' cannot be ticked together with a value")
            return []
        if any(len(v) > MAX_TEXT for v in items):
            raise InputError.single(None, f"a value is longer than {MAX_TEXT} characters")
        return parse_assignment(f"{spec.path}={','.join(items)}")[1]
    raw = form.get(name).strip()
    if len(raw) > MAX_TEXT:
        raise InputError.single(None, f"is longer than {MAX_TEXT} characters")
    if not raw:
        return None
    if spec.kind == "enum" and raw not in spec.values:
        raise InputError.single(None, f"expected one of {', '.join(spec.values)}, got {raw[:40]!r}")
    if spec.kind == "bool" and raw not in ("true", "false"):
        raise InputError.single(None, f"expected yes, no or unknown, got {raw[:40]!r}")
    value = parse_assignment(f"{spec.path}={raw}")[1]
    return value.isoformat() if isinstance(value, dt.date) else value


def case_yaml(case: CaseFile, as_of: dt.date | None = None) -> str:
    """The case as a YAML case file that ``casefile evaluate`` reads (as_of set to the date on the slider)."""
    data = case.model_dump(mode="json", exclude_none=True)
    if as_of is not None:
        data["as_of"] = as_of.isoformat()
    ordered: dict[str, Any] = {k: data[k] for k in ("case_id", "name", "as_of") if k in data}
    ordered.update({k: v for k, v in data.items() if k not in ordered and v != {}})
    head = "# A case file written by `casefile serve`. " + DISCLAIMER + "\n"
    body = yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join("# " + line if i else line for i, line in enumerate(_wrap(head))) + "\n" + body


def _wrap(comment: str, width: int = 110) -> list[str]:
    words, lines, line = comment.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return lines
