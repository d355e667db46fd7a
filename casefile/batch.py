"""Many cases at once: collect case files, evaluate each in every jurisdiction, and summarise.

This is the library behind ``casefile batch``. :func:`collect_inputs` turns paths (case files, folders searched
recursively, JSON Lines files with one case per line) into validated cases and located input problems;
:func:`evaluate_cases` assesses every case (``explain=False``) in-process or in a pool of worker processes, each
with its own rulebook and engine loaded once; :func:`run_batch` is the short form for benchmarks. Rows hold only
outcomes, rule ids and dates — never a name or free text. Results do not depend on the number of workers: rows
come back in input order, then the rulebook's jurisdiction order.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casefile import DISCLAIMER
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
    "application_country",
)
CHUNK_SIZE = 32
MAX_LINE_BYTES = 1_000_000
# The order outcomes are listed in the summary: protection outcomes from most to least favourable, then access
# outcomes that stop a case before protection is assessed.
OUTCOME_ORDER: tuple[str, ...] = HEADLINE_OUTCOMES

Row = dict[str, Any]
Failure = tuple[str, str]  # (source, message)


# ------------------------------------------------------------------------------------------------------ inputs


def collect_inputs(paths: Iterable[str | Path]) -> tuple[list[tuple[str, CaseFile]], list[Failure]]:
    """Read and validate every case under `paths`, in order: ``([(source, case)], [(source, message)])``.

    A path is a case file (YAML or JSON), a folder (searched recursively for ``*.yaml``, ``*.yml``, ``*.json`` and
    ``*.jsonl``, hidden files and folders skipped, in sorted order) or a JSON Lines file (``*.jsonl``, one case
    per line, blank lines ignored). A case's source is its file, or ``file:line`` for JSON Lines. A bad input (a
    missing or unreadable file, a syntax error, an invalid or contradictory case, a bad JSON line) becomes one
    failure whose message names the file and line; the other inputs are still read. A file reached twice is read
    once.
    """
    cases: list[tuple[str, CaseFile]] = []
    failures: list[Failure] = []
    seen: set[Path] = set()
    for path in _expand(paths, failures):
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        if path.suffix.lower() == JSONL_SUFFIX:
            _read_jsonl(path, cases, failures)
            continue
        from casefile.case import load_case

        try:
            cases.append((str(path), load_case(path)))
        except InputError as exc:
            failures.append((str(path), str(exc)))
    return cases, failures


def _expand(paths: Iterable[str | Path], failures: list[Failure]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            if not path.exists():
                failures.append((str(path), f"{path}: no such file or folder"))
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
            failures.append((str(path), f"{path}: the folder holds no case files ({kinds})"))
        yield from found


def _read_jsonl(path: Path, cases: list[tuple[str, CaseFile]], failures: list[Failure]) -> None:
    """One case per line; each bad line is one failure named ``file:line``."""
    from casefile.case import case_from_data, case_from_document
    from casefile.documents import decode_text, load_text

    try:
        handle = path.open("rb")
    except OSError as exc:
        failures.append((str(path), f"{path}: cannot be read ({exc.strerror})"))
        return
    found = False
    with handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            found = True
            source = f"{path}:{number}"
            try:
                if len(raw) > MAX_LINE_BYTES:
                    raise InputError.single(source, f"the line is over {MAX_LINE_BYTES:,} bytes; is this a case?")
                text = decode_text(raw, source, what="case")
                data = _plain_json(text)
                if data is None:  # anything unusual: the full loader, for its located messages
                    cases.append((source, case_from_document(load_text(text, source, as_json=True))))
                else:
                    cases.append((source, case_from_data(data, source)))
            except InputError as exc:
                # the problems are located in a one-line document named file:line; "line 1" adds nothing
                located = InputError([replace(p, file=source, line=None) for p in exc.problems])
                failures.append((source, str(located)))
    if not found:
        failures.append((str(path), f"{path}: is empty, expected one case (a JSON object) per line"))


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


@dataclass
class BatchResult:
    """Rows in input order, then jurisdiction order; and the cases the engine could not evaluate."""

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
    """Assess every case in every selected jurisdiction.

    `workers` processes evaluate the cases (None: one per CPU; never more than there are cases; 1: in this
    process). `progress` is called with the number of cases finished after each chunk. An engine or rulebook
    error for one case becomes a failure for that case; the others still run.
    """
    from casefile.assessment import parse_jurisdictions

    codes = parse_jurisdictions(jurisdictions)  # raises InputError early, in this process
    count = len(cases)
    wanted = (os.cpu_count() or 1) if workers is None else workers
    if wanted < 1:
        raise InputError.single(None, f"expected a number of workers of at least 1, got {wanted}", field="--workers")
    pool_size = min(wanted, count)
    if pool_size <= 1:
        outcomes = _in_process(cases, as_of, codes, progress)
    else:
        outcomes = _in_pool(cases, as_of, codes, pool_size, progress)
    result = BatchResult()
    order = {code: k for k, code in enumerate(codes)}
    for _index, source, rows, error in sorted(outcomes, key=lambda item: item[0]):
        if error is not None:
            result.failures.append((source, error))
            continue
        result.evaluated += 1
        result.rows.extend(sorted(rows, key=lambda r: order[r["code"]]))
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
        source, message = result.failures[0]
        more = f" (and {len(result.failures) - 1} more)" if len(result.failures) > 1 else ""
        raise EngineError(f"{source}: {message}{more}")
    return result.rows


# One evaluated case: (input index, source, rows, error message or None).
_Outcome = tuple[int, str, list[Row], str | None]


def rows_for(source: str, case: CaseFile, as_of: dt.date | None, codes: Sequence[str]) -> list[Row]:
    """The batch rows of one case: one per jurisdiction, outcomes and deciding rule ids only.

    Batches need no checklists or explanations, so this runs the engine built without checklist criteria and
    takes the decisions directly (the same ``decide`` that ``assess`` uses), skipping the full report model.
    """
    from casefile.assessment import decide
    from casefile.engine import matcher, run
    from casefile.facts import facts_of
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    day = as_of or case.default_as_of()
    trace = run(matcher(book, checklists=False), book, facts_of(case, day))
    applied = case.journey.application_country.value if case.journey.application_country else None
    rows = []
    for code in codes:
        d = decide(trace, book, code)
        rows.append(
            {
                "source": source,
                "case_id": case.case_id,
                "as_of": day.isoformat(),
                "code": code,
                "outcome": d.outcome,
                "access": d.access,
                "practice": d.practice,
                "standard": d.standard,
                "tension": d.tension,
                "deciding_rules": [*d.access_rules, *d.practice_rules, *d.standard_rules],
                "application_country": applied == code,
            }
        )
    return rows


def _evaluate(index: int, source: str, case: CaseFile, as_of: dt.date | None, codes: Sequence[str]) -> _Outcome:
    try:
        return index, source, rows_for(source, case, as_of, codes), None
    except (EngineError, RulebookError) as exc:
        return index, source, [], f"{type(exc).__name__}: {exc}"
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # an internal error for one case must not lose the rest of the batch
        return index, source, [], f"internal error: {type(exc).__name__}: {exc}"


def _in_process(
    cases: Sequence[tuple[str, CaseFile]],
    as_of: dt.date | None,
    codes: Sequence[str],
    progress: Callable[[int], None] | None,
) -> list[_Outcome]:
    out: list[_Outcome] = []
    for index, (source, case) in enumerate(cases):
        out.append(_evaluate(index, source, case, as_of, codes))
        if progress is not None:
            progress(1)
    return out


# -- worker processes -----------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(as_of: dt.date | None, codes: list[str]) -> None:
    """Run once in each worker: ignore Ctrl-C (the parent handles it), load the rulebook and the engine."""
    import signal

    from casefile.engine import matcher
    from casefile.rulebook import default_rulebook

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    matcher(default_rulebook())
    _WORKER.update(as_of=as_of, codes=codes)


def _evaluate_chunk(chunk: list[tuple[int, str, dict[str, Any]]]) -> list[_Outcome]:
    """In a worker: rebuild each case from plain data (validated in the parent) and evaluate it."""
    from casefile.case import CaseFile

    out: list[_Outcome] = []
    for index, source, data in chunk:
        try:
            case = CaseFile.model_validate(data)
        except Exception as exc:  # pragma: no cover - the parent validated the same data
            out.append((index, source, [], f"internal error: the case did not rebuild in a worker: {exc}"))
            continue
        out.append(_evaluate(index, source, case, _WORKER["as_of"], _WORKER["codes"]))
    return out


def _in_pool(
    cases: Sequence[tuple[str, CaseFile]],
    as_of: dt.date | None,
    codes: list[str],
    size: int,
    progress: Callable[[int], None] | None,
) -> list[_Outcome]:
    """Evaluate in `size` worker processes, a bounded number of chunks in flight (flat memory for any batch)."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from casefile.rulebook import default_rulebook

    default_rulebook()  # loaded once here: forked workers inherit it
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    chunk_size = max(1, min(CHUNK_SIZE, -(-len(cases) // (size * 4))))
    out: list[_Outcome] = []
    pending: deque[Future[list[_Outcome]]] = deque()
    executor = ProcessPoolExecutor(
        max_workers=size,
        mp_context=multiprocessing.get_context(method),
        initializer=_init_worker,
        initargs=(as_of, list(codes)),
    )

    def collect(future: Future[list[_Outcome]]) -> None:
        done = future.result()
        out.extend(done)
        if progress is not None:
            progress(len(done))

    try:
        for chunk in _chunks(cases, chunk_size):
            pending.append(executor.submit(_evaluate_chunk, chunk))
            if len(pending) >= size * 4:
                collect(pending.popleft())
        while pending:
            collect(pending.popleft())
    except BrokenProcessPool as exc:
        raise EngineError(f"a worker process stopped unexpectedly ({exc}); try --workers 1") from None
    finally:
        executor.shutdown(wait=not pending, cancel_futures=True)
    return out


def _chunks(cases: Sequence[tuple[str, CaseFile]], size: int) -> Iterator[list[tuple[int, str, dict[str, Any]]]]:
    chunk: list[tuple[int, str, dict[str, Any]]] = []
    for index, (source, case) in enumerate(cases):
        # plain data for the worker; names, notes and trainer's notes are never needed there
        data = case.model_dump(mode="json", exclude_none=True, exclude={"name", "notes", "training"})
        chunk.append((index, source, data))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ----------------------------------------------------------------------------------------------------- output


def to_csv(rows: Iterable[Row]) -> str:
    """CSV with a header line; booleans as true/false and deciding rules joined by ';'."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow([_csv_value(row[name]) for name in FIELDS])
    return buf.getvalue()


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def to_jsonl(rows: Iterable[Row]) -> str:
    """One JSON object per row, each with the disclaimer."""
    return "".join(
        json.dumps({**{name: row[name] for name in FIELDS}, "disclaimer": DISCLAIMER}, ensure_ascii=False) + "\n"
        for row in rows
    )


def outcome_counts(rows: Iterable[Row]) -> dict[str, Counter[str]]:
    """Outcome counts per jurisdiction code, from the rows as written."""
    counts: dict[str, Counter[str]] = {}
    for row in rows:
        counts.setdefault(row["code"], Counter())[row["outcome"]] += 1
    return counts


def render_summary(rows: Sequence[Row], codes: Sequence[str], console: Console) -> None:
    """A table of outcome counts: one row per outcome, one column per jurisdiction, and totals."""
    from rich import box
    from rich.table import Table

    counts = outcome_counts(rows)
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
