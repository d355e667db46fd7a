"""``casefile rules check``: tell rule maintainers what is wrong before a trainee sees a wrong answer.

Runs the loader (malformed files, unknown facts and values, unresolved citations, dangling overrides, cycles,
invalid validity dates) and then looks deeper, reporting each finding with file and line:

* **conflict** — two rules that can apply to the same case with different conclusions and no precedence between
  them. Candidate pairs come from static reasoning (:mod:`casefile.logic`); each is then confirmed by searching
  concrete cases over the facts the two rules read (exhaustively where the combinations are few, by seeded random
  sampling otherwise) and evaluating them with the reference evaluator. A confirmed conflict shows an example case.
* **never fires** — a rule whose condition (with its validity window) no case can satisfy.
* **overlapping validity** — two versions of a rule (same stage, jurisdictions and condition) whose date windows
  overlap.
* **window outside the rulebook** — a rule that starts after the rulebook's knowledge date or ends before it begins.
* **no default** — a jurisdiction and stage where some case can get no outcome because no unconditional rule exists.
* **unmarked uncertainty** — a rule citing an unverified or disputed fact whose caveat does not name that fact.
* **unread derived fact** — a derived fact that no rule or checklist criterion reads.
* **unread case fact** — a case-file fact that no rule or criterion reads and that the case model does not mark as
  recorded only (with the reason shown by ``casefile schema``).
* **context only** — a rule whose every legal-facts source is marked "context only" in ``seeds/legal.yaml``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casefile.case import CaseFile
from casefile.conditions import TRUE, atoms
from casefile.engine.base import run
from casefile.engine.reference import ReferenceMatcher
from casefile.errors import InputError
from casefile.facts import facts_of
from casefile.logic import satisfiable
from casefile.rulebook import DECIDING_STAGES, JURISDICTIONS, Rule, Rulebook, _Loader, conflicting_pairs
from casefile.sources import load_sources

EXHAUSTIVE_LIMIT = 20_000
SAMPLES = 20_000


@dataclass(frozen=True)
class Finding:
    kind: str
    location: str
    message: str
    example: dict[str, Any] | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.kind}: {self.message}"
        if self.example:
            text += "\n    example case: " + ", ".join(f"{k} = {v}" for k, v in self.example.items())
        return text


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    rules: int = 0
    searched: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings


def check_rules(rules_dir: Path, seeds_dir: Path) -> Report:
    """Load and check a rulebook folder. Loader problems become findings instead of exceptions."""
    report = Report()
    try:
        sources = load_sources(seeds_dir)
        loader = _Loader(Path(rules_dir), sources)
        loader.skip_conflicts = True
        book = loader.load()
    except InputError as exc:
        for p in exc.problems:
            where = f"{p.file}:{p.line}" if p.line else str(p.file)
            kind = _kind_of(p.expected)
            report.findings.append(
                Finding(
                    kind, where, (f"{p.field}: " if p.field else "") + p.expected + (f" ({p.hint})" if p.hint else "")
                )
            )
        return report
    report.rules = len(book.rules)
    report.findings += conflicts(book, report)
    report.findings += never_fire(book)
    report.findings += overlapping_validity(book)
    report.findings += windows_outside(book)
    report.findings += missing_defaults(book)
    report.findings += unmarked_uncertainty(book)
    report.findings += unread_facts(book)
    report.findings += context_only_sources(book)
    return report


def _kind_of(text: str) -> str:
    t = text.lower()
    if "citation" in t or "cite" in t:
        return "citation"
    if "unknown fact" in t or "is not a value" in t or "cannot test" in t:
        return "unknown fact or value"
    if "dangling" in t or "overrides itself" in t:
        return "override"
    if "valid_to" in t or "valid_from" in t or "date" in t:
        return "validity"
    return "malformed"


# ------------------------------------------------------------------------------------------------ conflicts


def conflicts(book: Rulebook, report: Report) -> list[Finding]:
    out: list[Finding] = []
    search = ReferenceMatcher(book, checklists=False)
    for a, b in conflicting_pairs(book.rules, book.defeats, book.specs):
        ra, rb = book.rules[a], book.rules[b]
        example, tried = find_witness(book, search, ra, rb)
        report.searched += tried
        codes = sorted(set(ra.jurisdictions) & set(rb.jurisdictions))
        head = (
            f"'{a}' ({ra.location}) and '{b}' both apply in {', '.join(codes)} with different conclusions "
            f"({_conclusion(ra)} vs {_conclusion(rb)}) and neither overrides the other"
        )
        later = max((ra, rb), key=lambda r: (r.file, r.line or 0))
        if example is not None:
            out.append(Finding("conflict", later.location, head, example))
        else:
            out.append(
                Finding(
                    "possible conflict",
                    later.location,
                    head + f"; their conditions overlap, though no concrete case was found in {tried} "
                    "tried (the facts involved may be tied to each other)",
                )
            )
    return out


def find_witness(book: Rulebook, search: ReferenceMatcher, ra: Rule, rb: Rule) -> tuple[dict[str, Any] | None, int]:
    """A concrete case (as fact assignments) on which both rules fire, or None; and how many were tried."""
    inputs = sorted(_inputs(book, ra) | _inputs(book, rb))
    domains = [candidate_values(book, path) for path in inputs]
    dates = sorted(_dates(book, ra) | _dates(book, rb)) or [book.meta.period_start]
    space = 1
    for d in domains:
        space *= len(d) + 1  # +1: left unknown
    space *= len(dates)
    tried = 0
    for assignment, day in _combinations(inputs, domains, dates, space):
        tried += 1
        case = _case(assignment)
        if case is None:
            continue
        trace = run(search, book, facts_of(case, day))
        if ra.id in trace.fired and rb.id in trace.fired:
            example = {k: _show(v) for k, v in assignment.items()}
            example["as_of"] = day.isoformat()
            return example, tried
    return None, tried


def _combinations(
    inputs: list[str], domains: list[list[Any]], dates: list[dt.date], space: int
) -> Iterator[tuple[dict[str, Any], dt.date]]:
    options = [[None, *d] for d in domains]
    if space <= EXHAUSTIVE_LIMIT:
        for day in dates:
            for values in itertools.product(*options):
                yield {k: v for k, v in zip(inputs, values, strict=True) if v is not None}, day
        return
    rng = random.Random(20220921)  # seeded: the same search every run
    for _ in range(SAMPLES):
        values = [rng.choice(o) for o in options]
        yield {k: v for k, v in zip(inputs, values, strict=True) if v is not None}, rng.choice(dates)


def _inputs(book: Rulebook, rule: Rule) -> set[str]:
    from casefile.explain import _inputs_of

    out: set[str] = set()
    for a in atoms(rule.effective):
        out |= _inputs_of(a.fact, book)
    return out


def _dates(book: Rulebook, rule: Rule) -> set[dt.date]:
    out: set[dt.date] = set()
    for a in atoms(rule.effective):
        if isinstance(a.value, dt.date) and a.fact.startswith("dates."):
            out |= {a.value - dt.timedelta(days=1), a.value, a.value + dt.timedelta(days=1)}
    return out


def candidate_values(book: Rulebook, path: str) -> list[Any]:
    """The values of a fact worth trying: the same ones the explanations try (see explain.fact_values)."""
    from casefile.explain import boundaries, fact_values, thresholds

    values = fact_values(path, thresholds(book), boundaries(book))
    return [list(v) if isinstance(v, tuple) else v for v in values]


def _case(assignment: dict[str, Any]) -> CaseFile | None:
    from pydantic import ValidationError

    data: dict[str, Any] = {"case_id": "witness"}
    for path, value in assignment.items():
        group, name = path.split(".", 1)
        data.setdefault(group, {})[name] = value
    try:
        return CaseFile.model_validate(data)
    except ValidationError:
        return None


def _show(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _conclusion(rule: Rule) -> str:
    if rule.derives:
        return f"{rule.derives[0]} = {rule.derives[1]}"
    return str(rule.outcome)


# ------------------------------------------------------------------------------------------- other findings


def never_fire(book: Rulebook) -> list[Finding]:
    return [
        Finding("never fires", r.location, f"'{r.id}': no case can satisfy its condition and validity window")
        for r in book.rules.values()
        if not satisfiable(r.effective, book.specs)
    ]


def overlapping_validity(book: Rulebook) -> list[Finding]:
    out = []
    rules = sorted(book.rules.values(), key=lambda r: r.id)
    for ra, rb in itertools.combinations(rules, 2):
        if ra.stage != rb.stage or ra.condition != rb.condition or not set(ra.jurisdictions) & set(rb.jurisdictions):
            continue
        if not (ra.valid_from or ra.valid_to or rb.valid_from or rb.valid_to):
            continue
        if rb.id in book.defeats[ra.id] or ra.id in book.defeats[rb.id]:
            continue
        lo = max(ra.valid_from or dt.date.min, rb.valid_from or dt.date.min)
        hi = min(ra.valid_to or dt.date.max, rb.valid_to or dt.date.max)
        if lo <= hi and ra.dated_by == rb.dated_by:
            out.append(
                Finding(
                    "overlapping validity",
                    rb.location,
                    f"'{ra.id}' and '{rb.id}' have the same condition and both apply from {lo} to "
                    f"{hi if hi != dt.date.max else 'open end'}; versions of a rule should not overlap",
                )
            )
    return out


def windows_outside(book: Rulebook) -> list[Finding]:
    out = []
    for r in book.rules.values():
        if r.valid_from and r.valid_from > book.meta.knowledge_date and not r.dated_in_advance:
            out.append(
                Finding(
                    "validity",
                    r.location,
                    f"'{r.id}' starts on {r.valid_from}, after the rulebook's "
                    f"knowledge date {book.meta.knowledge_date}",
                )
            )
        if r.valid_to and r.valid_to < book.meta.period_start:
            out.append(
                Finding(
                    "validity",
                    r.location,
                    f"'{r.id}' ends on {r.valid_to}, before the rulebook's period starts ({book.meta.period_start})",
                )
            )
    return out


def missing_defaults(book: Rulebook) -> list[Finding]:
    out = []
    for code in JURISDICTIONS:
        for stage in DECIDING_STAGES:
            rules = book.rules_for(code, stage)
            if not any(r.condition == TRUE and r.valid_from is None and r.valid_to is None for r in rules):
                own = [r.file for r in book.rules.values() if r.jurisdictions == (code,)]
                where = own[0] if own else str(book.folder)
                out.append(
                    Finding(
                        "no default",
                        where,
                        f"{code} has no unconditional {stage} rule: some cases get no {stage} outcome",
                    )
                )
    return out


def unmarked_uncertainty(book: Rulebook) -> list[Finding]:
    """Every cited fact marked unverified or disputed must be named in the rule's caveat (e.g. 'legal-facts G6')."""
    out = []
    for r in book.rules.values():
        for ref in r.sources:
            cit = book.sources.resolve(ref)
            if cit is None or not cit.status or not ref.startswith("legal:"):
                continue
            fact_id = ref.removeprefix("legal:")
            if r.caveat and _names(r.caveat, fact_id):
                continue
            what = "has no caveat" if not r.caveat else f"its caveat does not name {fact_id}"
            out.append(
                Finding(
                    "unmarked uncertainty",
                    r.location,
                    f"'{r.id}' cites {ref}, marked {', '.join(cit.status)} in legal-facts, but {what}",
                )
            )
    return out


def _names(text: str, fact_id: str) -> bool:
    """True if `text` names the fact id as a word (G6 in 'legal-facts G6', not in 'G60')."""
    import re

    return re.search(rf"(?<![\w-]){re.escape(fact_id)}(?![\w-])", text) is not None


def unread_facts(book: Rulebook) -> list[Finding]:
    """Derived facts no rule reads; case facts no rule reads that are not marked recorded-only."""
    from casefile.facts import CASE_FACTS

    read: set[str] = set()
    for r in book.rules.values():
        read |= {a.fact for a in atoms(r.effective)}
    for c in book.criteria.values():
        read |= {a.fact for a in atoms(c.condition)}
    out: list[Finding] = []
    for path, spec in book.derived.items():
        if path not in read:
            out.append(
                Finding(
                    "unread derived fact",
                    str(book.folder / "common.yaml"),
                    f"derived fact '{path}' ({spec.label}) is concluded but no rule or criterion reads it",
                )
            )
    inputs_behind = {"person.birth_date": "person.age", "evidence.documented_kinds": "evidence.documented_kinds"}
    for path, spec in CASE_FACTS.items():
        if spec.computed or spec.recorded_only:
            continue
        if path in read or inputs_behind.get(path) in read or _feeds_computed(path, read):
            continue
        out.append(
            Finding(
                "unread case fact",
                str(book.folder),
                f"case fact '{path}' is recorded but no rule or criterion reads it; use it, or mark it recorded-only "
                "in casefile/case.py with the reason",
            )
        )
    return out


def _feeds_computed(path: str, read: set[str]) -> bool:
    from casefile.explain import COMPUTED_FROM

    return any(path in inputs and computed in read for computed, inputs in COMPUTED_FROM.items())


def context_only_sources(book: Rulebook) -> list[Finding]:
    out = []
    for r in book.rules.values():
        facts = [book.sources.facts.get(ref.removeprefix("legal:")) for ref in r.sources if ref.startswith("legal:")]
        seeds = [ref for ref in r.sources if ref.startswith("seed:")]
        if facts and not seeds and all(f is not None and f.context_only for f in facts):
            out.append(
                Finding(
                    "context only",
                    r.location,
                    f"'{r.id}' rests only on facts marked context only ({', '.join(r.sources)}); no outcome may rest "
                    "on them",
                )
            )
    return out
