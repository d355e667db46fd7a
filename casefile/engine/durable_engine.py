"""The durable-rules evaluator: the rulebook compiled to a Rete network, one isolated session per case.

durable-rules 2.0.28 has sharp edges (see ``durable-rules-notes.md``); each is handled here on purpose:

1. One private host per process, with no background timer threads (``_QuietHost._run`` does nothing).
2. Rulesets are built from data; the dict handed to ``register_rulesets`` is a fresh copy (it deletes ``run``).
3. A ruleset name can be registered once per host: compiled rulesets are cached by the rulebook's fingerprint and
   named after it, so loading the same rulebook twice reuses it and a different rulebook gets a new name.
4. ``delete_state`` can segfault in a session where no action ever fired: every stage has a sentinel rule that
   matches its stage fact and always fires.
5. At most 1024 live sessions per ruleset: every session is deleted in ``finally``.
6. Exceptions raised in actions are swallowed by the engine: sessions drive the C core directly (start an action,
   complete it and start the next), so no engine action runs Python code; recording a fired rule is wrapped,
   errors are collected per session and raised as :class:`EngineError` (KeyboardInterrupt is re-raised). The
   Python actions are still registered (the engine requires one per rule) and wrapped the same way.
7. A fact that matches no rule raises ``MessageNotHandledException``: the sentinels make that impossible; if it
   happens anyway it is an engine error, never a silent empty answer.
8. Identical facts in one session are deduplicated: each stage fact carries its stage name (and, where one session
   holds several cases, its case number), so no two are equal; a duplicate anyway is an engine error (``run_many``
   evaluates that case again in a session of its own).
9. Two conditions on the same fact are one pattern with ``$and`` (the whole case is one fact per stage).
10. Types are loose inside the engine: facts are validated by pydantic first, dates become day ordinals, lists
    become one boolean per allowed value (``$iall`` on an empty list is false, which is wrong for "contains none"),
    and an unknown fact is an absent key, never ``None``. Facts no pattern reads are left out: the engine parses
    the whole fact and writes it into the answer of every action that fires.
11. No trace is built in: each rule's action is a closure that knows its rule id and records the matched fact.
12. No regular expressions are used.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import durable_rules_engine as _core
from durable import engine as _durable

from casefile.conditions import All, AnyOf, Atom, Condition
from casefile.engine.base import DuplicateFact, Pattern, patterns, stages
from casefile.errors import EngineError
from casefile.facts import FactSpec, FactValue, engine_key
from casefile.rulebook import Rulebook

SENTINEL = "__sentinel__"
_JSON = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(fact, ensure_ascii=False) builds on every call
_CASE = "__case__"  # the case a fact belongs to, in a session holding several (no fact key has this name)


class _QuietHost(_durable.Host):
    """A durable-rules host that starts no background timer threads (the product needs no timers)."""

    def _run(self) -> None:
        return None


_HOST: _QuietHost | None = None
_COMPILED: dict[str, DurableMatcher] = {}
_LOCK = threading.RLock()
_SIDS = itertools.count(1)


def host() -> _QuietHost:
    global _HOST
    if _HOST is None:
        _HOST = _QuietHost()
    return _HOST


def matcher_for(rulebook: Rulebook, *, checklists: bool = True) -> DurableMatcher:
    """The compiled matcher for a rulebook, compiling it at most once per process.

    `checklists=False` leaves the checklist criteria out (for batches, which report outcomes only): fewer actions
    fire per case. It is registered as a ruleset of its own.
    """
    key = f"{rulebook.fingerprint}{'' if checklists else '_outcomes'}"
    with _LOCK:
        m = _COMPILED.get(key)
        if m is None:
            m = DurableMatcher(rulebook, checklists=checklists)
            _COMPILED[key] = m
        return m


class _Collector:
    """What the actions of the current session record."""

    def __init__(self) -> None:
        self.matched: dict[str, dict[str, Any]] = {}
        self.errors: list[BaseException] = []

    def record(self, name: str, message: dict[str, Any]) -> None:
        self.matched[name] = message


class DurableMatcher:
    name = "durable-rules"

    def __init__(self, rulebook: Rulebook, *, checklists: bool = True) -> None:
        self.checklists = checklists
        self.ruleset = f"casefile_{rulebook.fingerprint}{'' if checklists else '_outcomes'}"
        self.specs = specs_with_tested_codes(rulebook)
        self.code_lists = frozenset(p for p, spec in rulebook.specs.items() if spec.kind == "list" and not spec.values)
        self.by_name: dict[str, Pattern] = {}
        self.current: _Collector | None = None
        self.spare: _DurableSession | None = None  # a session kept for the next case
        definition: dict[str, Any] = {}
        for stage in stages(rulebook):
            definition[f"{SENTINEL}{stage}"] = {"all": [{"m": {"stage": stage}}], "run": self._action(None)}
        for p in patterns(rulebook):
            if not checklists and "#" in p.name:
                continue
            compiled = compile_condition(p.condition, self.specs)
            if compiled is _NEVER:
                continue  # e.g. the negation of an unconditional criterion: it can never match
            pattern: dict[str, Any] = {"stage": p.stage}
            if compiled is not None:
                pattern = {"$and": [{"stage": p.stage}, compiled]}
            definition[p.name] = {"all": [{"m": pattern}], "run": self._action(p.name)}
            self.by_name[p.name] = p
        self.read = frozenset(f for p in self.by_name.values() for f in p.facts)  # what the engine is given
        self.definition = definition
        host().register_rulesets({self.ruleset: {name: dict(rule) for name, rule in definition.items()}})
        self.handle = host().get_ruleset(self.ruleset)._handle  # the C core's ruleset, driven by match()

    def _action(self, name: str | None) -> Any:
        def action(c: Any) -> None:
            collector = self.current
            if collector is None:  # pragma: no cover - an action outside a session is a bug
                return
            try:
                if name is not None:
                    collector.record(name, c._m["m"])
            except BaseException as exc:
                collector.errors.append(exc)

        return action

    @contextmanager
    def session(self) -> Iterator[_DurableSession]:
        """An engine session for one case. A session that ended without an error is kept for the next case (as
        one more case of it, ``new_case``), up to CASES_PER_SESSION cases: opening a session allocates the whole
        Rete state, over a megabyte for the shipped rulebook, which cost more than the case itself. A session that
        raised, or is full, is deleted."""
        with _LOCK:
            session, self.spare = self.spare, None
            if session is None:
                session = _DurableSession(self, f"c{next(_SIDS)}", _Collector())
            else:
                session.new_case()
            self.current = session.collector
            ended = False
            try:
                yield session
                ended = True
            finally:
                self.current = None
                if ended and session.case + 1 < CASES_PER_SESSION:
                    self.spare = session
                else:
                    try:
                        host().delete_state(self.ruleset, session.sid)
                    except BaseException as exc:
                        raise EngineError(f"could not clean up engine session {session.sid}: {exc}") from exc


CASES_PER_SESSION = 64  # cases one engine session holds before it is deleted (its facts stay in its state)


class _DurableSession:
    def __init__(self, matcher: DurableMatcher, sid: str, collector: _Collector) -> None:
        self.matcher = matcher
        self.sid = sid
        self.collector = collector
        self.case = 0  # several cases in one session (run_many): each fact names its case, so none is a duplicate

    def new_case(self) -> None:
        """The facts matched from now on belong to another case. Every rule reads a single fact, so the facts of
        earlier cases, still in the session's state, match nothing more."""
        self.case += 1

    def match(
        self, stage: str, values: Mapping[str, FactValue], *, used: bool = True
    ) -> dict[str, dict[str, FactValue]]:
        """Assert the stage fact and collect the rules that fire, driving the engine's C core directly.

        This is what ``Host.assert_fact`` does (``Ruleset.assert_fact`` then ``do_actions``), without its Python
        action loop: that loop builds a closure, parses the matched fact from JSON and writes the unchanged state
        back as JSON for every action, which was most of the time per case. Every rule matches the one stage fact
        asserted here, so the matched fact is the fact itself and only the rule's name is read from the engine's
        answer. The loop is the engine's own protocol: start the first action, then complete each one and start
        the next until none is left; an action interrupted half-way is abandoned, as the engine does.
        """
        c = self.collector
        c.matched = {}
        matcher = self.matcher
        fact = encode(values, matcher.specs, matcher.read)
        fact["sid"] = self.sid
        fact["stage"] = stage
        if self.case:
            fact[_CASE] = self.case
        handle = matcher.handle
        result = _core.assert_fact(handle, _JSON.encode(fact))
        if result[0] == 1:
            raise EngineError(f"the engine did not handle the {stage} fact (no sentinel rule matched)")
        if result[0] == 2:
            raise DuplicateFact(f"the engine treated the {stage} fact as a duplicate")
        state = 0 if result[0] == 3 else result[1]
        started = _core.start_action_for_state(handle, state)
        if started:
            answer: str | None = started[1]
            try:
                while answer:
                    name = _action_name(answer)
                    if name is not None:
                        try:
                            c.record(name, fact)
                        except BaseException as exc:  # collected and raised below, as for any action
                            c.errors.append(exc)
                    answer = _core.complete_and_start_action(handle, state)
            except BaseException:
                _core.abandon_action(handle, state)
                raise
        if c.errors:
            first = c.errors[0]
            c.errors.clear()
            if isinstance(first, KeyboardInterrupt):
                raise first
            raise EngineError(f"an action raised inside the engine: {type(first).__name__}: {first}") from first
        if not used:
            return {name: {} for name in c.matched}
        out: dict[str, dict[str, FactValue]] = {}
        for name, message in c.matched.items():
            pattern = matcher.by_name[name]
            seen = decode(message, pattern.facts, matcher.specs)
            for path in matcher.code_lists & seen.keys():
                seen[path] = values[path]  # the engine sees only the tested codes; report the whole list
            out[name] = seen
        return out


def _action_name(answer: str) -> str | None:
    """The rule name in the engine's answer ``{"<rule>":{"m":{...}}}``; None for a stage's sentinel."""
    # the engine writes its answers compactly; anything else is parsed in full
    name = answer[2 : answer.index('"', 2)] if answer.startswith('{"') else next(iter(json.loads(answer)))
    return None if name.startswith(SENTINEL) else name


# ------------------------------------------------------------------------------------------------------------
# Encoding facts and compiling conditions


def specs_with_tested_codes(rulebook: Rulebook) -> dict[str, FactSpec]:
    """Lists of free codes (e.g. transit countries) have no fixed values: encode the codes the rules test."""
    import dataclasses

    from casefile.conditions import atoms

    specs = dict(rulebook.specs)
    tested: dict[str, set[str]] = {}
    conds = [r.effective for r in rulebook.rules.values()] + [c.condition for c in rulebook.criteria.values()]
    for cond in conds:
        for a in atoms(cond):
            spec = specs.get(a.fact)
            if spec is not None and spec.kind == "list" and not spec.values and isinstance(a.value, tuple):
                tested.setdefault(a.fact, set()).update(str(v) for v in a.value)
    for path, codes in tested.items():
        specs[path] = dataclasses.replace(specs[path], values=tuple(sorted(codes)))
    return specs


_KEYS: dict[str, str] = {}  # fact path -> engine key, worked out once per fact


def _key(path: str) -> str:
    key = _KEYS.get(path)
    if key is None:
        key = _KEYS[path] = engine_key(path)
    return key


def encode(
    values: Mapping[str, FactValue], specs: Mapping[str, FactSpec], only: frozenset[str] | None = None
) -> dict[str, Any]:
    """Facts as an engine fact: flat keys, dates as ordinals, lists as one boolean per allowed value. With `only`,
    just those facts (the ones some pattern reads: the engine parses, and serialises into every action's answer,
    the whole fact)."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        if only is not None and path not in only:
            continue
        key = _key(path)
        spec = specs.get(path)
        if isinstance(value, tuple):
            allowed = spec.values if spec else value
            out[key] = len(value)
            for v in allowed:
                out[f"{key}__{v}"] = v in value
        elif isinstance(value, dt.date):
            out[key] = value.toordinal()
        else:
            out[key] = value
    return out


def decode(message: Mapping[str, Any], facts: tuple[str, ...], specs: Mapping[str, FactSpec]) -> dict[str, FactValue]:
    """The values of `facts` as the engine saw them in a matched fact."""
    out: dict[str, FactValue] = {}
    for path in facts:
        key = _key(path)
        if key not in message:
            continue
        spec = specs.get(path)
        raw = message[key]
        if spec is not None and spec.kind == "list":
            out[path] = tuple(sorted(v for v in spec.values if message.get(f"{key}__{v}") is True))
        elif spec is not None and spec.kind == "date":
            out[path] = dt.date.fromordinal(int(raw))
        else:
            out[path] = raw
    return out


_NEVER = object()


def compile_condition(cond: Condition, specs: Mapping[str, FactSpec]) -> Any:
    """A durable-rules JSON expression for `cond`; None for 'always'; _NEVER for 'never'."""
    if isinstance(cond, Atom):
        return _atom(cond, specs)
    parts = [compile_condition(c, specs) for c in cond.items]
    if isinstance(cond, All):
        if any(p is _NEVER for p in parts):
            return _NEVER
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"$and": parts}
    assert isinstance(cond, AnyOf)
    if any(p is None for p in parts):
        return None
    parts = [p for p in parts if p is not _NEVER]
    if not parts:
        return _NEVER
    return parts[0] if len(parts) == 1 else {"$or": parts}


def _lit(value: Any) -> Any:
    return value.toordinal() if isinstance(value, dt.date) else value


def _atom(atom: Atom, specs: Mapping[str, FactSpec]) -> Any:
    key = engine_key(atom.fact)
    op, v = atom.op, atom.value
    if op == "known":
        return {"$ex": {key: 1}}
    if op == "unknown":
        return {"$nex": {key: 1}}
    if op == "eq":
        return {key: _lit(v)}
    if op == "ne":
        return {"$neq": {key: _lit(v)}}
    if op == "in":
        alts = [{key: _lit(x)} for x in v]
        return alts[0] if len(alts) == 1 else {"$or": alts}
    if op == "not_in":
        alts = [{"$neq": {key: _lit(x)}} for x in v]
        return alts[0] if len(alts) == 1 else {"$and": alts}
    if op in ("ge", "le", "gt", "lt"):
        return {f"${'gte' if op == 'ge' else 'lte' if op == 'le' else op}": {key: _lit(v)}}
    if op == "has_any":
        alts = [{f"{key}__{x}": True} for x in v]
        return alts[0] if len(alts) == 1 else {"$or": alts}
    if op == "has_none":
        alts = [{f"{key}__{x}": False} for x in v]
        return alts[0] if len(alts) == 1 else {"$and": alts}
    raise ValueError(f"cannot compile operator {op}")  # pragma: no cover
