"""Files the province server hands out, each built from the server's own data by the functions the command line
uses: evidence (as an attachment, its type detected at upload, never inline), the board's appraisal report and
draft decision from APPRAISED results listing the board's adjustments (engine/reports), the province's
aggregate workbook and charts (engine/aggregate, as `cfc aggregate`) and summary report (as `cfc report
summary`), and the audit trail as CSV (formula-safe). Documents, workbooks and archives are the server's bounded, cancellable
jobs (engine/web/jobs.py)."""
from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from engine import api as engine_api
from engine.reports import appraisal, decision, render
from engine.results.render import render_batch
from engine.store.audit import export_csv
from engine.units.codes import code_key
from engine.web.downloads import DOCUMENT_TYPES, _attachment
from engine.web.server.api import audit_entries
from engine.web.params import say
from engine.web.server.periods import period_asked
from engine.web.server.views import message_page
from engine.workflow import NotFound
from engine.workflow.scoring import result_of
from engine.workflow.service import period_of

APPRAISED = ("appraised", "recognized", "not_recognized")   # states whose file has an appraised result
BOARD_DOCUMENTS = {"appraisal": (appraisal, "bao-cao-tham-dinh"), "decision": (decision, "du-thao-quyet-dinh")}
BY = ("district", "province")


async def evidence(request: Request) -> Response:
    """GET …/evidence/{id}: the file, for whoever may see its unit, always as a download."""
    wf = request.app.state.workflow
    info, content = await run_in_threadpool(wf.evidence_file, request.state.principal,
                                            request.path_params["evidence_id"])
    code, period = request.path_params["unit_code"], request.path_params["period"]
    if info.unit_code != code_key(code) or info.period != period_of(period).text:
        # Another file's number under this unit: as for any unit, one the caller may not see is 403.
        await run_in_threadpool(_visible, request, code)
        raise NotFound("evidence_not_found", id=request.path_params["evidence_id"])
    response = _attachment(content, info.name, info.content_type)
    response.headers["cache-control"] = "private, no-store"
    return response


def _visible(request: Request, code: str) -> None:
    """Raises Forbidden unless the caller may see the unit `code`."""
    from engine.messages import Message
    from engine.store.models import Unit
    from engine.workflow import Forbidden
    from engine.workflow.access import Place

    who, key = request.state.principal, code_key(code)
    with request.app.state.store.reading() as session:
        place = Place.of(session.get(Unit, key), key)
    if not who.can_see(place):
        raise Forbidden("wf_forbidden", login=who.login, action=Message("wf_action_view"), unit=key)


def _for_period(request: Request):
    """The names the province configured for its papers (--config), without a period: on the server the period is
    the one asked for, never the example's "2024" left in a copied file."""
    return request.app.state.board.model_copy(update={"period": None})


def appraised(request: Request, period: str):
    """The appraised results the caller may see for a period, and each unit's adjustments."""
    wf, who = request.app.state.workflow, request.state.principal
    units, adjustments = [], {}
    for row in wf.list(who, period):
        if row.status not in APPRAISED:
            continue
        detail = wf.get(who, row.unit_code, row.period)
        if detail.appraised_result is None:
            continue
        units.append(result_of(detail.appraised_result))
        adjustments[row.unit_code] = list(detail.adjustments)
    return units, adjustments


async def board_document(request: Request) -> Response:
    """GET /reports/appraisal.pdf|docx, /reports/decision.pdf|docx ?period=P: from the appraised results."""
    document, fmt = request.url.path.rsplit("/", 1)[1].split(".")
    module, name = BOARD_DOCUMENTS[document]
    period = period_asked(request)
    library, board = request.app.state.library, _for_period(request)

    def build() -> bytes:
        units, adjustments = appraised(request, period)
        criteria, batch = engine_api.document_set(library, units)
        return render(module.document(batch, criteria, board, adjustments=adjustments), "." + fmt)

    return await _job(request, build, f"{name}-{period}.{fmt}", DOCUMENT_TYPES[fmt])


async def _job(request: Request, build, name: str, media_type: str) -> Response:
    """A document, workbook or archive of a province's (or the whole country's) units: minutes of work for an
    admin, so one of the server's bounded, cancellable jobs (engine/web/jobs.py), as the page's documents are:
    a few at once, stopped when the client goes away or the server is told to stop."""
    content = await request.app.state.jobs.run(request, build)
    if content is None:
        return message_page(request, say(request, "web_job_cancelled"), 503)
    return _attachment(content, name, media_type)


def every_unit(request: Request, period: str):
    """Every unit the caller may see for a period: its appraised result, else a result with no figures (the
    unit's place only: "thiếu dữ liệu"). A report up counts every commune the server knows, not only those
    appraised — else a province with one file appraised of two would report 100%."""
    from sqlalchemy import select

    from engine.store.models import Unit
    from engine.workflow.scoring import score

    units, _ = appraised(request, period)
    done = {u.unit_code for u in units}
    with request.app.state.store.reading() as session:
        places = [(u.code, u.name, u.district, u.province) for u in session.scalars(
            select(Unit).where(request.state.principal.visible_units()).order_by(Unit.code))]
    for code, name, district, province in places:
        if code not in done:
            units.append(score(request.app.state.library, {"unit_code": code, "unit_name": name, "district": district,
                                                           "province": province, "period": period}).result)
    return sorted(units, key=lambda u: u.unit_code or "")


def _results_file(request: Request, period: str, folder: Path):
    """The period's results of every unit the caller may see (appraised, else without figures) as a `cfc evaluate
    --format json` file: what aggregate and the summary read."""
    units = every_unit(request, period)
    criteria, batch = engine_api.document_set(request.app.state.library, units)
    path = folder / f"ket-qua-tham-dinh-{period}.json"
    path.write_text(render_batch(batch, "json", "vi", detail=False, criteria=criteria), encoding="utf-8")
    return criteria, path


def _by(request: Request, period: str) -> str:
    """?by=district|province; by default the district, but the province for a period after the 1 July 2025
    reform (there are no districts any more: every unit would be "no district")."""
    from engine.registry.maps import after_reform

    default = "province" if after_reform((period,)) else "district"
    by = request.query_params.get("by", default)
    return by if by in BY else default


async def aggregate_zip(request: Request) -> Response:
    """GET /reports/aggregate.zip?period=P&by=district|province: summary.xlsx and the two charts of `cfc
    aggregate`, with the results file they were made from."""
    from engine.aggregate import aggregate

    period = period_asked(request)
    by = _by(request, period)

    def build() -> bytes:
        with tempfile.TemporaryDirectory(prefix="cfc-aggregate-") as temp:
            folder = Path(temp)
            criteria, results = _results_file(request, period, folder)
            _, written = aggregate([results], folder / "out", criteria, by)
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in [results, *written]:
                    archive.write(path, path.name)
            return out.getvalue()

    return await _job(request, build, f"tong-hop-{period}.zip", "application/zip")


async def summary_document(request: Request) -> Response:
    """GET /reports/summary.pdf|docx?period=P: the report up (báo cáo tổng hợp), as `cfc report summary`."""
    from engine.aggregate import load_results, load_targets, summarise
    from engine.reports import summary

    period = period_asked(request)
    fmt = request.url.path.rsplit(".", 1)[1]
    by, board = _by(request, period), _for_period(request)

    def build() -> bytes:
        with tempfile.TemporaryDirectory(prefix="cfc-summary-") as temp:
            criteria, results = _results_file(request, period, Path(temp))
            table = summarise(load_results([results], criteria), criteria, by, load_targets(), [results.name])
            return render(summary.document(table, criteria, board), "." + fmt)

    return await _job(request, build, f"bao-cao-tong-hop-{period}.{fmt}", DOCUMENT_TYPES[fmt])


async def audit_csv(request: Request) -> Response:
    """GET /audit.csv?unit=&since=: the audit trail the caller may read, formula-safe, for Excel (BOM)."""

    def build() -> bytes:
        out = io.StringIO()
        export_csv(audit_entries(request, True), out)
        return ("\ufeff" + out.getvalue()).encode("utf-8")

    return _attachment(await run_in_threadpool(build), "nhat-ky.csv", "text/csv; charset=utf-8")
