"""Speed and memory figures for casefile on this machine. Prints; asserts nothing (tests never time anything).

    ./run bench                 # or: .venv/bin/python benchmarks/run.py [--cases 3000] [--repeat 7]

Measures, each in fresh processes as a user would meet them:
  * the import time of the stack the CLI loads, beside a bare interpreter start;
  * the cold wall time of `casefile compare examples/andrei.yaml` (target: <= 0.5 s);
  * the full `evaluate` of Andrei with unknowns and counterfactuals for all seven jurisdictions, in process;
  * `casefile batch` over a few thousand generated cases, all seven jurisdictions, both cores, through
    durable-rules and through the reference evaluator in the same run (target: >= 1,000 cases/s with
    durable-rules);
  * peak memory (maximum resident set size) of those processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CASEFILE = str(BIN / "casefile")


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 2):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def peak_rss_mb() -> float:
    """Largest resident set of any child process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def summary(samples: list[float]) -> str:
    return f"min {min(samples) * 1000:6.0f} ms   median {statistics.median(samples) * 1000:6.0f} ms"


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
            elif spec.kind == "list":
                value = rng.sample(spec.values, k=rng.randint(0, 2))
            elif spec.kind == "int":
                value = rng.randint(18, 60)
            elif spec.kind == "date":
                value = (day0 + dt.timedelta(days=rng.randint(0, 1400))).isoformat()
                if name == "birth_date":
                    value = (dt.date(1965, 1, 1) + dt.timedelta(days=rng.randint(0, 14000))).isoformat()
            else:
                value = "RU"
            data.setdefault(group, {})[name] = value
        data.get("person", {}).pop("age", None)
        try:
            CaseFile.model_validate(data)
        except ValidationError:
            continue
        out.append(data)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=3000, help="generated cases for the batch figures")
    parser.add_argument("--repeat", type=int, default=7, help="repetitions of each cold-start measurement")
    args = parser.parse_args()

    from casefile.engine import durable_available

    durable = durable_available()
    print(
        f"casefile benchmarks — {dt.date.today()} — Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} cores; durable-rules {'available' if durable else 'NOT available'}"
    )
    print()

    py = sys.executable
    bare = [timed([py, "-c", "pass"]) for _ in range(args.repeat)]
    stack_mods = "pydantic, typer, rich, yaml" + (", durable.engine" if durable else "")
    stack = [timed([py, "-c", f"import {stack_mods}"]) for _ in range(args.repeat)]
    ours = [timed([py, "-c", "import casefile.cli"]) for _ in range(args.repeat)]
    print("Start-up (wall time of a fresh process)")
    print(f"  {'python -c pass':<50}{summary(bare)}")
    print(f"  {'import ' + stack_mods:<50}{summary(stack)}")
    print(f"  {'import casefile.cli':<50}{summary(ours)}")
    compare = [timed([CASEFILE, "compare", "examples/andrei.yaml"]) for _ in range(args.repeat)]
    print(f"  {'casefile compare examples/andrei.yaml':<50}{summary(compare)}   (target <= 500 ms)")
    print()

    from casefile.assessment import assess
    from casefile.case import load_case
    from casefile.rulebook import default_rulebook

    book = default_rulebook()
    andrei = load_case(ROOT / "examples" / "andrei.yaml")
    assess(andrei, rulebook=book)  # warm: rulebook loaded and compiled once per process
    runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        assess(andrei, rulebook=book)
        runs.append(time.perf_counter() - start)
    print("In process (rulebook loaded and compiled once)")
    print(f"  evaluate Andrei with unknowns, why-not and counterfactuals, 7 jurisdictions   {summary(runs)}")
    print()

    cases = generated_cases(args.cases)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "cases.jsonl"
        source.write_text("".join(json.dumps(c) + "\n" for c in cases))
        print(f"Batch: {len(cases):,} generated cases x 7 jurisdictions (casefile batch, whole command)")
        engines = ["durable", "reference"] if durable else ["reference"]
        for engine in engines:
            for workers in (1, 2):
                out = Path(tmp) / f"out-{engine}-{workers}.csv"
                wall = timed(
                    [CASEFILE, "batch", str(source), "--workers", str(workers), "--output", str(out), "--force"],
                    env={"CASEFILE_ENGINE": engine},
                )
                rows = sum(1 for _ in out.open()) - 1
                assert rows == len(cases) * 7, (rows, len(cases))
                label = "durable-rules" if engine == "durable" else "reference"
                print(
                    f"  {label:<14} {workers} worker{'s' if workers > 1 else ' '}  {wall:6.2f} s  "
                    f"{len(cases) / wall:7,.0f} cases/s"
                    + (
                        "   (target >= 1,000 with durable-rules, 2 workers)"
                        if engine == "durable" and workers == 2
                        else ""
                    )
                )
    print()
    print(f"Peak memory of any process above: {peak_rss_mb():.0f} MB (maximum resident set size)")


if __name__ == "__main__":
    main()
