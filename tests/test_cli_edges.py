"""The command line's rough edges a trainer tripped over: names, help, colour, paths, redaction."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

COMMANDS = [
    ["evaluate"],
    ["compare"],
    ["timeline"],
    ["whatif"],
    ["examples"],
    ["sources"],
    ["schema"],
    ["rules", "list"],
    ["rules", "show"],
    ["rules", "check"],
    ["interview"],
    ["train"],
]


def test_a_misspelt_example_name_gets_a_suggestion() -> None:
    r = run_cli(["compare", "andrie"])
    assert r.code == 2
    assert "did you mean 'andrei'" in r.err
    assert "Traceback" not in r.err


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_names_values_not_python_types_and_gives_an_example(command: list[str]) -> None:
    r = run_cli([*command, "-h"])
    assert r.code == 0, r.err
    assert not re.search(r"<(str|int|path|list\[str\])>", r.out), r.out
    assert "Example: casefile " in " ".join(r.out.split())


def test_dates_codes_and_files_are_named_in_help() -> None:
    out = run_cli(["evaluate", "--help"]).out
    assert "--as-of DATE" in out and "--jurisdiction CODE" in out and "--output FILE" in out


def test_no_color_counts_only_when_set_to_something_and_force_color_is_honoured() -> None:
    coloured = run_cli(["compare", "andrei"], env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" in coloured.out
    plain = run_cli(["compare", "andrei"], env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in plain.out


def test_rules_list_is_readable_at_80_columns(book) -> None:
    r = run_cli(["rules", "list", "-j", "DE"], env={"COLUMNS": "80"})
    assert r.code == 0, r.err
    assert all(len(line) <= 80 for line in r.out.splitlines())
    assert "de.practice.default  rules/de.yaml:" in r.out
    assert book.rules["de.practice.default"].title in r.out


def test_rules_show_prints_a_repo_relative_path() -> None:
    r = run_cli(["rules", "show", "de.practice.default"])
    assert re.search(r"rules/de\.yaml:\d+", r.out)
    assert str(ROOT) not in r.out


def test_wrapped_lines_keep_their_indent() -> None:
    out = run_cli(["compare", "andrei"], env={"COLUMNS": "80"}).out
    block = out[out.index("Why not a more favourable outcome") :].splitlines()[1:6]
    bullets = [line for line in block if line.startswith(" • ")]
    follow = [line for line in block if line and not line.startswith(" • ")]
    assert bullets and follow
    assert all(line.startswith("   ") for line in follow), block


def test_redact_hides_a_name_used_as_the_case_id(tmp_path: Path) -> None:
    case = tmp_path / "ivan.yaml"
    case.write_text("case_id: ivan-petrov-2024\nname: Ivan Petrov\nperson: {citizenship: RU}\n", encoding="utf-8")
    for fmt in ("text", "markdown", "html", "json"):
        r = run_cli(["compare", str(case), "--redact", "-f", fmt])
        assert r.code == 0, r.err
        assert "ivan" not in r.out.lower() and "petrov" not in r.out.lower(), fmt
    again = run_cli(["compare", str(case), "--redact", "-f", "json"]).out
    assert re.search(r'"case_id": "case-[0-9a-f]{8}"', again), "the same stand-in on every run"


def test_the_case_id_hint_suggests_no_real_name(tmp_path: Path) -> None:
    case = tmp_path / "bad.yaml"
    case.write_text('case_id: "Ivan Petrov"\n', encoding="utf-8")
    r = run_cli(["compare", str(case)])
    assert r.code == 2
    assert "never a real name" in r.err and "andrei" not in r.err.lower()


def test_run_help_prints_only_its_usage() -> None:
    r = subprocess.run([str(ROOT / "run"), "help"], capture_output=True, text=True, timeout=30, check=False)
    assert r.returncode == 0
    assert "./run tests" in r.stdout
    assert "set -euo" not in r.stdout
    assert not any(line.startswith("#") for line in r.stdout.splitlines())


def test_python_dash_m_casefile_works() -> None:
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "casefile", "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("casefile ")
