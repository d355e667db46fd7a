"""Terminal and JSON views of a timeline."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from casefile import DISCLAIMER
from casefile.render.text import notice, styled
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


def render_timeline(t: Timeline, book: Rulebook, console: Console) -> None:
    console.print(notice(DISCLAIMER))
    console.print(Text(f"Timeline of {t.case_id}, {t.start} to {t.end}", style="bold"))
    for note in t.notes:
        console.print(Text(f"! {note}", style="yellow"))
    for code, steps in t.steps.items():
        console.print()
        head = Text(f"{code} {book.names[code]}", style="bold")
        if len(steps) == 1:
            head.append(" — no change: ")
            head.append_text(styled(steps[0].decision.outcome))
            head.append(f" throughout ({_lenses(steps[0])})", style="dim")
            console.print(head)
            continue
        console.print(head)
        for s in steps:
            line = Text(f"  {s.date}  ")
            line.append_text(styled(s.decision.outcome))
            line.append(f"   ({_lenses(s)})", style="dim")
            console.print(line)
            if s.why_date == "start":
                continue
            for rid in s.started:
                console.print(Text(f"              + {book.rules[rid].title} ({rid})"))
            for rid in s.stopped:
                console.print(Text(f"              − {book.rules[rid].title} ({rid})", style="dim"))
    console.print()
    table = Table(title="Dates checked", title_justify="left", box=box.SIMPLE, show_header=True)
    table.add_column("Date", no_wrap=True)
    table.add_column("Why this date")
    table.add_column("Changed here", no_wrap=True)
    for day, why in t.checked:
        changed = [code for code, steps in t.steps.items() for s in steps if s.date == day and s.why_date != "start"]
        table.add_row(day.isoformat(), why, ", ".join(changed) or "—")
    console.print(table)
    console.print(notice(DISCLAIMER))


def _lenses(step: Step) -> str:
    d = step.decision
    return (
        f"access: {d.access.replace('_', ' ')}; practice: {d.practice.replace('_', ' ')}; "
        f"standard: {d.standard.replace('_', ' ')}"
    )
