"""Static reasoning about conditions: can two rules ever apply to the same case?

Used when the rulebook loads (two rules that can both apply with different conclusions and no precedence between
them are an error) and by ``casefile rules check`` (rules that can never fire). A condition is put in disjunctive
normal form; a conjunction of tests is satisfiable when, fact by fact, some value passes every test on that fact.
Facts are treated as independent of each other — the computed and derived facts (``person.age``,
``dates.access_date``, ``derived.*``) are in truth tied to others — so the answer errs on the safe side: it may
report an overlap that no real case can produce, never miss one. ``rules check`` then confirms each reported
overlap by searching for a concrete case.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from casefile.conditions import All, AnyOf, Atom, Condition
from casefile.facts import FactSpec

MAX_TERMS = 4096


class TooComplex(Exception):
    """The normal form would be too large; callers treat the condition as satisfiable."""


def dnf(cond: Condition) -> list[tuple[Atom, ...]]:
    """Disjunctive normal form as a list of conjunctions of atoms (the empty list means 'never')."""
    if isinstance(cond, Atom):
        return [(cond,)]
    if isinstance(cond, AnyOf):
        out: list[tuple[Atom, ...]] = []
        for c in cond.items:
            out.extend(dnf(c))
            if len(out) > MAX_TERMS:
                raise TooComplex
        return out
    terms: list[tuple[Atom, ...]] = [()]
    for c in cond.items:
        sub = dnf(c)
        terms = [a + b for a, b in itertools.product(terms, sub)]
        if len(terms) > MAX_TERMS:
            raise TooComplex
    return terms


def conjunction_satisfiable(term: Iterable[Atom], specs: Mapping[str, FactSpec]) -> bool:
    by_fact: dict[str, list[Atom]] = defaultdict(list)
    for atom in term:
        by_fact[atom.fact].append(atom)
    return all(_fact_satisfiable(atoms, specs.get(fact)) for fact, atoms in by_fact.items())


def satisfiable(cond: Condition, specs: Mapping[str, FactSpec]) -> bool:
    try:
        return any(conjunction_satisfiable(t, specs) for t in dnf(cond))
    except TooComplex:
        return True


def overlap(a: Condition, b: Condition, specs: Mapping[str, FactSpec]) -> bool:
    """Can `a` and `b` both be true for one case (facts taken as independent)?"""
    return satisfiable(All((a, b)), specs)


def witness(cond: Condition, specs: Mapping[str, FactSpec]) -> dict[str, Any] | None:
    """Fact values (only for the facts the condition tests) that make `cond` true, or None."""
    try:
        terms = dnf(cond)
    except TooComplex:
        return None
    for term in terms:
        values: dict[str, Any] = {}
        ok = True
        by_fact: dict[str, list[Atom]] = defaultdict(list)
        for atom in term:
            by_fact[atom.fact].append(atom)
        for fact, atoms in by_fact.items():
            found = _pick(atoms, specs.get(fact))
            if found is _NO:
                ok = False
                break
            if found is not _UNKNOWN:
                values[fact] = found
        if ok:
            return values
    return None


_NO = object()
_UNKNOWN = object()


def _fact_satisfiable(atoms: list[Atom], spec: FactSpec | None) -> bool:
    return _pick(atoms, spec) is not _NO


def _pick(atoms: list[Atom], spec: FactSpec | None) -> Any:
    """A value satisfying every atom on one fact; _UNKNOWN if 'unknown' is required; _NO if impossible."""
    wants_unknown = any(a.op == "unknown" for a in atoms)
    valued = [a for a in atoms if a.op not in ("known", "unknown")]
    wants_known = any(a.op == "known" for a in atoms) or bool(valued)
    if wants_unknown:
        return _NO if wants_known else _UNKNOWN
    kind = spec.kind if spec else "text"
    if kind == "list":
        return _pick_list(valued, spec)
    for candidate in _candidates(valued, spec):
        if all(_passes(a, candidate) for a in valued):
            return candidate
    return _NO


def _passes(atom: Atom, v: Any) -> bool:
    op, ref = atom.op, atom.value
    if op == "eq":
        return bool(v == ref)
    if op == "ne":
        return bool(v != ref)
    if op == "in":
        return v in ref
    if op == "not_in":
        return v not in ref
    if op == "ge":
        return bool(v >= ref)
    if op == "le":
        return bool(v <= ref)
    if op == "gt":
        return bool(v > ref)
    if op == "lt":
        return bool(v < ref)
    raise ValueError(op)  # pragma: no cover


def _candidates(atoms: list[Atom], spec: FactSpec | None) -> Iterable[Any]:
    kind = spec.kind if spec else "text"
    if kind == "bool":
        return (True, False)
    if kind == "enum" and spec is not None:
        return spec.values
    points: set[Any] = set()
    for a in atoms:
        if a.op in ("in", "not_in"):
            points.update(a.value)
        elif a.value is not None:
            points.add(a.value)
    if kind == "text":
        return [*sorted(points), "\x00other"]
    step: Any = dt.timedelta(days=1) if kind == "date" else 1
    cands: set[Any] = set()
    for p in points:
        cands.update({p - step, p, p + step})
    if not cands:
        cands.add(dt.date(2024, 1, 1) if kind == "date" else 30)
    # also values just around every point, beyond the excluded ones (ne/not_in may knock out neighbours)
    extra = set()
    for p in points:
        for k in range(2, len(points) + 3):
            extra.update({p - step * k, p + step * k})
    return sorted(cands | extra)


def _pick_list(atoms: list[Atom], spec: FactSpec | None) -> Any:
    forced_out: set[str] = set()
    for a in atoms:
        if a.op == "has_none":
            forced_out.update(a.value)
    chosen: set[str] = set()
    for a in atoms:
        if a.op == "has_any":
            free = [v for v in a.value if v not in forced_out]
            if not free:
                return _NO
            if not chosen.intersection(a.value):
                chosen.add(free[0])
    return tuple(sorted(chosen))
