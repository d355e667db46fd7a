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
from rich.table import Table
from rich.text import Text

from casefile.render.escape import terminal_safe
from casefile.results import Assessment, JurisdictionResult

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
    return Panel(Text(text, style="bold"), title="Notice", border_style="yellow", box=box.ROUNDED)


def header(a: Assessment) -> Text:
    who = terminal_safe(a.name or a.case_id)
    t = Text()
    t.append(f"{who}", style="bold")
    t.append(f"  (case {a.case_id}, assessed as of {a.as_of}, rulebook {a.rulebook_version}, engine {a.engine})")
    return t


def warnings(a: Assessment) -> list[RenderableType]:
    return [Text(f"! {w}", style="yellow") for w in a.warnings]


def render_evaluate(a: Assessment, console: Console) -> None:
    console.print(notice(a.disclaimer))
    console.print(header(a))
    for w in warnings(a):
        console.print(w)
    for j in a.jurisdictions:
        console.print()
        console.print(jurisdiction_block(j, a))
    console.print()
    console.print(sources_block(a, (s for j in a.jurisdictions for f in j.fired for s in f.sources)))
    console.print(notice(a.disclaimer))


def jurisdiction_block(j: JurisdictionResult, a: Assessment) -> RenderableType:
    title = Text()
    title.append(f"{j.code} {j.name}", style="bold")
    if j.application_country:
        title.append("  ★ applied here", style="bold blue")
    title.append("  →  ")
    title.append_text(styled(j.outcome))
    parts: list[RenderableType] = []
    lenses = Table.grid(padding=(0, 1))
    lenses.add_column(style="bold", no_wrap=True)
    lenses.add_column()
    lenses.add_row("Access", styled(j.access.outcome))
    lenses.add_row("Practice", styled(j.practice.outcome))
    lenses.add_row("Standard", styled(j.standard.outcome))
    if j.tension:
        lenses.add_row("Tension", Text("practice is less favourable than the common standard", style="bold magenta"))
    parts.append(lenses)

    parts.append(Text("\nChecklist", style="bold underline"))
    for item in j.checklist:
        mark, colour = STATUS[item.status]
        line = Text(f" {mark} ", style=f"bold {colour}")
        line.append(item.label)
        line.append(f"  [{', '.join(item.sources)}]", style="dim")
        parts.append(line)

    parts.append(Text("\nWhy", style="bold underline"))
    for f in j.fired:
        if f.stage == "derive" or not f.decided:
            continue
        line = Text(" • ")
        line.append(f"{f.title}", style="bold")
        line.append(f" ({f.rule}, {f.stage}: {words(f.conclusion)})", style="dim")
        parts.append(line)
        parts.append(Text("   " + f.because))
        if f.remaining_route:
            parts.append(Text("   What remains: " + f.remaining_route, style="cyan"))
        if f.caveat:
            parts.append(Text(f"   ⚠ {f.caveat}", style="yellow"))
        if f.facts:
            shown = ", ".join(f"{k} = {_value(v)}" for k, v in f.facts.items() if not k.startswith("dates."))
            if shown:
                parts.append(Text(f"   facts: {shown}", style="dim"))
        parts.append(Text(f"   sources: {', '.join(f.sources)}   ({f.location})", style="dim"))
    overridden = [f for f in j.fired if f.stage != "derive" and not f.decided]
    if overridden:
        parts.append(Text("\nAlso applied, but overridden", style="bold underline"))
        for f in overridden:
            parts.append(
                Text(
                    f" • {f.title} ({f.rule}: {words(f.conclusion)}) — overridden by {', '.join(f.overridden_by)}",
                    style="dim",
                )
            )
    if j.unknowns:
        parts.append(Text("\nUnknown facts that matter", style="bold underline"))
        for u in j.unknowns:
            line = Text(" ? ", style="bold yellow")
            line.append(u.question)
            parts.append(line)
            parts.append(Text("   " + _outcomes_text(u.outcomes, j.outcome), style="dim"))
    if j.why_not:
        parts.append(Text("\nWhy not a better outcome", style="bold underline"))
        for w in j.why_not[:6]:
            parts.append(Text(" – " + w.sentence))
    if j.what_would_change:
        parts.append(Text("\nWhat would change it", style="bold underline"))
        for c in j.what_would_change:
            change = ", ".join(f"{k} = {_value(v)}" for k, v in c.set.items())
            line = Text(" → ")
            line.append(change, style="bold")
            line.append(" gives ")
            line.append_text(styled(c.outcome))
            line.append(f"  ({', '.join(c.because)}; {', '.join(c.sources)})", style="dim")
            parts.append(line)
    return Panel(
        Group(*parts),
        title=title,
        title_align="left",
        box=box.ROUNDED,
        border_style="blue" if j.application_country else "white",
    )


def _value(v: object) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(v)


SHORT = {
    "access_to_procedure": "procedure",
    "humanitarian_pathway": "humanitarian",
    "entry_barred": "barred",
    "not_received": "not received",
    "no_legal_pathway": "no pathway",
    "protection_likely": "protection",
    "individual_assessment": "individual",
    "decision_postponed": "postponed",
    "exclusion_review": "exclusion",
    "refusal_likely": "refusal",
    "not_assessed": "—",
}
LEGEND = (
    "procedure = access to the procedure · humanitarian = humanitarian pathway · barred = entry barred · "
    "protection / individual / refusal = protection likely / individual assessment / refusal likely · "
    "postponed = decision postponed · exclusion = exclusion review · — = not assessed"
)


def short(outcome: str) -> Text:
    return Text(SHORT.get(outcome, words(outcome)), style=OUTCOME_STYLE.get(outcome, ""))


def comparison_table(a: Assessment) -> Table:
    table = Table(title=None, box=box.SIMPLE_HEAVY, show_lines=False, expand=False, pad_edge=False)
    table.add_column("", no_wrap=True, width=1)
    table.add_column("Jurisdiction", no_wrap=True)
    table.add_column("Access", no_wrap=True)
    table.add_column("Practice", no_wrap=True)
    table.add_column("Standard", no_wrap=True)
    table.add_column("Gap", justify="center", no_wrap=True)
    table.add_column("Outcome", no_wrap=True)
    for j in a.jurisdictions:
        table.add_row(
            "★" if j.application_country else "",
            f"{j.code} {j.name}",
            short(j.access.outcome),
            short(j.practice.outcome),
            short(j.standard.outcome),
            Text("yes", style="bold magenta") if j.tension else Text("–", style="dim"),
            short(j.outcome),
        )
    return table


def render_compare(a: Assessment, console: Console, differences: list[str] | None = None) -> None:
    console.print(notice(a.disclaimer))
    console.print(header(a))
    for w in warnings(a):
        console.print(w)
    console.print(comparison_table(a))
    console.print(
        Text(
            "★ = where the person applied. Gap = practice less favourable than the common standard (tension).",
            style="dim",
        )
    )
    console.print(Text(LEGEND, style="dim"))
    console.print()
    console.print(Text("Why", style="bold underline"))
    for j in a.jurisdictions:
        barred = j.access.outcome == j.outcome and j.access.outcome not in (
            "access_to_procedure",
            "humanitarian_pathway",
        )
        stage = "access" if barred else "practice"
        deciding = [f for f in j.fired if f.decided and f.stage == stage]
        line = Text()
        line.append(f"{j.code} ", style="bold")
        line.append_text(styled(j.outcome))
        line.append(": ")
        line.append("; ".join(f"{f.title} [{', '.join(f.sources)}]" for f in deciding) or "—")
        if j.tension:
            std = [f for f in j.fired if f.decided and f.stage == "standard"]
            line.append(f" — the standard gives {words(j.standard.outcome)}", style="magenta")
            if std:
                line.append(f" ({std[0].title})", style="magenta")
        console.print(line)
    if differences:
        console.print()
        console.print(Text("What makes the difference", style="bold underline"))
        for d in differences:
            console.print(Text(" • " + d))
    better = [(j.code, j.why_not[0]) for j in a.jurisdictions if j.why_not]
    if better:
        console.print()
        console.print(Text("Why not a better outcome (the first reason in each)", style="bold underline"))
        for code, w in better:
            console.print(Text(f" {code}: {w.sentence}"))
    unknowns = _unknowns_across(a)
    if unknowns:
        console.print()
        console.print(Text("Unknown facts that would decide an outcome", style="bold underline"))
        for question, per_code in unknowns:
            console.print(Text(" ? " + question, style="bold"))
            grouped: dict[str, list[str]] = {}
            for code, text in per_code:
                grouped.setdefault(text, []).append(code)
            for text, codes in grouped.items():
                console.print(Text(f"     {', '.join(codes)}: {text}", style="dim"))
    from casefile.explain import favourability

    changes = [
        (j.code, c)
        for j in a.jurisdictions
        for c in [c for c in j.what_would_change if favourability(c.outcome) > favourability(j.outcome)][:2]
    ]
    if changes:
        console.print()
        console.print(Text("What would improve it (verified by re-running the engine)", style="bold underline"))
        for code, c in changes:
            line = Text(f" {code}: ")
            line.append(", ".join(f"{k} = {_value(v)}" for k, v in c.set.items()), style="bold")
            line.append(" → ")
            line.append_text(styled(c.outcome))
            line.append(f"  [{', '.join(c.sources[:3])}]", style="dim")
            console.print(line)
    console.print()
    console.print(notice(a.disclaimer))


def _unknowns_across(a: Assessment) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each deciding unknown once, with what it would do in each jurisdiction."""
    order: list[str] = []
    table: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for j in a.jurisdictions:
        for u in j.unknowns:
            if u.fact not in table:
                order.append(u.fact)
                table[u.fact] = (u.question, [])
            table[u.fact][1].append((j.code, _outcomes_text(u.outcomes, j.outcome)))
    return [table[f] for f in order]


def _outcomes_text(outcomes: dict[str, str], now: str) -> str:
    """'true → individual assessment; false → refusal likely', grouping values with the same outcome."""
    by_outcome: dict[str, list[str]] = {}
    for value, outcome in outcomes.items():
        by_outcome.setdefault(outcome, []).append(value.replace("_", " "))
    parts = []
    for outcome, values in by_outcome.items():
        if outcome == now and len(values) > 3:
            parts.append(f"other values → {words(outcome)}")
        else:
            parts.append(f"{' or '.join(values)} → {words(outcome)}")
    return "; ".join(parts)


def sources_block(a: Assessment, refs: Iterable[str]) -> RenderableType:
    wanted = sorted(set(refs))
    table = Table(box=box.SIMPLE, show_header=True, expand=False)
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
    return Group(Text("Sources", style="bold underline"), table)
