"""The terminal's fast layout draws exactly what rich's own tables draw: the same characters, spaces and colour codes
at every width, for list items (:class:`Hanging` against a two-column ``Table.grid``) and for table cells
(:class:`Paragraph` against the plain ``Text`` or string in the same table)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from casefile.render.layout import Hanging, Page, Paragraph, QuickTable, Stack

WORDS = [
    "a", "the", "refusal", "likely", "Migri", "★", "⚠", "→", "“quoted”", "abcdefghijklmnopqrstuvwxyz", "x-y", "é",
    "  ", "   ", "\u00a0", "—", "[bold]b[/bold]", ":warning:", "two\nlines", "\n",
    "日本語", "⚡", "⚡⚡⚡⚡⚡⚡⚡⚡",
]  # fmt: skip
ODD_WORDS = ["tab\there", "\x1b[31m", "e\u0301", "\u200d", "\u2764\ufe0f"]  # what only rich lays out
STYLES = ["", "bold", "dim", "yellow", "bold red", "cyan", "bold magenta", "on blue", "underline"]


@st.composite
def texts(draw: st.DrawFn) -> str | Text:
    vocabulary = WORDS + ODD_WORDS if draw(st.booleans()) else WORDS
    words = draw(st.lists(st.sampled_from(vocabulary), max_size=30))
    gaps = draw(st.lists(st.sampled_from([" ", " ", "", "  "]), min_size=len(words), max_size=len(words)))
    if draw(st.booleans()):
        return " ".join(words)
    text = Text(style=draw(st.sampled_from(STYLES)))
    for word, gap in zip(words, gaps, strict=True):
        text.append(word + gap, style=draw(st.sampled_from([*STYLES, None])))
    if len(text) and draw(st.booleans()):
        text.stylize(draw(st.sampled_from(STYLES)), draw(st.integers(0, len(text))), draw(st.integers(0, len(text))))
    return text


def printed(renderable: object, width: int, colour: bool) -> str:
    out = io.StringIO()
    console = Console(
        file=out, width=width, force_terminal=colour, no_color=not colour, highlight=False, color_system="truecolor"
    )
    console.print(renderable)
    return out.getvalue()


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    parts=st.lists(texts(), min_size=1, max_size=4),
    justify=st.sampled_from([None, "left", "default", "center"]),
    framed=st.booleans(),
    columns=st.integers(1, 120),
    colour=st.booleans(),
)
def test_a_paragraph_is_drawn_as_its_text_is(
    parts: list[str | Text], justify: str | None, framed: bool, columns: int, colour: bool
) -> None:
    texts_ = [Text(p) if isinstance(p, str) else p for p in parts]
    for text in texts_:
        text.justify = justify  # type: ignore[assignment]

    def page(cell: type) -> object:
        group = Group(*(cell(t.copy()) for t in texts_))
        return Panel(group, title="Notice", border_style="yellow") if framed else group

    def same(text: Text) -> Text:
        return text

    assert printed(page(Paragraph), columns, colour) == printed(page(same), columns, colour)
    if justify is None:  # printed alone, a Text loses its own justification (console.print joins its texts)
        assert printed(Paragraph(texts_[0].copy()), columns, colour) == printed(texts_[0].copy(), columns, colour)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    text=texts(),
    bullet=st.sampled_from(["", " •", "  ⚠", " ?", "!", "    "]),
    bullet_style=st.sampled_from([None, "bold yellow", "dim"]),
    width=st.one_of(st.none(), st.integers(0, 6)),
    column_style=st.sampled_from(["", "dim"]),
    columns=st.integers(1, 120),
    colour=st.booleans(),
)
def test_a_list_item_is_drawn_as_the_grid_draws_it(
    text: str | Text,
    bullet: str,
    bullet_style: str | None,
    width: int | None,
    column_style: str,
    columns: int,
    colour: bool,
) -> None:
    mark = bullet if bullet_style is None else Text(bullet, style=bullet_style)
    item = Hanging(mark, text, len(bullet) if width is None else width, column_style)
    assert printed(item, columns, colour) == printed(item.grid(), columns, colour)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    rows=st.lists(st.tuples(texts(), texts(), texts()), min_size=1, max_size=5),
    no_wrap=st.tuples(st.booleans(), st.booleans(), st.booleans()),
    framed=st.booleans(),
    columns=st.integers(1, 120),
    colour=st.booleans(),
)
def test_a_table_cell_is_drawn_as_its_text_is(
    rows: list[tuple[str | Text, ...]], no_wrap: tuple[bool, ...], framed: bool, columns: int, colour: bool
) -> None:
    def table(cell: type) -> Table:
        t = Table(box=box.SIMPLE_HEAVY, pad_edge=False) if framed else Table.grid(padding=(0, 2, 0, 1))
        for i, wrap in enumerate(no_wrap):
            t.add_column(f"column {i}", no_wrap=wrap, style="dim" if i == 0 else "")
        for row in rows:
            t.add_row(*(cell(c) for c in row))
        return t

    def same(c: str | Text) -> str | Text:
        return c.copy() if isinstance(c, Text) else c

    def fast(c: str | Text) -> Paragraph:
        return Paragraph(same(c))

    assert printed(table(fast), columns, colour) == printed(table(same), columns, colour)


@pytest.mark.slow  # the full suite runs it; the quick subset keeps the other layout properties
@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    rows=st.lists(st.tuples(texts(), texts(), texts()), max_size=5),
    headers=st.tuples(texts(), texts(), texts()),
    no_wrap=st.tuples(st.booleans(), st.booleans(), st.booleans()),
    fixed=st.one_of(st.none(), st.integers(0, 12)),
    kind=st.sampled_from(["grid", "grid padded", "simple heavy", "simple", "rounded", "heavy no edge", "no header"]),
    columns=st.integers(1, 120),
    colour=st.booleans(),
)
def test_a_quick_table_is_drawn_as_rich_draws_the_table(
    rows: list[tuple[str | Text, ...]],
    headers: tuple[str | Text, ...],
    no_wrap: tuple[bool, ...],
    fixed: int | None,
    kind: str,
    columns: int,
    colour: bool,
) -> None:
    def table(kind_of_table: type[Table]) -> Table:
        if kind == "grid":
            t = kind_of_table.grid(padding=(0, 1, 0, 0))
        elif kind == "grid padded":
            t = kind_of_table.grid(padding=(0, 2, 0, 1))
        elif kind == "simple heavy":
            t = kind_of_table(box=box.SIMPLE_HEAVY, pad_edge=False)
        elif kind == "simple":
            t = kind_of_table(box=box.SIMPLE, show_header=True, expand=False)
        elif kind == "rounded":
            t = kind_of_table(box=box.ROUNDED, border_style="blue", header_style="bold magenta")
        elif kind == "heavy no edge":
            t = kind_of_table(box=box.HEAVY, show_edge=False, collapse_padding=True)
        else:
            t = kind_of_table(box=box.SIMPLE_HEAVY, show_header=False)
        for i, (header, wrap) in enumerate(zip(headers, no_wrap, strict=True)):
            heading = header if isinstance(header, str) else header.copy()
            t.add_column(heading, no_wrap=wrap, style="dim" if i == 0 else "", width=fixed if i == 1 else None)
        for row in rows:
            t.add_row(*(c.copy() if isinstance(c, Text) else c for c in row))
        return t

    assert printed(table(QuickTable), columns, colour) == printed(table(Table), columns, colour)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    parts=st.lists(st.tuples(st.sampled_from(["item", "paragraph", "table"]), texts(), texts()), max_size=5),
    columns=st.integers(1, 120),
    colour=st.booleans(),
)
def test_a_stack_in_a_panel_is_drawn_as_a_group_in_the_panel(
    parts: list[tuple[str, str | Text, str | Text]], columns: int, colour: bool
) -> None:
    def made() -> list[object]:
        out: list[object] = []
        for kind, one, two in parts:
            one = one.copy() if isinstance(one, Text) else one
            two = two.copy() if isinstance(two, Text) else two
            if kind == "item":
                out.append(Hanging(" •", one, 2))
            elif kind == "paragraph":
                out.append(Paragraph(one if isinstance(one, Text) else Text(one)))
            else:
                table = QuickTable.grid(padding=(0, 1))
                table.add_column(style="bold", no_wrap=True)
                table.add_column()
                table.add_row(one, two)
                out.append(table)
        return out

    quick = Panel(Stack(made()), title=Text("DE Germany"), title_align="left", padding=0)  # type: ignore[arg-type]
    plain = Panel(Group(*made()), title=Text("DE Germany"), title_align="left")  # type: ignore[arg-type]
    assert printed(quick, columns, colour) == printed(plain, columns, colour)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    parts=st.lists(st.tuples(st.sampled_from(["item", "text", "table", "blank"]), texts(), texts()), max_size=6),
    columns=st.integers(1, 120),
    colour=st.booleans(),
)
def test_a_page_prints_what_printing_each_part_prints(
    parts: list[tuple[str, str | Text, str | Text]], columns: int, colour: bool
) -> None:
    def made(kind: str, one: str | Text, two: str | Text) -> object:
        one = one.copy() if isinstance(one, Text) else one
        two = two.copy() if isinstance(two, Text) else two
        if kind == "item":
            return Hanging(" •", one, 2)
        if kind == "text":
            return one if isinstance(one, Text) else Text(one)
        if kind == "table":
            table = QuickTable(box=box.SIMPLE_HEAVY, pad_edge=False)
            table.add_column("Jurisdiction")
            table.add_column("Outcome")
            table.add_row(one, two)
            return table
        return None

    page = Page()
    for part in parts:
        page.add(made(*part))  # type: ignore[arg-type]
    out = io.StringIO()
    console = Console(
        file=out, width=columns, force_terminal=colour, no_color=not colour, highlight=False, color_system="truecolor"
    )
    page.print(console)
    one_by_one = io.StringIO()
    console = Console(
        file=one_by_one,
        width=columns,
        force_terminal=colour,
        no_color=not colour,
        highlight=False,
        color_system="truecolor",
    )
    for part in parts:
        made_part = made(*part)
        if made_part is None:
            console.print()
        else:
            console.print(made_part)
    assert out.getvalue() == one_by_one.getvalue()
