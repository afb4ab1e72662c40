"""One front door (engine/api.py): every way into cfc scores a record through the same path, so the same
record and period give the same unit and are scored by the same criteria set whatever the entry point.

Each entry point is driven as a user would (the command line, the page's API, an upload, a download) while a
spy on the one place units meet the rules (engine/rules/by_period.py → evaluate_units) records which set
scored what; the units' JSON objects are then compared field by field.
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from starlette.testclient import TestClient

import engine.rules.by_period
from cli import main
from engine import api
from engine.history import History
from engine.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_FILE = ROOT / "criteria" / "qd06-2019-01-03.yaml"
UNIT = yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"))
NEW_THRESHOLD = 800


@pytest.fixture(scope="module")
def two_sets(tmp_path_factory) -> Path:
    """The 2019 decision ending 2025-12-31, then a made-up set from 2026-01-01 that lowers a threshold."""
    folder = tmp_path_factory.mktemp("criteria")
    for name, instrument in (("old.yaml", {"valid_until": dt.date(2025, 12, 31)}),
                             ("new.yaml", {"id": "qd-2030", "effective": dt.date(2026, 1, 1)})):
        data = yaml.safe_load(SHIPPED_FILE.read_text(encoding="utf-8"))
        data["instrument"].update(instrument)
        if "id" in instrument:
            for category in data["categories"]:
                category["threshold"] = NEW_THRESHOLD if category["id"] == "other" else category["threshold"]
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture()
def spy(monkeypatch) -> list:
    """(criteria set id, unit result) for every unit that meets the rules, in order."""
    seen: list = []
    score = engine.rules.by_period.evaluate_units

    def recording(criteria, units):
        for result in score(criteria, units):
            seen.append((criteria.instrument.id, result))
            yield result

    monkeypatch.setattr(engine.rules.by_period, "evaluate_units", recording)
    return seen


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


# What differs by entry point on purpose: where the unit came from.
def _comparable(unit: dict) -> dict:
    return {key: value for key, value in unit.items() if key != "source"}


@pytest.mark.parametrize("period, set_id, changes", [
    ("2026", "qd-2030", {}), ("2024", "qd06-2019", {}), ("２０２６-h1", "qd-2030", {}),
    # a name the official list of units does not give this code: the same warning from every entry point
    ("2024", "qd06-2019", {"unit_name": "Xã Không Có Tên Này"}),
    # a blank district, filled from the list and marked as filled, wherever the unit comes in
    ("2024", "qd06-2019", {"district": None}),
])
def test_every_entry_point_gives_the_same_unit_by_the_same_set(tmp_path, two_sets, spy, period, set_id, changes):
    library = api.load_criteria(two_sets)
    record = {**copy.deepcopy(UNIT), "period": period, **changes}
    record = {name: value for name, value in record.items() if value is not None}
    unit_file = tmp_path / "unit.yaml"
    unit_file.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    csv_file = tmp_path / "unit.csv"
    csv_file.write_text(",".join(record) + "\n" + ",".join(str(v) for v in record.values()) + "\n", encoding="utf-8")

    objects: dict[str, dict] = {}
    counted = [0]

    def last_unit(name: str) -> None:
        """The unit the entry point just scored (it must have gone through the rules' one door), as
        `cfc evaluate --format json` shows it."""
        assert len(spy) > counted[0], f"{name} scored no unit through the front door"
        counted[0] = len(spy)
        set_used, result = spy[-1]
        assert set_used == set_id, f"{name} scored by {set_used}"
        objects[name] = api.unit_object(library, result, "en")

    # the command line
    evaluated = run("evaluate", unit_file, "--criteria", two_sets, "--format", "json", "--lang", "en")
    assert evaluated.exit_code == 0, evaluated.output
    objects["cli evaluate"] = json.loads(evaluated.stdout)["units"][0]
    last_unit("cli evaluate (spied)")
    what_if = run("evaluate", unit_file, "--criteria", two_sets, "--set", f"births={record['births']}",
                  "--format", "json")
    assert what_if.exit_code == 0, what_if.output
    last_unit("what-if")
    for document in ("self-assessment", "appraisal", "decision"):
        report = run("report", document, unit_file, "--criteria", two_sets, "-o", tmp_path / f"{document}.pdf")
        assert report.exit_code == 0, report.output
        last_unit(f"report {document}")

    # the page and its API
    client = TestClient(create_app(library, History(tmp_path / "history.sqlite3")))
    answer = client.post("/api/evaluate?lang=en", json=record)
    assert answer.status_code == 200
    objects["web api"] = answer.json()
    last_unit("web api (spied)")
    uploaded = client.post("/upload", files={"file": ("unit.csv", csv_file.read_bytes(), "text/csv")},
                           follow_redirects=False)
    assert uploaded.status_code == 303
    last_unit("web upload")
    form = {name: str(value) for name, value in record.items()}
    for document in ("self-assessment", "appraisal"):
        assert client.post(f"/download/{document}.pdf", data=form).status_code == 200
        last_unit(f"web download {document}")
    saved = client.post("/api/history", json={"inputs": record})
    assert saved.status_code == 201, saved.json()
    last_unit("web save")

    reference = _comparable(objects["cli evaluate"])
    assert reference["criteria_set"].startswith(set_id + "@")
    if "unit_name" in changes:  # the registry's check reached the unit (and so, below, every entry point)
        assert [w["input"] for w in reference["warnings"]] == ["unit_name"]
    if "district" in changes:
        assert reference["filled"] == ["district"] and reference["district"] == "Huyện Ba Vì"
    for name, unit in objects.items():
        assert _comparable(unit) == reference, name


def test_the_api_is_what_a_program_calls():
    """The README's example, as a program would run it."""
    library = api.load_criteria()
    unit = api.evaluate_inputs(library, UNIT)
    assert (unit.result.status, unit.result.total, unit.result.threshold) == ("not_recognized", 835, 850)
    assert unit.values["unit_code"] == "09652"
    shown = api.unit_object(library, unit.result, "en")
    assert shown["reasons"][0]["message"].startswith("Total 835")
    batch = api.evaluate_files(library, [ROOT / "evaluations" / "sample-area" / "units.csv"])
    assert sum(batch.counts().values()) == len(batch.units) > 1


def test_the_api_takes_plain_mappings_and_marks_repeated_codes():
    library = api.load_criteria()
    first, second = api.evaluate(library, [UNIT, {**UNIT}])
    assert first.result.status == second.result.status == "invalid"
    assert "duplicates" in first.result.errors[0]("en")
    alone = api.evaluate_inputs(library, "not a unit")
    assert alone.result.status == "invalid"


def test_strict_units_holds_at_every_entry_point(tmp_path):
    """--strict-units makes a unit the official list does not know invalid, from every command that scores."""
    record = {**copy.deepcopy(UNIT), "unit_name": "Xã Không Có Tên Này"}
    unit_file = tmp_path / "unit.yaml"
    unit_file.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    evaluated = run("evaluate", unit_file, "--strict-units", "--format", "json")
    assert evaluated.exit_code == 1 and json.loads(evaluated.stdout)["units"][0]["status"] == "invalid"
    what_if = run("evaluate", unit_file, "--strict-units", "--set", "activities_held=2", "--format", "json")
    assert what_if.exit_code == 1 and json.loads(what_if.stdout)["units"][0]["after"]["status"] == "invalid"
    for document in ("self-assessment", "appraisal", "decision"):
        report = run("report", document, unit_file, "--strict-units", "-o", tmp_path / f"{document}.pdf")
        assert report.exit_code == 1, (document, report.output)
        lenient = run("report", document, unit_file, "-o", tmp_path / f"{document}-2.pdf")
        assert lenient.exit_code == 0, (document, lenient.output)
    app = create_app(api.load_criteria(), History(tmp_path / "history.sqlite3"))
    app.state.strict_units = True  # what cfc serve --strict-units sets
    answer = TestClient(app).post("/api/evaluate", json=record)
    assert answer.status_code == 422 and answer.json()["status"] == "invalid"
