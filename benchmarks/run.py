"""Speed and memory figures for casefile on this machine. Prints; asserts nothing (tests never time anything).

    ./run bench                       # 100,000 generated cases for the batch figures (a few minutes)
    ./run bench --cases 10000         # a quicker run
    .venv/bin/python benchmarks/run.py [--cases N] [--repeat R] [--skip-batch] [--skip-cold]

Measures, each in fresh processes as a user would meet them, *paired*: the machine is shared and noisy, so every
round runs the import floor and each command back to back, and ratios are taken within a round.
  * cold commands: `compare`, `evaluate`, `timeline`, `whatif` on Andrei, each divided by the import floor
    (`python -c "import pydantic, typer, rich, yaml, jinja2, durable.engine"`), median over the rounds
    (target <= 1.3);
  * `casefile batch` over N generated cases (all 7 jurisdictions, JSON Lines out), through durable-rules and
    through the reference evaluator, on 1 and 2 workers, in cases/s (targets on 2 workers: >= 3,000 with
    durable-rules, >= 6,000 with the reference evaluator), with the CPU time of the whole process tree and the
    rate that CPU time gives on idle cores (the wall time on a shared machine also measures the neighbours);
  * peak memory (maximum resident set size) of each batch, its workers included (target <= 150 MB).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import hashlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CASEFILE = str(BIN / "casefile")
COUNTRIES = ("DE", "EE", "FI", "GE", "KZ", "TR", "RS")
COLD = {
    "compare": ["compare", "examples/andrei.yaml"],
    "evaluate": ["evaluate", "examples/andrei.yaml"],
    "timeline": ["timeline", "examples/andrei.yaml"],
    "whatif": ["whatif", "examples/andrei.yaml", "--set", "military.draft_notice_received=true"],
}


class Run:
    """One finished child process: wall time, CPU time and peak RSS of it and its waited-for descendants."""

    def __init__(self, cmd: list[str], env: dict[str, str] | None = None) -> None:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert proc.stderr is not None
        err = proc.stderr.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        self.wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 2):
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode()[-2000:]}")
        self.cpu = usage.ru_utime + usage.ru_stime
        self.peak_mb = usage.ru_maxrss / 1024  # Linux: kilobytes; the largest of the process and its children


def generated_cases(n: int, seed: int = 20220921) -> list[dict]:
    """n valid case files drawn at random from the vocabulary (seeded: the same cases every run)."""
    from pydantic import ValidationError

    from casefile.case import CaseFile
    from casefile.facts import CASE_FACTS

    rng = random.Random(seed)
    out: list[dict] = []
    day0 = dt.date(2022, 2, 24)
    while len(out) < n:
        data: dict = {"case_id": f"gen-{len(out)}"}
        for path, spec in CASE_FACTS.items():
            if spec.computed or rng.random() < 0.35:
                continue  # leave about a third of the facts unknown
            group, name = path.split(".")
            if spec.kind == "bool":
                value: object = rng.random() < 0.5
            elif spec.kind == "enum":
                value = rng.choice(spec.values)
            elif spec.kind == "list":  # a list of codes (no fixed values) draws from a few countries
                value = rng.sample(spec.values or COUNTRIES, k=rng.randint(0, 2))
            elif spec.kind == "int":
                value = rng.randint(18, 60)
            elif spec.kind == "date":
                value = (day0 + dt.timedelta(days=rng.randint(0, 1400))).isoformat()
                if name == "birth_date":
                    value = (dt.date(1965, 1, 1) + dt.timedelta(days=rng.randint(0, 14000))).isoformat()
            else:  # citizenship, the visa's issuer
                value = "RU" if name == "citizenship" else rng.choice(COUNTRIES)
            data.setdefault(group, {})[name] = value
        data.get("person", {}).pop("age", None)
        try:
            CaseFile.model_validate(data)
        except ValidationError:
            continue
        out.append(data)
    return out


def cold(repeat: int, durable: bool) -> None:
    py = sys.executable
    stack = "pydantic, typer, rich, yaml, jinja2" + (", durable.engine" if durable else "")
    floor_cmd = [py, "-c", f"import {stack}"]
    stack_cmd = [py, str(ROOT / "benchmarks" / "stack_floor.py")]
    bare: list[float] = []
    floor: list[float] = []
    at_work: list[float] = []
    times: dict[str, list[float]] = {name: [] for name in COLD}
    ratios: dict[str, list[float]] = {name: [] for name in COLD}
    for _ in [None, *range(repeat)]:  # a first, unrecorded round warms the file cache
        bare_run = Run([py, "-c", "pass"]).wall
        base = Run(floor_cmd).wall
        working = Run(stack_cmd).wall
        runs = {name: Run([CASEFILE, *args]).wall for name, args in COLD.items()}
        base = (base + Run(floor_cmd).wall) / 2  # the floor before and after the commands of this round
        if _ is None:
            continue
        bare.append(bare_run)
        floor.append(base)
        at_work.append(working / base)
        for name, wall in runs.items():
            times[name].append(wall)
            ratios[name].append(wall / base)
    print(f"Cold commands on Andrei ({repeat} paired rounds; median wall time, median ratio to the floor)")
    print(f"  {'python -c pass':<44}{statistics.median(bare) * 1000:6.0f} ms")
    print(f"  {'import floor (' + stack + ')':<44}{statistics.median(floor) * 1000:6.0f} ms   1.00")
    print(
        f"  {'the stack at work (benchmarks/stack_floor.py)':<44}"
        f"{statistics.median(floor) * statistics.median(at_work) * 1000:6.0f} ms   {statistics.median(at_work):4.2f}"
        "   (one pydantic model validated, one rich table printed)"
    )
    for name in COLD:
        ratio = statistics.median(ratios[name])
        over_stack = statistics.median(r / w for r, w in zip(ratios[name], at_work, strict=True))
        print(
            f"  {'casefile ' + name:<44}{statistics.median(times[name]) * 1000:6.0f} ms   {ratio:4.2f}"
            f"   (target <= 1.30; {over_stack:4.2f} x the stack at work)"
        )
    print()


def write_cases(n: int, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for c in generated_cases(n):
            handle.write(json.dumps(c) + "\n")


def batch(n: int, durable: bool) -> None:
    engines = ["durable", "reference"] if durable else ["reference"]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cases.jsonl"
        # generated in a child process: this process stays small, so that no measured child inherits its peak
        # memory (Linux carries the peak resident set of a process over exec)
        subprocess.run([sys.executable, __file__, "--write-cases", str(n), str(source)], check=True)
        print(f"Batch: {n:,} generated cases x 7 jurisdictions, JSON Lines out (casefile batch, whole command)")
        outputs: dict[str, str] = {}
        for engine in engines:
            for workers in (1, 2):
                out = Path(tmp) / f"out-{engine}-{workers}.jsonl"
                cmd = [CASEFILE, "batch", str(source), "-f", "jsonl", "-w", str(workers), "-o", str(out), "--force"]
                run = Run(cmd, env={"CASEFILE_ENGINE": engine})
                digest = hashlib.sha256()
                rows = 0
                with out.open("rb") as handle:  # line by line: this process must stay small (see above)
                    for line in handle:
                        rows += 1
                        digest.update(line)
                assert rows == n * 7, (rows, n)
                outputs[f"{engine} {workers}"] = digest.hexdigest()
                out.unlink()
                target = 3000 if engine == "durable" else 6000
                label = "durable-rules" if engine == "durable" else "reference"
                # what the same work would do on idle cores: the CPU time of the whole process tree spread over
                # min(workers, cores) cores (the machine is shared, so wall time also measures the neighbours)
                idle = n * min(workers, os.cpu_count() or 1) / run.cpu
                goal = f"   (targets: >= {target:,}/s, <= 150 MB)" if workers == 2 else ""
                print(
                    f"  {label:<14} {workers} worker{'s' if workers > 1 else ' '}  {run.wall:6.2f} s  "
                    f"{n / run.wall:7,.0f} cases/s   cpu {run.cpu:6.2f} s (~{idle:6,.0f}/s on idle cores)   "
                    f"peak {run.peak_mb:4.0f} MB{goal}"
                )
        same = len(set(outputs.values())) == 1
        print(f"  outputs identical across engines and worker counts: {'yes' if same else 'NO'}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000, help="generated cases for the batch figures")
    parser.add_argument("--repeat", type=int, default=9, help="paired rounds of the cold-command measurement")
    parser.add_argument("--skip-cold", action="store_true", help="leave out the cold commands")
    parser.add_argument("--skip-batch", action="store_true", help="leave out the batch figures")
    parser.add_argument("--write-cases", nargs=2, metavar=("N", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_cases:
        write_cases(int(args.write_cases[0]), Path(args.write_cases[1]))
        return

    # byte-code as an installed package has it: where PYTHONDONTWRITEBYTECODE is set, modules edited since the
    # last compile would otherwise be compiled again in every measured process
    compileall.compile_dir(ROOT / "casefile", quiet=1)
    check = "from casefile.engine import durable_available as d; print(d())"
    durable = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True).stdout.strip() == "True"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"casefile benchmarks — {dt.date.today()} — Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} cores (load {load:.1f}); durable-rules {'available' if durable else 'NOT available'}"
    )
    print()
    if not args.skip_cold:
        cold(args.repeat, durable)
    if not args.skip_batch:
        batch(args.cases, durable)


if __name__ == "__main__":
    main()
