"""Training: predict each jurisdiction's outcome from the facts alone, then be scored and debriefed.

A trainee sees only the case's facts (never its notes or the trainer's note, which may give the answer away),
predicts every jurisdiction's headline outcome from a menu, and then sees the score and, per jurisdiction, what the
rules decided. For a miss the debrief says why: the deciding rules with their reasons and sources, the checklist
items that mattered (those reading the same facts as the deciding rules), and the tension note where practice is
less favourable than the common standard.

This module holds the logic — the menu, parsing predictions, scoring, the debrief and its JSON form;
:mod:`casefile.commands.train` reads the predictions and prints.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from casefile.case import GROUPS, CaseFile
from casefile.conditions import atoms
from casefile.facts import CASE_FACTS
from casefile.results import Assessment, ChecklistItem, FiredRule, JurisdictionResult
from casefile.rulebook import BARRED, FAVOURABILITY, Rulebook

OUTCOMES: tuple[tuple[str, str], ...] = (
    ("protection_likely", "refugee status or subsidiary protection is likely"),
    ("individual_assessment", "decided case by case; no rule settles it either way"),
    ("decision_postponed", "decisions on such claims are on hold (e.g. a moratorium)"),
    ("exclusion_review", "possible exclusion for war crimes (Art. 1F) is examined first"),
    ("refusal_likely", "practice mostly refuses such claims"),
    ("entry_barred", "the route described is closed; no procedure is reached that way"),
    ("not_received", "claims are not received at the border (Finland's 2024 act)"),
    ("no_legal_pathway", "applying from abroad, and no route is open"),
)
"""The menu, in order: value and a plain description."""

MENU: tuple[str, ...] = tuple(value for value, _ in OUTCOMES)
DONT_KNOW = frozenset({"", "?", "dk", "don't know", "dont know", "unknown", "skip"})
# Accepted when typed, though not on the menu (they are rare headlines: e.g. not_assessed outside the rules' scope).
ALSO_ACCEPTED = (*FAVOURABILITY, "access_to_procedure", "humanitarian_pathway")


def words(outcome: str | None) -> str:
    return outcome.replace("_", " ") if outcome else "don't know"


@dataclass(frozen=True)
class Prediction:
    """One parsed prediction: the outcome, or None for "don't know" or an invalid entry (with a note)."""

    outcome: str | None
    note: str | None = None
    retry: bool = False  # not an answer at all (a typo, a number off the menu): ask again


def parse_prediction(raw: str | None) -> Prediction:
    """A menu number or an outcome (value or plain words); Enter means "don't know". Never raises."""
    if raw is None:
        return Prediction(None, "no answer (end of input): counted as don't know")
    text = raw.strip()
    if text.lower() in DONT_KNOW:
        return Prediction(None)
    if text.isdigit():
        number = int(text)
        if 1 <= number <= len(MENU):
            return Prediction(MENU[number - 1])
        return Prediction(None, f"{text} is not on the menu: the numbers go from 1 to {len(MENU)}.", retry=True)
    key = text.lower().replace(" ", "_").replace("-", "_")
    known = tuple(dict.fromkeys((*MENU, *ALSO_ACCEPTED)))
    if key in known:
        return Prediction(key)
    starts = [v for v in known if len(key) >= 3 and v.startswith(key)]
    if len(starts) == 1:
        return Prediction(starts[0])
    shown = text if len(text) <= 30 else text[:27] + "..."
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"did you mean '{words(close[0])}' ({MENU.index(close[0]) + 1})?" if close and close[0] in MENU else ""
    if close and not hint:
        hint = f"did you mean '{words(close[0])}'?"
    return Prediction(
        None, f"{shown!r} is not an outcome." + (f" {hint[:1].upper() + hint[1:]}" if hint else ""), retry=True
    )


# ----------------------------------------------------------------------------------------------------------------
# What a trainee may see before predicting


LABELS = {"person.citizenship": "Citizenship"}  # the vocabulary's label ("Russian citizen") reads as a verdict


def known_facts(case: CaseFile) -> list[tuple[str, str]]:
    """(label, value) for every known fact and the documented evidence — nothing else from the file."""
    out: list[tuple[str, str]] = []
    for group in GROUPS:
        model = getattr(case, group)
        for name in type(model).model_fields:
            value = getattr(model, name)
            if value is None:
                continue
            path = f"{group}.{name}"
            out.append((LABELS.get(path, CASE_FACTS[path].label), _plain(value)))
    if case.evidence is not None:
        items = [e.kind.value.replace("_", " ") + (" (documented)" if e.documented else "") for e in case.evidence]
        out.append(("Evidence", ", ".join(items) or "none"))
    return out


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) or "none"
    if isinstance(value, StrEnum):
        return value.value.replace("_", " ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# ----------------------------------------------------------------------------------------------------------------
# Scoring and debrief


@dataclass
class Answer:
    """One jurisdiction: the prediction, the actual outcome, and why."""

    code: str
    name: str
    applied_here: bool
    predicted: str | None
    actual: str
    note: str | None
    deciding: list[FiredRule]
    checklist: list[ChecklistItem]
    tension: bool
    practice: str
    standard: str
    standard_reasons: list[str]

    @property
    def correct(self) -> bool:
        return self.predicted == self.actual

    @property
    def sources(self) -> list[str]:
        return sorted({s for f in self.deciding for s in f.sources})


@dataclass
class Training:
    """The result of one training round."""

    assessment: Assessment
    answers: list[Answer] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(a.correct for a in self.answers)

    @property
    def total(self) -> int:
        return len(self.answers)

    def to_json(self) -> dict[str, Any]:
        a = self.assessment
        return {
            "case_id": a.case_id,
            "as_of": a.as_of.isoformat(),
            "disclaimer": a.disclaimer,
            "score": self.score,
            "total": self.total,
            "answers": [
                {
                    "code": x.code,
                    "name": x.name,
                    "predicted": x.predicted,
                    "actual": x.actual,
                    "correct": x.correct,
                    "note": x.note,
                    "deciding_rules": [f.rule for f in x.deciding],
                    "sources": x.sources,
                    "tension": x.tension,
                    "checklist": [{"id": c.id, "label": c.label, "status": c.status} for c in x.checklist],
                }
                for x in self.answers
            ],
        }


def deciding_rules(j: JurisdictionResult) -> list[FiredRule]:
    """The fired rules that decided the headline: the access rules where access fails, else the practice rules."""
    wanted = j.access.rules if j.access.outcome in BARRED else j.practice.rules
    by_id = {f.rule: f for f in j.fired}
    return [by_id[r] for r in wanted if r in by_id]


def mattered(book: Rulebook, j: JurisdictionResult, deciding: list[FiredRule]) -> list[ChecklistItem]:
    """Checklist items that read a fact the deciding rules read (directly or through a derived fact)."""
    read: set[str] = set()
    for f in deciding:
        rule = book.rules.get(f.rule)
        if rule is not None:
            read |= {a.fact for a in atoms(rule.effective) if not a.fact.startswith("dates.")}
    out: list[ChecklistItem] = []
    for item in j.checklist:
        criterion = book.criteria.get(item.id)
        if criterion is not None and {a.fact for a in atoms(criterion.condition)} & read:
            out.append(item)
    return out


def score(assessment: Assessment, predictions: list[Prediction], book: Rulebook) -> Training:
    """Score predictions (in the assessment's jurisdiction order; missing ones count as don't know)."""
    training = Training(assessment)
    for i, j in enumerate(assessment.jurisdictions):
        p = predictions[i] if i < len(predictions) else parse_prediction(None)
        deciding = deciding_rules(j)
        training.answers.append(
            Answer(
                code=j.code,
                name=j.name,
                applied_here=j.application_country,
                predicted=p.outcome,
                actual=j.outcome,
                note=p.note,
                deciding=deciding,
                checklist=mattered(book, j, deciding),
                tension=j.tension,
                practice=j.practice.outcome,
                standard=j.standard.outcome,
                standard_reasons=list(j.standard.reasons),
            )
        )
    return training
