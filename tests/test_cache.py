"""The cache of parsed rule and source files: same rulebook as from the YAML, never stale, never trusted blindly."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from casefile.cache import load_file_cached
from casefile.documents import load_file
from casefile.errors import InputError
from casefile.rulebook import load_rulebook

from .conftest import ROOT


def rulebook_facts(folder: Path) -> tuple[str, dict[str, str | None]]:
    """The rulebook through the file cache: without its snapshot (tests/test_snapshot.py), which would stand in."""
    shutil.rmtree(Path(os.environ["CASEFILE_CACHE_DIR"]) / "rulebooks", ignore_errors=True)
    book = load_rulebook(folder, ROOT / "seeds")
    return book.fingerprint, {rid: rule.reason for rid, rule in book.rules.items()}


def test_a_rulebook_read_through_the_cache_is_the_one_read_from_yaml(cache_dir: Path, rules: Path) -> None:
    first = rulebook_facts(rules)  # parses the YAML and fills the cache
    assert len(list(cache_dir.glob("*.json"))) >= len(list(rules.glob("*.yaml")))
    second = rulebook_facts(rules)  # from the cache
    assert first == second
    for path in sorted(rules.glob("*.yaml")):
        cached = load_file_cached(path, max_bytes=2_000_000, what="rule file")
        plain = load_file(path, max_bytes=2_000_000, what="rule file")
        assert (cached.data, cached.lines.lines, cached.name) == (plain.data, plain.lines.lines, plain.name)


def test_an_edited_file_is_never_served_from_the_cache(cache_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("name: first\nwhen: 2022-09-21\n", encoding="utf-8")
    assert load_file_cached(path, max_bytes=10_000, what="rule file").data == {
        "name": "first",
        "when": dt.date(2022, 9, 21),
    }
    assert load_file_cached(path, max_bytes=10_000, what="rule file").data["name"] == "first"  # from the cache
    path.write_text("name: second\nwhen: 2022-09-21\n", encoding="utf-8")
    assert load_file_cached(path, max_bytes=10_000, what="rule file").data["name"] == "second"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.yaml"):  # errors are the parser's, never cached
        load_file_cached(path, max_bytes=10_000, what="rule file")


@pytest.mark.parametrize(
    "garbage",
    [
        b"not json at all",
        b"\x80\x04\x95pickle-like bytes",
        b'{"format": "casefile-parsed-document-1", "data": {"rules": "\\u0000exec:rm -rf"}, "lines": []}',
        b'{"format": "casefile-parsed-document-1", "data": {}, "lines": [[{"a": 1}, 3]]}',  # made for no text
        b'{"format": "something-else", "data": {}, "lines": []}',
        b'{"format": "casefile-parsed-document-1", "data": {"x": 1}',  # truncated
    ],
)
def test_a_corrupt_or_foreign_cache_file_is_ignored_and_rewritten(cache_dir: Path, rules: Path, garbage: bytes) -> None:
    expected = rulebook_facts(rules)
    for entry in cache_dir.glob("*.json"):
        entry.write_bytes(garbage)
    assert rulebook_facts(rules) == expected  # fell back to the YAML
    for entry in cache_dir.glob("*.json"):  # and the cache holds good entries again
        assert json.loads(entry.read_bytes())["format"] == "casefile-parsed-document-1"


def test_the_cache_can_be_turned_off(cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEFILE_CACHE", "off")
    rulebook_facts(rules)
    assert not cache_dir.exists()


def test_an_unwritable_cache_folder_means_no_cache_not_an_error(
    tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CASEFILE_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("CASEFILE_CACHE", raising=False)
    assert rulebook_facts(rules)[1]


@pytest.mark.parametrize("damage", ["lines", "data", "source"])
def test_an_entry_made_for_this_text_but_malformed_is_ignored(cache_dir: Path, rules: Path, damage: str) -> None:
    expected = rulebook_facts(rules)
    for entry in cache_dir.glob("*.json"):
        raw = json.loads(entry.read_bytes())
        if damage == "lines":
            raw["lines"][0][0] = {"not": "a path"}
        elif damage == "data":
            raw["data"] = {"rules": "\u0000code:print(1)"}
        else:
            raw["source"] = "0" * 64
        entry.write_text(json.dumps(raw), encoding="utf-8")
    assert rulebook_facts(rules) == expected
