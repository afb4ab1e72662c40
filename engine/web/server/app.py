"""`cfc serve --accounts`: the province server. Every route is in ROUTES below with what it needs (auth.py's
guard: PUBLIC, SIGNED_IN, or an action of engine/workflow/access.py); handlers live in api.py (JSON),
pages.py (HTML) and files.py (downloads). The single-user page's own handlers (the check form's live result,
its downloads) are reused behind the same guard.

Layers around every route, outermost first: security headers (CSP), a body limit (413), same-origin posts,
the signed session cookie (HttpOnly, SameSite=Lax, Secure behind HTTPS), then the guard."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from engine.criteria.versions import CriteriaLibrary
from engine.messages import MessageError
from engine.reports.board import BoardConfig
from engine.store import Store, StoreError
from engine.web import api as local_api, downloads as local_downloads
from engine.web.form import form_value
from engine.web.security import BodyLimit, SameOrigin, SecurityHeaders
from engine.web.server import api, files, pages
from engine.web.server.auth import LIMITS, PUBLIC, SIGNED_IN, Limits, guard
from engine.web.server.views import local_time, message_error, not_found, store_failed
from engine.web.jobs import Jobs
from engine.workflow import Workflow, WorkflowError
from engine.workflow.access import AUDIT, DASHBOARD, DOCUMENTS, MANAGE_USERS, SUMMARY, VIEW
from engine.workflow.deadlines import Deadlines, load_deadlines

HERE = Path(__file__).resolve().parents[1]
MAX_BODY = 11_000_000   # an evidence file may be 10 MB (engine/workflow/filetypes.py), plus the form around it
SESSION_HOURS = 10      # a working day: the cookie expires, and its signature is refused after it
SUB = "/api/submissions/{unit_code}/{period}"
PAGE = "/s/{unit_code}/{period}"


def _route(path: str, endpoint, method: str, need: str, while_temporary: bool = False) -> Route:
    return Route(path, guard(endpoint, need, while_temporary), methods=[method])


ROUTES = [
    # Signing in and out; who am I.
    _route("/login", pages.login_page, "GET", PUBLIC),
    _route("/login", pages.login, "POST", PUBLIC),
    _route("/api/login", api.login, "POST", PUBLIC),
    # Open to an account whose password is still temporary (every other route sends it to /password first).
    _route("/logout", pages.logout, "POST", SIGNED_IN, while_temporary=True),
    _route("/api/logout", api.logout, "POST", SIGNED_IN, while_temporary=True),
    _route("/api/me", api.me, "GET", SIGNED_IN, while_temporary=True),
    _route("/password", pages.password_page, "GET", SIGNED_IN, while_temporary=True),
    _route("/password", pages.change_password, "POST", SIGNED_IN, while_temporary=True),
    _route("/api/password", api.change_password, "POST", SIGNED_IN, while_temporary=True),
    _route("/", pages.home, "GET", SIGNED_IN),
    # The check form's live result and its files (the single-user page's handlers, for a signed-in person).
    _route("/api/evaluate", local_api.evaluate, "POST", SIGNED_IN),
    _route("/template.xlsx", local_downloads.blank_template, "GET", SIGNED_IN),
    _route("/download/data.csv", local_downloads.form_data, "POST", SIGNED_IN),
    *[_route(f"/download/{name}.{fmt}", endpoint, "POST", SIGNED_IN)
      for name, endpoint in (("self-assessment", local_downloads.form_self_assessment),
                             ("appraisal", local_downloads.form_appraisal)) for fmt in local_downloads.DOCUMENT_TYPES],
    # Submissions: the JSON API (README "Province server API").
    _route("/api/submissions", api.submissions, "GET", VIEW),
    _route(SUB, api.submission, "GET", VIEW),
    _route(SUB, api.action("save_draft"), "PUT", "save_draft"),
    _route(SUB + "/submit", api.action("submit"), "POST", "submit"),
    _route(SUB + "/return", api.action("return"), "POST", "return"),
    _route(SUB + "/appraise", api.action("appraise"), "POST", "appraise"),
    _route(SUB + "/recognise", api.action("recognise"), "POST", "recognise"),
    _route(SUB + "/not-recognise", api.action("not_recognise"), "POST", "not_recognise"),
    _route(SUB + "/reopen", api.action("reopen"), "POST", "reopen"),
    _route(SUB + "/evidence", api.add_evidence, "POST", "add_evidence"),
    _route(SUB + "/evidence/{evidence_id:int}", files.evidence, "GET", VIEW),
    _route(SUB + "/evidence/{evidence_id:int}", api.withdraw_evidence, "DELETE", "add_evidence"),
    _route("/api/dashboard", api.dashboard, "GET", DASHBOARD),
    _route("/api/audit", api.audit, "GET", AUDIT),
    # Submissions: the pages (forms post here and are redirected back: POST/redirect/GET).
    _route("/submissions", pages.submissions, "GET", VIEW),
    _route("/start", pages.start, "GET", "save_draft"),
    _route(PAGE, pages.submission, "GET", VIEW),
    _route(PAGE + "/draft", pages.action("save_draft"), "POST", "save_draft"),
    _route(PAGE + "/submit", pages.action("submit"), "POST", "submit"),
    _route(PAGE + "/evidence", pages.add_evidence, "POST", "add_evidence"),
    _route(PAGE + "/evidence/{evidence_id:int}/withdraw", pages.withdraw_evidence, "POST", "add_evidence"),
    _route(PAGE + "/return", pages.action("return"), "POST", "return"),
    _route(PAGE + "/preview", pages.preview, "POST", "appraise"),
    _route(PAGE + "/appraise", pages.action("appraise"), "POST", "appraise"),
    _route(PAGE + "/recognise", pages.action("recognise"), "POST", "recognise"),
    _route(PAGE + "/not-recognise", pages.action("not_recognise"), "POST", "not_recognise"),
    _route(PAGE + "/reopen", pages.action("reopen"), "POST", "reopen"),
    # The province's view and the papers built from the server's data.
    _route("/dashboard", pages.dashboard, "GET", DASHBOARD),
    *[_route(f"/reports/{document}.{fmt}", files.board_document, "GET", DOCUMENTS)
      for document in files.BOARD_DOCUMENTS for fmt in files.DOCUMENT_TYPES],
    _route("/reports/aggregate.zip", files.aggregate_zip, "GET", SUMMARY),
    *[_route(f"/reports/summary.{fmt}", files.summary_document, "GET", SUMMARY) for fmt in files.DOCUMENT_TYPES],
    # The audit trail and the accounts.
    _route("/audit", pages.audit, "GET", AUDIT),
    _route("/audit.csv", files.audit_csv, "GET", AUDIT),
    _route("/users", pages.users, "GET", MANAGE_USERS),
    _route("/users", pages.add_user, "POST", MANAGE_USERS),
    *[_route("/users/{login}/" + change, pages.change_user(change), "POST", MANAGE_USERS)
      for change in pages.USER_CHANGES],
    Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    Route("/favicon.ico", pages.no_icon, methods=["GET"]),
]


def create_server_app(library: CriteriaLibrary, store: Store, secret: str, *, deadlines: Deadlines | None = None,
                      board: BoardConfig | None = None, secure_cookies: bool = False, limits: Limits = LIMITS,
                      max_body: int = MAX_BODY) -> Starlette:
    """The province server on `store`, its sessions signed with `secret`. `secure_cookies`: served over HTTPS
    (behind a proxy), so the session cookie is sent over HTTPS only."""
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, limit=max_body),
        Middleware(SameOrigin),
        Middleware(SessionMiddleware, secret_key=secret, session_cookie="cfc_session", max_age=SESSION_HOURS * 3600,
                   same_site="lax", https_only=secure_cookies),
    ]
    handlers = {404: not_found, 405: not_found, StoreError: store_failed, WorkflowError: message_error,
                MessageError: message_error}
    app = Starlette(routes=ROUTES, middleware=middleware, exception_handlers=handlers)
    app.state.library = CriteriaLibrary.of(library)
    app.state.strict_units = False  # cfc serve --strict-units (the page's own evaluation and downloads)
    app.state.criteria = app.state.library.current()
    app.state.store = store
    app.state.workflow = Workflow(store, app.state.library)
    app.state.deadlines = deadlines or load_deadlines()
    app.state.board = board or BoardConfig()
    app.state.limits = limits
    app.state.jobs = Jobs()  # the page's documents: bounded, cancelled when their client goes or the server stops
    app.state.templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                                      autoescape=select_autoescape(default=True, default_for_string=True))
    app.state.templates.filters["local_time"] = local_time
    app.state.templates.filters["form_value"] = form_value
    return app
