"""Case files describe people at risk: nothing leaves the machine, and reports can be redacted."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli

DESERTER = "examples/mobilised-deserter.yaml"  # name: "Mobilised deserter (sample)"


@pytest.fixture
def no_network(monkeypatch):
    attempts: list[str] = []

    def refuse(*args, **kwargs):
        attempts.append(repr(args[:2]))
        raise OSError("network access attempted during a casefile command")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


COMMANDS = [
    ["evaluate", DESERTER],
    ["evaluate", DESERTER, "--format", "json"],
    ["evaluate", DESERTER, "--format", "markdown"],
    ["evaluate", DESERTER, "--format", "html"],
    ["compare", DESERTER],
    ["compare", DESERTER, "--format", "html"],
    ["timeline", DESERTER],
    ["whatif", DESERTER, "--set", "military.deserted=false"],
    ["rules", "list"],
    ["rules", "show", "de.practice.deserter_protection"],
    ["rules", "check"],
    ["sources"],
    ["sources", "000"],
    ["schema"],
    ["examples"],
    ["doctor"],
    ["batch", "examples"],
    ["train", DESERTER],
    ["interview"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_no_command_opens_a_network_connection(no_network, args: list[str]) -> None:
    r = run_cli(args, stdin="\n" * 200)
    assert not no_network, f"{args} tried to connect: {no_network}"
    assert r.code in (0, 2), (r.code, r.err[-500:])
    assert "Traceback" not in r.err


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html"])
@pytest.mark.parametrize("command", ["evaluate", "compare"])
def test_redact_removes_the_name_from_every_report(command: str, fmt: str) -> None:
    plain = run_cli([command, DESERTER, "--format", fmt])
    redacted = run_cli([command, DESERTER, "--format", fmt, "--redact"])
    assert plain.code == redacted.code == 0
    assert "Mobilised deserter (sample)" in plain.out
    assert "Mobilised deserter (sample)" not in redacted.out
    assert "mobilised-deserter" in redacted.out


def test_free_text_notes_never_appear_in_reports(tmp_path: Path) -> None:
    case = tmp_path / "c.yaml"
    text = (ROOT / "examples" / "andrei.yaml").read_text()
    case.write_text(text.replace("Blogger who fled", "SECRET-ADDRESS Blogger who fled"))
    for fmt in ("text", "json", "markdown", "html"):
        out = run_cli(["evaluate", str(case), "--format", fmt]).out
        assert "SECRET-ADDRESS" not in out, fmt
    data = json.loads(run_cli(["evaluate", str(case), "--format", "json"]).out)
    assert "notes" not in data


def test_errors_name_the_field_but_not_other_content(tmp_path: Path) -> None:
    case = tmp_path / "c.yaml"
    case.write_text("case_id: x\nname: Ivan Secretname\nnotes: lives at 5 Hidden Road\nmilitary: {deserted: 7}\n")
    r = run_cli(["evaluate", str(case)])
    assert r.code == 2 and "military.deserted" in r.err
    assert "Secretname" not in r.err and "Hidden Road" not in r.err


SPY_PLUGIN = '''
import os
from pathlib import Path


class Spy:
    """A pydantic plugin that notes every model it is shown (as an observability or telemetry plugin would)."""

    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind, config, plugin_settings):
        with open(os.environ["SPY_LOG"], "a") as log:
            log.write(f"{schema_type_path}\\n")
        return None, None, None


plugin = Spy()
'''


@pytest.mark.parametrize("via_casefile", [True, False], ids=["casefile-command", "plain-pydantic-control"])
def test_no_pydantic_plugin_sees_a_case(tmp_path: Path, via_casefile: bool) -> None:
    """Installed pydantic plugins (entry-point group 'pydantic') are never loaded by casefile's commands. The
    control shows the spy would have been loaded by a plain pydantic program, so the test can fail."""
    import os
    import subprocess
    import sys

    site = tmp_path / "site"
    dist = site / "spy_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n")
    (site / "spy_plugin.py").write_text(SPY_PLUGIN)
    log = tmp_path / "spy.log"
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env.update(PYTHONPATH=str(site), SPY_LOG=str(log))
    if via_casefile:
        code = "import sys; from casefile.cli import main; sys.argv = ['casefile', 'evaluate', sys.argv[1]]; main()"
    else:
        code = "import pydantic\nclass Case(pydantic.BaseModel):\n    name: str\nCase(name='x')"
    proc = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / DESERTER)], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    seen = log.read_text() if log.exists() else ""
    if via_casefile:
        assert seen == "", f"a pydantic plugin was shown casefile's models: {seen}"
    else:
        assert "Case" in seen  # the spy works: a plain pydantic program loads it
