"""What the workflow gives back: plain data (the database session is gone when the caller reads it), each with
`as_json()` in the shape of the web API (README, "Province server API")."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from engine.store.audit import AuditEntry
from engine.store.models import Adjustment, Evidence, Submission


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class SubmissionSummary:
    """A row of a list: GET /api/submissions."""

    unit_code: str
    unit_name: str | None
    period: str
    status: str
    self_total: int
    appraised_total: int | None
    updated_at: dt.datetime
    version: int
    # Submitted again by the province's reopen, not by the commune: the board must appraise it again. The state
    # alone ("submitted") cannot tell the two apart; the events can (Queries.reopened).
    reopened: bool = False

    def as_json(self) -> dict:
        return {"unit_code": self.unit_code, "unit_name": self.unit_name, "period": self.period,
                "status": self.status, "reopened": self.reopened, "self_total": self.self_total,
                "appraised_total": self.appraised_total, "updated_at": self.updated_at.isoformat(),
                "version": self.version}


def summary(row: Submission, reopened: bool = False) -> SubmissionSummary:
    return SubmissionSummary(row.unit_code, row.unit.name if row.unit else None, row.period, row.status,
                             row.self_total, row.appraised_total, row.updated_at, row.version, reopened)


@dataclass(frozen=True)
class AdjustmentView:
    input: str
    before: Any
    after: Any
    reason: str
    by: str
    at: dt.datetime

    def as_json(self) -> dict:
        return {"input": self.input, "before": self.before, "after": self.after, "reason": self.reason,
                "by": self.by, "at": self.at.isoformat()}


def adjustment(row: Adjustment) -> AdjustmentView:
    return AdjustmentView(row.input, row.before, row.after, row.reason, row.by, row.at)


@dataclass(frozen=True)
class EvidenceInfo:
    """An evidence file without its bytes (Workflow.evidence_file gives them)."""

    id: int
    unit_code: str
    period: str
    criterion: int | None
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: dt.datetime

    def as_json(self) -> dict:
        return {"id": self.id, "criterion": self.criterion, "name": self.name, "content_type": self.content_type,
                "size": self.size, "sha256": self.sha256, "uploaded_by": self.uploaded_by,
                "uploaded_at": self.uploaded_at.isoformat()}


def evidence_info(row: Evidence, unit_code: str, period: str) -> EvidenceInfo:
    return EvidenceInfo(row.id, unit_code, period, row.criterion, row.name, row.content_type, row.size, row.sha256,
                        row.uploaded_by, row.uploaded_at)


@dataclass(frozen=True)
class SubmissionDetail:
    """One submission whole: GET /api/submissions/{unit_code}/{period}. Results are stored UnitResult JSON
    (both languages); `as_json(library, lang)` shows each as the unit object of `cfc evaluate --format json`.
    `allowed`: the actions the caller may take now (for the page's buttons)."""

    summary: SubmissionSummary
    district: str | None
    province: str | None
    criteria_id: str
    criteria_digest: str
    self_inputs: dict[str, Any]
    self_result: dict[str, Any]
    appraised_inputs: dict[str, Any] | None
    appraised_result: dict[str, Any] | None
    board_comment: str | None
    decision_number: str | None
    decision_date: dt.date | None
    decision_reason: str | None
    submitted_at: dt.datetime | None
    appraised_at: dt.datetime | None
    decided_at: dt.datetime | None
    adjustments: list[AdjustmentView] = field(default_factory=list)
    evidence: list[EvidenceInfo] = field(default_factory=list)
    events: list[AuditEntry] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.summary.status

    @property
    def version(self) -> int:
        return self.summary.version

    def as_json(self, library, lang: str = "vi", detail: bool = True) -> dict:
        from engine.workflow.scoring import unit_object

        def shown(result):
            return unit_object(library, result, lang, detail) if result else None

        return {**self.summary.as_json(), "district": self.district, "province": self.province,
                "criteria_id": self.criteria_id, "criteria_digest": self.criteria_digest,
                "self_inputs": self.self_inputs, "self_result": shown(self.self_result),
                "appraised_inputs": self.appraised_inputs, "appraised_result": shown(self.appraised_result),
                "board_comment": self.board_comment, "decision_number": self.decision_number,
                "decision_date": _iso(self.decision_date), "decision_reason": self.decision_reason,
                "submitted_at": _iso(self.submitted_at), "appraised_at": _iso(self.appraised_at),
                "decided_at": _iso(self.decided_at),
                "adjustments": [a.as_json() for a in self.adjustments],
                "evidence": [e.as_json() for e in self.evidence],
                "events": [e.as_json() for e in self.events], "allowed": list(self.allowed)}
