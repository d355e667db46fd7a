"""The interview: build a case file by asking only the questions whose answers can still change an outcome.

Whether a question is asked is decided by re-running the rules, never by a fixed script. For the case built so
far, every unknown fact the rules read is filled in turn with each value that can make a difference (the values
:class:`~casefile.explain.Explorer` proposes) and the seven headline outcomes are compared with those of leaving
the fact unknown. A fact *qualifies* if some value changes some jurisdiction's outcome, alone or together with one
other unknown fact that the same rule reads (a low public profile leads German practice to refuse only for someone
publicly active). A fact that cannot change any outcome is never asked; nor is a fact no rule reads, nor one the
answers already settle (no desertion question after "never served").

The qualifying questions come in the order a person tells the story (:data:`NATURAL_ORDER`): who, where the claim
was made (``application_country`` is always asked: it marks the ★), service, call-up, desertion only if serving,
dissent, journey; a question that depends on another (:data:`PREREQUISITES`) waits for it. After each answer the
running assessment is printed only where an outcome changed.

This module holds the logic — answer parsing, question selection, the dialogue loop over any line reader and rich
console, and the YAML the interview writes. :mod:`casefile.commands.interview` is the command on top.
"""

from __future__ import annotations

import datetime as dt
import itertools
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from casefile import DISCLAIMER
from casefile.case import GROUPS, CaseFile, validation_problems
from casefile.documents import LineMap
from casefile.facts import CASE_FACTS, FactSpec
from casefile.render.text import OUTCOME_STYLE, words
from casefile.report import fact_label, neutral
from casefile.results import Assessment
from casefile.rulebook import JURISDICTIONS, Rulebook

if TYPE_CHECKING:
    from casefile.assessment import Decision
    from casefile.explain import Explorer

DEFAULT_CASE_ID = "interview"
MAX_TRIES = 3
YES = frozenset({"y", "yes", "true"})
NO = frozenset({"n", "no", "false"})
SKIP = frozenset({"?", "unknown", "skip"})

ReadLine = Callable[[], str | None]
"""Returns the next answer line without its line ending, or None at the end of input."""


class AnswerError(ValueError):
    """An answer that cannot be used: not a value of the fact, or contradicting earlier answers."""


# ----------------------------------------------------------------------------------------------------------------
# Answers


def choices(spec: FactSpec) -> tuple[str, ...]:
    """The numbered menu of an enum or list fact (empty for other kinds)."""
    return spec.values if spec.kind in ("enum", "list") else ()


def _choice(raw: str, values: tuple[str, ...]) -> str:
    text = raw.strip()
    if text.isdigit():
        number = int(text)
        if 1 <= number <= len(values):
            return values[number - 1]
        raise AnswerError(f"{text} is not on the menu; choose a number from 1 to {len(values)}")
    key = text.lower().replace(" ", "_").replace("-", "_")
    for value in values:
        if value.lower() == key:
            return value
    raise AnswerError(f"{text!r} is not one of: {', '.join(values)}")


def parse_answer(spec: FactSpec, raw: str) -> Any:
    """The value of an answer to `spec`'s question. Raises AnswerError with a message a user can act on.

    Bools: y/yes/true or n/no/false. Enums: the menu number or the value. Lists: comma-separated numbers or values,
    or 'none' for an empty list. Dates: YYYY-MM-DD. Numbers: whole numbers. Text: as written (citizenship is
    upper-cased).
    """
    text = raw.strip()
    if spec.kind == "bool":
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise AnswerError(f"expected yes or no (y/n), got {text!r}")
    if spec.kind == "enum":
        return _choice(text, spec.values)
    if spec.kind == "list":
        if text.lower() in ("none", "-", "[]"):
            return []
        items = [part for part in (p.strip() for p in text.strip("[]").split(",")) if part]
        values: list[str] = []
        for item in items:
            value = _choice(item, spec.values)
            if value not in values:
                values.append(value)
        return values
    if spec.kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise AnswerError(f"expected a date written YYYY-MM-DD, got {text!r}") from None
    if spec.kind == "int":
        try:
            return int(text)
        except ValueError:
            raise AnswerError(f"expected a whole number, got {text!r}") from None
    if spec.path == "person.citizenship":
        return text.upper()
    return text


def with_answer(data: dict[str, Any], path: str, value: Any) -> tuple[dict[str, Any], CaseFile]:
    """`data` with `path` set to `value`, validated as a case. Raises AnswerError naming any contradiction."""
    group, name = path.split(".", 1)
    new = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    new.setdefault(group, {})[name] = value
    try:
        return new, CaseFile.model_validate(new)
    except ValidationError as exc:
        problems = validation_problems(exc, "answer", LineMap())
        mine = [p for p in problems if p.field == path] or problems
        raise AnswerError("; ".join(p.expected + (f" ({p.hint})" if p.hint else "") for p in mine)) from None


def show(value: Any) -> str:
    """An answer in plain words."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(show(v) for v in value) or "none"
    if isinstance(value, StrEnum):
        return value.value.replace("_", " ")
    if isinstance(value, str):
        return value.replace("_", " ")
    return str(value)


# ----------------------------------------------------------------------------------------------------------------
# Which questions can still change an outcome


NATURAL_ORDER = (
    "person.",
    "journey.application_country",
    "journey.application_place",
    "military.service_status",
    "military.draft_notice_received",
    "military.call_up_",
    "military.draft_notice_date",
    "military.deserted",
    "military.",
    "dissent.",
    "journey.",
    "",
)
"""The order a person tells the story in: who, where the claim was made, service, call-up, desertion, dissent,
journey. A path takes the rank of the first prefix it starts with; ties keep the vocabulary's order."""


SERVING = ("serving_conscript", "mobilised", "contract_soldier")
PREREQUISITES: dict[str, tuple[str, tuple[Any, ...]]] = {
    "military.deserted": ("military.service_status", SERVING),
    "military.deserted_date": ("military.deserted", (True,)),
    "military.call_up_purpose": ("military.draft_notice_received", (True,)),
    "military.call_up_delivery": ("military.draft_notice_received", (True,)),
    "military.draft_notice_date": ("military.draft_notice_received", (True,)),
    "military.personal_involvement_indication": ("military.service_status", (*SERVING, "completed_service")),
    "military.unit_war_crimes": ("military.service_status", (*SERVING, "completed_service")),
    "dissent.public_profile": ("dissent.public_activism", (True,)),
    "dissent.activism_channels": ("dissent.public_activism", (True,)),
}
"""A question that makes sense only after another answer: fact -> (the fact it depends on, the answers that let
it be asked). An unknown prerequisite is asked first; one answered otherwise means the question is not asked."""
ASK_IF_UNKNOWN = frozenset({"military.service_status"})
"""Prerequisites that, left unknown, still let the question be asked (desertion matters even if the service is
not told)."""


def natural_rank(path: str) -> tuple[int, int]:
    group = next(i for i, prefix in enumerate(NATURAL_ORDER) if path.startswith(prefix))
    order = list(CASE_FACTS).index(path) if path in CASE_FACTS else len(CASE_FACTS)
    return group, order


@dataclass(frozen=True)
class Question:
    """An unknown fact worth asking, and the jurisdictions whose outcome its answer can change."""

    path: str
    changes: tuple[str, ...]
    joint: bool = False  # only together with one other unknown fact

    @property
    def spec(self) -> FactSpec:
        return CASE_FACTS[self.path]


class Planner:
    """Chooses the questions for one case on one date, with one rulebook."""

    def __init__(self, book: Rulebook, as_of: dt.date, *, lookahead: bool = True) -> None:
        from casefile.engine import matcher

        self.book = book
        self.as_of = as_of
        self.lookahead = lookahead
        self.primary = matcher(book)
        self.order = {p: i for i, p in enumerate(CASE_FACTS)}

    def explorer(self, case: CaseFile) -> Explorer:
        from casefile.explain import Explorer

        return Explorer(case, self.book, self.as_of, self.primary)

    def questions(self, case: CaseFile, exclude: set[str] | frozenset[str] = frozenset()) -> list[Question]:
        """The unknown facts whose answer can change some outcome, best first. Empty when nothing can."""
        ex = self.explorer(case)
        base = ex.outcomes(())
        if base is None:  # pragma: no cover - the case itself validated
            return []
        unknown = [p for p in ex.unknown_inputs() if p not in exclude]
        singles: list[Question] = []
        for path in unknown:
            changed: set[str] = set()
            for value in ex.candidates(path):
                result = ex.outcomes(((path, value),))
                if result is not None:
                    changed |= {c for c, d in result.items() if d.outcome != base[c].outcome}
            if changed:
                singles.append(Question(path, self._codes(changed)))
        if not self.lookahead:
            return self._ranked(singles)
        # Facts that matter together with one other answer are asked in their natural place too (service before
        # the questions about a unit), not only once no single fact is left.
        seen = {q.path for q in singles}
        joint = [q for q in self._pairs(ex, base, unknown) if q.path not in seen]
        return self._ranked(singles + joint)

    def _pairs(self, ex: Explorer, base: dict[str, Decision], unknown: list[str]) -> list[Question]:
        """Facts that change an outcome together with one other unknown fact read by the same rule."""
        wanted: set[frozenset[str]] = set()
        for code in self.book.names:
            wanted |= ex.pair_facts(code, set())
        pending = set(unknown)
        changed: dict[str, set[str]] = {}
        for pair in sorted(tuple(sorted(p)) for p in wanted):
            a, b = pair
            if a not in pending or b not in pending:
                continue
            for va, vb in itertools.product(ex.candidates(a), ex.candidates(b)):
                result = ex.outcomes(((a, va), (b, vb)))
                if result is None:
                    continue
                moved = {c for c, d in result.items() if d.outcome != base[c].outcome}
                changed.setdefault(a, set()).update(moved)
                changed.setdefault(b, set()).update(moved)
        return [Question(p, self._codes(c), joint=True) for p, c in changed.items() if c]

    def _codes(self, codes: set[str]) -> tuple[str, ...]:
        return tuple(c for c in JURISDICTIONS if c in codes)

    def _ranked(self, questions: list[Question]) -> list[Question]:
        return sorted(questions, key=lambda q: natural_rank(q.path))

    def assessment(self, case: CaseFile) -> Assessment:
        """The assessment `casefile evaluate` would give (on the primary engine), without explanations."""
        from casefile.assessment import assess

        return assess(case, as_of=self.as_of, rulebook=self.book, engine=self.primary, explain=False)

    def outcomes(self, case: CaseFile) -> dict[str, str]:
        """The headline outcome per jurisdiction."""
        return {j.code: j.outcome for j in self.assessment(case).jurisdictions}


# ----------------------------------------------------------------------------------------------------------------
# The case file the interview writes


class _Dumper(yaml.SafeDumper):
    """Block mappings, but lists on one line ([telegram, blog]) as in the shipped examples."""


def _flow_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(list, _flow_list)


def case_yaml(case: CaseFile, *, left_unknown: list[str] | None = None) -> str:
    """The case as a YAML case file: the notice first, then only the known facts."""
    data: dict[str, Any] = {"case_id": case.case_id}
    if case.name is not None:
        data["name"] = case.name
    if case.as_of is not None:
        data["as_of"] = case.as_of
    for group in GROUPS:
        model = getattr(case, group)
        known = {}
        for name in type(model).model_fields:
            value = getattr(model, name)
            if value is None:
                continue
            if isinstance(value, list):
                known[name] = [v.value if isinstance(v, StrEnum) else v for v in value]
            else:
                known[name] = value.value if isinstance(value, StrEnum) else value
        if known:
            data[group] = known
    head = [f"# {line}" for line in textwrap.wrap(DISCLAIMER, 110)]
    head.append("# Built by `casefile interview`. A fact left out is unknown, never false.")
    if left_unknown:
        for line in textwrap.wrap("Asked but left unknown: " + ", ".join(left_unknown) + ".", 110):
            head.append(f"# {line}")
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=110)
    return "\n".join(head) + "\n" + body


# ----------------------------------------------------------------------------------------------------------------
# The dialogue


@dataclass
class InterviewResult:
    """What the interview produced: the case, its outcomes (the last running assessment) and what was asked."""

    case: CaseFile
    outcomes: dict[str, str]
    asked: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    left_unknown: list[str] = field(default_factory=list)
    ended_by_eof: bool = False


class Interview:
    """One interview: reads answers with `read_line`, writes prompts and the running assessment to `console`.

    `echo` repeats each answer after its prompt (for input that is not a terminal, so a transcript reads well).
    """

    def __init__(
        self,
        read_line: ReadLine,
        console: Console,
        *,
        as_of: dt.date,
        book: Rulebook,
        echo: bool = False,
        lookahead: bool = True,
    ) -> None:
        self.read_line = read_line
        self.console = console
        self.as_of = as_of
        self.echo = echo
        self.planner = Planner(book, as_of, lookahead=lookahead)
        self.eof = False

    # -- input ---------------------------------------------------------------------------------------------
    def ask(self, prompt: str) -> str | None:
        """Print `prompt`, read one line; None at the end of input (and for every later question)."""
        if self.eof:
            return None
        self.console.print(Text(prompt, style="bold"), end="")
        self.console.file.flush()
        line = self.read_line()
        if line is None:
            self.eof = True
            self.console.print()
            self.console.print(Text("(end of input: every remaining question is left unknown)", style="dim"))
            return None
        if self.echo:  # shown as text: control characters in an answer must not reach the terminal
            from casefile.render.escape import terminal_safe

            self.console.print(Text(terminal_safe(line)), highlight=False)
        return line.strip()

    def say(self, text: str, style: str = "") -> None:
        self.console.print(Text(text, style=style), highlight=False)

    # -- the parts -----------------------------------------------------------------------------------------
    def identity(self) -> dict[str, Any]:
        data: dict[str, Any] = {"case_id": DEFAULT_CASE_ID, "as_of": self.as_of}
        for _ in range(MAX_TRIES):
            raw = self.ask(f"Case id (lower-case letters, digits, '-' or '_'; Enter = {DEFAULT_CASE_ID}): ")
            if not raw:
                break
            try:
                CaseFile.model_validate({"case_id": raw})
            except ValidationError:
                self.say(
                    "  ✗ A case id is a short identifier of lower-case letters, digits, '-' or '_', e.g. case-017 "
                    "(a number or a pseudonym, never a real name).",
                    "red",
                )
                continue
            data["case_id"] = raw
            break
        else:
            self.say(f"  Using the case id '{DEFAULT_CASE_ID}'.", "dim")
        name = self.ask("Display name (a pseudonym is recommended; Enter = none): ")
        if name:
            data["name"] = name
        return data

    def next_question(self, questions: list[Question], data: dict[str, Any], done: set[str]) -> Question | None:
        """The first question whose prerequisite holds: asked before it when unknown ('Is the person serving?'
        before 'Did the person desert?'); a question whose prerequisite is answered otherwise is not asked."""
        for q in questions:
            need = PREREQUISITES.get(q.path)
            if need is None:
                return q
            path, wanted = need
            group, name = path.split(".", 1)
            have = data.get(group, {}).get(name) if isinstance(data.get(group), dict) else None
            if have is None and path not in done:
                return Question(path, q.changes, joint=True)
            if have is None and path not in ASK_IF_UNKNOWN:
                continue  # "What was the call-up for?" after the call-up itself was left unknown
            if have is not None and have not in wanted:
                continue
            return q
        return None

    def settled(self, data: dict[str, Any], path: str) -> bool:
        """Whether the answers so far already decide `path`: it is known, or every value but one contradicts them
        (no desertion question after "never served")."""
        group, name = path.split(".", 1)
        if isinstance(data.get(group), dict) and data[group].get(name) is not None:
            return True
        person = data.get("person") if isinstance(data.get("person"), dict) else {}
        if path in ("person.age", "person.birth_date") and (person.get("age") or person.get("birth_date")):
            return True  # one of them gives the other
        spec = CASE_FACTS[path]
        if spec.kind not in ("bool", "enum"):
            return False
        values = (True, False) if spec.kind == "bool" else spec.values
        possible = 0
        for value in values:
            try:
                with_answer(data, path, value)
            except AnswerError:
                continue
            possible += 1
        return possible <= 1

    def outcome_lines(self, outcomes: dict[str, str], before: dict[str, str] | None = None) -> None:
        for code, outcome in outcomes.items():
            line = Text(f"    {code}: ")
            line.append(words(outcome), style=OUTCOME_STYLE.get(outcome, ""))
            if before is not None and before.get(code) != outcome:
                line.append(f"   (was {words(before[code])})", style="yellow")
            self.console.print(line, highlight=False)

    def question(self, number: int, q: Question, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Ask one question (up to MAX_TRIES times). Returns the new data and whether a value was recorded."""
        spec = q.spec
        self.say("")
        self.say(f"Question {number}. {neutral(spec.question)}", "bold")
        together = " (together with a later answer)" if q.joint else ""
        if q.changes:
            self.say(f"  The answer can change the outcome{together} in: {', '.join(q.changes)}", "dim")
        elif q.path == "journey.application_country":
            self.say("  Every country is assessed; this marks where the person applied (★).", "dim")
        menu = choices(spec)
        for i, value in enumerate(menu, 1):
            self.say(f"    {i}. {words(value)}")
        hint = {
            "bool": "y/n",
            "enum": "a number or a value",
            "list": "numbers or values, separated by commas; 'none' for none",
            "date": "YYYY-MM-DD",
            "int": "a whole number",
        }.get(spec.kind, "two letters, e.g. RU" if q.path == "person.citizenship" else "text")
        for attempt in range(1, MAX_TRIES + 1):
            raw = self.ask(f"  [{hint}; Enter = unknown] > ")
            if not raw or raw.lower() in SKIP:
                self.say("  → left unknown", "dim")
                return data, False
            try:
                value = parse_answer(spec, raw)
                new, _case = with_answer(data, q.path, value)
            except AnswerError as exc:
                left = MAX_TRIES - attempt
                more = f" Please try again ({left} {'try' if left == 1 else 'tries'} left)." if left else ""
                self.say(f"  ✗ {exc}.{more}", "red")
                continue
            self.say(f"  ✓ {fact_label(q.path)}: {show(value)}", "green")
            return new, True
        self.say("  → left unknown after three tries", "yellow")
        return data, False

    # -- the whole interview -------------------------------------------------------------------------------
    def run(self) -> InterviewResult:
        data = self.identity()
        case = CaseFile.model_validate(data)
        outcomes = self.planner.outcomes(case)
        self.say("")
        self.say(f"Outcomes with nothing known yet (as of {self.as_of}):", "bold")
        self.outcome_lines(outcomes)
        done: set[str] = set()
        result = InterviewResult(case=case, outcomes=outcomes)
        country = "journey.application_country"
        while not self.eof:
            questions = [q for q in self.planner.questions(case, exclude=done) if not self.settled(data, q.path)]
            q = self.next_question(questions, data, done)
            if q is None and not self.settled(data, country) and country not in done:
                q = Question(country, ())
            if q is None:
                break
            if country not in done and natural_rank(q.path) > natural_rank(country) and not self.settled(data, country):
                q = Question(country, ())  # where the claim was made, right after who the person is
            done.add(q.path)
            result.asked.append(q.path)
            data, recorded = self.question(len(result.asked), q, data)
            if not recorded:
                result.left_unknown.append(q.path)
                continue
            result.answered.append(q.path)
            case = CaseFile.model_validate(data)
            before, outcomes = outcomes, self.planner.outcomes(case)
            if outcomes != before:  # only what changed
                self.say("  Outcome changed:", "bold")
                self.outcome_lines({c: o for c, o in outcomes.items() if before.get(c) != o}, before)
        result.case, result.outcomes, result.ended_by_eof = case, outcomes, self.eof
        self.say("")
        if self.eof:
            self.say("The input ended; the facts not yet asked stay unknown.", "dim")
        elif result.left_unknown:
            self.say("Every question whose answer could change an outcome has been asked once.", "dim")
        else:
            self.say("No remaining unknown fact can change any outcome: the interview is complete.", "dim")
        self.say(
            f"Asked {len(result.asked)} question(s); {len(result.answered)} answered, "
            f"{len(result.left_unknown)} left unknown.",
            "dim",
        )
        self.say(f"Final assessment (as of {self.as_of}):", "bold")
        self.outcome_lines(outcomes)
        for warning in self.planner.assessment(case).warnings:
            self.say(f"! {warning}", "yellow")
        return result


def run_interview(
    answers: list[str],
    *,
    as_of: dt.date,
    book: Rulebook | None = None,
    console: Console | None = None,
    lookahead: bool = True,
) -> InterviewResult:
    """Run an interview on a list of answer lines (for tests and scripts); the list ending is end of input."""
    from io import StringIO

    from casefile.rulebook import default_rulebook

    pending = list(answers)

    def read() -> str | None:
        return pending.pop(0) if pending else None

    out = console or Console(file=StringIO(), width=100, no_color=True)
    return Interview(read, out, as_of=as_of, book=book or default_rulebook(), lookahead=lookahead).run()
