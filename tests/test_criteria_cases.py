"""The law beside its cases: every criteria file shipped in criteria/ has its cases in
criteria/cases/<file name>/criterion-NN.yaml — one file per criterion of the set — and every case becomes one
pytest test, evaluated against THAT criteria file. A criteria set shipped without its cases, or with a
criterion, an indicator or a band no case reaches, fails here.

Each YAML file is a list of cases (OpenFisca style):

    - name: exactly 98% (49 of 50) is the top band
      inputs: {under1_total: 50, under1_fully_vaccinated: 49}
      expect:
        criterion: 7           # the criterion whose result is checked (must be the file's number)
        points: 50             # the criterion's points
        complete: true         # optional: CriterionResult.complete
        indicators: {"7": 50}  # optional: points per indicator id (null = not scored)

A case may instead expect the inputs to be rejected as invalid data (spec section 4):

      expect:
        criterion: 1
        invalid: [villages_total]   # the inputs that must carry a validation error; nothing is evaluated

Expected numbers come from the facts table of docs/legal-basis.md (§3), never from running the engine.
The inputs are those of docs/data-dictionary.md; every case is evaluated as one unit of category `other`.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from engine.criteria.model import load_criteria
from engine.criteria.versions import SHIPPED
from engine.rules.evaluate import evaluate_units
from engine.readers.records import Record
from engine.units.validate import validate_record

SHIPPED_FILES = sorted(path for path in SHIPPED.glob("*.yaml"))
FILE_NAME = re.compile(r"criterion-(\d{2})\.yaml")
CASE_KEYS = {"name", "inputs", "expect"}
EXPECT_KEYS = {"criterion", "points", "complete", "indicators", "invalid"}


def cases_dir(criteria_file: Path) -> Path:
    """Where a criteria file's cases live: criteria/cases/<its name without .yaml>/."""
    return criteria_file.parent / "cases" / criteria_file.stem


def _case_files(criteria_file: Path) -> list[Path]:
    return sorted(cases_dir(criteria_file).glob("*.yaml"))


def _load_cases() -> list:
    params = []
    for criteria_file in SHIPPED_FILES:
        for path in _case_files(criteria_file):
            cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
            for number, case in enumerate(cases, start=1):
                name = case.get("name", f"case {number}") if isinstance(case, dict) else f"case {number}"
                params.append(pytest.param(criteria_file, path, number, case,
                                           id=f"{criteria_file.stem}/{path.stem}::{name}"))
    return params


CASES = _load_cases()
_LOADED: dict[Path, object] = {}


def criteria_of(criteria_file: Path):
    if criteria_file not in _LOADED:
        _LOADED[criteria_file] = load_criteria(criteria_file)
    return _LOADED[criteria_file]


def _check_shape(path: Path, case) -> None:
    """A malformed case must fail loudly, not pass by checking nothing."""
    assert isinstance(case, dict), f"{path.name}: a case must be a mapping, got {case!r}"
    assert set(case) <= CASE_KEYS and {"name", "inputs", "expect"} <= set(case), \
        f"{path.name}: a case has exactly the keys {sorted(CASE_KEYS)}, got {sorted(case)}"
    assert isinstance(case["inputs"], dict), f"{path.name}: inputs must be a mapping"
    expect = case["expect"]
    assert isinstance(expect, dict) and set(expect) <= EXPECT_KEYS, \
        f"{path.name}: expect takes only {sorted(EXPECT_KEYS)}, got {expect!r}"
    assert "criterion" in expect, f"{path.name}: expect.criterion is required"
    assert ("invalid" in expect) != ("points" in expect), \
        f"{path.name}: expect either points (a scored case) or invalid (rejected data), not both or neither"
    match = FILE_NAME.fullmatch(path.name)
    assert match, f"{path.name}: case files are named criterion-NN.yaml"
    assert expect["criterion"] == int(match.group(1)), \
        f"{path.name}: a case in this file must test criterion {int(match.group(1))}, not {expect['criterion']}"


@pytest.mark.parametrize(("criteria_file", "path", "number", "case"), CASES)
def test_case(criteria_file: Path, path: Path, number: int, case) -> None:
    criteria = criteria_of(criteria_file)
    _check_shape(path, case)
    expect = case["expect"]
    record = Record(source=str(path), kind="item", number=number,
                    data={"unit_code": "T1", "category": "other", **case["inputs"]})
    unit = validate_record(criteria, record)

    if "invalid" in expect:
        rejected = sorted({error.input for error in unit.errors})
        assert rejected == sorted(expect["invalid"]), (
            f"expected validation errors on {sorted(expect['invalid'])}, got errors on {rejected}: "
            + "; ".join(error.message.render("en") for error in unit.errors))
        return

    assert not unit.errors, "the case's inputs were rejected: " + "; ".join(
        f"{error.input}={error.value!r}: {error.message.render('en')}" for error in unit.errors)
    result = list(evaluate_units(criteria, [unit]))[0]
    found = [c for c in result.criteria if c.number == expect["criterion"]]
    assert len(found) == 1, f"no criterion {expect['criterion']} in the result"
    criterion = found[0]
    actual_indicators = {i.id: i for i in criterion.indicators}
    detail = ", ".join(f"{i.id}: {i.points} ({i.state}, measure {i.measure})" for i in criterion.indicators)

    assert criterion.points == expect["points"], \
        f"criterion {criterion.number}: expected {expect['points']} points, got {criterion.points} [{detail}]"
    if "complete" in expect:
        assert criterion.complete is expect["complete"], \
            f"criterion {criterion.number}: expected complete={expect['complete']}, got {criterion.complete} [{detail}]"
    for indicator_id, points in (expect.get("indicators") or {}).items():
        indicator_id = str(indicator_id)
        assert indicator_id in actual_indicators, \
            f"criterion {criterion.number} has no indicator {indicator_id!r} (has {sorted(actual_indicators)})"
        got = actual_indicators[indicator_id]
        assert got.points == points, (
            f"indicator {indicator_id}: expected {points} points, got {got.points} "
            f"(state {got.state}, measure {got.measure}, band {got.band.en if got.band else None})")


def test_case_names_are_unique() -> None:
    ids = [param.id for param in CASES]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"duplicate case names: {duplicates}"


def test_criteria_are_shipped_with_their_cases() -> None:
    """The shipped directory holds at least one criteria file, and each has its cases beside it."""
    assert SHIPPED_FILES, f"no criteria file in {SHIPPED}"
    for criteria_file in SHIPPED_FILES:
        assert cases_dir(criteria_file).is_dir(), (
            f"{criteria_file.name} is shipped without its cases: add {cases_dir(criteria_file)}/criterion-NN.yaml")


@pytest.mark.parametrize("criteria_file", SHIPPED_FILES, ids=lambda p: p.stem)
def test_every_criterion_has_a_case_file(criteria_file: Path) -> None:
    criteria = criteria_of(criteria_file)
    expected = {f"criterion-{c.number:02d}.yaml" for c in criteria.criteria}
    present = {path.name for path in _case_files(criteria_file)}
    assert expected <= present, f"missing case files: {sorted(expected - present)}"
    assert present <= expected, f"case files for no criterion: {sorted(present - expected)}"
    for path in _case_files(criteria_file):
        assert yaml.safe_load(path.read_text(encoding="utf-8")), f"{path.name} has no cases"


@pytest.mark.parametrize("criteria_file", SHIPPED_FILES, ids=lambda p: p.stem)
def test_every_indicator_and_band_is_reached_by_some_case(criteria_file: Path) -> None:
    """Every indicator is checked, and every band of every indicator is the expected answer of some case."""
    criteria = criteria_of(criteria_file)
    checked: dict[str, set[int]] = {}
    for param in CASES:
        cases_file, _, _, case = param.values
        if cases_file != criteria_file:
            continue
        if isinstance(case, dict) and isinstance(case.get("expect"), dict):
            for key, points in (case["expect"].get("indicators") or {}).items():
                checked.setdefault(str(key), set()).add(points)
    every = {indicator.id: indicator for _, indicator in criteria.indicators}
    assert not every.keys() - checked.keys(), f"indicators no case checks: {sorted(every.keys() - checked.keys())}"
    assert not checked.keys() - every.keys(), f"cases check indicators that do not exist: {sorted(checked.keys() - every.keys())}"
    unreached = {indicator_id: sorted({band.points for band in indicator.scoring.bands} - checked[indicator_id])
                 for indicator_id, indicator in every.items()
                 if {band.points for band in indicator.scoring.bands} - checked[indicator_id]}
    assert not unreached, f"band points no case expects, per indicator: {unreached}"
