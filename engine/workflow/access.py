"""Who may do what: the one place that says it. Every workflow operation asks here, and so must every route.

A Principal is the person asking: a login, a role and a scope.

    commune    its own unit (the code of its account)
    board      its area: unit codes, and district or province names as units carry them
    province   the units of its province
    admin      every unit

What each role may do (ROLE_ACTIONS), and which unit it may do it to (can_see), are two questions; the state a
submission is in is a third (engine/workflow/states.py). `allowed(place, status)` answers all three.

A unit's place is the server's own record of it (the units table: made with the commune's account, or from
its first draft), never the names a commune types into a form afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true

from engine.periods import fold
from engine.store.models import Unit
from engine.units.codes import code_key
from engine.workflow.states import TRANSITIONS

# The workflow's actions (TRANSITIONS: what they do to a submission's state) and the reading ones:
#   view       a unit's submissions, evidence and results (within the role's scope)
#   dashboard  units by status for a period, the recognition rate, who has not submitted (board, province)
#   documents  the appraisal report and draft decision built from appraised data (board, province)
#   summary    the aggregate workbook, charts and summary report built from the server's data (province)
#   audit      the audit trail; manage_users: accounts
VIEW, AUDIT, MANAGE_USERS = "view", "audit", "manage_users"
DASHBOARD, DOCUMENTS, SUMMARY = "dashboard", "documents", "summary"
ACTIONS = (VIEW, *TRANSITIONS, DASHBOARD, DOCUMENTS, SUMMARY, AUDIT, MANAGE_USERS)

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "commune": frozenset({VIEW, "save_draft", "add_evidence", "submit"}),
    "board": frozenset({VIEW, "return", "appraise", DASHBOARD, DOCUMENTS}),
    "province": frozenset({VIEW, "recognise", "not_recognise", "reopen", DASHBOARD, DOCUMENTS, SUMMARY, AUDIT}),
    "admin": frozenset(ACTIONS),
}


def place_key(name: Any) -> str | None:
    """A district or province name as compared: as the registry compares names people type (engine/registry/
    names.py) — case, Unicode spelling, the tone mark's place and the kind in front do not matter, so "Hà Nội",
    "hà nội" and "Thành phố Hà Nội" (the official list's name) are one province."""
    from engine.registry.names import name_key

    if name is None:
        return None
    key = name_key(fold(str(name)))
    return key or None


@dataclass(frozen=True)
class Place:
    """Where a unit is, as the server records it."""

    code: str
    district_key: str | None = None
    province_key: str | None = None

    @classmethod
    def of(cls, unit: Unit | None, code: str) -> "Place":
        if unit is None:
            return cls(code)
        return cls(unit.code, unit.district_key, unit.province_key)


@dataclass(frozen=True)
class Principal:
    """The person asking. Build it from an account (`from_account`) once per request; pass it to every call."""

    login: str
    role: str
    unit: str | None = None             # commune
    area: tuple[str, ...] = ()          # board: codes and names
    province: str | None = None         # province

    @classmethod
    def from_account(cls, account) -> "Principal":
        """From engine.store.users.Account (or anything with login, role, unit_code, area, province)."""
        return cls(account.login, account.role, code_key(account.unit_code) if account.unit_code else None,
                   tuple(account.area or ()), account.province)

    @property
    def _area_codes(self) -> set[str]:
        return {code_key(a) for a in self.area if code_key(a)}

    @property
    def _area_names(self) -> set[str]:
        return {place_key(a) for a in self.area if place_key(a)}

    def can_see(self, place: Place) -> bool:
        """May this person see the unit at all?"""
        if self.role == "admin":
            return True
        if self.role == "commune":
            return self.unit is not None and place.code == self.unit
        if self.role == "board":
            names = self._area_names
            return place.code in self._area_codes or bool(names & {place.district_key, place.province_key})
        if self.role == "province":
            return place.province_key is not None and place.province_key == place_key(self.province)
        return False

    def may(self, action: str) -> bool:
        """Does the role allow the action at all (whatever the unit and state)?"""
        return action in ROLE_ACTIONS.get(self.role, frozenset())

    def allowed(self, place: Place, status: str | None) -> list[str]:
        """The workflow actions this person may take now on this unit's submission (status None: none yet)."""
        if not self.can_see(place):
            return []
        return [action for action, moves in TRANSITIONS.items() if self.may(action) and status in moves]

    def visible_units(self) -> ColumnElement[bool]:
        """can_see as an SQL condition on the units table (the same rule, for lists and dashboards)."""
        if self.role == "admin":
            return true()
        if self.role == "commune":
            return Unit.code == self.unit if self.unit else false()
        if self.role == "board":
            names = list(self._area_names)
            return or_(Unit.code.in_(list(self._area_codes)), Unit.district_key.in_(names),
                       Unit.province_key.in_(names))
        if self.role == "province":
            key = place_key(self.province)
            return Unit.province_key == key if key else false()
        return false()
