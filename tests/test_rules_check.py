"""`casefile rules check` catches each class of defect a maintainer can make, with file and line.

Each file in tests/fixtures/broken_rules/ is a deliberately broken rules/de.yaml; the test copies the shipped
rulebook, puts the broken file in place of de.yaml, runs the check and expects exit 1 and the right finding.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from casefile.errors import InputError
from casefile.rulebook import load_rulebook

from .conftest import FIXTURES, ROOT, run_cli

BROKEN = FIXTURES / "broken_rules"

EXPECTED = {
    "uncited": "every rule must cite at least one source",
    "unresolved_citation": "citation 'seed:000#andrej' does not resolve",
    "unknown_fact": "unknown fact 'military.desserted'",
    "value_outside_vocabulary": "'mobilized' is not a value of 'military.service_status'",
    "never_fires": "never fires: 'de.practice.never'",
    "invalid_dates": "valid_to 2022-05-01 is before valid_from 2023-05-01",
    "overlapping_validity": "overlapping validity",
    "dangling_override": "'de.practice.deserter_protections' names no rule (dangling override)",
    "conflict": "conflict: 'de.practice.deserters_protected'",
    "override_cycle": "overrides itself through a cycle",
    "code_in_rule_file": "custom YAML tags are not allowed",
    "malformed_yaml": "not valid YAML",
    "unmarked_uncertainty": "cites legal:G6, marked unverified",
    "caveat_misses_fact": "its caveat does not name G6",
    "context_only": "rests only on facts marked context only",
    "window_after_rulebook": "starts on 2031-01-01, after the rulebook's knowledge date",
    "no_default": "DE has no unconditional practice rule",
}


def test_every_fixture_has_an_expectation() -> None:
    assert {p.stem for p in BROKEN.glob("*.yaml")} == set(EXPECTED)


def broken_rulebook(tmp_path: Path, name: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    shutil.copy(BROKEN / f"{name}.yaml", rules / "de.yaml")
    return rules


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rules_check_catches(tmp_path: Path, name: str) -> None:
    rules = broken_rulebook(tmp_path, name)
    r = run_cli(["rules", "check", "--rules", str(rules), "--seeds", str(ROOT / "seeds")])
    assert r.code == 1, r.out + r.err
    assert EXPECTED[name] in r.out, r.out
    finding = next(line for line in r.out.splitlines() if EXPECTED[name] in line)
    assert re.search(r"de\.yaml(:\d+|, line \d+)", finding) or "de.yaml" in finding, finding


def test_a_conflict_comes_with_an_example_case(tmp_path: Path) -> None:
    r = run_cli(
        ["rules", "check", "--rules", str(broken_rulebook(tmp_path, "conflict")), "--seeds", str(ROOT / "seeds")]
    )
    assert "example case:" in r.out
    assert "military.deserted = True" in r.out and "military.draft_notice_received = False" in r.out


def test_a_rulebook_with_a_conflict_does_not_load(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_rulebook(broken_rulebook(tmp_path, "conflict"), ROOT / "seeds")
    assert "neither overrides the other" in str(info.value)


def test_a_rule_without_a_source_does_not_load(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_rulebook(broken_rulebook(tmp_path, "uncited"), ROOT / "seeds")
    assert "de.yaml" in str(info.value) and "cite at least one source" in str(info.value)


def test_code_in_a_rule_file_never_runs(tmp_path: Path, capfd) -> None:
    with pytest.raises(InputError):
        load_rulebook(broken_rulebook(tmp_path, "code_in_rule_file"), ROOT / "seeds")
    assert "owned" not in capfd.readouterr().out


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "binary file"),
        (b"jurisdiction: DE\nname: M\xfcnchen\n", "not valid UTF-8"),
        (b"a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", "anchors and aliases are not allowed"),
        (b"- just\n- a list\n", "expected a rule file"),
        (b"jurisdiction: DE\nname: x\n" + b"# padding\n" * 250_000, "at most"),
    ],
    ids=["empty", "binary", "non-utf8", "alias-bomb", "top-level-list", "huge"],
)
def test_bad_rule_files_are_reported_not_crashed_on(tmp_path: Path, content: bytes, words: str) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "de.yaml").write_bytes(content)
    r = run_cli(["rules", "check", "--rules", str(rules), "--seeds", str(ROOT / "seeds")])
    assert r.code == 1, (r.out, r.err)
    assert words in r.out and "de.yaml" in r.out
    assert "Traceback" not in r.out + r.err


def test_a_missing_rules_folder_is_bad_input(tmp_path: Path) -> None:
    r = run_cli(["rules", "check", "--rules", str(tmp_path / "nowhere")])
    assert r.code == 2 and "no such folder" in r.err


def test_rules_check_reports_a_derived_fact_no_rule_reads(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    common = rules / "common.yaml"
    text = common.read_text(encoding="utf-8")
    text = text.replace(
        "derived_facts:\n",
        "derived_facts:\n  - name: never_read\n    label: Concluded but never read\n",
        1,
    )
    text = text.replace(
        "rules:\n",
        "rules:\n  - id: common.derive.never_read\n    title: Concludes a fact nobody reads\n    stage: derive\n"
        "    when: {military.deserted: true}\n    derive: {never_read: true}\n"
        "    reason: A derived fact that no rule reads.\n    sources: [legal:R2]\n",
        1,
    )
    common.write_text(text, encoding="utf-8")
    r = run_cli(["rules", "check", "--rules", str(rules), "--seeds", str(ROOT / "seeds")])
    assert r.code == 1 and "derived fact 'derived.never_read'" in r.out, r.out


def test_rules_check_reports_a_case_fact_no_rule_reads_unless_marked_recorded_only(monkeypatch) -> None:
    import dataclasses

    from casefile import facts
    from casefile.check import unread_facts
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    assert unread_facts(book) == []  # every fact of the shipped vocabulary is read or marked recorded-only
    spec = facts.CASE_FACTS["dissent.sur_place_activity"]
    assert spec.recorded_only, "sur_place_activity is marked recorded-only with a reason"
    monkeypatch.setitem(facts.CASE_FACTS, "dissent.sur_place_activity", dataclasses.replace(spec, recorded_only=""))
    found = unread_facts(book)
    assert [f.kind for f in found] == ["unread case fact"] and "dissent.sur_place_activity" in found[0].message
