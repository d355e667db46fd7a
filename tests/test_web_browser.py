"""The web workshop in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``, driven by Selenium).

``casefile serve`` runs as a user would start it, in a subprocess on a free port of 127.0.0.1, with its sessions in
a temporary SQLite file. One browser explores Andrei: a fact changed on the facts card changes the matrix and
names the rule that now decides; the date slider crosses a boundary the timeline module finds (so the test follows
the rulebook when its dates change); a bad value shows a message. Then a trainer and three volunteers on
phone-sized windows run a whole workshop: join with the code, predict, reveal, bars, debrief, a what-if.

Every page is checked for requests off 127.0.0.1 (Chrome's performance log lists each request a page makes; a
canary page proves the check can fail) and for Content-Security-Policy violations in the console (htmx must work
under the strict policy). Screenshots of the case page, the room and a volunteer's phone go to ``tests/artifacts/``.

Selenium is given the system chromedriver and Chromium explicitly and ``SE_OFFLINE=true``, so Selenium Manager
never downloads anything. Without Chromium or its driver these tests skip, except on CI (``CI=true``), where they
fail: ``.ci/run`` installs both.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from casefile.case import load_case
from casefile.timeline import timeline
from casefile.web import views

from .conftest import EXAMPLES, ROOT, serve_benchmark

pytestmark = [pytest.mark.chromium, pytest.mark.slow]

ARTIFACTS = ROOT / "tests" / "artifacts"
ANDREI = EXAMPLES / "andrei.yaml"
WAIT = 30.0
PHONE = (390, 844)
DESKTOP = (1400, 1100)


def _need(found: str | None, what: str) -> str:
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {what} is missing: .ci/run must apt-get install chromium chromium-driver")
    pytest.skip(f"{what} is not installed (CI installs Debian's chromium and chromium-driver)")


@pytest.fixture(scope="module")
def browser_paths() -> tuple[str, str]:
    pytest.importorskip("selenium")
    pytest.importorskip("uvicorn")
    chromium = _need(shutil.which("chromium") or shutil.which("chromium-browser"), "chromium")
    driver = _need(
        shutil.which("chromedriver")
        or next((p for p in ("/usr/lib/chromium/chromedriver",) if Path(p).exists()), None),
        "chromedriver (Debian package chromium-driver)",
    )
    return chromium, driver


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, browser_paths: tuple[str, str]) -> Iterator[str]:
    """`casefile serve` on a free port; stopped when the module's tests end."""

    db = tmp_path_factory.mktemp("serve") / "sessions.sqlite3"
    with serve_benchmark().running_server(db, start_timeout=WAIT) as base:
        yield base


@pytest.fixture(scope="module")
def new_browser(browser_paths: tuple[str, str]) -> Iterator[Callable[[tuple[int, int]], Any]]:
    """Start headless Chromium windows of a given size; all are closed at the end."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch a driver or a browser
    chromium, driver_path = browser_paths
    drivers: list[Any] = []

    def start(size: tuple[int, int]) -> Any:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            f"--window-size={size[0]},{size[1]}",
        ):
            options.add_argument(arg)
        if size == PHONE:  # a phone's viewport, pixel ratio and touch, not just a narrow desktop window
            metrics = {"width": size[0], "height": size[1], "pixelRatio": 2, "touch": True}
            options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
        driver.set_page_load_timeout(WAIT)
        drivers.append(driver)
        return driver

    yield start
    for driver in drivers:
        with contextlib.suppress(Exception):
            driver.quit()


# ------------------------------------------------------------------------------------------------- helpers


def wait_for(condition: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception as exc:  # the element may be swapped out under us
            last = exc
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}" + (f" ({last})" if last else ""))


def requested_urls(driver: Any) -> list[str]:
    """Every URL the pages in this window requested since the last call (Chrome's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def off_machine(urls: list[str], base: str) -> list[str]:
    return [u for u in urls if not (u.startswith(base + "/") or u == base or u.startswith(("data:", "about:")))]


def csp_violations(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e.get("message", "")]


def check_stayed_local(driver: Any, base: str) -> None:
    urls = requested_urls(driver)
    assert urls, "the performance log recorded no request at all: the check would prove nothing"
    assert off_machine(urls, base) == [], "pages requested something off this machine"
    assert csp_violations(driver) == [], "the Content-Security-Policy blocked something the page needs"


def screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 5000 and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def outcome_of(driver: Any, code: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, f"cell-{code}-outcome").get_attribute("data-outcome")


# ------------------------------------------------------------------------------------------------- tests


def boundary_example() -> tuple[str, Any]:
    """Andrei, or else the first training case, whose timeline has an outcome changing on some date."""
    from casefile.examples import list_examples

    for ex in list_examples():  # Andrei first
        line = timeline(load_case(ex.path))
        if any(len(steps) > 1 for steps in line.steps.values()):
            return ex.path.stem, line
    pytest.fail("no training case changes outcome over time: the slider cannot be tested")


def test_the_off_machine_check_can_fail(new_browser: Callable[..., Any], server: str) -> None:
    driver = new_browser(DESKTOP)
    driver.get("data:text/html,<img src='http://casefile-canary.invalid/x.png'>")
    time.sleep(0.5)
    assert "http://casefile-canary.invalid/x.png" in off_machine(requested_urls(driver), server)


def test_explore_andrei_fact_slider_and_bad_value(new_browser: Callable[..., Any], server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    case = load_case(ANDREI)
    driver = new_browser(DESKTOP)
    driver.get(server + "/case/andrei")
    assert "Educational model, not legal advice" in driver.find_element(By.ID, "notice-top").text
    start = {j.code: j.outcome for j in views.assessment(case, case.default_as_of()).jurisdictions}
    assert {code: outcome_of(driver, code) for code in start} == start
    screenshot(driver, "web-case-andrei.png")

    # the date slider crosses a boundary found by the timeline module: the outcome changes there
    stem, line = boundary_example()
    code, step = next((c, steps[1]) for c, steps in line.steps.items() if len(steps) > 1)
    stops = views.date_stops(load_case(EXAMPLES / f"{stem}.yaml"))
    if stem != "andrei":
        driver.get(f"{server}/case/{stem}")
    at = next(i for i, s in enumerate(stops) if s.day == step.date)
    slider = driver.find_element(By.ID, "as-of-step")
    driver.execute_script(
        "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true}))",
        slider,
        at - 1,
    )
    wait_for(lambda: driver.find_element(By.ID, "as-of-date").text == stops[at - 1].day.isoformat(), "the day before")
    before = outcome_of(driver, code)
    assert before == line.steps[code][0].decision.outcome
    slider.send_keys(Keys.ARROW_RIGHT)  # one step on, as a user would with the keyboard
    wait_for(lambda: driver.find_element(By.ID, "as-of-date").text == step.date.isoformat(), "the boundary date")
    assert outcome_of(driver, code) == step.decision.outcome != before
    moved = driver.find_element(By.ID, f"cell-{code}-outcome")
    assert "changed" in moved.get_attribute("class")
    for rule in step.started:
        if rule in (step.decision.access_rules + step.decision.practice_rules):
            assert rule in moved.text
    assert driver.find_element(By.ID, f"tile-{code}").get_attribute("data-outcome") == step.decision.outcome

    # a fact toggled on the facts card changes the matrix (back on the case's own date)
    driver.get(server + "/case/andrei")
    data = case.model_dump()
    data["dissent"]["public_profile"] = "high"
    after = {
        j.code: j.outcome for j in views.assessment(type(case).model_validate(data), case.default_as_of()).jurisdictions
    }
    moved_codes = [c for c in start if after[c] != start[c]]
    assert moved_codes, "Andrei's trainer note promises that a high profile changes an outcome"
    Select(driver.find_element(By.ID, "fact-dissent-public_profile")).select_by_value("high")
    wait_for(lambda: outcome_of(driver, moved_codes[0]) == after[moved_codes[0]], "the matrix to follow the fact")
    assert {c: outcome_of(driver, c) for c in start} == after
    for c in moved_codes:
        assert "changed" in driver.find_element(By.ID, f"cell-{c}-outcome").get_attribute("class")
        assert "now decided by" in driver.find_element(By.ID, f"cell-{c}-outcome").text
    driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, "outcomes-heading"))
    screenshot(driver, "web-case-fact-changed.png")

    # a bad value shows a message on the page
    age = driver.find_element(By.ID, "fact-person-age")
    age.clear()
    age.send_keys("500", Keys.TAB)
    problems = wait_for(lambda: driver.find_element(By.ID, "problems"), "the problem message")
    assert "from 0 to 120" in problems.text
    screenshot(driver, "web-case-bad-value.png")
    check_stayed_local(driver, server)


def test_a_trainer_and_three_volunteers_run_a_workshop_on_andrei(new_browser: Callable[..., Any], server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    case = load_case(ANDREI)
    actual = {j.code: j.outcome for j in views.assessment(case, case.default_as_of()).jurisdictions}
    trainer = new_browser(DESKTOP)
    trainer.get(server + "/")
    trainer.find_element(By.CSS_SELECTOR, "#example-andrei form button").click()
    code = wait_for(lambda: trainer.find_element(By.ID, "join-code").text, "the join code")
    join_url = trainer.find_element(By.ID, "join-url").text
    assert trainer.find_element(By.CSS_SELECTOR, ".qr svg").is_displayed()
    screenshot(trainer, "web-room-join.png")
    assert join_url.endswith(f"/join?code={code}")

    predictions = {
        "Ada": dict(actual),  # all right
        "Ben": {j: "protection_likely" if o != "protection_likely" else "refusal_likely" for j, o in actual.items()},
        "Chiara": {"DE": actual["DE"]},  # the rest: don't know
    }
    phones = {}
    for nickname, picks in predictions.items():
        phone = new_browser(PHONE)
        phone.get(join_url)
        assert phone.find_element(By.ID, "code").get_attribute("value") == code
        phone.find_element(By.ID, "nickname").send_keys(nickname)
        phone.find_element(By.ID, "join").click()
        wait_for(lambda p=phone: p.find_element(By.ID, "predict"), "the prediction form")
        for j, outcome in picks.items():
            Select(phone.find_element(By.ID, f"p-{j}")).select_by_value(outcome)
        phone.find_element(By.ID, "send").click()
        wait_for(lambda p=phone: p.find_element(By.ID, "saved"), "saved")
        phones[nickname] = phone
    screenshot(phones["Ada"], "web-volunteer-phone.png")

    wait_for(lambda: trainer.find_element(By.ID, "answered-count").text == "3", "three answers in the room")
    trainer.find_element(By.ID, "reveal").click()
    wait_for(lambda: trainer.find_element(By.ID, "debrief"), "the debrief")
    for j, outcome in actual.items():
        correct = trainer.find_element(By.CSS_SELECTOR, f"#bars-{j} .bar.correct")
        assert correct.get_attribute("data-outcome") == outcome
        assert correct.get_attribute("data-count") == ("2" if j == "DE" else "1")
        assert trainer.find_element(By.CSS_SELECTOR, f"#answer-{j} .cell").get_attribute("data-outcome") == outcome
    screenshot(trainer, "web-room-revealed.png")

    # volunteers' phones notice the reveal by themselves and show the score
    wait_for(lambda: phones["Ada"].find_element(By.ID, "score").text == "7", "Ada's score")
    wait_for(lambda: phones["Ben"].find_element(By.ID, "score").text == "0", "Ben's score")

    # the trainer note's contrasts are one-click what-ifs
    trainer.find_element(By.ID, "whatif-0").click()
    result = wait_for(lambda: trainer.find_element(By.CSS_SELECTOR, "#whatif-result #matrix"), "the what-if matrix")
    assert views.contrasts(case)[0].label in trainer.find_element(By.ID, "whatif-result").text
    assert result.is_displayed()

    for driver in (trainer, *phones.values()):
        check_stayed_local(driver, server)
