"""Terminal output: what a trainee reads.

Built with rich, so colour follows the terminal and respects ``NO_COLOR``, and tables fit 80 columns. Every page
starts and ends with the notice that this is an educational model, not legal advice. Symbols: ✓ met, ✗ not met,
? unknown; ★ marks the country where the person actually applied.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from casefile.facts import CASE_FACTS
from casefile.render.escape import terminal_safe
from casefile.render.layout import Hanging, Page, Paragraph, QuickTable, Stack, paragraphs
from casefile.report import SECTIONS, outcome_effects
from casefile.results import Assessment, JurisdictionResult
from casefile.rulebook import default_rulebook

STATUS = {"met": ("✓", "green"), "not_met": ("✗", "red"), "unknown": ("?", "yellow")}
OUTCOME_STYLE = {
    "protection_likely": "bold green",
    "individual_assessment": "cyan",
    "decision_postponed": "yellow",
    "exclusion_review": "magenta",
    "refusal_likely": "bold red",
    "not_assessed": "dim",
    "access_to_procedure": "green",
    "humanitarian_pathway": "cyan",
    "entry_barred": "bold red",
    "not_received": "bold red",
    "no_legal_pathway": "bold red",
}


def words(outcome: str) -> str:
    return outcome.replace("_", " ")


def styled(outcome: str) -> Text:
    return Text(words(outcome), style=OUTCOME_STYLE.get(outcome, ""))


def notice(text: str) -> Panel:
    return Panel(Text(text, style="bold"), title=Text("Notice"), border_style="yellow", box=box.ROUNDED)


def header(a: Assessment) -> Text:
    who = terminal_safe(a.name or a.case_id)
    t = Text()
    t.append(f"{who}", style="bold")
    t.append(f"  (case {a.case_id}, assessed as of {a.as_of}, rulebook {a.rulebook_version}, engine {a.engine})")
    return t


def warnings(a: Assessment) -> list[RenderableType]:
    return [Text(f"! {w}", style="yellow") for w in a.warnings]


def render_evaluate(a: Assessment, console: Console) -> None:
    page = Page()
    page.add(notice(a.disclaimer))
    page.add(header(a))
    for w in warnings(a):
        page.add(w)
    for j in a.jurisdictions:
        page.add()
        page.add(jurisdiction_block(j, a))
    page.add()
    page.add(sources_block(a, (s for j in a.jurisdictions for f in j.fired for s in f.sources)))
    page.add(notice(a.disclaimer))
    page.print(console)


def jurisdiction_block(j: JurisdictionResult, a: Assessment) -> RenderableType:
    title = Text()
    title.append(f"{j.code} {j.name}", style="bold")
    if j.application_country:
        title.append("  ★ applied here", style="bold blue")
    title.append("  →  ")
    title.append_text(styled(j.outcome))
    from casefile.report import headline

    head = headline(j, default_rulebook())
    if head.confidence != "high":
        title.append(f" ({head.confidence} confidence)", style="yellow")
    parts: list[RenderableType] = []
    lenses = QuickTable.grid(padding=(0, 1))
    lenses.add_column(style="bold", no_wrap=True)
    lenses.add_column()
    from casefile.report import lens_confidence

    book = default_rulebook()
    for name, lens in (("Access", j.access), ("Practice", j.practice), ("Standard", j.standard)):
        shown = lens_confidence(lens, j, book)
        cell = styled(lens.outcome)
        if shown.confidence != "high":
            cell.append(f" ({shown.confidence} confidence)", style="yellow")
        lenses.add_row(name, cell)
    if j.tension:
        lenses.add_row("Tension", Text("practice is less favourable than the common standard", style="bold magenta"))
    parts.append(lenses)

    parts.append(Text("\nChecklist", style="bold underline"))
    for item in j.checklist:
        mark, colour = STATUS[item.status]
        line = Text(item.label)
        line.append(f"  [{', '.join(item.sources)}]", style="dim")
        parts.append(_hang(line, bullet=f" {mark}", bullet_style=f"bold {colour}"))

    parts.append(Text("\nWhy", style="bold underline"))
    for f in j.fired:
        if f.stage == "derive" or not f.decided:
            continue
        line = Text(f"{f.title}", style="bold")
        line.append(f" ({f.rule}, {f.stage}: {words(f.conclusion)})", style="dim")
        parts.append(_hang(line, bullet=" •"))
        parts.append(_hang(f.because))
        if f.remaining_route:
            parts.append(_hang("What remains: " + f.remaining_route, style="cyan"))
        if f.caveat:
            parts.append(_hang(f"⚠ {f.caveat}", style="yellow"))
        if f.facts:
            shown = ", ".join(f"{k} = {_value(v)}" for k, v in f.facts.items() if not k.startswith("dates."))
            if shown:
                parts.append(_hang(f"facts: {shown}", style="dim"))
        parts.append(_hang(f"sources: {', '.join(f.sources)}   ({f.location})", style="dim"))
    overridden = [f for f in j.fired if f.stage != "derive" and not f.decided]
    if overridden:
        parts.append(Text("\nAlso applied, but overridden", style="bold underline"))
        for f in overridden:
            parts.append(
                _hang(
                    f"{f.title} ({f.rule}: {words(f.conclusion)}) — overridden by {', '.join(f.overridden_by)}",
                    style="dim",
                    bullet=" •",
                )
            )
    if j.unknowns:
        parts.append(Text("\nUnknown facts that matter", style="bold underline"))
        for u in j.unknowns:
            parts.append(_hang(u.question, bullet=" ?", bullet_style="bold yellow"))
            effects = outcome_effects(u.outcomes, j.outcome, CASE_FACTS.get(u.fact), default_rulebook().names)
            parts.append(_hang(effects, style="dim"))
    if j.why_not:
        parts.append(Text("\n" + SECTIONS["why_not"], style="bold underline"))
        for w in j.why_not[:6]:
            parts.append(_hang(w.sentence, bullet=" –"))
    if j.what_would_change:
        from casefile.report import change_shown

        parts.append(Text("\n" + SECTIONS["depends_on"], style="bold underline"))
        for c in j.what_would_change:
            shown = change_shown(c, book)
            change = ", ".join(f"{k} = {_value(v)}" for k, v in c.set.items())
            line = Text(change, style="bold")
            line.append(" gives ")
            line.append_text(styled(c.outcome))
            if shown.confidence != "high":
                line.append(f" ({shown.confidence} confidence)", style="yellow")
            line.append(f"  ({', '.join(c.because)}; {', '.join(c.sources)})", style="dim")
            parts.append(_hang(line, bullet=" →"))
            for cav in shown.caveats:
                parts.append(_hang(f"⚠ {cav}", style="yellow"))
    return Panel(
        Stack(paragraphs(parts)),
        padding=0,  # the stack's margins
        title=title,
        title_align="left",
        box=box.ROUNDED,
        border_style="blue" if j.application_country else "white",
    )


def _hang(text: str | Text, style: str = "", *, bullet: str = "  ", bullet_style: str = "") -> Hanging:
    """One line whose wrapped continuation keeps the indent of its first word."""
    body = text if isinstance(text, Text) else Text(text, style=style)
    return Hanging(Text(bullet, style=bullet_style), body, len(bullet))


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(v)


def sources_block(a: Assessment, refs: Iterable[str]) -> RenderableType:
    wanted = sorted(set(refs))
    table = QuickTable(box=box.SIMPLE, show_header=True, expand=False)
    table.add_column("Source", no_wrap=True)
    table.add_column("What it says")
    for ref in wanted:
        note = a.sources.get(ref)
        if note is None:
            continue
        text = Text(escape(note.title) + "\n", style="bold")
        text.append(note.text)
        if note.status:
            text.append(f"\n⚠ {', '.join(note.status)}: {note.note}", style="yellow")
        table.add_row(ref, text)
    return Group(Paragraph(Text("Sources", style="bold underline")), table)
