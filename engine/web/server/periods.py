"""Which period a page shows when none is asked for, and which periods a commune is offered: the periods of the
kinds that have due dates (engine/data/deadlines.yaml or the province's file), so that a first visit lands on
the work at hand.

    current_period(deadlines, today) -> "2026"       the period whose file is due next among those that have
                                                     begun; when every begun period's due date has passed, the
                                                     one due last (late files are still handed in and decided)
    offered_periods(deadlines, today) -> [DueDates]  last year's and this year's begun periods, due last first
"""
from __future__ import annotations

import datetime as dt

from starlette.requests import Request

from engine.periods import parse_period
from engine.workflow.deadlines import Deadlines, DueDates
from engine.workflow.service import period_of


def _name(year: int, kind: str) -> str:
    return str(year) if kind == "year" else f"{year}-{kind}"


def _is_year(due: DueDates) -> bool:
    return len(due.period) == 4


def offered_periods(deadlines: Deadlines, today: dt.date | None = None) -> list[DueDates]:
    """The periods of last year and this year (of every kind with due dates, and any period the configuration
    names) that have begun by `today`, with their due dates, the one due last first (a year before its halves on
    the same day: recognition is yearly)."""
    today = today or dt.date.today()
    names = {_name(year, kind) for year in (today.year - 1, today.year) for kind in deadlines.by_kind}
    names.update(name for name in deadlines.periods if parse_period(name).start.year >= today.year - 1)
    found = []
    for name in names:
        if parse_period(name).start > today:
            continue
        due = deadlines.for_period(name)
        if due is not None:
            found.append(due)
    return sorted(found, key=lambda d: (d.submission_due, _is_year(d), d.period), reverse=True)


def current_period(deadlines: Deadlines, today: dt.date | None = None) -> str:
    """The period to show first: among the periods that have begun, the one whose submission is due next (the
    year before its half on the same day); when all are past due, the one due last; this year when no due date
    is configured."""
    today = today or dt.date.today()
    begun = offered_periods(deadlines, today)
    upcoming = [d for d in begun if d.submission_due >= today]
    if upcoming:
        return min(upcoming, key=lambda d: (d.submission_due, not _is_year(d))).period
    return begun[0].period if begun else str(today.year)


def period_asked(request: Request) -> str:
    """The canonical period of ?period=, else the current one. Raises Refused for one that cannot be dated."""
    asked = (request.query_params.get("period") or "").strip()
    if not asked:
        return current_period(request.app.state.deadlines)
    return period_of(asked).text
