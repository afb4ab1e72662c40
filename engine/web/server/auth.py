"""Who is asking, decided once per request: the one guard every route of the province server goes through.

    guard(endpoint, need, while_temporary=False)
                            need: PUBLIC (the login page and API), SIGNED_IN (anyone with an enabled account),
                            or an action of engine/workflow/access.py (view, save_draft, appraise, audit...);
                            while_temporary: open to an account whose password is still temporary (changing it,
                            signing out, /api/me); every other route sends such an account to /password first

For each request the guard reads the signed session cookie (Starlette's SessionMiddleware: itsdangerous,
expiry), reads the account again from the database (a disabled account is out at its next request, not when
its cookie expires), builds the Principal, checks that the role may take the route's action at all, and for
every request that can change something (any method but GET and HEAD) checks the CSRF token: the session's
synchroniser token, sent back in the X-CSRF-Token header (the API; POST /api/login and GET /api/me return it)
or in the `_csrf` field of a form. Which unit a Principal may see or change is then decided by the workflow
itself, with the same Principal (engine/workflow/access.py).

A session remembers when its account's password last changed; after a change (by its owner or an administrator)
every session signed in before is over at its next request, as a disabled account is.

Logins are limited (LIMITS): too many failed attempts for one account, or from one address, in the last
minutes are answered 429 with a sentence saying how long to wait, before the password is even checked.
Password checks (argon2: 64 MiB each) run a few at a time, off the event loop.
"""
from __future__ import annotations

import datetime as dt
import hmac
import os
import secrets
from dataclasses import dataclass
from typing import Awaitable, Callable
from urllib.parse import urlencode

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from engine.store.users import Account, authenticate, change_password, get_user, recent_failures
from engine.store.models import utcnow
from engine.web.params import lang_of, say
from engine.workflow.access import Principal

PUBLIC, SIGNED_IN = "public", "signed_in"
SAFE_METHODS = ("GET", "HEAD")
CSRF_HEADER, CSRF_FIELD = "x-csrf-token", "_csrf"


@dataclass(frozen=True)
class Limits:
    """Failed logins allowed in the last `minutes` before further attempts are refused (429)."""

    minutes: int = 15
    per_login: int = 5      # one account: a person mistyping, not a guesser
    per_address: int = 30   # one address: an office behind one NAT holds many people


LIMITS = Limits()
# argon2-cffi's defaults cost 64 MiB and 0.1–0.2 s of a core per check: a burst of logins at a deadline takes
# one core each, in turn, instead of the server's memory.
PASSWORD_CHECKS = anyio.CapacityLimiter(os.cpu_count() or 2)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made when the session has none (an anonymous visitor's login form has one too)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def _csrf_ok(request: Request, given: str | None) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and given) and hmac.compare_digest(str(given).encode(), str(expected).encode())


async def csrf_given(request: Request) -> str | None:
    """The token the request carries: the header, else the form's `_csrf` field (parsed once; the handler reads
    the same parsed form)."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    kind = request.headers.get("content-type", "")
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form(max_files=1, max_fields=2000)
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def address_of(request: Request) -> str | None:
    """The client's address (behind a proxy, the one the proxy reports: uvicorn's --proxy-headers)."""
    return request.client.host if request.client else None


def error(request: Request, status: int, key: str, headers: dict | None = None, **params) -> JSONResponse:
    """Every 4xx of the API: {"error": one sentence in the session's language}."""
    return JSONResponse({"error": say(request, key, **params)}, status_code=status, headers=headers)


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def to_login(request: Request) -> Response:
    """A page asked without a session: to the login page, and back here afterwards."""
    return _first_to(request, "/login")


def to_password(request: Request) -> Response:
    """An account with a temporary password: to the page that changes it, and back here afterwards."""
    return _first_to(request, "/password")


def _first_to(request: Request, page: str) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(page + "?" + urlencode({"next": target}), status_code=303)


def guard(endpoint: Callable[[Request], Awaitable[Response]], need: str, while_temporary: bool = False
          ) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint behind the checks above. `need` and `while_temporary` are kept on the wrapper for the route
    table's readers (and the access-matrix test)."""

    async def guarded(request: Request) -> Response:
        asked = request.query_params.get("lang")
        if asked in ("vi", "en") and request.session.get("lang") != asked:
            request.session["lang"] = asked
        if need == PUBLIC:
            if request.method not in SAFE_METHODS and not _csrf_ok(request, await csrf_given(request)) \
                    and not is_api(request):
                return _csrf_refused(request)
            return await endpoint(request)
        account = await _account(request)
        if account is None:
            request.session.pop("login", None)
            return error(request, 401, "web_login_needed") if is_api(request) else to_login(request)
        principal = Principal.from_account(account)
        request.state.account, request.state.principal = account, principal
        if account.password_temporary and not while_temporary:
            return error(request, 403, "web_password_first") if is_api(request) else to_password(request)
        if need != SIGNED_IN and not principal.may(need):
            return _forbidden(request, principal, need)
        if request.method not in SAFE_METHODS and not _csrf_ok(request, await csrf_given(request)):
            return _csrf_refused(request)
        return await endpoint(request)

    guarded.need = need
    guarded.while_temporary = while_temporary
    guarded.__name__ = getattr(endpoint, "__name__", "guarded")
    return guarded


async def _account(request: Request) -> Account | None:
    login = request.session.get("login")
    if not login:
        return None
    account = await run_in_threadpool(get_user, request.app.state.store, login)
    if account is None or account.disabled or request.session.get("password") != _stamp(account):
        return None
    return account


def _stamp(account: Account) -> str | None:
    """What a session keeps of its account's password: when it last changed (never the password or its hash)."""
    return account.password_changed_at.isoformat() if account.password_changed_at else None



def _forbidden(request: Request, principal: Principal, need: str) -> Response:
    from engine.messages import Message

    sentence = Message("wf_forbidden", {"login": principal.login, "action": Message("wf_action_" + need),
                                         "unit": "*"}).render(lang_of(request))
    if is_api(request):
        return JSONResponse({"error": sentence}, status_code=403)
    from engine.web.server.views import message_page

    return message_page(request, sentence, 403)


def _csrf_refused(request: Request) -> Response:
    if is_api(request):
        return error(request, 403, "web_csrf")
    from engine.web.server.views import message_page

    return message_page(request, say(request, "web_csrf"), 403)


# ---------------------------------------------------------------- signing in


@dataclass(frozen=True)
class LoginOutcome:
    account: Account | None = None
    limited_minutes: int | None = None   # refused without checking: wait this long


def _limited(store, login: str, address: str | None, limits: Limits) -> bool:
    since = utcnow() - dt.timedelta(minutes=limits.minutes)
    if recent_failures(store, since, login=login) >= limits.per_login:
        return True
    return address is not None and recent_failures(store, since, address=address) >= limits.per_address


async def sign_in(request: Request, login: str, password: str) -> LoginOutcome:
    """Check a login and password (unless the account or address is limited) and, when right, start a new
    session: the old one is dropped whole (no fixation), with a new CSRF token."""
    store, limits = request.app.state.store, request.app.state.limits
    address = address_of(request)
    if await run_in_threadpool(_limited, store, login, address, limits):
        return LoginOutcome(limited_minutes=limits.minutes)
    account = await anyio.to_thread.run_sync(authenticate, store, login, password, address, limiter=PASSWORD_CHECKS)
    if account is None:
        return LoginOutcome()
    lang = request.session.get("lang")
    request.session.clear()
    request.session.update({"login": account.login, "csrf": secrets.token_urlsafe(32), "password": _stamp(account)})
    if lang:
        request.session["lang"] = lang
    return LoginOutcome(account)


async def change_own_password(request: Request, current: str, new: str) -> LoginOutcome:
    """The signed-in person changes their own password. The same limits as signing in apply (a wrong current
    password is a failed attempt: a stolen session cannot guess its way to the password). This session stays
    signed in; every other one of the account is over. Raises UserError (wrong current password, refused new)."""
    store, limits = request.app.state.store, request.app.state.limits
    login, address = request.state.account.login, address_of(request)
    if await run_in_threadpool(_limited, store, login, address, limits):
        return LoginOutcome(limited_minutes=limits.minutes)
    await anyio.to_thread.run_sync(change_password, store, login, current, new, address, limiter=PASSWORD_CHECKS)
    # The stamp as the database keeps it (read back: what every later request compares with).
    account = await run_in_threadpool(get_user, store, login)
    request.session["password"] = _stamp(account)
    request.state.account = account
    return LoginOutcome(account)


def sign_out(request: Request) -> None:
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang


def me(account: Account, token: str) -> dict:
    """GET /api/me: who is signed in, the scope, and the CSRF token for the API's writes."""
    scope = {"commune": {"unit": account.unit_code}, "board": {"area": list(account.area)},
             "province": {"province": account.province}}.get(account.role, {})
    return {"login": account.login, "role": account.role, **scope,
            "password_temporary": account.password_temporary, "csrf_token": token}
