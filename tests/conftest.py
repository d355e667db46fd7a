"""Shared fixtures: the shipped rulebook, example paths, and a way to run the CLI as a user would."""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

os.environ.setdefault("COLUMNS", "100")
# the tests' parsed-rule cache lives in a fresh folder, never in the user's cache
os.environ.setdefault("CASEFILE_CACHE_DIR", tempfile.mkdtemp(prefix="casefile-test-cache-"))


@pytest.fixture(scope="session")
def book():
    from casefile.rulebook import default_rulebook

    return default_rulebook()


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(args: list[str], stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run `casefile ARGS` in-process through the real entry point (exit codes and error mapping included)."""
    from casefile import cli

    old = sys.argv, sys.stdin, sys.stdout, sys.stderr
    out, err = io.StringIO(), io.StringIO()
    saved_env = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    sys.argv = ["casefile", *args]
    sys.stdin = io.StringIO(stdin or "")
    sys.stdout, sys.stderr = out, err
    code = 0
    try:
        cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv, sys.stdin, sys.stdout, sys.stderr = old
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


def serve_benchmark():  # -> ModuleType
    """benchmarks/serve_load.py loaded as a module (benchmarks/ is not a package): its server runner and its load
    round are shared by the web tests."""
    import importlib.util

    if "casefile_serve_load" in sys.modules:
        return sys.modules["casefile_serve_load"]
    spec = importlib.util.spec_from_file_location("casefile_serve_load", ROOT / "benchmarks" / "serve_load.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own (parsed files and rulebook snapshots), with the cache on."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CASEFILE_CACHE_DIR", str(folder))
    monkeypatch.delenv("CASEFILE_CACHE", raising=False)
    return folder


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the shipped rule files the test may edit."""
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    return folder
