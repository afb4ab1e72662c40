"""Which period a page shows when none is asked for: the one whose submission is due next (the due dates of
engine/data/deadlines.yaml or the province's file), so that a first visit lands on the work at hand."""
from __future__ import annotations

import datetime as dt

from starlette.requests import Request

from engine.workflow.deadlines import Deadlines
from engine.workflow.service import period_of


def current_period(deadlines: Deadlines, today: dt.date | None = None) -> str:
    """The period (this year's or next year's halves and year) whose submission due date comes next; this year
    when no due date is configured."""
    today = today or dt.date.today()
    upcoming = []
    for year in (today.year, today.year + 1):
        for period in (f"{year}-H1", f"{year}-H2", str(year)):
            due = deadlines.for_period(period)
            if due is not None and due.submission_due >= today:
                upcoming.append((due.submission_due, len(period) == 4, period))
    return min(upcoming)[2] if upcoming else str(today.year)


def period_asked(request: Request) -> str:
    """The canonical period of ?period=, else the current one. Raises Refused for one that cannot be dated."""
    asked = (request.query_params.get("period") or "").strip()
    if not asked:
        return current_period(request.app.state.deadlines)
    return period_of(asked).text
