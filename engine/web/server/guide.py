"""What the pages tell a person who has never used them: whose files these are, which period to open and when it
is due, what happens next to a file for the person looking at it, and the words behind stored codes (a choice's
label, an audit action's name). Plain functions over the workflow's data; the templates show what they return."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from starlette.requests import Request

from engine.messages import CATALOG
from engine.store.models import Unit
from engine.web.params import say
from engine.web.server.periods import current_period, offered_periods
from engine.workflow.service import PLACE_INPUTS

AWAITING_BOARD = ("submitted", "resubmitted")
DECIDED = ("recognized", "not_recognized")


def unit_record(request: Request, code: str | None) -> dict[str, str | None] | None:
    """The server's record of a unit (made with its account or its first draft): name, district, province."""
    if not code:
        return None
    with request.app.state.store.reading() as session:
        unit = session.get(Unit, code)
        if unit is None:
            return None
        return {"code": unit.code, "unit_name": unit.name, "district": unit.district, "province": unit.province}


def scope_text(request: Request) -> str:
    """Whose files a list shows, in the person's words: the commune's name, the board's area, the province."""
    who = request.state.principal
    if who.role == "commune":
        unit = unit_record(request, who.unit)
        return f"{unit['unit_name']} ({who.unit})" if unit and unit["unit_name"] else who.unit or ""
    if who.role == "board":
        return ", ".join(who.area)
    if who.role == "province":
        return who.province or ""
    return say(request, "srv_role_admin")


def period_options(request: Request, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The periods a commune may open (those begun, last year's and this year's), each with its due date in
    words; the one to work on first is marked. Empty when no due date is configured at all."""
    today = today or dt.date.today()
    deadlines = request.app.state.deadlines
    chosen = current_period(deadlines, today)
    options = []
    for due in offered_periods(deadlines, today):
        kind = "year" if len(due.period) == 4 else due.period[5:]
        kind_text = say(request, f"srv_kind_{kind}") if f"srv_kind_{kind}" in CATALOG else due.period
        key = "srv_period_option" if due.submission_due >= today else "srv_period_option_late"
        options.append({"value": due.period, "selected": due.period == chosen,
                        "label": say(request, key, period=due.period, kind=kind_text,
                                     due=due.submission_due.strftime("%d/%m/%Y"))})
    return options


def _role_group(role: str) -> str:
    return {"commune": "commune", "board": "board"}.get(role, "province")


def next_step(request: Request, status: str | None) -> str | None:
    """One sentence: what happens next to a file in `status`, for the person looking at it (None: nothing to
    say — a decided file says its decision)."""
    if status is None or status in DECIDED:
        return None
    state = "submitted" if status in AWAITING_BOARD else status
    for key in (f"srv_next_{state}_{_role_group(request.state.principal.role)}", f"srv_next_{state}_other"):
        if key in CATALOG:
            return say(request, key)
    return None


def reopened_note(detail) -> Any:
    """The province's return to the board (its event) when it is the file's latest word: after it, no new
    appraisal yet."""
    last = None
    for event in detail.events:
        if event.action == "submission.reopen":
            last = event
        elif event.action == "submission.appraise":
            last = None
    return last


def choice_labels(groups) -> dict[str, dict[str, str]]:
    """For every input with choices (yes/no, the unit's category): the stored value → its label."""
    return {f.name: dict(f.choices) for group in groups for f in group.fields if f.choices}


def adjustable(name: str) -> bool:
    """May the board give an appraised value for this input? Not the file's key, nor where the unit is (the
    server's record of the unit decides that, not a figure)."""
    return name not in ("unit_code", "period", *PLACE_INPUTS)


def evidence_by_criterion(detail) -> dict[int | None, list]:
    found: dict[int | None, list] = {}
    for item in (detail.evidence if detail else []):
        found.setdefault(item.criterion, []).append(item)
    return found


def action_words(request: Request, action: str) -> str:
    """An audit action in words: "submission.appraise" → "thẩm định"; one the catalogue lacks stays as stored."""
    family, _, what = action.partition(".")
    for key in (f"wf_action_{what}" if family == "submission" else "", f"audit_{family}_{what}"):
        if key and key in CATALOG:
            return say(request, key)
    return action


def actor_words(request: Request, actor: str) -> str:
    from engine.store.audit import LOCAL

    return say(request, "srv_actor_local") if actor == LOCAL else actor


def value_words(value: Any) -> str:
    """A before/after value of the audit trail, readable: "key: value" per line for an object, Vietnamese as
    written (never escaped), nested values as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "\n".join(f"{key}: {_one(item)}" for key, item in sorted(value.items()))
    return _one(value)


def _one(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def official_units(request: Request, period: str, lang: str) -> dict[str, Any] | None:
    """For a province account: how many commune-level units the official list gives its province on the
    period's map (the dashboard's rate counts only the units with an account on this server)."""
    from engine.registry import map_for

    who = request.state.principal
    if who.role != "province" or not who.province:
        return None
    from engine.workflow.service import period_of

    admin_map = map_for(period_of(period).end)
    code = admin_map.find_province(who.province)
    if code is None:
        return None
    return {"province": admin_map.provinces[code], "count": len(admin_map.in_province(code)),
            "list": admin_map.label.vi if lang == "vi" else admin_map.label.en}


def units_to_target(recognised: int, units: int, target_percent: float | None) -> int:
    """How many more recognised units reach the target share (0 when it is reached)."""
    import math

    if not units or target_percent is None:
        return 0
    return max(0, math.ceil(target_percent * units / 100 - 1e-9) - recognised)


def unit_names(store) -> dict[str, str]:
    """Every unit's name the server records, by code (the accounts page shows a commune account's unit by name)."""
    from sqlalchemy import select

    with store.reading() as session:
        return {code: name or "" for code, name in session.execute(select(Unit.code, Unit.name))}
