"""Markdown and HTML reports: the handouts trainers print or project.

Both carry the notice first and last, show all seven jurisdictions with the ★ on the country of application and the
checklist symbols, and list their sources. The HTML page is self-contained: no script, nothing fetched from the
network. ``--redact`` keeps the name out of the heading; ``--output`` never overwrites a file without ``--force``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from casefile import DISCLAIMER
from casefile.assessment import assess
from casefile.case import load_case
from casefile.render.html import render_html
from casefile.render.markdown import render_markdown
from casefile.results import Assessment

from .conftest import EXAMPLES, run_cli

ANDREI = "examples/andrei.yaml"
DESERTER = "examples/mobilised-deserter.yaml"  # case_id mobilised-deserter, name "Mobilised deserter (sample)"
CODES = ["DE", "NL", "EE", "LV", "LT", "PL", "FI"]
NAMES = ["Germany", "Netherlands", "Estonia", "Latvia", "Lithuania", "Poland", "Finland"]
KINDS = ["evaluate", "compare"]


@pytest.fixture(scope="module")
def andrei() -> Assessment:
    return assess(load_case(EXAMPLES / "andrei.yaml"))


def text_of(page: str) -> str:
    """The visible text of an HTML page, roughly: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def heading(page: str) -> str:
    """The <title> and <h1> of an HTML page."""
    found = re.findall(r"<title>(.*?)</title>|<h1[^>]*>(.*?)</h1>", page, flags=re.S)
    return html.unescape(" ".join(t or h for t, h in found))


# ------------------------------------------------------------------------------------------------------ Markdown


@pytest.mark.parametrize("kind", KINDS)
def test_markdown_opens_and_ends_with_the_notice_and_shows_all_seven(andrei: Assessment, kind: str) -> None:
    md = render_markdown(andrei, kind)
    lines = md.strip().splitlines()
    assert lines[0].startswith(">") and DISCLAIMER in lines[0]
    assert lines[-1].startswith(">") and DISCLAIMER in lines[-1]
    for name in NAMES:
        assert name in md
    assert re.search(r"^\| ★ \| DE Germany \|", md, flags=re.M), "the ★ marks Germany in the table"
    assert not re.search(r"^\| ★ \| (NL|EE|LV|LT|PL|FI) ", md, flags=re.M)
    if kind == "evaluate":  # the handout names its sources in each card; the full list is in --details
        assert "## Sources" in md
        for ref in andrei.sources:
            assert f"`{ref}`" in md


def test_markdown_compare_has_the_table_the_differences_and_deciding_rules(andrei: Assessment) -> None:
    md = render_markdown(andrei, "compare")
    assert "| ★ | Jurisdiction | Access | Practice | Standard | Tension | Outcome |" in md
    assert "refusal likely" in md and "refusal_likely" not in md
    assert "## What makes the difference" in md
    deciding = [f for f in andrei.jurisdiction("DE").fired if f.decided and f.stage == "practice"]
    title = deciding[0].title
    assert title in md, "the deciding rule, by its title"
    assert "The Moscow Times, 2025-07-29" in md and "Legal facts G6" in md, "sources as short citations"
    assert "de.practice.low_profile_dissident" not in md and "seed:000#andrei_refusal" not in md


def test_markdown_evaluate_has_checklist_why_unknowns_and_what_would_change(andrei: Assessment) -> None:
    md = render_markdown(andrei, "evaluate")
    for symbol in ("- ✓ ", "- ✗ ", "- ? "):
        assert symbol in md
    for section in ("### Checklist", "### Why", "### Unknown facts that matter", "### Facts the outcome depends on"):
        assert md.count(section) >= 1
    assert md.count("### Checklist") == 7
    assert "not prominent enough" in md
    assert "overridden by" in md
    assert "`military.deserted` = yes → **individual assessment**" in md
    assert "protection likely" not in md.split("What would")[-1].split("###")[0]  # no unsourced promise (#8)


def test_markdown_warnings_come_before_the_first_jurisdiction() -> None:
    a = assess(load_case(EXAMPLES / "andrei.yaml"), as_of=dt.date(2030, 1, 1))
    assert a.warnings
    md = render_markdown(a, "evaluate")
    assert md.find(a.warnings[0]) < md.find("## DE Germany")


def test_markdown_table_cells_escape_pipes(andrei: Assessment) -> None:
    a = andrei.model_copy(deep=True)
    a.jurisdictions[0].name = "Ger|many"
    md = render_markdown(a, "compare")
    assert "DE Ger\\|many" in md


# ---------------------------------------------------------------------------------------------------------- HTML


def assert_self_contained(page: str) -> None:
    low = page.lower()
    assert "<script" not in low
    for pattern in (r"""src\s*=\s*["']?\s*(https?:)?//""", r"""href\s*=\s*["']?\s*(https?:)?//""", r"url\("):
        assert not re.search(pattern, low), pattern
    for fragment in ('src="http', 'href="http', "url(http", "@import", "<link", "<img", "<iframe", "<object"):
        assert fragment not in low, fragment


@pytest.mark.parametrize("kind", KINDS)
def test_html_is_one_self_contained_page_with_everything(andrei: Assessment, kind: str) -> None:
    page = render_html(andrei, kind)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert_self_contained(page)
    text = text_of(page)
    assert text.count(DISCLAIMER) >= 2, "the notice is shown at the top and again at the bottom"
    assert text.find(DISCLAIMER) < text.find("Germany")
    assert text.rfind(DISCLAIMER) > text.rfind("Finland")
    for code, name in zip(CODES, NAMES, strict=True):
        assert name in text
        assert f'id="j-{code}"' in page
        assert f'id="row-{code}"' in page
    row = re.search(r'<tr id="row-DE"[^>]*>(.*?)</tr>', page, flags=re.S)
    assert row and "★" in row.group(1)
    for code in CODES[1:]:
        other = re.search(rf'<tr id="row-{code}"[^>]*>(.*?)</tr>', page, flags=re.S)
        assert other and "★" not in other.group(1)
    assert "Andrei" in heading(page)
    if kind == "evaluate":
        for symbol, word in (("✓", "met"), ("✗", "not met"), ("?", "unknown")):
            assert f"{symbol} {word}" in text
        assert "2025-07-29" in text and andrei.rulebook_version in text and andrei.engine in text
    else:
        assert "What makes the difference" in text
        assert "29 Jul 2025" in text and andrei.engine not in text, "the handout names no engine"


def test_html_handout_cards_give_each_outcome_its_reason(andrei: Assessment) -> None:
    page = render_html(andrei, "compare")
    cards = re.findall(r"<article[^>]*>(.*?)</article>", page, flags=re.S)
    for j in andrei.jurisdictions:
        card = next(html.unescape(c) for c in cards if re.search(rf'id="j-{j.code}"|>{j.code} ', c) or j.name in c)
        for f in j.fired:
            if f.decided and f.stage == "practice":
                assert f.title in card, (j.code, f.rule)
    assert "not prominent enough" in page


def test_html_every_card_has_its_checklist_and_reasons(andrei: Assessment) -> None:
    kind = "evaluate"
    page = render_html(andrei, kind)
    cards = dict(re.findall(r'<article[^>]*id="j-([A-Z]{2})"[^>]*>(.*?)</article>', page, flags=re.S))
    assert sorted(cards) == sorted(CODES)
    for j in andrei.jurisdictions:
        card = html.unescape(cards[j.code])
        for item in j.checklist:
            assert item.label in card, (j.code, item.id)
        for f in j.fired:
            if f.decided and f.stage != "derive":
                assert f.because in card, (j.code, f.rule)
    assert "not prominent enough" in html.unescape(cards["DE"])


def test_html_lists_every_source_with_its_status(andrei: Assessment) -> None:
    page = render_html(andrei, "evaluate")
    text = text_of(page)
    for ref, note in andrei.sources.items():
        assert ref in text
        assert note.title in text
        if note.status:
            assert f"⚠ {', '.join(note.status)}" in text
    assert "https://www.themoscowtimes.com" in text, "source addresses are printed as plain text"


def test_html_escapes_what_comes_from_case_files(andrei: Assessment) -> None:
    a = andrei.model_copy(deep=True)
    a.name = '<script>alert("x")</script> & <img src="http://example.org/x.png">'
    page = render_html(a, "compare")
    assert_self_contained(page)
    assert "&lt;script&gt;" in page


def test_html_shows_the_warnings() -> None:
    a = assess(load_case(EXAMPLES / "andrei.yaml"), as_of=dt.date(2030, 1, 1))
    page = render_html(a, "compare")
    text = text_of(page)
    assert a.warnings
    for w in a.warnings:
        assert w in text
    assert text.find(a.warnings[0]) < text.find("Side by side")


def test_html_remaining_route_is_shown_where_entry_is_barred() -> None:
    # the same route still to be taken (no entry yet): the restriction bars it and names what remains
    case = load_case(EXAMPLES / "estonia-tourist-visa.yaml")
    case = case.model_copy(
        update={"journey": case.journey.model_copy(update={"entry_date": None, "application_date": None})}
    )
    a = assess(case)
    ee = a.jurisdiction("EE")
    assert ee.outcome == "entry_barred"
    routes = [f.remaining_route for f in ee.fired if f.remaining_route]
    assert routes
    page = render_html(a, "evaluate")
    card = html.unescape(re.search(r'<article[^>]*id="j-EE"[^>]*>(.*?)</article>', page, flags=re.S).group(1))
    assert "What remains:" in card and routes[0] in card


def test_html_print_styles_keep_cards_whole_on_a_white_page(andrei: Assessment) -> None:
    page = render_html(andrei, "compare")
    css = page[page.index("<style>") : page.index("</style>")]
    print_css = css[css.index("@media print") :]
    assert "page-break-inside: avoid" in print_css and ".card" in print_css
    assert re.search(r"body\s*{[^}]*background:\s*#fff", print_css)


# ---------------------------------------------------------------------------------------------------------- CLI


@pytest.mark.parametrize("command", KINDS)
@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_cli_renders_markdown_and_html(command: str, fmt: str) -> None:
    r = run_cli([command, ANDREI, "--format", fmt])
    assert r.code == 0, r.err
    out = text_of(r.out) if fmt == "html" else r.out
    assert DISCLAIMER in out
    for name in NAMES:
        assert name in out
    assert "★" in out
    if fmt == "html":
        assert_self_contained(r.out)


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize("command", KINDS)
def test_redact_removes_the_name_from_the_heading(command: str, fmt: str) -> None:
    plain = run_cli([command, DESERTER, "--format", fmt])
    redacted = run_cli([command, DESERTER, "--format", fmt, "--redact"])
    assert plain.code == redacted.code == 0, redacted.err
    assert "Mobilised deserter (sample)" in plain.out
    assert "Mobilised deserter" not in redacted.out
    assert "mobilised-deserter" in redacted.out
    if fmt == "html":
        assert "Mobilised deserter (sample)" in heading(plain.out)
        assert "mobilised-deserter" in heading(redacted.out)
    else:
        assert re.search(r"^# .*mobilised-deserter", redacted.out, flags=re.M)


def test_output_writes_the_file_and_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "andrei.html"
    r = run_cli(["compare", ANDREI, "--format", "html", "--output", str(target)])
    assert r.code == 0, r.err
    assert r.out == ""
    written = target.read_text(encoding="utf-8")
    assert 'id="j-DE"' in written and DISCLAIMER in text_of(written)

    target.write_text("keep me", encoding="utf-8")
    r = run_cli(["compare", ANDREI, "--format", "html", "--output", str(target)])
    assert r.code == 2
    assert "--force" in r.err
    assert target.read_text(encoding="utf-8") == "keep me"

    r = run_cli(["compare", ANDREI, "--output", str(target), "--force"])
    assert r.code == 0, r.err
    assert target.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")


def test_output_markdown_for_evaluate(tmp_path: Path) -> None:
    target = tmp_path / "andrei.md"
    r = run_cli(["evaluate", ANDREI, "--format", "markdown", "-o", str(target)])
    assert r.code == 0, r.err
    md = target.read_text(encoding="utf-8")
    assert md.count("### Checklist") == 7
    again = run_cli(["evaluate", ANDREI, "--format", "markdown", "-o", str(target)])
    assert again.code == 2
    assert target.read_text(encoding="utf-8") == md
