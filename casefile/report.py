"""The handout's content, built once from an assessment; the text, Markdown and HTML renderers only format it.

A :class:`Report` holds what a volunteer reads, in plain words: the facts card ("what we know", "what we don't
know"), the matrix, what makes the difference (one sentence per jurisdiction), the unknown facts that would decide
an outcome, why not a more favourable outcome, the facts each outcome depends on, the confidence and caveat of
every outcome shown, a short card per jurisdiction, and the glossary of the terms the page uses (from the one
shared ``glossary.yaml``). Rule ids, fact paths, source ids and the engine's name never appear in these parts;
they go into :attr:`Report.details`, the appendix that ``--details`` adds.

Every renderer uses :data:`SECTIONS` for its headings, so the same section has the same name in every format.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import inspect
import re
from dataclasses import Field, field, replace
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from casefile.case import CaseFile
from casefile.compare import is_default
from casefile.conditions import TRUE, describe
from casefile.errors import InputError
from casefile.facts import CASE_FACTS, FactSpec, facts_of
from casefile.render.escape import terminal_safe
from casefile.results import Assessment, JurisdictionResult, LensResult, SourceNote
from casefile.rulebook import BARRED, Rule, Rulebook, default_rulebook

SECTIONS = {
    "facts": "The facts",
    "known": "What we know",
    "unknown": "What we don't know",
    "matrix": "Side by side",
    "differences": "What makes the difference",
    "cards": "Each jurisdiction",
    "unknowns": "Unknown facts that would decide an outcome",
    "why_not": "Why not a more favourable outcome",
    "depends_on": "Facts the outcome depends on",
    "confidence": "Confidence and caveats",
    "glossary": "Glossary",
    "details": "Appendix: details for trainers",
    "sources": "Sources",
}
"""Section key -> heading, shared by every format."""

OUTCOME_WORDS = {
    "access_to_procedure": "access to procedure",
    "humanitarian_pathway": "humanitarian pathway",
    "entry_barred": "entry barred",
    "not_received": "not received",
    "no_legal_pathway": "no legal pathway",
    "protection_likely": "protection likely",
    "individual_assessment": "individual assessment",
    "decision_postponed": "decision postponed",
    "exclusion_review": "exclusion review",
    "refusal_likely": "refusal likely",
    "not_assessed": "not assessed",
}
MATRIX_LEGEND = (
    "★ = where the person applied (every country is assessed as if the claim were made there). "
    "Tension = practice is less favourable than the common standard. "
    "(low) / (medium) = the confidence of the rule that decides; see the caveats."
)
DIFFERENCES_NOTE = (
    "What decides each outcome. Where no rule specific to this case applies, the country's general rule decides."
)
HANDOUT_LIMITS = {"why_not": 2, "depends_on": 3}
"""How many entries per jurisdiction the handout shows; the appendix and ``evaluate`` show all."""
NOT_SHOWN_FACTS = {"dates.as_of", "dates.access_date", "evidence.documented_kinds"}


def words(outcome: str | None) -> str:
    """An outcome code in words: ``refusal_likely`` -> ``refusal likely``."""
    if not outcome:
        return "—"
    return OUTCOME_WORDS.get(outcome, outcome.replace("_", " "))


def day(value: dt.date) -> str:
    """A date as a reader writes it: 29 Jul 2025."""
    return f"{value.day} {value:%b %Y}"


def value_words(value: Any, spec: FactSpec | None = None, names: dict[str, str] | None = None) -> str:
    """A fact's value in words: yes / no / not known, 29 Jul 2025, enum values without underscores."""
    if value is None:
        return "not known"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return "yes" if value.lower() == "true" else "no"
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return day(dt.date.fromisoformat(value))
    if isinstance(value, list | tuple):
        return ", ".join(value_words(v, spec, names) for v in value) if value else "none"
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):  # a list, as the explainer keys it
        items = [v.strip(" '\"") for v in value[1:-1].split(",") if v.strip(" '\"")]
        return value_words(items, spec, names) if items else "none"
    text = str(getattr(value, "value", value))
    if names and text in names:
        return names[text]
    if spec is not None and spec.path == "dissent.prosecution":
        return PROSECUTION.get(text, text.replace("_", " "))
    return text.replace("_", " ")


PROSECUTION = {
    "coao_20_3_3": "CoAO 20.3.3 (discrediting the army)",
    "cc_280_3": "CC 280.3 (repeated discrediting)",
    "cc_207_3": "CC 207.3 (false information about the army)",
    "cc_328": "CC 328 (evading service)",
    "cc_337": "CC 337 (leaving a unit)",
    "cc_338": "CC 338 (desertion)",
}


def fact_label(path: str, specs: dict[str, FactSpec] | None = None) -> str:
    """A fact's plain label ("Received a call-up (draft notice)"), never its path."""
    spec = (specs or CASE_FACTS).get(path) or CASE_FACTS.get(path)
    if spec is None:
        return path.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    label = re.split(r"\.\s+(?=[A-Z])", spec.label, maxsplit=1)[0].rstrip(".")  # not the explanation after it
    return label[:1].upper() + label[1:]


def fact_question(path: str) -> str:
    """The plain question for a fact, without the list of possible answers it offers in the interview."""
    spec = CASE_FACTS.get(path)
    if spec is None:
        return fact_label(path) + "?"
    question = neutral(spec.question)
    question = re.sub(r"\s*\([^()]*,[^()]*\)", "", question)  # "(never served, completed service, …)"
    question = re.sub(r":[^?]*,[^?]*\?$", "?", question)  # "How did the person enter: tourist visa, …?"
    return question


def neutral(text: str) -> str:
    """A question about "the person" without a gendered pronoun ("took part ... himself" -> "themselves")."""
    verbs = {"was": "were", "is": "are", "has": "have", "did": "did"}
    text = re.sub(r"\bhimself\b", "themselves", text)
    text = re.sub(
        r"\b([Hh])e (was|is|has|did)\b",
        lambda m: ("T" if m.group(1) == "H" else "t") + "hey " + verbs[m.group(2)],
        text,
    )
    return re.sub(r"\bhis\b", "their", text)


def plain_specs(book: Rulebook) -> dict[str, FactSpec]:
    """The rulebook's fact specs with each label cut to the label itself, for sentences built from conditions."""
    cached = _PLAIN.get(id(book))
    if cached is None:
        cached = {path: replace(spec, label=fact_label(path, book.specs)) for path, spec in book.specs.items()}
        _PLAIN[id(book)] = cached
    return cached


_PLAIN: dict[int, dict[str, FactSpec]] = {}


def confidence_note(confidence: str | None) -> str:
    """'' for high confidence, else ' (low confidence)'."""
    return f" ({confidence} confidence)" if confidence and confidence != "high" else ""


def cite(ref: str, note: SourceNote | None) -> str:
    """A short human citation: 'Legal facts G6 (unverified)', 'The Moscow Times, 2025-07-29'."""
    status = f" ({', '.join(note.status)})" if note is not None and note.status else ""
    if ref.startswith("legal:"):
        return f"Legal facts {ref.split(':', 1)[1]}{status}"
    if note is not None:
        m = re.search(r"\(([^()]*)\)\s*$", note.title)
        if m:
            return m.group(1) + status
        return note.title + status
    return ref


# ---------------------------------------------------------------------------------------------------- model


def record(cls: type[_T]) -> type[_T]:
    """What ``@dataclass`` gives the plain records below — an ``__init__`` taking the fields in order or by name,
    defaults (``field(default_factory=...)`` too), ``repr`` and equality — without writing and compiling source code
    for each class, which cost ~0.4 ms a class (~5 ms of every command's start-up)."""
    names = tuple(inspect.get_annotations(cls))
    defaults: dict[str, Any] = {}
    factories: dict[str, Any] = {}
    for name in names:
        value = cls.__dict__.get(name, _MISSING)
        if isinstance(value, Field):
            factories[name] = value.default_factory
            delattr(cls, name)
        elif value is not _MISSING:
            defaults[name] = value
    title = cls.__qualname__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(names):
            raise TypeError(f"{title}() takes {len(names)} arguments but {len(args)} were given")
        values = dict(zip(names, args, strict=False))
        for name, value in kwargs.items():
            if name not in names or name in values:
                raise TypeError(f"{title}() got an unexpected or repeated argument {name!r}")
            values[name] = value
        for name in names:
            if name not in values:
                if name in factories:
                    values[name] = factories[name]()
                elif name in defaults:
                    values[name] = defaults[name]
                else:
                    raise TypeError(f"{title}() missing argument {name!r}")
        self.__dict__.update(values)

    def __repr__(self: Any) -> str:
        return f"{title}({', '.join(f'{name}={getattr(self, name)!r}' for name in names)})"

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in names)

    cls.__init__ = __init__  # type: ignore[misc]
    cls.__repr__ = __repr__  # type: ignore[method-assign]
    cls.__eq__ = __eq__  # type: ignore[method-assign]
    cls.__hash__ = None  # type: ignore[assignment]
    cls.__match_args__ = names  # type: ignore[attr-defined]
    return cls


_MISSING = object()
_T = TypeVar("_T")


@record
class Shown:
    """One outcome as shown: its words, its confidence and the caveats of the rules that decide it."""

    outcome: str
    confidence: str = "high"
    caveats: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return words(self.outcome) + confidence_note(self.confidence)

    @property
    def short(self) -> str:
        mark = f" ({self.confidence})" if self.confidence != "high" else ""
        return words(self.outcome) + mark


@record
class FactLine:
    label: str
    value: str


@record
class Row:
    code: str
    name: str
    applied: bool
    access: Shown
    practice: Shown
    standard: Shown
    tension: bool
    outcome: Shown


@record
class Difference:
    code: str
    name: str
    outcome: Shown
    sentence: str
    codes: list[str] = field(default_factory=list)


@record
class UnknownLine:
    question: str
    effects: list[tuple[str, str]]  # (codes, "if yes → …; if no → …")


@record
class Line:
    """One plain line tied to a jurisdiction (why-not, depends-on, caveat)."""

    code: str
    text: str
    outcome: str | None = None
    note: str = ""


@record
class Card:
    """A jurisdiction's card; jurisdictions whose cards would read the same share one ("PL, FI")."""

    code: str
    name: str
    applied: bool
    outcome: Shown
    access: Shown
    practice: Shown
    standard: Shown
    tension: bool
    lines: list[tuple[str, str]]  # (label, text): access date, standard access, responsibility, why, route
    caveats: list[str]
    sources: str
    codes: list[str] = field(default_factory=list)


@record
class GlossaryEntry:
    term: str
    text: str


@record
class DetailRule:
    rule: str
    title: str
    stage: str
    conclusion: str
    because: str
    facts: str
    sources: str
    location: str
    decided: bool
    overridden_by: list[str]


@record
class Detail:
    code: str
    name: str
    rules: list[DetailRule]
    checklist: list[tuple[str, str, str]]  # (status, label, sources)
    why_not: list[str]
    depends_on: list[Line]


@record
class Report:
    kind: str
    who: str
    case_id: str
    as_of: str
    rulebook_version: str
    disclaimer: str
    warnings: list[str]
    known: list[FactLine]
    unknown_facts: list[str]
    unknown_other: int
    rows: list[Row]
    differences: list[Difference]
    unknowns: list[UnknownLine]
    why_not: list[Line]
    depends_on: list[Line]
    caveats: list[Line]
    cards: list[Card]
    glossary: list[GlossaryEntry] = field(default_factory=list)
    details: list[Detail] | None = None
    sources: list[tuple[str, str, str]] | None = None  # (citation, title, text + status)
    engine: str = ""

    @property
    def applied(self) -> list[str]:
        return [r.name for r in self.rows if r.applied]

    def body_text(self) -> str:
        """Every string the handout body shows (not the appendix): for the glossary and for tests."""
        shown = [v for k, v in SECTIONS.items() if k not in ("details", "sources", "glossary")]
        parts: list[str] = [self.who, *self.warnings, MATRIX_LEGEND, DIFFERENCES_NOTE, *shown, "Caveat"]
        parts += [f"{f.label} {f.value}" for f in self.known] + self.unknown_facts
        for r in self.rows:
            parts += [r.name, r.access.text, r.practice.text, r.standard.text, r.outcome.text]
            parts.append("tension" if r.tension else "")
        parts += [d.sentence + " " + d.outcome.text for d in self.differences]
        for u in self.unknowns:
            parts.append(u.question)
            parts += [t for _, t in u.effects]
        parts += [f"{x.text} {words(x.outcome) if x.outcome else ''} {x.note}" for x in self.why_not]
        parts += [f"{x.text} {words(x.outcome) if x.outcome else ''} {x.note}" for x in self.depends_on]
        parts += [f"{x.text} {x.note}" for x in self.caveats]
        for c in self.cards:
            parts += [c.outcome.text, c.access.text, c.practice.text, c.standard.text, c.sources, *c.caveats]
            parts += [f"{a} {b}" for a, b in c.lines]
        return "\n".join(parts)


# ---------------------------------------------------------------------------------------------------- build


def lens_confidence(lens: LensResult, j: JurisdictionResult, book: Rulebook) -> Shown:
    """The lens's outcome with its confidence and caveat: the lens's own fields where the results carry them,
    else the least confidence and every caveat of the rules that decide it."""
    own_conf = getattr(lens, "confidence", None)
    own_caveat = getattr(lens, "caveat", None)
    rules = [book.rules[r] for r in lens.rules if r in book.rules]
    order = {"low": 0, "medium": 1, "high": 2}
    if own_conf:
        confidence = str(own_conf)
    else:
        confidence = min((r.confidence for r in rules), key=lambda c: order.get(c, 2), default="high")
    caveats = [str(own_caveat)] if own_caveat else [r.caveat for r in rules if r.caveat]
    if lens.outcome == "not_assessed":
        return Shown(lens.outcome, "high", [])
    return Shown(lens.outcome, confidence, list(dict.fromkeys(caveats)))


def headline(j: JurisdictionResult, book: Rulebook) -> Shown:
    if j.access.outcome in BARRED or j.outcome == j.access.outcome:
        return lens_confidence(j.access, j, book)
    return lens_confidence(j.practice, j, book)


def deciding_lens(j: JurisdictionResult) -> LensResult:
    return j.access if j.access.outcome in BARRED else j.practice


def criterion(rule: Rule, book: Rulebook) -> str:
    """'when <condition in words>; from <date>' for a rule, or '' for a default."""
    parts = []
    if rule.condition != TRUE:
        text = re.sub(
            r"(\band |\bor |\()([A-Z])(?=[a-z])",
            lambda m: m.group(1) + m.group(2).lower(),
            describe(rule.condition, plain_specs(book)),
        )
        parts.append("when " + text[:1].lower() + text[1:])
    if rule.valid_from and rule.valid_to:
        parts.append(f"{day(rule.valid_from)} to {day(rule.valid_to)}")
    elif rule.valid_from:
        parts.append(f"from {day(rule.valid_from)}")
    elif rule.valid_to:
        parts.append(f"until {day(rule.valid_to)}")
    return "; ".join(parts)


def difference_sentence(j: JurisdictionResult, book: Rulebook) -> str:
    """What decides this jurisdiction's outcome, in one plain sentence."""
    rules = [book.rules[r] for r in deciding_lens(j).rules if r in book.rules]
    specific = [r for r in rules if not is_default(r)]
    if not specific:
        title = rules[0].title if rules else "The authority decides case by case"
        sentence = f"the general rule: {title}."
    else:
        said = []
        for r in specific:
            when = criterion(r, book)
            said.append(f"“{r.title}”" + (f" ({when})" if when else ""))
        sentence = "; ".join(said) + "."
    if j.tension:
        sentence += f" The common standard asks for {words(j.standard.outcome)}."
    transfer = getattr(getattr(j, "responsibility", None), "transfer_to", None)
    if transfer:
        state = book.names.get(str(transfer), str(transfer))
        sentence += f" Under Dublin, a claim here would likely be passed to {state}, which issued the visa."
    return sentence[:1].upper() + sentence[1:]


def known_facts(case: CaseFile, as_of: dt.date, names: dict[str, str]) -> tuple[list[FactLine], set[str]]:
    values = facts_of(case, as_of).values
    lines: list[FactLine] = []
    for path, spec in CASE_FACTS.items():
        if path in NOT_SHOWN_FACTS or spec.computed or path not in values:
            continue
        if spec.kind == "text" and path != "person.citizenship":
            continue
        if path == "person.birth_date" and "person.age" in values:
            continue
        lines.append(FactLine(fact_label(path), value_words(values[path], spec, names)))
    if case.evidence:
        shown = [
            f"{e.kind.value.replace('_', ' ')} ({'documented' if e.documented else 'not documented'})"
            for e in case.evidence
        ]
        lines.append(FactLine("Evidence", ", ".join(shown)))
    return lines, set(values)


def outcome_effects(outcomes: dict[str, str], now: str, spec: FactSpec | None, names: dict[str, str]) -> str:
    """'if yes → individual assessment; if no → refusal likely', grouping values with the same outcome."""
    by_outcome: dict[str, list[str]] = {}
    for value, outcome in outcomes.items():
        if spec is not None and spec.kind == "list" and "," in value:
            continue  # a combination of several items: the single items already say it
        by_outcome.setdefault(outcome, []).append(value_words(value, spec, names))
    parts = []
    for outcome, values in by_outcome.items():
        if outcome == now and len(values) > 3:
            parts.append(f"other answers → {words(outcome)}")
        else:
            parts.append(f"if {' or '.join(values)} → {words(outcome)}")
    return "; ".join(parts)


def why_not_sentence(w: Any, book: Rulebook) -> str:
    rule = book.rules.get(w.rule)
    title = rule.title if rule else ""
    parts = []
    if w.unknown:
        parts.append("it is not known whether " + " nor whether ".join(f"“{u}”" for u in w.unknown))
    parts += list(w.failed)
    if not parts:
        parts.append("a more specific rule takes precedence")
    return f"{words(w.outcome).capitalize()} (“{title}”) is not reached: " + "; ".join(parts) + "."


def change_text(c: Any, names: dict[str, str]) -> str:
    return ", ".join(f"{fact_label(k)}: {value_words(v, CASE_FACTS.get(k), names)}" for k, v in c.set.items())


def change_shown(c: Any, book: Rulebook) -> Shown:
    rules = [book.rules[r] for r in c.because if r in book.rules]
    order = {"low": 0, "medium": 1, "high": 2}
    conf = min((r.confidence for r in rules), key=lambda x: order.get(x, 2), default="high")
    return Shown(c.outcome, conf, [r.caveat for r in rules if r.caveat])


def citations(refs: list[str], a: Assessment) -> str:
    seen = list(dict.fromkeys(cite(r, a.sources.get(r)) for r in refs))
    return "; ".join(seen)


def card_lines(j: JurisdictionResult, book: Rulebook, names: dict[str, str]) -> list[tuple[str, str]]:
    """The card's plain lines: why (the deciding rule's title and reason), what remains, the access date, the
    standard's access where it differs, and a Dublin transfer where one is indicated."""
    lines: list[tuple[str, str]] = []
    lens = deciding_lens(j)
    for rid in lens.rules:
        rule = book.rules.get(rid)
        if rule is None:
            continue
        lines.append(("Why", f"{rule.title}. {rule.reason}"))
        if rule.remaining_route:
            lines.append(("What remains", rule.remaining_route))
    if j.practice.outcome == "not_assessed" and j.practice.if_reached:
        lines.append(("If a procedure were reached", words(j.practice.if_reached)))
    judged = getattr(j.access, "judged_on", None)
    if judged:
        reason = getattr(j.access, "judged_on_reason", None)
        when = day(judged) if isinstance(judged, dt.date) else value_words(str(judged))
        lines.append(("Access judged on", when + (f", {reason}" if reason else "")))
    std_access = getattr(j.standard, "access", None)
    outcome = getattr(std_access, "outcome", None)
    if outcome and outcome != j.access.outcome:
        lines.append(("The standard on access", f"{words(outcome)} (a claim at the border or on the territory)"))
    if j.tension:
        std = [book.rules[r] for r in j.standard.rules if r in book.rules]
        if std:
            lines.append(("Standard", f"{std[0].title}."))
    resp = getattr(j, "responsibility", None)
    text = responsibility_text(resp, names) if resp is not None else None
    if text:
        lines.append(("Dublin", text))
    return lines


def responsibility_text(resp: Any, names: dict[str, str]) -> str | None:
    """'a claim here would likely be passed to Finland: <why>', or None where no transfer is indicated."""
    state = getattr(resp, "transfer_to", None)
    if not state:
        return None
    rules = getattr(resp, "rules", []) or []
    rule_reasons = []
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    for rid in rules:
        rule = book.rules.get(rid)
        if rule is not None:
            rule_reasons.append(rule.reason)
    why = " ".join(rule_reasons)
    return f"a claim here would likely be passed to {names.get(str(state), str(state))}" + (f": {why}" if why else "")


@cache
def glossary_entries() -> tuple[tuple[str, tuple[str, ...], bool, str], ...]:
    """(term, other forms that count as a use, whether only the exact capitals count, explanation) per entry."""
    return tuple(
        (str(e["term"]), tuple(str(m) for m in e.get("match", [])), bool(e.get("case", False)), str(e["text"]))
        for e in _glossary_data()
    )


def _glossary_data() -> Any:
    """glossary.yaml's entries: from the parsed-file cache of :mod:`casefile.cache` where it is on (reading the
    cached JSON takes half the time of parsing), else parsed with libyaml where installed (the same data, ten times
    faster than PyYAML's own parser). tests/test_glossary.py checks that both give what ``yaml.safe_load`` gives."""
    path = Path(__file__).parent / "glossary.yaml"
    from casefile import cache as parsed_files

    if parsed_files.folder() is not None:
        with contextlib.suppress(InputError):
            return parsed_files.load_file_cached(path, max_bytes=1_000_000, what="glossary").data
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def _glossary_forms() -> tuple[tuple[GlossaryEntry, tuple[tuple[str, bool], ...]], ...]:
    """Each entry with its forms as searched: (form, case) with the form lower-cased where capitals do not count."""
    return tuple(
        (
            GlossaryEntry(term, explanation),
            tuple((form if case or not form[:1].isalnum() else _fold(form), case) for form in (term, *matches)),
        )
        for term, matches, case, explanation in glossary_entries()
    )


def glossary_for(text: str) -> list[GlossaryEntry]:
    r"""The glossary entries whose term (or one of its forms) the text uses, in the glossary's order.

    A form is used where it stands as a whole word (no letter, digit, ``_`` or ``-`` on either side), in any
    capitals unless the entry says ``case: true``; a form of symbols is used where any of its symbols appears.
    This is what ``re.search(r"(?<![\w-])FORM(?![\w-])", text, re.IGNORECASE)`` finds, found with plain string
    search over the text folded once (compiling a pattern per form was most of the handout's build time).
    """
    folded = _fold(text)
    return [
        GlossaryEntry(entry.term, entry.text)
        for entry, forms in _glossary_forms()
        if any(_uses(text, folded, form, case) for form, case in forms)
    ]


_DOTLESS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})  # İ, ı, ſ: what re.IGNORECASE reads as i, i, s


def _fold(text: str) -> str:
    """The text as re.IGNORECASE compares it, one character for one (so positions stay those of the text)."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text:
        text = text.translate(_DOTLESS)
    return text.lower()


def _word(char: str) -> bool:
    """What ``[\\w-]`` matches: a letter, a digit, ``_`` or ``-``."""
    return char.isalnum() or char == "_" or char == "-"


def _uses(text: str, folded: str, form: str, case: bool) -> bool:
    if not form[:1].isalnum():
        return any(sym in text for sym in form.split())
    haystack = text if case else folded
    at = haystack.find(form)
    while at >= 0:
        end = at + len(form)
        if (at == 0 or not _word(text[at - 1])) and (end == len(text) or not _word(text[end])):
            return True
        at = haystack.find(form, at + 1)
    return False


def build(
    a: Assessment,
    case: CaseFile | None = None,
    book: Rulebook | None = None,
    *,
    kind: str = "compare",
    details: bool = False,
) -> Report:
    """The handout's content for `a` (and the case it assessed, for the facts card)."""
    book = book or default_rulebook()
    names = dict(book.names)
    known: list[FactLine] = []
    known_paths: set[str] = set()
    if case is not None:
        known, known_paths = known_facts(case, a.as_of, names)

    rows: list[Row] = []
    diffs: list[Difference] = []
    why_not: list[Line] = []
    depends: list[Line] = []
    caveats: list[Line] = []
    cards: list[Card] = []
    unknown_order: list[str] = []
    unknown_table: dict[str, dict[str, list[str]]] = {}
    for j in a.jurisdictions:
        access = lens_confidence(j.access, j, book)
        practice = lens_confidence(j.practice, j, book)
        standard = lens_confidence(j.standard, j, book)
        head = headline(j, book)
        rows.append(Row(j.code, j.name, j.application_country, access, practice, standard, j.tension, head))
        diffs.append(Difference(j.code, j.name, head, difference_sentence(j, book), [j.code]))
        for u in j.unknowns:
            spec = CASE_FACTS.get(u.fact)
            effects = outcome_effects(u.outcomes or _bool_outcomes(u), j.outcome, spec, names)
            if u.fact not in unknown_table:
                unknown_order.append(u.fact)
                unknown_table[u.fact] = {}
            unknown_table[u.fact].setdefault(effects, []).append(j.code)
        # The handout names what failed; "a more specific rule takes precedence" stays in the appendix.
        better = [
            w for w in j.why_not if w.outcome not in ("exclusion_review", "not_assessed") and (w.failed or w.unknown)
        ]
        why_not += [Line(j.code, why_not_sentence(w, book), w.outcome) for w in better[: HANDOUT_LIMITS["why_not"]]]
        one_per_fact = {}
        for c in j.what_would_change:  # one value per fact and outcome: "Date of entry: 30 Sep 2022" stands for all
            one_per_fact.setdefault((tuple(c.set), c.outcome), c)
        for c in list(one_per_fact.values())[: HANDOUT_LIMITS["depends_on"]]:
            shown = change_shown(c, book)
            depends.append(Line(j.code, change_text(c, names), c.outcome, confidence_note(shown.confidence).strip()))
            same = [
                d
                for d in depends[:-1]
                if (d.text, d.outcome, d.note) == (depends[-1].text, c.outcome, depends[-1].note)
            ]
            if same:
                same[0].code += ", " + j.code
                depends.pop()
        # Every outcome shown with a caveat or less than high confidence; a caveat the card already prints is
        # pointed to rather than repeated.
        seen: set[str] = set(head.caveats)
        for lens_name, shown in (("access", access), ("practice", practice), ("standard", standard)):
            if shown.confidence == "high" and not shown.caveats:
                continue
            fresh = [c for c in shown.caveats if c not in seen]
            seen.update(fresh)
            note = " ".join(fresh)
            if shown.caveats and len(fresh) < len(shown.caveats):
                note = (note + " " if note else "") + "(See the caveat on the card.)"
            caveats.append(Line(j.code, f"{lens_name}: {shown.text}", shown.outcome, note))
        refs = [s for rid in deciding_lens(j).rules if rid in book.rules for s in book.rules[rid].sources]
        cards.append(
            Card(
                code=j.code,
                name=j.name,
                applied=j.application_country,
                outcome=head,
                access=access,
                practice=practice,
                standard=standard,
                tension=j.tension,
                lines=card_lines(j, book, names),
                caveats=list(dict.fromkeys(head.caveats)),
                sources=citations(refs, a),
                codes=[j.code],
            )
        )
    diffs = _merged(diffs, lambda d: (d.outcome.text, d.sentence))
    cards = _merged(
        cards,
        lambda c: (
            c.applied,
            c.outcome.text,
            c.access.text,
            c.practice.text,
            c.standard.text,
            c.tension,
            tuple(c.lines),
            tuple(c.caveats),
            c.sources,
        ),
    )
    why_not = _merged(why_not, lambda x: (x.text, x.outcome))
    caveats = _merged(caveats, lambda x: (x.text, x.note))
    unknowns = [
        UnknownLine(
            fact_question(f),
            [(", ".join(codes), effects) for effects, codes in unknown_table[f].items()],
        )
        for f in unknown_order
    ]
    unknown_facts = [fact_question(f) for f in unknown_order]
    relevant_unknown = {
        p for p, s in CASE_FACTS.items() if not s.computed and p not in known_paths and p not in NOT_SHOWN_FACTS
    }
    report = Report(
        kind=kind,
        who=terminal_safe(a.name or a.case_id),  # a name is data: control characters are shown, never obeyed
        case_id=a.case_id,
        as_of=day(a.as_of),
        rulebook_version=a.rulebook_version,
        disclaimer=a.disclaimer,
        warnings=[terminal_safe(w) for w in a.warnings],
        known=known,
        unknown_facts=unknown_facts,
        unknown_other=max(len(relevant_unknown) - len(unknown_order), 0) if case is not None else 0,
        rows=rows,
        differences=diffs,
        unknowns=unknowns,
        why_not=why_not,
        depends_on=depends,
        caveats=caveats,
        cards=cards,
        engine=a.engine,
    )
    if details:
        report.details = [_detail(j, a, book, names) for j in a.jurisdictions]
        report.sources = [
            (
                cite(ref, note),
                note.title,
                note.text + (f" ⚠ {', '.join(note.status)}: {note.note}" if note.status else ""),
            )
            for ref, note in sorted(a.sources.items())
        ]
    report.glossary = glossary_for(report.body_text())
    return report


def _merged(items: list[Any], key: Any) -> list[Any]:
    """Items that read the same merged into one, naming every jurisdiction ("NL, EE, LV")."""
    out: list[Any] = []
    index: dict[Any, Any] = {}
    for item in items:
        k = key(item)
        if k in index:
            first = index[k]
            first.code += ", " + item.code
            if hasattr(first, "name"):
                first.name += ", " + item.name
            if hasattr(first, "codes"):
                first.codes += item.codes
            continue
        index[k] = item
        out.append(item)
    return out


def _bool_outcomes(u: Any) -> dict[str, str]:
    out = {}
    if u.if_true:
        out["true"] = u.if_true
    if u.if_false:
        out["false"] = u.if_false
    return out


def _detail(j: JurisdictionResult, a: Assessment, book: Rulebook, names: dict[str, str]) -> Detail:
    rules = []
    for f in j.fired:
        if f.stage == "derive":
            continue
        facts = ", ".join(
            f"{k} = {value_words(v, CASE_FACTS.get(k), names)}"
            for k, v in f.facts.items()
            if not k.startswith("dates.")
        )
        rules.append(
            DetailRule(
                rule=f.rule,
                title=f.title,
                stage=f.stage,
                conclusion=words(f.conclusion),
                because=f.because,
                facts=facts,
                sources=citations(f.sources, a),
                location=f.location,
                decided=f.decided,
                overridden_by=list(f.overridden_by),
            )
        )
    checklist = [(i.status, i.label, citations(i.sources, a)) for i in j.checklist]
    why = [why_not_sentence(w, book) for w in j.why_not if w.outcome not in ("exclusion_review", "not_assessed")]
    depends = []
    for c in j.what_would_change:
        shown = change_shown(c, book)
        depends.append(Line(j.code, change_text(c, names), c.outcome, confidence_note(shown.confidence).strip()))
    return Detail(j.code, j.name, rules, checklist, why, depends)
