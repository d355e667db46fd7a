"""What the pages show, computed from the library: the matrix, the tile map, the dates of the slider, the room's
predictions as bars, the debrief, and the trainer note's contrasts as one-click what-ifs.

Nothing here renders HTML; the templates do. Assessments are cached by (case, date) and run under one lock, so
the server's worker threads never drive the inference engine at the same time.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from casefile.assessment import assess
from casefile.case import CaseFile
from casefile.compare import deciding_rules
from casefile.facts import CASE_FACTS
from casefile.render.html import TONE
from casefile.results import Assessment, JurisdictionResult
from casefile.rulebook import BARRED, JURISDICTIONS, Rulebook, default_rulebook
from casefile.web.i18n import N_

_engine_lock = threading.Lock()

# Okabe-Ito colours (distinguishable with every common colour-vision deficiency), each paired with a shape,
# a fill pattern and the outcome's words, so that no information is carried by colour alone.
TONES: dict[str, dict[str, str]] = {
    "good": {"colour": "#009E73", "shape": "circle", "pattern": "solid", "symbol": "✓"},
    "open": {"colour": "#56B4E9", "shape": "diamond", "pattern": "dots", "symbol": "?"},
    "wait": {"colour": "#E69F00", "shape": "bars", "pattern": "hatch", "symbol": "‖"},
    "review": {"colour": "#CC79A7", "shape": "triangle", "pattern": "grid", "symbol": "!"},
    "bad": {"colour": "#D55E00", "shape": "cross", "pattern": "stripes", "symbol": "✗"},
    "none": {"colour": "#BBBBBB", "shape": "dash", "pattern": "blank", "symbol": "–"},
}
TONE_OF = TONE  # one table of which outcome reads as which tone, shared with the HTML handout
CONFIDENCE_WORDS = (N_("high"), N_("medium"), N_("low"))  # LensResult.confidence, for the catalogue
TONE_WORDS = {
    "good": N_("favourable"),
    "open": N_("open: decided case by case"),
    "wait": N_("on hold"),
    "review": N_("exclusion examined first"),
    "bad": N_("unfavourable"),
    "none": N_("not assessed"),
}
# Tile map: (column, row) of each country, roughly as on a map of the Baltic Sea region.
TILES = {"FI": (3, 0), "EE": (3, 1), "LV": (3, 2), "NL": (0, 3), "DE": (1, 3), "PL": (2, 3), "LT": (3, 3)}
TILE = 110  # px
NO_TRANSFER = "no_transfer_indicated"


def tone(outcome: str | None) -> str:
    return TONE_OF.get(outcome or "", "none")


def short_label(label: str) -> str:
    """A fact's label up to its first sentence's end (some labels are the field's whole description)."""
    head, sep, _rest = label.partition(". ")
    return head if sep else label


def words(outcome: str | None) -> str:
    return (outcome or "").replace("_", " ")


@lru_cache(maxsize=256)
def _assess_cached(case_json: str, as_of: dt.date) -> Assessment:
    case = CaseFile.model_validate_json(case_json)
    with _engine_lock:
        return assess(case, as_of=as_of)


def assessment(case: CaseFile, as_of: dt.date) -> Assessment:
    """The full assessment of `case` on `as_of` (cached; treat it as read-only)."""
    return _assess_cached(case.model_dump_json(), as_of)


# ----------------------------------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateStop:
    day: dt.date
    why: str


def date_stops(case: CaseFile, book: Rulebook | None = None) -> list[DateStop]:
    """The slider's positions: the start of the period, every date where a rule starts or stops or the person has
    a birthday a rule tests, and the case's own date."""
    from casefile.timeline import _explain_date, change_dates

    book = book or default_rulebook()
    start = book.meta.period_start
    end = max(book.meta.knowledge_date, case.default_as_of())
    stops = {start: "first date of the period"}
    for day, whys in change_dates(case, book, start, end).items():
        stops[day] = "; ".join(_explain_date(w, book) for w in whys)
    own = case.default_as_of()
    stops.setdefault(own, "the case's own date")
    return [DateStop(d, stops[d]) for d in sorted(stops)]


def stop_index(stops: Sequence[DateStop], day: dt.date) -> int:
    """The position of `day` on the slider (the last stop on or before it)."""
    best = 0
    for i, stop in enumerate(stops):
        if stop.day <= day:
            best = i
    return best


# ----------------------------------------------------------------------------------------------------- matrix


@dataclass
class Cell:
    outcome: str
    changed: bool = False
    now_decided_by: list[tuple[str, str]] = field(default_factory=list)  # (rule id, title)

    @property
    def tone(self) -> str:
        return tone(self.outcome)

    @property
    def words(self) -> str:
        return words(self.outcome)


@dataclass
class Row:
    code: str
    name: str
    applied_here: bool
    outcome: Cell
    access: Cell
    practice: Cell
    standard: Cell
    tension: bool
    deciding: list[tuple[str, str]]
    confidence: str
    caveat: str | None
    dublin: str = ""  # the likely responsible state's outcome where a transfer is indicated (Dublin), else ""

    @property
    def fingerprint(self) -> str:
        """What the next request compares with, to highlight what changed."""
        return "|".join((self.outcome.outcome, self.access.outcome, self.practice.outcome, self.standard.outcome))


def _titled(rule_ids: Sequence[str], book: Rulebook) -> list[tuple[str, str]]:
    return [(r, book.rules[r].title if r in book.rules else r) for r in rule_ids]


def matrix(a: Assessment, previous: dict[str, str] | None = None, book: Rulebook | None = None) -> list[Row]:
    """One row per jurisdiction; cells that differ from `previous` (code -> fingerprint) are marked changed and
    name the rules that now decide them."""
    book = book or default_rulebook()
    previous = previous or {}
    rows = []
    for j in a.jurisdictions:
        deciding = deciding_rules(j)
        before = previous.get(j.code, "").split("|")
        before = before if len(before) == 4 else []
        cells = []
        lens_rules = (deciding, j.access.rules, j.practice.rules, j.standard.rules)
        outcomes = (j.outcome, j.access.outcome, j.practice.outcome, j.standard.outcome)
        for i, (outcome, rules) in enumerate(zip(outcomes, lens_rules, strict=True)):
            changed = bool(before) and before[i] != outcome
            cells.append(Cell(outcome, changed, _titled(rules, book) if changed else []))
        lens = j.access if j.access.outcome in BARRED else j.practice
        responsibility = getattr(j, "responsibility", None)
        dublin = getattr(responsibility, "outcome", "") or ""
        rows.append(
            Row(
                j.code,
                j.name,
                j.application_country,
                *cells,
                tension=j.tension,
                deciding=_titled(deciding, book),
                confidence=str(getattr(lens, "confidence", "") or ""),
                caveat=getattr(lens, "caveat", None),
                dublin="" if dublin in ("", NO_TRANSFER) else dublin,
            )
        )
    return rows


def parse_previous(form_values: dict[str, str]) -> dict[str, str]:
    """prev.DE=outcome|access|practice|standard fields of a submitted form."""
    return {code: form_values.get(f"prev.{code}", "") for code in JURISDICTIONS if form_values.get(f"prev.{code}")}


# ----------------------------------------------------------------------------------------------------- tile map


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    x: int
    y: int
    outcome: str
    tone: str
    applied_here: bool

    @property
    def words(self) -> str:
        return words(self.outcome)

    @property
    def lines(self) -> list[str]:
        """The outcome's words on at most two lines that fit a tile."""
        parts = self.words.split()
        if len(self.words) <= 14 or len(parts) < 2:
            return [self.words]
        best = min(range(1, len(parts)), key=lambda i: abs(len(" ".join(parts[:i])) - len(" ".join(parts[i:]))))
        return [" ".join(parts[:best]), " ".join(parts[best:])]


def tiles(a: Assessment) -> list[Tile]:
    out = []
    for j in a.jurisdictions:
        col, row = TILES.get(j.code, (0, 0))
        out.append(Tile(j.code, j.name, col * TILE, row * TILE, j.outcome, tone(j.outcome), j.application_country))
    return out


def legend(a: Assessment) -> list[str]:
    """The tones present on the map, in a fixed order."""
    present = {tone(j.outcome) for j in a.jurisdictions}
    return [t for t in TONES if t in present]


# ----------------------------------------------------------------------------------------------------- workshop


@dataclass
class Bar:
    outcome: str
    count: int
    width: int  # px, of BAR_WIDTH
    correct: bool

    @property
    def words(self) -> str:
        return words(self.outcome) if self.outcome else "don't know"


BAR_WIDTH = 240


def bars(a: Assessment, tally: dict[str, dict[str, int]]) -> dict[str, list[Bar]]:
    """Jurisdiction -> the room's predictions, the actual outcome always listed (even if nobody chose it)."""
    out: dict[str, list[Bar]] = {}
    for j in a.jurisdictions:
        counts = dict(tally.get(j.code, {}))
        counts.setdefault(j.outcome, 0)
        total = max(1, sum(counts.values()))
        ordered = sorted(counts.items(), key=lambda kv: (kv[0] != j.outcome, -kv[1], kv[0]))
        out[j.code] = [Bar(o, n, round(BAR_WIDTH * n / total), o == j.outcome) for o, n in ordered]
    return out


@dataclass
class Debrief:
    code: str
    name: str
    outcome: str
    reasons: list[tuple[str, str, str]]  # (rule id, title, reason)
    tension: bool
    standard: str
    caveats: list[str]
    sources: list[tuple[str, str]]  # (ref, title)
    responsibility: str = ""  # Dublin: the outcome and its reason, where the assessment gives one


def debrief(a: Assessment) -> list[Debrief]:
    out = []
    for j in a.jurisdictions:
        decided = [f for f in j.fired if f.stage != "derive" and f.decided and f.rule in _deciding_all(j)]
        refs: list[str] = []
        for f in decided:
            refs.extend(s for s in f.sources if s not in refs)
        out.append(
            Debrief(
                j.code,
                j.name,
                j.outcome,
                [(f.rule, f.title, f.because) for f in decided],
                j.tension,
                j.standard.outcome,
                [f.caveat for f in decided if f.caveat],
                [(r, a.sources[r].title if r in a.sources else r) for r in refs],
                _responsibility(j),
            )
        )
    return out


def _responsibility(j: JurisdictionResult) -> str:
    lens = getattr(j, "responsibility", None)
    if lens is None or not getattr(lens, "outcome", None):
        return ""
    reason = lens.reasons[0] if lens.reasons else ""
    return f"{words(lens.outcome)}: {reason}" if reason else words(lens.outcome)


def _deciding_all(j: JurisdictionResult) -> set[str]:
    return {*deciding_rules(j), *j.standard.rules}


@dataclass(frozen=True)
class Contrast:
    """One what-if the trainer note suggests: facts to set and/or a date to move to."""

    label: str
    assignments: tuple[str, ...] = ()
    as_of: dt.date | None = None


_ASSIGNMENT = re.compile(r"\b([a-z_]+\.[a-z_]+)=(\[[A-Za-z0-9_, \-]*\]|[A-Za-z0-9_\-]+)")
_AS_OF = re.compile(r"--as-of\b[^.;(]*?(\d{4}-\d{2}-\d{2})")
_AS_OF_PAST = re.compile(r"--as-of past (\d{1,2} [A-Z][a-z]{2} \d{4})")


def contrasts(case: CaseFile) -> list[Contrast]:
    """The trainer note's contrast read as what-ifs: every ``path=value`` naming a case fact, and an ``--as-of``
    date. Suggestions naming unknown facts, or making an invalid case on their own, are left out (the note is
    prose, not code)."""
    from casefile.errors import InputError
    from casefile.whatif import apply, parse_assignment

    note = case.training.contrast if case.training else None
    if not note:
        return []
    out: list[Contrast] = []
    for path, value in _ASSIGNMENT.findall(note):
        spec = CASE_FACTS.get(path)
        if spec is None or spec.computed:
            continue
        try:  # offer only what-ifs that make a valid case (a suggestion may need another change beside it)
            apply(case, [parse_assignment(f"{path}={value}")])
        except InputError:
            continue
        out.append(Contrast(f"{path} = {value}", (f"{path}={value}",)))
    for match in _AS_OF.finditer(note):
        try:
            day = dt.date.fromisoformat(match.group(1))
        except ValueError:
            continue
        out.append(Contrast(f"as of {day.isoformat()}", (), day))
    for match in _AS_OF_PAST.finditer(note):
        try:
            day = dt.datetime.strptime(match.group(1), "%d %b %Y").date() + dt.timedelta(days=1)
        except ValueError:
            continue
        out.append(Contrast(f"as of {day.isoformat()}", (), day))
    return out


def known_facts(case: CaseFile) -> list[tuple[str, str]]:
    from casefile.train import known_facts as facts

    return facts(case)


def plain(value: Any) -> str:
    return words(str(value))
