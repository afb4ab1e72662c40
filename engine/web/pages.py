"""The HTML pages: the self-check form (empty, or filled from an uploaded unit) and a board's results table.
Templates are autoescaped: no value a person typed or uploaded is ever inserted as HTML."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from engine.messages import CATALOG, Message, localised
from engine.results.model import STATUSES
from engine.reports.appraisal import complete
from engine.web.doc_fields import BOARD_KEYS, CHECK_KEYS, doc_fields
from engine.web.form import form_groups
from engine.web.params import lang_of
from engine.web.uploads import read_upload


# The sentences the page's script writes itself (results, plan, history), handed over as JSON data.
SCRIPT_STRINGS = [
    "web_points", "web_threshold", "web_no_threshold", "web_waiting", "web_unscored", "web_plan_reaches",
    "web_plan_short", "web_plan_change", "web_plan_blocked", "web_history_none", "web_yes", "web_no",
    "history_criterion", "history_total", "header_status", "flips", "provisional_note",
    "web_bar_short", "web_bar_missing", "web_bar_invalid", "web_bar_zero", "web_bar_total", "web_doc_blanks",
] + [f"status_{status}" for status in STATUSES]


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    other = "en" if lang == "vi" else "vi"
    page = request.app.state.templates.get_template(template).render(
        lang=lang, say=lambda key, **params: Message(key, params).render(lang),
        switch_url=request.url.path + "?" + urlencode({**request.query_params, "lang": other}),
        lang_query="?lang=en" if lang == "en" else "", criteria=request.app.state.criteria, **context)
    return HTMLResponse(page, status_code=status)


def _strings(lang: str) -> dict[str, str]:
    return {key: CATALOG[key][0 if lang == "vi" else 1] for key in SCRIPT_STRINGS}


def _check(request: Request, values: dict[str, str], status: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    # labelled for the unit's period (a unit of an uploaded file): "Khu vực" after the 1 July 2025 reform
    groups = form_groups(request.app.state.criteria, lang, values.get("period"))
    return render(request, "check.html", status, groups=groups,
                  values=values, strings=_strings(lang),
                  doc_fields=doc_fields(request.app.state.board, CHECK_KEYS, lang), **context)


async def check_page(request: Request) -> Response:
    return _check(request, {})


async def upload(request: Request) -> Response:
    """A filled form or a CSV: one unit fills the form, several make a board's results table."""
    async with request.form(max_files=1, max_fields=10) as form:
        file = form.get("file")
        if file is None or isinstance(file, str) or not file.filename:
            return _check(request, {}, 400, upload_error=Message("web_no_file").render(lang_of(request)))
        content = await file.read()
        name = file.filename
    # Read as one of a few at once (engine/web/jobs.py): reading a large file holds many times its size in
    # memory for a while, and twenty uploads at once must not hold twenty times that.
    library, strict = request.app.state.library, request.app.state.strict_units
    result = await request.app.state.readings.run(request, lambda: read_upload(library, name, content, strict))
    if result is None:  # the client went away while waiting its turn, or the server is stopping
        return render(request, "message.html", 503, message=Message("web_job_cancelled").render(lang_of(request)))
    board_id = request.app.state.boards.add(result)
    lang = "?lang=en" if lang_of(request) == "en" else ""
    if len(result.units) == 1 and not result.file_errors:
        return RedirectResponse(f"/board/{board_id}/unit/0{lang}", status_code=303)
    return RedirectResponse(f"/board/{board_id}{lang}", status_code=303)


async def board_page(request: Request) -> Response:
    board_id = request.path_params["board_id"]
    upload = request.app.state.boards.get(board_id)
    if upload is None:
        return await not_found(request, None)
    criteria = request.app.state.criteria
    no_units = [] if upload.units or upload.file_errors else [
        Message("web_no_units", {"file": upload.file_name}).render(lang_of(request))]
    return render(request, "board.html", board_id=board_id, upload=upload, statuses=STATUSES,
                  strings=_strings(lang_of(request)),
                  numbers=[c.number for c in criteria.criteria],
                  # area and period as the documents infer them from the units, unless configured
                  doc_fields=doc_fields(complete(upload.results, request.app.state.board), BOARD_KEYS,
                                        lang_of(request)),
                  file_errors=[localised(error, lang_of(request)) for error in upload.file_errors] + no_units,
                  **_read_warnings(request, upload))


def _read_warnings(request: Request, upload) -> dict[str, Any]:
    """The upload's reader warnings for its pages, in the page's language: those it keeps (the first
    uploads.WARNINGS_KEPT), and how many more (a file of thousands of skipped rows must not make a page of
    thousands of lines)."""
    return {"read_warnings": [w.render(lang_of(request)) for w in upload.warnings],
            "read_warnings_more": upload.more_warnings}


async def board_unit_page(request: Request) -> Response:
    board_id, index = request.path_params["board_id"], request.path_params["index"]
    upload = request.app.state.boards.get(board_id)
    if upload is None or not 0 <= index < len(upload.units):
        return await not_found(request, None)
    return _check(request, upload.form_values(request.app.state.criteria, index), board_id=board_id,
                  several=len(upload.units) > 1, source=upload.results[index].source(lang_of(request)),
                  **_read_warnings(request, upload))


async def no_icon(request: Request) -> Response:
    """Browsers ask for an icon on every page; answering "none" keeps their consoles free of errors."""
    return Response(status_code=204)


async def not_found(request: Request, exc: Exception | None) -> Response:
    return render(request, "message.html", 404, message=Message("web_not_found").render(lang_of(request)))


async def bad_request(request: Request, exc: Exception | None) -> Response:
    return render(request, "message.html", 400, message=Message("web_bad_request").render(lang_of(request)))
