"""HTML output: one self-contained page a trainer can project or print as a handout.

``render_html(assessment, kind)`` fills the jinja2 template ``templates/report.html.j2`` (autoescaped). The page
has inline CSS only: no script, no external font, image or stylesheet, no http(s) address in any ``src``, ``href``
or ``url()`` (source addresses are printed as plain text), so it opens offline and loads nothing from the network.
It is readable projected (large type, high contrast, every colour paired with a word or symbol) and printed
(white background, one jurisdiction card never split across pages, the matrix within an A4 page width).

Anchors tests and readers can rely on: each jurisdiction card has ``id="j-XX"`` (``j-DE``), its row in the matrix
``id="row-XX"``, and each source ``id="src-…"``. The notice that this is an educational model, not legal advice,
opens and closes the page.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from casefile import __version__
from casefile.render.markdown import MARK, STATUS_WORDS, decided_rules, deciding_rules, location, value, words
from casefile.report import Report
from casefile.results import Assessment, FiredRule, JurisdictionResult
from casefile.rulebook import default_rulebook

TONE = {
    "protection_likely": "good",
    "access_to_procedure": "good",
    "individual_assessment": "open",
    "humanitarian_pathway": "open",
    "decision_postponed": "wait",
    "access_unknown": "wait",
    "exclusion_review": "review",
    "refusal_likely": "bad",
    "entry_barred": "bad",
    "not_received": "bad",
    "no_legal_pathway": "bad",
    "not_assessed": "none",
}


def tone(outcome: str | None) -> str:
    """The colour family of an outcome (the word is always shown beside the colour)."""
    return TONE.get(outcome or "", "none")


def slug(ref: str) -> str:
    """An HTML id for a source reference: ``legal:G6`` -> ``src-legal-G6``."""
    return "src-" + re.sub(r"[^A-Za-z0-9_-]+", "-", ref).strip("-")


def overridden_rules(j: JurisdictionResult) -> list[FiredRule]:
    """Rules that applied but were overridden by a more specific rule."""
    return [f for f in j.fired if f.stage != "derive" and not f.decided]


def shown_facts(facts: dict[str, Any]) -> str:
    """The facts a rule matched, without the dates every rule sees."""
    return ", ".join(f"{k} = {value(v)}" for k, v in facts.items() if not k.startswith("dates."))


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("casefile.render", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.filters.update(words=words, value=value, slug=slug, tone=tone, location=location, facts=shown_facts)
    env.globals.update(
        MARK=MARK,
        STATUS_WORDS=STATUS_WORDS,
        decided_rules=decided_rules,
        deciding_rules=deciding_rules,
        overridden_rules=overridden_rules,
        version=__version__,
    )
    return env


def render_html(a: Assessment, kind: str) -> str:
    """The assessment as one self-contained HTML page; `kind` is "evaluate" (full cards) or "compare" (compact)."""
    from casefile.report import SECTIONS, build, change_shown, lens_confidence

    if kind == "compare":
        return render_handout_html(build(a))
    book = default_rulebook()
    template = _environment().get_template("report.html.j2")
    return template.render(
        a=a,
        kind=kind,
        compact=False,
        who=a.name or a.case_id,
        applied=[j for j in a.jurisdictions if j.application_country],
        S=SECTIONS,
        shown=lambda j, lens: lens_confidence(lens, j, book),
        change=lambda c: change_shown(c, book),
    )


def render_handout_html(report: Report) -> str:
    """The handout (compare) as one self-contained page that prints on at most three A4 pages."""
    from casefile.report import DIFFERENCES_NOTE, MATRIX_LEGEND, SECTIONS

    template = _environment().get_template("handout.html.j2")
    return template.render(
        r=report,
        S=SECTIONS,
        title="Comparison across jurisdictions" if report.kind == "compare" else "Assessment",
        legend=MATRIX_LEGEND,
        differences_note=DIFFERENCES_NOTE,
    )
