"""What keeps the local server safe: security headers (a Content-Security-Policy that allows only the page's
own script and style), a limit on request bodies (413), an access token when bound beyond this computer (and,
when not, only requests addressed to this computer), and refusal of form posts from other sites. Each is a small pure-ASGI middleware so it also covers errors."""
from __future__ import annotations

import hmac
import ipaddress
import json
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message as AsgiMessage, Receive, Scope, Send

from engine.messages import Message

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" would make form posts send "Origin: null"
    (b"x-frame-options", b"DENY"),
]
TOKEN_COOKIE = "cfc_token"


def is_loopback(host: str) -> bool:
    """True for the addresses only this computer can reach (the default, which needs no token)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


async def _send_plain(send: Send, status: int, key: str, lang: str = "vi", **params) -> None:
    body = json.dumps({"error": Message(key, params).render(lang)}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _lang(scope: Scope) -> str:
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    return "en" if query.get("lang") == "en" else "vi"


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: AsgiMessage) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": list(message.get("headers", [])) + HEADERS}
            await send(message)

        await self.app(scope, receive, with_headers)


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse any request body over `limit` bytes with 413: by its declared length before reading, and by
    counting while it is read (a chunked upload declares none)."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        lang = _lang(scope)
        shown = f"{self.limit / 1_000_000:g} MB"
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await _send_plain(send, 413, "web_too_large", lang, limit=shown)
        received = 0
        started = False

        async def counting_receive() -> AsgiMessage:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: AsgiMessage) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_plain(send, 413, "web_too_large", lang, limit=shown)


class SameOrigin:
    """A page on another site must not post to this server (it would run on the user's own computer):
    a state-changing request whose Origin is not this server's is refused."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            headers = Headers(scope=scope)
            origin = headers.get("origin")
            if origin is not None and origin.split("://", 1)[-1] != headers.get("host", ""):
                return await _send_plain(send, 403, "web_forbidden_origin", _lang(scope))
        await self.app(scope, receive, send)


class LoopbackHost:
    """Bound to this computer: answer only requests addressed to it (localhost, 127.0.0.1, [::1]). A page whose
    domain is re-pointed at 127.0.0.1 (DNS rebinding) sends its own name as Host and is refused."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = Headers(scope=scope).get("host", "")
            # "[::1]:8000" → "::1", "localhost:8000" → "localhost"
            name = host[1:host.find("]")] if host.startswith("[") else host.split(":", 1)[0]
            if not is_loopback(name):
                return await _send_plain(send, 403, "web_forbidden_host", _lang(scope))
        await self.app(scope, receive, send)


class TokenGate:
    """When the server is reachable from other computers: every request needs the token printed at start.
    It comes once in the address (?token=...), is then kept in a cookie, and the address is cleaned."""

    def __init__(self, app: ASGIApp, token: str):
        self.app = app
        self.token = token

    def _valid(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(candidate.encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        given = next((v for k, v in query if k == "token"), None)
        if self._valid(given):
            rest = urlencode([(k, v) for k, v in query if k != "token"])
            location = scope.get("path", "/") + (f"?{rest}" if rest else "")
            cookie = f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
            await send({"type": "http.response.start", "status": 303,
                        "headers": [(b"location", location.encode()), (b"set-cookie", cookie.encode()),
                                    (b"content-length", b"0")]})
            return await send({"type": "http.response.body", "body": b""})
        cookies = Headers(scope=scope).get("cookie", "")
        value = next((part.split("=", 1)[1] for part in cookies.split(";")
                      if part.strip().startswith(TOKEN_COOKIE + "=")), None)
        if not self._valid(value.strip() if value else None):
            return await _send_plain(send, 403, "web_token_required", _lang(scope))
        await self.app(scope, receive, send)
