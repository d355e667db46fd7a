"""A small document model for the views that have no template of their own (what-if, timeline, the matrix of
several cases): headings, paragraphs, lists and tables, written once and formatted as Markdown or as one
self-contained HTML page (inline CSS, no script, nothing loaded from the network, user text escaped).
"""

from __future__ import annotations

import html
from dataclasses import field

from rich.console import Console

from casefile import __version__
from casefile.render.escape import markdown_safe, terminal_safe
from casefile.report import record


@record
class Doc:
    title: str
    notice: str
    subtitle: str = ""
    blocks: list[tuple] = field(default_factory=list)

    def h2(self, text: str) -> None:
        self.blocks.append(("h2", text))

    def p(self, text: str, small: bool = False) -> None:
        self.blocks.append(("p", text, small))

    def ul(self, items: list[str]) -> None:
        if items:
            self.blocks.append(("ul", list(items)))

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        self.blocks.append(("table", list(headers), [list(r) for r in rows]))


def _md_text(text: str) -> str:
    return " ".join(markdown_safe(part) for part in text.split("\n"))


def _md_cell(text: str) -> str:
    return _md_text(text)


def to_markdown(doc: Doc) -> str:
    out = [f"> **⚠ {doc.notice}**", "", f"# {_md_text(doc.title)}", ""]
    if doc.subtitle:
        out += [_md_text(doc.subtitle), ""]
    for block in doc.blocks:
        kind = block[0]
        if kind == "h2":
            out += [f"## {_md_text(block[1])}", ""]
        elif kind == "p":
            out += [f"*{_md_text(block[1])}*" if block[2] else _md_text(block[1]), ""]
        elif kind == "ul":
            out += [f"- {_md_text(item)}" for item in block[1]] + [""]
        elif kind == "table":
            headers, rows = block[1], block[2]
            out.append("| " + " | ".join(_md_cell(h) for h in headers) + " |")
            out.append("|" + "---|" * len(headers))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
            out.append("")
    out.append(f"> **⚠ {doc.notice}**")
    return "\n".join(out) + "\n"


CSS = """
  * { box-sizing: border-box; }
  body { margin: 0; background: #fff; color: #111827; line-height: 1.4;
    font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
  main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
  h1 { font-size: 1.7rem; margin: 0.3rem 0; }
  h2 { font-size: 1.2rem; margin: 1.1rem 0 0.4rem; border-bottom: 2px solid #111827; }
  .notice { border: 3px solid #b45309; background: #fffbeb; padding: 0.4rem 0.8rem; margin: 0.5rem 0;
    font-weight: 700; }
  .small { font-size: 0.85rem; color: #374151; }
  table { border-collapse: collapse; width: 100%; margin: 0.3rem 0; }
  th, td { border: 1px solid #9ca3af; padding: 0.2rem 0.4rem; text-align: left; vertical-align: top; }
  thead th { background: #f3f4f6; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  @media print { @page { size: A4; margin: 12mm; } html { font-size: 9.5pt; } main { padding: 0; } }
"""


def to_html(doc: Doc) -> str:
    def e(text: str) -> str:
        return "\n".join(html.escape(terminal_safe(part)) for part in text.split("\n"))

    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="casefile {e(__version__)}">',
        f"<title>{e(doc.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f'<aside class="notice" role="note" id="notice-top">⚠ {e(doc.notice)}</aside>',
        f"<h1>{e(doc.title)}</h1>",
    ]
    if doc.subtitle:
        out.append(f'<p class="small">{e(doc.subtitle)}</p>')
    for block in doc.blocks:
        kind = block[0]
        if kind == "h2":
            out.append(f"<h2>{e(block[1])}</h2>")
        elif kind == "p":
            out.append(f"<p{' class=small' if block[2] else ''}>{e(block[1])}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in block[1]) + "</ul>")
        elif kind == "table":
            head = "".join(f'<th scope="col">{e(h)}</th>' for h in block[1])
            rows = "".join(
                "<tr>" + "".join(f"<td>{e(c).replace(chr(10), '<br>')}</td>" for c in row) + "</tr>" for row in block[2]
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    out += [
        f'<aside class="notice" role="note" id="notice-bottom">⚠ {e(doc.notice)}</aside>',
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"


def _safe_blocks(blocks: list[tuple]) -> list[tuple]:
    """The blocks with every string made harmless for a terminal (a name can hold escape sequences)."""

    def safe(value: object) -> object:
        if isinstance(value, str):
            return "\n".join(terminal_safe(part) for part in value.split("\n"))
        if isinstance(value, list):
            return [safe(v) for v in value]
        return value

    return [tuple(safe(part) for part in block) for block in blocks]


def _layout(headers: list[str], rows: list[list[str]], width: int) -> int | None:
    """How to print a table in `width` columns: -1 when every cell fits unwrapped, the index of the one column
    that may wrap (the widest) when that is enough, or None (print it as a list instead)."""
    natural = []
    longest_word = []
    for i, h in enumerate(headers):
        cells = [line for r in rows for line in r[i].split("\n")] + [h]
        natural.append(max(len(c) for c in cells) + 2)
        longest_word.append(max((len(w) for c in cells for w in c.split()), default=1) + 2)
    if sum(natural) <= width:
        return -1
    wide = natural.index(max(natural))
    rest = sum(natural) - natural[wide]
    if rest + max(longest_word[wide], 24) <= width:
        return wide
    return None


def to_console(doc: Doc, console: Console) -> None:
    """The same document in the terminal: wrapped list items keep their indent."""
    from rich import box
    from rich.text import Text

    from casefile.render.layout import Hanging, Page, QuickTable
    from casefile.render.text import notice

    page = Page()
    page.add(notice(doc.notice))
    page.add(Text(terminal_safe(doc.title), style="bold"))
    if doc.subtitle:
        page.add(Text(terminal_safe(doc.subtitle), style="dim"))
    for block in _safe_blocks(doc.blocks):
        kind = block[0]
        if kind == "h2":
            page.add(Text("\n" + block[1], style="bold underline"))
        elif kind == "p":
            page.add(Text(block[1], style="dim" if block[2] else ""))
        elif kind == "ul":
            for item in block[1]:
                page.add(Hanging(" •", item, 2))
        elif kind == "table":
            headers, rows = block[1], block[2]
            layout = _layout(headers, rows, console.width)
            if layout is not None:
                table = QuickTable(box=box.SIMPLE_HEAVY, pad_edge=False)
                for i, h in enumerate(headers):
                    table.add_column(h, no_wrap=i != layout)
                for row in rows:
                    table.add_row(*row)
                page.add(table)
                continue
            # Too wide for the terminal: one entry per row, wrapped lines keeping their indent.
            for row in rows:
                page.add(Text(row[0].replace("\n", " — "), style="bold"))
                rest = " · ".join(f"{h}: {c}" for h, c in zip(headers[1:], row[1:], strict=True))
                page.add(Hanging("", rest, 2))
    page.add()
    page.add(notice(doc.notice))
    page.print(console)
