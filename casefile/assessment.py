"""From a case to an explained assessment, jurisdiction by jurisdiction.

:func:`assess` flattens the case into facts on the as-of date, runs the engine once (every jurisdiction's rules
are in one rulebook, evaluated as if the application were made in each), and builds for each jurisdiction: the
*access* outcome, the *practice* and *standard* lenses, ``tension`` where practice is less favourable than the
standard, the headline outcome (the access outcome where access fails, else the practice outcome), the checklist,
and every rule that fired with the facts it matched and its sources. :mod:`casefile.explain` adds unknowns, why
not and what would change the outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from casefile import DISCLAIMER
from casefile.case import E_SUMMONS_LAW, CaseFile
from casefile.conditions import show_value
from casefile.engine import Matcher, Trace, deciding, matcher, run
from casefile.errors import InputError, RulebookError
from casefile.facts import FactSet, facts_of
from casefile.results import (
    Assessment,
    ChecklistItem,
    FiredRule,
    JurisdictionResult,
    LensResult,
    SourceNote,
)
from casefile.rulebook import (
    BARRED,
    FAVOURABILITY,
    GROUP_ALIASES,
    JURISDICTIONS,
    Rule,
    Rulebook,
    default_rulebook,
)

REGISTER_DATE = dt.date(2024, 11, 1)  # legal-facts R4: the unified e-summons register went live as a pilot


@dataclass(frozen=True)
class Decision:
    """The bare outcome of one jurisdiction: what counterfactual search compares."""

    outcome: str
    access: str
    practice: str
    standard: str
    access_rules: tuple[str, ...]
    practice_rules: tuple[str, ...]
    standard_rules: tuple[str, ...]
    practice_if_reached: str

    @property
    def tension(self) -> bool:
        return FAVOURABILITY[self.practice] < FAVOURABILITY[self.standard]


def parse_jurisdictions(codes: Iterable[str] | None) -> list[str]:
    """Expand and check -j values (codes or 'baltics'), keeping the rulebook's order."""
    if not codes:
        return list(JURISDICTIONS)
    wanted: set[str] = set()
    for raw in codes:
        for part in str(raw).split(","):
            code = part.strip()
            if not code:
                continue
            if code.lower() in GROUP_ALIASES:
                wanted.update(GROUP_ALIASES[code.lower()])
            elif code.upper() in JURISDICTIONS:
                wanted.add(code.upper())
            else:
                raise InputError.single(
                    None,
                    f"'{code}' is not a jurisdiction; expected one of {', '.join(JURISDICTIONS)} or 'baltics'",
                    field="--jurisdiction",
                )
    return [c for c in JURISDICTIONS if c in wanted]


def evaluate_facts(facts: FactSet, rulebook: Rulebook, engine: Matcher | None = None) -> Trace:
    return run(engine or matcher(rulebook), rulebook, facts)


def decide(trace: Trace, rulebook: Rulebook, code: str) -> Decision:
    """Access, practice and standard outcomes of one jurisdiction, by precedence among the rules that fired."""
    results: dict[str, tuple[str, tuple[str, ...]]] = {}
    by_stage = trace.by_stage(rulebook)
    for stage in ("access", "practice", "standard"):
        fired = by_stage.get((stage, code), [])
        winners = deciding(fired, rulebook)
        outcomes = {r.outcome for r in winners}
        if len(outcomes) > 1:
            raise RulebookError(
                f"{code} {stage}: rules {', '.join(r.id for r in winners)} conclude differently and none overrides "
                "the others (run 'casefile rules check')"
            )
        if not outcomes:
            raise RulebookError(f"{code} {stage}: no rule decides this case (a default rule is missing)")
        results[stage] = (outcomes.pop() or "", tuple(sorted(r.id for r in winners)))
    access, access_rules = results["access"]
    practice_if_reached, practice_rules = results["practice"]
    practice = "not_assessed" if access in BARRED else practice_if_reached
    standard, standard_rules = results["standard"]
    outcome = access if access in BARRED else practice
    return Decision(
        outcome, access, practice, standard, access_rules, practice_rules, standard_rules, practice_if_reached
    )


def assess(
    case: CaseFile,
    *,
    as_of: dt.date | None = None,
    jurisdictions: Sequence[str] | None = None,
    rulebook: Rulebook | None = None,
    engine: Matcher | None = None,
    explain: bool = True,
    today: dt.date | None = None,
) -> Assessment:
    """The full assessment of `case` in each jurisdiction (all seven unless `jurisdictions` is given)."""
    book = rulebook or default_rulebook()
    codes = parse_jurisdictions(jurisdictions)
    day = as_of or case.default_as_of(today)
    birth = case.person.birth_date
    if birth is not None and day < birth:
        raise InputError.single(
            None, "the assessment date is before the person's birth date (person.birth_date)", field="--as-of"
        )
    facts = facts_of(case, day)
    m = engine or matcher(book)
    trace = run(m, book, facts)
    results = [jurisdiction_result(case, trace, book, code) for code in codes]
    assessment = Assessment(
        case_id=case.case_id,
        name=case.name,
        as_of=day,
        rulebook_version=book.version,
        disclaimer=DISCLAIMER,
        warnings=warnings_for(case, facts, book, trace),
        engine=trace.engine,
        jurisdictions=results,
    )
    if explain:
        from casefile.explain import add_explanations

        add_explanations(assessment, case, book, m, trace)
    assessment.sources = source_notes(assessment, book)
    return assessment


def jurisdiction_result(case: CaseFile, trace: Trace, book: Rulebook, code: str) -> JurisdictionResult:
    d = decide(trace, book, code)
    fired_here = [book.rules[r] for r in trace.fired if code in book.rules[r].jurisdictions]
    fired_ids = {r.id for r in fired_here}
    fired_out: list[FiredRule] = []
    stage_order = {"derive": 0, "access": 1, "practice": 2, "standard": 3}
    for rule in sorted(fired_here, key=lambda r: (stage_order[r.stage], r.id)):
        beaten_by = sorted(
            o for o in fired_ids if o != rule.id and rule.id in book.defeats[o] and book.rules[o].stage == rule.stage
        )
        if rule.derives:
            decided = rule.id in trace.derivations.get(rule.derives[0], [])
            conclusion = f"{rule.derives[0]} = {show_value(rule.derives[1])}"
        else:
            decided = not beaten_by
            conclusion = rule.outcome or ""
        fired_out.append(
            FiredRule(
                rule=rule.id,
                title=rule.title,
                stage=rule.stage,
                conclusion=conclusion,
                because=rule.reason,
                facts={k: _jsonable(v) for k, v in trace.fired[rule.id].facts.items()},
                sources=list(rule.sources),
                decided=decided,
                overridden_by=beaten_by,
                confidence=rule.confidence,
                caveat=rule.caveat,
                remaining_route=rule.remaining_route,
                location=rule.short_location,
            )
        )
    checklist = [
        ChecklistItem(
            id=c.id,
            label=c.label,
            lens=c.lens,
            status=trace.criteria[c.id],  # type: ignore[arg-type]
            sources=list(c.sources),
        )
        for c in book.checklist_for(code)
    ]

    def lens(outcome: str, rules: tuple[str, ...]) -> LensResult:
        return LensResult(outcome=outcome, reasons=[_reason(book.rules[r]) for r in rules], rules=list(rules))

    practice = lens(d.practice, d.practice_rules)
    if d.access in BARRED:
        access_titles = "; ".join(book.rules[r].title for r in d.access_rules)
        practice = LensResult(
            outcome="not_assessed",
            reasons=[
                f"Not assessed: the route described does not reach a procedure ({access_titles}). If a "
                f"procedure were reached, practice would give {d.practice_if_reached.replace('_', ' ')}: "
                + " ".join(_reason(book.rules[r]) for r in d.practice_rules)
            ],
            rules=list(d.practice_rules),
            if_reached=d.practice_if_reached,
        )
    return JurisdictionResult(
        code=code,
        name=book.names[code],
        application_country=case.journey.application_country is not None
        and case.journey.application_country.value == code,
        outcome=d.outcome,
        access=lens(d.access, d.access_rules),
        practice=practice,
        standard=lens(d.standard, d.standard_rules),
        tension=d.tension,
        checklist=checklist,
        fired=fired_out,
    )


def _reason(rule: Rule) -> str:
    text = f"{rule.title}: {rule.reason}"
    if rule.remaining_route:
        text += f" What remains: {rule.remaining_route}"
    if rule.caveat:
        text += f" Caveat: {rule.caveat}"
    return text


def _jsonable(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def warnings_for(case: CaseFile, facts: FactSet, book: Rulebook, trace: Trace) -> list[str]:
    out = list(facts.warnings)
    day = facts.as_of
    meta = book.meta
    if day > meta.knowledge_date:
        out.append(
            f"The assessment date {day} is after {meta.knowledge_date}, the date the rulebook's facts run to: "
            "law and practice may have changed since; the facts may be out of date."
        )
    for later in meta.later_law:
        when = later.get("date")
        if isinstance(when, dt.date) and day >= when:
            out.append(" ".join(str(later.get("text", "")).split()))
    if day < meta.period_start:
        out.append(f"The assessment date {day} is before {meta.period_start}, where the rulebook begins.")
    citizenship = case.person.citizenship
    if citizenship is None:
        out.append("Citizenship is unknown; the rules assume a Russian citizen.")
    elif citizenship != "RU":
        out.append(
            f"Citizenship {citizenship} is outside the rulebook's scope (Russian citizens); nothing is assessed."
        )
    m = case.military
    notice = m.draft_notice_date
    if m.draft_notice_kind is not None and m.draft_notice_kind.value == "e_summons" and notice is not None:  # noqa: SIM102
        if E_SUMMONS_LAW <= notice < REGISTER_DATE:
            out.append(
                "An e-summons before the register went live (pilot from 1 Nov 2024) is unlikely; check the "
                "date (legal-facts R4)."
            )
    return out


def source_notes(assessment: Assessment, book: Rulebook) -> dict[str, SourceNote]:
    refs: set[str] = set()
    for j in assessment.jurisdictions:
        for f in j.fired:
            refs.update(f.sources)
        for c in j.checklist:
            refs.update(c.sources)
        for w in j.why_not:
            refs.update(w.sources)
        for ch in j.what_would_change:
            refs.update(ch.sources)
    notes: dict[str, SourceNote] = {}
    for ref in sorted(refs):
        cit = book.sources.resolve(ref)
        if cit is None:  # pragma: no cover - the loader refuses unresolved citations
            continue
        notes[ref] = SourceNote(
            ref=ref,
            kind=cit.kind,
            title=cit.title,
            text=cit.text,
            status=list(cit.status),
            note=cit.note,
            urls=list(cit.urls),
        )
    return notes
