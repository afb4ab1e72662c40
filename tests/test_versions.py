"""Criteria sets by period: a directory of criteria files, each in force over its own days; every unit scored
by the set in force on the last day of its period, and its result naming that set."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import main
from engine.version import __version__
from engine.criteria.model import CriteriaError
from engine.criteria.versions import SHIPPED, CriteriaLibrary, PeriodError, period_end

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_FILE = ROOT / "criteria" / "qd06-2019-01-03.yaml"
UNIT = yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"))  # 835, 'other'
NEW_OTHER_THRESHOLD = 800  # the made-up 2026 set recognises the example unit (835, no criterion at 0)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write_set(path: Path, **instrument) -> Path:
    data = yaml.safe_load(SHIPPED_FILE.read_text(encoding="utf-8"))
    data["instrument"].update(instrument)
    if instrument.get("id") == "qd-2030":
        for category in data["categories"]:
            if category["id"] == "other":
                category["threshold"] = NEW_OTHER_THRESHOLD
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def two_versions(tmp_path) -> Path:
    """The 2019 decision ending 2025-12-31, then a made-up "qd-2030" from 2026-01-01 with other thresholds."""
    folder = tmp_path / "criteria"
    folder.mkdir()
    write_set(folder / "qd06-2019-01-03.yaml", valid_until=dt.date(2025, 12, 31))
    write_set(folder / "qd-2030-2026-01-01.yaml", id="qd-2030", effective=dt.date(2026, 1, 1))
    return folder


def units_file(tmp_path: Path, periods: list) -> Path:
    units = [{**copy.deepcopy(UNIT), "unit_code": f"U{index}", "period": period} for index, period in enumerate(periods)]
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump(units, allow_unicode=True), encoding="utf-8")
    return path


# ---------------------------------------------------------------- periods

@pytest.mark.parametrize("period, last_day", [
    ("2024", dt.date(2024, 12, 31)), (2024, dt.date(2024, 12, 31)), (2024.0, dt.date(2024, 12, 31)),
    ("2024-H1", dt.date(2024, 6, 30)), ("2024-h2", dt.date(2024, 12, 31)), (" 2024-H2 ", dt.date(2024, 12, 31)),
    ("2024-Q1", dt.date(2024, 3, 31)), ("2024-Q2", dt.date(2024, 6, 30)), ("2024-Q3", dt.date(2024, 9, 30)),
    ("2024-Q4", dt.date(2024, 12, 31)), ("2024-02-29", dt.date(2024, 2, 29)), (dt.date(2024, 6, 30), dt.date(2024, 6, 30)),
])
def test_period_ends_on_its_last_day(period, last_day):
    assert period_end(period) == last_day


@pytest.mark.parametrize("period", ["năm 2024", "2024-H3", "2024-Q5", "2023-02-29", "24", "2024/06/30",
                                    "6 tháng đầu năm 2024", True, 2024.5])
def test_unknown_period_format_is_refused_by_name(period):
    with pytest.raises(PeriodError) as caught:
        period_end(period)
    assert repr(period) in str(caught.value) and "period" in str(caught.value)


# ---------------------------------------------------------------- choosing the set

def test_each_period_gets_the_set_in_force_on_its_last_day(two_versions):
    library = CriteriaLibrary.load(two_versions)
    assert [cs.instrument.id for cs in library.sets] == ["qd06-2019", "qd-2030"]
    assert library.for_period("2025").instrument.id == "qd06-2019"
    assert library.for_period("2025-H2").instrument.id == "qd06-2019"
    assert library.for_period("2025-12-31").instrument.id == "qd06-2019"
    assert library.for_period("2026-01-01").instrument.id == "qd-2030"
    assert library.for_period("2026-Q1").instrument.id == "qd-2030"
    with pytest.raises(PeriodError, match="2018-12-31"):
        library.for_period("2018")


def test_no_period_takes_the_set_in_force_today(two_versions):
    library = CriteriaLibrary.load(two_versions)
    assert library.for_period(None, today=dt.date(2024, 5, 1)).instrument.id == "qd06-2019"
    assert library.for_period("  ", today=dt.date(2027, 5, 1)).instrument.id == "qd-2030"
    # a dash is how officials leave a cell blank: blank here too, as for every other input (one definition)
    assert library.for_period(" - ", today=dt.date(2027, 5, 1)).instrument.id == "qd-2030"
    assert library.current(today=dt.date(2010, 1, 1)).instrument.id == "qd06-2019"  # all still to come: the first


def test_a_file_scores_every_period_it_is_given(tmp_path):
    library = CriteriaLibrary.load(SHIPPED_FILE)
    assert library.explicit
    assert library.for_period("2015").instrument.id == "qd06-2019"
    assert library.for_period("not a period").instrument.id == "qd06-2019"


def test_the_shipped_directory_is_the_default():
    assert Path(CriteriaLibrary.load().source) == SHIPPED == ROOT / "criteria"
    assert not CriteriaLibrary.load().explicit


# ---------------------------------------------------------------- temporal coverage

def grid(first: dt.date, years: int, step_days: int = 11) -> list[dt.date]:
    days = [first + dt.timedelta(days=n) for n in range(0, 366 * years, step_days)]
    return days + [first]


@pytest.mark.parametrize("folder", ["shipped", "two_versions"])
def test_exactly_one_set_in_force_on_every_day_from_the_first(folder, request):
    """Catala-style coverage sweep: from the first set's effective day on, every day of a 20-year grid (and
    every boundary) has exactly one set in force; before it, none."""
    library = CriteriaLibrary.load(SHIPPED if folder == "shipped" else request.getfixturevalue("two_versions"))
    first = library.sets[0].instrument.effective
    edges = [d for cs in library.sets for d in (cs.instrument.effective, cs.instrument.valid_until) if d]
    days = grid(first, 20) + edges + [d + dt.timedelta(days=1) for d in edges]
    for day in days:
        assert len(library.in_force(day)) == 1, day
    assert library.in_force(first - dt.timedelta(days=1)) == []


def test_two_sets_in_force_on_the_same_day_are_a_criteria_error(tmp_path):
    folder = tmp_path / "criteria"
    folder.mkdir()
    write_set(folder / "a.yaml")  # the 2019 set, open-ended
    write_set(folder / "b.yaml", id="qd-2030", effective=dt.date(2026, 1, 1))
    with pytest.raises(CriteriaError) as caught:
        CriteriaLibrary.load(folder)
    message = str(caught.value)
    assert "a.yaml" in message and "b.yaml" in message and "from 2026-01-01" in message
    assert "valid_until: 2025-12-31" in message  # says how to end the overlap


def test_two_sets_taking_effect_the_same_day_conflict(tmp_path):
    folder = tmp_path / "criteria"
    folder.mkdir()
    write_set(folder / "a.yaml", valid_until=dt.date(2030, 1, 1))
    write_set(folder / "b.yaml", id="pilot", valid_until=dt.date(2020, 1, 1))
    with pytest.raises(CriteriaError, match="both in force from 2019-01-03 to 2020-01-01"):
        CriteriaLibrary.load(folder)


def test_valid_until_before_effective_is_refused(tmp_path):
    path = write_set(tmp_path / "bad.yaml", valid_until=dt.date(2018, 12, 31))
    with pytest.raises(CriteriaError) as caught:
        CriteriaLibrary.load(path)
    assert "instrument.valid_until" in str(caught.value) and "before effective 2019-01-03" in str(caught.value)


def test_an_empty_directory_is_a_criteria_error(tmp_path):
    with pytest.raises(CriteriaError, match="no criteria files"):
        CriteriaLibrary.load(tmp_path)


# ---------------------------------------------------------------- through the command line

def set_of(output: dict, unit: dict) -> dict:
    """The metadata of the set a compact unit names: the header's own, or one of the directory's others."""
    key = unit["criteria_set"]
    return output["criteria"] if key == output["criteria"]["key"] else output["criteria_sets"][key]


def test_units_of_2025_and_2026_are_scored_by_different_sets(tmp_path, two_versions):
    data = units_file(tmp_path, ["2025", "2026"])
    result = run("evaluate", data, "--criteria", two_versions, "--format", "json")
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    old, new = output["units"]
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in two_versions.iterdir()}
    assert old["criteria_set"] == "qd06-2019@2019-01-03 sha256:" + digests["qd06-2019-01-03.yaml"][:12]
    assert new["criteria_set"] == "qd-2030@2026-01-01 sha256:" + digests["qd-2030-2026-01-01.yaml"][:12]
    assert [(s["id"], s["effective"], s["digest"]) for s in (set_of(output, old), set_of(output, new))] == [
        ("qd06-2019", "2019-01-03", digests["qd06-2019-01-03.yaml"]),
        ("qd-2030", "2026-01-01", digests["qd-2030-2026-01-01.yaml"])]
    assert (old["total"], old["threshold"], old["status"]) == (835, 850, "not_recognized")
    assert (new["total"], new["threshold"], new["status"]) == (835, NEW_OTHER_THRESHOLD, "recognized")
    detailed = json.loads(run("evaluate", data, "--criteria", two_versions, "--format", "json", "--detail").stdout)
    assert [u["criteria_set"] for u in detailed["units"]] == [
        {"id": "qd06-2019", "effective": "2019-01-03", "digest": digests["qd06-2019-01-03.yaml"]},
        {"id": "qd-2030", "effective": "2026-01-01", "digest": digests["qd-2030-2026-01-01.yaml"]}]


def test_compact_json_describes_every_set_of_a_directory_once(tmp_path, two_versions):
    """The header describes the set in force today and, under their keys, the directory's other sets: a unit
    of any of them is compact, and its references resolve in its own set's metadata."""
    from jsonschema import Draft202012Validator

    data = units_file(tmp_path, ["2025", "2026", "2025"])
    output = json.loads(run("evaluate", data, "--criteria", two_versions, "--format", "json").stdout)
    schema = json.loads((Path(__file__).resolve().parent.parent / "schema" / "v1" / "results.schema.json").read_text())
    assert Draft202012Validator(schema).is_valid(output)
    assert output["criteria"]["id"] == "qd-2030"  # in force today
    assert list(output["criteria_sets"]) == [output["units"][0]["criteria_set"]]
    assert output["criteria_sets"][output["units"][0]["criteria_set"]]["id"] == "qd06-2019"
    for unit in output["units"]:
        assert "bands" in unit and "indicators" not in json.dumps(unit["criteria"])
        metadata = set_of(output, unit)
        thresholds = {c["id"]: c["threshold"] for c in metadata["categories"]}
        assert unit["threshold"] == thresholds[unit["category"]]  # 850 under one set, 800 under the other
        bands = {i["id"]: i["bands"] for c in metadata["criteria"] for i in c["indicators"]}
        assert sum(bands[i][b]["points"] for i, b in unit["bands"].items() if b is not None) == unit["total"]
    assert "qd06-2019" not in json.dumps(output["units"][1]) and "qd-2030" not in json.dumps(output["units"][0])


def test_a_bad_period_is_a_data_error_of_that_unit_only(tmp_path, two_versions):
    data = units_file(tmp_path, ["2025", "năm 2026", "2018"])
    result = run("evaluate", data, "--criteria", two_versions, "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    good, bad, early = json.loads(result.stdout)["units"]
    assert good["status"] == "not_recognized" and good["criteria_set"].startswith("qd06-2019@")
    assert bad["status"] == "invalid" and bad["criteria_set"] is None
    assert bad["error_details"] == [{"input": "period", "value": "năm 2026", "message": bad["error_details"][0]["message"]}]
    assert "unknown period format" in bad["errors"][0] and "unit U1" in bad["errors"][0]
    assert "units.yaml" in bad["errors"][0] and "2024-H1" in bad["errors"][0]
    assert early["status"] == "invalid" and "no criteria set is in force on 2018-12-31" in early["errors"][0]


def test_csv_and_workbook_name_the_set_of_each_unit(tmp_path, two_versions):
    """Each unit names the set that scored it; a unit no set scored (its period picks none) names none, in every
    format alike (the people's CSV and the workbook used to print the file's criteria id there)."""
    data = units_file(tmp_path, ["2025", "2026-H1", "2018"])
    result = run("evaluate", data, "--criteria", two_versions, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["criteria_set"].split(" ")[0] for r in rows] == ["qd06-2019@2019-01-03", "qd-2030@2026-01-01", ""]
    out = tmp_path / "out"
    assert run("evaluate", data, "--criteria", two_versions, "--output", out).exit_code == 1
    from openpyxl import load_workbook

    sheet = load_workbook(out / "results.xlsx", read_only=True).worksheets[0]
    header, *cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    column = header.index("Bộ tiêu chí")
    assert [(row[column] or "").split(" ")[0] for row in cells] == ["qd06-2019@2019-01-03", "qd-2030@2026-01-01", ""]
    people = list(csv.reader(io.StringIO((out / "results.csv").read_text(encoding="utf-8-sig"))))
    assert [(row[column] or "").split(" ")[0] for row in people[1:]] == ["qd06-2019@2019-01-03", "qd-2030@2026-01-01", ""]
    assert people[0][-1] == "Phiên bản cfc" and {row[-1] for row in people[1:]} == {__version__}


def test_worker_processes_load_the_directory(tmp_path, two_versions):
    """Past one chunk the units go to worker processes; each still gets its period's set."""
    periods = ["2025", "2026"] * 140
    data = units_file(tmp_path, periods)
    result = run("evaluate", data, "--criteria", two_versions, "--format", "csv", "--jobs", "2")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["criteria_set"].split("@")[0] for r in rows] == ["qd06-2019", "qd-2030"] * 140
    assert [r["threshold"] for r in rows] == ["850", str(NEW_OTHER_THRESHOLD)] * 140


def test_a_document_about_units_of_two_sets_is_refused(tmp_path, two_versions):
    data = units_file(tmp_path, ["2025", "2026"])
    result = run("report", "appraisal", data, "--criteria", two_versions, "-o", tmp_path / "a.pdf")
    assert result.exit_code == 2
    assert "qd06-2019" in result.output and "qd-2030" in result.output
    assert not (tmp_path / "a.pdf").exists()


def test_criteria_show_and_validate_a_directory(two_versions):
    shown = run("criteria", "show", "--criteria", two_versions, "--lang", "en")
    assert shown.exit_code == 0
    assert "qd06-2019" in shown.stdout and "in force from 2019-01-03 to 2025-12-31" in shown.stdout
    assert "qd-2030" in shown.stdout and "in force from 2026-01-01" in shown.stdout
    checked = run("criteria", "validate", two_versions, "--lang", "en")
    assert checked.exit_code == 0
    assert checked.stdout.count("OK ") == 2


def test_criteria_validate_reports_overlapping_sets(tmp_path):
    folder = tmp_path / "criteria"
    folder.mkdir()
    write_set(folder / "a.yaml")
    write_set(folder / "b.yaml", id="qd-2030", effective=dt.date(2026, 1, 1))
    result = run("criteria", "validate", folder, "--lang", "en")
    assert result.exit_code == 1 and "both in force from 2026-01-01" in result.output


def test_a_period_of_any_shape_is_a_data_error_not_a_crash(tmp_path, two_versions):
    data = units_file(tmp_path, [[2024], {"year": 2024}, "2025"])
    result = run("evaluate", data, "--criteria", two_versions, "--format", "json", "--lang", "en")
    assert result.exit_code == 1
    units = json.loads(result.stdout)["units"]
    assert [u["status"] for u in units[:2]] == ["invalid", "invalid"]
    assert all(any(d["input"] == "period" for d in u["error_details"]) for u in units[:2])
    assert units[2]["criteria_set"].startswith("qd06-2019@")


def test_what_if_scores_each_unit_by_its_own_periods_set(tmp_path, two_versions):
    """What-if goes through the front door like evaluate: units of two periods are each compared under their
    own set (it used to refuse them, and to score every unit by one set)."""
    data = units_file(tmp_path, ["2025", "2026"])
    result = run("evaluate", data, "--criteria", two_versions, "--set", "activities_held=3", "--format", "json")
    assert result.exit_code == 0, result.output
    units = json.loads(result.stdout)["units"]
    assert [u["before"]["criteria_set"]["id"] for u in units] == ["qd06-2019", "qd-2030"]
    assert [u["after"]["criteria_set"]["id"] for u in units] == ["qd06-2019", "qd-2030"]
    assert units[1]["after"]["threshold"] == NEW_OTHER_THRESHOLD


@pytest.mark.parametrize("period, error", [("2018", "no criteria set is in force on 2018-12-31"),
                                           ("Q1-2024", "unknown period format")])
def test_what_if_checks_a_changed_period_as_evaluate_does(tmp_path, two_versions, period, error):
    """--set period=… is validated like a period read from a file: one no set covers, or one that cannot be
    dated, makes the changed unit invalid (exit 1) instead of being scored by today's set."""
    data = units_file(tmp_path, ["2025"])
    result = run("evaluate", data, "--criteria", two_versions, "--set", f"period={period}", "--format", "json",
                 "--lang", "en")
    assert result.exit_code == 1, result.output
    after = json.loads(result.stdout)["units"][0]["after"]
    assert after["status"] == "invalid" and after["criteria_set"] is None
    assert any(d["input"] == "period" and error in d["message"] for d in after["error_details"])


def test_what_if_uses_the_set_of_the_units_period(tmp_path, two_versions):
    data = units_file(tmp_path, ["2026"])
    result = run("evaluate", data, "--criteria", two_versions, "--set", "activities_held=1", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["units"][0]["after"]["threshold"] == NEW_OTHER_THRESHOLD
