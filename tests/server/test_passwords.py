"""Temporary passwords and changing one's own: a password an administrator chose opens nothing but its own change;
a change signs every other session of the account out; a wrong current password is a failed sign-in."""
from __future__ import annotations

import re

from starlette.testclient import TestClient

from engine.store import audit
from engine.store.users import add_user, get_user
from engine.web.server.auth import Limits

from server_support import PASSWORD, PERIOD, SEEN, make_app, make_store, signed_in

NEW = "mật khẩu của riêng tôi"


def _csrf(html: str) -> str:
    return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)


def _error(html: str) -> str:
    found = re.search(r'id="error"[^>]*>(.*?)</', html, re.S)
    return found.group(1) if found else ""


def test_a_temporary_password_leads_to_its_change_first_then_back(tmp_path, library):
    store = make_store(tmp_path / "cfc.sqlite3")
    add_user(store, "xa.moi", PASSWORD, "commune", unit=SEEN, temporary=True)
    app = make_app(store, library)
    client = TestClient(app)
    login = client.get("/login")
    signed = client.post("/login", data={"_csrf": _csrf(login.text), "login": "xa.moi", "password": PASSWORD,
                                         "next": f"/submissions?period={PERIOD}"}, follow_redirects=False)
    assert signed.status_code == 303
    # Every page asked sends the person to choose a password, and remembers where they were going.
    asked = client.get(signed.headers["location"], follow_redirects=False)
    assert asked.status_code == 303 and asked.headers["location"] == "/password?next=%2Fsubmissions%3Fperiod%3D2025-H1"
    form = client.get(asked.headers["location"])
    assert form.status_code == 200 and 'id="password-first"' in form.text
    assert 'id="nav-submissions"' not in form.text and 'id="logout"' in form.text  # nothing else to open yet
    token = _csrf(form.text)
    target = "/submissions?period=2025-H1"
    # The two new ones differ: refused, and nothing typed comes back in the page.
    mismatch = client.post("/password", data={"_csrf": token, "current": PASSWORD, "new": "mật khẩu mới một",
                                              "again": "mật khẩu mới hai", "next": target})
    assert mismatch.status_code == 422 and "không khớp" in _error(mismatch.text)
    assert PASSWORD not in mismatch.text and "mật khẩu mới một" not in mismatch.text
    same = client.post("/password", data={"_csrf": token, "current": PASSWORD, "new": PASSWORD, "again": PASSWORD})
    assert same.status_code == 422 and "phải khác" in _error(same.text)
    short = client.post("/password", data={"_csrf": token, "current": PASSWORD, "new": "ngắn", "again": "ngắn"})
    assert short.status_code == 422 and "ít nhất 8" in _error(short.text)
    assert get_user(store, "xa.moi").password_temporary  # nothing changed yet
    done = client.post("/password", data={"_csrf": token, "current": PASSWORD, "new": NEW, "again": NEW,
                                          "next": target}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == target
    back = client.get(target)
    assert back.status_code == 200 and "Đã đổi mật khẩu" in back.text and 'id="nav-password"' in back.text
    account = get_user(store, "xa.moi")
    assert not account.password_temporary
    change = [e for e in audit.events(store) if e.action == "user.password"][-1]
    assert (change.actor, change.before["password_temporary"], change.after["password_temporary"]) == (
        "xa.moi", True, False)
    assert PASSWORD not in str(change.before) + str(change.after) and NEW not in str(change.after)


def test_the_api_says_a_password_is_temporary_and_changes_it(tmp_path, library):
    store = make_store(tmp_path / "cfc.sqlite3")
    add_user(store, "hoidong.moi", PASSWORD, "board", area=["Thị xã Đoài Sơn"], temporary=True)
    client, token = signed_in(make_app(store, library), "hoidong.moi")
    headers = {"X-CSRF-Token": token}
    assert client.get("/api/me").json()["password_temporary"] is True
    refused = client.get("/api/submissions")
    assert refused.status_code == 403 and "POST /api/password" in refused.json()["error"]
    assert client.post("/api/password", json={"current": PASSWORD}, headers=headers).status_code == 400
    assert client.post("/api/password", json={"current": PASSWORD, "new": NEW}).status_code == 403  # no CSRF token
    wrong = client.post("/api/password", json={"current": "không phải", "new": NEW}, headers=headers)
    assert wrong.status_code == 422 and wrong.json()["error"] == "mật khẩu hiện tại không đúng"
    body = ('{"current": "%s", "new": "mật khẩu \\ud800 lạ"}' % PASSWORD).encode()  # legal JSON, no text
    surrogate = client.post("/api/password", content=body, headers={**headers, "content-type": "application/json"})
    assert surrogate.status_code == 422 and "new" in surrogate.json()["error"]
    done = client.post("/api/password", json={"current": PASSWORD, "new": NEW}, headers=headers)
    assert done.status_code == 200 and "Đã đổi mật khẩu" in done.json()["message"]
    assert client.get("/api/me").json()["password_temporary"] is False  # this session stays signed in
    assert client.get("/api/submissions").status_code == 200


def test_a_change_signs_every_other_session_out(tmp_path, library):
    """Own change: the other sessions end (a stolen cookie is useless after it). An administrator's reset: every
    session of the account ends, and the new password is temporary."""
    store = make_store(tmp_path / "cfc.sqlite3")
    app = make_app(store, library)
    phone, _ = signed_in(app, "tinh")
    office, token = signed_in(app, "tinh")
    assert phone.get("/api/me").status_code == 200
    changed = office.post("/api/password", json={"current": PASSWORD, "new": NEW}, headers={"X-CSRF-Token": token})
    assert changed.status_code == 200
    assert phone.get("/api/me").status_code == 401 and office.get("/api/me").status_code == 200
    assert phone.get("/dashboard", follow_redirects=False).headers["location"].startswith("/login?next=")
    admin, admin_token = signed_in(app, "quantri")
    users = admin.get("/users")
    reset = admin.post("/users/tinh/password", data={"_csrf": _csrf(users.text), "password": "mật khẩu tạm mới"},
                       follow_redirects=True)
    assert reset.status_code == 200 and "mật khẩu tạm cho tinh" in reset.text
    assert "chưa đổi mật khẩu tạm" in re.search(r'<tr id="user-tinh".*?</tr>', reset.text, re.S).group(0)
    assert office.get("/api/me").status_code == 401
    again, _ = signed_in(app, "tinh", "mật khẩu tạm mới")
    assert again.get("/api/me").json()["password_temporary"] is True
    # An administrator resetting their own password keeps it: they chose it.
    own = admin.post("/users/quantri/password", data={"_csrf": _csrf(users.text), "password": "quản trị mới 1"})
    assert own.status_code in (200, 303) and not get_user(store, "quantri").password_temporary


def test_an_account_made_on_the_page_has_a_temporary_password(tmp_path, library):
    store = make_store(tmp_path / "cfc.sqlite3")
    app = make_app(store, library)
    admin, _ = signed_in(app, "quantri")
    users = admin.get("/users")
    made = admin.post("/users", data={"_csrf": _csrf(users.text), "login": "tinh.hai", "password": "mật khẩu giao",
                                      "role": "province", "province": "Hà Nội"}, follow_redirects=True)
    assert made.status_code == 200 and get_user(store, "tinh.hai").password_temporary
    assert "mật khẩu tạm" in made.text  # the form's note says so before anyone is surprised
    client, _ = signed_in(app, "tinh.hai", "mật khẩu giao")
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/password?next=%2Fdashboard"


def test_guessing_through_the_change_form_is_limited_like_signing_in(tmp_path, library):
    """A stolen session cannot try passwords at /password faster than at /login: each wrong current password is
    a failed attempt, counted with the sign-in's, and past the limit the form answers 429 without checking."""
    store = make_store(tmp_path / "cfc.sqlite3")
    app = make_app(store, library, limits=Limits(per_login=3, per_address=100))
    client, token = signed_in(app, "tinh")
    headers = {"X-CSRF-Token": token}
    for attempt in range(3):
        wrong = client.post("/api/password", json={"current": f"đoán sai {attempt}", "new": NEW}, headers=headers)
        assert wrong.status_code == 422
    limited = client.post("/api/password", json={"current": PASSWORD, "new": NEW}, headers=headers)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "900"
    assert not get_user(store, "tinh").password_temporary and [
        e.after.get("while") for e in audit.events(store) if e.action == "login.failed"] == ["password_change"] * 3
    form = client.get("/password")
    refused = client.post("/password", data={"_csrf": _csrf(form.text), "current": PASSWORD, "new": NEW, "again": NEW})
    assert refused.status_code == 429 and "thử lại sau 15 phút" in _error(refused.text)
