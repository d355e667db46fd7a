"""Case files: every kind of bad input is a clear error naming the file, line and field, never a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from casefile.case import CaseFile, load_case
from casefile.errors import InputError
from casefile.facts import facts_of

from .conftest import EXAMPLES


def write(tmp_path: Path, text: str | bytes, name: str = "case.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def problem(tmp_path: Path, text: str | bytes, name: str = "case.yaml") -> str:
    with pytest.raises(InputError) as info:
        load_case(write(tmp_path, text, name))
    message = str(info.value)
    assert name in message, "the message names the file"
    return message


def test_all_examples_load() -> None:
    for path in EXAMPLES.glob("*.yaml"):
        if path.name != "index.yaml":
            assert isinstance(load_case(path), CaseFile)


def test_left_out_facts_are_unknown_not_false() -> None:
    case = load_case(EXAMPLES / "andrei.yaml")
    facts = facts_of(case, dt.date(2025, 7, 29))
    assert "military.draft_notice_received" not in facts.values
    assert "military.deserted" not in facts.values
    assert facts.values["dissent.public_activism"] is True


def test_wrong_type_names_line_field_and_expectation(tmp_path: Path) -> None:
    msg = problem(tmp_path, "case_id: a\nmilitary:\n  deserted: maybe\n")
    assert "line 3" in msg and "military.deserted" in msg and "true or false" in msg


def test_value_outside_vocabulary_suggests_the_closest(tmp_path: Path) -> None:
    msg = problem(tmp_path, "case_id: a\nmilitary:\n  service_status: mobilized\n")
    assert "line 3" in msg and "military.service_status" in msg and "did you mean 'mobilised'" in msg


def test_misspelt_field_gets_a_suggestion(tmp_path: Path) -> None:
    msg = problem(tmp_path, "case_id: a\nmilitary:\n  desserted: true\n")
    assert "line 3" in msg and "unknown field" in msg and "did you mean 'deserted'" in msg


def test_field_in_the_wrong_group_says_where_it_belongs(tmp_path: Path) -> None:
    msg = problem(tmp_path, "case_id: a\ndeserted: true\n")
    assert "line 2" in msg and "belongs under 'military:'" in msg


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    msg = problem(tmp_path, "case_id: a\nperson: {sex: male\n")
    assert "not valid YAML" in msg and "line" in msg


def test_tabs_get_a_hint(tmp_path: Path) -> None:
    msg = problem(tmp_path, "case_id: a\nperson:\n\tsex: male\n")
    assert "spaces, not tabs" in msg


def test_json_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    msg = problem(tmp_path, '{"case_id": "a",\n "person": {"sex": "male",}\n}', "case.json")
    assert "not valid JSON" in msg and "line 2" in msg


def test_json_case_loads_with_lines_for_errors(tmp_path: Path) -> None:
    msg = problem(tmp_path, '{"case_id": "a",\n "military": {\n  "deserted": "yes"\n }\n}', "case.json")
    assert "line 3" in msg and "military.deserted" in msg


def test_empty_file(tmp_path: Path) -> None:
    assert "empty" in problem(tmp_path, "  \n\n")


def test_binary_file(tmp_path: Path) -> None:
    assert "binary" in problem(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def test_non_utf8_text_names_the_line(tmp_path: Path) -> None:
    msg = problem(tmp_path, b"case_id: a\nname: \xe9t\xe9\n")
    assert "UTF-8" in msg and "line 2" in msg


def test_top_level_list_is_refused_with_a_hint(tmp_path: Path) -> None:
    msg = problem(tmp_path, "- case_id: a\n- case_id: b\n")
    assert "found a list" in msg and "batch" in msg


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_case(tmp_path / "nope.yaml")
    assert "no such case file" in str(info.value)


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    msg = problem(tmp_path, "case_id: a\nnotes: '" + "x" * 1_100_000 + "'\n")
    assert "at most" in msg


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    msg = problem(tmp_path, "case_id: a\n" + bomb)
    assert "anchors and aliases are not allowed" in msg


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    msg = problem(tmp_path, "case_id: a\nmilitary:\n  deserted: true\n  deserted: false\n")
    assert "appears twice" in msg and "line 4" in msg


def test_custom_tags_cannot_run_code(tmp_path: Path) -> None:
    msg = problem(tmp_path, "case_id: a\nname: !!python/object/apply:os.system ['echo hi']\n")
    assert "tags are not allowed" in msg


def test_dates_must_be_real_dates(tmp_path: Path) -> None:
    assert "date" in problem(tmp_path, "case_id: a\nas_of: 2023-02-30\n")
    assert "not a date and time" in problem(tmp_path, "case_id: a\nas_of: 2023-02-03T10:00:00\n")
    assert "YYYY-MM-DD" in problem(tmp_path, "case_id: a\nas_of: 5\n")


def test_missing_case_id(tmp_path: Path) -> None:
    assert "case_id" in problem(tmp_path, "person: {sex: male}\n")


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ("military: {service_status: never_served, deserted: true}", "military.deserted", "must have been serving"),
        (
            "person: {birth_date: 1990-01-01}\nmilitary: {draft_notice_date: 1985-01-01, draft_notice_received: true}",
            "military.draft_notice_date",
            "before the person's birth",
        ),
        (
            "journey: {left_russia_date: 2022-10-01, application_date: 2022-09-01, application_place: territory}",
            "journey.application_date",
            "before the person left Russia",
        ),
        (
            "military: {draft_notice_received: false, draft_notice_kind: mobilisation}",
            "military.draft_notice_kind",
            "draft_notice_received is false",
        ),
        (
            "military: {draft_notice_received: false, service_status: mobilised}",
            "military.draft_notice_received",
            "means a call-up was received",
        ),
        (
            "military: {draft_notice_kind: e_summons, draft_notice_date: 2022-10-01}",
            "military.draft_notice_date",
            "e-summons",
        ),
        ("dissent: {public_activism: false, activism_channels: [blog]}", "dissent.activism_channels", "channels"),
        ("person: {birth_date: 1990-06-01, age: 40}\nas_of: 2022-10-01", "person.age", "does not match"),
        ("dissent: {prosecution: [cc_328, cc_328]}", "dissent.prosecution", "listed twice"),
    ],
)
def test_contradictions_are_input_errors(tmp_path: Path, body: str, field: str, words: str) -> None:
    msg = problem(tmp_path, "case_id: a\n" + body + "\n")
    assert "contradiction" in msg and field in msg and words in msg
    assert "line" in msg


def test_errors_do_not_echo_long_free_text(tmp_path: Path) -> None:
    secret = "Lives at 12 Example Street, phone 555-0100, " * 3
    msg = problem(tmp_path, f"case_id: a\nmilitary:\n  deserted: '{secret}'\n")
    assert "Example Street" not in msg


BAD_FILES = {
    "yaml-syntax.yaml": b"case_id: a\nperson: {sex: male\n",
    "json-syntax.json": b'{"case_id": "a",}',
    "wrong-type.yaml": b"case_id: a\nmilitary: {deserted: 3}\n",
    "vocabulary.yaml": b"case_id: a\nmilitary: {service_status: drafted}\n",
    "unknown-field.yaml": b"case_id: a\nperson: {gender: male}\n",
    "contradiction.yaml": b"case_id: a\nmilitary: {service_status: never_served, deserted: true}\n",
    "empty.yaml": b"",
    "binary.yaml": b"\x00\x01\x02\x03",
    "latin1.yaml": b"case_id: a\nname: Andr\xe9\n",
    "list.yaml": b"- case_id: a\n",
    "bomb.yaml": b"case_id: a\nx: &x [1, 1]\ny: [*x, *x]\n",
    "huge.yaml": b"case_id: a\n" + b"# filler\n" * 150_000,
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_every_kind_of_bad_case_file_exits_2_with_one_clear_message(tmp_path: Path, name: str) -> None:
    from .conftest import run_cli

    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    r = run_cli(["evaluate", str(path)])
    assert r.code == 2, (r.out, r.err)
    assert r.err.startswith("error: ") and name in r.err
    assert "Traceback" not in r.err and not r.out
