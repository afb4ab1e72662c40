"""Files the page offers: the blank form, the data typed in, and the documents (the report functions of
engine/reports, called as `cfc report` calls them)."""
from __future__ import annotations

import io
import re
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from engine.forms.template import build_template
from engine.reports import appraisal, decision, render, self_assessment
from engine.reports.board import BoardConfig
from engine import api
from engine.criteria.versions import MixedSetsError
from engine.messages import Message, localised
from engine.results.cells import csv_writer
from engine.results.sheets import workbook_bytes
from engine.web import pages
from engine.web.doc_fields import board_from_form
from engine.web.form import FORM_SOURCE
from engine.web.jobs import DOCUMENT_UNITS
from engine.web.pages import not_found
from engine.web.params import form_fields, lang_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The documents come as PDF to print or .docx to amend before signing, as `cfc report -o NAME.pdf|.docx`.
DOCUMENT_TYPES = {"pdf": "application/pdf",
                  "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _attachment(content: bytes, name: str, media_type: str) -> Response:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "cfc"
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    return Response(content, media_type=media_type, headers={"content-disposition": disposition})


def _unit_file_name(inputs: dict[str, str], suffix: str) -> str:
    code = re.sub(r"[^\w.-]", "_", (inputs.get("unit_code") or "").strip())[:40]
    period = re.sub(r"[^\w.-]", "_", (inputs.get("period") or "").strip())[:20]
    return "-".join(part for part in (suffix, code, period) if part)


async def blank_template(request: Request) -> Response:
    def build() -> bytes:
        return workbook_bytes(build_template(request.app.state.criteria))  # formula-safe, as `cfc template`

    return _attachment(await run_in_threadpool(build), "phieu-tu-danh-gia.xlsx", XLSX)


def _known(request: Request, fields: dict[str, str]) -> dict[str, str]:
    known = request.app.state.criteria.input_by_name
    return {name: value for name, value in fields.items() if name in known}


async def form_data(request: Request) -> Response:
    """The data typed into the form as a one-row CSV that `cfc evaluate` reads back."""
    inputs = _known(request, await form_fields(request))
    names = [decl.name for decl in request.app.state.criteria.inputs]
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")  # formula-safe; cfc evaluate removes the quote again
    writer.writerow(names)
    writer.writerow([inputs.get(name, "") for name in names])
    # A byte-order mark so that Excel opens the Vietnamese text as UTF-8.
    return _attachment(("\ufeff" + out.getvalue()).encode("utf-8"), _unit_file_name(inputs, "so-lieu") + ".csv",
                       "text/csv; charset=utf-8")


def _asked(request: Request) -> tuple[str, str]:
    """(document, format) from the address's last part, "appraisal.docx": the routes list each pair."""
    document, fmt = request.url.path.rsplit("/", 1)[1].split(".")
    return document, fmt


async def _document(request: Request, build, fmt: str, name: str) -> Response:
    """Build a document (engine/reports) off the event loop, as one of the server's bounded, cancellable jobs
    (engine/web/jobs.py), and send it in the format the address asks for."""
    content = await request.app.state.jobs.run(request, lambda: render(build(), "." + fmt))
    if content is None:  # cancelled: the client went away (nobody reads this) or the server is stopping
        return pages.render(request, "message.html", 503, message=Message("web_job_cancelled").render(lang_of(request)))
    return _attachment(content, f"{name}.{fmt}", DOCUMENT_TYPES[fmt])


async def _form_unit(request: Request, fields: dict[str, str]) -> tuple[dict[str, str], object]:
    """The form's inputs and the batch of its one unit, scored through the front door (engine/api.py)."""
    library = request.app.state.library
    inputs = _known(request, fields)
    result = (await run_in_threadpool(api.evaluate_inputs, library, inputs, FORM_SOURCE,
                                      request.app.state.strict_units)).result
    return inputs, api.document_set(library, [result])


def _board(request: Request, fields: dict[str, str]) -> BoardConfig:
    """The names printed on the documents: `cfc serve --config`, completed by what the page sent."""
    return board_from_form(request.app.state.board, fields)


async def form_self_assessment(request: Request) -> Response:
    fields = await form_fields(request)
    inputs, (criteria, batch) = await _form_unit(request, fields)
    board = _board(request, fields)
    return await _document(request, lambda: self_assessment.document(batch.units[0], criteria, board),
                           _asked(request)[1], _unit_file_name(inputs, "bao-cao-tu-danh-gia"))


async def form_appraisal(request: Request) -> Response:
    fields = await form_fields(request)
    inputs, (criteria, batch) = await _form_unit(request, fields)
    board = _board(request, fields)
    return await _document(request, lambda: appraisal.document(batch, criteria, board),
                           _asked(request)[1], _unit_file_name(inputs, "bao-cao-tham-dinh"))


BOARD_DOCUMENTS = {"appraisal": (appraisal, "bao-cao-tham-dinh"), "decision": (decision, "du-thao-quyet-dinh")}


async def board_document(request: Request) -> Response:
    """The board's appraisal or draft decision for the units of an uploaded file; posted from the board's page,
    with the names the person completed there."""
    upload = request.app.state.boards.get(request.path_params["board_id"])
    if upload is None:
        return await not_found(request, None)
    document, fmt = _asked(request)
    module, name = BOARD_DOCUMENTS[document]
    try:
        criteria, batch = upload.batch
    except MixedSetsError as error:  # one document speaks of one criteria set
        return pages.render(request, "message.html", 422, message=localised(error, lang_of(request)))
    board = _board(request, await form_fields(request) if request.method == "POST" else {})
    if len(batch.units) > DOCUMENT_UNITS:  # minutes of layout: the command line, which a board can stop
        return pages.render(request, "message.html", 413, message=Message("web_document_too_large", {
            "units": len(batch.units), "limit": DOCUMENT_UNITS, "file": upload.file_name}).render(lang_of(request)))
    return await _document(request, lambda: module.document(batch, criteria, board), fmt, name)


async def board_file(request: Request) -> Response:
    upload = request.app.state.boards.get(request.path_params["board_id"])
    if upload is None:
        return await not_found(request, None)
    return _attachment(upload.content, upload.file_name, "application/octet-stream")
