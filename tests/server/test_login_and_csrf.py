"""Signing in: the API's answers (200 with the CSRF token, 401, 429 with a sentence), limits per account and
per address, sessions that end when the account is disabled, login CSRF shut out, and the cookie's flags."""
from __future__ import annotations

import re

from starlette.testclient import TestClient

from engine.store.users import set_disabled
from engine.web.server.auth import Limits

from server_support import PASSWORD, PERIOD, SEEN, make_app, make_store, signed_in


def test_login_me_and_logout(tmp_path, library):
    app = make_app(make_store(tmp_path / "cfc.sqlite3"), library)
    client = TestClient(app)
    answer = client.post("/api/login", json={"login": "XA.HoaSon", "password": PASSWORD})
    assert answer.status_code == 200
    body = answer.json()
    assert body["login"] == "xa.hoason" and body["role"] == "commune" and len(body["csrf_token"]) > 30
    assert body["password_temporary"] is False
    cookie = answer.headers["set-cookie"]
    assert "cfc_session=" in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain HTTP on a laptop: a Secure cookie would never come back
    assert client.get("/api/me").json() == {"login": "xa.hoason", "role": "commune", "unit": SEEN,
                                            "password_temporary": False, "csrf_token": body["csrf_token"]}
    assert client.post("/api/logout", headers={"X-CSRF-Token": body["csrf_token"]}).status_code == 200
    assert client.get("/api/me").status_code == 401


def test_wrong_password_unknown_login_and_bad_bodies(tmp_path, library):
    app = make_app(make_store(tmp_path / "cfc.sqlite3"), library)
    client = TestClient(app)
    for body in ({"login": "tinh", "password": "sai mat khau"}, {"login": "khong.co", "password": PASSWORD}):
        answer = client.post("/api/login?lang=en", json=body)
        assert answer.status_code == 401 and answer.json() == {"error": "wrong login or password (or the account is disabled)"}
    for raw in (b"{", b"[]", b'{"login": 5, "password": "x"}', b'{"login": "tinh"}'):
        answer = client.post("/api/login", content=raw, headers={"Content-Type": "application/json"})
        assert answer.status_code == 400 and set(answer.json()) == {"error"}
    # A form posted from another site cannot log a person into someone else's account (login CSRF).
    assert client.post("/api/login", data={"login": "tinh", "password": PASSWORD}).status_code == 415
    assert client.post("/login", data={"login": "tinh", "password": PASSWORD}).status_code == 403


def test_secure_cookie_behind_https(tmp_path, library):
    app = make_app(make_store(tmp_path / "cfc.sqlite3"), library, secure_cookies=True)
    answer = TestClient(app, base_url="https://cfc.example").post("/api/login", json={"login": "tinh", "password": PASSWORD})
    assert "secure" in answer.headers["set-cookie"].lower()


def test_login_limited_per_account_then_per_address(tmp_path, library):
    app = make_app(make_store(tmp_path / "cfc.sqlite3"), library, limits=Limits(minutes=15, per_login=3, per_address=5))
    guesser = TestClient(app, client=("203.0.113.7", 1000))
    for _ in range(3):
        assert guesser.post("/api/login", json={"login": "tinh", "password": "doan sai"}).status_code == 401
    limited = guesser.post("/api/login?lang=en", json={"login": "tinh", "password": PASSWORD})
    assert limited.status_code == 429 and limited.headers["retry-after"] == "900"
    assert limited.json() == {"error": "too many failed sign-ins: try again in 15 minutes, or ask an administrator "
                                       "to reset the password"}
    # The account is limited from everywhere (the right password too); other accounts are not, from elsewhere.
    assert TestClient(app, client=("198.51.100.1", 1)).post(
        "/api/login", json={"login": "tinh", "password": PASSWORD}).status_code == 429
    assert signed_in(app, "hoidong", address="198.51.100.1")[0].get("/api/me").status_code == 200
    # The address: two more failures on other accounts and it is refused whatever the account.
    for login in ("quantri", "xa.xa"):
        assert guesser.post("/api/login", json={"login": login, "password": "doan sai"}).status_code == 401
    assert guesser.post("/api/login", json={"login": "hoidong", "password": PASSWORD}).status_code == 429
    # The login page says it in a sentence too.
    page = TestClient(app, client=("203.0.113.7", 1000))
    token = re.search(r'name="_csrf" value="([^"]+)"', page.get("/login").text).group(1)
    answer = page.post("/login", data={"_csrf": token, "login": "hoidong", "password": PASSWORD})
    assert answer.status_code == 429 and "15 phút" in answer.text


def test_a_disabled_account_is_out_at_its_next_request(tmp_path, library):
    store = make_store(tmp_path / "cfc.sqlite3")
    app = make_app(store, library)
    client, token = signed_in(app, "xa.hoason")
    assert client.get("/api/submissions").status_code == 200
    set_disabled(store, "xa.hoason")
    assert client.get("/api/submissions").status_code == 401
    assert client.put(f"/api/submissions/{SEEN}/{PERIOD}", json={"inputs": {}, "version": 0},
                      headers={"X-CSRF-Token": token}).status_code == 401
    assert TestClient(app).post("/api/login", json={"login": "xa.hoason", "password": PASSWORD}).status_code == 401


def test_a_forged_or_another_sessions_token_is_refused(tmp_path, library):
    app = make_app(make_store(tmp_path / "cfc.sqlite3"), library)
    commune, token = signed_in(app, "xa.hoason")
    _, other_token = signed_in(app, "tinh")
    url = f"/api/submissions/{SEEN}/{PERIOD}"
    for given in ("", "x" * 43, other_token):
        answer = commune.put(url, json={"inputs": {}, "version": 0}, headers={"X-CSRF-Token": given})
        assert answer.status_code == 403 and "CSRF" in answer.json()["error"]
    assert commune.put(url, json={"inputs": {}, "version": 0}, headers={"X-CSRF-Token": token}).status_code == 200
    # A cookie signed with another key is no session at all.
    stranger = TestClient(app)
    stranger.cookies.set("cfc_session", commune.cookies.get("cfc_session")[:-4] + "AAAA")
    assert stranger.get("/api/me").status_code == 401


def test_the_session_remembers_the_language(tmp_path, library):
    app = make_app(make_store(tmp_path / "cfc.sqlite3"), library)
    client, token = signed_in(app, "xa.hoason")
    assert "Files" in client.get("/submissions?lang=en").text
    assert "Files" in client.get("/submissions").text            # remembered
    refused = client.put(f"/api/submissions/{SEEN}/{PERIOD}", json={"inputs": [], "version": 0},
                         headers={"X-CSRF-Token": token})
    assert refused.status_code == 422 and refused.json()["error"].startswith("the inputs must be")
    assert "Hồ sơ" in client.get("/submissions?lang=vi").text
