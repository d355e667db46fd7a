"""The handout (`casefile compare`): one content in every format, plain words, and at most three printed pages.

The page-count test prints every example's HTML handout to A4 with headless Chromium and counts the PDF's pages
(pypdfium2); Andrei's PDF and a PNG of its first page are kept in ``tests/artifacts/`` for a person to look at.
Without Chromium these tests are skipped, except on CI, where they fail (as in test_html_chromium.py).
"""

from __future__ import annotations

import html
import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from casefile.facts import CASE_FACTS
from casefile.report import SECTIONS, glossary_entries

from .conftest import EXAMPLES, ROOT, run_cli
from .test_html_chromium import chromium_binary

EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
ARTIFACTS = ROOT / "tests" / "artifacts"
FORMATS = ("text", "markdown", "html")
HANDOUT_SECTIONS = [v for k, v in SECTIONS.items() if k not in ("details", "sources")]


def handout(case: str, fmt: str, *extra: str) -> str:
    r = run_cli(["compare", case, "--format", fmt, *extra])
    assert r.code == 0, r.err
    return r.out


def visible(page: str) -> str:
    """The text a reader sees in an HTML page (tags removed, entities decoded)."""
    page = re.sub(r"<(style|head)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def body(text: str, fmt: str) -> str:
    return visible(text) if fmt == "html" else text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_section_is_in_every_format_with_the_same_name(fmt: str) -> None:
    out = body(handout("andrei", fmt), fmt)
    for title in HANDOUT_SECTIONS:
        assert title in out, (fmt, title)
    assert "Gap" not in out, "the column is called Tension everywhere"
    assert out.count("Educational model, not legal advice") >= 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_facts_card_says_what_the_case_file_says_in_words(fmt: str) -> None:
    out = body(handout("andrei", fmt), fmt)
    assert re.search(r"Channel or site blocked by the authorities\W+yes", out), "booleans read yes/no"
    assert "29 Jul 2025" in out, "dates read as a person writes them"
    assert "Did the person leave a military unit without leave (desert)?" in out, "an unknown fact is a question"
    assert "True" not in out and "true →" not in out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", ["andrei", "estonia-tourist-visa", "contract-soldier-war-crimes"])
def test_no_rule_id_field_path_source_id_or_engine_name_in_the_handout(case: str, fmt: str, book) -> None:
    out = body(handout(case, fmt), fmt)
    for rule_id in book.rules:
        assert rule_id not in out, (fmt, rule_id)
    for path in CASE_FACTS:
        assert path not in out, (fmt, path)
    assert not re.search(r"\b(seed|legal):[\w#]+", out), re.search(r"\b(seed|legal):[\w#]+", out)
    assert "durable" not in out.lower() and "reference evaluator" not in out.lower()
    assert "_" not in re.sub(r"[^\S\n]+", " ", out).replace("___", ""), "no code-like words with underscores"


@pytest.mark.parametrize("fmt", FORMATS)
def test_low_confidence_and_the_caveat_are_shown_with_the_outcome(fmt: str, book) -> None:
    out = body(handout("andrei", fmt), fmt)
    assert re.search(r"refusal likely\W+\(low confidence\)", out), "DE's outcome carries its confidence"
    flat = " ".join(out.split())
    caveat = " ".join(book.rules["de.practice.low_profile_dissident"].caveat.split())
    assert caveat in flat, "the deciding rule's caveat is shown"


@pytest.mark.parametrize("fmt", FORMATS)
def test_details_add_the_appendix_with_rule_ids_and_sources(fmt: str) -> None:
    plain = body(handout("andrei", fmt), fmt)
    detailed = body(handout("andrei", fmt, "--details"), fmt)
    assert SECTIONS["details"] not in plain
    assert SECTIONS["details"] in detailed
    assert "de.practice.low_profile_dissident" in detailed
    assert "Legal facts G6 (unverified" in detailed
    assert detailed.find(SECTIONS["details"]) > detailed.find(SECTIONS["glossary"]), "the appendix comes last"


def test_the_glossary_lists_only_the_terms_the_page_uses() -> None:
    page = handout("andrei", "html")
    text = visible(page)
    body_text = text[: text.find(SECTIONS["glossary"])]
    listed = [html.unescape(t) for t in re.findall(r"<dt>(.*?)</dt>", page[page.find('id="glossary"') :])]
    assert len(listed) >= 8
    forms = {term: (term, *matches) for term, matches, _, _ in glossary_entries()}
    for term in listed:
        assert any(f.lower() in body_text.lower() for f in forms[term]), f"{term!r} is listed but not used"
    for term in ("individual assessment", "tension", "IND", "Migri"):
        assert term in listed, term
    for term, all_forms in forms.items():
        if term not in listed and term[:1].isalnum():
            used = [f for f in all_forms if re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", body_text, re.I)]
            assert not used or term in ("EZ", "IND", "UNHCR", "CoAO"), f"{term!r} is used ({used}) but not explained"
    terms = [t for t, *_ in glossary_entries()]
    assert len(terms) == len(set(terms)), "one entry per term"


def test_markdown_and_html_say_the_same_sentences() -> None:
    md = handout("andrei", "markdown")
    page = " ".join(visible(handout("andrei", "html")).split())
    sentences = re.findall(r"^- \*\*[^*]+\*\* — [^:]+: (.+)$", md, flags=re.M)
    assert len(sentences) >= 3
    for s in sentences:
        assert " ".join(s.replace("\\", "").split()) in page


# ---------------------------------------------------------------------------------------------- printed pages


def print_to_pdf(binary: str, page: Path, pdf: Path, profile: Path) -> None:
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]


def write_png(bitmap, path: Path) -> None:
    """Page 1 as a PNG (RGB), written with the standard library."""
    w, h, stride, n = bitmap.width, bitmap.height, bitmap.stride, bitmap.n_channels
    buf = bytes(bitmap.buffer)
    raw = b"".join(b"\x00" + buf[y * stride : y * stride + w * n] for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    colour = 2 if n == 3 else 6
    header = struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    )


@pytest.mark.chromium
@pytest.mark.parametrize(  # two in the quick subset (the first and the longest), every example in the full suite
    "case",
    [
        c if c in ("andrei", "journalist-humanitarian-visa") else pytest.param(c, marks=pytest.mark.slow)
        for c in EXAMPLE_NAMES
    ],
)
def test_the_html_handout_prints_on_at_most_three_a4_pages(case: str, tmp_path: Path) -> None:
    binary = chromium_binary()
    pdfium = pytest.importorskip("pypdfium2")
    page = tmp_path / f"{case}.html"
    page.write_text(handout(case, "html"), encoding="utf-8")
    keep = case == "andrei"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = (ARTIFACTS if keep else tmp_path) / f"handout-{case}.pdf"
    print_to_pdf(binary, page, pdf, tmp_path / "profile")
    doc = pdfium.PdfDocument(str(pdf))
    try:
        width, height = doc[0].get_size()
        assert abs(width - 595) < 3 and abs(height - 842) < 3, "A4 pages"
        assert 1 <= len(doc) <= 3, f"{case}: {len(doc)} pages"
        text = doc[0].get_textpage().get_text_range()
        assert "What makes the difference" in text, "page 1 ends with what makes the difference"
        if keep:
            write_png(doc[0].render(scale=1.4, rev_byteorder=True), ARTIFACTS / "handout-andrei-page1.png")
    finally:
        doc.close()


# ------------------------------------------------------------------------------------ one content, every format


@pytest.mark.parametrize(
    ("name", "starts"),
    [("out.html", "<!DOCTYPE html>"), ("out.md", "> **⚠"), ("out.json", "{"), ("out.txt", "╭"), ("out.report", "╭")],
)
def test_the_output_name_chooses_the_format(tmp_path: Path, name: str, starts: str) -> None:
    target = tmp_path / name
    r = run_cli(["compare", "andrei", "-o", str(target)])
    assert r.code == 0, r.err
    written = target.read_text(encoding="utf-8")
    assert written.startswith(starts), written[:80]
    assert "\x1b[" not in written, "no colour codes in a file"


def test_an_output_name_of_a_format_the_command_cannot_write_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "andrei.csv"
    r = run_cli(["compare", "andrei", "-o", str(target)])
    assert r.code == 2 and "casefile batch" in r.err
    assert not target.exists()


def test_a_format_that_contradicts_the_output_name_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    r = run_cli(["compare", "andrei", "--format", "text", "-o", str(target)])
    assert r.code == 2
    assert "report.html" in r.err and "--format" in r.err
    assert not target.exists(), "nothing was written"
    ok = run_cli(["compare", "andrei", "--format", "html", "-o", str(target)])
    assert ok.code == 0 and target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("fmt", FORMATS)
def test_whatif_speaks_in_words_in_every_format(fmt: str) -> None:
    r = run_cli(["whatif", "andrei", "--set", "military.deserted=true", "-j", "DE", "-f", fmt])
    assert r.code == 0, r.err
    out = " ".join(body(r.out, fmt).replace("\\", "").split())
    assert "Deserted from a unit: yes" in out
    assert "military.deserted" not in out and "True" not in out
    assert "refusal likely (low confidence) → individual assessment (medium confidence)" in out
    assert "Now decides: Deserters after September 2023 (medium confidence)" in out
    assert "⚠ Caveat:" in out, "the caveat of the rule that now decides"
    assert "Educational model, not legal advice" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_timeline_starts_where_the_story_starts_in_every_format(fmt: str) -> None:
    r = run_cli(["timeline", "mobilised-deserter", "-j", "DE", "-f", fmt])
    assert r.code == 0, r.err
    out = " ".join(body(r.out, fmt).replace("\\", "").split())
    assert "24 Feb 2022" not in out, "a 2022 mobilisation case does not start at the invasion"
    assert "1 Oct 2023" in out and "now decides: Deserters after September 2023" in out
    assert "Moratorium" not in out, "only the chosen jurisdictions' dates are listed"
    assert "Educational model, not legal advice" in out


# ------------------------------------------------------------------------------------------------- two views


@pytest.mark.parametrize("fmt", [*FORMATS, "json"])
def test_compare_several_cases_gives_one_matrix_of_cases_and_jurisdictions(fmt: str) -> None:
    r = run_cli(["compare", "andrei", "reservist-not-called-up", "-j", "DE", "-j", "NL", "-f", fmt])
    assert r.code == 0, r.err
    if fmt == "json":
        import json

        rows = json.loads(r.out)["rows"]
        assert [row["case_id"] for row in rows] == ["andrei", "reservist-not-called-up"]
        assert rows[0]["jurisdictions"]["DE"] == {
            "outcome": "refusal_likely",
            "confidence": "low",
            "tension": True,
            "application_country": True,
        }
        return
    out = " ".join(body(r.out, fmt).replace("\\", "").split())
    assert "Andrei" in out and "Reservist" in out
    assert "refusal (low)" in out, "Andrei in Germany, with its confidence"
    assert "Educational model, not legal advice" in out


def test_compare_one_case_on_several_dates() -> None:
    r = run_cli(["compare", "andrei", "--as-of", "2022-06-01", "--as-of", "2025-07-29", "-j", "DE", "-f", "markdown"])
    assert r.code == 0, r.err
    rows = [line for line in r.out.splitlines() if line.startswith("| Andrei")]
    assert len(rows) == 2
    assert "1 Jun 2022" in rows[0] and "individual" in rows[0]
    assert "29 Jul 2025" in rows[1] and "refusal (low)" in rows[1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_examples_matrix_shows_every_training_case_by_its_runnable_name(fmt: str) -> None:
    r = run_cli(["examples", "--matrix", "-f", fmt])
    assert r.code == 0, r.err
    out = body(r.out, fmt).replace("\\", "")
    for name in EXAMPLE_NAMES:
        assert name in out, name


def test_examples_lists_full_runnable_names_at_100_columns() -> None:
    r = run_cli(["examples"], env={"COLUMNS": "100"})
    assert r.code == 0, r.err
    for name in EXAMPLE_NAMES:
        assert f"casefile compare {name}" in r.out, name


HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202eevil ![img](http://evil.example/t.png) <img src=x>"


@pytest.mark.parametrize(
    "args",
    [["compare", "CASE"], ["compare", "CASE", "andrei"], ["whatif", "CASE", "--set", "military.deserted=true"]],
    ids=["handout", "matrix", "whatif"],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hostile_name_stays_inert_in_every_view(tmp_path: Path, args: list[str], fmt: str) -> None:
    import json

    case = tmp_path / "hostile.json"
    case.write_text(json.dumps({"case_id": "hostile", "name": HOSTILE}), encoding="utf-8")
    r = run_cli([a.replace("CASE", str(case)) for a in args] + ["-f", fmt])
    assert r.code == 0, r.err
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in r.out, repr(raw)
    if fmt == "markdown":
        from markdown_it import MarkdownIt

        page = MarkdownIt("commonmark").render(r.out)
        assert "evil.example" in page and "<img" not in page
    if fmt == "html":
        assert "<img src=x>" not in r.out and "&lt;img src=x&gt;" in r.out


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_what_makes_the_difference_says_where_a_claim_would_be_passed_under_dublin(fmt: str) -> None:
    """Issue 10: the handout explains a likely Dublin transfer in one plain sentence, on its first page."""
    r = run_cli(["compare", "dublin-finnish-visa", "-f", fmt])
    assert r.code == 0, r.err
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", r.out)).replace("│", " ").split())
    first = text.split(SECTIONS["differences"], 1)[1]
    assert "Under Dublin, a claim here would likely be passed to Finland, which issued the visa." in first
