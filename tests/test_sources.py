"""The source registry against the two fact sheets: every fact id is there with its marks, new-style citations
resolve, malformed ones are refused, corrections travel with every quotation, and context-only facts say so.

The fact sheets live in ``../shared/domain/`` beside the clone; the tests that read them skip when it is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casefile.errors import InputError
from casefile.sources import CITATION, SourceRegistry, load_sources
from tests.conftest import ROOT, run_cli

DOMAIN = ROOT.parent / "shared" / "domain"
SHEETS = ("legal-facts.md", "legal-facts-2026.md")
# a table row "| PL3 | fact | date | ..." or a list item "- **O1** fact"
ROW = re.compile(
    r"^(?:\| (?P<id>[A-Z]{1,2}(?:-[A-Z]{1,2})?\d{1,3}a?) \| (?P<fact>.*?) \||- \*\*(?P<item>O\d+)\*\* (?P<text>.*))"
)


@pytest.fixture(scope="module")
def registry() -> SourceRegistry:
    return load_sources(ROOT / "seeds")


def sheet_rows() -> list[tuple[str, str, str]]:
    """(sheet, id, fact text) for every fact row of both sheets, outside the corrections table (§10)."""
    if not DOMAIN.is_dir():
        pytest.skip(f"fact sheets not found in {DOMAIN}")
    rows = []
    for name in SHEETS:
        text = (DOMAIN / name).read_text(encoding="utf-8")
        text = re.split(r"^## 10\. ", text, flags=re.M)[0]
        for line in text.splitlines():
            m = ROW.match(line)
            if m:
                rows.append((name, m["id"] or m["item"], m["fact"] or m["text"]))
    return rows


def test_every_fact_of_both_sheets_is_in_the_registry(registry: SourceRegistry) -> None:
    rows = sheet_rows()
    assert {name for name, _, _ in rows} == set(SHEETS), "a sheet yielded no rows: has its table format changed?"
    missing = [f"{name}: {fid}" for name, fid, _ in rows if fid not in registry.facts]
    assert not missing, f"facts missing from seeds/legal.yaml: {missing}"
    assert len(rows) >= 101


def test_marks_of_the_sheets_become_statuses(registry: SourceRegistry) -> None:
    wrong = []
    for _, fid, fact in sheet_rows():
        status = registry.facts[fid].status
        corrected = bool(registry.facts[fid].corrected)
        # a §10 correction may settle a mark (FI3, G8, R4, F13's date, G5's counts); otherwise marks carry over
        if "⚠" in fact and "unverified" not in status and not corrected:
            wrong.append(f"{fid}: ⚠ in the sheet but not unverified")
        if "⚡" in fact and "disputed" not in status and not corrected:
            wrong.append(f"{fid}: ⚡ in the sheet but not disputed")
        if "⚠" not in fact and "⚡" not in fact and status and not corrected:
            wrong.append(f"{fid}: no mark in the sheet but status {status}")
    assert not wrong
    for fid in ("PL3", "LT-B10", "EU-D1", "R13"):
        assert registry.facts[fid].unverified and registry.facts[fid].note
    for fid in ("PL5", "EU-V1"):
        assert registry.facts[fid].disputed and registry.facts[fid].note


@pytest.mark.parametrize(
    "ref", ["legal:PL3", "legal:LT-B8", "legal:EE-B16", "legal:EU-D1", "legal:EU-P1", "legal:R10", "legal:FI10"]
)
def test_new_style_citations_resolve_with_their_web_pages(registry: SourceRegistry, ref: str) -> None:
    cit = registry.resolve(ref)
    assert cit is not None and cit.kind == "legal"
    assert cit.urls, f"{ref} resolved without the web pages it was read from"


def test_a_dublin_citation_carries_its_date_and_uncertainty(registry: SourceRegistry) -> None:
    cit = registry.resolve("legal:EU-D1")
    assert cit is not None
    assert "1 Jul 2026" in cit.title and "unverified" in cit.status
    assert any("fluechtlingsrat-bw.de" in u for u in cit.urls)
    assert any("24newsbulletin.com" in u for u in cit.urls), "W113's second appendix line was not merged"


@pytest.mark.parametrize(
    "ref",
    ["legal:pl3", "legal:LT-8", "legal:LT--B8", "legal:EUR-D1", "legal:EU-D", "legal:G06", "legal:G1234", "legal:PL3 "],
)
def test_malformed_citations_are_refused_with_a_hint(registry: SourceRegistry, ref: str) -> None:
    assert CITATION.match(ref) is None
    assert registry.resolve(ref) is None
    assert "legal:LT-B8" in (registry.suggestion(ref) or "")


def test_an_unknown_but_well_formed_id_is_refused_with_a_near_miss(registry: SourceRegistry) -> None:
    assert registry.resolve("legal:LT-B80") is None
    assert "LT-B8" in (registry.suggestion("legal:LT-B80") or "")


def test_a_corrected_fact_is_quoted_with_its_correction(registry: SourceRegistry) -> None:
    fi3 = registry.facts["FI3"]
    cit = registry.resolve("legal:FI3")
    assert cit is not None
    assert cit.text.startswith(fi3.fact), "the original wording must stay first, word for word"
    assert cit.text.endswith(" Corrected (2026): " + fi3.corrected)
    assert "extended to 31 Dec 2026" in cit.text
    assert fi3.corrected_by == ("FI5", "FI6", "FI7") and fi3.status == ()
    for fid in ("G5", "G7", "G8", "R4", "FI2", "F13", "B1", "B2", "FI4", "R5", "N5"):
        assert registry.facts[fid].corrected, f"{fid} lacks its §10 correction"
    assert registry.facts["N5"].unverified, "§10 keeps N5's ⚠"
    uncorrected = registry.resolve("legal:F1")
    assert uncorrected is not None and "Corrected (2026)" not in uncorrected.text


def test_corrections_point_to_facts_that_exist(registry: SourceRegistry) -> None:
    dangling = [(f.id, c) for f in registry.facts.values() for c in f.corrected_by if c not in registry.facts]
    assert not dangling


def test_context_only_facts_are_shown_as_such() -> None:
    r = run_cli(["sources"])
    assert r.code == 0, r.out
    rows = {line.split()[0]: line for line in r.out.splitlines() if line.strip()}
    for fid in ("F14", "F15", "R8", "R9", "O1", "O3", "EU-P4", "R14"):
        assert "context only" in rows[fid], rows[fid]
    assert "context only" not in rows["F1"]
    assert "late February 2026" in r.out
    one = run_cli(["sources", "legal:EU-P4"])
    assert one.code == 0 and "context only" in one.out


def test_one_corrected_fact_shows_the_correction_and_what_it_points_to() -> None:
    r = run_cli(["sources", "legal:FI3"])
    assert r.code == 0, r.out
    flat = " ".join(r.out.split())
    assert "Corrected (2026):" in flat and "legal:FI6" in flat


def test_an_unknown_use_mark_is_a_clear_input_error(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "legal.yaml").write_text("facts:\n  - id: G1\n    fact: x\n    use: background\n", encoding="utf-8")
    with pytest.raises(InputError, match="use 'background'"):
        load_sources(seeds)
