"""The JSON API (used by the page, documented in the README):

    POST /api/evaluate            one unit's inputs {name: value} → the unit object of `cfc evaluate --format json`
                                  (200; 422 when the data is invalid, with error_details as in the CLI)
    POST /api/history             {"inputs": {...}, "replace": false} → save (201); 409 when the unit and period
                                  are saved already (ask, then send "replace": true); 422 when it cannot be saved
    GET  /api/history/{unit_code} the unit's saved periods side by side, with the change per criterion
    GET  /api/unit/{code}         the unit of the official list with this code, on the map of ?period= (today's
                                  map without one): {unit_code, unit_name, kind, province, district, list};
                                  404 with {error} when that list has no such code
    GET  /api/labels?period=P     the form's fields whose label follows the period ("Huyện / khu vực", "Khu vực"
                                  after the 1 July 2025 reform): {after_reform, fields: {name: {label, help}}}

`?lang=en` gives English text (Vietnamese by default). A body that is not JSON gets 400.
"""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from engine import api
from engine.history import AlreadySaved, NotSavable, compare, comparison_json
from engine.messages import Message
from engine.when import local_time
from engine.web.form import FORM_SOURCE, period_labels
from engine.web.params import json_body, lang_of, say


def _not_json(request: Request) -> JSONResponse:
    return JSONResponse({"error": say(request, "web_not_json")}, status_code=400)


async def evaluate(request: Request) -> Response:
    ok, data = await json_body(request)
    if not ok:
        return _not_json(request)
    library = request.app.state.library
    # Off the event loop: the rules' C core is serialised by its own lock (engine/rules/durable_core.py).
    result = (await run_in_threadpool(api.evaluate_inputs, library, data, FORM_SOURCE,
                                      request.app.state.strict_units)).result
    status = 422 if result.status == "invalid" else 200
    # ?detail=1 gives what `--detail` gives: every indicator and every sentence (the page shows them).
    detail = request.query_params.get("detail") in ("1", "true")
    return Response(api.unit_json(library, result, lang_of(request), detail), status_code=status,
                    media_type="application/json")


async def save(request: Request) -> Response:
    ok, body = await json_body(request)
    if not ok:
        return _not_json(request)
    if not isinstance(body, dict):
        return JSONResponse({"error": say(request, "web_not_save_request")}, status_code=422)
    library, history, lang = request.app.state.library, request.app.state.history, lang_of(request)
    evaluation = await run_in_threadpool(api.evaluate_inputs, library, body.get("inputs"), FORM_SOURCE,
                                         request.app.state.strict_units)
    result = evaluation.result
    try:
        saved = await run_in_threadpool(history.save, api.criteria_of(library, result), result, evaluation.values,
                                        body.get("replace") is True)
    except NotSavable as error:
        return JSONResponse({"error": error.message.render(lang),
                             "unit": api.unit_object(library, result, lang, detail=True)}, status_code=422)
    except AlreadySaved as error:
        old = error.saved
        return JSONResponse({"error": Message("history_exists", {"unit": old.unit_code, "period": old.period,
                                                                  "saved_at": local_time(old.saved_at, lang)}).render(lang),
                             "unit_code": old.unit_code, "period": old.period, "saved_at": old.saved_at},
                            status_code=409)
    return JSONResponse({"message": say(request, "web_saved", unit=saved.unit_code, period=saved.period),
                         "unit_code": saved.unit_code, "period": saved.period, "saved_at": saved.saved_at},
                        status_code=201)


async def unit_history(request: Request) -> Response:
    periods = await run_in_threadpool(request.app.state.history.periods, request.path_params["unit_code"])
    return JSONResponse(comparison_json(compare(periods), lang_of(request)))


async def unit_lookup(request: Request) -> Response:
    """What the page fills as soon as a valid code is typed: the unit's name and province (and district, before
    the reform) from the official list of the period's map."""
    from engine.registry.checks import _NO_DAY, _day
    from engine.registry.maps import map_for, normalise_code

    code = request.path_params["code"]
    day = _day(request.query_params.get("period"))
    map_ = map_for(None if day is _NO_DAY else day)
    found = map_.get(normalise_code(code))
    lang = lang_of(request)
    if found is None:
        return JSONResponse({"error": Message("registry_code_unknown", {"code": code[:20], "map": map_.label,
                                                                       "hint": ""}).render(lang)}, status_code=404)
    return JSONResponse({"unit_code": found.code, "unit_name": found.name, "kind": found.kind,
                         "province": found.province, "district": found.district, "list": map_.label(lang)})


async def labels(request: Request) -> Response:
    """What the page relabels when the period typed changes: a unit after the 1 July 2025 reform has no district.
    A period that cannot be dated is labelled as one before (the label the page started with)."""
    period = request.query_params.get("period", "")[:100]
    return JSONResponse(period_labels(request.app.state.criteria, period, lang_of(request)))
