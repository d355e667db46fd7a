"""``casefile batch``: many cases to CSV / JSON Lines, bad inputs reported and skipped, counts that match the rows."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from casefile import DISCLAIMER
from casefile.batch import FIELDS, collect_inputs, evaluate_cases, run_batch
from casefile.case import load_case
from casefile.errors import EngineError

from .conftest import EXAMPLES, run_cli

CODES = ["DE", "NL", "EE", "LV", "LT", "PL", "FI"]
GOOD = ["andrei.yaml", "conscript-refused.yaml", "mobilised-deserter.yaml"]
CONTRADICTORY = """\
case_id: contradictory
person: {citizenship: RU}
military:
  service_status: never_served
  deserted: true
"""
MALFORMED = "case_id: broken\nperson: {citizenship: RU\nmilitary: [\n"


def andrei_json(case_id: str = "andrei") -> str:
    data = load_case(EXAMPLES / "andrei.yaml").model_dump(mode="json", exclude_none=True)
    data["case_id"] = case_id
    return json.dumps(data)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three good cases, a malformed YAML file and a contradictory case, in nested folders."""
    root = tmp_path / "cases"
    (root / "more").mkdir(parents=True)
    shutil.copy(EXAMPLES / GOOD[0], root / GOOD[0])
    shutil.copy(EXAMPLES / GOOD[1], root / GOOD[1])
    shutil.copy(EXAMPLES / GOOD[2], root / "more" / GOOD[2])
    (root / "broken.yaml").write_text(MALFORMED, encoding="utf-8")
    (root / "more" / "contradictory.yml").write_text(CONTRADICTORY, encoding="utf-8")
    (root / "notes.txt").write_text("not a case file, ignored in a folder", encoding="utf-8")
    return root


def parse_csv(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == FIELDS
    return list(reader)


def summary_counts(err: str, codes: list[str]) -> dict[str, dict[str, int]]:
    """The summary table on stderr as {outcome: {code: count, 'total': count}}."""
    out: dict[str, dict[str, int]] = {}
    for line in err.splitlines():
        cells = line.split()
        if len(cells) == len(codes) + 2 and re.fullmatch(r"[a-z_]+", cells[0]) and all(c.isdigit() for c in cells[1:]):
            out[cells[0]] = dict(zip([*codes, "total"], map(int, cells[1:]), strict=True))
    return out


def assert_summary_matches(rows: list[dict[str, str]], err: str, codes: list[str]) -> None:
    table = summary_counts(err, codes)
    expected = Counter((r["outcome"], r["code"]) for r in rows)
    outcomes = {o for o, _ in expected}
    assert set(table) == outcomes | {"total"}
    for outcome in outcomes:
        for code in codes:
            assert table[outcome][code] == expected[(outcome, code)], (outcome, code)
        assert table[outcome]["total"] == sum(expected[(outcome, c)] for c in codes)
    for code in codes:
        assert table["total"][code] == sum(1 for r in rows if r["code"] == code)
    assert table["total"]["total"] == len(rows)


# ---------------------------------------------------------------------------------------------------- the CLI


def test_a_folder_with_two_bad_files_reports_both_and_evaluates_the_rest(folder: Path) -> None:
    r = run_cli(["batch", str(folder), "--workers", "1"])
    assert r.code == 2, r.err
    errors = [line for line in r.err.splitlines() if line.startswith("error:")]
    assert any("broken.yaml" in line and "line" in line for line in errors), r.err
    assert any("contradictory.yml" in line and "contradiction" in line for line in errors), r.err
    assert not any("notes.txt" in line for line in errors)
    rows = parse_csv(r.out)
    assert len(rows) == 3 * 7
    assert {row["case_id"] for row in rows} == {"andrei", "conscript-refused", "mobilised-deserter"}
    assert [row["code"] for row in rows[:7]] == CODES
    assert_summary_matches(rows, r.err, CODES)
    assert "3 cases evaluated, 2 inputs failed" in r.err
    assert " ".join(DISCLAIMER.split()) in " ".join(r.err.split())


def test_rows_hold_outcomes_and_deciding_rules_but_never_names_or_notes(folder: Path) -> None:
    r = run_cli(["batch", str(folder / GOOD[0]), "--redact"])
    assert r.code == 0, r.err
    rows = parse_csv(r.out)
    de = next(row for row in rows if row["code"] == "DE")
    assert de["source"] == str(folder / GOOD[0])
    assert de["as_of"] == "2025-07-29"
    assert (de["outcome"], de["practice"], de["standard"]) == (
        "refusal_likely",
        "refusal_likely",
        "individual_assessment",
    )
    assert de["tension"] == "true" and de["application_country"] == "true"
    assert "de.practice.low_profile_dissident" in de["deciding_rules"].split(";")
    assert all(row["application_country"] == "false" for row in rows if row["code"] != "DE")
    assert "Andrei" not in r.out and "Blogger" not in r.out


def test_json_lines_input_reports_a_bad_line_as_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    bad_case = json.loads(andrei_json("x"))
    bad_case["case_id"] = "Not A Slug"
    path.write_text(
        "\n".join(
            [
                andrei_json("a-1"),
                "",
                '{"case_id": "a-2", "person": ',
                andrei_json("a-3"),
                json.dumps(bad_case),
                '{"case_id": "a-4", "case_id": "a-5"}',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    r = run_cli(["batch", str(path), "-j", "DE", "-j", "NL", "--workers", "1"])
    assert r.code == 2, r.err
    assert f"error: {path}:3: " in r.err and "not valid JSON" in r.err
    assert f"error: {path}:5: field 'case_id'" in r.err
    assert f"error: {path}:6: field 'case_id': key 'case_id' appears twice" in r.err
    rows = parse_csv(r.out)
    assert [(row["source"], row["case_id"], row["code"]) for row in rows] == [
        (f"{path}:1", "a-1", "DE"),
        (f"{path}:1", "a-1", "NL"),
        (f"{path}:4", "a-3", "DE"),
        (f"{path}:4", "a-3", "NL"),
    ]
    assert_summary_matches(rows, r.err, ["DE", "NL"])
    assert "2 cases evaluated, 3 inputs failed" in r.err


def test_a_json_line_gives_the_same_case_as_the_same_json_in_a_file(tmp_path: Path) -> None:
    lines = []
    for k, example in enumerate(sorted(EXAMPLES.glob("*.yaml"))):
        data = load_case(example).model_dump(mode="json", exclude_none=True)
        (tmp_path / f"{k}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
        lines.append(json.dumps(data))
    (tmp_path / "all.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    from_lines, bad_lines = collect_inputs([tmp_path / "all.jsonl"])
    from_files, bad_files = collect_inputs(sorted(tmp_path.glob("*.json")))
    assert not bad_lines and not bad_files
    assert [case for _, case in from_lines] == [case for _, case in from_files]


def test_jsonl_output_parses_and_every_object_carries_the_notice(folder: Path) -> None:
    r = run_cli(["batch", str(folder / GOOD[0]), str(folder / GOOD[1]), "--format", "jsonl", "-j", "baltics"])
    assert r.code == 0, r.err
    objects = [json.loads(line) for line in r.out.splitlines()]
    assert len(objects) == 2 * 3
    assert [o["code"] for o in objects[:3]] == ["EE", "LV", "LT"]
    for o in objects:
        assert set(o) == {*FIELDS, "disclaimer"}
        assert o["disclaimer"] == DISCLAIMER
        assert isinstance(o["tension"], bool) and isinstance(o["deciding_rules"], list)


def test_results_do_not_depend_on_the_number_of_workers() -> None:
    one = run_cli(["batch", str(EXAMPLES), "--workers", "1"])
    two = run_cli(["batch", str(EXAMPLES), "--workers", "2"])
    assert one.code == two.code == 0, one.err + two.err
    assert one.out == two.out
    assert len(parse_csv(one.out)) == 7 * len(list(EXAMPLES.glob("*.yaml")))


def test_the_library_gives_the_same_rows_in_and_out_of_worker_processes() -> None:
    cases, failures = collect_inputs([EXAMPLES])
    assert not failures
    many = [(f"{source}#{k}", case) for k in range(5) for source, case in cases]
    assert run_batch(many, workers=2, jurisdictions=["DE", "FI"]) == run_batch(many, jurisdictions=["DE", "FI"])


def test_output_never_overwrites_an_existing_file_without_force(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("keep me\n", encoding="utf-8")
    r = run_cli(["batch", str(folder / GOOD[0]), "--output", str(target)])
    assert r.code == 2
    assert "already exists" in r.err and "--force" in r.err
    assert target.read_text(encoding="utf-8") == "keep me\n"
    r = run_cli(["batch", str(folder / GOOD[0]), "--output", str(target), "--force"])
    assert r.code == 0, r.err
    assert len(parse_csv(target.read_text(encoding="utf-8"))) == 7
    assert r.out == ""


def test_bad_options_and_missing_paths_are_input_errors(tmp_path: Path) -> None:
    assert run_cli(["batch", str(EXAMPLES), "--format", "xml"]).code == 2
    assert run_cli(["batch", str(EXAMPLES), "-j", "XX"]).code == 2
    assert run_cli(["batch", str(EXAMPLES), "--workers", "0"]).code == 2
    r = run_cli(["batch", str(tmp_path / "missing.yaml"), str(EXAMPLES / "andrei.yaml")])
    assert r.code == 2
    assert "missing.yaml" in r.err and "no such file" in r.err
    assert len(parse_csv(r.out)) == 7


def test_an_engine_failure_for_one_case_is_reported_and_the_rest_still_run(monkeypatch: pytest.MonkeyPatch) -> None:
    import casefile.facts

    real = casefile.facts.facts_of

    def flaky(case, as_of):  # type: ignore[no-untyped-def]
        if case.case_id == "andrei":
            raise EngineError("simulated engine failure")
        return real(case, as_of)

    monkeypatch.setattr(casefile.facts, "facts_of", flaky)
    r = run_cli(["batch", str(EXAMPLES), "--workers", "1"])
    assert r.code == 1, r.err
    assert "andrei.yaml: EngineError: simulated engine failure" in r.err
    rows = parse_csv(r.out)
    assert "andrei" not in {row["case_id"] for row in rows}
    assert len(rows) == 7 * (len(list(EXAMPLES.glob("*.yaml"))) - 1)
    with pytest.raises(EngineError, match="simulated"):
        run_batch(collect_inputs([EXAMPLES / "andrei.yaml"])[0])


def test_more_cases_than_the_engine_has_sessions_run_in_one_process(tmp_path: Path) -> None:
    """durable-rules allows 1024 live sessions per ruleset: each case's session must be gone before the next."""
    path = tmp_path / "many.jsonl"
    path.write_text("".join(andrei_json(f"andrei-{k:04d}") + "\n" for k in range(1100)), encoding="utf-8")
    r = run_cli(["batch", str(path), "--workers", "1", "-j", "DE"])
    assert r.code == 0, r.err[-2000:]
    rows = parse_csv(r.out)
    assert len(rows) == 1100
    assert rows[-1]["case_id"] == "andrei-1099" and rows[-1]["source"] == f"{path}:1100"
    assert {row["outcome"] for row in rows} == {"refusal_likely"}
    assert "1100 cases evaluated, 0 inputs failed" in r.err


def test_collect_inputs_reads_each_file_once_in_order(folder: Path) -> None:
    cases, failures = collect_inputs([folder / GOOD[1], folder])
    assert [c.case_id for _, c in cases] == ["conscript-refused", "andrei", "mobilised-deserter"]
    assert sorted(Path(source).name for source, _ in failures) == ["broken.yaml", "contradictory.yml"]
    result = evaluate_cases(cases, workers=1)
    assert result.evaluated == 3 and not result.failures and len(result.rows) == 21


def test_batch_rows_agree_with_the_full_assessment() -> None:
    """The batch takes a faster path (no checklists, no report model); its outcomes must be assess()'s."""
    from casefile.assessment import assess

    cases, failures = collect_inputs([EXAMPLES])
    assert not failures
    rows = run_batch(cases)
    for source, case in cases:
        full = assess(case, explain=False)
        mine = [r for r in rows if r["source"] == source]
        assert [r["code"] for r in mine] == [j.code for j in full.jurisdictions]
        for row, j in zip(mine, full.jurisdictions, strict=True):
            assert (row["outcome"], row["access"], row["practice"], row["standard"], row["tension"]) == (
                j.outcome,
                j.access.outcome,
                j.practice.outcome,
                j.standard.outcome,
                j.tension,
            )
            assert row["deciding_rules"] == [*j.access.rules, *j.practice.rules, *j.standard.rules]
            assert row["application_country"] == j.application_country
