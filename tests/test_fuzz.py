"""Fuzzing the way in: generated YAML and JSON bytes and mutated case files, through the loader and the CLI.

Whatever the bytes, loading gives a case or an :class:`InputError`, and the CLI exits 0 or 2 with no traceback
and no output file left behind on failure. Example counts are bounded and the runs derandomised, so the suite
stays fast and deterministic; the larger runs are marked ``slow``.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casefile.case import CaseFile, load_case
from casefile.errors import InputError

from .conftest import EXAMPLES, run_cli
from .test_hardening import errors

FAST = settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
CLI_FAST = settings(FAST, max_examples=25)
SLOW = settings(FAST, max_examples=1000)
CLI_SLOW = settings(FAST, max_examples=150)

# pieces of YAML and JSON syntax, numbers and words the loader must tell apart, and hostile characters
TOKENS = [
    "case_id: a\n",
    "case_id: ",
    "person:",
    "military:",
    "journey:",
    "dissent:",
    "evidence:",
    "\n",
    "  ",
    "\t",
    "- ",
    ": ",
    ", ",
    "[",
    "]",
    "{",
    "}",
    "'",
    '"',
    "#",
    "&a ",
    "*a",
    "!!str ",
    "!!python/object:os.system ",
    "<<: ",
    "---\n",
    "...\n",
    "|\n",
    ">\n",
    "? ",
    "%YAML 1.1\n",
    "age",
    "sex",
    "male",
    "deserted",
    "true",
    "yes",
    "NO",
    "null",
    "~",
    "027",
    "0x1d",
    "0o17",
    "1:30",
    "+12",
    "1_0",
    ".inf",
    ".nan",
    "1e999",
    "9" * 40,
    "2023-01-01",
    "2023-02-30",
    "9999-12-31",
    "0003-01-01",
    "2023-01-01T10:00:00",
    "\\ud83d",
    "\\ud83d\\ude00",
    "😀",
    "\x00",
    "\x1b[2J",
    "\x85",
    "\u202e",
    "\ufeff",
    "é",
    "\r\n",
    "\\",
]


def yaml_like() -> st.SearchStrategy[bytes]:
    pieces = st.lists(st.sampled_from(TOKENS) | st.text(max_size=6), max_size=40).map("".join)
    as_bytes = pieces.map(lambda s: s.encode("utf-8", "surrogatepass"))
    return st.one_of(as_bytes, st.binary(max_size=200), as_bytes.map(lambda b: b + b"\xff\xfe" + b))


def examples_data() -> list[dict[str, Any]]:
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "case_id" in data:
            out.append(json.loads(json.dumps(data, default=str)))
    return out


EXAMPLE_DATA = examples_data()

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**50), max_value=10**50),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["yes", "NO", "027", "1:30", "2023-01-01", "9999-12-31", "0001-01-01", "2023-13-01", "😀"]),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str),
    st.lists(st.text(max_size=5), max_size=3),
    st.recursive(st.integers(), lambda inner: st.lists(inner, max_size=2), max_leaves=20),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
    return out


@st.composite
def mutated_case(draw: st.DrawFn) -> dict[str, Any]:
    """A shipped example with a few values replaced, removed or added."""
    data = json.loads(json.dumps(draw(st.sampled_from(EXAMPLE_DATA))))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = [p for p in _paths(data) if p]
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "remove":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["age", "deserted", "as_of", "x", "entry_date"]))] = draw(ODD_VALUES)
        else:
            parent[path[-1]] = draw(ODD_VALUES)
    return data


def load_bytes(content: bytes, suffix: str) -> CaseFile | None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"case{suffix}"
        path.write_bytes(content)
        try:
            return load_case(path)
        except InputError as exc:
            assert str(exc).strip(), "an input error always says something"
            return None


def evaluate_bytes(content: bytes, suffix: str) -> None:
    """`casefile evaluate` on the bytes: exit 0 with a report, or exit 2 with a message and no report file."""
    with tempfile.TemporaryDirectory() as folder:
        case = Path(folder) / f"case{suffix}"
        case.write_bytes(content)
        report = Path(folder) / "report.md"
        r = run_cli(["evaluate", str(case), "-j", "DE", "-f", "markdown", "-o", str(report)])
        assert r.code in (0, 2), (r.code, r.err)
        assert "Traceback" not in r.err and "internal error" not in r.err, r.err
        if r.code == 0:
            assert report.stat().st_size > 0
        else:
            assert errors(r.err).startswith("error: ")
            assert not report.exists()
        assert sorted(p.name for p in Path(folder).iterdir()) == sorted(
            [case.name] + ([report.name] if r.code == 0 else [])
        ), "no temporary file is left behind"


# ---------------------------------------------------------------------------------------------- the loader


@FAST
@given(content=yaml_like(), suffix=st.sampled_from([".yaml", ".json"]))
def test_any_bytes_load_or_give_an_input_error(content: bytes, suffix: str) -> None:
    load_bytes(content, suffix)


@FAST
@given(data=mutated_case(), as_json=st.booleans(), ascii_only=st.booleans())
def test_mutated_cases_load_or_give_an_input_error(data: dict[str, Any], as_json: bool, ascii_only: bool) -> None:
    if as_json:
        content = json.dumps(data, ensure_ascii=ascii_only).encode("utf-8")
    else:
        content = yaml.safe_dump(data, allow_unicode=not ascii_only).encode("utf-8")
    load_bytes(content, ".json" if as_json else ".yaml")


@pytest.mark.slow
@SLOW
@given(content=yaml_like(), suffix=st.sampled_from([".yaml", ".json"]))
def test_any_bytes_load_or_give_an_input_error_at_length(content: bytes, suffix: str) -> None:
    load_bytes(content, suffix)


# ------------------------------------------------------------------------------------------------- the CLI


@CLI_FAST
@given(data=mutated_case(), as_json=st.booleans())
def test_cli_on_mutated_cases_exits_0_or_2(data: dict[str, Any], as_json: bool) -> None:
    content = (json.dumps(data) if as_json else yaml.safe_dump(data, allow_unicode=True)).encode("utf-8")
    evaluate_bytes(content, ".json" if as_json else ".yaml")


@CLI_FAST
@given(content=yaml_like(), suffix=st.sampled_from([".yaml", ".json"]))
def test_cli_on_generated_bytes_exits_0_or_2(content: bytes, suffix: str) -> None:
    evaluate_bytes(b"case_id: fuzz\n" + content if suffix == ".yaml" else content, suffix)


@pytest.mark.slow
@CLI_SLOW
@given(data=mutated_case(), as_json=st.booleans())
def test_cli_on_mutated_cases_exits_0_or_2_at_length(data: dict[str, Any], as_json: bool) -> None:
    content = (json.dumps(data) if as_json else yaml.safe_dump(data, allow_unicode=True)).encode("utf-8")
    evaluate_bytes(content, ".json" if as_json else ".yaml")


@pytest.mark.slow
@settings(FAST, max_examples=4)
@given(content=yaml_like())
def test_cli_in_a_fresh_process_exits_0_or_2(content: bytes) -> None:
    from .test_hardening import cli_subprocess

    with tempfile.TemporaryDirectory() as folder:
        case = Path(folder) / "case.yaml"
        case.write_bytes(b"case_id: fuzz\n" + content)
        r = cli_subprocess(["evaluate", str(case), "-j", "DE"])
        assert r.code in (0, 2), (r.code, r.err)
        assert "Traceback" not in r.err and "internal error" not in r.err


OPTION_VALUES = st.one_of(
    st.sampled_from(
        ["1900-01-01", "2100-12-31", "2022-02-24", "20230101", "2023-W01-1", "9999-12-31", "0001-01-01", "", "-5"]
    ),
    st.dates(min_value=dt.date(1899, 1, 1), max_value=dt.date(2101, 12, 31)).map(str),
    st.text(max_size=12),
)
SETTINGS = st.sampled_from(
    ["person.age", "person.birth_date", "military.deserted", "journey.entry_date", "dissent.prosecution", "x.y"]
)


@CLI_FAST
@given(
    command=st.sampled_from(["evaluate", "compare", "timeline", "whatif"]),
    value=OPTION_VALUES,
    other=OPTION_VALUES,
    setting=SETTINGS,
    jurisdiction=st.sampled_from(["DE", "baltics", "XX", "", "de"]),
)
def test_cli_options_exit_0_or_2(command: str, value: str, other: str, setting: str, jurisdiction: str) -> None:
    args = [command, str(EXAMPLES / "andrei.yaml"), "-j", jurisdiction]
    if command == "timeline":
        args += ["--from", value, "--to", other]
    elif command == "whatif":
        args += ["--set", f"{setting}={value}", "--as-of", other]
    else:
        args += ["--as-of", value]
    r = run_cli(args)
    assert r.code in (0, 2), (r.code, r.err)
    assert "Traceback" not in r.err and "internal error" not in r.err, r.err
