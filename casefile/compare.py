"""What makes the difference between jurisdictions.

Jurisdictions that reach the same outcome are grouped. For each pair of groups, the sentence a trainer reads out
when two countries treat the same person differently: which criterion decides each side — the condition of the
deciding rule, in plain words, with its dates and sources. A side decided only by its default rule ("the BAMF
decides individually") is said to have no such criterion, which is usually the point.
"""

from __future__ import annotations

import itertools

from casefile.conditions import TRUE, describe, show_value
from casefile.results import Assessment, JurisdictionResult
from casefile.rulebook import BARRED, Rule, Rulebook, default_rulebook


def deciding_rules(j: JurisdictionResult) -> list[str]:
    return j.access.rules if j.access.outcome in BARRED else j.practice.rules


def is_default(rule: Rule) -> bool:
    return rule.condition == TRUE and rule.valid_from is None and rule.valid_to is None


def criterion(rule: Rule, book: Rulebook) -> str:
    """'Title' (when <condition>, from <date>) [sources]."""
    parts = []
    if rule.condition != TRUE:
        parts.append(describe(rule.condition, book.specs))
    if rule.valid_from and rule.valid_to:
        parts.append(f"{show_value(rule.valid_from)} to {show_value(rule.valid_to)}")
    elif rule.valid_from:
        parts.append(f"from {show_value(rule.valid_from)}")
    elif rule.valid_to:
        parts.append(f"until {show_value(rule.valid_to)}")
    when = f" ({'; '.join(parts)})" if parts else ""
    return f"'{rule.title}'{when} [{', '.join(rule.sources)}]"


def differences(a: Assessment, book: Rulebook | None = None) -> list[str]:
    """One sentence per pair of outcome groups, naming the criterion behind the difference."""
    book = book or default_rulebook()
    groups: dict[str, list[JurisdictionResult]] = {}
    for j in a.jurisdictions:
        groups.setdefault(j.outcome, []).append(j)
    out: list[str] = []
    for (o1, g1), (o2, g2) in itertools.combinations(groups.items(), 2):
        head = f"{_codes(g1)} ({_w(o1)}) vs {_codes(g2)} ({_w(o2)}): "
        out.append(head + " ".join(s for s in (_side(g1, book), _side(g2, book)) if s))
    return out


def _side(group: list[JurisdictionResult], book: Rulebook) -> str:
    criteria: dict[str, list[str]] = {}
    defaults: list[str] = []
    for j in group:
        rules = [book.rules[r] for r in deciding_rules(j)]
        specific = [r for r in rules if not is_default(r)]
        if not specific:
            defaults.append(j.code)
        for r in specific:
            criteria.setdefault(r.id, []).append(j.code)
    parts = [f"in {', '.join(codes)}, {criterion(book.rules[rid], book)} decides" for rid, codes in criteria.items()]
    if defaults:
        parts.append(f"in {', '.join(defaults)} no specific rule applies, so the default decides")
    return "; ".join(parts) + "."


def _codes(group: list[JurisdictionResult]) -> str:
    return ", ".join(j.code for j in group)


def _w(outcome: str) -> str:
    return outcome.replace("_", " ")
