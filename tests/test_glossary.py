"""The glossary finds exactly the terms a page uses: the same entries a whole-word, any-capitals regular expression
per form finds (how it was first written), in every writing of the text, including letters that only a regular
expression's case folding equates (Turkish dotless i, long s, the Kelvin sign)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from casefile.report import GlossaryEntry, _fold, _glossary_data, glossary_entries, glossary_for


def by_regex(text: str) -> list[GlossaryEntry]:
    """The reference: one regular expression per form, as the glossary's header describes a use."""
    out = []
    for term, matches, case, explanation in glossary_entries():
        for form in (term, *matches):
            if not form[:1].isalnum():
                used = any(sym in text for sym in form.split())
            else:
                pattern = r"(?<![\w-])" + re.escape(form) + r"(?![\w-])"
                used = re.search(pattern, text, flags=0 if case else re.IGNORECASE) is not None
            if used:
                out.append(GlossaryEntry(term, explanation))
                break
    return out


FORMS = [form for term, matches, _, _ in glossary_entries() for form in (term, *matches)]


def test_folding_reads_every_character_as_a_case_blind_regular_expression_does() -> None:
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    folded = _fold(every)
    assert len(folded) == len(every), "one character for one: positions stay those of the text"
    for char in sorted({c for form in FORMS if form[:1].isalnum() for c in form}):
        by_re = {m.start() for m in re.finditer("(?i)" + re.escape(char), every)}
        by_fold = {m.start() for m in re.finditer(re.escape(_fold(char)), folded)}
        assert by_re == by_fold, f"{char!r}: {sorted(map(hex, by_re ^ by_fold))[:5]}"
    word = re.compile(r"[\w-]")
    assert all(bool(word.fullmatch(c)) == (c.isalnum() or c in "_-") for c in every)


def test_a_handout_sized_text_lists_the_same_terms() -> None:
    text = " ".join(FORMS) + " — " + " ".join(f.upper() for f in FORMS) + "refusal-likely xIND EZs"
    assert glossary_for(text) == by_regex(text)
    assert [g.term for g in glossary_for("An IND decision, not an ind one.")] == ["IND"]
    assert glossary_for("Mıgri and the ſtandard") == by_regex("Mıgri and the ſtandard") != []
    assert glossary_for("pre-tension, tension_x, tensions") == []


pieces = st.sampled_from(
    [
        *FORMS,
        *(f.upper() for f in FORMS),
        *(f.title() for f in FORMS),
        "-",
        "_",
        " ",
        ".",
        "x",
        "1",
        "ı",
        "İ",
        "ſ",
        "\u212a",
        "é",
        "★",
        "\n",
        "(",
        "’",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(pieces, max_size=12).map("".join))
def test_any_text_lists_what_the_regular_expressions_find(text: str) -> None:
    assert glossary_for(text) == by_regex(text)


def test_the_glossary_reads_the_same_through_the_cache_and_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = yaml.safe_load((Path(__file__).parent.parent / "casefile" / "glossary.yaml").read_text(encoding="utf-8"))
    monkeypatch.setenv("CASEFILE_CACHE_DIR", str(tmp_path))
    assert _glossary_data() == shipped  # parsed, and the cache written
    assert list(tmp_path.iterdir())
    assert _glossary_data() == shipped  # read back from the cache
    monkeypatch.setenv("CASEFILE_CACHE", "off")
    assert _glossary_data() == shipped  # libyaml (or PyYAML's own parser)
