"""Making user text harmless where it enters an output: the terminal and Markdown.

A case file's name (and any other text a user typed) is data, never instructions. :func:`terminal_safe` shows
control characters as visible escapes, so a name cannot set the terminal's title, clear the screen, ring the bell
or reorder the text around it (C0 and C1 controls, DEL, U+0085, line and paragraph separators, and the Unicode
bidirectional overrides, embeddings and isolates). :func:`markdown_safe` does the same and then escapes every
character Markdown gives a meaning to, so ``![img](http://evil.example/t.png)`` stays text instead of becoming a
remote image (a tracking pixel) or a link. HTML is escaped by its templates (jinja2 autoescape).
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# the same, less the whitespace that lays JSON out (inside strings JSON escapes it anyway); compiled when JSON is
# written, not by every command
_UNSAFE_IN_JSON = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
_MARKDOWN = re.compile(r"([\\`*_\[\]#!|<>~&$])")  # what can open emphasis, code, links, images, HTML, tables


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """`text` with every control and bidirectional-formatting character shown as an escape such as ``\\x1b``."""
    return _UNSAFE.sub(_visible, text)


def json_safe(text: str) -> str:
    """JSON text with the control and bidirectional-formatting characters that JSON leaves raw (DEL, C1, U+0085,
    bidi overrides) written as ``\\uXXXX`` escapes: the same data, harmless when the JSON is shown in a terminal."""
    return re.sub(_UNSAFE_IN_JSON, lambda m: f"\\u{ord(m.group()):04x}", text)


def markdown_safe(text: str) -> str:
    """`text` as inert Markdown: controls shown as escapes, and the marks that open emphasis, code, links,
    images, raw HTML, entities and table cells backslash-escaped (without '[' or '<' no link or image can form)."""
    return _MARKDOWN.sub(r"\\\1", terminal_safe(text))
