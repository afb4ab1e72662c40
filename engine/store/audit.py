"""The audit trail: every change to stored data is an event — who, when, what, which unit and period, the value
before and after — written in the same transaction as the change, so that one is never kept without the other.

Events are only ever added: the database refuses UPDATE and DELETE on the table (triggers made by migration
0001), and nothing here offers either.

Actions (the `action` column): history.save, history.replace (before: the whole replaced row),
history.merged / history.adopted (an old history file adopted by migration 0001); accounts: user.add,
user.disable, user.enable, user.password, login.ok, login.failed; the workflow: submission.<action> for each
action of engine/workflow/states.py (save_draft, add_evidence, submit, return, appraise, recognise,
not_recognise), its `after` holding the submission's new status and version.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Iterable, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.results.cells import csv_writer
from engine.store.database import Store
from engine.store.models import Event, utcnow

LOCAL = "local"  # the actor of what the CLI and the single-user page do: no account stands behind it


def jsonable(value: Any) -> Any:
    """A value as JSON can hold it: days and moments as ISO 8601 text, tuples and sets as lists."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v) for v in value)
    return value


def record(session: Session, action: str, actor: str, *, unit_code: str | None = None, period: str | None = None,
           before: Any = None, after: Any = None, at: dt.datetime | None = None) -> Event:
    """Add one event to the session's transaction (it is committed with the change it describes)."""
    event = Event(at=at or utcnow(), actor=actor, action=action, unit_code=unit_code, period=period,
                  before=jsonable(before), after=jsonable(after))
    session.add(event)
    return event


@dataclass(frozen=True)
class AuditEntry:
    """An event as read back (plain data: the session that read it is gone)."""

    id: int
    at: dt.datetime
    actor: str
    action: str
    unit_code: str | None
    period: str | None
    before: Any
    after: Any

    def as_json(self) -> dict:
        return {"id": self.id, "at": self.at.isoformat(), "actor": self.actor, "action": self.action,
                "unit_code": self.unit_code, "period": self.period, "before": self.before, "after": self.after}


def entry(event: Event) -> AuditEntry:
    return AuditEntry(event.id, event.at, event.actor, event.action, event.unit_code, event.period,
                      event.before, event.after)


def events(store: Store, *, unit_codes: Iterable[str] | None = None, unit_code: str | None = None,
           period: str | None = None, since: dt.datetime | None = None, actions: Iterable[str] | None = None,
           limit: int | None = None) -> list[AuditEntry]:
    """Events, oldest first, filtered by unit (one, or any of `unit_codes`), period, time (at or after `since`,
    a moment with a zone) and action. Who may read which is for the caller (engine/workflow/access.py)."""
    query = select(Event).order_by(Event.at, Event.id)
    if unit_code is not None:
        query = query.where(Event.unit_code == unit_code)
    if unit_codes is not None:
        query = query.where(Event.unit_code.in_(list(unit_codes)))
    if period is not None:
        query = query.where(Event.period == period)
    if since is not None:
        query = query.where(Event.at >= since)
    if actions is not None:
        query = query.where(Event.action.in_(list(actions)))
    if limit is not None:
        query = query.limit(limit)
    with store.reading() as session:
        return [entry(e) for e in session.scalars(query)]


EXPORT_COLUMNS = ["id", "at", "actor", "action", "unit_code", "period", "before", "after"]


def export_csv(entries: Iterable[AuditEntry], handle: TextIO) -> int:
    """The audit trail as CSV, formula-safe like every CSV cfc writes (before and after as JSON text).
    Returns the number of rows."""
    writer = csv_writer(handle, lineterminator="\n")  # formula-safe: logins, names and values are typed by people
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for e in entries:
        cells = [e.id, e.at.isoformat(), e.actor, e.action, e.unit_code or "", e.period or "",
                 "" if e.before is None else json.dumps(e.before, ensure_ascii=False, sort_keys=True),
                 "" if e.after is None else json.dumps(e.after, ensure_ascii=False, sort_keys=True)]
        writer.writerow(cells)
        count += 1
    return count
