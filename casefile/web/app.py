"""The web application: routes, security middleware and page rendering (Starlette + Jinja2 + htmx).

Pages
  ``/``                         the training pack, a form to start a workshop, a form to join one
  ``/case/{name}``              a case's facts card, matrix, tile map and date slider (``new`` = a blank case);
                                POST re-assesses the edited facts (htmx swaps ``#results``; without script the
                                whole page is returned)
  ``/case/{name}/download``     POST: the edited case as a YAML case file (nothing is written on the server)
  ``/case/{name}/handout``      the printable handout (:mod:`casefile.report`), the same as ``compare -f html``
  ``/workshop``                 POST: start a session; the trainer's token goes into a cookie
  ``/w/{code}``                 the room (trainer only): join code and QR, answers so far, reveal, bars, debrief,
                                what-ifs; ``/reveal``, ``/whatif``, ``/end`` are the trainer's POST controls
  ``/join``                     volunteers: code and nickname
  ``/w/{code}/answer``          a volunteer's predictions, then the answers once revealed

Safe by default: every POST carries a CSRF token equal to the ``casefile_csrf`` cookie (double submit, SameSite
Strict); trainer controls check the session's token, volunteers' cookies only let them answer; request bodies are
capped; every response has a strict Content-Security-Policy (``default-src 'self'``, no inline script or style,
``frame-ancestors 'none'``), ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``; Host headers
are checked (against DNS rebinding); bad input is a message on the page (never a traceback); nothing about a case is
written to disk except a workshop session the trainer starts (in the SQLite store).
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from casefile import DISCLAIMER, __version__
from casefile.case import CaseFile
from casefile.errors import InputError
from casefile.rulebook import JURISDICTIONS, default_rulebook
from casefile.web import editor, views
from casefile.web.i18n import N_, translations
from casefile.web.store import NicknameTaken, Store, normalise_code, valid_code

WEB_DIR = Path(__file__).resolve().parent
MAX_BODY = 64 * 1024  # bytes: a facts card is about 3 KB
MAX_NICKNAME = 24
CSRF_COOKIE = "casefile_csrf"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# The handout is the renderer's self-contained page with its own inline CSS: no script at all may run in it.
HANDOUT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'"
NICKNAME_OK = re.compile(r"^[\w .'-]{1,24}$")


# ------------------------------------------------------------------------------------------------- middleware

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SecurityHeaders:
    """Adds the security headers to every HTTP response (a route may set its own stricter CSP)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = {
                    b"content-security-policy": CSP.encode(),
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",
                    b"x-frame-options": b"DENY",
                    b"cross-origin-opener-policy": b"same-origin",
                    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
                }
                headers += [(k, v) for k, v in extra.items() if k not in names]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over `limit` bytes with 413, whether or not a Content-Length was sent."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await _too_large(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Send) -> None:
    text = f"The request is too large (more than {MAX_BODY // 1024} KB). {DISCLAIMER}".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(text)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": text})


# ------------------------------------------------------------------------------------------------- the app


class PageError(Exception):
    """A problem to show the user as a page (or an htmx fragment) with a status code."""

    def __init__(self, status: int, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems or []


class Web:
    """Configuration and helpers shared by the routes."""

    def __init__(self, store: Store, lang: str = "en", public_url: str | None = None) -> None:
        self.store = store
        self.lang = lang
        self.public_url = public_url
        self.trans = translations(lang)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(WEB_DIR / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
        )
        self.env.install_gettext_translations(self.trans, newstyle=True)  # type: ignore[attr-defined]
        self.env.globals.update(
            DISCLAIMER=DISCLAIMER,
            version=__version__,
            TONES=views.TONES,
            TONE_WORDS=views.TONE_WORDS,
            lang=lang,
        )
        self.env.filters.update(words=views.words, tone=views.tone, short=views.short_label)

    def _(self, message: str, **kwargs: Any) -> str:
        text = self.trans.gettext(message)
        return text % kwargs if kwargs else text

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        token = request.cookies.get(CSRF_COOKIE)
        fresh = not token or not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token)
        if fresh:
            token = secrets.token_urlsafe(24)
        html = self.env.get_template(template).render(csrf=token, request_path=request.url.path, **context)
        response = HTMLResponse(html, status_code=status)
        if fresh:
            response.set_cookie(CSRF_COOKIE, token or "", httponly=True, samesite="strict", path="/")
        return response

    async def form(self, request: Request) -> FormData:
        """The submitted form, after checking its CSRF token against the cookie."""
        try:
            form = await request.form(max_files=0, max_fields=400)
        except Exception:
            raise PageError(400, self._("The form could not be read.")) from None
        cookie = request.cookies.get(CSRF_COOKIE, "")
        sent = form.get("csrf")
        if not cookie or not isinstance(sent, str) or not hmac.compare_digest(cookie.encode(), sent.encode()):
            raise PageError(
                403, self._("This form has expired or did not come from this page. Reload the page and try again.")
            )
        return form


def _single(form: FormData) -> editor.Form:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            single[key] = value
            multi.setdefault(key, []).append(value)
    return editor.Form(single, multi)


def _problems(exc: InputError) -> list[str]:
    """Each problem as one line, naming the fact by its label as on the facts card (and its path)."""
    from casefile.facts import CASE_FACTS

    out = []
    for p in exc.problems:
        spec = CASE_FACTS.get(p.field or "")
        subject = f"{spec.label} ({p.field}): " if spec else (f"{p.field}: " if p.field else "")
        out.append(f"{subject}{p.expected}" + (f" ({p.hint})" if p.hint else ""))
    return out


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# ------------------------------------------------------------------------------------------------- cases


def _examples() -> dict[str, Any]:
    from casefile.examples import list_examples

    return {ex.path.stem: ex for ex in list_examples()}


def _base_case(web: Web, name: str) -> CaseFile:
    if name == "new":
        return CaseFile(case_id="new-case")
    from casefile.case import load_case

    example = _examples().get(name)
    if example is None:
        raise PageError(404, web._("There is no example case called %(name)s.", name=name[:40]))
    return load_case(example.path)


def _case_context(
    web: Web,
    name: str,
    case: CaseFile,
    as_of: dt.date | None,
    previous: dict[str, str] | None = None,
    problems: list[str] | None = None,
    form_case: CaseFile | None = None,
) -> dict[str, Any]:
    book = default_rulebook()
    stops = views.date_stops(case, book)
    day = as_of or case.default_as_of()
    index = views.stop_index(stops, day)
    context: dict[str, Any] = {
        "name": name,
        "case": form_case or case,
        "controls": editor.controls(form_case or case),
        "group_labels": GROUP_LABELS,
        "stops": stops,
        "stop_index": index,
        "as_of": day,
        "as_of_why": next((s.why for s in stops if s.day == day), ""),
        "problems": problems or [],
        "previous": previous or {},
        "note": case.training,
        "rows": [],
        "tiles": [],
        "legend": [],
    }
    if not problems:
        a = views.assessment(case, day)
        rows = views.matrix(a, previous, book)
        context.update(rows=rows, tiles=views.tiles(a), legend=views.legend(a), warnings=a.warnings)
    context.setdefault("warnings", [])
    return context


GROUP_LABELS = {
    "person": N_("Person"),
    "military": N_("Military"),
    "dissent": N_("Dissent"),
    "journey": N_("Journey"),
}


def _as_of_from(form: FormData, case: CaseFile) -> dt.date:
    raw = form.get("as_of_step")
    stops = views.date_stops(case)
    if isinstance(raw, str) and raw.strip().isdigit():
        i = min(int(raw), len(stops) - 1)
        return stops[i].day
    return case.default_as_of()


def build_app(
    db_path: str | Path,
    *,
    lang: str = "en",
    public_url: str | None = None,
    allowed_hosts: list[str] | None = None,
    ttl_hours: float = 12.0,
) -> Starlette:
    """The ASGI app; sessions are kept in the SQLite file `db_path`."""
    web = Web(Store(db_path, ttl_hours), lang, public_url)
    _ = web._

    async def index(request: Request) -> Response:
        return web.render(request, "index.html.j2", examples=_examples())

    async def case_page(request: Request) -> Response:
        name = request.path_params["name"]
        base = _base_case(web, name)
        if request.method in ("GET", "HEAD"):
            context = await run_in_threadpool(_case_context, web, name, base, None)
            return web.render(request, "case.html.j2", **context)
        form = await web.form(request)
        fields = _single(form)
        previous = views.parse_previous(fields.single)
        try:
            case = editor.case_from_form(fields, base)
        except InputError as exc:
            context = await run_in_threadpool(_case_context, web, name, base, None, previous, _problems(exc))
            template = "_results.html.j2" if _is_htmx(request) else "case.html.j2"
            return web.render(request, template, status=422, **context)
        context = await run_in_threadpool(_case_context, web, name, case, _as_of_from(form, case), previous)
        # A changed fact (a birth date) can move the slider's dates: redraw it, unless it is what the user is moving.
        context["slider_oob"] = request.headers.get("hx-trigger-name") != "as_of_step"
        return web.render(request, "_results.html.j2" if _is_htmx(request) else "case.html.j2", **context)

    async def download(request: Request) -> Response:
        name = request.path_params["name"]
        base = _base_case(web, name)
        form = await web.form(request)
        try:
            case = editor.case_from_form(_single(form), base)
        except InputError as exc:
            raise PageError(422, _("The case has problems, so it was not downloaded."), _problems(exc)) from None
        text = editor.case_yaml(case, _as_of_from(form, case))
        filename = f"{case.case_id}.yaml"
        return Response(
            text,
            media_type="application/yaml; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    async def handout(request: Request) -> Response:
        from casefile.render.html import render_handout_html
        from casefile.report import build

        name = request.path_params["name"]
        case = _base_case(web, name)
        day = case.default_as_of()
        if request.method == "POST":
            form = await web.form(request)
            try:
                case = editor.case_from_form(_single(form), case)
            except InputError as exc:
                raise PageError(422, _("The case has problems, so no handout was made."), _problems(exc)) from None
            day = _as_of_from(form, case)
        page = await run_in_threadpool(lambda: render_handout_html(build(views.assessment(case, day), case)))
        return HTMLResponse(page, headers={"Content-Security-Policy": HANDOUT_CSP})

    # ------------------------------------------------------------------------------------------- workshop
    def _trainer_cookie(code: str) -> str:
        return f"casefile_trainer_{code}"

    def _volunteer_cookie(code: str) -> str:
        return f"casefile_volunteer_{code}"

    def _session(code: str) -> Any:
        if not valid_code(code):
            raise PageError(404, _("There is no workshop with this code. Check the code and try again."))
        session = web.store.session(code)
        if session is None:
            raise PageError(404, _("There is no workshop with this code, or it has ended."))
        return session

    def _require_trainer(request: Request, code: str) -> Any:
        session = _session(code)
        if not web.store.is_trainer(session.code, request.cookies.get(_trainer_cookie(session.code))):
            raise PageError(403, _("Only the trainer who started this workshop can do this."))
        return session

    def _session_case(session: Any) -> tuple[CaseFile, dt.date]:
        return CaseFile.model_validate_json(session.case_json), dt.date.fromisoformat(session.as_of)

    async def start_workshop(request: Request) -> Response:
        form = await web.form(request)
        source = form.get("example")
        if isinstance(source, str) and source:
            case = _base_case(web, source)
            day = case.default_as_of()
        else:
            name = form.get("case_name")
            base = _base_case(web, name if isinstance(name, str) and name else "new")
            try:
                case = editor.case_from_form(_single(form), base)
            except InputError as exc:
                raise PageError(422, _("The case has problems, so no workshop was started."), _problems(exc)) from None
            day = _as_of_from(form, case)
        code, token = web.store.create_session(case.model_dump_json(), day.isoformat())
        response = RedirectResponse(f"/w/{code}", status_code=303)
        response.set_cookie(
            _trainer_cookie(code), token, httponly=True, samesite="strict", path="/", max_age=int(web.store.ttl)
        )
        return response

    def _join_url(request: Request, code: str) -> str:
        base = web.public_url or str(request.base_url)
        return base.rstrip("/") + f"/join?code={code}"

    def _room_context(request: Request, session: Any) -> dict[str, Any]:
        case, day = _session_case(session)
        a = views.assessment(case, day)
        context: dict[str, Any] = {
            "session": session,
            "case": case,
            "as_of": day,
            "join_url": _join_url(request, session.code),
            "volunteers": web.store.volunteers(session.code),
            "answered": web.store.answered(session.code),
            "rows": views.matrix(a),
            "tiles": views.tiles(a),
            "legend": views.legend(a),
            "facts": views.known_facts(case),
        }
        if session.revealed:
            context.update(
                bars=views.bars(a, web.store.tally(session.code)),
                debrief=views.debrief(a),
                contrasts=views.contrasts(case),
                bar_width=views.BAR_WIDTH,
            )
        return context

    async def room(request: Request) -> Response:
        session = _require_trainer(request, request.path_params["code"])
        import segno

        context = await run_in_threadpool(_room_context, request, session)
        qr = segno.make(context["join_url"], error="m").svg_inline(scale=5, dark="#000", light="#fff")
        return web.render(request, "room.html.j2", qr=qr, **context)

    async def room_status(request: Request) -> Response:
        session = _require_trainer(request, request.path_params["code"])
        context = {
            "session": session,
            "volunteers": web.store.volunteers(session.code),
            "answered": web.store.answered(session.code),
        }
        return web.render(request, "_room_status.html.j2", **context)

    async def reveal(request: Request) -> Response:
        session = _require_trainer(request, request.path_params["code"])
        await web.form(request)
        web.store.reveal(session.code)
        return RedirectResponse(f"/w/{session.code}#results", status_code=303)

    async def end(request: Request) -> Response:
        session = _require_trainer(request, request.path_params["code"])
        await web.form(request)
        web.store.end(session.code)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(_trainer_cookie(session.code), path="/")
        return response

    async def whatif(request: Request) -> Response:
        session = _require_trainer(request, request.path_params["code"])
        form = await web.form(request)
        case, day = _session_case(session)
        options = views.contrasts(case)
        raw = form.get("contrast")
        if not isinstance(raw, str) or not raw.isdigit() or int(raw) >= len(options):
            raise PageError(422, _("There is no such what-if for this case."))
        contrast = options[int(raw)]
        before = await run_in_threadpool(views.assessment, case, day)
        try:
            from casefile.whatif import apply, parse_assignment

            changed = apply(case, [parse_assignment(a) for a in contrast.assignments]) if contrast.assignments else case
        except InputError as exc:
            raise PageError(422, _("This what-if does not fit the case."), _problems(exc)) from None
        after_day = contrast.as_of or day
        after = await run_in_threadpool(views.assessment, changed, after_day)
        previous = {r.code: r.fingerprint for r in views.matrix(before)}
        context = {
            "contrast": contrast,
            "rows": views.matrix(after, previous),
            "tiles": views.tiles(after),
            "legend": views.legend(after),
            "as_of": after_day,
            "code": session.code,
        }
        template = "_whatif.html.j2" if _is_htmx(request) else "whatif.html.j2"
        return web.render(request, template, **context)

    async def join(request: Request) -> Response:
        if request.method in ("GET", "HEAD"):
            code = request.query_params.get("code", "")
            return web.render(request, "join.html.j2", code=normalise_code(code)[:8], nickname="", problems=[])
        form = await web.form(request)
        code = normalise_code(str(form.get("code") or ""))
        nickname = " ".join(str(form.get("nickname") or "").split())
        problems = []
        session = web.store.session(code) if valid_code(code) else None
        if session is None:
            problems.append(_("There is no workshop with this code, or it has ended."))
        if not NICKNAME_OK.match(nickname):
            problems.append(
                _("A nickname is 1 to %(n)s letters, digits, spaces or . ' - (no real names needed).", n=MAX_NICKNAME)
            )
        if session is not None and not problems:
            try:
                _volunteer, token = web.store.join(session.code, nickname)
            except NicknameTaken:
                problems.append(_("Someone in this workshop already uses that nickname; choose another."))
            else:
                response = RedirectResponse(f"/w/{session.code}/answer", status_code=303)
                response.set_cookie(
                    _volunteer_cookie(session.code),
                    token,
                    httponly=True,
                    samesite="strict",
                    path="/",
                    max_age=int(web.store.ttl),
                )
                return response
        return web.render(
            request, "join.html.j2", status=422, code=code[:8], nickname=nickname[:MAX_NICKNAME], problems=problems
        )

    def _volunteer(request: Request, code: str) -> tuple[Any, Any]:
        session = _session(code)
        volunteer = web.store.volunteer(session.code, request.cookies.get(_volunteer_cookie(session.code)))
        return session, volunteer

    def _answer_context(session: Any, volunteer: Any, problems: list[str] | None = None) -> dict[str, Any]:
        from casefile.train import OUTCOMES

        case, day = _session_case(session)
        context: dict[str, Any] = {
            "session": session,
            "volunteer": volunteer,
            "facts": views.known_facts(case),
            "as_of": day,
            "menu": OUTCOMES,
            "codes": JURISDICTIONS,
            "names": {j: n for j, n in JURISDICTION_NAMES.items()},
            "mine": web.store.predictions_of(volunteer),
            "problems": problems or [],
            "saved": False,
        }
        if session.revealed:
            a = views.assessment(case, day)
            context["actual"] = {j.code: j.outcome for j in a.jurisdictions}
            context["score"] = sum(1 for j in a.jurisdictions if context["mine"].get(j.code) == j.outcome)
        return context

    async def answer(request: Request) -> Response:
        code = request.path_params["code"]
        session, volunteer = _volunteer(request, code)
        if volunteer is None:
            return RedirectResponse(f"/join?code={session.code}", status_code=303)
        if request.method in ("GET", "HEAD"):
            return web.render(request, "answer.html.j2", **_answer_context(session, volunteer))
        form = await web.form(request)
        from casefile.train import MENU

        if session.revealed:
            context = _answer_context(
                session, volunteer, [_("The trainer has revealed the answers; answers are closed.")]
            )
            return web.render(request, "answer.html.j2", status=409, **context)
        predictions: dict[str, str] = {}
        problems = []
        for j in JURISDICTIONS:
            raw = form.get(f"p.{j}")
            value = raw.strip() if isinstance(raw, str) else ""
            if value and value not in MENU:
                problems.append(_("%(code)s: choose an outcome from the menu.", code=j))
            predictions[j] = value
        if problems:
            return web.render(request, "answer.html.j2", status=422, **_answer_context(session, volunteer, problems))
        web.store.answer(volunteer, predictions)
        context = _answer_context(session, volunteer)
        context["saved"] = True
        return web.render(request, "answer.html.j2", **context)

    async def answer_status(request: Request) -> Response:
        session, volunteer = _volunteer(request, request.path_params["code"])
        if volunteer is None:
            raise PageError(403, _("Join the workshop first."))
        headers = {"HX-Refresh": "true"} if session.revealed else {}
        return Response("", status_code=200, headers=headers)

    # ------------------------------------------------------------------------------------------- errors
    async def page_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageError)
        template = "_problems.html.j2" if _is_htmx(request) else "error.html.j2"
        return web.render(request, template, status=exc.status, message=exc.message, problems=exc.problems)

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        messages = {
            404: _("There is no such page."),
            405: _("This page cannot be used that way."),
        }
        message = messages.get(status, _("The request could not be handled."))
        return web.render(request, "error.html.j2", status=status, message=message, problems=[])

    async def server_error(request: Request, exc: Exception) -> Response:
        # Never a traceback, never case content: a short message (run with --debug in a terminal for details).
        return web.render(
            request,
            "error.html.j2",
            status=500,
            message=_("Something went wrong inside casefile. Nothing was saved from this request."),
            problems=[],
        )

    routes = [
        Route("/", index),
        Route("/case/{name:str}", case_page, methods=["GET", "POST"]),
        Route("/case/{name:str}/download", download, methods=["POST"]),
        Route("/case/{name:str}/handout", handout, methods=["GET", "POST"]),
        Route("/workshop", start_workshop, methods=["POST"]),
        Route("/join", join, methods=["GET", "POST"]),
        Route("/w/{code:str}", room),
        Route("/w/{code:str}/status", room_status),
        Route("/w/{code:str}/reveal", reveal, methods=["POST"]),
        Route("/w/{code:str}/end", end, methods=["POST"]),
        Route("/w/{code:str}/whatif", whatif, methods=["POST"]),
        Route("/w/{code:str}/answer", answer, methods=["GET", "POST"]),
        Route("/w/{code:str}/answer/status", answer_status),
        Mount("/static", app=StaticFiles(directory=WEB_DIR / "static"), name="static"),
    ]
    hosts = allowed_hosts or ["127.0.0.1", "localhost", "testserver"]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(SecurityHeaders),  # type: ignore[arg-type]
            Middleware(TrustedHostMiddleware, allowed_hosts=hosts),
            Middleware(BodyLimit),  # type: ignore[arg-type]
        ],
        exception_handlers={
            PageError: page_error,
            HTTPException: http_error,
            Exception: server_error,
        },
    )
    app.state.web = web
    return app


JURISDICTION_NAMES = {
    "DE": N_("Germany"),
    "NL": N_("Netherlands"),
    "EE": N_("Estonia"),
    "LV": N_("Latvia"),
    "LT": N_("Lithuania"),
    "PL": N_("Poland"),
    "FI": N_("Finland"),
}
