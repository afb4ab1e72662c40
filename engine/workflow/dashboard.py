"""The province's view of a period, over the units the caller may see (the units the server knows: made with
the communes' accounts, or by their first drafts):

    status_counts(store, principal, period) -> dict[state, count]     every state, and "none": no file yet
    recognition_rate(store, principal, period, targets=None) -> RecognitionRate
        recognised units / units known, against the national target for the period's year
        (engine/data/targets.yaml: 65% by 2025, 75% by 2030)
    not_submitted(store, principal, period, deadlines, today=None) -> Reminder | None
        the units that have not handed in (no file, a draft, or a returned file), and the days left before
        the period's submission due date (negative: late); None when no due date is configured
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from engine.messages import Message
from engine.store.database import Store
from engine.store.models import Submission, Unit
from engine.workflow.access import VIEW, Principal
from engine.workflow.deadlines import Deadlines
from engine.workflow.errors import Forbidden
from engine.workflow.service import period_of
from engine.workflow.states import STATES, SUBMITTED

NONE = "none"  # a unit the server knows with no file for the period


def _units(store: Store, principal: Principal, period: str) -> list[tuple[str, str | None, str | None]]:
    """(code, name, status or None) of every unit the caller may see, for one period."""
    if not principal.may(VIEW):
        raise Forbidden("wf_forbidden", login=principal.login, action=Message("wf_action_view"), unit="*")
    text = period_of(period).text
    query = (select(Unit.code, Unit.name, Submission.status)
             .outerjoin(Submission, (Submission.unit_code == Unit.code) & (Submission.period == text))
             .where(principal.visible_units()).order_by(Unit.code))
    with store.reading() as session:
        return [tuple(row) for row in session.execute(query)]


def status_counts(store: Store, principal: Principal, period: str) -> dict[str, int]:
    counts = dict.fromkeys((*STATES, NONE), 0)
    for _, _, status in _units(store, principal, period):
        counts[status or NONE] += 1
    return counts


@dataclass(frozen=True)
class RecognitionRate:
    period: str
    recognised: int
    units: int
    percent: float | None          # None when no unit is known
    target_year: int | None
    target_percent: float | None
    citation: str

    @property
    def gap(self) -> float | None:
        """Percentage points still to go to the target (negative: beyond it)."""
        if self.percent is None or self.target_percent is None:
            return None
        return self.target_percent - self.percent


def recognition_rate(store: Store, principal: Principal, period: str, targets=None) -> RecognitionRate:
    from engine.aggregate.load import load_targets

    targets = targets or load_targets()
    units = _units(store, principal, period)
    recognised = sum(1 for _, _, status in units if status == "recognized")
    year = period_of(period).end.year
    goal = next((t for t in sorted(targets.targets, key=lambda t: t.year) if t.year >= year), None)
    goal = goal or max(targets.targets, key=lambda t: t.year)
    return RecognitionRate(period_of(period).text, recognised, len(units),
                           100.0 * recognised / len(units) if units else None, goal.year, goal.percent,
                           targets.citation)


@dataclass(frozen=True)
class Pending:
    unit_code: str
    unit_name: str | None
    status: str | None  # None: no file yet; else draft or returned


@dataclass(frozen=True)
class Reminder:
    period: str
    submission_due: dt.date
    report_due: dt.date | None
    days_left: int
    pending: list[Pending]


def not_submitted(store: Store, principal: Principal, period: str, deadlines: Deadlines,
                  today: dt.date | None = None) -> Reminder | None:
    due = deadlines.for_period(period)
    if due is None:
        return None
    today = today or dt.date.today()
    pending = [Pending(code, name, status) for code, name, status in _units(store, principal, period)
               if status not in SUBMITTED]
    return Reminder(due.period, due.submission_due, due.report_due, (due.submission_due - today).days, pending)
