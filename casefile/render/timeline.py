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
from casefile.timeline import Timeline


def timeline_json(t: Timeline, book: Rulebook) -> dict[str, Any]:
    return {
        "case_id": t.case_id,
        "from": t.start.isoformat(),
        "to": t.end.isoformat(),
        "disclaimer": DISCLAIMER,
        "notes": t.notes,
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
        table = Table(title=f"{code} {book.names[code]}", title_justify="left", box=box.SIMPLE_HEAD, expand=False)
        table.add_column("From", no_wrap=True)
        table.add_column("Outcome")
        table.add_column("Access / practice / standard")
        table.add_column("What changed")
        for s in steps:
            d = s.decision
            lenses = Text()
            lenses.append_text(styled(d.access))
            lenses.append(" / ")
            lenses.append_text(styled(d.practice))
            lenses.append(" / ")
            lenses.append_text(styled(d.standard))
            what = []
            for rid in s.started:
                what.append(f"+ {book.rules[rid].title} ({rid})")
            for rid in s.stopped:
                what.append(f"− {book.rules[rid].title} ({rid})")
            table.add_row(
                s.date.isoformat(),
                styled(d.outcome),
                lenses,
                "\n".join(what) if s.why_date != "start" else "(first date)",
            )
        console.print(table)
    console.print(notice(DISCLAIMER))
