"""`casefile train`: predictions from stdin, a score, and a debrief that says why for every miss."""

from __future__ import annotations

import json

import pytest

from casefile import DISCLAIMER
from casefile.assessment import assess
from casefile.case import load_case
from casefile.train import MENU, parse_prediction

from .conftest import EXAMPLES, run_cli

ANDREI = str(EXAMPLES / "andrei.yaml")
NOTICE = "Educational model, not legal advice"


def actual_outcomes(path: str = ANDREI, **kwargs: object) -> dict[str, str]:
    return {j.code: j.outcome for j in assess(load_case(path), explain=False, **kwargs).jurisdictions}


def wrong_for(outcome: str) -> str:
    return next(o for o in MENU if o != outcome)


def predictions(actual: dict[str, str], miss: set[str]) -> list[str]:
    """Menu numbers, right except for the jurisdictions in `miss`."""
    return [str(MENU.index(wrong_for(o) if code in miss else o) + 1) for code, o in actual.items()]


def test_five_right_of_seven_scores_five_and_the_debrief_names_the_deciding_rule_of_a_miss() -> None:
    actual = actual_outcomes()
    assert actual["DE"] == "refusal_likely"
    lines = predictions(actual, {"DE", "NL"})
    r = run_cli(["train", ANDREI], stdin="\n".join(lines) + "\n")
    assert r.code == 0, r.err
    assert "Score: 5/7" in r.out
    assert r.out.find(NOTICE) < r.out.find("The facts")
    assert r.out.rstrip().rfind(NOTICE) > r.out.find("Score: 5/7")
    debrief = r.out[r.out.index("Score: 5/7") :]
    assert "de.practice.low_profile_dissident" in debrief
    assert "seed:000#andrei" in debrief  # sources of the deciding rule
    assert "Prominent" in debrief  # the checklist item that mattered
    assert "Tension" in debrief  # German practice is harsher than the standard
    assert "nl.practice.default" in debrief
    # before the score, the trainee sees facts only: not the case's notes, nor any reasoning
    before = r.out[: r.out.index("Score: 5/7")]
    assert "Public profile: low" in before
    assert "not prominent enough" not in before
    assert "low_profile_dissident" not in before


def test_hits_take_one_line_and_misses_show_the_reason() -> None:
    actual = actual_outcomes()
    r = run_cli(["train", ANDREI], stdin="\n".join(predictions(actual, {"DE"})) + "\n")
    debrief = r.out[r.out.index("Score: 6/7") :]
    ee = [line for line in debrief.splitlines() if line.startswith("EE ")]
    assert len(ee) == 1 and "✓" in ee[0]
    de_block = debrief[debrief.index("DE Germany") : debrief.index("NL Netherlands")]
    assert "✗" in de_block and "Why:" in de_block and "sources:" in de_block


def test_json_mode_prints_only_json_with_a_matching_score() -> None:
    actual = actual_outcomes()
    lines = predictions(actual, {"DE", "FI"})
    r = run_cli(["train", ANDREI, "--format", "json"], stdin="\n".join(lines) + "\n")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["disclaimer"] == DISCLAIMER
    assert data["case_id"] == "andrei" and data["as_of"] == "2025-07-29"
    assert data["score"] == 5 and data["total"] == 7
    assert data["score"] == sum(a["correct"] for a in data["answers"])
    de = next(a for a in data["answers"] if a["code"] == "DE")
    assert de["actual"] == "refusal_likely" and de["correct"] is False
    assert "de.practice.low_profile_dissident" in de["deciding_rules"]
    assert de["sources"]
    for key in ("code", "predicted", "actual", "correct", "deciding_rules", "sources"):
        assert all(key in a for a in data["answers"])
    assert NOTICE in r.err and "DE Germany" in r.err  # the prompts went to stderr


def test_a_typo_or_a_number_off_the_menu_is_asked_again() -> None:
    actual = actual_outcomes()
    lines = predictions(actual, set())  # every prediction right
    script = ["9", lines[0], "individal", lines[1], *lines[2:]]
    r = run_cli(["train", ANDREI], stdin="\n".join(script) + "\n")
    assert r.code == 0, r.err
    assert "Score: 7/7" in r.out, "after the second try each answer counts"
    assert "9 is not on the menu" in r.out
    assert "'individal' is not an outcome. Did you mean 'individual assessment' (2)?" in " ".join(r.out.split())
    assert r.out.count("Try again") == 2


def test_an_entry_that_stays_wrong_counts_as_dont_know() -> None:
    actual = actual_outcomes()
    lines = predictions(actual, set())
    script = ["banana", "banana", "banana", *lines[1:]]
    r = run_cli(["train", ANDREI, "-f", "json"], stdin="\n".join(script) + "\n")
    data = json.loads(r.out)
    assert data["score"] == 6
    first = data["answers"][0]
    assert first["predicted"] is None and "counted as don't know" in first["note"]


def test_missing_predictions_at_end_of_input_are_dont_know() -> None:
    r = run_cli(["train", ANDREI], stdin="5\n")
    assert r.code == 0, r.err
    assert "Score: 1/7" in r.out
    assert "you said don't know" in r.out


def test_jurisdictions_can_be_chosen_and_the_date_moved() -> None:
    actual = actual_outcomes(as_of=None, jurisdictions=["baltics"])
    r = run_cli(["train", "andrei", "-j", "baltics", "-f", "json"], stdin="\n".join(actual.values()) + "\n")
    data = json.loads(r.out)
    assert [a["code"] for a in data["answers"]] == ["EE", "LV", "LT"]
    assert data["score"] == data["total"] == 3
    r = run_cli(["train", "andrei", "-j", "DE", "--as-of", "2022-09-20", "-f", "json"], stdin="individual\n")
    data = json.loads(r.out)
    assert data["as_of"] == "2022-09-20"  # the day before the model applies the reported refusal
    assert data["answers"][0]["actual"] == "individual_assessment" and data["score"] == 1


def test_bad_options_are_input_errors() -> None:
    assert run_cli(["train", ANDREI, "-f", "html"], stdin="").code == 2
    assert run_cli(["train", ANDREI, "-j", "XX"], stdin="").code == 2
    assert run_cli(["train", "no-such-case"], stdin="").code == 2


@pytest.mark.parametrize(
    ("raw", "outcome"),
    [
        ("1", "protection_likely"),
        ("8", "no_legal_pathway"),
        ("refusal likely", "refusal_likely"),
        ("Entry_Barred", "entry_barred"),
        ("refusal", "refusal_likely"),
        ("not assessed", "not_assessed"),
        ("", None),
        ("?", None),
        ("9", None),
        ("0", None),
        ("not", None),  # ambiguous
    ],
)
def test_predictions_are_parsed_without_raising(raw: str, outcome: str | None) -> None:
    assert parse_prediction(raw).outcome == outcome
