"""The HTML report in a real browser: headless Chromium renders it, and loads nothing from the network.

Chromium takes a screenshot of ``casefile compare examples/andrei.yaml --format html`` (kept as
``tests/artifacts/compare-andrei.png`` for CI to publish), dumps the rendered DOM, and writes a net log. The tests
check that the screenshot is a real, non-blank PNG, that the rendered page shows the seven jurisdictions, the notice
and every ``j-XX`` card, and that the page made no http(s)/ws(s) request.

Chromium itself makes a few background requests on start (sign-in, network time, search-service checks) that no
page asked for; the net log marks them with the initiator "not an origin", while everything a page loads carries
the page's origin (``null`` or ``file://`` for a local file). Only the page's requests count, and a canary page that
does load from the network proves the check can fail. ``--host-resolver-rules`` keeps every request off the real
network either way. Without Chromium these tests are skipped, except on CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from casefile import DISCLAIMER

from .conftest import ROOT, run_cli

pytestmark = pytest.mark.chromium

ARTIFACTS = ROOT / "tests" / "artifacts"
CODES = ["DE", "NL", "EE", "LV", "LT", "PL", "FI"]
NAMES = ["Germany", "Netherlands", "Estonia", "Latvia", "Lithuania", "Poland", "Finland"]
ALLOWED_SCHEMES = ("file:", "data:", "chrome:", "chrome-error:", "about:", "blob:")
FORBIDDEN_SCHEMES = ("http:", "https:", "ws:", "wss:")
BROWSER_INTERNAL = "not an origin"  # the net log's initiator for requests no page made
TIMEOUT = 60
WIDTH, HEIGHT = 1400, 2400


def chromium_binary() -> str:
    """The Chromium executable; skip when none is installed, fail when CI should have installed one."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(
            "CI=true but no chromium/chromium-browser on PATH: .ci/run must install Debian's chromium "
            "(apt-get install -y chromium) before running the tests"
        )
    pytest.skip("no chromium or chromium-browser on PATH (CI installs Debian's chromium)")


def chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a fresh profile and everything optional switched off."""
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-features=NetworkTimeServiceQuerying",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        f"--window-size={WIDTH},{HEIGHT}",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert result.returncode == 0, f"chromium exited with {result.returncode}:\n{result.stderr[-2000:]}"
    return result


@dataclass
class Rendered:
    html_file: Path
    screenshot: Path
    dom: str
    net_log: Path
    dom_net_log: Path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    binary = chromium_binary()
    tmp = tmp_path_factory.mktemp("chromium")
    page = tmp / "compare-andrei.html"
    r = run_cli(["compare", "examples/andrei.yaml", "--format", "html", "--output", str(page)])
    assert r.code == 0, r.err
    url = page.resolve().as_uri()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "compare-andrei.png"
    screenshot.unlink(missing_ok=True)
    net_log = tmp / "netlog.json"
    chromium(
        binary,
        tmp / "profile-screenshot",
        f"--log-net-log={net_log}",
        "--net-log-capture-mode=Default",
        f"--screenshot={screenshot}",
        url,
    )
    dom_net_log = tmp / "netlog-dom.json"
    dumped = chromium(
        binary,
        tmp / "profile-dom",
        f"--log-net-log={dom_net_log}",
        "--net-log-capture-mode=Default",
        "--dump-dom",
        url,
    )
    return Rendered(page, screenshot, dumped.stdout, net_log, dom_net_log)


# ------------------------------------------------------------------------------------------------------ helpers


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
        if kind == b"IEND":
            break
    return chunks


def load_net_log(path: Path) -> dict[str, Any]:
    """The net log as JSON; tolerates a log cut off before its closing brackets."""
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(text.rstrip().rstrip(",") + "]}")


def page_requests(log: dict[str, Any]) -> list[str]:
    """Every http(s)/ws(s) URL in the net log except Chromium's own background requests."""
    event_types = {v: k for k, v in log.get("constants", {}).get("logEventTypes", {}).items()}
    urls: list[str] = []
    internal: set[str] = set()
    for event in log.get("events", []):
        params = event.get("params") or {}
        url = params.get("url")
        if not isinstance(url, str):
            continue
        urls.append(url)
        if (
            event_types.get(event.get("type")) == "URL_REQUEST_START_JOB"
            and params.get("initiator") == BROWSER_INTERNAL
        ):
            internal.add(url)
    return sorted({u for u in urls if u.lower().startswith(FORBIDDEN_SCHEMES) and u not in internal})


def all_urls(log: dict[str, Any]) -> list[str]:
    return [u for e in log.get("events", []) if isinstance(u := (e.get("params") or {}).get("url"), str)]


# -------------------------------------------------------------------------------------------------------- tests


def test_screenshot_is_a_real_non_blank_png(rendered: Rendered) -> None:
    data = rendered.screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks = png_chunks(data)
    assert chunks[0][0] == b"IHDR"
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (width, height) == (WIDTH, HEIGHT)
    assert len(data) > 20_000, f"screenshot is only {len(data)} bytes: blank page?"
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = 1 + width * channels * depth // 8
    rows = {raw[i + 1 : i + stride] for i in range(0, len(raw), stride)}
    assert len(rows) > 200, f"only {len(rows)} distinct scanlines: the page looks blank"
    assert len(set(raw)) > 100, "too few distinct byte values: the page looks blank"


def test_rendered_dom_shows_all_jurisdictions_the_notice_and_each_card(rendered: Rendered) -> None:
    dom = rendered.dom
    assert "<html" in dom.lower() and "</html>" in dom.lower(), dom[:500]
    text = html.unescape(dom)
    for name in NAMES:
        assert name in text
    for code in CODES:
        assert f'id="j-{code}"' in dom
        assert f'id="row-{code}"' in dom
    assert text.count(DISCLAIMER) >= 2
    assert "What makes the difference" in text
    assert "<script" not in dom.lower()


@pytest.mark.parametrize("which", ["screenshot", "dom"])
def test_the_page_requests_nothing_from_the_network(rendered: Rendered, which: str) -> None:
    path = rendered.net_log if which == "screenshot" else rendered.dom_net_log
    assert path.exists(), "chromium wrote no net log"
    log = load_net_log(path)
    assert log.get("events"), "the net log has no events"
    offending = page_requests(log)
    assert not offending, f"the page made network requests: {offending}"
    for url in all_urls(log):
        scheme_ok = url.lower().startswith(ALLOWED_SCHEMES + FORBIDDEN_SCHEMES)
        assert scheme_ok, f"unexpected scheme in the net log: {url}"


def test_the_net_log_check_catches_a_page_that_loads_from_the_network(tmp_path: Path) -> None:
    """A canary: a page with a remote image and a remote CSS background must be caught by `page_requests`."""
    binary = chromium_binary()
    canary = tmp_path / "canary.html"
    canary.write_text(
        "<!doctype html><html><head><style>body { background: url(http://canary-css.invalid/bg.png) }</style>"
        '</head><body><p>canary</p><img src="https://canary-img.invalid/x.png" alt=""></body></html>',
        encoding="utf-8",
    )
    net_log = tmp_path / "netlog.json"
    chromium(
        binary,
        tmp_path / "profile",
        f"--log-net-log={net_log}",
        "--net-log-capture-mode=Default",
        "--dump-dom",
        canary.resolve().as_uri(),
    )
    caught = page_requests(load_net_log(net_log))
    assert any("canary-img.invalid" in u for u in caught), caught
    assert any("canary-css.invalid" in u for u in caught), caught
