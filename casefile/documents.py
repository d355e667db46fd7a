"""Reading YAML and JSON documents safely, keeping the line of every value.

Case files and rule files are typed by hand. This module turns a file into plain Python data (dicts, lists,
str, int, float, bool, date, None) together with a :class:`LineMap` from each value's path to its line, so that
later validation errors can say *where* the problem is. It refuses, with a clear :class:`InputError`:
missing and unreadable files, anything that is not a regular file (folders, devices such as ``/dev/zero``, named
pipes), files over a size limit, empty files, binary files, non-UTF-8 text, syntax errors, more than one document,
duplicate keys, YAML anchors and aliases (which also rules out "billion laughs" alias bombs), tags, numbers longer
than any value needs, and documents nested deeper than any case file needs.

YAML is read from libyaml's *events*, never through its recursive composer: the depth is counted as the events
arrive, so a document nested 30,000 levels deep is refused at level 13 instead of overflowing the C stack. Plain
scalars are read as the YAML 1.2 core schema reads them (``yes``, ``on``, ``no`` and ``NO`` stay text), and the
YAML 1.1 forms that surprise people (``027`` read as octal 23, ``1:30`` read as 90, ``0x1d``, ``+12``, ``1_0``)
are refused with a message that says how to write what was meant. JSON is read by Python's own parser (so any
valid JSON loads, emoji written as surrogate-pair escapes included) and only its lines come from libyaml.
Nothing here can run code.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from casefile.errors import InputError

try:  # libyaml is much faster; PyYAML wheels ship it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 1_000_000
MAX_DEPTH = 12
MAX_NODES = 50_000
MAX_NUMBER_CHARS = 30  # no case or rule value is a longer number; Python refuses ints over 4,300 digits anyway

Path_ = tuple[str | int, ...]


@dataclass
class LineMap:
    """Lines (1-based) of the values and keys of a document, by path such as ('military', 'deserted')."""

    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), None)


@dataclass
class Document:
    """A parsed file: its data, where each value sits, and its name for messages."""

    data: Any
    lines: LineMap
    name: str


# ------------------------------------------------------------------------------------------------------ reading

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int, name: str, what: str) -> InputError | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return InputError.single(name, f"is a folder, expected a {what}")
    kind = next((label for test, label in _KINDS if test(mode)), "not a regular file")
    return InputError.single(name, f"is {kind}, not a regular file; expected a {what}")


def open_regular(path: Path, *, what: str = "file") -> BinaryIO:
    """A regular file opened for reading in binary, or an InputError saying what `path` is instead.

    Devices (``/dev/zero``, ``/dev/urandom``), named pipes, sockets and folders are refused before anything is
    read, and a pipe is opened without blocking, so it can never hang. For streaming readers (JSON Lines);
    whole files go through :func:`read_bytes`, which also enforces the size limit.
    """
    name = str(path)
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError.single(name, f"no such {what}", hint="check the path") from None
    except OSError as exc:
        raise InputError.single(name, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    problem = _not_regular(st.st_mode, name, what)
    if problem:
        raise problem
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError.single(name, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        problem = _not_regular(os.fstat(fd).st_mode, name, what)  # replaced between stat and open
    except OSError as exc:
        os.close(fd)
        raise InputError.single(name, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if problem:
        os.close(fd)
        raise problem
    return os.fdopen(fd, "rb")


def read_bytes(path: Path, *, max_bytes: int = MAX_BYTES, what: str = "file") -> bytes:
    """The bytes of a regular file of at most `max_bytes`, or an InputError saying what is wrong.

    See :func:`open_regular` for what is refused; no more than `max_bytes` + 1 bytes are ever read, also from
    files whose size the system does not report (``/proc``).
    """
    name = str(path)
    too_big = InputError.single(
        name,
        f"is over {max_bytes:,} bytes; a {what} may be at most {max_bytes:,} bytes",
        hint="is this the right file?",
    )
    with open_regular(path, what=what) as handle:
        try:
            if os.fstat(handle.fileno()).st_size > max_bytes:
                raise too_big
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputError.single(name, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > max_bytes:
        raise too_big
    return data


def read_text(path: Path, *, max_bytes: int = MAX_BYTES, what: str = "file") -> str:
    """Read a UTF-8 text file or raise InputError saying what is wrong with it."""
    return decode_text(read_bytes(path, max_bytes=max_bytes, what=what), str(path), what=what)


def decode_text(raw: bytes, name: str, *, what: str = "file") -> str:
    """UTF-8 text from bytes (a leading byte-order mark is dropped), or an InputError that names the fix."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError.single(name, "is UTF-16 text, expected UTF-8", hint="save the file as UTF-8")
    if b"\x00" in raw[:8192]:
        raise InputError.single(name, f"looks like a binary file, expected a YAML or JSON {what}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError.single(name, "is not valid UTF-8 text", line=line, hint="save the file as UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError.single(name, f"is empty, expected a YAML or JSON {what}")
    return text


def load_file(path: Path, *, max_bytes: int = MAX_BYTES, what: str = "file") -> Document:
    """Load a .yaml/.yml/.json file into a Document."""
    text = read_text(path, max_bytes=max_bytes, what=what)
    return load_text(text, str(path), as_json=path.suffix.lower() == ".json", what=what)


def load_text(text: str, name: str, *, as_json: bool = False, what: str = "file") -> Document:
    """Parse text (YAML, or JSON when `as_json`) into a Document with line numbers."""
    if as_json:
        return _load_json(text, name)
    data, lines = _Builder(name, what).run(text)
    return Document(data, lines, name)


# --------------------------------------------------------------------------------------------------------- YAML


def _yaml_error(name: str, exc: yaml.MarkedYAMLError, text: str = "") -> InputError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    problem = exc.problem or "syntax error"
    hint = None
    lines = text.splitlines()
    near = lines[max(line - 2, 0) : line] if line else []  # the line named, and the one before it
    if "found character '\\t'" in problem or any("\t" in row[: len(row) - len(row.lstrip())] for row in near):
        hint = "YAML indentation must use spaces, not tabs"
    elif any(mark in text for mark in ("\x85", "\u2028", "\u2029")):
        hint = (
            "the file holds an invisible line break (U+0085, U+2028 or U+2029) that YAML counts as a new line, "
            "so line numbers run ahead; remove it"
        )
    elif "mapping values are not allowed" in problem:
        hint = "a value containing ': ' must be quoted"
    elif "maximum nesting depth" in problem:
        return InputError.single(name, f"is nested too deeply (more than {MAX_DEPTH} levels)", line=line)
    elif "special characters are not allowed" in problem or "control characters" in problem:
        hint = "remove the invisible control character on that line"
    return InputError.single(name, f"is not valid YAML: {problem}", line=line, hint=hint)


_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}.*")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+(?:\.[0-9_]*)?")
_BASES = re.compile(r"[-+]?0(?:x[0-9a-fA-F_]+|o[0-7_]+|b[01_]+)")
_SIGNED = re.compile(r"\+[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?")
_SEPARATED = re.compile(r"[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?")
_SPECIAL_FLOATS = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")


def resolve_plain(text: str) -> Any:
    """What an unquoted YAML value means (YAML 1.2 core schema, dates as dates); ValueError with the fix for the
    YAML 1.1 forms that read as something the writer did not mean."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if not text or not (text[0].isdigit() or text[0] in "-+."):
        return text
    if _INT.fullmatch(text):
        if len(text) > MAX_NUMBER_CHARS:
            raise ValueError(f"a number of {len(text):,} digits is far longer than any value here")
        return int(text)
    if _FLOAT.fullmatch(text):
        if len(text) > MAX_NUMBER_CHARS:
            raise ValueError(f"a number of {len(text):,} characters is far longer than any value here")
        value = float(text)
        if value in (float("inf"), float("-inf")):
            raise ValueError("the number is too large")
        return value
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a real calendar date") from None
    if _DATETIME.fullmatch(text):
        raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
    quoted = "or put it in quotes if it is meant as text"
    if _SEXAGESIMAL.fullmatch(text):
        raise ValueError(f"'{text}' would be read by YAML 1.1 as a number in base 60; put it in quotes if it is text")
    if _BASES.fullmatch(text):
        raise ValueError(
            f"hexadecimal, octal and binary numbers are not allowed: write the number in decimal, {quoted}"
        )
    if _LEADING_ZERO.fullmatch(text):
        raise ValueError(
            f"'{text}' has a leading zero, which YAML 1.1 reads as an octal number: write it without the zero, {quoted}"
        )
    if _SIGNED.fullmatch(text):
        raise ValueError(f"write the number without the '+', {quoted}")
    if "_" in text and _SEPARATED.fullmatch(text):
        raise ValueError(f"write the number without '_' separators, {quoted}")
    if _SPECIAL_FLOATS.fullmatch(text):
        raise ValueError("infinity and NaN are not values")
    return text


class _Frame:
    __slots__ = ("container", "key", "key_line", "path")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path_) -> None:
        self.container = container
        self.path = path
        self.key: str | None = None  # a mapping's key waiting for its value
        self.key_line = 0


class _Builder:
    """Turns libyaml's events into plain data with an explicit stack: no recursion, so no depth can crash it.

    With `lines_only` (used for JSON, whose values come from Python's parser) scalars are not interpreted and
    only the lines and the first duplicate key are recorded.
    """

    def __init__(self, name: str, what: str = "file", *, lines_only: bool = False) -> None:
        self.name = name
        self.what = what
        self.lines = LineMap()
        self.lines_only = lines_only
        self.duplicate: tuple[str, Path_, int] | None = None
        self.long_number: tuple[Path_, int] | None = None  # (lines_only) where an over-long number sits

    def fail(self, line: int, expected: str, path: Path_, hint: str | None = None) -> InputError:
        return InputError.single(self.name, expected, line=line, field=_dotted(path) or None, hint=hint)

    def run(self, text: str) -> tuple[Any, LineMap]:
        loader = _Loader(text)
        try:
            return self._events(loader), self.lines
        except yaml.MarkedYAMLError as exc:
            raise _yaml_error(self.name, exc, text) from None
        except yaml.YAMLError as exc:  # pragma: no cover - defensive
            raise InputError.single(self.name, f"is not valid YAML: {exc}") from None
        finally:
            loader.dispose()

    def _events(self, loader: Any) -> Any:
        stack: list[_Frame] = []
        root: Any = None
        documents = 0
        count = 0
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise InputError.single(
                        self.name,
                        "holds a second YAML document (after '---'); "
                        + ("one case per file" if self.what.startswith("case") else "one document per file"),
                        line=line,
                        hint="for many cases use 'casefile batch' with a folder"
                        if self.what.startswith("case")
                        else None,
                    )
                continue
            if isinstance(event, yaml.CollectionEndEvent):
                stack.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue  # stream and document ends
            parent = stack[-1] if stack else None
            path: Path_ = () if parent is None else parent.path
            if isinstance(event, yaml.AliasEvent):
                raise self.fail(line, "YAML anchors and aliases are not allowed", path, "write the value out")
            count += 1
            if count > MAX_NODES:
                raise self.fail(line, f"has more than {MAX_NODES:,} values; a case or rule file is far smaller", path)
            is_collection = isinstance(event, yaml.CollectionStartEvent)
            if parent is not None and isinstance(parent.container, dict) and parent.key is None:
                # a mapping key
                if is_collection:
                    raise self.fail(line, "keys must be plain names", path)
                key = self._key(event, line, path)
                if key in parent.container or (self.lines_only and (*path, key) in self.lines.lines):
                    if self.lines_only:
                        self.duplicate = self.duplicate or (key, (*path, key), line)
                    else:
                        raise self.fail(line, f"key '{key}' appears twice", (*path, key), "keep one of them")
                self.lines.lines[(*path, key)] = line
                parent.key, parent.key_line = key, line
                continue
            if parent is not None:
                path = (*path, parent.key if isinstance(parent.container, dict) else len(parent.container))
            if len(stack) > MAX_DEPTH:
                raise self.fail(line, f"is nested too deeply (more than {MAX_DEPTH} levels)", path)
            self.lines.lines.setdefault(path, line)
            value: Any
            if is_collection:
                if event.tag not in _COLLECTION_TAGS and not self.lines_only:
                    raise self.fail(line, f"custom YAML tags are not allowed (found {event.tag})", path)
                value = {} if isinstance(event, yaml.MappingStartEvent) else []
            else:
                value = None if self.lines_only else self._scalar(event, line, path)
                if self.lines_only and self.long_number is None and event.implicit[0]:
                    text = event.value
                    if len(text) > MAX_NUMBER_CHARS and (_INT.fullmatch(text) or _FLOAT.fullmatch(text)):
                        self.long_number = (path, line)
            if parent is None:
                root = value
            elif isinstance(parent.container, dict):
                parent.container[parent.key] = value  # type: ignore[index]
                parent.key = None
            else:
                parent.container.append(value)
            if is_collection:
                stack.append(_Frame(value, path))
        if documents == 0 or (root is None and not self.lines_only):
            raise InputError.single(self.name, f"is empty, expected a YAML or JSON {self.what}")
        return root

    def _key(self, event: Any, line: int, path: Path_) -> str:
        if self.lines_only:
            return str(event.value)
        if event.implicit[0] and event.tag is None and event.value == "<<":
            raise self.fail(line, "YAML merge keys ('<<') are not allowed", path)
        key = self._scalar(event, line, path)
        if isinstance(key, bool):
            return str(key).lower()
        return key if isinstance(key, str) else str(key)

    def _scalar(self, event: Any, line: int, path: Path_) -> Any:
        tag = event.tag
        if tag not in (None, "!"):
            if tag == "tag:yaml.org,2002:str":
                return event.value
            raise self.fail(line, f"YAML tags are not allowed (found {tag})", path, "write the value without it")
        if tag == "!" or not event.implicit[0]:  # quoted, a block of text, or the non-specific tag '!'
            return event.value
        try:
            return resolve_plain(event.value)
        except ValueError as exc:
            raise self.fail(line, str(exc), path) from None


# --------------------------------------------------------------------------------------------------------- JSON

_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(Exception):
    """A JSON value Python's parser accepts but a case file must not hold."""


def _json_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(f"a number of {len(text):,} digits is far longer than any value here")
    return int(text)


def _json_float(text: str) -> float:
    value = float(text)
    if len(text) > MAX_NUMBER_CHARS or value in (float("inf"), float("-inf")):
        raise _Refused(f"a number of {len(text):,} characters is far longer than any value here")
    return value


def _json_constant(text: str) -> Any:
    raise _Refused(f"{text} is not a value")


def _load_json(text: str, name: str) -> Document:
    """JSON through Python's parser after a cheap depth scan; lines from libyaml's events where it can read them."""
    shape = _JSON_STRING.sub('""', text)  # strings cannot hold raw newlines, so lines stay where they were
    depth = 0
    for match in _BRACKETS.finditer(shape):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH + 1:
            line = shape.count("\n", 0, match.start()) + 1
            raise InputError.single(name, f"is nested too deeply (more than {MAX_DEPTH} levels)", line=line)
    lines = LineMap()
    duplicate = None
    builder = _Builder(name, lines_only=True)
    try:
        _, lines = builder.run(_SURROGATE_ESCAPE.sub(r"\\u0020", text))
        duplicate = builder.duplicate
    except InputError:
        lines = LineMap()  # valid JSON libyaml cannot read: values still load, messages lose their line
    try:
        data = json.loads(text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise InputError.single(name, f"is not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
    except _Refused as exc:
        where, line = builder.long_number or ((), None)
        raise InputError.single(name, str(exc), line=line, field=_dotted(where) or None) from None
    except RecursionError:  # pragma: no cover - the depth scan comes first
        raise InputError.single(name, f"is nested too deeply (more than {MAX_DEPTH} levels)") from None
    if duplicate:
        key, path, line = duplicate
        raise InputError.single(
            name, f"key '{key}' appears twice", line=line, field=_dotted(path), hint="keep one of them"
        )
    count = 0
    stack: list[tuple[Any, Path_]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise InputError.single(name, f"has more than {MAX_NODES:,} values; a case or rule file is far smaller")
        if isinstance(value, dict):
            for key, item in value.items():
                if _LONE_SURROGATE.search(key):
                    raise InputError.single(
                        name, "a key holds half of a surrogate pair (\\ud800-\\udfff)", line=lines.line(path)
                    )
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
        elif isinstance(value, str) and _LONE_SURROGATE.search(value):
            raise InputError.single(
                name,
                "holds half of a surrogate pair (an escape \\ud800-\\udfff without its partner)",
                line=lines.line(path),
                field=_dotted(path) or None,
                hint="write the character itself, or both halves of the pair",
            )
    return Document(data, lines, name)


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def dotted(path: Path_) -> str:
    """('evidence', 0, 'kind') -> 'evidence[0].kind'."""
    return _dotted(path)
