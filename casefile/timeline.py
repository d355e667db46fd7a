"""How a case's outcomes move through time: ``casefile timeline``.

Asylum claims are judged *ex nunc*, on the facts of the day. The timeline evaluates the case on every date where
something could change: each date a rule starts or stops applying (its ``valid_from``, the day after its
``valid_to``) and the person's own dates, such as the day they turn an age a rule tests (27, 28, 30, ...). It
reports, per jurisdiction, each date where the outcome or a lens changes and names the rules that started or
stopped deciding it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from casefile.assessment import Decision, decide, parse_jurisdictions
from casefile.case import CaseFile
from casefile.conditions import atoms
from casefile.engine import Matcher, matcher, run
from casefile.facts import facts_of
from casefile.rulebook import Rulebook, default_rulebook


@dataclass(frozen=True)
class Step:
    """From `date`, the jurisdiction's outcome is `decision` (until the next step)."""

    date: dt.date
    decision: Decision
    started: tuple[str, ...]  # deciding rules that were not deciding before
    stopped: tuple[str, ...]  # deciding rules that no longer decide
    why_date: str  # what the date is: a rule's start or end, or the person's birthday


@dataclass
class Timeline:
    case_id: str
    start: dt.date
    end: dt.date
    steps: dict[str, list[Step]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    checked: list[tuple[dt.date, str]] = field(default_factory=list)  # every date evaluated, and why


def story_start(case: CaseFile) -> dt.date | None:
    """Where the person's story starts: the earliest date the case file gives (a call-up, a desertion, leaving
    Russia, the entry, the application), or None where it gives none."""
    m, j = case.military, case.journey
    days = [
        getattr(m, "draft_notice_date", None),
        getattr(m, "deserted_date", None),
        getattr(j, "left_russia_date", None),
        getattr(j, "entry_date", None),
        getattr(j, "application_date", None),
    ]
    known = [d for d in days if isinstance(d, dt.date)]
    return min(known) if known else None


def change_dates(
    case: CaseFile,
    book: Rulebook,
    start: dt.date,
    end: dt.date,
    codes: Sequence[str] | None = None,
) -> dict[dt.date, list[str]]:
    """Dates worth evaluating on, each with what happens on it (only rules of the chosen jurisdictions)."""
    dates: dict[dt.date, list[str]] = {}
    wanted = set(codes) if codes else None

    def add(day: dt.date, why: str) -> None:
        if start < day <= end and why not in dates.setdefault(day, []):
            dates[day].append(why)

    for rule in book.rules.values():
        if wanted is not None and not wanted.intersection(rule.jurisdictions):
            continue
        if rule.dated_by != "as_of" and case.journey.entry_date is not None:
            continue  # access rules follow the entry date, which is fixed in this case
        if rule.valid_from:
            add(rule.valid_from, f"{rule.id} starts")
        if rule.valid_to:
            add(rule.valid_to + dt.timedelta(days=1), f"{rule.id} ends")
    birth = _birth_date(case)
    if birth is not None:
        ages = {
            a.value
            for r in book.rules.values()
            for a in atoms(r.effective)
            if a.fact == "person.age" and isinstance(a.value, int)
        }
        for age in sorted(ages):
            for years in (age, age + 1):
                add(_anniversary(birth, years), f"turns {years}")
    for later in book.meta.later_law:
        when = later.get("date")
        if isinstance(when, dt.date):
            add(when, "later law applies")
    if end > book.meta.knowledge_date:
        add(book.meta.knowledge_date + dt.timedelta(days=1), "after the rulebook's knowledge date")
    return dict(sorted(dates.items()))


def _birth_date(case: CaseFile) -> dt.date | None:
    if case.person.birth_date:
        return case.person.birth_date
    ref = case.reference_date()
    if case.person.age is not None and ref is not None:
        return _anniversary(ref, -case.person.age)  # approximate: the age is known on one date only
    return None


def _anniversary(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def timeline(
    case: CaseFile,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    jurisdictions: Sequence[str] | None = None,
    rulebook: Rulebook | None = None,
    engine: Matcher | None = None,
) -> Timeline:
    book = rulebook or default_rulebook()
    codes = parse_jurisdictions(jurisdictions)
    start = start or max(story_start(case) or book.meta.period_start, book.meta.period_start)
    end = end or max(book.meta.knowledge_date, case.default_as_of())
    if end < start:
        from casefile.errors import InputError

        raise InputError.single(None, f"--to {end} is before --from {start}", field="--to")
    m = engine or matcher(book)
    out = Timeline(case.case_id, start, end)
    if case.person.birth_date is None and case.person.age is not None:
        out.notes.append("No birth date is given: birthdays are estimated from the age on the case's own date.")
    if case.journey.entry_date is not None:
        out.notes.append(f"Access is judged on the entry date ({case.journey.entry_date}), so it does not move.")
    previous: dict[str, Decision] = {}
    for day, whys in [(start, ["start"]), *change_dates(case, book, start, end, codes).items()]:
        why = "; ".join(_explain_date(w, book) for w in whys)
        out.checked.append((day, why))
        trace = run(m, book, facts_of(case, day))
        for code in codes:
            d = decide(trace, book, code)
            before = previous.get(code)
            if before is None or _shown(before) != _shown(d):
                old = set(_deciding(before)) if before else set()
                new = set(_deciding(d))
                out.steps.setdefault(code, []).append(
                    Step(day, d, tuple(sorted(new - old)), tuple(sorted(old - new)), "start" if day == start else why)
                )
            previous[code] = d
    return out


def _explain_date(why: str, book: Rulebook) -> str:
    rid, _, what = why.rpartition(" ")
    if rid in book.rules:
        rule = book.rules[rid]
        return f"“{rule.title}” {what}"
    return "first date" if why == "start" else why


def _shown(d: Decision) -> tuple[str, str, str, str]:
    return (d.outcome, d.access, d.practice, d.standard)


def _deciding(d: Decision | None) -> tuple[str, ...]:
    if d is None:
        return ()
    return (*d.access_rules, *d.practice_rules, *d.standard_rules)
