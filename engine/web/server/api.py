"""The province server's JSON API (README "Province server API"). Every handler runs behind auth.guard (who is
asking, CSRF); the workflow decides which unit and state. Every 4xx is {"error": sentence in the session's
language}; bad input is 400 or 422, never a 500. The engine and the database run off the event loop."""
from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from engine.store.audit import AuditEntry
from engine.text import SURROGATE, without_surrogates
from engine.web.params import json_body, lang_of, say
from engine.web.server import auth
from engine.web.server.auth import error
from engine.workflow import Refused
from engine.workflow.dashboard import not_submitted, recognition_rate, status_counts


def _key(request: Request) -> tuple[str, str]:
    return request.path_params["unit_code"], request.path_params["period"]


def version_of(value: Any) -> int | None:
    """The version a write says it read: a whole number, or nothing (the first draft)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise Refused("web_bad_version", value=str(value))
    try:
        return int(str(value).strip())
    except ValueError:
        raise Refused("web_bad_version", value=str(value)[:40]) from None


def text_of(body: dict, name: str) -> str:
    """A text field of a request (absent: empty). Anything else — a list, a number — is refused, never turned
    into its Python spelling."""
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Refused("web_field_text", field=name)
    return value


# What each workflow action takes from a request's fields (a JSON body, or a page's form).
CALLS = {
    "save_draft": lambda wf, who, u, p, b: wf.save_draft(who, u, p, b.get("inputs"), version_of(b.get("version"))),
    "submit": lambda wf, who, u, p, b: wf.submit(who, u, p, version_of(b.get("version"))),
    "return": lambda wf, who, u, p, b: wf.return_(who, u, p, text_of(b, "comment"), version_of(b.get("version"))),
    "appraise": lambda wf, who, u, p, b: wf.appraise(who, u, p, b.get("adjustments"), version_of(b.get("version"))),
    "recognise": lambda wf, who, u, p, b: wf.recognise(who, u, p, text_of(b, "decision_number"),
                                                       text_of(b, "decision_date"), version_of(b.get("version"))),
    "not_recognise": lambda wf, who, u, p, b: wf.not_recognise(who, u, p, text_of(b, "reason"),
                                                               version_of(b.get("version"))),
    "reopen": lambda wf, who, u, p, b: wf.reopen(who, u, p, text_of(b, "comment"), version_of(b.get("version"))),
}


def detail_json(request: Request, detail, full: bool = True) -> dict:
    return detail.as_json(request.app.state.library, lang_of(request), detail=full)


async def _object_body(request: Request) -> tuple[dict | None, Response | None]:
    ok, body = await json_body(request)
    if not ok:
        return None, error(request, 400, "web_not_json")
    if not isinstance(body, dict):
        return None, error(request, 400, "web_not_object")
    where = _surrogate_at({k: v for k, v in body.items() if k != "inputs"})  # inputs: the unit's data errors
    if where is not None:
        return None, error(request, 422, "web_field_surrogate", field=without_surrogates(where))
    return body, None


def _surrogate_at(value: Any, path: str = "") -> str | None:
    """Where a lone surrogate ("\\ud800", legal JSON, no text) sits in a request's fields — a comment, a reason,
    a login — or None. Such a field cannot be stored or shown (no UTF-8 database, page or answer carries it): it
    is refused, never kept to break every later page of the file."""
    if isinstance(value, str):
        return path or "?" if SURROGATE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if SURROGATE.search(str(key)):
                return name
            found = _surrogate_at(item, name)
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _surrogate_at(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


# ---------------------------------------------------------------- signing in


async def login(request: Request) -> Response:
    """POST /api/login {login, password} → {login, role, password_temporary, csrf_token} and the session cookie;
    401; 429. password_temporary: every call but /api/password, /api/me and /api/logout answers 403 until it is
    changed."""
    if not request.headers.get("content-type", "").startswith("application/json"):
        # A form on another site cannot send JSON without the browser asking first: login CSRF is shut out.
        return error(request, 415, "web_json_only")
    body, refused = await _object_body(request)
    if refused:
        return refused
    login_name, password = body.get("login"), body.get("password")
    if not isinstance(login_name, str) or not isinstance(password, str) or not login_name.strip():
        return error(request, 400, "web_login_fields")
    outcome = await auth.sign_in(request, login_name, password)
    if outcome.limited_minutes is not None:
        return error(request, 429, "web_login_limited", {"Retry-After": str(outcome.limited_minutes * 60)},
                     minutes=outcome.limited_minutes)
    if outcome.account is None:
        return error(request, 401, "web_login_wrong")
    account = outcome.account
    return JSONResponse({"login": account.login, "role": account.role, "password_temporary": account.password_temporary,
                         "csrf_token": request.session["csrf"]})


async def logout(request: Request) -> Response:
    auth.sign_out(request)
    return JSONResponse({"message": "ok"})


async def me(request: Request) -> Response:
    return JSONResponse(auth.me(request.state.account, auth.csrf_token(request)))


async def change_password(request: Request) -> Response:
    """POST /api/password {current, new} → {message}; 400; 422 (wrong current password, refused new one); 429.
    The only call besides /api/me and /api/logout that an account with a temporary password may make."""
    body, refused = await _object_body(request)
    if refused:
        return refused
    current, new = body.get("current"), body.get("new")
    if not isinstance(current, str) or not isinstance(new, str):
        return error(request, 400, "web_password_fields")
    outcome = await auth.change_own_password(request, current, new)  # UserError: 422 (message_error)
    if outcome.limited_minutes is not None:
        return error(request, 429, "web_login_limited", {"Retry-After": str(outcome.limited_minutes * 60)},
                     minutes=outcome.limited_minutes)
    return JSONResponse({"message": say(request, "srv_password_changed")})


# ---------------------------------------------------------------- submissions


async def submissions(request: Request) -> Response:
    """GET /api/submissions?period=P&status=S: only what the caller may see."""
    wf = request.app.state.workflow
    period = request.query_params.get("period") or None
    status = request.query_params.get("status") or None
    rows = await run_in_threadpool(wf.list, request.state.principal, period, status)
    return JSONResponse([row.as_json() for row in rows])


async def submission(request: Request) -> Response:
    """GET /api/submissions/{unit_code}/{period}: the whole file (?detail=0: results without every sentence)."""
    wf = request.app.state.workflow
    found = await run_in_threadpool(wf.get, request.state.principal, *_key(request))
    full = request.query_params.get("detail") not in ("0", "false")
    return JSONResponse(await run_in_threadpool(detail_json, request, found, full))


def action(name: str):
    """The handler of one workflow action: its JSON body's fields, the new state as the answer."""

    async def handler(request: Request) -> Response:
        body, refused = await _object_body(request)
        if refused:
            return refused
        wf = request.app.state.workflow

        def run():
            done = CALLS[name](wf, request.state.principal, *_key(request), body)
            return detail_json(request, done, full=False)

        return JSONResponse(await run_in_threadpool(run))

    handler.__name__ = f"api_{name}"
    return handler


async def add_evidence(request: Request) -> Response:
    """POST …/evidence, multipart: `file` and `criterion` (a number; empty: the whole file) → 201 the file's
    description."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return error(request, 400, "web_evidence_form")
    form = await request.form(max_files=1, max_fields=2000)
    upload = form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return error(request, 400, "web_no_file")
    content = await upload.read()
    wf = request.app.state.workflow
    info = await run_in_threadpool(wf.add_evidence, request.state.principal, *_key(request), content,
                                   upload.filename, form.get("criterion"))
    return JSONResponse(info.as_json(), status_code=201)


async def withdraw_evidence(request: Request) -> Response:
    """DELETE …/evidence/{id}: the commune takes a file out of its draft (kept in the database and the events)."""
    wf = request.app.state.workflow
    info = await run_in_threadpool(wf.withdraw_evidence, request.state.principal, *_key(request),
                                   request.path_params["evidence_id"])
    return JSONResponse({**info.as_json(), "withdrawn": True})


# ---------------------------------------------------------------- the province's view, the audit trail


def dashboard_json(request: Request, period: str) -> dict:
    """Units by status, the recognition rate against the national target, and who has not submitted."""
    store, who = request.app.state.store, request.state.principal
    counts = status_counts(store, who, period)
    rate = recognition_rate(store, who, period)
    reminder = not_submitted(store, who, period, request.app.state.deadlines)
    return {"period": rate.period, "counts": counts,
            "recognition": {"recognised": rate.recognised, "units": rate.units, "percent": rate.percent,
                            "target_year": rate.target_year, "target_percent": rate.target_percent,
                            "citation": rate.citation},
            "due": None if reminder is None else {
                "submission_due": reminder.submission_due.isoformat(),
                "report_due": reminder.report_due.isoformat() if reminder.report_due else None,
                "days_left": reminder.days_left,
                "not_submitted": [{"unit_code": p.unit_code, "unit_name": p.unit_name, "status": p.status}
                                  for p in reminder.pending]}}


async def dashboard(request: Request) -> Response:
    """GET /api/dashboard?period=P (board, province, admin)."""
    from engine.web.server.periods import period_asked

    period = period_asked(request)
    return JSONResponse(await run_in_threadpool(dashboard_json, request, period))


def since_of(text: str | None) -> dt.datetime | None:
    """An ISO 8601 moment (a day, or a time without a zone, is taken as UTC). Raises Refused."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Refused("web_bad_since", value=text[:40]) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def audit_entries(request: Request, local_days: bool = False) -> list[AuditEntry]:
    """The audit trail the caller may read, ?unit= and ?since=. `local_days`: a bare day in ?since= starts at
    midnight in Vietnam (the pages, whose times are Vietnam's), not at midnight UTC (the API, as documented)."""
    wf = request.app.state.workflow
    unit = request.query_params.get("unit") or None
    since = (request.query_params.get("since") or "").strip()
    if local_days and len(since) == 10:
        since += "T00:00:00+07:00"
    return wf.audit(request.state.principal, unit, since_of(since))


async def audit(request: Request) -> Response:
    """GET /api/audit?unit=CODE&since=ISO (province: its units; admin: everything)."""
    entries = await run_in_threadpool(audit_entries, request)
    return JSONResponse([e.as_json() for e in entries])
