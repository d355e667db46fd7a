"""Reading YAML and JSON documents safely, keeping the line of every value.

Case files and rule files are typed by hand. This module turns a file into plain Python data (dicts, lists,
str, int, float, bool, date, None) together with a :class:`LineMap` from each value's path to its line, so that
later validation errors can say *where* the problem is. It refuses, with a clear :class:`InputError`:
missing and unreadable files, empty files, binary files, non-UTF-8 text, files over a size limit, syntax errors,
duplicate keys, YAML anchors and aliases (which also rules out "billion laughs" alias bombs), custom tags, and
documents nested deeper than any case file needs. Nothing here can run code: PyYAML's safe composer builds a
node tree, and only plain scalars are converted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from casefile.errors import InputError

try:  # libyaml is much faster; PyYAML wheels ship it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 1_000_000
MAX_DEPTH = 12
MAX_NODES = 50_000

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


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_constructor = yaml.constructor.SafeConstructor()


def read_text(path: Path, *, max_bytes: int = MAX_BYTES, what: str = "file") -> str:
    """Read a UTF-8 text file or raise InputError saying what is wrong with it."""
    name = str(path)
    if not path.exists():
        raise InputError.single(name, f"no such {what}", hint="check the path")
    if path.is_dir():
        raise InputError.single(name, f"is a folder, expected a {what}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError.single(
                name, f"is {size:,} bytes; a {what} may be at most {max_bytes:,} bytes", hint="is this the right file?"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError.single(name, f"cannot be read ({exc.strerror})") from None
    return decode_text(raw, name, what=what)


def decode_text(raw: bytes, name: str, *, what: str = "file") -> str:
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
    return load_text(text, str(path), as_json=path.suffix.lower() == ".json")


def load_text(text: str, name: str, *, as_json: bool = False) -> Document:
    """Parse text (YAML, or JSON when `as_json`) into a Document with line numbers."""
    if as_json:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError.single(
                name, f"is not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
            ) from None
        except RecursionError:
            raise InputError.single(name, f"is nested too deeply (more than {MAX_DEPTH} levels)") from None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.composer.ComposerError as exc:
        raise _yaml_error(name, exc, "YAML anchors and aliases are not allowed") from None
    except yaml.MarkedYAMLError as exc:
        raise _yaml_error(name, exc, None) from None
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        raise InputError.single(name, f"is not valid YAML: {exc}") from None
    except RecursionError:
        raise InputError.single(name, f"is nested too deeply (more than {MAX_DEPTH} levels)") from None
    if root is None:
        raise InputError.single(name, "is empty, expected a YAML or JSON document")
    lines = LineMap()
    builder = _Builder(name, lines)
    data = builder.build(root, (), 0)
    return Document(data, lines, name)


def _yaml_error(name: str, exc: yaml.MarkedYAMLError, override: str | None) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    problem = override or (exc.problem or "syntax error")
    hint = None
    if exc.problem and "found character '\\t'" in exc.problem:
        hint = "YAML indentation must use spaces, not tabs"
    elif exc.problem and "mapping values are not allowed" in exc.problem:
        hint = "a value containing ': ' must be quoted"
    return InputError.single(name, f"is not valid YAML: {problem}", line=line, hint=hint)


class _Builder:
    """Turns a composed node tree into plain data, refusing aliases, tags and runaway documents."""

    def __init__(self, name: str, lines: LineMap) -> None:
        self.name = name
        self.lines = lines
        self.seen: set[int] = set()
        self.count = 0

    def fail(self, node: yaml.Node, expected: str, path: Path_, hint: str | None = None) -> InputError:
        return InputError.single(
            self.name, expected, line=node.start_mark.line + 1, field=_dotted(path) or None, hint=hint
        )

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        if id(node) in self.seen:
            raise self.fail(node, "YAML anchors and aliases are not allowed", path, "write the value out")
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"has more than {MAX_NODES:,} values; a case or rule file is far smaller", path)
        if depth > MAX_DEPTH:
            raise self.fail(node, f"is nested too deeply (more than {MAX_DEPTH} levels)", path)
        self.lines.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.tag not in _COLLECTION_TAGS:
            raise self.fail(node, f"custom YAML tags are not allowed (found {node.tag})", path)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, "YAML merge keys ('<<') are not allowed", path)
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "keys must be plain names", path)
            key = self._scalar(key_node, path)
            if not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) else str(key)
            if key in out:
                raise self.fail(key_node, f"key '{key}' appears twice", (*path, key), "keep one of them")
            self.lines.lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out

    def _scalar(self, node: yaml.Node, path: Path_) -> Any:
        if node.tag == "tag:yaml.org,2002:str":  # the common case, no construction needed
            return node.value
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, f"custom YAML tags are not allowed (found {node.tag})", path)
        if node.tag == "tag:yaml.org,2002:timestamp":
            text = str(node.value)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                try:
                    return dt.date.fromisoformat(text)
                except ValueError:
                    raise self.fail(node, f"'{text}' is not a real calendar date", path) from None
            raise self.fail(node, "expected a date (YYYY-MM-DD), not a date and time", path)
        try:
            value: Hashable = _constructor.construct_object(node)
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            raise self.fail(node, f"unreadable value ({exc})", path) from None
        if isinstance(value, float) and value != value:  # NaN
            raise self.fail(node, "NaN is not a value", path)
        return value


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
