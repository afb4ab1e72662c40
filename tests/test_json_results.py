"""The JSON results: compact by default (criteria metadata once at the top, each unit only its own values,
points, status, reasons and gaps), full with --detail, and both valid against schema/v1/results.schema.json."""
from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = str(ROOT / "evaluations" / "sample-area" / "units.csv")
SINGLE = str(ROOT / "evaluations" / "single-unit.yaml")
SCHEMA = json.loads((ROOT / "schema" / "v1" / "results.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def evaluate(*args) -> dict:
    result = CliRunner().invoke(main, ["evaluate", *args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def compact() -> dict:
    return evaluate(SAMPLE)


@pytest.fixture(scope="module")
def detailed() -> dict:
    return evaluate(SAMPLE, "--detail")


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("args", [(SAMPLE,), (SAMPLE, "--detail"), (SAMPLE, "--lang", "en"),
                                  (SAMPLE, "--detail", "--lang", "en"), (SINGLE,), (SINGLE, "--detail")])
def test_outputs_are_valid_against_the_schema(args):
    data = evaluate(*args)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(data)]
    assert errors == []
    assert data["detail"] == ("--detail" in args)


def test_the_schema_rejects_what_the_format_does_not_allow(compact, detailed):
    broken = copy.deepcopy(compact)
    del broken["units"][0]["values"]
    assert not VALIDATOR.is_valid(broken)
    broken = copy.deepcopy(compact)
    broken["units"][0]["bands"]["1a"] = "có"  # a band is an index into the metadata, not its wording
    assert not VALIDATOR.is_valid(broken)
    mixed = copy.deepcopy(compact)
    mixed["detail"] = True  # compact units under a header that promises detail
    assert not VALIDATOR.is_valid(mixed)
    broken = copy.deepcopy(detailed)
    broken["units"][0]["criteria"][0]["indicators"][0]["state"] = "guessed"
    assert not VALIDATOR.is_valid(broken)
    broken = copy.deepcopy(compact)
    del broken["units"][0]["criteria_set"]  # always said (null when no set scored the unit)
    assert not VALIDATOR.is_valid(broken)
    broken = copy.deepcopy(compact)
    broken["units"][0]["criteria_set"] = {"id": "qd06-2019"}  # a compact unit names its set by key
    assert not VALIDATOR.is_valid(broken)
    planned = next(i for i, u in enumerate(compact["units"]) if u["plan"] and u["plan"]["blocked_by"])
    broken = copy.deepcopy(compact)
    broken["units"][planned]["plan"]["blocked_by"][0]["reason"] = "…"  # sentences are --detail's
    assert not VALIDATOR.is_valid(broken)
    broken = copy.deepcopy(compact)
    del broken["criteria_sets"]
    assert not VALIDATOR.is_valid(broken)


def test_criteria_metadata_is_written_once_not_per_unit(compact):
    names = [c["name"] for c in compact["criteria"]["criteria"]]
    citations = {i["citation"] for c in compact["criteria"]["criteria"] for i in c["indicators"]}
    units = json.dumps(compact["units"], ensure_ascii=False)
    for text in citations:
        assert text not in units
    # Criterion names appear in units only inside reasons that name the failing criterion.
    without_reasons = json.dumps([{k: v for k, v in u.items() if k != "reasons"} for u in compact["units"]],
                                 ensure_ascii=False)
    assert not any(name in without_reasons for name in names)


def test_compact_units_say_what_the_detailed_ones_say(compact, detailed):
    meta = {i["id"]: i for c in compact["criteria"]["criteria"] for i in c["indicators"]}
    assert len(compact["units"]) == len(detailed["units"]) == 15
    for short, full in zip(compact["units"], detailed["units"]):
        for key in ("unit_code", "status", "total", "threshold", "shortfall", "reasons", "errors", "missing_inputs"):
            assert short[key] == full[key]
        assert [(c["number"], c["points"], c["complete"]) for c in short["criteria"]] == \
               [(c["number"], c["points"], c["complete"]) for c in full["criteria"]]
        indicators = [i for c in full["criteria"] for i in c["indicators"]]
        assert short["values"] == {k: v for i in indicators for k, v in i["inputs"].items()}
        for indicator in indicators:
            band = short["bands"][indicator["id"]]
            assert short["states"].get(indicator["id"], "scored") == indicator["state"]
            if band is None:
                assert indicator["points"] is None
                continue
            reached = meta[indicator["id"]]["bands"][band]
            assert reached["points"] == indicator["points"]
            assert reached["text"] in indicator["band"]  # the empty-denominator band says so around it
        assert [(g["indicator"], g["input"], g["target_value"], g["flips_decision"]) for g in short["gaps"]] == \
               [(g["indicator"], g["input"], g["target_value"], g["flips_decision"]) for g in full["gaps"]]
        ref = full["criteria_set"]
        assert short["criteria_set"] == compact["criteria"]["key"] == f"{ref['id']}@{ref['effective']} sha256:{ref['digest'][:12]}"


def test_a_compact_plan_is_the_detailed_plan_without_its_sentences(compact, detailed):
    """Each change's input label is given once in the metadata; every sentence stays in --detail."""
    labels = {i["name"]: i["label"] for i in compact["criteria"]["inputs"]}
    planned = blocked = 0
    for short, full in zip(compact["units"], detailed["units"]):
        if full["plan"] is None:
            assert short["plan"] is None
            continue
        assert short["plan"]["reaches_recognition"] == full["plan"]["reaches_recognition"]
        assert [dict(c, label=labels[c["input"]]) for c in short["plan"]["changes"]] == full["plan"]["changes"]
        assert short["plan"]["blocked_by"] == [{"criterion": b["criterion"], "indicator": b["indicator"]}
                                               for b in full["plan"]["blocked_by"]]
        planned += len(short["plan"]["changes"])
        blocked += len(short["plan"]["blocked_by"])
    assert planned and blocked  # the sample area has both: the comparison above compared something


def test_the_metadata_sums_to_the_criteria_set(compact):
    meta = compact["criteria"]
    assert meta["id"] == compact["criteria_id"] and meta["digest"] == compact["criteria_digest"]
    assert sum(c["max_points"] for c in meta["criteria"]) == meta["total_points"]
    for criterion in meta["criteria"]:
        assert sum(i["max_points"] for i in criterion["indicators"]) == criterion["max_points"]
        for indicator in criterion["indicators"]:
            assert max(b["points"] for b in indicator["bands"]) == indicator["max_points"]


def test_a_compact_unit_is_small(tmp_path):
    # The whole country is ~10,600 units: at most 3 KB each on average keeps the file near 30 MB.
    data = evaluate(SAMPLE)
    sizes = [len(json.dumps(u, ensure_ascii=False, separators=(",", ":")).encode()) for u in data["units"]]
    assert sum(sizes) / len(sizes) <= 3072, sizes


@pytest.mark.parametrize("detail", [(), ("--detail",)])
def test_nan_and_infinity_given_as_values_still_make_valid_json(tmp_path, detail):
    path = tmp_path / "unit.yaml"
    path.write_text('unit_code: "00001"\nbirths: .nan\nbirths_registered: .inf\n', encoding="utf-8")
    data = evaluate(str(path), *detail)  # json.loads would fail on a bare NaN
    assert VALIDATOR.is_valid(data)
    details = {e["input"]: e["value"] for e in data["units"][0]["error_details"]}
    # the YAML reader keeps values as written (.nan stays the text ".nan"): a data error, never a float NaN
    assert details["births"] in (".nan", "nan", None) and details["births_registered"] in (".inf", "inf", None)
    assert data["units"][0]["status"] == "invalid"


def test_a_fourteenth_criterion_appears_in_the_metadata_and_every_unit():
    criteria = ROOT / "tests" / "fixtures" / "criteria" / "with-14th-criterion.yaml"
    data = evaluate(SAMPLE, "--criteria", str(criteria))
    assert VALIDATOR.is_valid(data)
    assert [c["number"] for c in data["criteria"]["criteria"]] == list(range(1, 15))
    assert data["criteria"]["total_points"] == 1050
    assert all([c["number"] for c in unit["criteria"]] == list(range(1, 15)) for unit in data["units"])


def test_compact_json_and_the_machine_csv_name_a_set_alike(tmp_path):
    """cfc aggregate compares criteria sets by what results call them: the compact JSON's key is the CSV's cell,
    so results of the same set in both formats are taken as one set, not refused as mixed."""
    json_results, csv_results = tmp_path / "area.json", tmp_path / "one.csv"
    for source, fmt, out in ((SAMPLE, "json", json_results), (SINGLE, "csv", csv_results)):
        assert CliRunner().invoke(main, ["evaluate", source, "--format", fmt, "-o", str(out)]).exit_code in (0, 1)
    keys = {unit["criteria_set"] for unit in json.loads(json_results.read_text(encoding="utf-8"))["units"]}
    assert keys == {next(csv.DictReader(csv_results.open(encoding="utf-8")))["criteria_set"]}
    result = CliRunner().invoke(main, ["aggregate", str(json_results), str(csv_results), "-o", str(tmp_path / "review")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "review" / "summary.xlsx").exists()
