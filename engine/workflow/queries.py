"""Reading submissions: one whole (with its adjustments, evidence list and events), or a list of what the
caller may see, and the audit trail for those who may read it. Mixed into Workflow (service.py)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine.messages import Message
from engine.store import audit
from engine.store.models import Adjustment, Evidence, Event, Submission, Unit
from engine.workflow.access import AUDIT, VIEW, Place, Principal
from engine.workflow.errors import Forbidden, NotFound, Refused
from engine.workflow.states import STATES
from engine.workflow.views import (SubmissionDetail, SubmissionSummary, adjustment, evidence_info, summary)

__all__ = ["Queries", "SubmissionDetail", "SubmissionSummary"]

# A file is "submitted" either because its commune handed it in or because the province reopened an appraisal;
# whichever of these two events came last says which (nothing else leads into that state: engine/workflow/states.py).
_INTO_SUBMITTED = ("submission.submit", "submission.reopen")
_REOPEN = "submission.reopen"
_CODES_PER_QUERY = 500  # keeps each IN (...) well under every database's limit on bound parameters


def _reopened_by(status: str, last_into_submitted: str | None) -> bool:
    """Whether a file is submitted because the province reopened it, from its state and the last event that led
    into "submitted"."""
    return status == "submitted" and last_into_submitted == _REOPEN


def _reopened(session, rows) -> set[tuple[str, str]]:
    """(unit code, period) of the rows that are submitted because the province reopened them."""
    waiting = {(row.unit_code, row.period) for row in rows if row.status == "submitted"}
    codes = sorted({code for code, _ in waiting})
    last: dict[tuple[str, str], str] = {}
    for start in range(0, len(codes), _CODES_PER_QUERY):
        query = (select(Event.unit_code, Event.period, Event.action)
                 .where(Event.unit_code.in_(codes[start:start + _CODES_PER_QUERY]),
                        Event.action.in_(_INTO_SUBMITTED)).order_by(Event.id))
        for code, period, action in session.execute(query):
            last[(code, period)] = action
    return {key for key in waiting if _reopened_by("submitted", last.get(key))}


class Queries:
    def get(self, principal: Principal, unit_code: str, period: str) -> SubmissionDetail:
        """One submission whole. Forbidden for a unit the caller may not see (whether or not it exists)."""
        from engine.workflow.service import key_of

        code, per = key_of(unit_code, period)
        with self.store.reading() as session:
            place = Place.of(session.get(Unit, code), code)
            if not principal.may(VIEW) or not principal.can_see(place):
                raise Forbidden("wf_forbidden", login=principal.login, action=Message("wf_action_view"), unit=code)
            row = session.scalars(select(Submission).where(Submission.unit_code == code,
                                                           Submission.period == per.text)).one_or_none()
            if row is None:
                raise NotFound("wf_not_found", unit=code, period=per.text)
            # The adjustments of the latest appraisal (made in its transaction, at its moment): a file the province
            # reopened and the board appraised again keeps the earlier ones in the table and the events.
            adjustments = [] if row.appraised_at is None else session.scalars(
                select(Adjustment).where(Adjustment.submission_id == row.id, Adjustment.at >= row.appraised_at)
                .order_by(Adjustment.id))
            files = session.scalars(select(Evidence).where(Evidence.submission_id == row.id,
                                                           Evidence.withdrawn_at.is_(None)).order_by(Evidence.id))
            events = list(session.scalars(select(Event).where(Event.unit_code == code, Event.period == per.text)
                                          .order_by(Event.id)))
            last = next((e.action for e in reversed(events) if e.action in _INTO_SUBMITTED), None)
            reopened = _reopened_by(row.status, last)
            return SubmissionDetail(
                summary(row, reopened), row.unit.district, row.unit.province, row.criteria_id, row.criteria_digest,
                row.self_inputs, row.self_result, row.appraised_inputs, row.appraised_result, row.board_comment,
                row.decision_number, row.decision_date, row.decision_reason, row.submitted_at, row.appraised_at,
                row.decided_at, [adjustment(a) for a in adjustments],
                [evidence_info(f, code, per.text) for f in files], [audit.entry(e) for e in events],
                principal.allowed(place, row.status))

    def list(self, principal: Principal, period: str | None = None, status: str | None = None
             ) -> list[SubmissionSummary]:
        """The submissions the caller may see, by unit code, then by the day their period ends."""
        from engine.workflow.service import period_of

        query = (select(Submission).join(Submission.unit).where(principal.visible_units())
                 .order_by(Submission.unit_code, Submission.period_end, Submission.period_start.desc()))
        if not principal.may(VIEW):
            return []
        if period is not None:
            query = query.where(Submission.period == period_of(period).text)
        if status is not None:
            if status not in STATES:
                raise Refused("wf_bad_status", status=str(status), statuses=", ".join(STATES))
            query = query.where(Submission.status == status)
        with self.store.reading() as session:
            rows = list(session.scalars(query))
            reopened = _reopened(session, rows)
            return [summary(row, (row.unit_code, row.period) in reopened) for row in rows]

    def audit(self, principal: Principal, unit_code: str | None = None, since: dt.datetime | None = None
              ) -> list[audit.AuditEntry]:
        """The audit trail (province: its units' events; admin: every event), oldest first."""
        if not principal.may(AUDIT):
            raise Forbidden("wf_forbidden", login=principal.login, action=Message("wf_action_audit"),
                            unit=unit_code or "*")
        from engine.units.codes import code_key

        code = code_key(unit_code) if unit_code else None
        if principal.role == "admin":
            return audit.events(self.store, unit_code=code, since=since)
        with self.store.reading() as session:
            visible = set(session.scalars(select(Unit.code).where(principal.visible_units())))
        if code is not None:
            if code not in visible:
                raise Forbidden("wf_forbidden", login=principal.login, action=Message("wf_action_audit"), unit=code)
            return audit.events(self.store, unit_code=code, since=since)
        return audit.events(self.store, unit_codes=sorted(visible), since=since)
