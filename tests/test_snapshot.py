"""Rulebook snapshots: the same rulebook as loading the files, never stale, never trusted blindly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from casefile.errors import InputError
from casefile.rulebook import Rulebook, load_rulebook

from .conftest import ROOT


def from_files(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Rulebook:
    with monkeypatch.context() as m:
        m.setenv("CASEFILE_CACHE", "off")
        return load_rulebook(folder, ROOT / "seeds")


def snapshots(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "rulebooks").glob("*.json"))


def test_a_rulebook_read_from_its_snapshot_equals_the_one_loaded_from_the_files(
    cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = from_files(rules, monkeypatch)
    load_rulebook(rules, ROOT / "seeds")  # loads the files and writes the snapshot
    assert len(snapshots(cache_dir)) == 1
    again = load_rulebook(rules, ROOT / "seeds")
    assert again == expected  # every field: rules, conditions, precedence, sources, knowledge, fingerprint ...
    assert again.specs == expected.specs and list(again.specs) == list(expected.specs)
    assert all(r.file.startswith(str(rules)) for r in again.rules.values())


def test_an_edited_rule_file_is_never_served_from_an_old_snapshot(
    cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_rulebook(rules, ROOT / "seeds")
    path = rules / "de.yaml"
    text = path.read_text(encoding="utf-8")
    old = load_rulebook(rules, ROOT / "seeds").rules["de.practice.deserter_protection"].reason
    head = " ".join(old.split()[:8])
    assert text.count(head) == 1
    path.write_text(text.replace(head, "EDITED-" + head, 1), encoding="utf-8")
    edited = load_rulebook(rules, ROOT / "seeds")
    assert edited.rules["de.practice.deserter_protection"].reason.startswith("EDITED-")
    assert edited == from_files(rules, monkeypatch)


def test_a_copy_of_the_rules_elsewhere_gets_its_own_snapshot(cache_dir: Path, rules: Path, tmp_path: Path) -> None:
    load_rulebook(rules, ROOT / "seeds")
    elsewhere = tmp_path / "elsewhere" / "rules"
    shutil.copytree(rules, elsewhere)
    book = load_rulebook(elsewhere, ROOT / "seeds")
    assert all(r.file.startswith(str(elsewhere)) for r in book.rules.values())  # locations name the copy
    assert len(snapshots(cache_dir)) == 2


def test_a_rulebook_that_does_not_load_leaves_no_snapshot(cache_dir: Path, rules: Path) -> None:
    path = rules / "de.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("sources:", "sourcez:", 1), encoding="utf-8")
    with pytest.raises(InputError):
        load_rulebook(rules, ROOT / "seeds")
    assert snapshots(cache_dir) == []


def _rule_without_sources(raw: dict) -> None:
    rules = raw["rulebook"]["rules"]
    first = next(iter(rules))
    rules[first]["sources"] = {"$t": []}


def _unknown_class(raw: dict) -> None:
    rules = raw["rulebook"]["rules"]
    rules[next(iter(rules))]["condition"] = {"$o": "Popen", "args": "rm -rf ~"}


def _unknown_fact(raw: dict) -> None:
    rules = raw["rulebook"]["rules"]
    rules[next(iter(rules))]["condition"] = {"$o": "Atom", "fact": "military.invented", "op": "eq", "value": True}


def _uncited_criterion(raw: dict) -> None:
    criteria = raw["rulebook"]["criteria"]
    criteria[next(iter(criteria))]["sources"] = {"$t": ["legal:ZZ999"]}


def _dangling_precedence(raw: dict) -> None:
    defeats = raw["rulebook"]["defeats"]
    defeats[next(iter(defeats))] = {"$fs": ["no.such.rule"]}


def _other_key(raw: dict) -> None:
    raw["key"] = "0" * 64


@pytest.mark.parametrize(
    "damage",
    [_rule_without_sources, _unknown_class, _unknown_fact, _uncited_criterion, _dangling_precedence, _other_key],
)
def test_a_snapshot_that_breaks_a_promise_of_the_loader_is_ignored_and_rewritten(
    cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch, damage
) -> None:
    expected = from_files(rules, monkeypatch)
    load_rulebook(rules, ROOT / "seeds")
    (entry,) = snapshots(cache_dir)
    raw = json.loads(entry.read_bytes())
    damage(raw)
    entry.write_text(json.dumps(raw), encoding="utf-8")
    assert load_rulebook(rules, ROOT / "seeds") == expected  # loaded from the files instead
    assert json.loads(entry.read_bytes()) != raw  # the damaged snapshot was replaced
    assert load_rulebook(rules, ROOT / "seeds") == expected


@pytest.mark.parametrize("garbage", [b"", b"not json", b"\x80\x04\x95pickle", b'{"format": "casefile-rulebook-snap'])
def test_a_corrupt_or_truncated_snapshot_is_ignored_and_rewritten(
    cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch, garbage: bytes
) -> None:
    expected = from_files(rules, monkeypatch)
    load_rulebook(rules, ROOT / "seeds")
    (entry,) = snapshots(cache_dir)
    entry.write_bytes(garbage)
    assert load_rulebook(rules, ROOT / "seeds") == expected
    assert json.loads(entry.read_bytes())["format"] == "casefile-rulebook-snapshot-1"  # rewritten whole


def test_snapshots_are_off_with_the_cache(cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEFILE_CACHE", "off")
    load_rulebook(rules, ROOT / "seeds")
    assert not cache_dir.exists()
