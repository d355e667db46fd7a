"""Markdown output: a handout a trainer can paste into a wiki, a slide or a document.

``render_markdown(assessment, kind)`` gives the full assessment per jurisdiction (``kind="evaluate"``), or the
handout of :mod:`casefile.render.handout` (``kind="compare"``). Every document opens and ends with the notice
that this is an educational model, not legal advice; the assessment ends with the sources it cites. Symbols:
✓ met, ✗ not met, ? unknown; ★ marks the country where the person actually applied.
"""

from __future__ import annotations

from pathlib import Path

from casefile.render.escape import markdown_safe
from casefile.report import SECTIONS
from casefile.results import Assessment, FiredRule, JurisdictionResult
from casefile.rulebook import default_rulebook

MARK = {"met": "✓", "not_met": "✗", "unknown": "?"}
STATUS_WORDS = {"met": "met", "not_met": "not met", "unknown": "unknown"}


def words(outcome: str | None) -> str:
    """An outcome code as words: ``refusal_likely`` -> ``refusal likely``."""
    return (outcome or "—").replace("_", " ")


def value(v: object) -> str:
    """A fact value as a reader would write it."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(v)


def cell(text: str) -> str:
    """Text safe inside one Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def refs(sources: list[str]) -> str:
    return ", ".join(f"`{s}`" for s in sources) if sources else "—"


def decided_rules(j: JurisdictionResult) -> list[FiredRule]:
    """The fired rules that decide something (not derived facts, not overridden)."""
    return [f for f in j.fired if f.decided and f.stage != "derive"]


def deciding_rules(j: JurisdictionResult) -> list[FiredRule]:
    """The rules behind the headline outcome: access rules when access fails, else the practice rules."""
    from casefile.compare import deciding_rules as deciding_ids

    wanted = set(deciding_ids(j))
    chosen = [f for f in j.fired if f.rule in wanted]
    return chosen or [f for f in decided_rules(j) if f.stage in ("access", "practice")]


def location(f: FiredRule) -> str:
    """``rules/de.yaml:13`` style: the rule file's name and line, without the machine's folders."""
    path, _, line = f.location.rpartition(":")
    return f"{Path(path).name}:{line}" if path else f.location


def _notice(a: Assessment) -> list[str]:
    return [f"> **⚠ {a.disclaimer}**", ""]


def _header(a: Assessment, kind: str) -> list[str]:
    who = markdown_safe(a.name or a.case_id)
    title = "Comparison" if kind == "compare" else "Assessment"
    lines = [
        f"# {title}: {who}",
        "",
        f"Case `{a.case_id}` · assessed as of **{a.as_of}** · rulebook {a.rulebook_version} · engine {a.engine}",
        "",
    ]
    if a.warnings:
        lines += ["**Warnings**", ""]
        lines += [f"- ⚠ {w}" for w in a.warnings]
        lines.append("")
    return lines


def _matrix(a: Assessment) -> list[str]:
    lines = [
        "| ★ | Jurisdiction | Access | Practice | Standard | Tension | Outcome |",
        "|:-:|---|---|---|---|:-:|---|",
    ]
    for j in a.jurisdictions:
        lines.append(
            "| "
            + " | ".join(
                [
                    "★" if j.application_country else "",
                    cell(f"{j.code} {j.name}"),
                    words(j.access.outcome),
                    words(j.practice.outcome),
                    words(j.standard.outcome),
                    "**yes**" if j.tension else "no",
                    f"**{words(j.outcome)}**",
                ]
            )
            + " |"
        )
    lines += [
        "",
        "★ = the country where the person applied. Tension = practice is less favourable than the common standard.",
        "",
    ]
    return lines


def _heading(j: JurisdictionResult, level: str) -> str:
    star = " ★ (applied here)" if j.application_country else ""
    return f"{level} {j.code} {j.name}{star} — {words(j.outcome)}"


def _lenses(j: JurisdictionResult) -> list[str]:
    from casefile.report import lens_confidence

    book = default_rulebook()
    access, practice, standard = (lens_confidence(x, j, book) for x in (j.access, j.practice, j.standard))
    lines = [
        f"- **Access:** {access.text}",
        f"- **Practice:** {practice.text}"
        + (f" (if a procedure were reached: {words(j.practice.if_reached)})" if j.practice.if_reached else ""),
        f"- **Standard:** {standard.text}",
    ]
    if j.tension:
        lines.append("- **Tension:** practice is less favourable than the common standard")
    lines.append("")
    return lines


def _checklist(j: JurisdictionResult, level: str) -> list[str]:
    lines = [f"{level} Checklist", ""]
    for item in j.checklist:
        lines.append(
            f"- {MARK[item.status]} {item.label} — *{STATUS_WORDS[item.status]}* ({item.lens}; {refs(item.sources)})"
        )
    if not j.checklist:
        lines.append("- (no criteria)")
    lines.append("")
    return lines


def _rule(f: FiredRule) -> list[str]:
    lines = [f"- **{f.title}** (`{f.rule}`, {f.stage}: {words(f.conclusion)}): {f.because}"]
    if f.remaining_route:
        lines.append(f"  - *What remains:* {f.remaining_route}")
    if f.caveat:
        lines.append(f"  - ⚠ *Caveat:* {f.caveat}")
    shown = ", ".join(f"{k} = {value(v)}" for k, v in f.facts.items() if not k.startswith("dates."))
    if shown:
        lines.append(f"  - Facts: {shown}")
    lines.append(f"  - Sources: {refs(f.sources)} ({location(f)})")
    return lines


def _why(j: JurisdictionResult, level: str) -> list[str]:
    lines = [f"{level} Why", ""]
    for f in decided_rules(j):
        lines += _rule(f)
    lines.append("")
    overridden = [f for f in j.fired if f.stage != "derive" and not f.decided]
    if overridden:
        lines += [f"{level} Also applied, but overridden", ""]
        for f in overridden:
            lines.append(
                f"- {f.title} (`{f.rule}`: {words(f.conclusion)}) — overridden by "
                + ", ".join(f"`{o}`" for o in f.overridden_by)
            )
        lines.append("")
    return lines


def _unknowns(j: JurisdictionResult, level: str) -> list[str]:
    if not j.unknowns:
        return []
    lines = [f"{level} Unknown facts that matter", ""]
    for u in j.unknowns:
        either = "; ".join(f"{k} → {words(v)}" for k, v in u.outcomes.items())
        if not either:
            either = f"true → {words(u.if_true)}; false → {words(u.if_false)}"
        lines.append(f"- ? {u.question} (`{u.fact}`): {either}")
    lines.append("")
    return lines


def _why_not(j: JurisdictionResult, level: str) -> list[str]:
    if not j.why_not:
        return []
    lines = [f"{level} {SECTIONS['why_not']}", ""]
    lines += [f"- {w.sentence}" for w in j.why_not]
    lines.append("")
    return lines


def _what_would_change(j: JurisdictionResult, level: str) -> list[str]:
    if not j.what_would_change:
        return []
    from casefile.report import change_shown, confidence_note

    book = default_rulebook()
    lines = [f"{level} {SECTIONS['depends_on']}", ""]
    for c in j.what_would_change:
        change = ", ".join(f"`{k}` = {value(v)}" for k, v in c.set.items())
        because = ", ".join(f"`{r}`" for r in c.because)
        shown = change_shown(c, book)
        lines.append(
            f"- {change} → **{words(c.outcome)}**{confidence_note(shown.confidence)}"
            + (f" ({because}; {refs(c.sources)})" if because else "")
        )
        lines += [f"  - ⚠ *Caveat:* {cav}" for cav in shown.caveats]
    lines.append("")
    return lines


def _evaluate_section(j: JurisdictionResult) -> list[str]:
    lines = [_heading(j, "##"), ""]
    lines += _lenses(j)
    lines += _checklist(j, "###")
    lines += _why(j, "###")
    lines += _unknowns(j, "###")
    lines += _why_not(j, "###")
    lines += _what_would_change(j, "###")
    return lines


def _sources(a: Assessment) -> list[str]:
    lines = ["## Sources", ""]
    for ref in sorted(a.sources):
        note = a.sources[ref]
        lines.append(f"- `{ref}` **{note.title}**: {note.text}")
        if note.status:
            lines.append(f"  - ⚠ *{', '.join(note.status)}*" + (f": {note.note}" if note.note else ""))
        if note.urls:
            lines.append(f"  - Where: {'; '.join(note.urls)}")
    if not a.sources:
        lines.append("(none cited)")
    lines.append("")
    return lines


def render_markdown(a: Assessment, kind: str) -> str:
    """The assessment as a Markdown document; `kind` is "evaluate" (full) or "compare" (side by side)."""
    if kind == "compare":
        from casefile.render.handout import handout_markdown
        from casefile.report import build

        return handout_markdown(build(a))
    lines = _notice(a) + _header(a, kind)
    lines += _matrix(a)
    for j in a.jurisdictions:
        lines += _evaluate_section(j)
    lines += _sources(a)
    lines += _notice(a)
    return "\n".join(lines).rstrip("\n") + "\n"
