"""Snapshots of a loaded rulebook, so that a command does not load and check the same rulebook again.

Loading the rulebook — reading 8 rule files and 6 source files, validating them against the rule-file model,
parsing every condition, resolving every citation, working out precedence and checking that no two rules can
conflict — costs every command more than evaluating a case does. Its result depends only on those files and on
casefile's own code, so after a successful load the checked :class:`~casefile.rulebook.Rulebook` is written to the
cache folder of :mod:`casefile.cache` (``rulebooks/``), under a name derived from the SHA-256 of every rule and
source file (name and content), the folders they were read from, the casefile and Python versions, and the source
code of every module that decides what a load produces. Editing any rule or source file, or any of that code, misses
the snapshot; a rulebook that fails to load is never stored.

A snapshot is data, never code. It is JSON in which objects are tagged with the name of one of the few classes a
rulebook is made of (rules, conditions, fact specs, sources — :data:`CLASSES`); decoding builds only
those, and anything else (an unknown tag, a wrong shape, a truncated file) makes the snapshot count as missing, and
the rulebook is loaded from its files and the snapshot rewritten. What is decoded is then checked again for the
promises the loader makes (every rule cites a source that resolves, tests only known facts, belongs to known
jurisdictions; precedence only names known rules). As for the parsed-file cache, without a secret no check can
tell a forged snapshot from a true one: the folder is private to the user (0700) and exactly as trusted as the
user's other files. ``CASEFILE_CACHE=off`` turns snapshots off with the rest of the cache.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from casefile import __version__

FORMAT = "casefile-rulebook-snapshot-1"
_CODE = ("cache", "case", "conditions", "documents", "facts", "logic", "rulebook", "snapshot", "sources")
_code_digest: str | None = None


class _Refused(Exception):
    """A snapshot that cannot be used (it is then treated as missing)."""


def _classes() -> dict[str, type]:
    from casefile.conditions import All, AnyOf, Atom
    from casefile.facts import FactSpec
    from casefile.rulebook import Criterion, Rule, Rulebook, RulebookMeta
    from casefile.sources import LegalFact, Passage, Seed, SourceRegistry

    made_of = (All, AnyOf, Atom, FactSpec, Criterion, Rule, Rulebook, RulebookMeta, LegalFact, Passage, Seed)
    return {c.__name__: c for c in (*made_of, SourceRegistry)}


CLASSES: dict[str, type] = {}  # filled on first use: the only classes a snapshot can name


def _code() -> str:
    """The digest of the code that decides what loading a rulebook produces."""
    global _code_digest
    if _code_digest is None:
        here = Path(__file__).parent
        digest = hashlib.sha256(f"{FORMAT}\n{__version__}\n{sys.version}\n".encode())
        for name in _CODE:
            try:
                digest.update((here / f"{name}.py").read_bytes())
            except OSError:  # pragma: no cover - an installation without sources: no snapshots
                return ""
        _code_digest = digest.hexdigest()
    return _code_digest


def key(folder: Path, sources_folder: Path) -> str | None:
    """The snapshot name for the rulebook these folders hold now; None when there can be no snapshot."""
    code = _code()
    if not code:
        return None
    digest = hashlib.sha256(code.encode())
    for where, patterns in ((folder, ("*.yaml", "*.yml")), (sources_folder, ("*.yaml",))):
        digest.update(f"\0folder\0{where.resolve()}\0".encode())
        for pattern in patterns:
            for path in sorted(where.glob(pattern)):
                try:
                    content = path.read_bytes()
                except OSError:
                    return None
                digest.update(f"\0{path.name}\0{len(content)}\0".encode())
                digest.update(content)
    return digest.hexdigest()


def _path(name: str) -> Path | None:
    from casefile.cache import folder

    where = folder()
    return None if where is None else where / "rulebooks" / f"{name}.json"


# ------------------------------------------------------------------------------------------------- reading


def read(name: str | None, folder: Path) -> Any:
    """The rulebook stored under `name`, or None if there is no usable snapshot."""
    entry = _path(name) if name else None
    if entry is None:
        return None
    if not CLASSES:
        CLASSES.update(_classes())
    try:
        raw = json.loads(entry.read_bytes(), object_hook=_decode_object)
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("key") != name:
            return None
        book = raw["rulebook"]
        if type(book) is not CLASSES["Rulebook"]:
            return None
        from casefile.facts import CASE_FACTS

        book.specs = {**CASE_FACTS, **book.derived}
        book.folder = folder
        _check(book)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, _Refused):
        return None
    return book


def _decode_object(obj: dict[str, Any]) -> Any:
    """One JSON object back into what it stood for (called innermost first by the JSON reader)."""
    if "$o" in obj:
        cls = CLASSES.get(obj.pop("$o"))
        if cls is None:
            raise _Refused
        if cls is CLASSES["RulebookMeta"]:
            return cls.model_construct(**obj)  # type: ignore[attr-defined]
        return cls(**obj)
    if len(obj) == 1:
        (tag, value), *_ = obj.items()
        if tag == "$t":
            return tuple(value)
        if tag == "$fs":
            return frozenset(value)
        if tag == "$d":
            return dt.date.fromisoformat(value)
        if tag == "$m":
            return {k: v for k, v in value}
    if any(k.startswith("$") for k in obj):
        raise _Refused
    return obj


def _check(book: Any) -> None:
    """What the loader promises of every rulebook, checked again on what was read."""
    from casefile.conditions import All, AnyOf, Atom
    from casefile.rulebook import JURISDICTIONS, STAGES

    def facts_known(cond: Any) -> None:
        if isinstance(cond, Atom):
            if cond.fact not in book.specs:
                raise _Refused
        elif isinstance(cond, All | AnyOf) and isinstance(cond.items, tuple):
            for item in cond.items:
                facts_known(item)
        else:
            raise _Refused

    if set(book.defeats) != set(book.rules):
        raise _Refused
    for rid, rule in book.rules.items():
        if (
            rule.id != rid
            or rule.stage not in STAGES
            or not rule.sources
            or any(book.sources.resolve(s) is None for s in rule.sources)
            or not set(rule.jurisdictions) <= set(JURISDICTIONS)
            or not book.defeats[rid] <= book.rules.keys()
        ):
            raise _Refused
        facts_known(rule.condition)
        facts_known(rule.effective)
    for cid, criterion in book.criteria.items():
        if (
            criterion.id != cid
            or not criterion.sources
            or any(book.sources.resolve(s) is None for s in criterion.sources)
        ):
            raise _Refused
        facts_known(criterion.condition)
    if any(r not in book.rules for stratum in book.strata for r in stratum):
        raise _Refused


# ------------------------------------------------------------------------------------------------- writing


def write(name: str | None, book: Any) -> None:
    """Store `book` under `name`; any problem just means no snapshot this time."""
    entry = _path(name) if name else None
    if entry is None:
        return
    if not CLASSES:
        CLASSES.update(_classes())
    try:
        body = json.dumps(
            {"format": FORMAT, "key": name, "rulebook": _encode(book)}, ensure_ascii=False, allow_nan=False
        )
    except (_Refused, ValueError, TypeError, RecursionError):
        return
    from casefile.cache import store

    store(entry, body)


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return {"$d": value.isoformat()}
    if isinstance(value, tuple):
        return {"$t": [_encode(v) for v in value]}
    if isinstance(value, frozenset):
        return {"$fs": sorted(_encode(v) for v in value)}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {"$m": [[_encode(k), _encode(v)] for k, v in value.items()]}
    name = type(value).__name__
    if CLASSES.get(name) is not type(value):
        raise _Refused
    if name == "Rulebook":  # the case facts come from the code; the folder from the caller
        fields = {
            f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.name not in ("specs", "folder")
        }
        fields["specs"] = {}
        fields["folder"] = None
    elif name == "RulebookMeta":
        fields = dict(value)
    else:
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return {"$o": name, **{k: _encode(v) for k, v in fields.items()}}
