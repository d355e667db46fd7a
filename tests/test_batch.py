"""``casefile batch``: many cases to CSV / JSON Lines, bad inputs reported and skipped, counts that match the rows."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from casefile import DISCLAIMER
from casefile.batch import FIELDS, collect_inputs, evaluate_cases, run_batch
from casefile.case import load_case
from casefile.errors import EngineError

from . import strategies
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
    """The rows of a batch CSV, after checking that it opens with the notice as a comment line."""
    notice, _, body = text.partition("\n")
    assert notice == f"# {DISCLAIMER}"
    reader = csv.DictReader(io.StringIO(body))
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
    r = run_cli(["batch", str(folder / GOOD[0])])
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
    assert de["tension"] == "true"
    assert {row["application_country"] for row in rows} == {"DE"}  # where he applied, on every row
    assert "de.practice.low_profile_dissident" in de["deciding_rules"].split(";")
    assert "Andrei" not in r.out and "Blogger" not in r.out


def test_redact_replaces_the_source_path_by_the_inputs_number(tmp_path: Path) -> None:
    """A file path often carries the person's name: --redact must not write it."""
    named = tmp_path / "Ivan Petrov"
    named.mkdir()
    shutil.copy(EXAMPLES / "andrei.yaml", named / "andrei.yaml")
    (named / "broken.yaml").write_text(MALFORMED, encoding="utf-8")
    shutil.copy(EXAMPLES / "conscript-refused.yaml", named / "conscript.yaml")
    for fmt in ("csv", "jsonl"):
        r = run_cli(["batch", str(named), "--redact", "--format", fmt, "--workers", "1"])
        assert r.code == 2, r.err
        assert "Ivan" not in r.out and "Petrov" not in r.out
        rows = parse_csv(r.out) if fmt == "csv" else [json.loads(line) for line in r.out.splitlines()]
        # inputs in sorted order: andrei.yaml (1), broken.yaml (2, reported), conscript.yaml (3)
        assert [row["source"] for row in rows] == ["case-1"] * 7 + ["case-3"] * 7
        assert [row["case_id"] for row in rows[::7]] == ["andrei", "conscript-refused"]


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
    assert [o["application_country"] for o in objects[::3]] == ["DE", "NL"]  # Andrei applied in DE, the conscript in NL


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
    assert "1 engine failure" in r.err
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


def assert_rows_agree(rows: list[dict], full) -> None:  # type: ignore[no-untyped-def]
    assert [r["code"] for r in rows] == [j.code for j in full.jurisdictions]
    for row, j in zip(rows, full.jurisdictions, strict=True):
        assert (row["outcome"], row["access"], row["practice"], row["standard"], row["tension"]) == (
            j.outcome,
            j.access.outcome,
            j.practice.outcome,
            j.standard.outcome,
            j.tension,
        ), j.code
        assert row["deciding_rules"] == [*j.access.rules, *j.practice.rules, *j.standard.rules]
        assert (row["application_country"] == j.code) == j.application_country


def test_batch_rows_agree_with_the_full_assessment() -> None:
    """The batch takes a faster path (no checklists, no report model); its outcomes must be assess()'s."""
    from casefile.assessment import assess

    cases, failures = collect_inputs([EXAMPLES])
    assert not failures
    rows = run_batch(cases)
    for source, case in cases:
        assert_rows_agree([r for r in rows if r["source"] == source], assess(case, explain=False))


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=strategies.cases(), as_of=strategies.as_of_dates)
def test_remembered_decisions_agree_with_the_full_assessment_on_generated_cases(case, as_of) -> None:  # type: ignore[no-untyped-def]
    """Batches remember each jurisdiction's decision per combination of fired rules, across cases: never stale."""
    from casefile.assessment import assess
    from casefile.batch import rows_for

    assert_rows_agree(rows_for("x", case, as_of, CODES), assess(case, as_of=as_of, explain=False))


# ------------------------------------------------------------------------------------- streaming and failures


def test_batch_reads_its_input_lazily_so_memory_does_not_grow_with_the_batch() -> None:
    """The rows of the first case come out before more than a few chunks of input have been read."""
    from casefile.batch import CHUNK_SIZE, IN_FLIGHT_PER_WORKER, Item, stream

    line = andrei_json("lazy").encode() + b"\n"
    pulled = 0

    def endless() -> Iterator[Item]:
        nonlocal pulled
        while True:
            pulled += 1
            yield Item(f"gen:{pulled}", "line", line)

    for workers in (1, 2):
        pulled = 0
        results = stream(endless(), codes=["DE"], workers=workers, fmt="csv")
        first = next(results)
        assert first.failure is None and ",lazy," in first.output
        assert pulled <= CHUNK_SIZE * (workers * IN_FLIGHT_PER_WORKER + 2), (workers, pulled)
        results.close()  # stops the workers


def test_a_huge_number_and_a_very_deep_document_are_one_failure_each(tmp_path: Path) -> None:
    """Inputs that make parsers give up (a 5,000-digit integer, a 30,000-deep YAML) fail alone."""
    folder = tmp_path / "cases"
    folder.mkdir()
    shutil.copy(EXAMPLES / "andrei.yaml", folder / "a.yaml")
    (folder / "deep.yaml").write_text("case_id: deep\nperson: " + "[" * 30_000 + "]" * 30_000 + "\n", encoding="utf-8")
    (folder / "lines.jsonl").write_text(
        andrei_json("first")
        + "\n"
        + '{"case_id": "big", "person": {"age": '
        + "9" * 5000
        + "}}\n"
        + andrei_json("last")
        + "\n",
        encoding="utf-8",
    )
    for workers in ("1", "2"):
        r = run_cli(["batch", str(folder), "-j", "DE", "--workers", workers])
        assert r.code == 2, r.err
        rows = parse_csv(r.out)
        assert [row["case_id"] for row in rows] == ["andrei", "first", "last"]
        errors = [line for line in r.err.splitlines() if line.startswith("error:")]
        assert any("deep.yaml" in line for line in errors), r.err
        assert any("lines.jsonl:2" in line for line in errors), r.err
        assert "3 cases evaluated, 2 inputs failed" in r.err
        assert "Traceback" not in r.err


def test_an_unexpected_error_in_one_case_is_that_cases_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    import casefile.facts

    real = casefile.facts.facts_of

    def broken(case, as_of):  # type: ignore[no-untyped-def]
        if case.case_id == "andrei":
            raise ZeroDivisionError("simulated bug")
        return real(case, as_of)

    monkeypatch.setattr(casefile.facts, "facts_of", broken)
    r = run_cli(["batch", str(EXAMPLES), "--workers", "1", "-j", "DE"])
    assert r.code == 1, r.err
    assert "andrei.yaml: internal error: ZeroDivisionError: simulated bug" in r.err
    assert len(parse_csv(r.out)) == len(list(EXAMPLES.glob("*.yaml"))) - 1


def test_a_bad_output_path_stops_the_batch_before_any_work(tmp_path: Path) -> None:
    cases = str(EXAMPLES / "andrei.yaml")
    r = run_cli(["batch", cases, "--output", str(tmp_path)])
    assert r.code == 2 and "is a folder" in r.err and "evaluated" not in r.err
    r = run_cli(["batch", cases, "--output", str(tmp_path / "missing" / "out.csv")])
    assert r.code == 2 and "folder does not exist" in r.err and "evaluated" not in r.err
    r = run_cli(["batch", str(tmp_path / "nothing.yaml"), "--output", str(tmp_path / "out.csv")])
    assert r.code == 2 and (tmp_path / "out.csv").exists()  # a bad input still gives the rows of the others
    assert parse_csv((tmp_path / "out.csv").read_text(encoding="utf-8")) == []
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a folder the user cannot write")
def test_an_unwritable_output_folder_is_an_input_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        r = run_cli(["batch", str(EXAMPLES / "andrei.yaml"), "--output", str(locked / "out.csv")])
    finally:
        locked.chmod(0o700)
    assert r.code == 2 and "cannot be written" in r.err and "evaluated" not in r.err


@pytest.mark.parametrize(("signum", "workers"), [(signal.SIGINT, "1"), (signal.SIGTERM, "2")])
def test_an_interrupted_batch_leaves_no_output_file(tmp_path: Path, signum: int, workers: str) -> None:
    """Ctrl-C or SIGTERM mid-batch: no file appears under the output name, and the partial file is removed."""
    source = tmp_path / "many.jsonl"
    line = '{"case_id": "c-%d", "person": {"citizenship": "RU", "sex": "male"}}\n'
    source.write_text("".join(line % k for k in range(400_000)), encoding="utf-8")
    target = tmp_path / "out.csv"
    script = "import sys; from casefile.cli import console_main; sys.argv[0] = 'casefile'; console_main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "batch", str(source), "--output", str(target), "--workers", workers],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a test run started in the background (nohup …&, some CI runners) inherits SIGINT ignored, and Python
        # then installs no KeyboardInterrupt handler: give the batch the disposition a terminal would
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        # wait until rows are being written to the temporary file, then interrupt
        deadline = 300.0
        while deadline > 0 and proc.poll() is None:
            partial = list(tmp_path.glob(".out.csv.*.partial"))
            if partial and partial[0].exists() and partial[0].stat().st_size > 100_000:
                break
            time.sleep(0.05)
            deadline -= 0.05
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode == 0:  # it finished before the signal arrived: then the file must be complete
        assert len(parse_csv(target.read_text(encoding="utf-8"))) == 400_000 * 7
        return
    assert proc.returncode == 128 + signum, err
    assert not target.exists()
    assert not list(tmp_path.glob("*partial*")) and not list(tmp_path.glob(".*partial*"))
    assert "batch interrupted" in err and f"nothing was written to {target}" in err
    assert "Traceback" not in err


def test_json_lines_are_written_as_json_dumps_writes_the_rows() -> None:
    """The JSON Lines writer pieces lines together from remembered parts; they must be the rows, exactly."""
    from casefile.batch import Item, jsonl_rows, stream

    items = [Item(f'in "{k}", ü', "file", str(p)) for k, p in enumerate(sorted(EXAMPLES.glob("*.yaml")))]
    fast = [d.output for d in stream(items, codes=CODES, fmt="jsonl", redact=False)]
    rows = [jsonl_rows(d.output) for d in stream(items, codes=CODES, fmt="rows", redact=False)]
    assert fast == rows


def test_batch_takes_nonsense_columns_and_writes_its_report_for_its_owner_only(tmp_path: Path) -> None:
    """Issue 14: COLUMNS=abc gives a working batch; the output holds case data, so it is the owner's alone."""
    out = tmp_path / "out.csv"
    r = run_cli(["batch", str(EXAMPLES), "-o", str(out)], env={"COLUMNS": "abc"})
    assert r.code == 0, r.err
    assert "internal error" not in r.err
    assert out.stat().st_mode & 0o777 == 0o600


def test_batch_refuses_a_named_pipe_as_input_instead_of_hanging(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "cases.jsonl"
    os.mkfifo(fifo)
    r = run_cli(["batch", str(fifo), "-f", "jsonl"])
    assert r.code == 2 and "named pipe" in r.err and "Traceback" not in r.err


@pytest.mark.parametrize("target", ["/proc/casefile-batch.csv", "link.csv"])
def test_batch_refuses_system_paths_and_links_before_any_work(tmp_path: Path, monkeypatch, target: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "link.csv").symlink_to(tmp_path / "nowhere.csv")
    r = run_cli(["batch", str(EXAMPLES), "-o", target, "--force"])
    assert r.code == 2 and "evaluated" not in r.err
    assert not (tmp_path / "nowhere.csv").exists()


def test_batch_takes_its_format_from_the_output_name_and_refuses_a_mismatch(tmp_path: Path) -> None:
    """Issue 11: -o FILE picks the format from its extension unless --format says otherwise."""
    out = tmp_path / "rows.jsonl"
    assert run_cli(["batch", str(EXAMPLES / "andrei.yaml"), "-o", str(out)]).code == 0
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["case_id"] == "andrei"
    clash = run_cli(["batch", str(EXAMPLES / "andrei.yaml"), "-o", str(tmp_path / "rows.csv"), "-f", "jsonl"])
    assert clash.code == 2 and not (tmp_path / "rows.csv").exists()
    wrong = run_cli(["batch", str(EXAMPLES / "andrei.yaml"), "-o", str(tmp_path / "rows.html")])
    assert wrong.code == 2 and not (tmp_path / "rows.html").exists()


def test_batch_rows_say_which_state_would_examine_the_claim(tmp_path: Path) -> None:
    """Issue 10: a visa issued by another state shows as a likely Dublin transfer in every row format."""
    r = run_cli(["batch", str(EXAMPLES / "dublin-finnish-visa.yaml"), "-f", "jsonl"])
    rows = {row["code"]: row for row in map(json.loads, r.out.splitlines())}
    assert rows["DE"]["responsibility"] == "transfer_to_visa_issuer" and rows["DE"]["transfer_to"] == "FI"
    assert rows["FI"]["responsibility"] == "no_transfer_indicated" and rows["FI"]["transfer_to"] is None
    csv_text = run_cli(["batch", str(EXAMPLES / "dublin-finnish-visa.yaml")]).out
    table = list(csv.DictReader(line for line in csv_text.splitlines() if not line.startswith("#")))
    assert next(row for row in table if row["code"] == "DE")["transfer_to"] == "FI"
