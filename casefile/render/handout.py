"""The handout in the terminal and in Markdown: the same sections, in the same order and words, as the HTML page.

Both functions only format a :class:`casefile.report.Report`; what the handout says is decided there once.
"""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.console import Console
from rich.text import Text

from casefile.render.escape import markdown_safe, terminal_safe
from casefile.render.layout import Hanging, Page, QuickTable
from casefile.render.text import OUTCOME_STYLE, notice
from casefile.report import DIFFERENCES_NOTE, MATRIX_LEGEND, SECTIONS, Report, Shown, words

MARK = {"met": "✓", "not_met": "✗", "unknown": "?"}
STATUS_WORDS = {"met": "met", "not_met": "not met", "unknown": "unknown"}


# -------------------------------------------------------------------------------------------------- Markdown


def _label(item: object) -> str:
    """'DE Germany' for one jurisdiction; 'Netherlands, Estonia' for several that read the same."""
    codes = getattr(item, "codes", [])
    return f"{item.code} {item.name}" if len(codes) <= 1 else item.name  # type: ignore[attr-defined]


def _md(text: str) -> str:
    """User text made inert in Markdown (no emphasis, links, images or raw HTML; controls shown as escapes)."""
    return " ".join(markdown_safe(part) for part in text.split("\n"))


def _shown_md(s: Shown) -> str:
    return f"**{words(s.outcome)}**" + (f" ({s.confidence} confidence)" if s.confidence != "high" else "")


def handout_markdown(r: Report) -> str:
    """The handout as a Markdown document."""
    from casefile.render.markdown import cell  # not for the terminal: its import is not every command's

    out: list[str] = [f"> **⚠ {r.disclaimer}**", "", f"# {_md(r.who)}", ""]
    meta = (
        f"{'Comparison across jurisdictions' if r.kind == 'compare' else 'Assessment'} · assessed as of **{r.as_of}**"
    )
    if r.applied:
        meta += " · applied in ★ " + ", ".join(r.applied)
    out += [meta, ""]
    if r.warnings:
        out += [f"- ⚠ {_md(w)}" for w in r.warnings] + [""]
    if r.known or r.unknown_facts:
        out += [f"## {SECTIONS['facts']}", "", f"### {SECTIONS['known']}", ""]
        out += [f"- {f.label}: **{_md(f.value)}**" for f in r.known] or ["- (nothing)"]
        out += ["", f"### {SECTIONS['unknown']}", ""]
        if r.unknown_facts:
            out += ["Not in the case file, and each would change an outcome:", ""]
            out += [f"- {q}" for q in r.unknown_facts]
        else:
            out.append("Nothing unknown would change an outcome.")
        if r.unknown_other:
            out += ["", f"{r.unknown_other} other facts are not given; none of them would change an outcome."]
        out.append("")
    out += [f"## {SECTIONS['matrix']}", ""]
    out += ["| ★ | Jurisdiction | Access | Practice | Standard | Tension | Outcome |", "|:-:|---|---|---|---|:-:|---|"]
    for row in r.rows:
        out.append(
            "| "
            + " | ".join(
                [
                    "★" if row.applied else "",
                    cell(f"{row.code} {row.name}"),
                    row.access.short,
                    row.practice.short,
                    row.standard.short,
                    "**yes**" if row.tension else "no",
                    f"**{row.outcome.short}**",
                ]
            )
            + " |"
        )
    out += ["", MATRIX_LEGEND, ""]
    out += [f"## {SECTIONS['differences']}", "", DIFFERENCES_NOTE, ""]
    out += [f"- **{_label(d)}** — {_shown_md(d.outcome)}: {d.sentence}" for d in r.differences]
    out += ["", f"## {SECTIONS['cards']}", ""]
    for c in r.cards:
        out += [f"### {_label(c)}{' ★' if c.applied else ''} — {_shown_md(c.outcome)}", ""]
        lenses = f"Access: {c.access.text} · Practice: {c.practice.text} · Standard: {c.standard.text}"
        out.append(f"- {lenses}" + (" · **tension**" if c.tension else ""))
        out += [f"- **{label}:** {text}" for label, text in c.lines]
        out += [f"- ⚠ **Caveat:** {cav}" for cav in c.caveats]
        if c.sources:
            out.append(f"- Sources: {c.sources}")
        out.append("")
    out += _md_lists(r)
    out += [f"## {SECTIONS['glossary']}", ""]
    out += [f"- **{g.term}**: {g.text}" for g in r.glossary]
    out.append("")
    if r.details is not None:
        out += _md_details(r)
    out += [f"> **⚠ {r.disclaimer}**"]
    return "\n".join(out).rstrip("\n") + "\n"


def _md_lists(r: Report) -> list[str]:
    out = [f"## {SECTIONS['unknowns']}", ""]
    for u in r.unknowns:
        out.append(f"- {u.question}")
        out += [f"  - {codes}: {effect}" for codes, effect in u.effects]
    if not r.unknowns:
        out.append("None: no unknown fact would change an outcome.")
    out += ["", f"## {SECTIONS['why_not']}", ""]
    out += [f"- **{x.code}:** {x.text}" for x in r.why_not] or [
        "Every jurisdiction reaches its most favourable outcome."
    ]
    out += ["", f"## {SECTIONS['depends_on']}", ""]
    if r.depends_on:
        out += ["One changed fact, and the outcome it would give (checked by assessing the case again).", ""]
        out += [
            f"- **{x.code}:** {x.text} → **{words(x.outcome)}**" + (f" {x.note}" if x.note else "")
            for x in r.depends_on
        ]
    else:
        out.append("No single changed fact would change an outcome.")
    out += ["", f"## {SECTIONS['confidence']}", ""]
    out += [f"- **{x.code}** {x.text}" + (f": {x.note}" if x.note else "") for x in r.caveats] or [
        "Every outcome shown rests on rules of high confidence without caveats."
    ]
    out.append("")
    return out


def _md_details(r: Report) -> list[str]:
    out = [
        f"## {SECTIONS['details']}",
        "",
        f"Case `{r.case_id}` · rulebook {r.rulebook_version} · engine {r.engine}",
        "",
    ]
    for d in r.details or []:
        out += [f"### {d.code} {d.name}", "", "Checklist:", ""]
        out += [f"- {MARK[s]} {label} — *{STATUS_WORDS[s]}* ({src})" for s, label, src in d.checklist] or ["- none"]
        out += ["", "Rules that applied:", ""]
        for f in d.rules:
            over = f", overridden by `{', '.join(f.overridden_by)}`" if not f.decided else ""
            out.append(f"- **{f.title}** `{f.rule}` ({f.stage} → {f.conclusion}){over}")
            if f.facts:
                out.append(f"  - Facts matched: {f.facts}")
            out.append(f"  - Sources: {f.sources} · rule at {f.location}")
        if d.why_not:
            out += ["", f"{SECTIONS['why_not']}:", ""] + [f"- {w}" for w in d.why_not]
        if d.depends_on:
            out += ["", f"{SECTIONS['depends_on']}:", ""]
            out += [f"- {x.text} → **{words(x.outcome)}**" + (f" {x.note}" if x.note else "") for x in d.depends_on]
        out.append("")
    out += [f"### {SECTIONS['sources']}", ""]
    out += [f"- **{ref}** — {title}: {text}" for ref, title, text in r.sources or []]
    out.append("")
    return out


# -------------------------------------------------------------------------------------------------- terminal


def _styled(s: Shown, short: bool = False) -> Text:
    t = Text(words(s.outcome), style=OUTCOME_STYLE.get(s.outcome, ""))
    if s.confidence != "high":
        t.append(f" ({s.confidence})" if short else f" ({s.confidence} confidence)", style="yellow")
    return t


def _heading(title: str) -> Text:
    return Text("\n" + title, style="bold underline")


def _item(text: str | Text, indent: int = 1, bullet: str = "•") -> Hanging:
    """One list item whose wrapped lines keep their indent."""
    return Hanging(" " * indent + bullet, text, indent + len(bullet))


def handout_text(r: Report, console: Console) -> None:
    """The handout in the terminal, printed at once (one print of many parts costs less than many prints)."""
    page = Page()
    add = page.add
    add(notice(r.disclaimer))
    head = Text(terminal_safe(r.who), style="bold")
    head.append(f"  (assessed as of {r.as_of}" + (f"; applied in ★ {', '.join(r.applied)}" if r.applied else "") + ")")
    add(head)
    for w in r.warnings:
        add(_item(Text(terminal_safe(w), style="yellow"), 0, "!"))
    if r.known or r.unknown_facts:
        add(_heading(SECTIONS["facts"]))
        add(Text(SECTIONS["known"], style="bold"))
        facts = QuickTable.grid(padding=(0, 2, 0, 1))
        facts.add_column(style="dim")
        facts.add_column()
        for f in r.known:
            facts.add_row(f.label, Text(terminal_safe(f.value), style="bold"))
        add(facts)
        add(Text(SECTIONS["unknown"], style="bold"))
        for q in r.unknown_facts:
            add(_item(q, 1, "?"))
        if not r.unknown_facts:
            add(" Nothing unknown would change an outcome.")
        if r.unknown_other:
            add(Text(f" {r.unknown_other} other facts are not given; none of them would change an outcome.", "dim"))
    add(_heading(SECTIONS["matrix"]))
    table = QuickTable(box=box.SIMPLE_HEAVY, pad_edge=False)
    for col in ("", "Jurisdiction", "Access", "Practice", "Standard", "Tension", "Outcome"):
        table.add_column(col)
    for row in r.rows:
        table.add_row(
            "★" if row.applied else "",
            f"{row.code} {row.name}",
            _styled(row.access, True),
            _styled(row.practice, True),
            _styled(row.standard, True),
            Text("yes", style="bold magenta") if row.tension else Text("no", style="dim"),
            _styled(row.outcome, True),
        )
    add(table)
    add(Text(MATRIX_LEGEND, style="dim"))
    add(_heading(SECTIONS["differences"]))
    add(Text(DIFFERENCES_NOTE, style="dim"))
    for d in r.differences:
        t = Text(f"{_label(d)}: ", style="bold")
        t.append_text(_styled(d.outcome))
        t.append(". " + d.sentence)
        add(_item(t))
    add(_heading(SECTIONS["cards"]))
    for i, c in enumerate(r.cards):
        if i:
            add()
        t = Text(_label(c) + (" ★" if c.applied else "") + " — ", style="bold")
        t.append_text(_styled(c.outcome))
        add(t)
        lenses = Text("Access: ")
        lenses.append_text(_styled(c.access))
        lenses.append(" · Practice: ")
        lenses.append_text(_styled(c.practice))
        lenses.append(" · Standard: ")
        lenses.append_text(_styled(c.standard))
        if c.tension:
            lenses.append(" · tension", style="bold magenta")
        add(_item(lenses, 2, " "))
        for label, text in c.lines:
            line = Text(f"{label}: ", style="bold")
            line.append(text)
            add(_item(line, 2, " "))
        for cav in c.caveats:
            add(_item(Text(f"Caveat: {cav}", style="yellow"), 2, "⚠"))
        if c.sources:
            add(_item(Text(f"Sources: {c.sources}", style="dim"), 2, " "))
    add(_heading(SECTIONS["unknowns"]))
    for u in r.unknowns:
        add(_item(Text(u.question, style="bold"), 1, "?"))
        for codes, effect in u.effects:
            add(_item(Text(f"{codes}: {effect}", style="dim"), 4, " "))
    if not r.unknowns:
        add(" None: no unknown fact would change an outcome.")
    add(_heading(SECTIONS["why_not"]))
    for x in r.why_not:
        add(_item(f"{x.code}: {x.text}"))
    if not r.why_not:
        add(" Every jurisdiction reaches its most favourable outcome.")
    add(_heading(SECTIONS["depends_on"]))
    for x in r.depends_on:
        t = Text(f"{x.code}: {x.text} → ")
        t.append(words(x.outcome), style=OUTCOME_STYLE.get(x.outcome or "", ""))
        if x.note:
            t.append(f" {x.note}", style="yellow")
        add(_item(t))
    if not r.depends_on:
        add(" No single changed fact would change an outcome.")
    add(_heading(SECTIONS["confidence"]))
    for x in r.caveats:
        t = Text(f"{x.code} {x.text}", style="bold")
        if x.note:
            t.append(": " + x.note, style="")
        add(_item(t, 1, "⚠"))
    if not r.caveats:
        add(" Every outcome shown rests on rules of high confidence without caveats.")
    add(_heading(SECTIONS["glossary"]))
    gl = QuickTable.grid(padding=(0, 2, 0, 1))
    gl.add_column(style="bold", no_wrap=True)
    gl.add_column()
    for g in r.glossary:
        gl.add_row(g.term, g.text)
    add(gl)
    if r.details is not None:
        _text_details(r, add)
    add()
    add(notice(r.disclaimer))
    page.print(console)


def _text_details(r: Report, add: Callable[..., None]) -> None:
    add(_heading(SECTIONS["details"]))
    add(Text(f"case {r.case_id} · rulebook {r.rulebook_version} · engine {r.engine}", style="dim"))
    for d in r.details or []:
        add(Text(f"\n{d.code} {d.name}", style="bold"))
        for s, label, src in d.checklist:
            add(_item(Text(f"{label} — {STATUS_WORDS[s]}  ({src})"), 2, MARK[s]))
        for f in d.rules:
            over = f", overridden by {', '.join(f.overridden_by)}" if not f.decided else ""
            add(_item(Text(f"{f.title} [{f.rule}] ({f.stage} → {f.conclusion}){over}"), 2))
            if f.facts:
                add(_item(Text(f"facts matched: {f.facts}", style="dim"), 4, " "))
            add(_item(Text(f"sources: {f.sources} · {f.location}", style="dim"), 4, " "))
        for w in d.why_not:
            add(_item(Text("why not: " + w), 2, "–"))
        for x in d.depends_on:
            add(_item(Text(f"depends on: {x.text} → {words(x.outcome)} {x.note}".rstrip()), 2, "→"))
    add(_heading(SECTIONS["sources"]))
    for ref, title, text in r.sources or []:
        add(_item(Text(f"{ref} — {title}: {text}"), 1))
