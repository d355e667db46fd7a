"""The condition language of rule files, and its three-valued meaning.

A rule's ``when`` is written for people who are not programmers::

    when:
      military.deserted: true                       # a fact and the value it must have
      person.age: {between: [18, 27]}               # a fact and one test
      any:                                          # at least one of
        - journey.entry_route: {in: [schengen_tourist_visa]}
        - dissent.activism_channels: {contains: telegram}

A mapping means "all of these"; ``all:`` and ``any:`` nest. Tests: ``is``, ``is_not``, ``in``, ``not_in``,
``between``, ``at_least``, ``at_most``, ``above``, ``below``, ``before``, ``after``, ``on_or_before``,
``on_or_after``, ``contains``, ``contains_any``, ``contains_none``, ``empty``, ``known``. There is no general
"not": every test other than ``known`` needs the fact to be known, so an unknown fact never makes a test true
(principle 3: unknown is not false). Conditions are data; nothing in a rule file can run code.

Semantics are Kleene's three-valued logic: a test on an unknown fact is *unknown*; ``all`` is true when every part
is true, false when one is false; ``any`` dually. A rule fires only when its condition is *true*. This module
parses and checks conditions against the fact vocabulary, evaluates them, negates them (for checklists), and
describes them in plain words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from casefile.facts import FactSpec, FactValue

# Normalised operators. Every one except known/unknown is false-or-unknown on an unknown fact.
OPS = ("eq", "ne", "in", "not_in", "ge", "le", "gt", "lt", "has_any", "has_none", "known", "unknown")
NEGATION = {
    "eq": "ne",
    "ne": "eq",
    "in": "not_in",
    "not_in": "in",
    "ge": "lt",
    "lt": "ge",
    "le": "gt",
    "gt": "le",
    "has_any": "has_none",
    "has_none": "has_any",
    "known": "unknown",
    "unknown": "known",
}


@dataclass(frozen=True)
class Atom:
    """One test on one fact, e.g. Atom('person.age', 'ge', 18)."""

    fact: str
    op: str
    value: Any = None


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


Condition = Atom | All | AnyOf
TRUE = All(())  # the empty conjunction: an unconditional rule


class ConditionError(ValueError):
    """A malformed condition; `path` locates it inside the rule file."""

    def __init__(self, path: tuple[str | int, ...], message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.hint = hint


# ------------------------------------------------------------------------------------------------------------
# Parsing

_ALLOWED: dict[str, set[str]] = {
    "bool": {"is", "is_not", "known"},
    "enum": {"is", "is_not", "in", "not_in", "known"},
    "text": {"is", "is_not", "in", "not_in", "known"},
    "int": {"is", "is_not", "in", "not_in", "between", "at_least", "at_most", "above", "below", "known"},
    "date": {"is", "before", "after", "on_or_before", "on_or_after", "between", "known"},
    "list": {"contains", "contains_any", "contains_none", "empty", "known"},
}


def parse_condition(raw: Any, specs: Mapping[str, FactSpec], path: tuple[str | int, ...] = ("when",)) -> Condition:
    """Parse a `when` value into a Condition, checking fact names, operators and values against `specs`."""
    if raw is None:
        return TRUE
    if isinstance(raw, list):
        if not raw:
            raise ConditionError(path, "an empty list of conditions", "leave 'when' out for a rule that always applies")
        return All(tuple(parse_condition(item, specs, (*path, i)) for i, item in enumerate(raw)))
    if not isinstance(raw, dict) or not raw:
        raise ConditionError(path, "expected conditions written as 'fact: value' pairs, or 'all:' / 'any:' lists")
    parts: list[Condition] = []
    for key, value in raw.items():
        here = (*path, key)
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise ConditionError(here, f"'{key}' needs a non-empty list of conditions")
            items = tuple(parse_condition(item, specs, (*here, i)) for i, item in enumerate(value))
            parts.append(All(items) if key == "all" else AnyOf(items))
        else:
            parts.extend(_parse_atom(key, value, specs, here))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _parse_atom(fact: str, raw: Any, specs: Mapping[str, FactSpec], path: tuple[str | int, ...]) -> list[Atom]:
    from casefile.errors import did_you_mean  # local import: avoid a cycle at module load

    spec = specs.get(fact)
    if spec is None:
        raise ConditionError(path, f"unknown fact '{fact}'", did_you_mean(fact, specs) or "see 'casefile schema'")
    if isinstance(raw, dict):
        if len(raw) != 1:
            raise ConditionError(path, "write one test per fact, e.g. {at_least: 18}; use all: [...] to combine")
        ((op, value),) = raw.items()
    else:
        op, value = ("contains" if spec.kind == "list" else "is"), raw
    allowed = _ALLOWED[spec.kind]
    if op not in allowed:
        raise ConditionError(
            (*path, op), f"'{op}' cannot test a {spec.kind} fact", f"allowed here: {', '.join(sorted(allowed))}"
        )
    here = (*path, op) if isinstance(raw, dict) else path
    if op == "known":
        if not isinstance(value, bool):
            raise ConditionError(here, "'known' takes true or false")
        return [Atom(fact, "known" if value else "unknown")]
    if op == "empty":
        if not isinstance(value, bool):
            raise ConditionError(here, "'empty' takes true or false")
        return [Atom(fact, "has_none" if value else "has_any", tuple(spec.values))]
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise ConditionError(here, "'between' takes two values: [low, high] (both included)")
        low, high = (_check_value(v, spec, (*here, i)) for i, v in enumerate(value))
        if low > high:
            raise ConditionError(here, f"'between' needs low <= high, got {low} > {high}")
        return [Atom(fact, "ge", low), Atom(fact, "le", high)]
    if op in ("in", "not_in", "contains_any", "contains_none"):
        if not isinstance(value, list) or not value:
            raise ConditionError(here, f"'{op}' takes a non-empty list of values")
        values = tuple(_check_value(v, spec, (*here, i)) for i, v in enumerate(value))
        if len(set(values)) != len(values):
            raise ConditionError(here, "a value is listed twice")
        normal = {"in": "in", "not_in": "not_in", "contains_any": "has_any", "contains_none": "has_none"}[op]
        return [Atom(fact, normal, values)]
    checked = _check_value(value, spec, here)
    normal = {
        "is": "eq",
        "is_not": "ne",
        "at_least": "ge",
        "at_most": "le",
        "above": "gt",
        "below": "lt",
        "before": "lt",
        "after": "gt",
        "on_or_before": "le",
        "on_or_after": "ge",
        "contains": "has_any",
    }[op]
    if normal == "has_any":
        return [Atom(fact, "has_any", (checked,))]
    return [Atom(fact, normal, checked)]


def _check_value(value: Any, spec: FactSpec, path: tuple[str | int, ...]) -> Any:
    from casefile.errors import did_you_mean

    kind = spec.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConditionError(path, f"'{spec.path}' is true or false, got {value!r}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConditionError(path, f"'{spec.path}' is a whole number, got {value!r}")
        return value
    if kind == "date":
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ConditionError(path, f"'{spec.path}' is a date, write YYYY-MM-DD; got {value!r}")
        return value
    if kind == "list" and not spec.values:  # a list of codes (e.g. ISO countries): two capital letters
        if not isinstance(value, str) or not (len(value) == 2 and value.isascii() and value.isupper()):
            raise ConditionError(path, f"'{spec.path}' lists two-letter country codes such as BY, got {value!r}")
        return value
    if kind in ("enum", "list"):
        if not isinstance(value, str) or value not in spec.values:
            hint = did_you_mean(str(value), spec.values) if isinstance(value, str) else None
            raise ConditionError(
                path, f"{value!r} is not a value of '{spec.path}'; allowed: {', '.join(spec.values)}", hint
            )
        return value
    if not isinstance(value, str):
        raise ConditionError(path, f"'{spec.path}' is text, got {value!r}")
    return value


# ------------------------------------------------------------------------------------------------------------
# Meaning


def evaluate_atom(atom: Atom, values: Mapping[str, FactValue]) -> bool | None:
    """True, False, or None (unknown) for one test."""
    present = atom.fact in values
    if atom.op == "known":
        return present
    if atom.op == "unknown":
        return not present
    if not present:
        return None
    v = values[atom.fact]
    op, ref = atom.op, atom.value
    if op == "eq":
        return v == ref and type(v) is type(ref)
    if op == "ne":
        return not (v == ref and type(v) is type(ref))
    if op == "in":
        return v in ref
    if op == "not_in":
        return v not in ref
    if op == "ge":
        return v >= ref  # type: ignore[operator]
    if op == "le":
        return v <= ref  # type: ignore[operator]
    if op == "gt":
        return v > ref  # type: ignore[operator]
    if op == "lt":
        return v < ref  # type: ignore[operator]
    if op == "has_any":
        return any(item in v for item in ref)  # type: ignore[operator]
    if op == "has_none":
        return not any(item in v for item in ref)  # type: ignore[operator]
    raise ValueError(f"unknown operator {op}")  # pragma: no cover


def evaluate(
    cond: Condition,
    values: Mapping[str, FactValue],
    atom_value: Callable[[Atom, Mapping[str, FactValue]], bool | None] = evaluate_atom,
) -> bool | None:
    """Kleene three-valued evaluation: True, False or None (unknown)."""
    if isinstance(cond, Atom):
        return atom_value(cond, values)
    results = [evaluate(c, values, atom_value) for c in cond.items]
    if isinstance(cond, All):
        if any(r is False for r in results):
            return False
        return True if all(r is True for r in results) else None
    if any(r is True for r in results):
        return True
    return False if all(r is False for r in results) else None


Judge = Callable[[Mapping[str, FactValue]], "bool | None"]


def compile_kleene(cond: Condition) -> Judge:
    """The same meaning as :func:`evaluate`, as a closure built once: for evaluating many cases quickly."""
    if isinstance(cond, Atom):
        return _compile_atom(cond)
    parts = [compile_kleene(c) for c in cond.items]
    if isinstance(cond, All):

        def all_of(values: Mapping[str, FactValue]) -> bool | None:
            unknown = False
            for part in parts:
                r = part(values)
                if r is False:
                    return False
                if r is None:
                    unknown = True
            return None if unknown else True

        return all_of

    def any_of(values: Mapping[str, FactValue]) -> bool | None:
        unknown = False
        for part in parts:
            r = part(values)
            if r is True:
                return True
            if r is None:
                unknown = True
        return None if unknown else False

    return any_of


def _compile_atom(atom: Atom) -> Judge:
    fact, op, ref = atom.fact, atom.op, atom.value
    if op == "known":
        return lambda values: fact in values
    if op == "unknown":
        return lambda values: fact not in values
    test: Callable[[Any], bool]
    if op == "eq":
        test = lambda v: v == ref and type(v) is type(ref)  # noqa: E731 - one closure per atom, built once
    elif op == "ne":
        test = lambda v: not (v == ref and type(v) is type(ref))  # noqa: E731
    elif op == "in":
        test = lambda v: v in ref  # noqa: E731
    elif op == "not_in":
        test = lambda v: v not in ref  # noqa: E731
    elif op == "ge":
        test = lambda v: v >= ref  # noqa: E731
    elif op == "le":
        test = lambda v: v <= ref  # noqa: E731
    elif op == "gt":
        test = lambda v: v > ref  # noqa: E731
    elif op == "lt":
        test = lambda v: v < ref  # noqa: E731
    elif op == "has_any":
        test = lambda v: any(item in v for item in ref)  # noqa: E731
    elif op == "has_none":
        test = lambda v: not any(item in v for item in ref)  # noqa: E731
    else:
        raise KeyError(op)

    def judge(values: Mapping[str, FactValue]) -> bool | None:
        v = values.get(fact, _MISSING)
        return None if v is _MISSING else test(v)

    return judge


_MISSING = object()


def negate(cond: Condition) -> Condition:
    """The condition that is true exactly when `cond` is false (and unknown when it is unknown)."""
    if isinstance(cond, Atom):
        return Atom(cond.fact, NEGATION[cond.op], cond.value)
    if isinstance(cond, All):
        if not cond.items:
            return AnyOf(())  # never true
        return AnyOf(tuple(negate(c) for c in cond.items))
    return All(tuple(negate(c) for c in cond.items)) if cond.items else TRUE


def atoms(cond: Condition) -> Iterator[Atom]:
    if isinstance(cond, Atom):
        yield cond
    else:
        for c in cond.items:
            yield from atoms(c)


def facts_in(cond: Condition) -> set[str]:
    return {a.fact for a in atoms(cond)}


# ------------------------------------------------------------------------------------------------------------
# Plain words


def show_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    if isinstance(value, tuple | list):
        return ", ".join(show_value(v) for v in value) if value else "none"
    return str(value).replace("_", " ")


def describe_atom(atom: Atom, specs: Mapping[str, FactSpec]) -> str:
    spec = specs.get(atom.fact)
    label = spec.label if spec else atom.fact
    op, v = atom.op, atom.value
    if op == "known":
        return f"{label} is known"
    if op == "unknown":
        return f"{label} is not known"
    if spec is not None and spec.kind == "bool" and op in ("eq", "ne"):
        positive = (v is True) == (op == "eq")
        return label if positive else f"{label}: no"
    words = {
        "eq": "is",
        "ne": "is not",
        "in": "is one of",
        "not_in": "is none of",
        "ge": "is at least",
        "le": "is at most",
        "gt": "is above",
        "lt": "is below",
        "has_any": "include",
        "has_none": "include none of",
    }
    if spec is not None and spec.kind == "date":
        words.update({"ge": "is on or after", "le": "is on or before", "gt": "is after", "lt": "is before"})
    if spec is not None and spec.kind == "list" and op == "has_none" and tuple(v) == spec.values:
        return f"{label}: none"
    if spec is not None and spec.kind == "list" and op == "has_any" and tuple(v) == spec.values:
        return f"{label}: at least one"
    return f"{label} {words[op]} {show_value(v)}"


def describe(cond: Condition, specs: Mapping[str, FactSpec]) -> str:
    if isinstance(cond, Atom):
        return describe_atom(cond, specs)
    if not cond.items:
        return "always" if isinstance(cond, All) else "never"
    joiner = " and " if isinstance(cond, All) else " or "
    parts = [describe(c, specs) if isinstance(c, Atom) else f"({describe(c, specs)})" for c in cond.items]
    return joiner.join(parts)
