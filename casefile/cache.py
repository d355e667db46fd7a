"""A cache of parsed rule and source files, so that a command does not re-parse the rulebook's YAML every time.

Reading YAML while keeping the line of every value is the largest part of loading the rulebook, and every command
loads it. The parsed form of each rule or source file — its plain data and its line map, exactly what
:func:`casefile.documents.load_text` returns — is stored as JSON in the user's cache folder, under a name derived
from the SHA-256 of the file's text, the casefile version, this cache's format and the source code of the parser
(``documents.py``): any change to a rule file, or to how files are read, misses the cache, so it never serves stale
data. Only rule and source files and the glossary are cached, never a case file.

A cache file is data, never code: JSON cannot run anything when read, and what is read is checked to name the
SHA-256 of the text it was made from and to have exactly the shapes the parser produces (mappings with text keys,
lists, text, numbers, booleans, null, dates) before it is used. A missing, unreadable, corrupt, truncated,
misplaced or malformed cache file is ignored and the YAML is parsed instead (and the cache rewritten). Either way
the data then goes through the same validation as data read from the YAML. Without a secret no check can tell a
deliberately forged entry from a true one: the folder is created private to the user (0700), and is exactly as
trusted as the user's other files (anyone who can write it could edit the installed rule files as well).

``CASEFILE_CACHE=off`` turns the cache off; the folder is ``$CASEFILE_CACHE_DIR``, else
``$XDG_CACHE_HOME/casefile``, else ``~/.cache/casefile``. A folder that cannot be created or written just means
no cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from casefile import __version__
from casefile.documents import Document, LineMap, load_text, read_text

FORMAT = "casefile-parsed-document-1"
_DATE = "\x00date:"  # how a date is written in the cache; text starting with NUL is never cached (see _encode)
_salt: str | None = None


class _Uncacheable(Exception):
    """Data the cache cannot represent faithfully (it is then parsed every time)."""


def folder() -> Path | None:
    """The cache folder, or None when the cache is off."""
    if os.environ.get("CASEFILE_CACHE", "").strip().lower() in ("off", "0", "no", "false"):
        return None
    explicit = os.environ.get("CASEFILE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "casefile"


def _parser_salt() -> str:
    """What the cache key depends on besides the file: version, format, and the parser's own source."""
    global _salt
    if _salt is None:
        from casefile import documents

        try:
            parser = hashlib.sha256(Path(documents.__file__).read_bytes()).hexdigest()
        except OSError:  # pragma: no cover - an installation without sources: key on the version alone
            parser = "unknown"
        _salt = f"{FORMAT}\n{__version__}\n{parser}\n"
    return _salt


def load_file_cached(path: Path, *, max_bytes: int, what: str) -> Document:
    """:func:`casefile.documents.load_file`, through the cache. Errors are the parser's (they are never cached)."""
    text = read_text(path, max_bytes=max_bytes, what=what)
    as_json = path.suffix.lower() == ".json"
    where = folder()
    if where is None:
        return load_text(text, str(path), as_json=as_json)
    source = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = hashlib.sha256(f"{_parser_salt()}{'json' if as_json else 'yaml'}\n{source}".encode()).hexdigest()
    entry = where / f"{key}.json"
    doc = _read(entry, str(path), source)
    if doc is None:
        doc = load_text(text, str(path), as_json=as_json)
        _write(where, entry, doc, source)
    return doc


def _read(entry: Path, name: str, source: str) -> Document | None:
    try:
        raw = json.loads(entry.read_bytes())
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            return None
        data = _decode(raw["data"], 0)
        if raw.get("source") != source:  # an entry written for another text
            return None
        lines = {tuple(path): line for path, line in raw["lines"] if type(path) is list}
        if {type(line) for line in lines.values()} - {int} or {type(p) for path in lines for p in path} - {str, int}:
            return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError, _Uncacheable):
        return None
    return Document(data, LineMap(lines), name)


def _write(where: Path, entry: Path, doc: Document, source: str) -> None:
    try:
        body = json.dumps(
            {
                "format": FORMAT,
                "source": source,
                "data": _encode(doc.data, 0),
                "lines": [[list(path), line] for path, line in doc.lines.lines.items()],
            },
            ensure_ascii=False,
            allow_nan=False,
        )
    except (_Uncacheable, ValueError, TypeError, RecursionError):
        return
    store(entry, body)


def store(entry: Path, body: str) -> None:
    """Write a cache entry whole (its folder made private to the user); any problem just means no cache."""
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        try:
            with open(fd, "w", encoding="utf-8") as handle:
                handle.write(body)
            os.replace(tmp, entry)  # readers see the whole entry or none
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        return  # no cache this time


_MAX_DEPTH = 64


def _encode(value: Any, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise _Uncacheable
    if isinstance(value, str):
        if value.startswith("\x00"):
            raise _Uncacheable
        return value
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _DATE + value.isoformat()
    if isinstance(value, list):
        return [_encode(v, depth + 1) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) and not k.startswith("\x00") for k in value):
        return {k: _encode(v, depth + 1) for k, v in value.items()}
    raise _Uncacheable


def _decode(value: Any, depth: int) -> Any:
    """The cached data back, checking that it has only the shapes the parser produces."""
    if depth > _MAX_DEPTH:
        raise _Uncacheable
    if isinstance(value, str):
        if value.startswith("\x00"):
            if not value.startswith(_DATE):
                raise _Uncacheable
            return dt.date.fromisoformat(value[len(_DATE) :])
        return value
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list):
        return [_decode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: _decode(v, depth + 1) for k, v in value.items()}
    raise _Uncacheable  # pragma: no cover - JSON has no other shapes
