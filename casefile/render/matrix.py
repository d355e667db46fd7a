"""Several cases side by side: one matrix of cases (or one case on several dates) × jurisdictions.

``casefile compare A B …``, ``casefile compare A --as-of D1 --as-of D2`` and ``casefile examples --matrix`` build
it. Each cell is the headline outcome in words, with its confidence where it is not high, ★ where the person
applied and ⚖ where practice is less favourable than the common standard (tension). The same content is written
as text, Markdown or HTML (:mod:`casefile.render.doc`), or as JSON.
"""

from __future__ import annotations

from typing import Any

from casefile import DISCLAIMER
from casefile.render.doc import Doc
from casefile.report import day, glossary_for, headline
from casefile.results import Assessment
from casefile.rulebook import Rulebook

SHORT = {
    "access_to_procedure": "procedure",
    "humanitarian_pathway": "humanitarian pathway",
    "entry_barred": "entry barred",
    "not_received": "not received",
    "no_legal_pathway": "no legal pathway",
    "protection_likely": "protection",
    "individual_assessment": "individual",
    "decision_postponed": "postponed",
    "exclusion_review": "exclusion review",
    "refusal_likely": "refusal",
    "not_assessed": "not assessed",
}
LEGEND = (
    "protection = protection likely · individual = individual assessment · refusal = refusal likely · "
    "postponed = decision postponed. ★ = where the person applied. ⚖ = tension: practice is less favourable than "
    "the common standard. (low) / (medium) = the confidence of the rule that decides."
)


def cell(a: Assessment, code: str, book: Rulebook) -> str:
    j = a.jurisdiction(code)
    shown = headline(j, book)
    text = SHORT.get(shown.outcome, shown.outcome.replace("_", " "))
    if shown.confidence != "high":
        text += f" ({shown.confidence})"
    if j.application_country:
        text = "★ " + text
    if j.tension:
        text += " ⚖"
    return text


def label(a: Assessment, by_id: bool) -> str:
    return a.case_id if by_id else (a.name or a.case_id)


def matrix_doc(assessments: list[Assessment], book: Rulebook, title: str = "Side by side", by_id: bool = False) -> Doc:
    """`by_id` labels each row with its case id (for the examples: the name to run it by)."""
    codes = [j.code for j in assessments[0].jurisdictions] if assessments else []
    doc = Doc(title, DISCLAIMER, " · ".join(f"{c} {book.names[c]}" for c in codes))
    rows = [[f"{label(a, by_id)}\n{day(a.as_of)}", *(cell(a, c, book) for c in codes)] for a in assessments]
    doc.table(["Case, as of", *codes], rows)
    doc.p(LEGEND, small=True)
    warnings = sorted({w for a in assessments for w in a.warnings})
    if warnings:
        doc.h2("Warnings")
        doc.ul(warnings)
    terms = glossary_for("\n".join(" ".join(r) for r in rows) + LEGEND)
    if terms:
        doc.h2("Glossary")
        doc.ul([f"{g.term}: {g.text}" for g in terms])
    return doc


def matrix_json(assessments: list[Assessment], book: Rulebook) -> dict[str, Any]:
    return {
        "disclaimer": DISCLAIMER,
        "rows": [
            {
                "case_id": a.case_id,
                "name": a.name,
                "as_of": a.as_of.isoformat(),
                "warnings": a.warnings,
                "jurisdictions": {
                    j.code: {
                        "outcome": j.outcome,
                        "confidence": headline(j, book).confidence,
                        "tension": j.tension,
                        "application_country": j.application_country,
                    }
                    for j in a.jurisdictions
                },
            }
            for a in assessments
        ],
    }
