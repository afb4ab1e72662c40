"""The province server's pages, server-rendered (Jinja2, autoescaped: nothing a person typed is ever HTML).
Forms post to a route that acts and redirects back (POST/redirect/GET) with a sentence saying what happened;
a refused action shows the same page again with the reason and what was typed, at the action's status.

    /login                      sign in (a limited account or address is told how long to wait)
    /                           each role's start: commune its unit, board the list, province the dashboard
    /submissions                the files the person may see, by period and status
    /s/{unit}/{period}          one file: the commune's form while it may edit it (the self-check page with
                                Save draft, Submit and evidence per criterion), else the file read-only with
                                what the role may do (return, adjust and appraise, recognise)
    /dashboard                  units by status, recognition rate against the national target, who is late
    /audit, /users              the audit trail; accounts (admin)
"""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from engine.messages import CATALOG, Message, MessageError
from engine.store.users import (MIN_PASSWORD, ROLES, add_user as store_add_user, list_users, normalise_login,
                                official_place, set_disabled, set_password, split_area)
from engine.registry.maps import after_reform, input_label
from engine.web.form import form_groups, form_value
from engine.web.pages import SCRIPT_STRINGS
from engine.web.params import lang_of, say
from engine.web.server import auth, guide
from engine.web.server.api import CALLS, audit_entries, dashboard_json
from engine.web.server.periods import current_period, period_asked
from engine.web.server.views import flash, message_page, page
from engine.workflow import NotFound, WorkflowError
from engine import api as engine_api
from engine.workflow.scoring import score
from engine.workflow.service import key_of
from engine.workflow.states import STATES

EDITABLE = ("draft", "returned")
LANDING = {"commune": "/submissions", "board": "/submissions", "province": "/dashboard", "admin": "/dashboard"}


def _lq(request: Request) -> str:
    return "?lang=en" if lang_of(request) == "en" else ""


def _back(request: Request, path: str) -> RedirectResponse:
    return RedirectResponse(path + _lq(request), status_code=303)


def submission_path(unit_code: str, period: str) -> str:
    return f"/s/{quote(unit_code, safe='')}/{quote(period, safe='')}"


async def no_icon(request: Request) -> Response:
    return Response(status_code=204)


# ---------------------------------------------------------------- signing in and out


def _next(target: str | None) -> str:
    """Where to go after signing in: a path on this server only (never another site)."""
    target = target or "/"
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


async def login_page(request: Request) -> Response:
    return page(request, "server/login.html", next=_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    form = await request.form()
    name, password = str(form.get("login") or ""), str(form.get("password") or "")
    target = _next(str(form.get("next") or ""))
    outcome = await auth.sign_in(request, name, password) if name.strip() else auth.LoginOutcome()
    if outcome.limited_minutes is not None:
        return page(request, "server/login.html", 429, next=target, login=name,
                    error=say(request, "web_login_limited", minutes=outcome.limited_minutes))
    if outcome.account is None:
        return page(request, "server/login.html", 401, next=target, login=name, error=say(request, "web_login_wrong"))
    return _back(request, LANDING[outcome.account.role] if target == "/" else target)


async def logout(request: Request) -> Response:
    auth.sign_out(request)
    return _back(request, "/login")


async def home(request: Request) -> Response:
    return _back(request, LANDING[request.state.account.role])


async def password_page(request: Request, status: int = 200, error: str | None = None) -> Response:
    return page(request, "server/password.html", status, next=_next(request.query_params.get("next")),
                error=error, min=MIN_PASSWORD)


async def change_password(request: Request) -> Response:
    """POST /password: the signed-in person's own password (the first thing an account with a temporary one
    does). Nothing typed is ever shown back: on an error the form comes back empty."""
    fields = await _fields(request)
    current, new, again = fields.get("current", ""), fields.get("new", ""), fields.get("again", "")
    target = _next(fields.get("next"))
    if new != again:
        return await password_page(request, 422, say(request, "srv_password_mismatch"))
    try:
        outcome = await auth.change_own_password(request, current, new)
    except MessageError as refused:
        return await password_page(request, 422, refused.render(lang_of(request)))
    if outcome.limited_minutes is not None:
        return await password_page(request, 429, say(request, "web_login_limited", minutes=outcome.limited_minutes))
    flash(request, "srv_password_changed")
    return _back(request, LANDING[outcome.account.role] if target == "/" else target)


# ---------------------------------------------------------------- lists


async def submissions(request: Request) -> Response:
    """Each person's list: a commune's own files with the period to open next (and, before its first file, the
    steps); a board's or province's files with what awaits them."""
    wf, who = request.app.state.workflow, request.state.principal
    period = (request.query_params.get("period") or "").strip() or None
    status = request.query_params.get("status") or None
    filtered = period is not None or status in STATES
    rows = await run_in_threadpool(wf.list, who, period, status if status in STATES else None)
    every = rows if not filtered else await run_in_threadpool(wf.list, who)
    waiting = {"board": guide.AWAITING_BOARD, "province": ("appraised",), "admin": ("appraised",)}.get(who.role, ())
    todo = sum(1 for row in every if row.status in waiting)
    return page(request, "server/submissions.html", rows=rows, period=period or "", filter_status=status or "",
                states=STATES, filtered=filtered, suggested=current_period(request.app.state.deadlines),
                submission_path=submission_path, scope=await run_in_threadpool(guide.scope_text, request),
                options=guide.period_options(request), todo=todo)


async def start(request: Request) -> Response:
    """GET /start?period=P (&unit=CODE for an admin): the commune's file for a period, new or not."""
    who = request.state.principal
    unit = who.unit or (request.query_params.get("unit") or "").strip()
    code, period = key_of(unit, request.query_params.get("period") or current_period(request.app.state.deadlines))
    return _back(request, submission_path(code, period.text))


# ---------------------------------------------------------------- one file


def _detail(request: Request):
    """The file, or None when there is none yet (Forbidden for a unit the caller may not see, either way)."""
    wf = request.app.state.workflow
    try:
        return wf.get(request.state.principal, request.path_params["unit_code"], request.path_params["period"])
    except NotFound:
        return None


def _view(request: Request, detail, status: int = 200, error: str | None = None, typed: dict | None = None,
          preview: dict | None = None) -> Response:
    """The file as the person may see it: the commune's form while it may edit it, else read-only."""
    who, library, lang = request.state.principal, request.app.state.library, lang_of(request)
    code, period = key_of(request.path_params["unit_code"], request.path_params["period"])
    criteria = library.for_period(period.text)
    groups = form_groups(criteria, lang, period.text)  # labelled for the file's period ("Khu vực" from 1 July 2025)
    state = detail.status if detail else None
    if who.may("save_draft") and state in (None, *EDITABLE):
        unit = guide.unit_record(request, code) or {}
        values = {n: form_value(v) for n, v in (detail.self_inputs if detail else {}).items()}
        for name in ("unit_name", "district", "province"):  # what saving would fill in from the server's record
            if not values.get(name) and unit.get(name):
                values[name] = unit[name]
        values.update(typed or {})
        values.update(unit_code=code, period=period.text)  # the address names the file: not for typing over
        strings = {key: CATALOG[key][0 if lang == "vi" else 1] for key in SCRIPT_STRINGS}
        return page(request, "server/commune_edit.html", status, detail=detail, unit_code=code, period=period.text,
                    unit_name=(detail.summary.unit_name if detail else None) or unit.get("unit_name"),
                    groups=groups, values=values, strings=strings, doc_fields=[], next_step=guide.next_step(request, state),
                    error=error, path=submission_path(code, period.text), criteria_numbers=_numbers(criteria, lang),
                    locked=("unit_code", "period"), withdrawable=detail is not None)
    if detail is None:
        raise NotFound("wf_not_found", unit=code, period=period.text)
    shown = detail.as_json(library, lang, detail=False)
    self_values = {n: form_value(v) for n, v in detail.self_inputs.items()}
    appraised_values = {n: form_value(v) for n, v in (detail.appraised_inputs or {}).items()}
    reasons = {a.input: a.reason for a in detail.adjustments}
    # Appraising again (the province returned the file): the fields start from the earlier appraisal.
    again = "appraise" in detail.allowed and detail.appraised_inputs is not None
    return page(request, "server/submission.html", status, detail=detail, shown=shown, preview=preview, error=error,
                typed=typed or {}, groups=groups, path=submission_path(code, period.text),
                self_values=self_values, appraised_values=appraised_values, reasons=reasons, again=again,
                start_values=appraised_values if again else self_values, start_reasons=reasons if again else {},
                criteria_numbers=_numbers(criteria, lang), choices=guide.choice_labels(groups),
                adjustable=guide.adjustable, by_criterion=guide.evidence_by_criterion(detail),
                next_step=guide.next_step(request, detail.status), reopened=guide.reopened_note(detail),
                side_by_side=_side_by_side(criteria, lang, shown["self_result"], preview or shown["appraised_result"]),
                labels={d.name: input_label(d, after_reform((period.text,)))(lang) for d in criteria.inputs}, today=dt.date.today().isoformat())


def _numbers(criteria, lang: str = "vi") -> list[tuple[int, str]]:
    return [(c.number, c.name(lang)) for c in criteria.criteria]


def _side_by_side(criteria, lang: str, own: dict, appraised: dict | None) -> list[dict]:
    """Per criterion of the set: its maximum, the commune's points and the appraised (or previewed) ones (None:
    not scored)."""
    def points(result: dict | None) -> dict[int, int | None]:
        return {c["number"]: (c["points"] if c["complete"] else None) for c in (result or {}).get("criteria", [])}

    mine, theirs = points(own), points(appraised)
    return [{"number": c.number, "name": c.name(lang), "max": c.max_points, "own": mine.get(c.number),
             "appraised": theirs.get(c.number), "changed": appraised is not None and mine.get(c.number) != theirs.get(c.number)}
            for c in criteria.criteria]


async def submission(request: Request) -> Response:
    detail = await run_in_threadpool(_detail, request)
    return await run_in_threadpool(_view, request, detail)


async def _fields(request: Request) -> dict[str, Any]:
    form = await request.form(max_files=1, max_fields=2000)
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


def _inputs(request: Request, fields: dict[str, str]) -> dict[str, str]:
    """The form's inputs of the period's criteria set (the document details and hidden fields left out)."""
    _, period = key_of(request.path_params["unit_code"], request.path_params["period"])
    known = request.app.state.library.for_period(period.text).input_by_name
    return {name: value for name, value in fields.items() if name in known}


def _adjustments(request: Request, fields: dict[str, str], detail) -> list[dict]:
    """The board's changes: every input whose appraised value differs from the commune's, with its reason."""
    changes = []
    for name in _inputs(request, {k[len("adj_value_"):]: v for k, v in fields.items() if k.startswith("adj_value_")}):
        typed = fields.get("adj_value_" + name, "").strip()
        if typed == form_value(detail.self_inputs.get(name)).strip():
            continue
        changes.append({"input": name, "value": typed, "reason": fields.get("adj_reason_" + name, "")})
    return changes


DONE = {"save_draft": "web_done_draft", "submit": "web_done_submit", "return": "web_done_return",
        "appraise": "web_done_appraise", "recognise": "web_done_recognise", "not_recognise": "web_done_not_recognise",
        "reopen": "web_done_reopen"}


def action(name: str):
    """A page's form for one workflow action: act, then back to the file with what happened."""

    async def handler(request: Request) -> Response:
        fields = await _fields(request)
        wf, who = request.app.state.workflow, request.state.principal
        code, period = request.path_params["unit_code"], request.path_params["period"]
        body: dict[str, Any] = {**fields, "version": fields.get("_version")}

        def run():
            current = _detail(request)
            if name in ("save_draft", "submit") and (current is None or current.status in EDITABLE):
                # Submit keeps what is on the form first: nothing typed since the last save is lost.
                saved = CALLS["save_draft"](wf, who, code, period, {"inputs": _inputs(request, fields),
                                                                    "version": body["version"]})
                body["version"] = saved.version
                if name == "save_draft":
                    return saved
            if name == "appraise":
                body["adjustments"] = _adjustments(request, fields, current)
            return CALLS[name](wf, who, code, period, body)

        try:
            done = await run_in_threadpool(run)
        except WorkflowError as refused:
            detail = await run_in_threadpool(_detail, request)
            typed = _inputs(request, fields) if name in ("save_draft", "submit") else fields
            return await run_in_threadpool(_view, request, detail, refused.http_status,
                                           refused.render(lang_of(request)), typed)
        flash(request, DONE[name], unit=done.summary.unit_code, period=done.summary.period)
        return _back(request, submission_path(done.summary.unit_code, done.summary.period))

    handler.__name__ = f"page_{name}"
    return handler


async def preview(request: Request) -> Response:
    """The board's adjustments scored without keeping them: both results side by side before appraising."""
    fields = await _fields(request)
    library, lang = request.app.state.library, lang_of(request)

    def run():
        detail = _detail(request)
        if detail is None:
            raise NotFound("wf_not_found", unit=request.path_params["unit_code"], period=request.path_params["period"])
        changes = {c["input"]: c["value"] for c in _adjustments(request, fields, detail)}
        scored = score(library, {**detail.self_inputs, **changes})
        shown = engine_api.unit_object(library, scored.result, lang, detail=False)
        return _view(request, detail, 200, None, fields, shown)

    return await run_in_threadpool(run)


async def add_evidence(request: Request) -> Response:
    form = await request.form(max_files=1, max_fields=100)
    upload = form.get("file")
    wf, who = request.app.state.workflow, request.state.principal
    code, period = request.path_params["unit_code"], request.path_params["period"]
    if upload is None or isinstance(upload, str) or not upload.filename:
        flash(request, "web_no_file")
        return _back(request, submission_path(*_canonical(code, period)))
    content = await upload.read()
    try:
        info = await run_in_threadpool(wf.add_evidence, who, code, period, content, upload.filename,
                                       form.get("criterion"))
    except WorkflowError as refused:
        if refused.http_status == 403:  # not this person's unit: the same 403 page as any other route
            raise
        request.session["flash"] = refused.render(lang_of(request))
        return _back(request, submission_path(*_canonical(code, period)))
    flash(request, "web_done_evidence", name=info.name)
    return _back(request, submission_path(info.unit_code, info.period))


async def withdraw_evidence(request: Request) -> Response:
    wf, who = request.app.state.workflow, request.state.principal
    code, period = request.path_params["unit_code"], request.path_params["period"]
    try:
        info = await run_in_threadpool(wf.withdraw_evidence, who, code, period, request.path_params["evidence_id"])
    except WorkflowError as refused:
        if refused.http_status == 403:
            raise
        request.session["flash"] = refused.render(lang_of(request))
        return _back(request, submission_path(*_canonical(code, period)))
    flash(request, "web_done_withdrawn", name=info.name)
    return _back(request, submission_path(info.unit_code, info.period))


def _canonical(code: str, period: str) -> tuple[str, str]:
    unit, per = key_of(code, period)
    return unit, per.text


# ---------------------------------------------------------------- the province's view


async def dashboard(request: Request) -> Response:
    period = period_asked(request)
    data = await run_in_threadpool(dashboard_json, request, period)
    if data["due"]:
        for key in ("submission_due", "report_due"):
            day = data["due"][key]
            data["due"][key] = dt.date.fromisoformat(day).strftime("%d/%m/%Y") if day else None
    rows = await run_in_threadpool(request.app.state.workflow.list, request.state.principal, period)
    rate, counts = data["recognition"], data["counts"]
    return page(request, "server/dashboard.html", data=data, period=period, rows=rows, submission_path=submission_path,
                states=STATES, appraised=sum(counts[s] for s in ("appraised", "recognized", "not_recognized")),
                to_target=guide.units_to_target(rate["recognised"], rate["units"], rate["target_percent"]),
                options=guide.period_options(request),
                official=await run_in_threadpool(guide.official_units, request, period, lang_of(request)))


async def audit(request: Request) -> Response:
    entries = await run_in_threadpool(audit_entries, request, True)
    query = urlencode({k: v for k, v in request.query_params.items() if k in ("unit", "since") and v})
    return page(request, "server/audit.html", entries=list(reversed(entries))[:1000], total=len(entries),
                shown=guide.value_words, action=lambda name: guide.action_words(request, name),
                actor=lambda name: guide.actor_words(request, name),
                unit=request.query_params.get("unit", ""), since=request.query_params.get("since", ""),
                csv_query=query)


# ---------------------------------------------------------------- accounts (admin)


async def users(request: Request, status: int = 200, error: str | None = None, typed: dict | None = None) -> Response:
    accounts = await run_in_threadpool(list_users, request.app.state.store)
    names = await run_in_threadpool(guide.unit_names, request.app.state.store)
    return page(request, "server/users.html", status, accounts=accounts, roles=ROLES, error=error, typed=typed or {},
                names=names)


async def add_user(request: Request) -> Response:
    fields = await _fields(request)
    role = fields.get("role", "")
    given = {"name": fields.get("unit_name") or None, "district": fields.get("district") or None,
             "province": fields.get("province") or None}
    try:
        # As `cfc users add`: a commune's unit is placed by the official list unless the names are given.
        place = official_place(fields.get("unit"), given)[0] if role == "commune" else None
        account = await run_in_threadpool(
            store_add_user, request.app.state.store, fields.get("login", ""), fields.get("password", ""), role,
            unit=fields.get("unit") or None, area=split_area([fields.get("area", "")]),
            province=fields.get("province") or None, unit_place=place, by=request.state.principal.login,
            temporary=True)  # the administrator chose it: its owner must choose their own
    except MessageError as refused:
        typed = {k: v for k, v in fields.items() if k != "password" and not k.startswith("_")}
        return await users(request, 422, refused.render(lang_of(request)), typed)
    flash(request, "user_added", login=account.login, role=Message("srv_role_" + account.role))
    return _back(request, "/users")


USER_CHANGES = ("disable", "enable", "password")


def change_user(change: str):
    async def handler(request: Request) -> Response:
        fields = await _fields(request)
        store, login_name, by = request.app.state.store, request.path_params["login"], request.state.principal.login
        try:
            if change == "disable" and normalise_login(login_name) == by:
                # Locking oneself out of the accounts page helps nobody (the command line still can).
                raise MessageError("srv_not_yourself")
            if change == "password":
                # A reset of someone else's password is temporary (they must choose their own); one's own is not.
                temporary = normalise_login(login_name) != by
                account = await run_in_threadpool(set_password, store, login_name, fields.get("password", ""), by,
                                                  temporary)
            else:
                account = await run_in_threadpool(set_disabled, store, login_name, change == "disable", by)
        except MessageError as refused:
            return await users(request, 422, refused.render(lang_of(request)))
        key = {"disable": "user_disabled", "enable": "user_enabled",
               "password": "user_password_set_temporary" if account.password_temporary else "user_password_set"}[change]
        flash(request, key, login=account.login)
        return _back(request, "/users")

    handler.__name__ = f"user_{change}"
    return handler
