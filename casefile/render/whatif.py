"""Views of a what-if: before and after, with what changed and why, in every format (text, JSON, Markdown, HTML)."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from casefile.facts import CASE_FACTS
from casefile.render.doc import Doc, to_console
from casefile.report import SECTIONS, confidence_note, day, fact_label, headline, value_words, words
from casefile.rulebook import Rulebook
from casefile.whatif import WhatIf


def whatif_json(w: WhatIf) -> dict[str, Any]:
    return {
        "case_id": w.before.case_id,
        "as_of": w.before.as_of.isoformat(),
        "disclaimer": w.before.disclaimer,
        "set": {p: v.isoformat() if hasattr(v, "isoformat") else v for p, v in w.assignments},
        "changed": w.changed(),
        "before": w.before.model_dump(mode="json"),
        "after": w.after.model_dump(mode="json"),
    }


def render_whatif(w: WhatIf, book: Rulebook, console: Console) -> None:
    to_console(whatif_doc(w, book), console)


def whatif_doc(w: WhatIf, book: Rulebook) -> Doc:
    """The what-if in plain words, for every format: facts as labels and values, outcomes with confidence."""
    sets = "; ".join(f"{fact_label(p)}: {value_words(v, CASE_FACTS.get(p), book.names)}" for p, v in w.assignments)
    who = w.before.name or w.before.case_id
    doc = Doc(f"What if — {sets}?", w.before.disclaimer, f"{who}, assessed as of {day(w.before.as_of)}")
    changed = set(w.changed())
    rows = []
    for j in w.after.jurisdictions:
        b = w.before.jurisdiction(j.code)
        rows.append(
            [
                f"{j.code} {j.name}" + (" ★" if j.application_country else ""),
                headline(b, book).text,
                headline(j, book).text,
                words(j.standard.outcome)
                if b.standard.outcome == j.standard.outcome
                else f"{words(b.standard.outcome)} → {words(j.standard.outcome)}",
                "yes" if j.code in changed else "no",
            ]
        )
    doc.h2(SECTIONS["matrix"])
    doc.table(["Jurisdiction", "Before", "After", "Standard", "Changes"], rows)
    doc.h2("What changes and why")
    if not changed:
        doc.p("No jurisdiction's outcome changes.")
    for j in w.after.jurisdictions:
        if j.code not in changed:
            continue
        b = w.before.jurisdiction(j.code)
        doc.p(f"{j.code} {j.name}: {headline(b, book).text} → {headline(j, book).text}")
        if _dublin(b, book) != _dublin(j, book):
            doc.p(f"Which state would examine a claim here (Dublin): {_dublin(b, book)} → {_dublin(j, book)}")
        before_rules = set(b.access.rules + b.practice.rules + b.standard.rules + _rules_of(b.responsibility))
        after_rules = set(j.access.rules + j.practice.rules + j.standard.rules + _rules_of(j.responsibility))
        items = []
        for rid in sorted(after_rules - before_rules):
            rule = book.rules[rid]
            items.append(f"Now decides: {rule.title}{confidence_note(rule.confidence)}. {rule.reason}")
            if rule.caveat:
                items.append(f"⚠ Caveat: {rule.caveat}")
        items += [f"No longer decides: {book.rules[rid].title}" for rid in sorted(before_rules - after_rules)]
        doc.ul(items)
    return doc


def _rules_of(lens: Any) -> list[str]:
    return list(lens.rules) if lens is not None else []


def _dublin(j: Any, book: Rulebook) -> str:
    """In words: the state that would likely examine a claim made in `j` (Dublin III / AMMR)."""
    r = j.responsibility
    if r is None or r.outcome == "not_applicable":
        return "not applicable (no claim in the EU)"
    if r.outcome == "transfer_to_visa_issuer" and r.transfer_to:
        return f"likely passed to {book.names.get(r.transfer_to, r.transfer_to)}, which issued the visa"
    return f"{j.name} (no other state indicated)"
