"""What a request carries, read defensively: the page's language, a JSON body, form fields. Bad input gives
None (the handler answers 400/422), never an exception that would become a 500."""
from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from engine.messages import Message

MAX_FIELDS = 1000


def lang_of(request: Request) -> str:
    """?lang=en, else the language the province server's session remembers (the local page has no session)."""
    asked = request.query_params.get("lang")
    if asked is not None:
        return "en" if asked == "en" else "vi"
    session = request.scope.get("session")
    return "en" if session and session.get("lang") == "en" else "vi"


def say(request: Request, key: str, **params: Any) -> str:
    return Message(key, params).render(lang_of(request))


async def json_body(request: Request) -> tuple[bool, Any]:
    """(True, value) for a JSON body, (False, None) for anything else (bad syntax, bad UTF-8, too deep)."""
    try:
        return True, json.loads(await request.body())
    except (ValueError, RecursionError):
        return False, None


async def form_fields(request: Request) -> dict[str, str]:
    """The text fields of a posted form (files ignored); a malformed body is a 400 raised by Starlette."""
    async with request.form(max_files=0, max_fields=MAX_FIELDS) as form:
        return {key: value for key, value in form.multi_items() if isinstance(value, str)}
