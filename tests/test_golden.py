"""Golden tests: each example's expected outcome per jurisdiction, stated in tests/golden/<example>.yaml.

Every test has a sentence for a name (OpenFisca style), a case from examples/, optionally an as-of date and facts
to change (`set`, as `casefile whatif --set` does), and per
jurisdiction the expected headline outcome, optionally the access / practice / standard lenses and tension, and
the rule ids that must fire. The first test of each file covers all seven jurisdictions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from casefile.assessment import assess
from casefile.case import load_case
from casefile.rulebook import JURISDICTIONS

from .conftest import EXAMPLES

GOLDEN = Path(__file__).parent / "golden"


def _tests():
    for path in sorted(GOLDEN.glob("*.yaml")):
        for i, test in enumerate(yaml.safe_load(path.read_text())):
            yield pytest.param(path.name, i, test, id=f"{path.stem}: {' '.join(test['name'].split())[:90]}")


@pytest.mark.parametrize(("file", "index", "test"), list(_tests()))
def test_golden(file: str, index: int, test: dict) -> None:
    case = load_case(EXAMPLES / test["case"])
    if test.get("set"):  # a variant of the example: facts changed as `casefile whatif --set` would
        from casefile.whatif import apply

        case = apply(case, [(path, value) for path, value in test["set"].items()])
    as_of = test.get("as_of")
    result = assess(case, as_of=as_of if isinstance(as_of, dt.date) else None, explain=False)
    if index == 0:
        assert set(test["expect"]) == set(JURISDICTIONS), "the first test of a golden file covers all seven"
    for code, want in test["expect"].items():
        got = result.jurisdiction(code)
        where = f"{code} in '{' '.join(test['name'].split())}'"
        assert got.outcome == want["outcome"], f"{where}: outcome"
        for lens in ("access", "practice", "standard"):
            if lens in want:
                assert getattr(got, lens).outcome == want[lens], f"{where}: {lens}"
        if "tension" in want:
            assert got.tension is want["tension"], f"{where}: tension"
        if "responsibility" in want:
            assert got.responsibility is not None and got.responsibility.outcome == want["responsibility"], where
        if "transfer_to" in want:
            assert got.responsibility is not None and got.responsibility.transfer_to == want["transfer_to"], where
        fired = {f.rule for f in got.fired}
        missing = [r for r in want.get("fired", []) if r not in fired]
        assert not missing, f"{where}: rules that should have fired did not: {missing}"
        assert want.get("why"), f"{where}: every expectation says why in a sentence"


def test_every_example_has_a_golden_file_and_a_trainers_note() -> None:
    examples = {p.name for p in EXAMPLES.glob("*.yaml")}
    assert {p.name for p in GOLDEN.glob("*.yaml")} == examples
    for name in examples:
        assert load_case(EXAMPLES / name).training is not None, f"{name} has no trainer's note"
