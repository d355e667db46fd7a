"""Terminal view of a what-if: before and after, with what changed and why."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from casefile.render.text import notice, styled
from casefile.rulebook import Rulebook
from casefile.whatif import WhatIf


def whatif_json(w: WhatIf) -> dict[str, Any]:
    return {
        "case_id": w.before.case_id,
        "as_of": w.before.as_of.isoformat(),
        "disclaimer": w.before.disclaimer,
        "set": {p: v for p, v in w.assignments},
        "changed": w.changed(),
        "before": w.before.model_dump(mode="json"),
        "after": w.after.model_dump(mode="json"),
    }


def render_whatif(w: WhatIf, book: Rulebook, console: Console) -> None:
    console.print(notice(w.before.disclaimer))
    sets = ", ".join(f"{p} = {'unknown' if v is None else v}" for p, v in w.assignments)
    console.print(Text(f"What if {sets}?", style="bold"), Text(f"  ({w.before.case_id}, as of {w.before.as_of})"))
    table = Table(box=box.SIMPLE_HEAVY)
    for col in ("Jurisdiction", "Before", "After", "Standard before → after"):
        table.add_column(col)
    for j in w.after.jurisdictions:
        b = w.before.jurisdiction(j.code)
        mark = " *" if j.code in w.changed() else ""
        std = Text()
        std.append_text(styled(b.standard.outcome))
        std.append(" → ")
        std.append_text(styled(j.standard.outcome))
        table.add_row(f"{j.code} {j.name}{mark}", styled(b.outcome), styled(j.outcome), std)
    console.print(table)
    for j in w.after.jurisdictions:
        b = w.before.jurisdiction(j.code)
        if j.code not in w.changed():
            continue
        before_rules = set(b.access.rules + b.practice.rules + b.standard.rules)
        after_rules = set(j.access.rules + j.practice.rules + j.standard.rules)
        line = Text(f"{j.code}: ", style="bold")
        line.append_text(styled(b.outcome))
        line.append(" → ")
        line.append_text(styled(j.outcome))
        console.print(line)
        for rid in sorted(after_rules - before_rules):
            rule = book.rules[rid]
            console.print(Text(f"   now decides: {rule.title} ({rid}) — {rule.reason}"))
            console.print(Text(f"   sources: {', '.join(rule.sources)}", style="dim"))
        for rid in sorted(before_rules - after_rules):
            console.print(Text(f"   no longer decides: {book.rules[rid].title} ({rid})", style="dim"))
    if not w.changed():
        console.print("No jurisdiction's outcome changes.")
    console.print(notice(w.before.disclaimer))
