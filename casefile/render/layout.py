"""The terminal reports' layout: what rich's tables, grids and texts draw, drawn the same but faster.

A cold ``casefile compare`` printed some 80 list items, each a two-column ``Table.grid`` that measured its cells,
laid out its columns and rendered them through several nested renderables, and rich's ``Text`` measured every word
of every line one by one: that was most of the time the terminal reports took. This module gives the same segments
— the same characters, spaces, styles and colour codes, at every width — with less work:

* :func:`paragraph_lines` lays out a text as rich does (its line-breaking rule, the same trailing spaces, padding
  and segments), and answers None for what only rich does (tabs, combining marks, a word longer than the line);
* :class:`Paragraph` is a text laid out that way (a table cell, or a part of a page or panel);
* :class:`Hanging` is a list item whose wrapped lines keep their indent, as the two-column grid draws it;
* :class:`QuickTable` is rich's ``Table`` with its text cells measured and drawn directly;
* :class:`Stack` is a panel's content, one part below the other, without rendering them twice over;
* :class:`Page` collects what a report prints and prints it at once.

Wherever something falls outside what they reproduce, rich draws it. ``tests/test_layout.py`` compares each with
what rich draws, on generated texts and styles, at widths 1 to 120, with and without colour.
"""

from __future__ import annotations

import re
from itertools import pairwise

from rich.cells import cell_len, get_character_cell_size
from rich.console import Console, ConsoleOptions, Group, NewLine, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.table import Column, Table
from rich.text import Text

_BULLETS: dict[tuple[object, ...], list[list[Segment]]] = {}
"""The bullet column's lines, per bullet and width: the same few bullets start hundreds of lines."""


class Hanging:
    """``bullet`` in a column ``width`` characters wide, then a space, then ``text`` wrapped in the rest.

    The same output as ``Table.grid(padding=(0, 1, 0, 0))`` with the columns ``(width=width, no_wrap=True)`` and
    ``()`` and one row ``(bullet, text)``; ``bullet_column_style`` is the first column's ``style``.
    """

    __slots__ = ("bullet", "bullet_column_style", "text", "width")

    def __init__(self, bullet: str | Text, text: str | Text, width: int, bullet_column_style: str = "") -> None:
        self.bullet = bullet
        self.text = text
        self.width = width
        self.bullet_column_style = bullet_column_style

    def grid(self) -> Table:
        """The grid this item draws like."""
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(width=self.width, no_wrap=True, style=self.bullet_column_style)
        grid.add_column()
        grid.add_row(self.bullet, self.text)
        return grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows = self.rows(console, options)
        if rows is None:
            yield self.grid()
            return
        new_line = Segment.line()
        for row in rows[0]:
            yield from row
            yield new_line

    def rows(self, console: Console, options: ConsoleOptions) -> tuple[list[list[Segment]], int] | None:
        """The item's lines and their width, or None where the width leaves the text no room (the grid draws it)."""
        available = options.max_width
        first = self.width + 1  # the fixed column and its right padding (the last column has none)
        text = as_text(console, self.text, options)
        if available - first < 1:
            return None
        # The text column: its longest line, at most what is left (what the grid's measuring arrives at).
        longest = max((cell_len(line) for line in text.plain.splitlines()), default=0)
        second = max(min(longest, available - first), 1)
        no_wrap = bool(text.no_wrap)  # the column wraps; a text may say otherwise
        lines = _lines(console, text, second, text.justify or "left", no_wrap)
        if lines is None:
            cell_options = options.update(
                width=second, justify="left", no_wrap=False, overflow="ellipsis", height=None, highlight=False
            )
            lines = console.render_lines(text, cell_options, style=console.get_style("none"))
        bullet_style = console.get_style(self.bullet_column_style or "")
        bullets = self._bullet_lines(console, options, first, bullet_style)
        text_style = console.get_style("")
        # The grid: both cells as tall as the row, blank lines below, each line as wide as its column.
        row_height = max(len(bullets), len(lines))
        if row_height:
            if len(bullets) < row_height:
                bullets = bullets + [[Segment(" " * first, bullet_style)]] * (row_height - len(bullets))
            if len(lines) < row_height:
                lines = lines + [[Segment(" " * second, text_style)]] * (row_height - len(lines))
        else:
            bullets = Segment.set_shape(bullets, first, 1)
            lines = Segment.set_shape(lines, second, 1)
        return [[*bullet, *line] for bullet, line in zip(bullets, lines, strict=True)], first + second

    def _bullet_lines(self, console: Console, options: ConsoleOptions, first: int, style: Style) -> list[list[Segment]]:
        bullet = self.bullet
        key: tuple[object, ...] = (
            (bullet,) if isinstance(bullet, str) else (bullet.plain, str(bullet.style), tuple(bullet.spans))
        ) + (first, self.bullet_column_style, options.markup)
        lines = _BULLETS.get(key)
        if lines is None:
            cell_options = options.update(
                width=first, justify="left", no_wrap=True, overflow="ellipsis", height=None, highlight=False
            )
            lines = console.render_lines(
                Padding(as_text(console, bullet, options), (0, 1, 0, 0)), cell_options, style=style
            )
            _BULLETS[key] = lines
        return lines


_EMOJI_CODE = re.compile(r":\S*:")  # what any emoji code (":warning:", ":flag-de-emoji:") looks like


def as_text(console: Console, text: str | Text, options: ConsoleOptions) -> Text:
    """A cell's string as rich reads it (console markup, emoji codes such as ``:warning:``); a string with neither
    reads as itself, without loading rich's table of emoji names (a few milliseconds of a cold command)."""
    if isinstance(text, Text):
        return text
    if "[" not in text and _EMOJI_CODE.search(text) is None:
        return Text(text)
    return console.render_str(text, markup=options.markup, highlight=False)


class Paragraph:
    """A table cell's text, measured and laid out as rich measures and lays out the text, faster where it can.

    ``text`` is a :class:`~rich.text.Text`, or a string read as rich reads a cell's string (console markup).
    Only for table cells and :class:`Hanging`, which lay it out left-justified.
    """

    __slots__ = ("measured", "text")

    def __init__(self, text: str | Text) -> None:
        self.text = text
        self.measured: Measurement | None = None  # a text's measure does not depend on the options

    def _text(self, console: Console, options: ConsoleOptions) -> Text:
        self.text = as_text(console, self.text, options)
        return self.text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        if self.measured is None:
            text = self._text(console, options)
            plain = text.plain
            if not _narrow(plain):
                self.measured = text.__rich_measure__(console, options)
            else:
                longest_line = max((len(line) for line in plain.splitlines()), default=0)
                longest_word = max((len(word) for word in plain.split()), default=longest_line)
                self.measured = Measurement(longest_word, longest_line)
        return self.measured

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = self.lines(console, options)
        if lines is None:
            yield from self._text(console, options).__rich_console__(console, options)
            return
        new_line = Segment.line()
        for line in lines:
            yield from line
            yield new_line

    def lines(self, console: Console, options: ConsoleOptions) -> list[list[Segment]] | None:
        """The text's lines (each character one cell wide), or None where rich lays it out."""
        text = self._text(console, options)
        return paragraph_lines(console, text, options) if text.end == "\n" else None


NARROWEST = 40
"""The narrowest width the commands lay out (``casefile.cli`` keeps COLUMNS between 40 and 500)."""


class Page:
    """What a report prints, collected and printed at once: one print of many parts costs much less than many
    prints, and each ``Text`` is laid out as a :class:`Paragraph` (the same lines, faster)."""

    def __init__(self) -> None:
        self.parts: list[RenderableType] = []

    def add(self, renderable: RenderableType | None = None) -> None:
        """Add a part, as ``console.print(renderable)`` would print it; no part adds an empty line."""
        if renderable is None:
            renderable = NewLine()
        elif isinstance(renderable, Text) and _plain_layout(renderable):
            renderable = Paragraph(renderable)
        self.parts.append(renderable)

    def print(self, console: Console) -> None:
        # From 40 columns (the narrowest the commands lay out) every part keeps within the width, so the console's
        # own pass cropping each line to the width (a few milliseconds for a long report) has nothing to do; only
        # far narrower, a table's borders alone can be wider than the console.
        console.print(Group(*self.parts), crop=console.width < NARROWEST)


def _plain_layout(text: Text) -> bool:
    """Whether `text` asks for nothing of its own that ``console.print`` would drop (justification, overflow,
    no wrapping, an end other than a line break): printed alone or in a group, it then reads the same."""
    return text.end == "\n" and text.justify is None and text.overflow is None and text.no_wrap is None


class Stack:
    """Parts one below the other with `margin` spaces on either side, as ``Padding(Group(*parts), (0, margin))``
    draws them inside a panel's border, each line padded to the width; where a part's lines are already known
    (:class:`Hanging`, :class:`Paragraph`), without rendering them twice over. Only for parts that end their last
    line (list items, paragraphs, tables)."""

    def __init__(self, parts: list[RenderableType], margin: int = 1) -> None:
        self.parts = parts
        self.margin = margin

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width - 2 * self.margin
        if width < 1 or not all(isinstance(part, Hanging | Paragraph | Table) for part in self.parts):
            yield Padding(Group(*self.parts), (0, self.margin))
            return
        inner = options.update_width(width)
        null = Style.null()
        edge = Segment(" " * self.margin, null)
        new_line = Segment.line()
        for part in self.parts:
            lines = None
            if isinstance(part, Hanging):
                rows = part.rows(console, inner)
                if rows is not None:
                    lines = (
                        rows[0]
                        if rows[1] == width
                        else [[*row, Segment(" " * (width - rows[1]), null)] for row in rows[0]]
                    )
            elif isinstance(part, Paragraph):
                quick = part.lines(console, inner)
                if quick is not None:
                    lines = []
                    for line in quick:
                        short = width - sum(cell_len(segment.text) for segment in line)
                        lines.append([*line, Segment(" " * short, null)] if short else line)
            if lines is None:
                lines = console.render_lines(part, inner, style=null)
            for line in lines:
                yield edge
                yield from line
                yield edge
                yield new_line


def paragraphs(parts: list[RenderableType]) -> list[RenderableType]:
    """The parts of a group with each ``Text`` laid out as a :class:`Paragraph`."""
    return [Paragraph(part) if isinstance(part, Text) and part.end == "\n" else part for part in parts]


_NARROW: set[str] = set(" abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?'\"()[]-/")
"""Characters known to take one cell (the plain-text layout below counts characters)."""


def _narrow(plain: str) -> bool:
    """Whether every character of `plain` takes exactly one cell, so that its width is its length."""
    if _NARROW.issuperset(plain):
        return True
    for char in set(plain) - _NARROW:
        if get_character_cell_size(char) != 1:
            return False
        _NARROW.add(char)
    return True


def _cells(piece: str) -> list[int] | None:
    """How many cells `piece` takes up to each character (``[0, …, cell_len(piece)]``), where its characters take
    one or two cells each; None where a character takes none (combining marks, joiners: rich measures those)."""
    if "\u200d" in piece or "\ufe0f" in piece:
        return None
    cells = [0]
    total = 0
    for char in piece:
        size = 1 if char in _NARROW else get_character_cell_size(char)
        if size != 1 and size != 2:
            return None
        total += size
        cells.append(total)
    return cells


_RUN = re.compile(r"\S+")


def _breaks(plain: str, width: int, cells: list[int] | None = None) -> list[int] | None:
    """Where rich's ``divide_line`` breaks `plain` into lines of `width` cells, or None where a word is longer than
    a line (rich then folds or crops it). A word, for rich, is a run of non-spaces with the spaces after it (the
    first also with the spaces before it). `cells`: as :func:`_cells` gives them, where a character may take two."""
    if (cells[-1] if cells else len(plain)) <= width:
        return []
    runs = [run.span() for run in _RUN.finditer(plain)]
    breaks: list[int] = []
    offset = 0
    last = len(runs) - 1
    for number, (start, end) in enumerate(runs):
        if not number:
            start = 0
        following = runs[number + 1][0] if number < last else len(plain)
        if cells:
            length, size = cells[end] - cells[start], cells[following] - cells[start]
        else:
            length, size = end - start, following - start  # the word without and with the spaces after it
        if length > width:
            return None
        if width - offset >= length:
            offset += size
        elif offset and start:
            breaks.append(start)
            offset = size
    return breaks


def paragraph_lines(console: Console, text: Text, options: ConsoleOptions) -> list[list[Segment]] | None:
    """`text` laid out as ``console.render_lines(text, options)`` lays it out — left-justified lines padded to the
    width, or unpadded lines where the justification is rich's default — or None where it needs what only rich does
    (tabs, wide or zero-width characters, a word longer than the line, centring): the same breaks as rich's
    ``divide_line``, the same trailing spaces, the same segments and styles.
    """
    justify = text.justify or options.justify or "default"
    no_wrap = text.no_wrap if text.no_wrap is not None else bool(options.no_wrap)
    return _lines(console, text, options.max_width, justify, no_wrap)


def _lines(console: Console, text: Text, width: int, justify: str, no_wrap: bool) -> list[list[Segment]] | None:
    plain = text.plain
    if justify not in ("left", "default") or width < 1 or "\t" in plain:
        return None
    pad = justify == "left"
    length = len(plain)
    spans = text.spans
    for span in spans:
        if not 0 <= span.start < span.end <= length:
            return None
    get_style = console.get_style
    null = Style.null()
    base = [get_style(text.style, default=null)] if text.style else []
    styles = [get_style(span.style, default=null) for span in spans]
    combined: dict[tuple[int, ...], Style] = {}
    lines: list[list[Segment]] = []
    piece_start = 0
    for piece in plain.split("\n"):  # Text.split: each line break starts a paragraph of its own
        cells = None
        if not _narrow(piece):
            cells = _cells(piece)
            if cells is None:
                return None
        offsets = [] if no_wrap else _breaks(piece, width, cells)
        if offsets is None:
            return None
        for line_start, line_end in zip([0, *offsets], [*offsets, len(piece)], strict=True):
            start, end = piece_start + line_start, piece_start + line_end
            # Text.divide: each line keeps the parts of the spans it holds.
            line_spans = [
                (max(span.start, start) - start, min(span.end, end) - start, index)
                for index, span in enumerate(spans)
                if min(span.end, end) > max(span.start, start)
            ]
            cut = end
            if end - start > width and not no_wrap:  # Text.rstrip_end: spaces beyond the width go
                excess = end - start - width
                spaces = len(plain[start:end]) - len(plain[start:end].rstrip())
                cut = end - min(spaces, excess)
                if cut < end:
                    limit = cut - start
                    line_spans = [(a, min(b, limit), i) for a, b, i in line_spans if a < limit]
            used = cells[cut - piece_start] - cells[line_start] if cells else cut - start
            if used > width:
                return None  # cropped with an ellipsis or folded: rich's own layout does that
            line_text = plain[start:cut]
            if pad:  # justify="left" pads with the text's own style
                line_text += " " * (width - used)
            if not line_spans:
                if line_text:
                    style = combined.get(())
                    if style is None:
                        style = combined[()] = Style.combine([null, *base])
                    lines.append([Segment(line_text, style)])
                else:
                    lines.append([])
                continue
            bounds = sorted({0, len(line_text), *(a for a, _, _ in line_spans), *(b for _, b, _ in line_spans)})
            segments = []
            for left, right in pairwise(bounds):
                active = tuple(i for a, b, i in line_spans if a <= left and b >= right)
                style = combined.get(active)
                if style is None:
                    style = combined[active] = Style.combine([null, *base, *(styles[i] for i in active)])
                segments.append(Segment(line_text[left:right], style))
            lines.append(segments)
        piece_start += len(piece) + 1
    return lines


def _fitted(low: int, high: int, width: int) -> tuple[int, int]:
    """What ``Measurement.get`` makes of a measure: normalized, at most `width`, (0, 0) below one cell."""
    low = max(0, min(max(0, low), high))
    high = min(max(0, max(low, high)), width)
    low = min(low, width)
    if high < 1:
        return 0, 0
    low = min(max(0, low), high)
    return max(0, low), max(0, max(low, high))


class QuickTable(Table):
    """A rich ``Table`` that measures and draws its text cells (strings, ``Text``, :class:`Paragraph`) itself: the
    same widths and the same segments as rich's own, without wrapping every cell in a ``Padding`` and rendering it
    twice over. Anything else — another renderable in a cell, vertical padding, row styles, footers, lines between
    rows — is drawn by rich's own code.
    """

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        self._cells = self._quick_cells()
        yield from super().__rich_console__(console, options)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        self._cells = self._quick_cells()
        return super().__rich_measure__(console, options)

    def _quick_cells(self) -> list[list[Paragraph]] | None:
        """Each column's cells (its header first, where shown) as paragraphs, or None where rich draws the table."""
        top, _, bottom, _ = self.padding
        quick = (
            not (top or bottom or self.row_styles or self.show_footer or self.show_lines or self.leading)
            and all(row.style is None and not row.end_section for row in self.rows)
            and all(column.vertical == "top" for column in self.columns)
            and all(
                isinstance(cell, str | Text | Paragraph)
                for column in self.columns
                for cell in (column.header, *column.cells)
            )
        )
        if not quick:
            return None
        return [
            [
                cell if isinstance(cell, Paragraph) else Paragraph(cell)
                for cell in ([column.header, *column.cells] if self.show_header else column.cells)
            ]
            for column in self.columns
        ]

    def _prepared(self) -> list[list[Paragraph]] | None:
        cells = getattr(self, "_cells", False)
        if cells is False:
            cells = self._cells = self._quick_cells()
        return cells  # type: ignore[return-value]

    def _cell_padding(self, column_index: int) -> list[tuple[int, int]]:
        """(left, right) padding of each of the column's cells, as ``Table._get_cells`` pads them."""
        _, right, _, left = self.padding
        if self.collapse_padding and column_index:
            left = max(0, left - right)
        if not self.pad_edge:
            if column_index == 0:
                left = 0
            if column_index == len(self.columns) - 1:
                right = 0
        return [(left, right)] * (len(self.rows) + (1 if self.show_header else 0))

    def _measure_column(self, console: Console, options: ConsoleOptions, column: Column) -> Measurement:
        max_width = options.max_width
        prepared = self._prepared()
        if prepared is None or max_width < 1 or column.width is not None:
            return super()._measure_column(console, options, column)
        padding_width = self._get_padding_width(column._index)
        pads = self._cell_padding(column._index)
        minimums, maximums = [], []
        for (left, right), cell in zip(pads, prepared[column._index], strict=True):
            extra = left + right
            if max_width - extra < 1:  # Padding.__rich_measure__
                low, high = max_width, max_width
            else:
                low, high = _fitted(*cell.__rich_measure__(console, options), max_width)  # Measurement.get
                low, high = min(low + extra, max_width), min(high + extra, max_width)
            low, high = _fitted(low, high, max_width)  # Measurement.get of the padded cell
            minimums.append(low)
            maximums.append(high)
        measurement = Measurement(
            max(minimums) if minimums else 1, max(maximums) if maximums else max_width
        ).with_maximum(max_width)
        return measurement.clamp(
            None if column.min_width is None else column.min_width + padding_width,
            None if column.max_width is None else column.max_width + padding_width,
        )

    def _render(self, console: Console, options: ConsoleOptions, widths: list[int]) -> RenderResult:
        prepared = self._prepared()
        rows = self.box and (self.box.mid_left, self.box.mid_vertical, self.box.mid_right)
        if prepared is None or (rows and rows != (self.box.foot_left, self.box.foot_vertical, self.box.foot_right)):
            # (rich's releases differ in which of a box's two kinds of row line they draw where)
            yield from super()._render(console, options, widths)
            return
        get_style = console.get_style
        null = Style.null()
        border_style = get_style(self.style or "") + get_style(self.border_style or "")
        safe = self.safe_box if self.safe_box is not None else console.safe_box
        table_box = self.box.substitute(options, safe=safe) if self.box else None
        table_box = table_box.get_plain_headed_box() if table_box and not self.show_header else table_box
        new_line = Segment.line()
        if table_box and self.show_edge:
            yield Segment(table_box.get_top(widths), border_style)
            yield new_line
        header_style = get_style(self.header_style or "")
        columns = [
            (
                prepared[index],
                self._cell_padding(index),
                options.update(
                    width=width,
                    justify=column.justify,
                    no_wrap=column.no_wrap,
                    overflow=column.overflow,
                    height=None,
                    highlight=getattr(column, "highlight", options.highlight),  # rich < 13.8: the table's
                ),
                header_style + get_style(column.header_style) + null,
                get_style(column.style or "") + null,
            )
            for index, (column, width) in enumerate(zip(self.columns, widths, strict=True))
        ]
        row_count = len(self.rows) + (1 if self.show_header else 0)
        for index in range(row_count):
            header = self.show_header and index == 0
            first, last = index == 0, index == row_count - 1
            cells: list[list[list[Segment]]] = []
            styles: list[Style] = []
            for paragraphs, pads, cell_options, head_style, cell_style in columns:
                style = head_style if header else cell_style
                left, right = pads[index]
                cells.append(self._cell_lines(console, paragraphs[index], cell_options, left, right, style))
                styles.append(style)
            # Table: every cell as tall as the row, blank lines below (a header's above), each line `width` wide.
            row_height = max(len(lines) for lines in cells)
            max_height = max(1, row_height)
            if row_height and min(widths) > 0:
                for number, (lines, width, style) in enumerate(zip(cells, widths, styles, strict=True)):
                    if len(lines) < max_height:
                        blank = [[Segment(" " * width, style)]] * (max_height - len(lines))
                        cells[number] = blank + lines if header else lines + blank
            else:
                align = Segment.align_bottom if header else Segment.align_top
                cells = [
                    Segment.set_shape(align(lines, width, row_height, style), width, max_height)
                    for lines, width, style in zip(cells, widths, styles, strict=True)
                ]
            if table_box:
                edge_left, edge_right, divider = (
                    (table_box.head_left, table_box.head_right, table_box.head_vertical)
                    if first
                    else (table_box.foot_left, table_box.foot_right, table_box.foot_vertical)
                    if last
                    else (table_box.mid_left, table_box.mid_right, table_box.mid_vertical)
                )
                divider_segment = Segment(
                    divider, border_style if divider.strip() else null.background_style + border_style
                )
                for line_no in range(max_height):
                    if self.show_edge:
                        yield Segment(edge_left, border_style)
                    for number, lines in enumerate(cells):
                        yield from lines[line_no]
                        if number < len(cells) - 1:
                            yield divider_segment
                    if self.show_edge:
                        yield Segment(edge_right, border_style)
                    yield new_line
            else:
                for line_no in range(max_height):
                    for lines in cells:
                        yield from lines[line_no]
                    yield new_line
            if table_box and header:
                yield Segment(table_box.get_row(widths, "head", edge=self.show_edge), border_style)
                yield new_line
        if table_box and self.show_edge:
            yield Segment(table_box.get_bottom(widths), border_style)
            yield new_line

    @staticmethod
    def _cell_lines(
        console: Console, cell: Paragraph, options: ConsoleOptions, left: int, right: int, style: Style
    ) -> list[list[Segment]]:
        """A cell's lines as ``console.render_lines(Padding(cell, (0, right, 0, left)), options, style=style)``."""
        inner = options.update_width(options.max_width - left - right)
        lines = paragraph_lines(console, cell._text(console, inner), inner) if inner.max_width >= 1 else None
        if lines is None:
            return console.render_lines(Padding(cell, (0, right, 0, left)), options, style=style)
        null = Style.null()
        padded = []
        for line in lines:
            if left:
                line = [Segment(" " * left, null), *line]
            if right:
                line = [*line, Segment(" " * right, null)]
            if style:
                line = [Segment(text, style + segment_style) for text, segment_style, _ in line]
            padded.append(line)
        return padded
