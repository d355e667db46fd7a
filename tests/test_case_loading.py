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
            "military: {draft_notice_received: false, call_up_purpose: mobilisation}",
            "military.call_up_purpose",
            "draft_notice_received is false",
        ),
        (
            "military: {draft_notice_received: false, service_status: mobilised}",
            "military.draft_notice_received",
            "means a call-up was received",
        ),
        (
            "military: {call_up_delivery: e_summons, draft_notice_date: 2022-10-01}",
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


OLD_VOCABULARY = Path(__file__).parent / "fixtures" / "old_vocabulary"


@pytest.mark.parametrize("path", sorted(OLD_VOCABULARY.glob("*.yaml")), ids=lambda p: p.stem)
def test_case_files_of_the_first_vocabulary_still_load_with_one_warning_per_renamed_field(path: Path) -> None:
    """Training material written before the vocabulary changed keeps working; each renamed field is named once."""
    from casefile.case import load_case

    text = path.read_text(encoding="utf-8")
    case = load_case(path)
    old = [name for name in ("draft_notice_kind", "war_crimes_indication", "entry_route") if f"{name}:" in text]
    assert old, "the fixture uses the first vocabulary"
    assert len(case.load_warnings) == len(old)
    for name in old:
        assert sum(f".{name} is renamed" in w for w in case.load_warnings) == 1, name


def test_a_renamed_field_maps_to_its_replacement() -> None:
    from casefile.case import case_from_text

    case = case_from_text(
        "case_id: a\nmilitary: {draft_notice_kind: e_summons, war_crimes_indication: true, service_status: mobilised}"
        "\njourney: {entry_route: land_border}\n"
    )
    assert case.military.call_up_delivery is not None and case.military.call_up_delivery.value == "e_summons"
    assert case.military.call_up_purpose is None  # an e-summons says how, not what for
    assert case.military.unit_war_crimes is True and case.military.personal_involvement_indication is None
    assert case.journey.entry_crossing is not None and case.journey.entry_crossing.value == "land"


def test_an_old_and_a_new_name_for_the_same_fact_are_refused(tmp_path: Path) -> None:
    msg = problem(tmp_path, "case_id: a\nmilitary: {draft_notice_kind: mobilisation, call_up_purpose: conscription}\n")
    assert "military.draft_notice_kind" in msg and "call_up_purpose" in msg


def test_the_schema_documents_every_enum_value_in_words() -> None:
    from casefile.case import CaseFile

    schema = CaseFile.model_json_schema()
    props = {**schema["$defs"]["Military"]["properties"], **schema["$defs"]["Journey"]["properties"]}
    for field in ("call_up_purpose", "call_up_delivery", "entry_crossing", "entry_document"):
        meanings = props[field]["x-value-meanings"]
        assert meanings and all(len(words) > 3 for words in meanings.values())
    assert "unit_war_crimes" in props and "personal_involvement_indication" in props
    assert "x-recorded-only" in props["call_up_delivery"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (
            "military: {call_up_purpose: mobilisation, draft_notice_date: 2022-05-01}",
            "military.draft_notice_date",
            "21 Sep 2022",
        ),
        (
            "journey: {application_place: territory, entry_date: 2023-05-02, application_date: 2023-05-01}",
            "journey.application_date",
            "before the entry",
        ),
        ("military: {deserted: false, deserted_date: 2023-01-01}", "military.deserted_date", "deserted is false"),
        ("journey: {entry_document: none, visa_issuer: FI}", "journey.visa_issuer", "entry_document"),
        ("person: {citizenship: RU, other_citizenships: [RU]}", "person.other_citizenships", "main citizenship"),
    ],
)
def test_contradictions_of_the_new_vocabulary_are_input_errors(
    tmp_path: Path, body: str, field: str, words: str
) -> None:
    msg = problem(tmp_path, "case_id: a\n" + body + "\n")
    assert "contradiction" in msg and field in msg and words in msg
