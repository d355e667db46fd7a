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

from casefile import DISCLAIMER
from casefile.case import E_SUMMONS_LAW, CaseFile, age_on
from casefile.conditions import show_value
from casefile.decision import Decision, decide  # noqa: F401  (re-exported: callers import them from here)
from casefile.engine import Matcher, Trace, matcher, run
from casefile.errors import InputError
from casefile.facts import FactSet, access_date, facts_of
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
    GROUP_ALIASES,
    JURISDICTIONS,
    STAGES,
    UNSETTLED,
    Rule,
    Rulebook,
    default_rulebook,
)


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
    assessment = Assessment.model_construct(
        case_id=case.case_id,
        name=case.name,
        as_of=day,
        rulebook_version=book.version,
        disclaimer=DISCLAIMER,
        warnings=warnings_for(case, facts, book, trace, codes, results),
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
    stage_order = {s: i for i, s in enumerate(STAGES)}
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
            FiredRule.model_construct(
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
        ChecklistItem.model_construct(
            id=c.id,
            label=c.label,
            lens=c.lens,
            status=trace.criteria[c.id],  # type: ignore[arg-type]
            sources=list(c.sources),
        )
        for c in book.checklist_for(code)
    ]

    def lens(outcome: str, rules: tuple[str, ...], **extra: object) -> LensResult:
        deciding = [book.rules[r] for r in rules]
        return LensResult.model_construct(
            outcome=outcome,
            confidence=lowest_confidence(r.confidence for r in deciding),  # type: ignore[arg-type]
            caveat=joined_caveats(deciding),
            reasons=[_reason(r) for r in deciding],
            rules=list(rules),
            **extra,  # type: ignore[arg-type]
        )

    practice = lens(d.practice, d.practice_rules)
    if d.access in BARRED:
        access_titles = "; ".join(book.rules[r].title for r in d.access_rules)
        practice = lens(
            "not_assessed",
            d.practice_rules,
            if_reached=d.practice_if_reached,
        )
        practice.reasons = [
            f"Not assessed: the route described does not reach a procedure ({access_titles}). If a "
            f"procedure were reached, practice would give {d.practice_if_reached.replace('_', ' ')}: "
            + " ".join(_reason(book.rules[r]) for r in d.practice_rules)
        ]
    judged_on, judged_reason = access_date(case, trace.values["dates.as_of"])  # type: ignore[arg-type]
    transfer_to = None
    if d.responsibility == "transfer_to_visa_issuer" and case.journey.visa_issuer:
        transfer_to = case.journey.visa_issuer
    return JurisdictionResult.model_construct(
        code=code,
        name=book.names[code],
        application_country=case.journey.application_country is not None
        and case.journey.application_country.value == code,
        outcome=d.outcome,
        access=lens(d.access, d.access_rules, judged_on=judged_on, judged_on_reason=judged_reason),
        practice=practice,
        standard=lens(d.standard, d.standard_rules, access=lens(d.standard_access, d.standard_access_rules)),
        responsibility=lens(d.responsibility, d.responsibility_rules, transfer_to=transfer_to),
        tension=d.tension,
        tension_in=list(d.tension_in),
        checklist=checklist,
        fired=fired_out,
    )


CONFIDENCE_ORDER = ("low", "medium", "high")


def lowest_confidence(levels: Iterable[str]) -> str:
    """The weakest confidence among the deciding rules (high where there are none)."""
    found = [lvl for lvl in levels if lvl in CONFIDENCE_ORDER]
    return min(found, key=CONFIDENCE_ORDER.index) if found else "high"


def joined_caveats(rules: Iterable[Rule]) -> str | None:
    seen: list[str] = []
    for r in rules:
        if r.caveat and r.caveat not in seen:
            seen.append(r.caveat)
    return " ".join(seen) or None


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


def warnings_for(
    case: CaseFile,
    facts: FactSet,
    book: Rulebook,
    trace: Trace,
    codes: Sequence[str] = (),
    results: Sequence[JurisdictionResult] = (),
) -> list[str]:
    out = list(facts.warnings)
    day = facts.as_of
    meta = book.meta
    if day > meta.knowledge_date:
        known = [
            f"{code} to {book.knowledge[code][0]}: {book.knowledge[code][1]}"
            for code in codes
            if code in book.knowledge and day > book.knowledge[code][0]
        ]
        out.append(
            f"The assessment date {day} is after {meta.knowledge_date}, the date the rulebook's facts run to: "
            "law and practice may have changed since; the facts may be out of date. What the rulebook knows, and "
            "up to when: " + (" | ".join(known) if known else "see each jurisdiction's rule file.")
        )
    for j in results:
        if j.access.outcome in UNSETTLED:
            out.append(
                f"{j.code}: whether the person can reach the procedure on {j.access.judged_on} is not known: "
                + (j.access.caveat or "the sources stop before that date.")
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
    if case.person.other_citizenships:
        out.append(
            "The person also holds another citizenship ("
            + ", ".join(case.person.other_citizenships)
            + "). Refugee status is assessed against every nationality; whether another state would protect the "
            "person is not modelled, so the outcomes below may overstate the need for protection."
        )
    out.extend(case.load_warnings)
    out.extend(call_up_warnings(case))
    d = case.dissent
    if d.public_activism is False and d.prosecution and {p.value for p in d.prosecution} & POLITICAL_CODES:
        out.append(
            "The case says the person was not publicly active, yet lists a prosecution for anti-war expression; a "
            "prosecution for a private post is possible, but check the facts (the prosecution is what the rules "
            "read)."
        )
    return out


POLITICAL_CODES = frozenset({"coao_20_3_3", "cc_280_3", "cc_207_3"})
REGISTER_NATIONWIDE = dt.date(2025, 5, 1)  # legal-facts-2026 R11: the register works nationwide from about May 2025
CONSCRIPTION_AGE_2024 = dt.date(2024, 1, 1)  # legal-facts R5: 18-30 in force from 1 Jan 2024


def call_up_warnings(case: CaseFile) -> list[str]:
    """Unusual but possible call-ups: warnings, never errors (product.md)."""
    out: list[str] = []
    m, p = case.military, case.person
    notice = m.draft_notice_date
    if m.call_up_delivery is not None and m.call_up_delivery.value == "e_summons" and notice is not None:  # noqa: SIM102
        if E_SUMMONS_LAW <= notice < REGISTER_NATIONWIDE:
            out.append(
                "An e-summons before the register worked nationwide (about May 2025; before that a pilot in three "
                "regions) is unusual; check the date (legal-facts R4, R11)."
            )
    if m.draft_notice_received and p.sex is not None and p.sex.value != "male":
        out.append(
            "The case records a call-up for a person who is not male; the sources on call-ups, mobilisation and "
            "the Dutch moratorium concern men, so the rules that read a call-up may not fit this case."
        )
    if m.call_up_purpose is not None and m.call_up_purpose.value == "conscription" and notice is not None:
        age = _age_on(case, notice)
        if age is not None:
            if notice < CONSCRIPTION_AGE_2024:
                lawful, limits = 18 <= age <= 27, "18-27 (until the end of 2023)"
            else:
                turned_27_by_2023 = p.birth_date is not None and age_on(p.birth_date, dt.date(2023, 12, 31)) >= 27
                lawful = 18 <= age <= 30 and not turned_27_by_2023
                limits = "18-30 from 1 Jan 2024, but not for men who had turned 27 by 31 Dec 2023"
            if not lawful:
                out.append(
                    f"A conscription call-up at age {age} on {notice} is outside the conscription age of {limits} "
                    "(legal-facts R5); check the facts, or the purpose of the call-up."
                )
    return out


def _age_on(case: CaseFile, day: dt.date) -> int | None:
    p = case.person
    if p.birth_date is not None:
        return age_on(p.birth_date, day)
    ref = case.reference_date()
    if p.age is not None and ref is not None:
        years = age_on(day, ref) if ref >= day else -age_on(ref, day)
        return p.age - years
    return None


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
        notes[ref] = SourceNote.model_construct(
            ref=ref,
            kind=cit.kind,
            title=cit.title,
            text=cit.text,
            status=list(cit.status),
            note=cit.note,
            urls=list(cit.urls),
        )
    return notes
