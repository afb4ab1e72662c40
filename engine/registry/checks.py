"""A unit checked against the official list of its period, during validation (every entry point validates
through engine/units/validate.py, which calls `check_unit`).

- a code not in the map of its period, or a name, province or (before the reform) district that is not the
  code's: a warning naming the unit, the code and what the list says; with `strict` (--strict-units) a data error;
- a blank name, province or (before the reform) district: filled from the list and named in `unit.filled`;
- a category that does not fit what the list says of the unit (see categories.yaml): a warning.

A unit without a code, or whose period cannot be read, is not checked here: those are data errors already.
"""
from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.messages import Message
from engine.readers.records import DataError
from engine.registry.maps import AdminMap, AdminUnit, map_for, normalise_code, other
from engine.registry.merge import main_successor
from engine.registry.names import same_name
from engine.text import Text, is_blank

if TYPE_CHECKING:
    from engine.criteria.model import CriteriaSet
    from engine.units.validate import Unit

CATEGORIES = Path(__file__).resolve().parent / "categories.yaml"
_NO_DAY = object()


@cache
def _category_rules() -> dict[str, str]:
    import yaml

    return yaml.safe_load(CATEGORIES.read_text(encoding="utf-8")) or {}


_DAYS: dict[Any, Any] = {}


def _day(period: Any) -> dt.date | None | object:
    """The last day of a period (None: no period, today's map), or _NO_DAY when it cannot be read. A batch holds
    few distinct periods: each is read once."""
    key = repr(period)
    found = _DAYS.get(key)
    if found is None:
        from engine.periods import PeriodError, period_end

        if is_blank(period):
            found = None
        else:
            try:
                found = period_end(period)
            except PeriodError:
                found = _NO_DAY
        if len(_DAYS) > 1000:
            _DAYS.clear()
        _DAYS[key] = found
    return found


# The inputs that name a unit, the registry's field for each, and the message when they differ.
_NAMES = (("unit_name", "name", "registry_name_mismatch"), ("province", "province", "registry_province_mismatch"),
          ("district", "district", "registry_district_mismatch"))


def check_unit(unit: "Unit", criteria: "CriteriaSet", strict: bool = False) -> None:
    values = unit.values
    given_code = values.get("unit_code")
    if given_code is None:
        return
    if unit.errors and any(error.input == "period" for error in unit.errors):
        return  # a period that cannot be dated is a data error already: no map to check against
    period = values.get("period")
    map_ = _MAPS.get(repr(period)) if period is not None else None  # (a dated period's map, once per period)
    if map_ is None:
        day = _day(period)
        if day is _NO_DAY:
            return
        map_ = map_for(day)
        if day is not None:  # (no period: today's map, asked each time)
            if len(_MAPS) > 1000:
                _MAPS.clear()
            _MAPS[repr(period)] = map_
    code = given_code  # validation folded it already (engine/units/codes.py)
    found = map_.get(code)
    if found is None:
        label = map_.label
        _said(unit, strict, "unit_code", given_code, "registry_code_unknown",
              code=given_code, map=label, hint=_unknown_hint(code, map_))
        return
    named, ward = _checks_of(criteria)
    for name, index, key in named:
        official = found[index]
        if official is None:
            continue
        given = values.get(name)
        if given is None:
            values[name] = official
            unit.filled.append(name)
        elif given != official and not same_name(given, official):
            _said(unit, strict, name, given, key, code=code, official=official, unit=found.full_name,
                  map=map_.label, given=given)
    if ward is not None:
        _check_category(unit, found, criteria, ward)


# A dated period's map (by repr(period), as _day keys it); a period that cannot be dated is not kept here.
_MAPS: dict[str, AdminMap] = {}
# Per criteria set (by id, the set kept alongside so its id is never reused): which of _NAMES it declares, as
# (input, the AdminUnit field's index, message), and the ward category's id when categories.yaml names one the set
# declares (else None: no category check). Read for every unit: a criteria model's attributes are slow to read.
_CHECKS: dict[int, tuple[Any, tuple, str | None]] = {}


def _checks_of(criteria: "CriteriaSet") -> tuple[tuple, str | None]:
    known = _CHECKS.get(id(criteria))
    if known is None or known[0] is not criteria:
        if len(_CHECKS) > 64:
            _CHECKS.clear()
        declared = criteria.input_by_name
        named = tuple((name, AdminUnit._fields.index(field), key) for name, field, key in _NAMES if name in declared)
        ward = _category_rules().get("ward_of_central_city")
        known = _CHECKS[id(criteria)] = (criteria, named,
                                         ward if ward is not None and ward in criteria.category_by_id else None)
    return known[1], known[2]


def _said(target: "Unit", strict: bool, input_: str, value: Any, key: str, /, **params: Any) -> None:
    problem = DataError(input_, value, Message(key, params))
    (target.errors if strict else target.warnings).append(problem)


def _unknown_hint(code: str | None, map_: AdminMap) -> Message | str:
    """What the other list says of a code this one lacks, or the code with the leading zero a spreadsheet drops."""
    if code is None:
        return ""
    before = other(map_)
    found = before.get(code)
    if found is not None:
        if found.map_id == "old" and (successor := main_successor(code)):
            now = map_.get(successor)
            return Message("registry_hint_old", {"map": before.label, "unit": found.full_name,
                                                 "now": f"{now.code} {now.name}" if now else successor})
        return Message("registry_hint_other", {"map": before.label, "unit": found.full_name})
    if code.isdigit() and len(code) < 5 and (padded := map_.get(code.zfill(5))):
        return Message("registry_hint_zero", {"code": padded.code, "unit": padded.full_name})
    return ""


def _check_category(unit: "Unit", found: AdminUnit, criteria: "CriteriaSet", ward_category: str) -> None:
    category = unit.values.get("category")
    if category is None:
        return
    in_ward = found.is_ward and found.central_city
    if in_ward == (category == ward_category):
        return  # as the list says
    expected = criteria.category_by_id[ward_category].label
    given = criteria.category_by_id[category].label if category in criteria.category_by_id else Text.of(category, category)
    if in_ward:
        unit.warnings.append(DataError("category", category, Message("registry_category_ward", {
            "code": found.code, "unit": found.full_name, "category": given, "expected": expected})))
    else:
        unit.warnings.append(DataError("category", category, Message("registry_category_not_ward", {
            "code": found.code, "unit": found.full_name, "category": given})))


def known_category(found: AdminUnit, criteria: "CriteriaSet") -> str | None:
    """The category a unit can only have, by what the list says of it (categories.yaml): a ward of a centrally
    governed city, or another ward; None for a xã, thị trấn or đặc khu (the board chooses)."""
    rules = _category_rules()
    key = ("ward_of_central_city" if found.central_city else "ward_elsewhere") if found.is_ward else None
    category = rules.get(key) if key else None
    return category if category in criteria.category_by_id else None
