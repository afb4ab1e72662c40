"""Rendering the server's pages (the single-user page's `render`, with who is signed in, the CSRF token and the
sentence left by the last action) and answering errors: the API with {"error": sentence}, pages with the
message page. A database that cannot be used is 503 with its sentence; nothing is ever a 500 by design."""
from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from engine.messages import MessageError
from engine.web.pages import render
from engine.web.params import lang_of, say


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    from engine.web.server.auth import csrf_token

    account = getattr(request.state, "account", None)
    flash = request.session.pop("flash", None)
    return render(request, template, status, account=account, csrf=csrf_token(request), flash=flash,
                  principal=getattr(request.state, "principal", None), **context)


VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")  # no summer time: one offset all year


def local_time(moment: dt.datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """A stored moment (UTC) as people in Vietnam read a clock. A moment without a zone is UTC."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(VIETNAM).strftime(fmt)


def flash(request: Request, key: str, **params: Any) -> None:
    """A sentence for the next page (after a redirect): what the last action did."""
    request.session["flash"] = say(request, key, **params)


def message_page(request: Request, message: str, status: int) -> HTMLResponse:
    return page(request, "message.html", status, message=message)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def answer_error(request: Request, error: MessageError, status: int) -> Response:
    sentence = error.render(lang_of(request))
    if _is_api(request):
        body = {"error": sentence}
        current = getattr(error, "current", None)
        if current is not None:  # StaleVersion: the version to reload
            body["version"] = current
        return JSONResponse(body, status_code=status)
    return message_page(request, sentence, status)


async def message_error(request: Request, exc: Exception) -> Response:
    """A WorkflowError at its own status (403, 404, 409, 422); any other sentence-bearing error is 422."""
    return answer_error(request, exc, getattr(exc, "http_status", 422))


async def store_failed(request: Request, exc: Exception) -> Response:
    return answer_error(request, exc, 503)


async def not_found(request: Request, exc: Exception | None) -> Response:
    status = getattr(exc, "status_code", 404) if exc is not None else 404
    key = "web_not_found" if status in (404, 405) else "web_bad_request"
    if _is_api(request):
        return JSONResponse({"error": say(request, key)}, status_code=status)
    return message_page(request, say(request, key), status)
