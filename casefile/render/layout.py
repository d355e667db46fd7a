"""A list item whose wrapped lines keep their indent, drawn as a two-column ``rich`` grid draws it, without the grid.

Every bullet, warning and card line of the terminal reports is such an item, and a cold ``casefile compare`` printed
some 300 of them: each as a ``Table.grid`` that measured its cells, laid out its columns and rendered them through
several nested renderables, which was most of the time the terminal handout took. :class:`Hanging` gives the same
segments — the same characters, styles and padding at every width, with or without colour — from one wrap of the
text: the bullet column is as wide as the grid's fixed column plus its one space, and the text column as wide as its
longest line, or the rest of the width where it is longer (``tests/test_hanging.py`` checks it against the grid).
Where the width leaves the text no room at all, it draws the grid itself.
"""

from __future__ import annotations

import re
from itertools import pairwise

from rich.cells import cell_len, get_character_cell_size
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
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
        available = options.max_width
        first = self.width + 1  # the fixed column and its right padding (the last column has none)
        text = self.text
        if isinstance(text, str):
            text = console.render_str(text, markup=options.markup, highlight=False)
        if available - first < 1:
            yield self.grid()
            return
        # The text column: its longest line, at most what is left (what the grid's measuring arrives at).
        longest = max((cell_len(line) for line in text.plain.splitlines()), default=0)
        second = max(min(longest, available - first), 1)
        cell_options = options.update(
            width=second, justify="left", no_wrap=False, overflow="ellipsis", height=None, highlight=False
        )
        lines = paragraph_lines(console, text, cell_options)
        if lines is None:
            lines = console.render_lines(text, cell_options, style=console.get_style("none"))
        bullet_style = console.get_style(self.bullet_column_style or "")
        bullets = self._bullet_lines(console, options, first, bullet_style)
        row_height = max(len(bullets), len(lines))
        height = max(1, row_height)
        bullets = Segment.set_shape(Segment.align_top(bullets, first, row_height, bullet_style), first, height)
        text_style = console.get_style("")
        lines = Segment.set_shape(Segment.align_top(lines, second, row_height, text_style), second, height)
        new_line = Segment.line()
        for bullet_line, line in zip(bullets, lines, strict=True):
            yield from bullet_line
            yield from line
            yield new_line

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
            lines = console.render_lines(Padding(bullet, (0, 1, 0, 0)), cell_options, style=style)
            _BULLETS[key] = lines
        return lines


class Paragraph:
    """A table cell's text, measured and laid out as rich measures and lays out the text, faster where it can.

    ``text`` is a :class:`~rich.text.Text`, or a string read as rich reads a cell's string (console markup).
    Only for table cells and :class:`Hanging`, which lay it out left-justified.
    """

    __slots__ = ("text",)

    def __init__(self, text: str | Text) -> None:
        self.text = text

    def _text(self, console: Console, options: ConsoleOptions) -> Text:
        if isinstance(self.text, str):
            self.text = console.render_str(self.text, markup=options.markup, highlight=False)
        return self.text

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        text = self._text(console, options)
        plain = text.plain
        if not _narrow(plain):
            return text.__rich_measure__(console, options)
        longest_line = max((len(line) for line in plain.splitlines()), default=0)
        return Measurement(max((len(word) for word in plain.split()), default=longest_line), longest_line)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = self._text(console, options)
        lines = paragraph_lines(console, text, options)
        if lines is None:
            yield from text.__rich_console__(console, options)
            return
        new_line = Segment.line()
        for line in lines:
            yield from line
            yield new_line


def hanging(bullet: str | Text, text: str | Text, width: int | None = None) -> RenderableType:
    """A list item: ``bullet`` (padded to ``width``, by default its own length), then ``text`` with a hanging
    indent."""
    return Hanging(bullet, text, len(bullet) if width is None else width)


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


_WORD = re.compile(r"\s*\S+\s*")  # what rich calls a word: the word, and the spaces on either side of it


def _breaks(plain: str, width: int) -> list[int] | None:
    """Where rich's ``divide_line`` breaks `plain` (every character one cell wide) into lines of `width`, or None
    where a word is longer than a line (rich then folds or crops it)."""
    breaks: list[int] = []
    offset = 0
    for word in _WORD.finditer(plain):
        start, end = word.span()
        length = len(word.group().rstrip())
        if length > width:
            return None
        if width - offset >= length:
            offset += end - start
        elif offset and start:
            breaks.append(start)
            offset = end - start
    return breaks


def paragraph_lines(console: Console, text: Text, options: ConsoleOptions) -> list[list[Segment]] | None:
    """`text` laid out as ``console.render_lines(text, options)`` lays it out, left-justified and padded to the
    width, or None where it needs what only rich does (tabs, line breaks, wide or zero-width characters, a word
    longer than the line): the same breaks (rich's own ``divide_line``), the same trailing spaces, the same
    segments and styles.
    """
    width = options.max_width
    plain = text.plain
    justify = text.justify or options.justify
    if justify != "left" or width < 1 or "\n" in plain or "\t" in plain or not _narrow(plain):
        return None
    length = len(plain)
    spans = text.spans
    for span in spans:
        if not 0 <= span.start < span.end <= length:
            return None
    no_wrap = text.no_wrap if text.no_wrap is not None else bool(options.no_wrap)
    offsets = [] if no_wrap else _breaks(plain, width)
    if offsets is None:
        return None
    get_style = console.get_style
    null = Style.null()
    base = [get_style(text.style, default=null)] if text.style else []
    styles = [get_style(span.style, default=null) for span in spans]
    combined: dict[tuple[int, ...], Style] = {}
    lines: list[list[Segment]] = []
    for start, end in zip([0, *offsets], [*offsets, length], strict=True):
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
        if cut - start > width:
            return None  # cropped with an ellipsis or folded: rich's own layout does that
        line_text = plain[start:cut] + " " * (width - (cut - start))  # justify="left" pads with the line's style
        bounds = sorted({0, width, *(a for a, _, _ in line_spans), *(b for _, b, _ in line_spans)})
        segments = []
        for left, right in pairwise(bounds):
            active = tuple(i for a, b, i in line_spans if a <= left and b >= right)
            style = combined.get(active)
            if style is None:
                style = combined[active] = Style.combine([null, *base, *(styles[i] for i in active)])
            segments.append(Segment(line_text[left:right], style))
        lines.append(segments)
    return lines
