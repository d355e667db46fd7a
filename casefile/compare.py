"""What makes the difference between jurisdictions.

For each pair of outcome groups in a comparison (jurisdictions reaching the same outcome are grouped), the rules
that decide each side and the conditions behind them, with their sources: the sentence a trainer reads out when
two countries treat the same person differently.
"""

from __future__ import annotations

import itertools

from casefile.conditions import describe
from casefile.results import Assessment, JurisdictionResult
from casefile.rulebook import BARRED, Rulebook, default_rulebook


def deciding_rules(j: JurisdictionResult) -> list[str]:
    return j.access.rules if j.access.outcome in BARRED else j.practice.rules


def differences(a: Assessment, book: Rulebook | None = None) -> list[str]:
    book = book or default_rulebook()
    groups: dict[str, list[JurisdictionResult]] = {}
    for j in a.jurisdictions:
        groups.setdefault(j.outcome, []).append(j)
    out: list[str] = []
    for (o1, g1), (o2, g2) in itertools.combinations(groups.items(), 2):
        out.append(f"{_codes(g1)} ({_w(o1)}) vs {_codes(g2)} ({_w(o2)}): " + " ".join(_side(g, book) for g in (g1, g2)))
    return out


def _side(group: list[JurisdictionResult], book: Rulebook) -> str:
    parts = []
    seen: dict[str, list[str]] = {}
    for j in group:
        for rid in deciding_rules(j):
            seen.setdefault(rid, []).append(j.code)
    for rid, codes in seen.items():
        rule = book.rules[rid]
        cond = describe(rule.condition, book.specs)
        when = "" if cond == "always" else f" (when {cond})"
        parts.append(f"in {', '.join(codes)}, '{rule.title}'{when} [{', '.join(rule.sources)}]")
    return "; ".join(parts) + "."


def _codes(group: list[JurisdictionResult]) -> str:
    return ", ".join(j.code for j in group)


def _w(outcome: str) -> str:
    return outcome.replace("_", " ")
