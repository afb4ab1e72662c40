"""What the workflow refuses, each a MessageError (one sentence, either language) with the HTTP status the web
layer answers with (`http_status`):

    Forbidden     403  the role may not do this, or not to this unit (also for a unit the caller cannot see,
                       whether or not it has a submission: existence is not revealed)
    NotFound      404  no submission (or evidence file) for this unit and period
    WrongState    409  not allowed in the submission's current state
    StaleVersion  409  the caller's version is not the current one; says who changed what, and when
    Refused       422  the request itself cannot be taken: invalid inputs, an adjustment without a reason,
                       an evidence file of a type not accepted, a decision on a unit that does not meet the standard
"""
from __future__ import annotations

from typing import Any

from engine.messages import Message, MessageError


class WorkflowError(MessageError):
    http_status = 400

    def __init__(self, key: str, /, **params: Any):
        self.key = key
        super().__init__(key, **params)


class Forbidden(WorkflowError):
    http_status = 403


class NotFound(WorkflowError):
    http_status = 404


class Refused(WorkflowError):
    http_status = 422


class WrongState(WorkflowError):
    http_status = 409

    def __init__(self, action: str, state: str | None, unit: str, period: str):
        self.action, self.state = action, state
        super().__init__("wf_wrong_state", unit=unit, period=period, action=Message("wf_action_" + action),
                         state=Message("wf_state_" + (state or "none")))


class StaleVersion(WorkflowError):
    """`current`: the version now stored; `changes`: the events since the caller's version (AuditEntry)."""

    http_status = 409

    def __init__(self, unit: str, period: str, yours: int, current: int, changes: list):
        self.yours, self.current, self.changes = yours, current, changes
        last = changes[-1] if changes else None
        if last is None:
            super().__init__("wf_stale", unit=unit, period=period, yours=yours, current=current)
        else:
            super().__init__("wf_stale_by", unit=unit, period=period, yours=yours, current=current,
                             actor=last.actor, at=last.at.isoformat(timespec="seconds"),
                             action=Message("wf_action_" + last.action.split(".", 1)[-1]))
