"""The web interface's message catalogue (stdlib :mod:`gettext`).

Every string the web pages show comes from ``locale/casefile.pot``; ``locale/<lang>/LC_MESSAGES/casefile.po``
translates it (English is complete: each ``msgstr`` repeats its ``msgid``). A German or Russian translator copies the
``.pot`` to ``locale/de/LC_MESSAGES/casefile.po``, fills in the ``msgstr`` lines, and ``casefile serve --lang de``
uses it: no template changes. The ``.po`` is compiled to the binary ``.mo`` form in memory when the server starts
(:func:`compile_po`), so no build step and no compiled file in the repository are needed.

Strings are marked ``_("...")`` in templates and ``N_("...")`` / ``_("...")`` in Python; ``python -m
casefile.web.i18n`` regenerates the ``.pot`` and brings the English catalogue up to date (a test fails when either is
stale). Values from the rulebook and the case model (rule titles, reasons, validation messages) are data, not
interface strings, and are shown as they are.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import struct
import sys
from functools import cache
from pathlib import Path

DOMAIN = "casefile"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
WEB_DIR = Path(__file__).resolve().parent
LANGUAGES_NOTE = "en is complete; add locale/<lang>/LC_MESSAGES/casefile.po for more"


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it here."""
    return message


# ---------------------------------------------------------------------------------------------------- .po files


def _unquote(text: str) -> str:
    return ast.literal_eval(text) if text else ""


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr for every entry of a .po file (plural forms are not used by this catalogue)."""
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            entries["".join(msgid)] = "".join(msgstr)

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [_unquote(line[6:].strip())], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [_unquote(line[7:].strip())]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
    flush()
    return entries


def compile_po(entries: dict[str, str]) -> bytes:
    """The GNU .mo bytes of a catalogue (what msgfmt writes), for :class:`gettext.GNUTranslations`."""
    keys = sorted(entries)
    ids = b""
    strs = b""
    offsets: list[tuple[int, int, int, int]] = []
    for key in keys:
        k, v = key.encode("utf-8"), entries[key].encode("utf-8")
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    n = len(keys)
    start_ids = 7 * 4
    start_strs = start_ids + n * 8
    data_start = start_strs + n * 8
    id_table = b"".join(struct.pack("<2I", length, data_start + off) for off, length, _, _ in offsets)
    str_table = b"".join(struct.pack("<2I", length, data_start + len(ids) + off) for _, _, off, length in offsets)
    header = struct.pack("<7I", 0x950412DE, 0, n, start_ids, start_strs, 0, 0)
    return header + id_table + str_table + ids + strs


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@cache
def translations(lang: str = "en") -> gettext.NullTranslations:
    """The compiled catalogue for `lang`; untranslated strings fall back to English."""
    path = po_path(lang)
    if not path.is_file():
        raise ValueError(f"no catalogue for language {lang!r}; available: {', '.join(available_languages())}")
    entries = {k: v for k, v in parse_po(path.read_text(encoding="utf-8")).items() if v}
    return gettext.GNUTranslations(io.BytesIO(compile_po(entries)))


# ---------------------------------------------------------------------------------------------------- extraction

_TEMPLATE_CALL = re.compile(r"""\b_\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
_PY_CALL = re.compile(r"""\bN?_\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")


def extract() -> list[str]:
    """Every marked string in the web templates and Python modules, in first-seen order."""
    seen: dict[str, None] = {}
    for path in sorted((WEB_DIR / "templates").glob("*.j2")):
        for match in _TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            seen.setdefault(ast.literal_eval(match.group(1)), None)
    for path in sorted(WEB_DIR.glob("*.py")):
        if path.name == "i18n.py":
            continue
        for match in _PY_CALL.finditer(path.read_text(encoding="utf-8")):
            seen.setdefault(ast.literal_eval(match.group(1)), None)
    return list(seen)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def pot_text(messages: list[str], *, english: bool = False) -> str:
    header = (
        "# casefile web interface: message catalogue.\n"
        "# Translate each msgstr; keep %(name)s placeholders as they are.\n"
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        f'"Language: {"en" if english else ""}\\n"\n\n'
    )
    body = "".join(f"msgid {_quote(m)}\nmsgstr {_quote(m if english else '')}\n\n" for m in messages)
    return header + body


def write_catalogues() -> None:
    """Regenerate locale/casefile.pot and the complete English catalogue from the marked strings."""
    messages = extract()
    (LOCALE_DIR / f"{DOMAIN}.pot").write_text(pot_text(messages), encoding="utf-8")
    po_path("en").parent.mkdir(parents=True, exist_ok=True)
    po_path("en").write_text(pot_text(messages, english=True), encoding="utf-8")
    print(f"{len(messages)} messages written to {LOCALE_DIR}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    write_catalogues()
