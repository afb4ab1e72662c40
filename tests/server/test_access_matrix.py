"""Every route of the province server, called as every kind of person — nobody, a commune, a board, a province,
an administrator, a disabled account, an account whose password is still temporary — against a unit each may see
and one it may not.

What each may do is written out here, apart from the code (RULES); the test checks that the table covers
exactly the application's routes, so a route added without saying who may use it fails here. For every write
an allowed caller also sends it WITHOUT its CSRF token, which must be refused."""
from __future__ import annotations

import re
import uuid

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from engine.store.users import add_user, set_disabled
from engine.web.server.app import ROUTES

from server_support import (PASSWORD, PDF, PERIOD, SEEN, UNSEEN, make_app, make_store, signed_in, submitted)

PUBLIC = "public"
ANY = frozenset({"commune", "board", "province", "admin"})
SUB = "/api/submissions/{unit_code}/{period}"
PAGE = "/s/{unit_code}/{period}"

# (method, path) -> (who may, scoped to the unit in the path). Scoped: a person who may not see the unit is
# refused whatever the role allows.
RULES = {
    ("GET", "/login"): (PUBLIC, False), ("POST", "/login"): (PUBLIC, False), ("POST", "/api/login"): (PUBLIC, False),
    ("POST", "/logout"): (ANY, False), ("POST", "/api/logout"): (ANY, False), ("GET", "/api/me"): (ANY, False),
    ("GET", "/"): (ANY, False),
    ("GET", "/password"): (ANY, False), ("POST", "/password"): (ANY, False), ("POST", "/api/password"): (ANY, False),
    ("POST", "/api/evaluate"): (ANY, False), ("GET", "/template.xlsx"): (ANY, False),
    ("POST", "/download/data.csv"): (ANY, False),
    **{("POST", f"/download/{d}.{f}"): (ANY, False) for d in ("self-assessment", "appraisal") for f in ("pdf", "docx")},
    ("GET", "/api/submissions"): (ANY, False), ("GET", SUB): (ANY, True),
    ("PUT", SUB): ({"commune", "admin"}, True),
    ("POST", SUB + "/submit"): ({"commune", "admin"}, True),
    ("POST", SUB + "/evidence"): ({"commune", "admin"}, True),
    ("GET", SUB + "/evidence/{evidence_id:int}"): (ANY, True),
    ("DELETE", SUB + "/evidence/{evidence_id:int}"): ({"commune", "admin"}, True),
    ("POST", SUB + "/return"): ({"board", "admin"}, True),
    ("POST", SUB + "/appraise"): ({"board", "admin"}, True),
    ("POST", SUB + "/recognise"): ({"province", "admin"}, True),
    ("POST", SUB + "/not-recognise"): ({"province", "admin"}, True),
    ("POST", SUB + "/reopen"): ({"province", "admin"}, True),
    ("GET", "/api/dashboard"): ({"board", "province", "admin"}, False),
    ("GET", "/api/audit"): ({"province", "admin"}, False),
    ("GET", "/submissions"): (ANY, False), ("GET", "/start"): ({"commune", "admin"}, False),
    ("GET", PAGE): (ANY, True),
    ("POST", PAGE + "/draft"): ({"commune", "admin"}, True),
    ("POST", PAGE + "/submit"): ({"commune", "admin"}, True),
    ("POST", PAGE + "/evidence"): ({"commune", "admin"}, True),
    ("POST", PAGE + "/evidence/{evidence_id:int}/withdraw"): ({"commune", "admin"}, True),
    ("POST", PAGE + "/return"): ({"board", "admin"}, True),
    ("POST", PAGE + "/preview"): ({"board", "admin"}, True),
    ("POST", PAGE + "/appraise"): ({"board", "admin"}, True),
    ("POST", PAGE + "/recognise"): ({"province", "admin"}, True),
    ("POST", PAGE + "/not-recognise"): ({"province", "admin"}, True),
    ("POST", PAGE + "/reopen"): ({"province", "admin"}, True),
    ("GET", "/dashboard"): ({"board", "province", "admin"}, False),
    **{("GET", f"/reports/{d}.{f}"): ({"board", "province", "admin"}, False)
       for d in ("appraisal", "decision") for f in ("pdf", "docx")},
    ("GET", "/reports/aggregate.zip"): ({"province", "admin"}, False),
    **{("GET", f"/reports/summary.{f}"): ({"province", "admin"}, False) for f in ("pdf", "docx")},
    ("GET", "/audit"): ({"province", "admin"}, False), ("GET", "/audit.csv"): ({"province", "admin"}, False),
    ("GET", "/users"): ({"admin"}, False), ("POST", "/users"): ({"admin"}, False),
    **{("POST", f"/users/{{login}}/{change}"): ({"admin"}, False) for change in ("disable", "enable", "password")},
}
# What an account with a temporary password may reach before it chooses its own: changing it, signing out, /api/me.
WHILE_TEMPORARY = {("GET", "/password"), ("POST", "/password"), ("POST", "/api/password"), ("POST", "/logout"),
                   ("POST", "/api/logout"), ("GET", "/api/me")}
SEES = {"commune": {SEEN}, "board": {SEEN}, "province": {SEEN}, "admin": {SEEN, UNSEEN}}
LOGINS = {"commune": "xa.hoason", "board": "hoidong", "province": "tinh", "admin": "quantri"}
CALLERS = ["anonymous", "disabled", "temporary", "commune", "board", "province", "admin"]


def app_routes() -> set[tuple[str, str]]:
    return {(method, route.path) for route in ROUTES if isinstance(route, Route) and route.path != "/favicon.ico"
            for method in route.methods - {"HEAD"}}


def test_the_table_names_every_route_and_only_those():
    assert app_routes() == set(RULES)


def test_a_temporary_password_opens_only_its_own_change():
    opened = {(method, route.path) for route in ROUTES if isinstance(route, Route)
              and getattr(route.endpoint, "while_temporary", False) for method in route.methods - {"HEAD"}}
    assert opened == WHILE_TEMPORARY


@pytest.fixture(scope="module")
def world(tmp_path_factory, library):
    store = make_store(tmp_path_factory.mktemp("matrix") / "cfc.sqlite3")
    add_user(store, "da.nghi", PASSWORD, "commune", unit=SEEN)   # to be disabled after signing in
    add_user(store, "nan.nhan", PASSWORD, "commune", unit=SEEN)  # the accounts the admin routes change
    evidence = {}
    for unit in (SEEN, UNSEEN):
        detail = submitted(store, library, unit)
        evidence[unit] = detail.evidence[0].id
    app = make_app(store, library)
    sessions = {}
    for role, login in LOGINS.items():
        client, token = signed_in(app, login)
        sessions[role] = (dict(client.cookies), token)
    client, token = signed_in(app, "da.nghi")
    sessions["disabled"] = (dict(client.cookies), token)
    set_disabled(store, "da.nghi")
    add_user(store, "tam.thoi", PASSWORD, "admin", temporary=True)  # an administrator: every role's routes
    client, token = signed_in(app, "tam.thoi")
    sessions["temporary"] = (dict(client.cookies), token)
    anonymous = TestClient(app)
    anonymous.get("/login")  # an anonymous session with a CSRF token, as a browser showing the login form has
    sessions["anonymous"] = (dict(anonymous.cookies), _token(anonymous))
    return app, sessions, evidence


def _token(client: TestClient) -> str:
    page = client.get("/login").text
    return re.search(r'name="_csrf" value="([^"]+)"', page).group(1)


def _path(template: str, unit: str, evidence: dict) -> str:
    return (template.replace("{unit_code}", unit).replace("{period}", PERIOD)
            .replace("{evidence_id:int}", str(evidence[unit])).replace("{login}", "nan.nhan"))


def _call(app, cookies: dict, token: str | None, method: str, path: str, with_token: bool = True):
    client = TestClient(app)
    client.cookies.update(cookies)
    headers = {"X-CSRF-Token": token} if with_token and token and path.startswith("/api/") else {}
    field = {"_csrf": token} if with_token and token else {}
    if method in ("GET", "HEAD"):
        query = "?period=not-a-period" if path.startswith("/reports/") else ""  # authorisation, not a PDF
        return client.get(path + query, follow_redirects=False)
    if path == "/api/login":
        return client.post(path, json={"login": "tinh", "password": "wrong password"})
    if path.endswith("/evidence"):
        files = {"file": ("minh-chung.pdf", PDF, "application/pdf")}
        return client.post(path, headers=headers, files=files, data={**field, "criterion": "1"},
                           follow_redirects=False)
    if path.startswith("/api/"):
        body = {"inputs": {"births": 46}, "version": 1, "comment": "bổ sung", "adjustments": [],
                "decision_number": "1/QĐ", "decision_date": "2025-06-30", "reason": "chưa đạt", "unit_code": SEEN}
        return client.request(method, path, headers=headers, json=body, follow_redirects=False)
    form = {**field, "login": f"u{uuid.uuid4().hex[:8]}", "password": PASSWORD, "role": "admin",
            "comment": "bổ sung", "_version": "1", "decision_number": "1/QĐ", "decision_date": "2025-06-30",
            "reason": "chưa đạt", "births": "46"}
    return client.request(method, path, data=form, follow_redirects=False)


CASES = [(method, template, caller, unit) for (method, template), (who, scoped) in sorted(RULES.items())
         for caller in CALLERS for unit in ((SEEN, UNSEEN) if scoped else (SEEN,))]


@pytest.mark.parametrize("method,template,caller,unit", CASES,
                         ids=[f"{m} {t} {c} {u}" for m, t, c, u in CASES])
def test_every_route_as_every_role(world, method, template, caller, unit):
    app, sessions, evidence = world
    who, scoped = RULES[(method, template)]
    cookies, token = sessions[caller]
    path = _path(template, unit, evidence)
    answer = _call(app, cookies, token, method, path)
    assert answer.status_code < 500, answer.text
    if who == PUBLIC:
        assert answer.status_code not in (403,), answer.text
        return
    if caller in ("anonymous", "disabled"):
        if path.startswith("/api/"):
            assert answer.status_code == 401 and "error" in answer.json()
        else:
            assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")
        return
    if caller == "temporary" and (method, template) not in WHILE_TEMPORARY:
        if path.startswith("/api/"):
            assert answer.status_code == 403 and "mật khẩu tạm" in answer.json()["error"]
        else:
            assert answer.status_code == 303 and answer.headers["location"].startswith("/password?next=")
        return
    if caller == "temporary":
        caller = "admin"
    if caller not in who or (scoped and unit not in SEES[caller]):
        assert answer.status_code == 403, answer.text
        if path.startswith("/api/"):
            assert set(answer.json()) == {"error"}
        return
    assert answer.status_code not in (401, 403), answer.text
    if method not in ("GET", "HEAD"):
        refused = _call(app, cookies, token, method, path, with_token=False)
        assert refused.status_code == 403, f"{method} {path} taken without a CSRF token: {refused.status_code}"
        assert "CSRF" in refused.text


def test_static_files_and_the_login_page_need_no_session(world):
    app, _, _ = world
    client = TestClient(app)
    assert client.get("/static/cfc.css").status_code == 200
    assert client.get("/static/server.css").status_code == 200
    assert client.get("/login").status_code == 200
    assert client.get("/api/submissions").status_code == 401
