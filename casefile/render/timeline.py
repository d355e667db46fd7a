"""Views of a timeline: terminal, JSON, and (from one document) Markdown and HTML."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.console import Console

from casefile import DISCLAIMER
from casefile.render.doc import Doc, to_console
from casefile.report import day, words
from casefile.rulebook import Rulebook
from casefile.timeline import Step, Timeline


def timeline_json(t: Timeline, book: Rulebook) -> dict[str, Any]:
    return {
        "case_id": t.case_id,
        "from": t.start.isoformat(),
        "to": t.end.isoformat(),
        "disclaimer": DISCLAIMER,
        "notes": t.notes,
        "dates_checked": [{"date": d.isoformat(), "why": why} for d, why in t.checked],
        "jurisdictions": [
            {
                "code": code,
                "name": book.names[code],
                "changes": [
                    {
                        "date": s.date.isoformat(),
                        "because": s.why_date,
                        "outcome": s.decision.outcome,
                        "access": s.decision.access,
                        "practice": s.decision.practice,
                        "standard": s.decision.standard,
                        "started": list(s.started),
                        "stopped": list(s.stopped),
                    }
                    for s in steps
                ],
            }
            for code, steps in t.steps.items()
        ],
    }


def render_timeline(t: Timeline, book: Rulebook, console: Console, who: str | None = None) -> None:
    to_console(timeline_doc(t, book, who), console)


def _lenses(step: Step) -> str:
    d = step.decision
    return f"access: {words(d.access)}; practice: {words(d.practice)}; standard: {words(d.standard)}"


def timeline_doc(t: Timeline, book: Rulebook, who: str | None = None) -> Doc:
    """The timeline in plain words, for every format: dates as 1 Sep 2023, rules by their titles."""
    doc = Doc(
        f"Timeline — {who or t.case_id}",
        DISCLAIMER,
        f"How each outcome changes from {day(t.start)} to {day(t.end)}, and why",
    )
    for note in t.notes:
        doc.p("⚠ " + _plain_dates(note))
    doc.h2("Each jurisdiction")
    for code, steps in t.steps.items():
        name = f"{code} {book.names[code]}"
        if len(steps) == 1:
            doc.p(f"{name}: no change — {words(steps[0].decision.outcome)} throughout ({_lenses(steps[0])}).")
            continue
        doc.p(f"{name}:")
        items = []
        for s in steps:
            line = f"from {day(s.date)}: {words(s.decision.outcome)} ({_lenses(s)})"
            if s.why_date != "start":
                started = [book.rules[r].title for r in s.started]
                stopped = [book.rules[r].title for r in s.stopped]
                if started:
                    line += " — now decides: " + "; ".join(started)
                if stopped:
                    line += " — no longer decides: " + "; ".join(stopped)
            items.append(line)
        doc.ul(items)
    doc.h2("Dates checked")
    rows = []
    for when, why in t.checked:
        changed = [code for code, steps in t.steps.items() for s in steps if s.date == when and s.why_date != "start"]
        rows.append([day(when), why, ", ".join(changed) or "—"])
    doc.table(["Date", "Why this date", "Changed here"], rows)
    return doc


def _plain_dates(text: str) -> str:
    import re

    return re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", lambda m: day(dt.date.fromisoformat(m.group(0))), text)
