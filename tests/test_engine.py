"""The durable-rules pitfalls of durable-rules-notes.md, each handled on purpose and tested here."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading

import pytest

from casefile.assessment import assess
from casefile.case import CaseFile, load_case
from casefile.engine import durable_available, run
from casefile.errors import EngineError
from casefile.facts import facts_of

from .conftest import EXAMPLES, ROOT

pytestmark = pytest.mark.skipif(not durable_available(), reason="durable-rules does not import on this Python")


def durable(book):
    from casefile.engine.durable_engine import matcher_for

    return matcher_for(book)


def test_private_host_starts_no_timer_threads(book) -> None:
    before = threading.active_count()
    m = durable(book)
    case = load_case(EXAMPLES / "andrei.yaml")
    for _ in range(20):
        run(m, book, facts_of(case, dt.date(2025, 7, 29)))
    assert threading.active_count() == before


def test_a_rulebook_is_registered_once_per_process(book) -> None:
    from casefile.engine import durable_engine

    assert durable(book) is durable(book)
    registered = [n for n in durable_engine.host()._ruleset_directory if n.startswith("casefile_")]
    assert registered.count(f"casefile_{book.fingerprint}") == 1


def test_register_rulesets_gets_a_copy(book) -> None:
    m = durable(book)
    assert all("run" in rule for rule in m.definition.values()), "durable deletes 'run' from what it is given"


def test_every_stage_has_a_sentinel_that_always_fires(book) -> None:
    from casefile.engine.base import stages
    from casefile.engine.durable_engine import SENTINEL

    m = durable(book)
    for stage in stages(book):
        assert m.definition[f"{SENTINEL}{stage}"]["all"] == [{"m": {"stage": stage}}]


def test_a_case_where_no_rule_matches_is_handled_and_cleaned_up(book) -> None:
    # An empty case with an as-of date before any rule is valid: only the unconditional rules and sentinels fire.
    trace = run(durable(book), book, facts_of(CaseFile(case_id="empty"), dt.date(2020, 1, 1)))
    assert trace.criteria  # every criterion has a status, unknown or not


def test_more_than_1024_cases_in_one_process(book) -> None:
    m = durable(book)
    case = load_case(EXAMPLES / "mobilised-deserter.yaml")
    for i in range(1500):
        run(m, book, facts_of(case, dt.date(2023, 1, 1) + dt.timedelta(days=i % 700)))


def test_thousands_of_sessions_without_a_crash_in_a_fresh_process() -> None:
    """delete_state can segfault where no action fired; a separate process shows a crash as a bad exit code."""
    code = (
        "import datetime as dt\n"
        "from casefile.rulebook import default_rulebook\n"
        "from casefile.engine.durable_engine import matcher_for\n"
        "from casefile.engine import run\n"
        "from casefile.case import CaseFile\n"
        "from casefile.facts import facts_of\n"
        "b = default_rulebook(); m = matcher_for(b)\n"
        "for i in range(3000):\n"
        "    run(m, b, facts_of(CaseFile(case_id='x'), dt.date(2019, 1, 1) + dt.timedelta(days=i)))\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_an_exception_inside_an_action_is_raised_not_swallowed(book, monkeypatch) -> None:
    from casefile.engine import durable_engine

    def explode(self, name, message):
        raise ZeroDivisionError("boom in an action")

    monkeypatch.setattr(durable_engine._Collector, "record", explode)
    m = durable(book)
    with pytest.raises(EngineError, match="boom in an action"):
        run(m, book, facts_of(load_case(EXAMPLES / "andrei.yaml"), dt.date(2025, 7, 29)))
    # the session was still cleaned up: the engine keeps working
    monkeypatch.undo()
    run(m, book, facts_of(load_case(EXAMPLES / "andrei.yaml"), dt.date(2025, 7, 29)))


def test_raw_durable_swallows_action_exceptions_which_is_why_we_wrap_them() -> None:
    from durable import engine

    class Quiet(engine.Host):
        def _run(self):
            return None

    def explode(c):
        raise ValueError("lost")

    host = Quiet()
    host.register_rulesets({"pitfall6": {"r": {"all": [{"m": {"t": "x"}}], "run": explode}}})
    host.assert_fact("pitfall6", {"sid": "1", "t": "x"})  # returns normally: the exception is swallowed
    assert "lost" in host.get_state("pitfall6", "1").get("exception", "")
    host.delete_state("pitfall6", "1")


def test_raw_durable_refuses_unmatched_facts_which_is_why_stages_have_sentinels() -> None:
    from durable import engine

    class Quiet(engine.Host):
        def _run(self):
            return None

    host = Quiet()
    host.register_rulesets({"pitfall7": {"r": {"all": [{"m": {"t": "x"}}], "run": lambda c: None}}})
    with pytest.raises(engine.MessageNotHandledException):
        host.assert_fact("pitfall7", {"sid": "1", "t": "y"})


def test_contains_none_on_an_empty_list_matches_unlike_durables_iall(book) -> None:
    """$iall over an empty list is false in durable-rules; lists are encoded as one boolean per value instead."""
    case = CaseFile.model_validate({"case_id": "x", "dissent": {"prosecution": []}})
    trace = run(durable(book), book, facts_of(case, dt.date(2024, 1, 1)))
    assert trace.derived["derived.political_prosecution"] is False
    assert "common.derive.no_political_prosecution" in trace.fired


def test_unknown_facts_are_absent_keys_never_none(book) -> None:
    from casefile.engine.durable_engine import encode

    facts = facts_of(load_case(EXAMPLES / "andrei.yaml"), dt.date(2025, 7, 29))
    encoded = encode(facts.values, book.specs)
    assert None not in encoded.values()
    assert "military__deserted" not in encoded
    assert encoded["dates__as_of"] == dt.date(2025, 7, 29).toordinal()
    assert encoded["dissent__activism_channels__telegram"] is True
    assert encoded["dissent__activism_channels__media"] is False


def test_fired_rules_record_the_facts_the_engine_matched(book) -> None:
    result = assess(load_case(EXAMPLES / "andrei.yaml"), jurisdictions=["DE"], explain=False)
    fired = {f.rule: f for f in result.jurisdiction("DE").fired}
    low = fired["de.practice.low_profile_dissident"]
    assert low.facts["dissent.public_activism"] is True
    assert low.facts["dissent.public_profile"] == "low"
    assert low.facts["dates.as_of"] == "2025-07-29"


def test_the_reference_evaluator_is_used_where_durable_is_missing(monkeypatch, book) -> None:
    import casefile.engine as eng

    monkeypatch.setenv("CASEFILE_ENGINE", "reference")
    assert eng.matcher(book).name == "reference"
    monkeypatch.setenv("CASEFILE_ENGINE", "durable")
    assert eng.matcher(book).name == "durable-rules"


def test_memory_stays_flat_over_thousands_of_sessions(book) -> None:
    """Every session is deleted: after a warm-up, thousands more cases barely move the peak memory."""
    import resource

    m = durable(book)
    case = load_case(EXAMPLES / "journalist-humanitarian-visa.yaml")
    for i in range(300):
        run(m, book, facts_of(case, dt.date(2024, 1, 1) + dt.timedelta(days=i)))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for i in range(4000):
        run(m, book, facts_of(case, dt.date(2022, 3, 1) + dt.timedelta(days=i % 1400)))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 16_000, f"peak memory grew by {grown_kb} kB over 4,000 sessions"
