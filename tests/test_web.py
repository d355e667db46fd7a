"""The web workshop through Starlette's TestClient: every route, CSRF, trainer and volunteer tokens, bad input,
security headers, size limits, and sessions that survive a restart of the app.

Expectations are computed from the library (the same case, assessed directly), never copied from today's rules,
so these tests keep their meaning when the lead changes the rulebook or renames facts.
"""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from html import unescape
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("starlette")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2; httpx is the well-known client and still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from casefile import DISCLAIMER
from casefile.case import CaseFile, load_case
from casefile.errors import InputError
from casefile.web import editor, views
from casefile.web.app import CSRF_COOKIE, build_app
from casefile.web.store import Store

from .conftest import EXAMPLES, run_cli

ANDREI = EXAMPLES / "andrei.yaml"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "sessions.sqlite3"


@pytest.fixture
def client(db: Path) -> TestClient:
    return TestClient(build_app(db))


def csrf_of(client: TestClient) -> str:
    if CSRF_COOKIE not in client.cookies:
        client.get("/")
    return client.cookies[CSRF_COOKIE]


def form_of(case_path: Path) -> dict[str, str | list[str]]:
    """The facts card of a case as the browser would submit it."""
    case = load_case(case_path)
    data: dict[str, str | list[str]] = {"case_id": case.case_id, "name": case.name or ""}
    for controls in editor.controls(case).values():
        for c in controls:
            data[c.name] = c.value
    return data


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def cell(html: str, code: str, key: str = "outcome") -> str:
    match = re.search(rf'<td id="cell-{code}-{key}"[^>]*>.*?</td>', html, re.S)
    assert match, f"no cell {code} {key}"
    return match.group(0)


# ------------------------------------------------------------------------------------------ pages and headers


def test_index_lists_the_training_pack_with_trainer_notes(client: TestClient) -> None:
    from casefile.examples import list_examples

    page = client.get("/")
    assert page.status_code == 200
    for ex in list_examples():
        assert f'href="/case/{ex.path.stem}"' in page.text
        assert ex.name in unescape(page.text)
        if ex.contrast:
            assert ex.contrast in unescape(page.text)


@pytest.mark.parametrize("path", ["/", "/case/andrei", "/case/new", "/join", "/no-such-page", "/case/nobody"])
def test_every_page_carries_the_notice_and_strict_security_headers(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert DISCLAIMER in unescape(page.text)
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text and " style=" not in page.text and "on" + "click=" not in page.text
    for src in re.findall(r'(?:src|href|action)="([^"]+)"', page.text):
        assert not src.startswith(("http:", "https:", "//")), f"{path} refers to {src} off this server"


def test_unknown_pages_and_examples_are_friendly_404s(client: TestClient) -> None:
    assert client.get("/no-such-page").status_code == 404
    page = client.get("/case/nobody")
    assert page.status_code == 404 and "no example case called nobody" in unescape(page.text)


def test_static_htmx_is_the_vendored_copy(client: TestClient) -> None:
    js = client.get("/static/htmx.min.js")
    assert js.status_code == 200 and "htmx" in js.text[:2000]
    assert js.headers["x-content-type-options"] == "nosniff"


def test_other_host_headers_are_refused(client: TestClient) -> None:
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400


# ------------------------------------------------------------------------------------------ the case page


def test_facts_card_has_a_control_for_every_case_fact(client: TestClient) -> None:
    page = client.get("/case/andrei").text
    for spec in editor.editable_facts():
        assert f'name="f.{spec.path}"' in page, f"no control for {spec.path}"
        assert views.short_label(spec.label) in unescape(page)


def test_changing_a_fact_updates_the_matrix_and_names_the_rule_that_now_decides(client: TestClient) -> None:
    case = load_case(ANDREI)
    before = views.assessment(case, case.default_as_of())
    data = case.model_dump()
    data["dissent"]["public_profile"] = "high"
    changed_case = CaseFile.model_validate(data)
    after = views.assessment(changed_case, case.default_as_of())
    moved = [j.code for j in after.jurisdictions if j.outcome != before.jurisdiction(j.code).outcome]
    assert moved, "Andrei's trainer note promises that a high profile changes an outcome"

    form = form_of(ANDREI) | {"csrf": csrf_of(client)}
    form |= {f"prev.{r.code}": r.fingerprint for r in views.matrix(before)}
    form["f.dissent.public_profile"] = "high"
    response = client.post("/case/andrei", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div id="results"'), "an htmx request gets only the results fragment"
    for j in after.jurisdictions:
        td = cell(html, j.code)
        assert f'data-outcome="{j.outcome}"' in td
        if j.code in moved:
            assert "changed" in td.split(">")[0]
            from casefile.compare import deciding_rules

            for rule in deciding_rules(j):
                assert rule in td
        else:
            assert "changed" not in td.split(">")[0]
    assert f'id="tile-{moved[0]}"' in html


def test_without_htmx_the_whole_page_comes_back(client: TestClient) -> None:
    form = form_of(ANDREI) | {"csrf": csrf_of(client)}
    page = client.post("/case/andrei", data=form)
    assert page.status_code == 200 and 'id="facts-card"' in page.text and 'id="matrix"' in page.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("f.person.age", "500", "from 0 to 120"),
        ("f.person.age", "twenty", "whole number"),
        ("f.person.citizenship", "Russia", "two-letter"),
        ("f.military.deserted", "perhaps", "yes, no or unknown"),
        ("f.dissent.public_profile", "famous", "expected one of"),
        ("f.journey.application_date", "2024-02-30", "date"),
        ("case_id", "Not A Slug!", "identifier"),
    ],
)
def test_bad_values_show_a_clear_message_not_an_error_page(
    client: TestClient, field: str, value: str, message: str
) -> None:
    form = form_of(ANDREI) | {"csrf": csrf_of(client), field: value}
    response = client.post("/case/andrei", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert message in text(response.text)
    assert "Traceback" not in response.text


def test_a_contradiction_is_a_message_naming_the_facts(client: TestClient) -> None:
    form = form_of(ANDREI) | {
        "csrf": csrf_of(client),
        "f.military.service_status": "never_served",
        "f.military.deserted": "true",
    }
    response = client.post("/case/andrei", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "military.deserted" in text(response.text)


def test_the_date_slider_moves_the_assessment_date(client: TestClient) -> None:
    case = load_case(ANDREI)
    stops = views.date_stops(case)
    assert len(stops) > 2
    page = client.get("/case/andrei").text
    assert f'max="{len(stops) - 1}"' in page
    form = form_of(ANDREI) | {"csrf": csrf_of(client), "as_of_step": "0"}
    html = client.post("/case/andrei", data=form, headers={"HX-Request": "true"}).text
    assert f'<strong id="as-of-date">{stops[0].day}</strong>' in html
    first = views.assessment(case, stops[0].day)
    for j in first.jurisdictions:
        assert f'data-outcome="{j.outcome}"' in cell(html, j.code)


def test_the_downloaded_yaml_is_a_case_file_that_evaluate_reads(client: TestClient, tmp_path: Path) -> None:
    form = form_of(ANDREI) | {"csrf": csrf_of(client), "f.military.draft_notice_received": "true", "as_of_step": "1"}
    form["f.dissent.activism_channels"] = ["telegram", "media"]
    response = client.post("/case/andrei/download", data=form)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert DISCLAIMER.split(".")[0] in response.text
    path = tmp_path / "andrei-edited.yaml"
    path.write_text(response.text, encoding="utf-8")
    loaded = load_case(path)
    assert loaded.military.draft_notice_received is True
    assert [c.value for c in loaded.dissent.activism_channels or []] == ["telegram", "media"]
    assert loaded.as_of == views.date_stops(load_case(ANDREI))[1].day
    assert loaded.evidence == load_case(ANDREI).evidence
    result = run_cli(["evaluate", str(path), "--format", "json"])
    assert result.code == 0, result.err
    assert '"case_id": "andrei"' in result.out


def test_a_case_built_from_blank_downloads_and_evaluates(client: TestClient, tmp_path: Path) -> None:
    form = {"csrf": csrf_of(client), "case_id": "built-in-browser", "f.person.citizenship": "RU"}
    response = client.post("/case/new/download", data=form)
    path = tmp_path / "built.yaml"
    path.write_text(response.text, encoding="utf-8")
    assert run_cli(["evaluate", str(path)]).code == 0


def test_a_list_fact_can_be_unknown_or_empty(client: TestClient) -> None:
    empty = editor.case_from_form(editor.Form({"case_id": "x"}, {"f.dissent.prosecution": ["__none__"]}))
    unknown = editor.case_from_form(editor.Form({"case_id": "x"}, {}))
    assert empty.dissent.prosecution == [] and unknown.dissent.prosecution is None


def test_the_handout_is_one_click_away_and_runs_no_script(client: TestClient) -> None:
    page = client.get("/case/andrei/handout")
    assert page.status_code == 200
    assert 'id="j-DE"' in page.text and DISCLAIMER in unescape(page.text)
    assert "What we know" in page.text  # the printable handout with its facts card, as `compare -f html` prints
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    form = form_of(ANDREI) | {
        "csrf": csrf_of(client),
        "f.military.deserted": "true",
        "f.military.service_status": "mobilised",
    }
    edited = client.post("/case/andrei/handout", data=form)
    assert edited.status_code == 200 and 'id="j-DE"' in edited.text


def test_nothing_is_written_to_disk_when_exploring(client: TestClient, db: Path) -> None:
    before = db.stat().st_size
    form = form_of(ANDREI) | {"csrf": csrf_of(client)}
    client.post("/case/andrei", data=form, headers={"HX-Request": "true"})
    client.post("/case/andrei/download", data=form)
    assert Store(db).session("ABCDE") is None
    assert sorted(p.name for p in db.parent.iterdir() if not p.name.startswith("sessions")) == []
    assert db.stat().st_size == before


# ------------------------------------------------------------------------------------------ CSRF and limits


@pytest.mark.parametrize("path", ["/case/andrei", "/case/andrei/download", "/workshop", "/join"])
def test_every_form_needs_the_csrf_token(client: TestClient, path: str) -> None:
    csrf_of(client)
    missing = client.post(path, data={"example": "andrei", "case_id": "andrei"})
    wrong = client.post(path, data={"csrf": "x" * 32, "example": "andrei", "case_id": "andrei"})
    for response in (missing, wrong):
        assert response.status_code == 403
        assert "expired or did not come from this page" in unescape(response.text)


def test_large_requests_are_refused(client: TestClient) -> None:
    response = client.post(
        "/case/andrei", content=b"a=" + b"x" * 200_000, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413


def test_too_long_text_is_a_message(client: TestClient) -> None:
    form = form_of(ANDREI) | {"csrf": csrf_of(client), "name": "n" * 500}
    response = client.post("/case/andrei", data=form, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "longer than" in response.text


# ------------------------------------------------------------------------------------------ the workshop


def start(client: TestClient, example: str = "andrei") -> str:
    response = client.post("/workshop", data={"csrf": csrf_of(client), "example": example}, follow_redirects=False)
    assert response.status_code == 303
    code = response.headers["location"].rsplit("/", 1)[-1]
    assert any(name.startswith("casefile_trainer_") for name in client.cookies)
    return code


def join(app, code: str, nickname: str) -> TestClient:
    phone = TestClient(app)
    page = phone.get(f"/join?code={code}")
    assert f'value="{code}"' in page.text
    response = phone.post(
        "/join",
        data={"csrf": phone.cookies[CSRF_COOKIE], "code": code.lower(), "nickname": nickname},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return phone


def predict(phone: TestClient, code: str, outcomes: dict[str, str]) -> str:
    data = {"csrf": phone.cookies[CSRF_COOKIE], **{f"p.{j}": o for j, o in outcomes.items()}}
    response = phone.post(f"/w/{code}/answer", data=data)
    return response


def test_a_full_workshop_round(db: Path) -> None:
    app = build_app(db)
    trainer = TestClient(app)
    code = start(trainer)
    room = trainer.get(f"/w/{code}")
    assert room.status_code == 200 and code in room.text and "<svg" in room.text  # the QR code
    assert f"/join?code={code}" in room.text

    case = load_case(ANDREI)
    actual = {j.code: j.outcome for j in views.assessment(case, case.default_as_of()).jurisdictions}
    phones = [join(app, code, nick) for nick in ("Ada", "Ben", "Chiara")]
    assert predict(phones[0], code, actual).status_code == 200  # all right
    wrong = {j: ("protection_likely" if o != "protection_likely" else "refusal_likely") for j, o in actual.items()}
    assert predict(phones[1], code, wrong).status_code == 200
    assert predict(phones[2], code, {"DE": actual["DE"]}).status_code == 200  # the rest: don't know
    status = trainer.get(f"/w/{code}/status").text
    assert '<strong id="answered-count">3</strong>' in status and "Chiara" in status

    # volunteers cannot reveal, only the trainer can
    assert phones[0].post(f"/w/{code}/reveal", data={"csrf": phones[0].cookies[CSRF_COOKIE]}).status_code == 403
    assert phones[0].get(f"/w/{code}").status_code == 403
    revealed = trainer.post(f"/w/{code}/reveal", data={"csrf": csrf_of(trainer)})
    assert revealed.status_code == 200 and 'id="debrief"' in revealed.text
    for j, outcome in actual.items():
        bars = re.search(rf'<svg class="bars" id="bars-{j}".*?</svg>', revealed.text, re.S).group(0)
        correct = re.search(r'class="bar correct" data-outcome="([^"]+)" data-count="(\d+)"', bars)
        assert correct.group(1) == outcome
        assert int(correct.group(2)) == 1 + (j == "DE")  # Ada always; Chiara for DE
    # after the reveal a volunteer sees the answers and can no longer change theirs
    assert 'id="score">7<' in phones[0].get(f"/w/{code}/answer").text
    assert predict(phones[1], code, actual).status_code == 409
    assert phones[0].get(f"/w/{code}/answer/status").headers.get("hx-refresh") == "true"

    contrasts = views.contrasts(case)
    assert contrasts, "Andrei's trainer note names facts to change"
    what = trainer.post(
        f"/w/{code}/whatif", data={"csrf": csrf_of(trainer), "contrast": "0"}, headers={"HX-Request": "true"}
    )
    assert what.status_code == 200 and contrasts[0].label in unescape(what.text) and 'id="matrix"' in what.text
    bad = trainer.post(
        f"/w/{code}/whatif", data={"csrf": csrf_of(trainer), "contrast": "99"}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 422

    ended = trainer.post(f"/w/{code}/end", data={"csrf": csrf_of(trainer)}, follow_redirects=False)
    assert ended.status_code == 303
    assert trainer.get(f"/w/{code}").status_code == 404


def test_predictions_must_come_from_the_menu(db: Path) -> None:
    app = build_app(db)
    code = start(TestClient(app))
    phone = join(app, code, "Dee")
    response = predict(phone, code, {"DE": "asylum_for_sure"})
    assert response.status_code == 422 and "choose an outcome from the menu" in response.text


def test_joining_needs_a_live_code_and_a_fresh_nickname(db: Path) -> None:
    app = build_app(db)
    code = start(TestClient(app))
    join(app, code, "Eve")
    other = TestClient(app)
    other.get("/join")
    for data, message in (
        ({"code": "ZZZZZ", "nickname": "Fay"}, "no workshop with this code"),
        ({"code": code, "nickname": "Eve"}, "already uses that nickname"),
        ({"code": code, "nickname": "<script>"}, "A nickname is 1 to"),
        ({"code": code, "nickname": ""}, "A nickname is 1 to"),
    ):
        response = other.post("/join", data={"csrf": other.cookies[CSRF_COOKIE], **data})
        assert response.status_code == 422 and message in unescape(response.text)
        assert "<script>" not in response.text


def test_a_volunteer_without_joining_is_sent_to_join(db: Path) -> None:
    app = build_app(db)
    code = start(TestClient(app))
    stranger = TestClient(app)
    response = stranger.get(f"/w/{code}/answer", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/join?code={code}"
    assert stranger.get("/w/not-a-code/answer").status_code == 404


def test_sessions_survive_a_restart_of_the_app(db: Path) -> None:
    app = build_app(db)
    trainer = TestClient(app)
    code = start(trainer)
    phone = join(app, code, "Gus")
    predict(phone, code, {"DE": "refusal_likely", "NL": "protection_likely"})
    del app

    restarted = build_app(db)
    trainer2 = TestClient(restarted, cookies=dict(trainer.cookies))
    phone2 = TestClient(restarted, cookies=dict(phone.cookies))
    status = trainer2.get(f"/w/{code}/status")
    assert status.status_code == 200 and '<strong id="answered-count">1</strong>' in status.text
    page = phone2.get(f"/w/{code}/answer").text
    assert re.search(r'<option value="refusal_likely" selected>', page)
    assert Store(db).prediction_rows(code) == 7


def test_sessions_expire(db: Path) -> None:
    store = Store(db, ttl_hours=1)
    code, token = store.create_session("{}", "2025-01-01", now=1000.0)
    assert store.session(code, now=1000.0 + 3599) is not None
    assert store.session(code, now=1000.0 + 3601) is None
    store.create_session("{}", "2025-01-01", now=1000.0 + 7200)  # purges expired sessions
    assert store.is_trainer(code, token) is False


def test_the_database_is_in_wal_mode(db: Path) -> None:
    import sqlite3

    Store(db)
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_internal_errors_show_a_short_page_without_traceback(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = build_app(db)
    client = TestClient(app, raise_server_exceptions=False)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret case detail")

    monkeypatch.setattr(views, "assessment", boom)
    page = client.get("/case/andrei")
    assert page.status_code == 500
    assert "Something went wrong" in page.text and "secret case detail" not in page.text
    assert "Traceback" not in page.text and DISCLAIMER in unescape(page.text)


# ------------------------------------------------------------------------------------------ catalogue and CLI


def test_the_message_catalogue_is_complete_and_current() -> None:
    from casefile.web import i18n

    marked = i18n.extract()
    english = i18n.parse_po(i18n.po_path("en").read_text(encoding="utf-8"))
    template = i18n.parse_po((i18n.LOCALE_DIR / "casefile.pot").read_text(encoding="utf-8"))
    missing = [m for m in marked if m not in template]
    assert not missing, f"run `python -m casefile.web.i18n`: {missing[:3]}"
    assert all(english.get(m) for m in marked), "every English entry has its text"
    assert i18n.translations("en").gettext("Reveal the answers") == "Reveal the answers"


def test_a_translation_changes_the_interface_without_touching_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from casefile.web import i18n

    target = tmp_path / "xx" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "casefile.po").write_text('msgid "Training pack"\nmsgstr "Schulungsmappe"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        page = TestClient(build_app(tmp_path / "s.sqlite3", lang="xx")).get("/")
        assert "Schulungsmappe" in page.text
    finally:
        i18n.translations.cache_clear()


def test_the_cli_never_imports_the_web_stack_unless_serving() -> None:
    code = "import sys, casefile.cli; print(sorted(m for m in ('starlette', 'uvicorn', 'segno') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_serve_is_a_command_and_refuses_bad_options() -> None:
    assert "serve" in run_cli(["--help"]).out
    assert run_cli(["serve", "--port", "0"]).code == 2
    assert run_cli(["serve", "--lang", "zz"]).code == 2


def test_the_terminal_qr_code_is_drawn_offline() -> None:
    from casefile.web.serve import terminal_qr

    qr = terminal_qr("http://192.168.1.20:8000/join").splitlines()
    assert len(qr) > 10 and len(set(map(len, qr))) == 1


def test_head_requests_are_answered_like_get(client: TestClient) -> None:
    for path in ("/", "/case/andrei", "/join", "/case/andrei/handout"):
        assert client.head(path).status_code == 200, path


def test_serve_lan_prints_the_join_address_and_a_qr_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    from casefile.web import serve

    started: dict[str, object] = {}
    monkeypatch.setattr(serve, "lan_address", lambda: "192.168.1.20")
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    serve.serve(None, 8765, True, tmp_path / "s.sqlite3", "en", 12.0)
    err = capsys.readouterr().err
    assert started["host"] == "192.168.1.20" and started["port"] == 8765
    assert "http://192.168.1.20:8765/join" in err and "▄" in err and DISCLAIMER in err
    lan = TestClient(started["app"], base_url="http://192.168.1.20:8765")
    lan.get("/")
    code = start(lan)
    assert "http://192.168.1.20:8765/join?code=" + code in lan.get(f"/w/{code}").text


def test_serve_binds_to_loopback_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from casefile.web import serve

    started: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(kw))
    serve.serve(None, 8766, False, tmp_path / "s.sqlite3", "en", 12.0)
    assert started["host"] == "127.0.0.1"


def test_open_lists_such_as_country_codes_are_a_text_field() -> None:
    free = [s for s in editor.editable_facts() if editor.is_free_list(s)]
    if not free:
        pytest.skip("the vocabulary has no open list right now")
    path = free[0].path
    name = editor.field_name(path)
    group, fact = path.split(".", 1)
    case = editor.case_from_form(editor.Form({"case_id": "x", name: "GE, KZ"}))
    assert getattr(getattr(case, group), fact) == ["GE", "KZ"]
    none = editor.case_from_form(editor.Form({"case_id": "x", name: "none"}))
    assert getattr(getattr(none, group), fact) == []
    assert editor.controls(case)[group][[c.path for c in editor.controls(case)[group]].index(path)].value == "GE, KZ"
    with pytest.raises(InputError, match=r"two-letter|pattern|expected"):
        editor.case_from_form(editor.Form({"case_id": "x", name: "Georgia"}))


def test_every_offered_what_if_applies_to_its_example(client: TestClient) -> None:
    from casefile.examples import list_examples

    offered = 0
    for ex in list_examples():
        case = load_case(ex.path)
        for contrast in views.contrasts(case):
            offered += 1
            assert contrast.assignments or contrast.as_of
        if views.contrasts(case):
            code = start(client, ex.path.stem)
            client.post(f"/w/{code}/reveal", data={"csrf": csrf_of(client)})
            for i in range(len(views.contrasts(case))):
                page = client.post(f"/w/{code}/whatif", data={"csrf": csrf_of(client), "contrast": str(i)})
                assert page.status_code == 200 and 'id="matrix"' in page.text and f'href="/w/{code}"' in page.text
    assert offered >= 3, "the trainer notes name facts to change"


def test_a_workshop_can_start_from_the_edited_facts(client: TestClient) -> None:
    form = form_of(ANDREI) | {"csrf": csrf_of(client), "case_name": "andrei", "f.dissent.public_profile": "high"}
    response = client.post("/workshop", data=form, follow_redirects=False)
    assert response.status_code == 303
    room = client.get(response.headers["location"]).text
    assert re.search(r"<dt>Public profile</dt><dd>high</dd>", room)
    bad = client.post("/workshop", data=form | {"f.person.age": "-3"})
    assert bad.status_code == 422 and "no workshop was started" in bad.text


def test_a_whole_workshop_opens_no_network_connection(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args[:2]))
        raise OSError("network access attempted by the web app")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    app = build_app(db)
    trainer = TestClient(app)
    trainer.get("/case/andrei")
    trainer.get("/case/andrei/handout")
    code = start(trainer)
    phone = join(app, code, "Ida")
    predict(phone, code, {"DE": "refusal_likely"})
    trainer.post(f"/w/{code}/reveal", data={"csrf": csrf_of(trainer)})
    trainer.post(f"/w/{code}/whatif", data={"csrf": csrf_of(trainer), "contrast": "0"})
    assert attempts == []


def test_a_new_birth_date_redraws_the_slider_with_its_birthdays(client: TestClient) -> None:
    form = form_of(ANDREI) | {"csrf": csrf_of(client), "f.person.age": "", "f.person.birth_date": "1996-03-10"}
    html = client.post(
        "/case/andrei", data=form, headers={"HX-Request": "true", "HX-Trigger-Name": "f.person.birth_date"}
    ).text
    data = load_case(ANDREI).model_dump()
    data["person"] |= {"age": None, "birth_date": "1996-03-10"}
    stops = views.date_stops(CaseFile.model_validate(data))
    assert 'id="as-of-control" hx-swap-oob="true"' in html and f'max="{len(stops) - 1}"' in html
    moved = client.post("/case/andrei", data=form, headers={"HX-Request": "true", "HX-Trigger-Name": "as_of_step"}).text
    assert "hx-swap-oob" not in moved  # the slider the user is moving is left alone


def test_a_dublin_transfer_is_shown_where_the_assessment_indicates_one(client: TestClient) -> None:
    from casefile.examples import list_examples

    for ex in list_examples():
        case = load_case(ex.path)
        a = views.assessment(case, case.default_as_of())
        transfers = [
            j for j in a.jurisdictions if getattr(j.responsibility, "outcome", views.NO_TRANSFER) != views.NO_TRANSFER
        ]
        if transfers:
            page = client.get(f"/case/{ex.path.stem}").text
            for j in transfers:
                assert f'id="dublin-{j.code}"' in page and views.words(j.responsibility.outcome) in page
            assert all(f'id="dublin-{j.code}"' not in page for j in a.jurisdictions if j not in transfers)
            return
    pytest.skip("no training case indicates a Dublin transfer right now")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.dictionaries(
        st.sampled_from(
            [editor.field_name(s.path) for s in editor.editable_facts()] + ["case_id", "name", "as_of_step"]
        ),
        st.one_of(st.text(max_size=30), st.sampled_from(["true", "false", "", "none", "-1", "2023-02-29", "999999"])),
        max_size=8,
    )
)
def test_any_form_input_is_a_result_or_a_message_never_a_500(client: TestClient, values: dict[str, str]) -> None:
    form = form_of(ANDREI) | {"csrf": csrf_of(client)} | values
    response = client.post("/case/andrei", data=form, headers={"HX-Request": "true"})
    assert response.status_code in (200, 422), response.text[:500]
    assert ('id="matrix"' in response.text) != ('role="alert"' in response.text)
