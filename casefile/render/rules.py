"""Terminal views of the rulebook: ``casefile rules list`` and ``casefile rules show``."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from casefile.conditions import describe, show_value
from casefile.errors import InputError, did_you_mean
from casefile.rulebook import Rule, Rulebook


def _conclusion(rule: Rule) -> str:
    if rule.derives:
        return f"{rule.derives[0]} = {show_value(rule.derives[1])}"
    return (rule.outcome or "").replace("_", " ")


def _window(rule: Rule) -> str:
    if not rule.valid_from and not rule.valid_to:
        return "always"
    return f"{rule.valid_from or '…'} → {rule.valid_to or '…'}"


def render_rule_list(book: Rulebook, codes: list[str] | None, console: Console) -> None:
    """Each rule on two lines, readable at 80 columns: its id and file:line, then what it concludes and its title
    (wrapped lines keep their indent)."""
    shown = 0
    for rule in book.rules.values():
        if codes and not set(codes) & set(rule.jurisdictions):
            continue
        shown += 1
        head = Text(rule.id, style="bold")
        head.append(f"  {rule.short_location}", style="dim")
        console.print(head)
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(width=3, no_wrap=True)
        grid.add_column()
        window = "" if _window(rule) == "always" else f" ({_window(rule)})"
        grid.add_row("", Text(f"{rule.stage} → {_conclusion(rule)}{window}: ", style="cyan") + Text(rule.title))
        console.print(grid)
    console.print(
        f"{shown} of {len(book.rules)} rules, {len(book.criteria)} checklist criteria; rulebook {book.version}, "
        f"facts to {book.meta.knowledge_date}. Details: casefile rules show ID"
    )


def render_rule(book: Rulebook, rule_id: str, console: Console) -> None:
    rule = book.rules.get(rule_id)
    if rule is None:
        raise InputError.single(
            None,
            f"no rule '{rule_id}'",
            field="rule id",
            hint=did_you_mean(rule_id, book.rules) or "see 'casefile rules list'",
        )
    console.print(Text(rule.id, style="bold"), Text(f"  {rule.short_location}", style="dim"))
    console.print(Text(rule.title, style="bold"))
    console.print(
        f"Stage: {rule.stage}   Applies to: {', '.join(rule.jurisdictions)}   Valid: {_window(rule)} "
        f"(dated by {rule.dated_by})   Confidence: {rule.confidence}"
    )
    console.print(f"When: {describe(rule.condition, book.specs)}")
    console.print(f"Concludes: {_conclusion(rule)}")
    if rule.overrides:
        console.print(f"Overrides: {', '.join(rule.overrides)}")
    console.print(Text("Reason: ", style="bold") + Text(rule.reason))
    if rule.remaining_route:
        console.print(Text("What remains: ", style="bold") + Text(rule.remaining_route))
    if rule.caveat:
        console.print(Text("Caveat: ", style="bold yellow") + Text(rule.caveat))
    console.print(Text("Sources:", style="bold"))
    for ref in rule.sources:
        cit = book.sources.resolve(ref)
        if cit is None:
            continue
        line = Text(f"  {ref}  ", style="bold")
        line.append(cit.title + "\n    ")
        line.append(cit.text)
        if cit.status:
            line.append(f"\n    ⚠ {', '.join(cit.status)}: {cit.note}", style="yellow")
        console.print(line)
