"""Many cases at once, streamed: read, evaluate and write case by case, in flat memory, and summarise.

This is the library behind ``casefile batch``. :func:`iter_inputs` turns paths (case files, folders searched
recursively, JSON Lines files with one case per line) into a stream of *items* — a raw JSON line, a file to read,
or an input problem found on the way — without parsing anything. :func:`stream` hands the items, in bounded
chunks, to this process or to a pool of worker processes: each worker parses its own items, evaluates them with a
rulebook and engine loaded once, and sends back the finished output text and the outcomes to count, so that the
parent only reads lines and writes rows, and nothing grows with the number of cases. Results come back in input
order (then the rulebook's jurisdiction order) whatever the number of workers, so the output is byte-identical.

One bad input (a syntax error, an invalid or contradictory case, a bad JSON line) is one failure naming its file
and line; an engine failure or any unexpected error while evaluating one case is that case's failure; the other
cases are still evaluated. :class:`PartialFile` writes the rows to a temporary file beside the target and renames
it only when the batch is complete, so an interrupted batch never leaves a truncated file under the final name.

Rows hold only outcomes, rule ids, dates, the case id and the input's location (``--redact``: a neutral label such
as ``case-7``) — never a name or free text. :func:`collect_inputs`, :func:`evaluate_cases` and :func:`run_batch`
are the in-memory forms for tests and scripts.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from casefile import DISCLAIMER
from casefile.documents import open_regular
from casefile.errors import EngineError, InputError, RulebookError
from casefile.rulebook import HEADLINE_OUTCOMES

if TYPE_CHECKING:
    import datetime as dt

    from rich.console import Console

    from casefile.case import CaseFile

CASE_SUFFIXES = (".yaml", ".yml", ".json")
JSONL_SUFFIX = ".jsonl"
FIELDS: tuple[str, ...] = (
    "source",
    "case_id",
    "as_of",
    "code",
    "outcome",
    "access",
    "practice",
    "standard",
    "tension",
    "deciding_rules",
    "responsibility",
    "transfer_to",
    "application_country",
)
FORMATS = ("csv", "jsonl")
CHUNK_SIZE = 64  # items per message to a worker
IN_FLIGHT_PER_WORKER = 4  # chunks queued per worker: bounds memory whatever the size of the batch
MAX_LINE_BYTES = 1_000_000
# The order outcomes are listed in the summary: protection outcomes from most to least favourable, then access
# outcomes that stop a case before protection is assessed.
OUTCOME_ORDER: tuple[str, ...] = HEADLINE_OUTCOMES

Row = dict[str, Any]
Failure = tuple[str, str]  # (source, message)


class Item(NamedTuple):
    """One input to evaluate, not yet parsed.

    `kind` is ``line`` (the bytes of one JSON line), ``file`` (a case file's path), ``case`` (a validated
    :class:`CaseFile`), ``data`` (a validated case as plain data, for a worker) or ``bad`` (an input problem found
    while reading: `payload` is its message).
    """

    source: str
    kind: str
    payload: Any


class Done(NamedTuple):
    """One evaluated item: the output for its rows (text, or row dicts for ``fmt="rows"``), or why it failed.

    `outcomes` holds ``(code, outcome)`` per row, for the summary. `bad_input` tells an input problem (exit 2)
    from an engine or internal failure (exit 1).
    """

    source: str
    output: Any
    outcomes: tuple[tuple[str, str], ...]
    failure: str | None = None
    bad_input: bool = False


# ------------------------------------------------------------------------------------------------------ inputs


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Item]:
    """Every input under `paths`, in order, as unparsed items; problems found on the way are ``bad`` items.

    A path is a case file (YAML or JSON), a folder (searched recursively for ``*.yaml``, ``*.yml``, ``*.json`` and
    ``*.jsonl``, hidden files and folders skipped, in sorted order) or a JSON Lines file (``*.jsonl``, one case
    per line, blank lines ignored). A case's source is its file, or ``file:line`` for JSON Lines. A file reached
    twice is read once. Only one line is held in memory at a time.
    """
    seen: set[Path] = set()
    for entry in _expand(paths):
        if isinstance(entry, Item):
            yield entry
            continue
        key = entry.resolve()
        if key in seen:
            continue
        seen.add(key)
        if entry.suffix.lower() == JSONL_SUFFIX:
            yield from _jsonl_items(entry)
        else:
            yield Item(str(entry), "file", str(entry))


def _expand(paths: Iterable[str | Path]) -> Iterator[Path | Item]:
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            if not path.exists():
                yield Item(str(path), "bad", f"{path}: no such file or folder")
                continue
            yield path
            continue
        found = sorted(
            p
            for p in path.rglob("*")
            if p.suffix.lower() in (*CASE_SUFFIXES, JSONL_SUFFIX)
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not found:
            kinds = ", ".join(f"*{s}" for s in (*CASE_SUFFIXES, JSONL_SUFFIX))
            yield Item(str(path), "bad", f"{path}: the folder holds no case files ({kinds})")
        yield from found


def _jsonl_items(path: Path) -> Iterator[Item]:
    """One item per non-blank line; a line over the size limit is skipped unread and reported."""
    try:
        handle = open_regular(path, what="JSON Lines file")  # never a device or a pipe: those could hang or flood
    except InputError as exc:
        yield Item(str(path), "bad", str(exc))
        return
    except OSError as exc:
        yield Item(str(path), "bad", f"{path}: cannot be read ({exc.strerror})")
        return
    found = False
    number = 0
    with handle:
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                break
            number += 1
            source = f"{path}:{number}"
            if len(raw) > MAX_LINE_BYTES:
                while raw and not raw.endswith(b"\n"):  # the rest of the long line, never held whole
                    raw = handle.readline(1 << 20)
                found = True
                yield Item(source, "bad", f"{source}: the line is over {MAX_LINE_BYTES:,} bytes; is this a case?")
                continue
            if not raw.strip():
                continue
            found = True
            yield Item(source, "line", raw)
    if not found:
        yield Item(str(path), "bad", f"{path}: is empty, expected one case (a JSON object) per line")


def parse_item(item: Item) -> CaseFile:
    """The validated case of an item; raises InputError naming the file (and line) for a bad one."""
    from casefile.case import CaseFile, case_from_data, case_from_document, load_case
    from casefile.documents import decode_text, load_text

    source, kind, payload = item
    if kind == "case":
        return payload
    if kind == "data":
        return CaseFile.model_validate(payload)
    if kind == "file":
        return load_case(payload)
    if kind == "bad":
        raise InputError.single(None, payload)
    try:
        text = decode_text(payload, source, what="case")
        data = _plain_json(text)
        if data is None:  # anything unusual: the full loader, for its located messages
            return case_from_document(load_text(text, source, as_json=True))
        return case_from_data(data, source)
    except InputError as exc:
        # the problems are located in a one-line document named file:line; "line 1" adds nothing
        raise InputError([replace(p, file=source, line=None) for p in exc.problems]) from None


def collect_inputs(paths: Iterable[str | Path]) -> tuple[list[tuple[str, CaseFile]], list[Failure]]:
    """Read and validate every case under `paths` in this process: ``([(source, case)], [(source, message)])``."""
    cases: list[tuple[str, CaseFile]] = []
    failures: list[Failure] = []
    for item in iter_inputs(paths):
        try:
            cases.append((item.source, parse_item(item)))
        except InputError as exc:
            failures.append((item.source, _message(item, exc)))
    return cases, failures


def _message(item: Item, exc: InputError) -> str:
    return item.payload if item.kind == "bad" else str(exc)


class _Unusual(Exception):
    """A JSON line the fast path leaves to the full loader."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Unusual
    return out


def _no_constant(name: str) -> Any:
    raise _Unusual  # NaN, Infinity, -Infinity


def _plain_json(text: str) -> dict[str, Any] | None:
    """A JSON line as a dict when it is plain JSON the full loader would accept as it is, else None.

    :func:`casefile.documents.load_text` also composes the text as YAML to find the line of every value, which
    costs ten times the parse and tells nothing on a one-line document. Lines with a syntax error, duplicate keys,
    NaN or Infinity, a top level that is not an object, or more depth or values than the loader allows return None
    and go through the full loader, so every message is the loader's.
    """
    from casefile.documents import MAX_DEPTH, MAX_NODES

    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (ValueError, RecursionError, _Unusual):
        return None
    if not isinstance(data, dict):
        return None
    count = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_NODES:
            return None
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return data


# ------------------------------------------------------------------------------------------------- evaluation


_DECISIONS: dict[tuple[Any, ...], tuple[Any, str]] = {}  # (rulebook, code, fired per stage) -> (Decision, JSON)
_DECISIONS_MAX = 50_000


_RELEVANT: dict[tuple[str, str], frozenset[str]] = {}  # (rulebook, code) -> ids of the rules decide() reads


def _relevant(book: Any, code: str) -> frozenset[str]:
    """The rules whose firing `decide(..., code)` reads: those of every deciding stage for `code`."""
    from casefile.rulebook import DECIDING_STAGES

    key = (book.fingerprint, code)
    found = _RELEVANT.get(key)
    if found is None:
        found = _RELEVANT[key] = frozenset(
            r.id for r in book.rules.values() if r.stage in DECIDING_STAGES and code in r.jurisdictions
        )
    return found


def _decision(trace: Any, book: Any, code: str, fired: frozenset[str]) -> tuple[Any, str]:
    """``decide(trace, book, code)`` and its JSON Lines fields, remembered: both depend only on which of the rules
    decide() reads for `code` fired (`fired`: the ids of every rule that fired for this case).

    Batches repeat the same few combinations of fired rules many thousand times, and precedence is the costliest
    step after the engine itself.
    """
    from casefile.decision import decide

    key = (book.fingerprint, code, fired & _relevant(book, code))
    found = _DECISIONS.get(key)
    if found is None:
        d = decide(trace, book, code)
        found = (d, json.dumps(_decision_fields(code, d), ensure_ascii=False)[1:-1])
        if len(_DECISIONS) >= _DECISIONS_MAX:
            _DECISIONS.clear()
        _DECISIONS[key] = found
    return found


def _evaluate(case: CaseFile, as_of: dt.date | None, codes: Sequence[str]) -> tuple[dt.date, list[tuple[Any, str]]]:
    """The as-of date of one case and, per code, its decision and JSON Lines fields (outcomes only, no checklists)."""
    from casefile import facts as _facts
    from casefile.engine import matcher, run
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    day = as_of or case.default_as_of()
    trace = run(matcher(book, checklists=False), book, _facts.facts_of(case, day))
    fired = frozenset(trace.fired)
    return day, [_decision(trace, book, code, fired) for code in codes]


def rows_for(source: str, case: CaseFile, as_of: dt.date | None, codes: Sequence[str]) -> list[Row]:
    """The batch rows of one case: one per jurisdiction, outcomes and deciding rule ids only.

    Batches need no checklists or explanations, so this runs the engine built without checklist criteria and
    takes the decisions directly (the same ``decide`` that ``assess`` uses), skipping the full report model.
    `application_country` holds the code of the country where the person applied (None when unknown).
    """
    day, decisions = _evaluate(case, as_of, codes)
    applied = case.journey.application_country.value if case.journey.application_country else None
    return [
        {
            "source": source,
            "case_id": case.case_id,
            "as_of": day.isoformat(),
            **_decision_fields(code, d),
            "transfer_to": _transfer_to(case, d),
            "application_country": applied,
        }
        for code, (d, _json) in zip(codes, decisions, strict=True)
    ]


def _decision_fields(code: str, d: Any) -> dict[str, Any]:
    """The columns that depend only on one jurisdiction's decision (remembered per combination of fired rules)."""
    return {
        "code": code,
        "outcome": d.outcome,
        "access": d.access,
        "practice": d.practice,
        "standard": d.standard,
        "tension": d.tension,
        "deciding_rules": [*d.access_rules, *d.practice_rules, *d.standard_rules],
        "responsibility": d.responsibility,
    }


def _transfer_to(case: CaseFile, d: Any) -> str | None:
    """The state a claim would likely be passed to under Dublin (the visa's issuer), or None."""
    return case.journey.visa_issuer if d.responsibility == "transfer_to_visa_issuer" else None


_NOTICE_JSON = json.dumps(DISCLAIMER, ensure_ascii=False)


def _jsonl_for(source: str, case: CaseFile, as_of: dt.date | None, codes: Sequence[str]) -> tuple[str, list[str]]:
    """The JSON Lines of one case (as :func:`jsonl_rows` writes them, pieced from remembered parts), and outcomes."""
    day, decisions = _evaluate(case, as_of, codes)
    applied = case.journey.application_country.value if case.journey.application_country else None
    head = (
        "{"
        + json.dumps({"source": source, "case_id": case.case_id, "as_of": day.isoformat()}, ensure_ascii=False)[1:-1]
    )
    tail = f', "application_country": {json.dumps(applied)}, "disclaimer": {_NOTICE_JSON}}}\n'
    return "".join(
        f'{head}, {fields}, "transfer_to": {json.dumps(_transfer_to(case, d))}{tail}' for d, fields in decisions
    ), [d.outcome for d, _ in decisions]


def evaluate_item(item: Item, label: str, as_of: dt.date | None, codes: Sequence[str], fmt: str = "rows") -> Done:
    """Parse and evaluate one item; its rows formatted as `fmt` (``csv``, ``jsonl`` or ``rows``: the dicts).

    Never raises for one case's problem: an input error, an engine or rulebook error, or any unexpected exception
    becomes this item's failure (KeyboardInterrupt and SystemExit still stop the batch).
    """
    try:
        case = parse_item(item)
    except InputError as exc:
        return Done(item.source, None, (), _message(item, exc), bad_input=True)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # e.g. a loader that gives up in an unforeseen way: one bad input, not a lost batch
        return Done(item.source, None, (), f"{item.source}: cannot be read ({type(exc).__name__}: {exc})", True)
    try:
        if fmt == "jsonl":
            text, outcomes = _jsonl_for(label, case, as_of, codes)
            return Done(item.source, text, tuple(zip(codes, outcomes, strict=True)))
        rows = rows_for(label, case, as_of, codes)
    except (EngineError, RulebookError) as exc:
        return Done(item.source, None, (), f"{item.source}: {type(exc).__name__}: {exc}")
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # an internal error for one case must not lose the rest of the batch
        return Done(item.source, None, (), f"{item.source}: internal error: {type(exc).__name__}: {exc}")
    outcomes = tuple((r["code"], r["outcome"]) for r in rows)
    if fmt == "csv":
        return Done(item.source, csv_rows(rows), outcomes)
    return Done(item.source, rows, outcomes)


def stream(
    items: Iterable[Item],
    *,
    as_of: dt.date | None = None,
    codes: Sequence[str],
    workers: int = 1,
    fmt: str = "rows",
    redact: bool = False,
) -> Iterator[Done]:
    """Evaluate `items` in input order, in this process (`workers` 1) or in `workers` processes.

    At most a few chunks per worker are in flight, so memory stays flat for any number of items; a batch that
    fits in one chunk runs in this process (starting workers would cost more than it saves). With `redact`, each
    row's source is a neutral label, ``case-N`` for the N-th input, instead of its file and line.
    """
    if workers < 1:
        raise InputError.single(None, f"expected a number of workers of at least 1, got {workers}", field="--workers")
    labelled = ((item, f"case-{n}" if redact else item.source) for n, item in enumerate(items, start=1))
    if workers == 1:
        for item, label in labelled:
            yield evaluate_item(item, label, as_of, codes, fmt)
        return
    chunks = _chunks(labelled, CHUNK_SIZE)
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None:
        for item, label in first:
            yield evaluate_item(item, label, as_of, codes, fmt)
        return
    yield from _in_pool(_chain(first, second, chunks), as_of, list(codes), workers, fmt)


def _chain(first: Any, second: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield second
    yield from rest


def _chunks(labelled: Iterable[tuple[Item, str]], size: int) -> Iterator[list[tuple[Item, str]]]:
    chunk: list[tuple[Item, str]] = []
    for item, label in labelled:
        if item.kind == "case":  # plain data for the worker; names, notes and trainer's notes are never needed there
            data = item.payload.model_dump(mode="json", exclude_none=True, exclude={"name", "notes", "training"})
            item = Item(item.source, "data", data)
        chunk.append((item, label))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# -- worker processes -----------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(as_of: dt.date | None, codes: list[str], fmt: str) -> None:
    """Run once in each worker: leave Ctrl-C and SIGTERM to the parent, load the rulebook and the engine."""
    import signal

    from casefile.engine import matcher
    from casefile.rulebook import default_rulebook

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the batch and tells the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited through fork
    matcher(default_rulebook(), checklists=False)
    _WORKER.update(as_of=as_of, codes=codes, fmt=fmt)


def _evaluate_chunk(chunk: list[tuple[Item, str]]) -> list[Done]:
    w = _WORKER
    return [evaluate_item(item, label, w["as_of"], w["codes"], w["fmt"]) for item, label in chunk]


def _in_pool(
    chunks: Iterator[list[tuple[Item, str]]], as_of: dt.date | None, codes: list[str], size: int, fmt: str
) -> Iterator[Done]:
    """Evaluate chunks in `size` worker processes, a bounded number in flight, yielding results in order."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from casefile.rulebook import default_rulebook

    default_rulebook()  # loaded once here: forked workers inherit it
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    pending: deque[Future[list[Done]]] = deque()
    executor = ProcessPoolExecutor(
        max_workers=size,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(as_of, codes, fmt),
    )
    finished = False
    try:
        for chunk in chunks:
            pending.append(executor.submit(_evaluate_chunk, chunk))
            if len(pending) >= size * IN_FLIGHT_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
        finished = True
    except BrokenProcessPool as exc:
        raise EngineError(f"a worker process stopped unexpectedly ({exc}); try --workers 1") from None
    finally:
        # after an interruption too: queued chunks are cancelled, and the workers finish the chunk they hold
        # (a few milliseconds) and exit, so none is left behind however this process then ends
        executor.shutdown(wait=True, cancel_futures=not finished)


@dataclass
class BatchResult:
    """Rows in input order, then jurisdiction order; and the cases that could not be evaluated."""

    rows: list[Row] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    evaluated: int = 0


def evaluate_cases(
    cases: Sequence[tuple[str, CaseFile]],
    *,
    as_of: dt.date | None = None,
    jurisdictions: Sequence[str] | None = None,
    workers: int | None = 1,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """Assess validated cases in every selected jurisdiction, in memory (see :func:`stream`).

    `workers` processes evaluate the cases (None: one per CPU). `progress` is called with 1 after each case.
    """
    from casefile.assessment import parse_jurisdictions

    codes = parse_jurisdictions(jurisdictions)  # raises InputError early, in this process
    wanted = (os.cpu_count() or 1) if workers is None else workers
    result = BatchResult()
    items = (Item(source, "case", case) for source, case in cases)
    for done in stream(items, as_of=as_of, codes=codes, workers=wanted):
        if done.failure is not None:
            result.failures.append((done.source, done.failure))
        else:
            result.evaluated += 1
            result.rows.extend(done.output)
        if progress is not None:
            progress(1)
    return result


def run_batch(
    cases: Sequence[tuple[str, CaseFile]],
    *,
    as_of: dt.date | None = None,
    jurisdictions: Sequence[str] | None = None,
    workers: int | None = 1,
) -> list[Row]:
    """The rows for `cases` (see :func:`evaluate_cases`); raises EngineError if any case could not be evaluated."""
    result = evaluate_cases(cases, as_of=as_of, jurisdictions=jurisdictions, workers=workers)
    if result.failures:
        _source, message = result.failures[0]
        more = f" (and {len(result.failures) - 1} more)" if len(result.failures) > 1 else ""
        raise EngineError(f"{message}{more}")
    return result.rows


# ----------------------------------------------------------------------------------------------------- output


def csv_header() -> str:
    """The first lines of a batch CSV: the notice as a comment line, then the column names."""
    return f"# {DISCLAIMER}\n" + ",".join(FIELDS) + "\n"


def csv_rows(rows: Iterable[Row]) -> str:
    """CSV lines for `rows`: booleans as true/false, deciding rules joined by ';', an unknown country empty."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows([_csv_value(row[name]) for name in FIELDS] for row in rows)
    return buf.getvalue()


def to_csv(rows: Iterable[Row]) -> str:
    """A whole batch CSV: :func:`csv_header` then :func:`csv_rows`."""
    return csv_header() + csv_rows(rows)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def jsonl_rows(rows: Iterable[Row]) -> str:
    """One JSON object per row, each with the disclaimer."""
    return "".join(
        json.dumps({**{name: row[name] for name in FIELDS}, "disclaimer": DISCLAIMER}, ensure_ascii=False) + "\n"
        for row in rows
    )


to_jsonl = jsonl_rows


class PartialFile:
    """Output written to a temporary file beside `target`, renamed to `target` only once complete.

    Opening it checks everything that can be checked before any work: `target` is not a folder, its folder exists
    and is writable, and it does not exist unless `force`. The temporary file is hidden and named after the target
    (``.out.csv.XXXX.partial``); :meth:`discard` removes it, so an interrupted batch leaves no file under the final
    name (only a killed process can leave the hidden partial file behind, and its name says what it is).
    """

    def __init__(self, target: Path, *, force: bool) -> None:
        self.target = target
        self.force = force
        if target.is_dir():
            raise InputError.single(str(target), "is a folder; expected a file to write")
        folder = target.parent
        if not folder.is_dir():
            raise InputError.single(str(target), "cannot be written: its folder does not exist")
        if target.exists() and not force:
            raise InputError.single(
                str(target), "already exists; nothing was written", hint="use --force to replace it"
            )
        try:
            fd, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".partial")
        except OSError as exc:
            raise InputError.single(str(target), f"cannot be written ({exc.strerror})") from None
        self.path = Path(name)
        os.chmod(fd, 0o600)  # case data: readable by its owner only, like every report casefile writes
        self.handle = open(fd, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by commit/discard

    def write(self, text: str) -> None:
        self.handle.write(text)

    def commit(self) -> None:
        """Flush, and move the complete file to its final name."""
        self.handle.close()
        if self.target.exists() and not self.force:  # appeared while the batch ran
            self.discard()
            raise InputError.single(str(self.target), "appeared while the batch ran; nothing was written")
        os.replace(self.path, self.target)

    def discard(self) -> None:
        """Remove the temporary file (an interrupted or failed batch)."""
        if not self.handle.closed:
            self.handle.close()
        self.path.unlink(missing_ok=True)


def render_summary(counts: dict[str, Counter[str]], codes: Sequence[str], console: Console) -> None:
    """A table of outcome counts (``{code: Counter(outcome)}``): one row per outcome, one column per jurisdiction."""
    from rich import box
    from rich.table import Table

    seen = {o for c in counts.values() for o in c}
    outcomes = [o for o in OUTCOME_ORDER if o in seen] + sorted(seen - set(OUTCOME_ORDER))
    table = Table(title="Outcomes by jurisdiction", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("outcome")
    for code in codes:
        table.add_column(code, justify="right")
    table.add_column("total", justify="right", style="bold")
    for outcome in outcomes:
        per = [counts.get(code, Counter())[outcome] for code in codes]
        table.add_row(outcome, *(str(n) if n else "[dim]0[/dim]" for n in per), str(sum(per)))
    per_code = [sum(counts.get(code, Counter()).values()) for code in codes]
    table.add_section()
    table.add_row("total", *(str(n) for n in per_code), str(sum(per_code)), style="bold")
    console.print(table)
