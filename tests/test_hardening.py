"""Hardening: every kind of bad input a user, a file or the environment can give ends in exit 0 or 2, with one
clear line on stderr, no traceback and no file left behind; nothing crashes, hangs, leaks or writes where it must
not. One test (or one parametrised case) per kind of bad input, run through the CLI as a user would.
"""

from __future__ import annotations

import json
import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from casefile import DISCLAIMER
from casefile.case import load_case
from casefile.errors import InputError

from .conftest import EXAMPLES, ROOT, Result, run_cli

ANDREI = str(EXAMPLES / "andrei.yaml")


def write(tmp_path: Path, text: str | bytes, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def errors(err: str) -> str:
    """stderr without the once-per-process engine note (Python 3.13+: the reference evaluator is in use)."""
    return "".join(line for line in err.splitlines(keepends=True) if not line.startswith("note: "))


def refused(r: Result, *words: str, lines: int = 1) -> str:
    """Exit 2, `lines` line(s) on stderr naming the problem, no traceback, nothing on stdout."""
    err = errors(r.err)
    assert r.code == 2, (r.code, r.out[-500:], r.err)
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.startswith("error: "), err
    assert len(err.strip().splitlines()) == lines, err
    for word in words:
        assert word in err, (word, err)
    return err


def cli_subprocess(args: list[str], *, stdin: bytes = b"", env: dict[str, str] | None = None, **kw) -> Result:
    """The CLI in a fresh process, for what in-process runs cannot show (real streams, limits, hangs)."""
    proc = subprocess.run(
        [sys.executable, "-c", "from casefile.cli import main; main()", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, "COLUMNS": "100", **(env or {})},
        timeout=120,
        cwd=ROOT,
        **kw,
    )
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))


# ------------------------------------------------------------------------------------------ 1. depth


def test_yaml_nested_30000_deep_is_refused_before_parsing_recurses(tmp_path: Path) -> None:
    path = write(tmp_path, "case_id: a\nname: " + "[" * 30_000 + "]" * 30_000 + "\n", "deep.yaml")
    refused(run_cli(["evaluate", str(path)]), "deep.yaml", "line 2", "nested too deeply")


def test_yaml_nested_by_indentation_is_refused(tmp_path: Path) -> None:
    body = "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "x: 1\n"
    path = write(tmp_path, "case_id: a\nperson:\n" + "".join("  " + line + "\n" for line in body.splitlines()))
    refused(run_cli(["evaluate", str(path)]), "nested too deeply")


def test_json_nested_30000_deep_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '{"case_id": "a", "name": ' + "[" * 30_000 + "]" * 30_000 + "}", "deep.json")
    refused(run_cli(["evaluate", str(path)]), "deep.json", "line 1", "nested too deeply")


def test_rule_file_nested_30000_deep_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "common.yaml").write_text("meta: " + "[" * 30_000 + "]" * 30_000 + "\n", encoding="utf-8")
    r = run_cli(["rules", "check", "--rules", str(rules)])
    assert r.code in (1, 2), r.err
    assert "Traceback" not in r.err + r.out and "internal error" not in r.err
    assert "nested too deeply" in r.out + r.err


def test_batch_evaluates_the_good_files_and_reports_the_deep_and_the_huge(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    andrei = (EXAMPLES / "andrei.yaml").read_text(encoding="utf-8")
    for k in range(10):
        (folder / f"case{k}.yaml").write_text(andrei.replace("case_id: andrei", f"case_id: case{k}"), "utf-8")
    (folder / "deep.yaml").write_text("case_id: deep\nname: " + "[" * 30_000 + "]" * 30_000 + "\n", "utf-8")
    (folder / "huge.jsonl").write_text('{"case_id": "big", "person": {"age": ' + "7" * 5000 + "}}\n", "utf-8")
    r = run_cli(["batch", str(folder), "-f", "jsonl", "-w", "1", "-j", "DE"])
    assert r.code == 2, r.err
    assert "Traceback" not in r.err and "internal error" not in r.err
    rows = [json.loads(line) for line in r.out.splitlines() if line.strip()]
    assert sorted({row["case_id"] for row in rows}) == [f"case{k}" for k in range(10)]
    assert "deep.yaml" in r.err and "nested too deeply" in r.err
    assert "huge.jsonl:1" in r.err and "5,000 digits" in r.err


# ---------------------------------------------------------------------------- 2. one bad input, one failure


def test_json_number_over_pythons_digit_limit_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, '{"case_id": "big", "person": {"age": ' + "1" * 5000 + "}}", "big.json")
    refused(run_cli(["evaluate", str(path)]), "big.json", "person.age", "5,000 digits")


def test_yaml_number_over_pythons_digit_limit_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "case_id: big\nperson:\n  age: " + "1" * 5000 + "\n")
    refused(run_cli(["evaluate", str(path)]), "line 3", "person.age", "5,000 digits")


@pytest.mark.parametrize("command", ["evaluate", "compare", "timeline"])
@pytest.mark.parametrize(
    ("body", "field", "year"),
    [
        ("as_of: 9999-12-31", "as_of", "9999"),
        ("person: {birth_date: 9999-12-31}", "person.birth_date", "9999"),
        ("person: {birth_date: 0003-01-01}", "person.birth_date", "year 3"),
        ("journey: {entry_date: 1850-01-01}", "journey.entry_date", "1850"),
    ],
)
def test_years_outside_1900_to_2100_are_refused(tmp_path: Path, command: str, body: str, field: str, year: str) -> None:
    path = write(tmp_path, f"case_id: a\n{body}\n")
    refused(run_cli([command, str(path)]), field, "1900 to 2100", year)


@pytest.mark.parametrize("ensure_ascii", [True, False], ids=["surrogate-escapes", "raw-utf8"])
def test_json_with_emoji_as_json_dump_writes_it_loads(tmp_path: Path, ensure_ascii: bool) -> None:
    path = tmp_path / "emoji.json"
    path.write_text(json.dumps({"case_id": "emoji", "name": "Andrei 😀𝄞"}, ensure_ascii=ensure_ascii), "utf-8")
    if ensure_ascii:
        assert "\\ud83d\\ude00" in path.read_text(encoding="utf-8")
    assert load_case(path).name == "Andrei 😀𝄞"
    r = run_cli(["evaluate", str(path), "-j", "DE"])
    assert r.code == 0, r.err
    assert "Andrei 😀𝄞" in r.out


def test_json_with_half_a_surrogate_pair_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '{"case_id": "a", "name": "\\ud83d"}', "half.json")
    refused(run_cli(["evaluate", str(path)]), "half.json", "field 'name'", "surrogate")


# --------------------------------------------------------------------------- 3. regular files, up to the limit


@pytest.mark.parametrize(("device", "words"), [("/dev/zero", "device"), ("/dev/urandom", "device")])
def test_devices_are_refused_without_reading(device: str, words: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"{device} is missing here")
    refused(run_cli(["evaluate", device]), device, words, "not a regular file")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    refused(run_cli(["evaluate", str(tmp_path)]), "is a folder")


def test_a_named_pipe_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "case.yaml"
    os.mkfifo(fifo)
    r = cli_subprocess(["evaluate", str(fifo)])  # a hang would fail on the subprocess timeout, not the suite
    refused(r, "named pipe", "not a regular file")


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "case_id: a\nnotes: '" + "x" * 1_100_000 + "'\n")
    refused(run_cli(["evaluate", str(path)]), "at most 1,000,000 bytes")


# ------------------------------------------------------------------------------------- 4. output problems


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if an assessment starts: output problems must be found before the work."""
    import casefile.assessment

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the assessment ran before the output was checked")

    monkeypatch.setattr(casefile.assessment, "assess", forbidden)


@pytest.mark.parametrize("command", ["evaluate", "compare"])
def test_output_that_is_a_folder_is_refused_before_the_work(tmp_path: Path, command: str, no_work: None) -> None:
    refused(run_cli([command, ANDREI, "-o", str(tmp_path), "--force"]), "is a folder")


def test_output_in_a_missing_folder_is_refused(tmp_path: Path, no_work: None) -> None:
    refused(run_cli(["evaluate", ANDREI, "-o", str(tmp_path / "nope" / "r.md")]), "folder does not exist")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write into read-only folders")
def test_output_in_a_read_only_folder_is_refused(tmp_path: Path, no_work: None) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        refused(run_cli(["evaluate", ANDREI, "-o", str(folder / "r.md")]), "read-only")
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("target", ["/dev/full", "/proc/self/report.md", "/dev/null"])
def test_output_to_system_paths_is_refused(target: str, no_work: None) -> None:
    refused(run_cli(["evaluate", ANDREI, "-o", target, "--force"]), target, "system path")


def test_output_never_writes_through_a_dangling_symlink(tmp_path: Path, no_work: None) -> None:
    link = tmp_path / "report.md"
    victim = tmp_path / "elsewhere.txt"
    link.symlink_to(victim)
    refused(run_cli(["evaluate", ANDREI, "-o", str(link), "--force"]), "symbolic link")
    assert not victim.exists()


def test_output_equal_to_the_case_file_is_refused_even_with_force(tmp_path: Path, no_work: None) -> None:
    case = tmp_path / "victim.yaml"
    original = (EXAMPLES / "andrei.yaml").read_bytes()
    case.write_bytes(original)
    refused(run_cli(["evaluate", str(case), "-o", str(case), "--force"]), "is the file being read")
    assert case.read_bytes() == original


def test_an_existing_output_is_kept_without_force(tmp_path: Path, no_work: None) -> None:
    out = write(tmp_path, "keep me", "report.md")
    refused(run_cli(["evaluate", ANDREI, "-o", str(out)]), "already exists", "--force")
    assert out.read_text(encoding="utf-8") == "keep me"


def test_a_write_error_is_bad_input_and_leaves_nothing(tmp_path: Path) -> None:
    """A full disk, simulated by a file-size limit: exit 2, no file under the name, no temporary file."""
    out = tmp_path / "report.md"

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    r = cli_subprocess(["evaluate", ANDREI, "-j", "DE", "-o", str(out)], preexec_fn=small_files)
    refused(r, "cannot be written", "nothing was written")
    assert list(tmp_path.iterdir()) == []


def test_reports_and_interview_case_files_are_written_whole_with_mode_0600(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    r = run_cli(["evaluate", ANDREI, "-j", "DE", "-f", "markdown", "-o", str(report)])
    assert r.code == 0, r.err
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert DISCLAIMER in report.read_text(encoding="utf-8")
    replaced = tmp_path / "again.md"
    replaced.write_text("old")
    replaced.chmod(0o644)
    assert run_cli(["compare", ANDREI, "-o", str(replaced), "--force"]).code == 0
    assert stat.S_IMODE(replaced.stat().st_mode) == 0o600
    case = tmp_path / "built.yaml"
    assert run_cli(["interview", "--out", str(case)], stdin="\n" * 60).code == 0
    assert stat.S_IMODE(case.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.md", "built.yaml", "report.md"]


def test_interview_refuses_a_folder_as_out_before_asking(tmp_path: Path) -> None:
    r = run_cli(["interview", "--out", str(tmp_path)], stdin="andrei\n")
    assert r.code == 2 and "is a folder" in r.err
    assert "Case id" not in r.out


# ------------------------------------------------------------------------------ 5. read what the user meant


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("027", "leading zero"),
        ("1:30", "base 60"),
        ("0x1d", "hexadecimal"),
        ("0o17", "octal"),
        ("+12", "without the '+'"),
        ("1_0", "without '_'"),
        (".inf", "infinity"),
    ],
)
def test_yaml_1_1_number_surprises_are_refused_with_the_fix(tmp_path: Path, value: str, words: str) -> None:
    path = write(tmp_path, f"case_id: a\nperson:\n  age: {value}\n")
    refused(run_cli(["evaluate", str(path)]), "line 3", "person.age", words)


@pytest.mark.parametrize("word", ["yes", "on", "y", "Yes", "ON", "no", "off", "n"])
def test_yes_on_and_y_are_treated_alike(tmp_path: Path, word: str) -> None:
    path = write(tmp_path, f"case_id: a\nmilitary:\n  deserted: {word}\n")
    err = refused(run_cli(["evaluate", str(path)]), "military.deserted", "expected true or false")
    assert ("write true" if word.lower() in ("yes", "on", "y") else "write false") in err


def test_norway_is_read_as_norway_not_as_false(tmp_path: Path) -> None:
    assert load_case(write(tmp_path, "case_id: a\nperson: {citizenship: NO}\n")).person.citizenship == "NO"
    path = write(tmp_path, '{"case_id": "a", "person": {"citizenship": false}}', "no.json")
    refused(run_cli(["evaluate", str(path)]), "person.citizenship", "for Norway write the code in quotes")


def test_a_quoted_number_says_remove_the_quotes(tmp_path: Path) -> None:
    path = write(tmp_path, 'case_id: a\nperson:\n  age: "30"\n')
    refused(run_cli(["evaluate", str(path)]), "line 3", "person.age", "remove the quotes")


@pytest.mark.parametrize("value", ["20230101", "2023-W01-1", "2023-1-1", "1_0", "٢٠٢٣-٠١-٠١", "2023-02-30"])
def test_as_of_accepts_only_what_a_case_file_accepts(value: str) -> None:
    refused(run_cli(["evaluate", ANDREI, "--as-of", value]), "--as-of")


@pytest.mark.parametrize(
    "assignment",
    [
        "person.age=1_0",
        "person.age=٣٠",
        "person.age=+30",
        "person.age=0x1e",
        "military.deserted=yes",
        "military.deserted=1",
        "journey.entry_date=20230101",
        "journey.entry_date=2023-W01-1",
        "journey.entry_date=9999-12-31",
    ],
)
def test_set_accepts_only_what_a_case_file_accepts(assignment: str) -> None:
    refused(run_cli(["whatif", ANDREI, "--set", assignment]), "--set")


# --------------------------------------------------------------------------------------- 6. contradictions


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (
            "journey: {application_place: territory, application_date: 2023-01-10, entry_date: 2023-02-01}",
            "journey.application_date",
            "before the entry",
        ),
        (
            "military: {draft_notice_received: true, draft_notice_kind: mobilisation, draft_notice_date: 2022-09-01}",
            "military.draft_notice_date",
            "21 Sep 2022",
        ),
        ("person: {birth_date: 2090-01-01}", "person.birth_date", "in the future"),
        (
            "as_of: 2022-01-01\njourney: {left_russia_date: 2022-10-01, application_date: 2022-11-01}",
            "as_of",
            "before every date of the journey",
        ),
        (
            "as_of: 2024-03-01\nperson: {birth_date: 2017-01-01}\nmilitary: {service_status: contract_soldier}",
            "military.service_status",
            "at least 18",
        ),
        ("person: {age: 7}\nmilitary: {service_status: contract_soldier}", "military.service_status", "at least 18"),
    ],
)
def test_contradictions_name_the_fields(tmp_path: Path, body: str, field: str, words: str) -> None:
    path = write(tmp_path, f"case_id: a\n{body}\n")
    refused(run_cli(["evaluate", str(path)]), "contradiction", field, words)


def test_as_of_option_before_the_birth_date_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "case_id: a\nperson: {birth_date: 1995-05-05}\n")
    refused(run_cli(["evaluate", str(path), "--as-of", "1990-01-01"]), "--as-of", "person.birth_date")


# -------------------------------------------------------------------------------------- 7. messages that help


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"case_id: a\nperson:\n\tsex: male\n", "case.yaml", "spaces, not tabs"),
        (b"case_id: a\nname: \xe9t\xe9\n", "case.yaml", "save the file as UTF-8"),
        ("case_id: a\n".encode("utf-16"), "case.yaml", "save the file as UTF-8"),
        (b"case_id: a\n---\ncase_id: b\n", "case.yaml", "one case"),
        ("case_id: a\nname: x\u0085y\n".encode(), "case.yaml", "invisible line break"),
        (b"case_id: a\nperson: &p {sex: male}\nother: *p\n", "case.yaml", "anchors and aliases"),
        (b"case_id: a\nas_of: !!timestamp 2023-01-01\n", "case.yaml", "tags are not allowed"),
    ],
)
def test_messages_name_the_fix(tmp_path: Path, content: bytes, name: str, words: str) -> None:
    path = write(tmp_path, content, name)
    refused(run_cli(["evaluate", str(path)]), name, words)


# ------------------------------------------------------------------------------------------------ 8. privacy

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m\x85\u202eevil ![img](http://evil.example/t.png) <img src=x>"


@pytest.fixture
def hostile_case(tmp_path: Path) -> Path:
    return write(tmp_path, json.dumps({"case_id": "hostile", "name": HOSTILE}), "hostile.json")


@pytest.mark.parametrize("command", ["evaluate", "compare", "train"])
def test_terminal_output_shows_control_characters_as_escapes(hostile_case: Path, command: str) -> None:
    r = run_cli([command, str(hostile_case), "-j", "DE"])
    assert r.code == 0, r.err
    for raw in ("\x1b", "\x07", "\x9b", "\x85", "\u202e"):
        assert raw not in r.out, repr(raw)
    assert "\\x1b]0;pwned" in r.out


def test_json_output_keeps_the_name_but_escapes_what_a_terminal_would_obey(hostile_case: Path) -> None:
    r = run_cli(["evaluate", str(hostile_case), "-j", "DE", "-f", "json"])
    assert r.code == 0, r.err
    assert json.loads(r.out)["name"] == HOSTILE
    for raw in ("\x1b", "\x07", "\x9b", "\x85", "\u202e"):
        assert raw not in r.out, repr(raw)


def test_markdown_output_renders_user_text_inert(hostile_case: Path) -> None:
    from markdown_it import MarkdownIt

    r = run_cli(["evaluate", str(hostile_case), "-j", "DE", "-f", "markdown"])
    assert r.code == 0, r.err
    html = MarkdownIt("commonmark").render(r.out)
    assert "evil.example" in html, "the text is still shown"
    assert "<img" not in html and 'href="http://evil' not in html
    assert "\x1b" not in r.out


def test_errors_never_echo_a_value_typed_into_the_wrong_field(tmp_path: Path) -> None:
    path = write(tmp_path, "case_id: a\nperson:\n  sex: 'Zarina, lives at Kirova 12, HIV+'\n  age: 'Zarina'\n")
    err = refused(run_cli(["evaluate", str(path)]), "person.sex", "person.age", lines=2)
    assert "Zarina" not in err and "Kirova" not in err and "HIV" not in err
    path = write(tmp_path, "case_id: a\nZarina lives at Kirova 12, HIV+: true\n")
    err = refused(run_cli(["evaluate", str(path)]), "line 2", "unknown field")
    assert "Zarina" not in err and "Kirova" not in err and "HIV" not in err


def test_whatif_redact_drops_the_name(tmp_path: Path) -> None:
    case = EXAMPLES / "mobilised-deserter.yaml"
    plain = run_cli(["whatif", str(case), "--set", "dissent.public_activism=true", "-f", "json", "-j", "DE"])
    assert plain.code == 0 and "Mobilised deserter" in plain.out
    r = run_cli(["whatif", str(case), "--set", "dissent.public_activism=true", "-f", "json", "-j", "DE", "--redact"])
    assert r.code == 0, r.err
    assert "Mobilised deserter" not in r.out and json.loads(r.out)["before"]["name"] is None


def test_train_and_timeline_redact_show_the_case_id_not_the_name() -> None:
    case = str(EXAMPLES / "mobilised-deserter.yaml")
    train = run_cli(["train", case, "-j", "DE", "--redact"], stdin="\n")
    assert train.code == 0, train.err
    assert "Mobilised deserter" not in train.out and "mobilised-deserter" in train.out
    timeline = run_cli(["timeline", case, "-j", "DE", "--redact"])
    assert timeline.code == 0, timeline.err
    assert "Mobilised deserter" not in timeline.out and "mobilised-deserter" in timeline.out


# -------------------------------------------------------------------------------------------- 9. environment


@pytest.mark.parametrize("columns", ["abc", "0", "-5", "99999999999"])
def test_nonsense_columns_still_give_a_full_report(columns: str) -> None:
    r = run_cli(["compare", ANDREI, "-j", "DE"], env={"COLUMNS": columns})
    assert r.code == 0, r.err
    assert "Germany" in r.out and "Educational model" in r.out


def test_unknown_engine_is_bad_input() -> None:
    refused(run_cli(["evaluate", ANDREI, "-j", "DE"], env={"CASEFILE_ENGINE": "bogus"}), "CASEFILE_ENGINE")


def test_a_stdout_that_cannot_encode_unicode_still_gets_the_report() -> None:
    r = cli_subprocess(["compare", ANDREI, "-j", "DE"], env={"PYTHONIOENCODING": "ascii"})
    assert r.code == 0, r.err
    assert "Traceback" not in r.err and "Germany" in r.out and "Educational model" in r.out


def test_an_interview_answer_that_is_not_utf8_does_not_lose_the_interview(tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    answers = b"andrei-2\nAndrei \xff\xfe name\n" + b"\n" * 60
    r = cli_subprocess(["interview", "--out", str(out)], stdin=answers)
    assert r.code == 0, r.err
    case = load_case(out)
    assert case.case_id == "andrei-2" and case.name is not None and case.name.startswith("Andrei")


def test_a_broken_shipped_rulebook_is_exit_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    import casefile.rulebook as rulebook

    data = tmp_path / "data"
    for part in ("rules", "seeds", "examples"):
        shutil.copytree(ROOT / part, data / part)
    (data / "rules" / "de.yaml").write_text("- id: [broken\n", encoding="utf-8")
    monkeypatch.setattr(rulebook, "data_dir", lambda: data)
    monkeypatch.setattr(rulebook, "_DEFAULT", None)
    r = run_cli(["evaluate", ANDREI, "-j", "DE"])
    assert r.code == 1, (r.code, r.err)
    assert "Traceback" not in r.err and "de.yaml" in r.err


def test_loader_errors_are_input_errors_not_crashes(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_case(write(tmp_path, "case_id: a\nname: " + "- " * 30_000 + "x\n"))
