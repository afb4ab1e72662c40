"""The procedure's operations. Each is one transaction that checks who is asking (access.py), the state
(states.py) and the version the caller read, changes the submission, and records what changed as an event.

    wf = Workflow(store, library)          library: engine CriteriaLibrary (the set is chosen by the period)
    wf.save_draft(principal, unit_code, period, inputs, version) -> SubmissionDetail     commune
    wf.submit(principal, unit_code, period, version=None) -> SubmissionDetail            commune
    wf.return_(principal, unit_code, period, comment, version=None) -> SubmissionDetail  board
    wf.appraise(principal, unit_code, period, adjustments, version) -> SubmissionDetail  board
         adjustments: [{"input": name, "value": value, "reason": text}]
    wf.recognise(principal, unit_code, period, decision_number, decision_date, version=None)   province
    wf.not_recognise(principal, unit_code, period, reason, version=None)                       province
    wf.reopen(principal, unit_code, period, comment, version=None)      province: back to the board
    wf.add_evidence(principal, unit_code, period, content, name, criterion=None) -> EvidenceInfo
    wf.evidence_file(principal, evidence_id) -> (EvidenceInfo, bytes)
    wf.get(principal, unit_code, period) -> SubmissionDetail
    wf.list(principal, period=None, status=None) -> list[SubmissionSummary]
    wf.audit(principal, unit_code=None, since=None) -> list[AuditEntry]

`version` is the submission's version as the caller read it (0 or None before the first draft). A write
naming an older one raises StaleVersion saying who changed it and how; exceptions: engine/workflow/errors.py.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.criteria.versions import CriteriaLibrary
from engine.messages import Message
from engine.periods import Period, PeriodError, parse_period
from engine.results.model import to_data
from engine.store import audit
from engine.store.database import Store
from engine.store.models import Adjustment, Event, Submission, Unit, utcnow
from engine.store.users import register_unit
from engine.text import Text
from engine.units.codes import code_key
from engine.workflow import evidence, queries
from engine.workflow.access import Place, Principal
from engine.workflow.errors import Forbidden, NotFound, Refused, StaleVersion
from engine.workflow.scoring import score
from engine.workflow.states import next_state

IDENTITY = ("unit_code", "period")          # inputs that key a submission: never changed by an adjustment
PLACE_INPUTS = ("unit_name", "district", "province")
DECIDED = ("recognized", "not_recognized")  # engine statuses of complete, valid data


def period_of(period: Any) -> Period:
    """The canonical period. Raises Refused for one that cannot be dated."""
    try:
        return parse_period(period)
    except PeriodError as error:
        raise Refused("wf_bad_period", reason=error.message) from None


def key_of(unit_code: Any, period: Any) -> tuple[str, Period]:
    """The normalised code and canonical period. Raises Refused for a blank code or an undatable period."""
    code = code_key(unit_code)
    if not code:
        raise Refused("wf_bad_unit", unit=str(unit_code))
    return code, period_of(period)


class Workflow(evidence.EvidenceOperations, queries.Queries):
    def __init__(self, store: Store, library: CriteriaLibrary | None = None):
        self.store = store
        self.library = library if library is not None else CriteriaLibrary.load()

    # ------------------------------------------------------------ the commune

    def save_draft(self, principal: Principal, unit_code: str, period: str, inputs: dict[str, Any],
                   version: int | None) -> queries.SubmissionDetail:
        """Keep the commune's figures (scored at once) as its draft: a new one, or a draft or returned file."""
        code, per = key_of(unit_code, period)
        if not isinstance(inputs, dict):
            raise Refused("wf_inputs_not_object")
        try:
            with self.store.writing() as session:
                row = self._row(session, code, per)
                place = self._place(session, code)
                self._check(principal, "save_draft", place, row, version, code, per, session)
                unit = session.get(Unit, code) or register_unit(session, code, *(inputs.get(n) for n in PLACE_INPUTS))
                given = {**inputs, "unit_code": code, "period": per.text}
                for name, known in zip(PLACE_INPUTS, (unit.name, unit.district, unit.province)):
                    if known and not _given(given.get(name)):
                        given[name] = known  # the server's record fills what the form left blank
                scored = score(self.library, given)
                values = {k: v for k, v in scored.values.items() if v is not None}
                now = utcnow()
                before = None if row is None else {"status": row.status, "version": row.version,
                                                   "inputs": row.self_inputs}
                if row is None:
                    row = Submission(unit_code=code, period=per.text, period_start=per.start, period_end=per.end,
                                     status="draft", created_at=now, created_by=principal.login)
                    session.add(row)
                row.criteria_id, row.criteria_digest = scored.criteria.instrument.id, scored.criteria.digest
                row.self_inputs, row.self_result = values, to_data(scored.result)
                row.self_status, row.self_total = scored.result.status, scored.result.total
                row.updated_at, row.updated_by = now, principal.login
                session.flush()
                changed_before, changed_after = _changed(before["inputs"] if before else {}, values)
                audit.record(session, "submission.save_draft", principal.login, unit_code=code, period=per.text,
                             before=before and {"status": before["status"], "version": before["version"],
                                                "inputs": changed_before},
                             after={"status": row.status, "version": row.version, "inputs": changed_after,
                                    "total": row.self_total, "result": row.self_status}, at=now)
        except (IntegrityError, StaleDataError):  # another first draft, or a change, won the race
            raise self._stale(code, per, version) from None
        return self.get(principal, code, per.text)

    def submit(self, principal: Principal, unit_code: str, period: str,
               version: int | None = None) -> queries.SubmissionDetail:
        """Hand the draft in (read-only for the commune from now on). Its figures must be complete and valid."""

        def apply(session, row, now):
            if row.self_status not in DECIDED:
                result = row.self_result
                missing = ", ".join(result.get("missing_inputs") or []) or "—"
                raise Refused("wf_not_submittable", unit=row.unit_code, period=row.period,
                              status=Message("status_" + row.self_status), missing=missing)
            row.submitted_at = now
            return {}

        return self._move(principal, "submit", unit_code, period, version, apply)

    # ------------------------------------------------------------ the board

    def return_(self, principal: Principal, unit_code: str, period: str, comment: str,
                version: int | None = None) -> queries.SubmissionDetail:
        """Send the file back to the commune with a comment saying what to correct."""
        comment = _text(comment)
        if not comment:
            raise Refused("wf_comment_needed")

        def apply(session, row, now):
            row.board_comment = comment
            return {"comment": comment}

        return self._move(principal, "return", unit_code, period, version, apply)

    def appraise(self, principal: Principal, unit_code: str, period: str, adjustments: list[dict[str, Any]],
                 version: int | None) -> queries.SubmissionDetail:
        """Accept the figures, changing any with a reason; the appraised figures are scored by the same engine
        and kept beside the commune's own."""
        wanted = _adjustments(adjustments)

        def apply(session, row, now):
            names = {d.name for d in self.library.for_period(row.period).inputs}
            for name in wanted:
                if name not in names or name in IDENTITY:
                    raise Refused("wf_adjust_unknown", input=name)
            given = {**row.self_inputs, **{name: value for name, (value, _) in wanted.items()}}
            scored = score(self.library, given)
            if scored.result.status not in DECIDED:
                errors = scored.result.errors
                problems = Text.of("; ".join(e.vi for e in errors) or "—", "; ".join(e.en for e in errors) or "—")
                raise Refused("wf_appraisal_invalid", unit=row.unit_code, period=row.period, problems=problems)
            values = {k: v for k, v in scored.values.items() if v is not None}
            made = []
            for name, (_, reason) in wanted.items():
                before, after = row.self_inputs.get(name), values.get(name)
                session.add(Adjustment(submission_id=row.id, input=name, before=before, after=after, reason=reason,
                                       by=principal.login, at=now))
                made.append({"input": name, "before": before, "after": after, "reason": reason})
            row.appraised_inputs, row.appraised_result = values, to_data(scored.result)
            row.appraised_status, row.appraised_total = scored.result.status, scored.result.total
            row.appraised_at = now
            return {"adjustments": made, "total": row.appraised_total, "result": row.appraised_status,
                    "self_total": row.self_total}

        return self._move(principal, "appraise", unit_code, period, version, apply)

    # ------------------------------------------------------------ the province

    def recognise(self, principal: Principal, unit_code: str, period: str, decision_number: str,
                  decision_date: dt.date | str, version: int | None = None) -> queries.SubmissionDetail:
        """Record the recognition decision (its number and date) of a unit whose appraised figures meet the
        standard."""
        number, day = _text(decision_number), _day(decision_date)
        if not number:
            raise Refused("wf_decision_needed")

        def apply(session, row, now):
            if row.appraised_status != "recognized":
                raise Refused("wf_not_eligible", unit=row.unit_code, period=row.period,
                              total=row.appraised_total, status=Message("status_" + (row.appraised_status or "invalid")))
            row.decision_number, row.decision_date, row.decided_at = number, day, now
            return {"decision_number": number, "decision_date": day}

        return self._move(principal, "recognise", unit_code, period, version, apply)

    def not_recognise(self, principal: Principal, unit_code: str, period: str, reason: str,
                      version: int | None = None) -> queries.SubmissionDetail:
        """Record that the unit is not recognised this period, and why."""
        reason = _text(reason)
        if not reason:
            raise Refused("wf_reason_needed")

        def apply(session, row, now):
            row.decision_reason, row.decided_at = reason, now
            return {"reason": reason}

        return self._move(principal, "not_recognise", unit_code, period, version, apply)

    def reopen(self, principal: Principal, unit_code: str, period: str, comment: str,
               version: int | None = None) -> queries.SubmissionDetail:
        """Before deciding, send an appraised file back to the board with a comment saying what to look at
        again. The board appraises it anew; the appraisal it replaces stays whole in the events and the
        adjustments table."""
        comment = _text(comment)
        if not comment:
            raise Refused("wf_reopen_comment_needed")

        def apply(session, row, now):
            return {"comment": comment, "appraised_total": row.appraised_total, "result": row.appraised_status}

        return self._move(principal, "reopen", unit_code, period, version, apply)

    # ------------------------------------------------------------ the common path

    def _move(self, principal: Principal, action: str, unit_code: str, period: str, version: int | None,
              apply: Callable[[Session, Submission, dt.datetime], dict]) -> queries.SubmissionDetail:
        code, per = key_of(unit_code, period)
        try:
            with self.store.writing() as session:
                row = self._row(session, code, per)
                state = self._check(principal, action, self._place(session, code), row, version, code, per, session)
                now = utcnow()
                before = {"status": row.status, "version": row.version}
                said = apply(session, row, now)
                row.status, row.updated_at, row.updated_by = state, now, principal.login
                session.flush()
                audit.record(session, "submission." + action, principal.login, unit_code=code, period=per.text,
                             before=before, after={"status": row.status, "version": row.version, **said}, at=now)
        except StaleDataError:
            raise self._stale(code, per, version) from None
        return self.get(principal, code, per.text)

    @staticmethod
    def _row(session: Session, code: str, period: Period) -> Submission | None:
        # FOR UPDATE: on PostgreSQL a second writer waits here and then sees the first one's version.
        return session.scalars(select(Submission).where(Submission.unit_code == code, Submission.period == period.text)
                               .with_for_update()).one_or_none()

    @staticmethod
    def _place(session: Session, code: str) -> Place:
        return Place.of(session.get(Unit, code), code)

    def _check(self, principal: Principal, action: str, place: Place, row: Submission | None, version: int | None,
               code: str, period: Period, session: Session) -> str:
        """Role, scope, version, state — in that order, so that nothing about a unit leaks to someone who may
        not see it. Returns the state the action leads to."""
        if not principal.may(action) or not principal.can_see(place):
            raise Forbidden("wf_forbidden", login=principal.login, action=Message("wf_action_" + action), unit=code)
        if row is None and action != "save_draft":
            raise NotFound("wf_not_found", unit=code, period=period.text)
        current = row.version if row is not None else 0
        if version is not None and int(version) != current or (action == "save_draft" and version is None and row):
            raise self._stale(code, period, version or 0, session)
        return next_state(action, row.status if row is not None else None, code, period.text)

    def _stale(self, code: str, period: Period, version: int | None, session: Session | None = None) -> StaleVersion:
        """What changed since `version`: the events of this submission that made a newer one."""
        def changes(s: Session):
            row = s.scalars(select(Submission.version).where(Submission.unit_code == code,
                                                              Submission.period == period.text)).one_or_none()
            since = [audit.entry(e) for e in s.scalars(
                select(Event).where(Event.unit_code == code, Event.period == period.text,
                                   Event.action.like("submission.%")).order_by(Event.id))
                if (e.after or {}).get("version", 0) > (version or 0)]
            return row or 0, since

        if session is not None:
            current, since = changes(session)
        else:
            with self.store.reading() as fresh:
                current, since = changes(fresh)
        return StaleVersion(code, period.text, version or 0, current, since)


def _given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _day(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise Refused("wf_bad_date", value=str(value)) from None


def _changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """The inputs that differ, before and after (an input absent on one side is None there)."""
    names = [n for n in dict.fromkeys([*before, *after]) if before.get(n) != after.get(n)]
    return {n: before.get(n) for n in names}, {n: after.get(n) for n in names}


def _adjustments(adjustments: Any) -> dict[str, tuple[Any, str]]:
    """{input: (value, reason)} from the request's list. Raises Refused for a malformed list, an input named
    twice, or an adjustment without a reason."""
    if adjustments is None:
        return {}
    if not isinstance(adjustments, list):
        raise Refused("wf_adjustments_not_list")
    wanted: dict[str, tuple[Any, str]] = {}
    for item in adjustments:
        if not isinstance(item, dict) or not isinstance(item.get("input"), str):
            raise Refused("wf_adjustments_not_list")
        name, reason = item["input"].strip(), item.get("reason")
        reason = reason.strip() if isinstance(reason, str) else ""  # a list or a number is no reason
        if not reason:
            raise Refused("wf_adjust_reason", input=name)
        if name in wanted:
            raise Refused("wf_adjust_twice", input=name)
        if not _given(item.get("value")):
            raise Refused("wf_adjust_blank", input=name)
        wanted[name] = (item.get("value"), reason)
    return wanted
