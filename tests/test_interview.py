"""`casefile interview`: only questions that can still change an outcome, a valid case file at the end."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from casefile import DISCLAIMER
from casefile.assessment import assess
from casefile.case import CaseFile, case_from_text, load_case
from casefile.engine import matcher
from casefile.explain import Explorer, relevant_inputs
from casefile.facts import CASE_FACTS
from casefile.interview import (
    AnswerError,
    Interview,
    Planner,
    Question,
    natural_rank,
    parse_answer,
    run_interview,
    with_answer,
)

from .conftest import run_cli

AS_OF = dt.date(2025, 7, 29)
NOTICE = "Educational model, not legal advice"
# Andrei's facts (examples/andrei.yaml) as a trainer would type them; every other question is left unknown.
ANDREI = {
    "person.citizenship": "RU",
    "person.sex": "male",
    "person.age": "29",
    "military.war_crimes_indication": "",
    "dissent.public_activism": "y",
    "dissent.public_profile": "2",
    "journey.application_place": "territory",
}


class _Scripted(Interview):
    """An interview that answers each question from a dict of fact path -> answer line, recording the lines."""

    def __init__(self, answers: dict[str, str], head: list[str], book: Any) -> None:
        self.answers = answers
        self.lines: list[str] = []
        self.current: str | None = None
        pending = list(head)

        def read() -> str | None:
            line = pending.pop(0) if pending else self.answers.get(self.current or "", "")
            self.lines.append(line)
            return line

        super().__init__(read, Console(file=StringIO(), width=100), as_of=AS_OF, book=book)

    def question(self, number: int, q: Question, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        self.current = q.path
        return super().question(number, q, data)


def script_for(answers: dict[str, str], book: Any, head: tuple[str, ...] = ("andrei-test", "Andrei")) -> list[str]:
    """The stdin lines that answer an interview with `answers` (found by running it in-process)."""
    session = _Scripted(answers, list(head), book)
    session.run()
    return session.lines


def final_outcomes(out: str) -> dict[str, str]:
    """The last running assessment printed by the interview: code -> outcome value."""
    tail = out[out.rindex("Final assessment") :]
    found: dict[str, str] = {}
    for line in tail.splitlines()[1:]:
        m = re.match(r"^\s+([A-Z]{2}): ([a-z ]+?)\s*$", line)
        if not m:
            break
        found[m.group(1)] = m.group(2).replace(" ", "_")
    return found


def questions_asked(out: str) -> list[str]:
    return re.findall(r"^Question \d+\. (.+)$", out, flags=re.MULTILINE)


# ---------------------------------------------------------------------------------------------------- answers


@pytest.mark.parametrize(
    ("path", "raw", "expected"),
    [
        ("military.deserted", "y", True),
        ("military.deserted", "Yes", True),
        ("military.deserted", "false", False),
        ("military.deserted", "N", False),
        ("military.service_status", "4", "mobilised"),
        ("military.service_status", "never served", "never_served"),
        ("military.service_status", "contract_soldier", "contract_soldier"),
        ("dissent.prosecution", "1, 3", ["coao_20_3_3", "cc_207_3"]),
        ("dissent.prosecution", "cc_328,2", ["cc_328", "cc_280_3"]),
        ("dissent.prosecution", "none", []),
        ("journey.entry_date", "2022-09-24", dt.date(2022, 9, 24)),
        ("person.age", "29", 29),
        ("person.citizenship", "ru", "RU"),
    ],
)
def test_answers_are_parsed_as_numbers_values_or_words(path: str, raw: str, expected: object) -> None:
    assert parse_answer(CASE_FACTS[path], raw) == expected


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("military.deserted", "maybe"),
        ("military.service_status", "9"),
        ("military.service_status", "general"),
        ("dissent.prosecution", "1, treason"),
        ("journey.entry_date", "24.09.2022"),
        ("person.age", "twenty"),
    ],
)
def test_invalid_answers_raise_a_message(path: str, raw: str) -> None:
    with pytest.raises(AnswerError):
        parse_answer(CASE_FACTS[path], raw)


def test_an_answer_contradicting_an_earlier_one_is_refused_with_the_models_message() -> None:
    data = {"case_id": "x", "military": {"service_status": "never_served"}}
    with pytest.raises(AnswerError, match="deserter must have been serving"):
        with_answer(data, "military.deserted", True)
    new, case = with_answer(data, "military.deserted", False)
    assert case.military.deserted is False
    assert data == {"case_id": "x", "military": {"service_status": "never_served"}}  # not modified in place
    assert new["military"]["deserted"] is False


def test_a_contradicting_answer_is_explained_and_the_question_asked_again(book) -> None:
    lines = ["y", "n"]
    buf = StringIO()
    session = Interview(lambda: lines.pop(0) if lines else None, Console(file=buf, width=100), as_of=AS_OF, book=book)
    data = {"case_id": "x", "military": {"service_status": "never_served"}}
    new, recorded = session.question(1, Question("military.deserted", ("NL",)), data)
    text = buf.getvalue()
    assert recorded and new["military"]["deserted"] is False
    assert "contradiction: a deserter must have been serving" in text
    assert text.count("Enter = unknown] >") == 2


# ------------------------------------------------------------------------------------------------ the dialogue


def test_scripted_interview_writes_a_case_file_whose_assessment_matches_the_last_running_one(
    book, tmp_path: Path
) -> None:
    lines = script_for(ANDREI, book)
    out_file = tmp_path / "andrei.yaml"
    r = run_cli(["interview", "--as-of", AS_OF.isoformat(), "--out", str(out_file)], stdin="\n".join(lines) + "\n")
    assert r.code == 0, r.err
    assert r.out.find(NOTICE) < r.out.find("Question 1.")
    text = out_file.read_text(encoding="utf-8")
    assert text.startswith("# " + DISCLAIMER[:60])
    case = load_case(out_file)
    assert case.case_id == "andrei-test" and case.name == "Andrei" and case.as_of == AS_OF
    assert case.dissent.public_activism is True and case.dissent.public_profile.value == "low"
    shown = final_outcomes(r.out)
    actual = {j.code: j.outcome for j in assess(case, explain=False).jurisdictions}
    assert shown == actual
    # the facts that settle Germany were asked, although neither alone changes an outcome from nothing known
    assert actual["DE"] == "refusal_likely"


def test_library_result_equals_the_assessment_of_the_file_it_writes(book) -> None:
    from casefile.interview import case_yaml

    session = _Scripted(ANDREI, ["t1", ""], book)
    result = session.run()
    again = case_from_text(case_yaml(result.case, left_unknown=result.left_unknown))
    assert again == result.case
    assert {j.code: j.outcome for j in assess(again, explain=False).jurisdictions} == result.outcomes
    # it stopped because nothing left can change an outcome (alone or with one other answer)
    assert Planner(book, AS_OF).questions(result.case, exclude=set(result.asked)) == []


@pytest.mark.parametrize("stdin", ["\n" * 80, ""], ids=["all-enter", "eof"])
def test_skipping_every_question_still_ends_with_a_valid_file(stdin: str) -> None:
    r = run_cli(["interview", "--as-of", "2024-01-10"], stdin=stdin)
    assert r.code == 0, r.err
    # without --out the conversation is on stderr and standard output holds only the case file
    assert r.err.find(NOTICE) < r.err.find("Case id")
    yaml_text = r.out
    assert yaml_text.startswith("# " + DISCLAIMER[:60])
    case = case_from_text(yaml_text)
    assert case.case_id == "interview" and case.as_of == dt.date(2024, 1, 10)
    assert case == CaseFile(case_id="interview", as_of=dt.date(2024, 1, 10))


def test_each_question_is_asked_once_when_skipped() -> None:
    r = run_cli(["interview", "--as-of", AS_OF.isoformat()], stdin="\n" * 80)
    asked = questions_asked(r.err)
    assert asked and len(asked) == len(set(asked))


@pytest.mark.slow
def test_a_fact_that_cannot_change_any_outcome_is_never_asked(book) -> None:
    path = "dissent.sur_place_activity"
    spec = CASE_FACTS[path]
    # verify, rather than assume, that nothing reads it and no value of it changes an outcome
    assert path not in relevant_inputs(book)
    explorer = Explorer(CaseFile(case_id="x", as_of=AS_OF), book, AS_OF, matcher(book))
    base = explorer.outcomes(())
    assert base is not None
    for value in (True, False):
        varied = explorer.outcomes(((path, value),))
        assert varied is not None
        assert {c: d.outcome for c, d in varied.items()} == {c: d.outcome for c, d in base.items()}
    for stdin in ("\n" * 80, "\n".join(script_for(ANDREI, book)) + "\n"):
        r = run_cli(["interview", "--as-of", AS_OF.isoformat()], stdin=stdin)
        assert r.code == 0, r.err
        assert spec.question not in r.err + r.out
        assert questions_asked(r.err)


def test_only_questions_that_can_change_an_outcome_are_asked(book) -> None:
    result = run_interview([], as_of=AS_OF, book=book)  # end of input at once
    assert result.asked == []
    planner = Planner(book, AS_OF)
    first = planner.questions(CaseFile(case_id="interview", as_of=AS_OF))
    ranks = [natural_rank(q.path) for q in first]
    assert ranks == sorted(ranks), "in the order a person tells the story"
    assert all(q.changes for q in first)
    r = run_cli(["interview", "--as-of", AS_OF.isoformat()], stdin="\n\n")
    assert questions_asked(r.err)[0] == first[0].spec.question


def test_an_invalid_answer_is_explained_and_asked_again_three_times_at_most() -> None:
    r = run_cli(["interview", "--as-of", AS_OF.isoformat()], stdin="t1\n\nmaybe\nmaybe\nmaybe\n" + "\n" * 60)
    assert r.code == 0, r.err
    first = r.err[r.err.index("Question 1.") : r.err.index("Question 2.")]
    assert first.count("✗") == 3
    assert "left unknown after three tries" in first
    r = run_cli(["interview", "--as-of", AS_OF.isoformat()], stdin="t1\n\nmaybe\nRU\n" + "\n" * 60)
    first = r.err[r.err.index("Question 1.") : r.err.index("Question 2.")]
    assert first.count("✗") == 1 and "try again" in first
    assert "✓" in first


def test_an_existing_file_is_kept_unless_the_user_says_yes_or_force_is_given(tmp_path: Path) -> None:
    target = tmp_path / "case.yaml"
    target.write_text("keep: me\n", encoding="utf-8")
    r = run_cli(["interview", "--out", str(target)], stdin="n\nt1\n\n")
    assert r.code == 2
    assert "exists" in r.err
    assert f"{target} exists. Overwrite? [y/N]" in r.out
    assert target.read_text(encoding="utf-8") == "keep: me\n"
    r = run_cli(["interview", "--out", str(target)], stdin="")  # end of input is not a yes
    assert r.code == 2 and target.read_text(encoding="utf-8") == "keep: me\n"

    r = run_cli(["interview", "--out", str(target), "--as-of", AS_OF.isoformat(), "--force"], stdin="t2\n")
    assert r.code == 0, r.err
    assert load_case(target).case_id == "t2"

    r = run_cli(["interview", "--out", str(target), "--as-of", AS_OF.isoformat()], stdin="y\nt3\n")
    assert r.code == 0, r.err
    assert load_case(target).case_id == "t3"


def test_an_out_file_in_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    r = run_cli(["interview", "--out", str(tmp_path / "nowhere" / "case.yaml")], stdin="")
    assert r.code == 2
    assert "folder does not exist" in r.err


def test_a_scripted_interview_asks_in_the_order_a_person_tells_the_story() -> None:
    # who, where the claim was made, service, call-up, dissent, journey; never desertion after "never served"
    answers = ["case-1", "", "RU", "male", "29", "DE", "territory", "never_served", "n", "", "y", "low"]
    r = run_cli(["interview", "--as-of", AS_OF.isoformat()], stdin="\n".join(answers) + "\n" * 40)
    assert r.code == 0, r.err
    asked = [q[:50] for q in questions_asked(r.err)]  # a long question wraps onto a second line
    expected = [
        CASE_FACTS[p].question[:50]
        for p in (
            "person.citizenship",
            "person.sex",
            "person.age",
            "journey.application_country",
            "journey.application_place",
            "military.service_status",
            "military.draft_notice_received",
        )
    ]
    assert asked[: len(expected)] == expected
    for path in ("military.deserted", "military.unit_war_crimes", "military.personal_involvement_indication"):
        assert CASE_FACTS[path].question[:50] not in asked, f"{path} asked after 'never served'"
    activism = asked.index(CASE_FACTS["dissent.public_activism"].question[:50])
    assert activism < asked.index(CASE_FACTS["dissent.public_profile"].question[:50])
    journey = {CASE_FACTS[p].question[:50] for p in CASE_FACTS if p.startswith("journey.")}
    later = [i for i, q in enumerate(asked) if q in journey][2:]  # after country and place of application
    assert later and min(later) > activism
    # the running assessment is printed only where an outcome changes, and then only that outcome
    assert r.err.count("Outcome changed:") == 1
    changed = r.err[r.err.index("Outcome changed:") :].splitlines()[1]
    assert "DE: refusal likely" in changed and "(was individual assessment)" in changed
    assert "✓ Sex: male" in r.err, "answers are echoed in words, not as field paths"
    assert "person.sex" not in r.err
