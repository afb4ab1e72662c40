"""The command line: output formats, languages, exit codes, --output, and the criteria commands."""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cli import main
from engine.criteria.model import load_criteria

SHIPPED = Path(__file__).resolve().parent.parent / "criteria" / "qd06-2019-01-03.yaml"

UNIT = {
    "unit_code": "26734", "unit_name": "Xã Đường Lâm", "province": "Phú Thọ", "district": "Thanh Sơn",
    "period": "2024", "category": "mountain_island_disadvantaged", "staff_assigned": "có",
    "villages_total": 12, "villages_with_collaborator": 12, "board_meets_regularly": "yes", "has_funding": "yes",
    "births": 80, "births_registered": 78, "children_total": 2150, "children_abused": 1, "children_offending": 0,
    "children_injured": 3, "special_children": 40, "special_children_supported": 38, "protection_cases": 1,
    "protection_cases_with_plan": 1, "under1_total": 82, "under1_fully_vaccinated": 79, "under5_weighed": 410,
    "under5_underweight": 30, "under5_measured": 410, "under5_stunted": 70, "checkup_due": 1800,
    "checkup_done": 1500, "age5_total": 95, "age5_in_preschool": 94, "primary_age_total": 700,
    "primary_age_in_school": 699, "lower_secondary_age_total": 520, "lower_secondary_age_in_school": 500,
    "children_forum_held": "yes", "children_clubs_active": "yes", "play_place": "yes", "activities_held": 1,
    "survey_respondents": 200, "survey_satisfied": 150,
}  # 790/800 in its category: not recognised


def unit(**changes) -> dict:
    return {**UNIT, **changes}


def not_recognised(**changes) -> dict:
    return unit(**changes)


def recognised(**changes) -> dict:
    return unit(births_registered=80, **changes)  # +20 points: 810/800


def incomplete(**changes) -> dict:
    data = unit(**changes)
    del data["children_abused"]
    return data


def invalid(**changes) -> dict:
    return unit(children_injured="N/A", **changes)


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_yaml(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def assert_nfc(text: str) -> None:
    assert unicodedata.is_normalized("NFC", text), [ch for ch in text if not unicodedata.is_normalized("NFC", ch)][:5]


@pytest.fixture
def mixed_batch(tmp_path) -> Path:
    """Four units, one per status; names and yes/no values typed in decomposed Unicode."""
    nfd = lambda s: unicodedata.normalize("NFD", s)
    return write_csv(tmp_path / "units.csv", [
        recognised(unit_code="26701", unit_name=nfd("Xã Đường Lâm"), staff_assigned=nfd("có")),
        not_recognised(unit_code="26702", unit_name=nfd("Phường Hồng Hà")),
        incomplete(unit_code="26703", unit_name=nfd("Xã Đồng Lạc")),
        invalid(unit_code="26704", unit_name=nfd("Thị trấn Lộc Bình")),
    ])


@pytest.fixture
def valid_batch(tmp_path) -> Path:
    return write_csv(tmp_path / "valid.csv", [recognised(unit_code="26701"), not_recognised(unit_code="26702")])


# ---------------------------------------------------------------- evaluate --format json

def test_json_output_shape(mixed_batch):
    result = run("evaluate", mixed_batch, "--format", "json")
    data = json.loads(result.stdout)
    assert isinstance(data, dict) and isinstance(data["units"], list)
    assert [u["unit_code"] for u in data["units"]] == ["26701", "26702", "26703", "26704"]
    assert [u["status"] for u in data["units"]] == ["recognized", "not_recognized", "incomplete", "invalid"]
    for item in data["units"]:
        assert isinstance(item["total"], int)
        assert [c["number"] for c in item["criteria"]] == list(range(1, 14))
        assert all(isinstance(c["points"], int) for c in item["criteria"])
        assert sum(c["points"] for c in item["criteria"]) == item["total"]
        assert isinstance(item["errors"], list) and all(isinstance(e, str) and e for e in item["errors"])
        if item["status"] == "invalid":
            assert item["errors"] and any("children_injured" in e and "N/A" in e for e in item["errors"])
        else:
            assert item["errors"] == []
    assert [u["total"] for u in data["units"][:2]] == [810, 790]


def test_json_output_in_english_has_english_errors(mixed_batch):
    data = json.loads(run("evaluate", mixed_batch, "--format", "json", "--lang", "en").stdout)
    errors = data["units"][3]["errors"]
    assert any(re.search(r"\brow 5\b", e) and "26704" in e for e in errors), errors
    data_vi = json.loads(run("evaluate", mixed_batch, "--format", "json").stdout)
    assert any(re.search(r"\bdòng 5\b", e) and "26704" in e for e in data_vi["units"][3]["errors"])


# ---------------------------------------------------------------- exit codes

def test_exit_0_when_all_units_valid(valid_batch):
    result = run("evaluate", valid_batch, "--format", "json")
    assert result.exit_code == 0
    assert [u["status"] for u in json.loads(result.stdout)["units"]] == ["recognized", "not_recognized"]


def test_exit_0_when_units_are_only_incomplete(tmp_path):
    path = write_csv(tmp_path / "incomplete.csv", [incomplete(unit_code="26701"), recognised(unit_code="26702")])
    result = run("evaluate", path, "--format", "json")
    assert result.exit_code == 0
    assert [u["status"] for u in json.loads(result.stdout)["units"]] == ["incomplete", "recognized"]


def test_exit_1_when_any_unit_is_invalid(mixed_batch):
    result = run("evaluate", mixed_batch, "--format", "json")
    assert result.exit_code == 1
    # ... and the valid units are still reported.
    assert len(json.loads(result.stdout)["units"]) == 4


def test_exit_1_for_invalid_in_table_format_too(mixed_batch):
    assert run("evaluate", mixed_batch).exit_code == 1


def test_exit_2_for_missing_file(tmp_path):
    missing = tmp_path / "no-such-file.csv"
    result = run("evaluate", missing)
    assert result.exit_code == 2
    assert str(missing) in result.output


def test_exit_2_for_unreadable_file_but_other_files_still_reported(tmp_path, valid_batch):
    bad = tmp_path / "windows-1258.csv"
    bad.write_bytes("unit_code,unit_name\n26799,Xa Tân\n".encode("cp1258"))
    result = run("evaluate", valid_batch, bad, "--format", "json")
    assert result.exit_code == 2
    assert str(bad) in result.stderr
    assert [u["unit_code"] for u in json.loads(result.stdout)["units"]] == ["26701", "26702"]


def test_exit_2_for_unsupported_file_type(tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(b"PK\x03\x04")
    result = run("evaluate", path)
    assert result.exit_code == 2
    assert str(path) in result.output


@pytest.mark.parametrize("args", [["--format", "xml"], ["--lang", "fr"], ["--no-such-option"]])
def test_exit_2_for_bad_option(valid_batch, args):
    assert run("evaluate", valid_batch, *args).exit_code == 2


def test_exit_2_without_files():
    assert run("evaluate").exit_code == 2


# ---------------------------------------------------------------- evaluate --format csv

@pytest.mark.parametrize("lang", ["vi", "en"])
def test_csv_output_has_header_and_one_row_per_unit(mixed_batch, lang):
    result = run("evaluate", mixed_batch, "--format", "csv", "--lang", lang)
    rows = list(csv.reader(io.StringIO(result.stdout)))
    header, body = rows[0], rows[1:]
    assert {"unit_code", "status", "total"} <= set(header)
    assert len(body) == 4
    assert all(len(row) == len(header) for row in body)
    records = [dict(zip(header, row)) for row in body]
    assert [r["unit_code"] for r in records] == ["26701", "26702", "26703", "26704"]
    assert [r["status"] for r in records] == ["recognized", "not_recognized", "incomplete", "invalid"]
    assert records[0]["total"] == "810"
    if lang == "vi":
        assert_nfc(result.stdout)


# ---------------------------------------------------------------- table

def test_table_is_vietnamese_by_default(valid_batch):
    result = run("evaluate", valid_batch)
    assert result.exit_code == 0
    assert "Đạt chuẩn" in result.stdout
    assert "Không đạt" in result.stdout
    assert "Recognised" not in result.stdout and "Not recognised" not in result.stdout
    assert_nfc(result.output)


def test_table_in_english(valid_batch):
    result = run("evaluate", valid_batch, "--lang", "en")
    assert result.exit_code == 0
    assert "Recognised" in result.stdout
    assert "Not recognised" in result.stdout
    assert "Đạt chuẩn" not in result.stdout and "Không đạt" not in result.stdout


def test_table_for_one_not_recognised_unit(tmp_path):
    path = write_yaml(tmp_path / "unit.yaml", not_recognised())
    vi = run("evaluate", path).stdout
    en = run("evaluate", path, "--lang", "en").stdout
    assert "Không đạt" in vi and "Đạt chuẩn" not in vi
    assert "Not recognised" in en and not re.search(r"(?<!Not )Recognised", en)


# ---------------------------------------------------------------- --output

def test_output_writes_the_file(tmp_path, valid_batch):
    target = tmp_path / "out" / "result.json"
    target.parent.mkdir()  # a missing folder is an error (tests/test_robust_outputs.py), never created silently
    result = run("evaluate", valid_batch, "--format", "json", "--output", target)
    assert result.exit_code == 0
    assert target.exists()
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [u["unit_code"] for u in data["units"]] == ["26701", "26702"]
    assert '"units"' not in result.stdout
    assert not [p for p in target.parent.iterdir() if p != target]  # no temporary file left behind


def test_output_refuses_to_overwrite_an_input_file(valid_batch):
    before = valid_batch.read_bytes()
    result = run("evaluate", valid_batch, "--format", "csv", "--output", valid_batch)
    assert result.exit_code == 2
    assert valid_batch.read_bytes() == before


def test_output_refuses_to_overwrite_an_input_file_given_by_another_spelling(tmp_path, valid_batch):
    before = valid_batch.read_bytes()
    other_spelling = valid_batch.parent / "." / valid_batch.name
    result = run("evaluate", valid_batch, "--output", other_spelling)
    assert result.exit_code == 2
    assert valid_batch.read_bytes() == before


# ---------------------------------------------------------------- criteria show / validate

def test_criteria_show_lists_13_criteria_and_marks_provisional_bands():
    result = run("criteria", "show")
    assert result.exit_code == 0
    out = result.stdout
    numbers = [int(m) for m in re.findall(r"^\s?(\d{1,2})\. ", out, flags=re.M)]
    assert numbers == list(range(1, 14))
    cs = load_criteria()
    provisional = sum(1 for _, ind in cs.indicators for i in range(len(ind.scoring.bands))
                      if ind.scoring.band_status(i) == "provisional")
    assert provisional > 0
    assert out.count("TẠM TÍNH") == provisional
    assert "Nguồn lực thực hiện quyền trẻ em" in out
    assert_nfc(out)


def test_criteria_show_in_english_marks_provisional_bands():
    out = run("criteria", "show", "--lang", "en").stdout
    assert len(re.findall(r"^\s?(\d{1,2})\. ", out, flags=re.M)) == 13
    assert "PROVISIONAL" in out and "TẠM TÍNH" not in out


@pytest.mark.parametrize("lang, word", [("vi", "Hợp lệ"), ("en", "OK")])
def test_criteria_validate_shipped_file(lang, word):
    result = run("criteria", "validate", SHIPPED, "--lang", lang)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{word} {SHIPPED}:")


def test_criteria_validate_broken_file(tmp_path):
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["criteria"][6]["indicators"][0]["scoring"]["bands"][1]["min"] = 96  # a gap between 95 and 96
    broken = write_yaml(tmp_path / "broken.yaml", data)
    result = run("criteria", "validate", broken)
    assert result.exit_code == 1
    assert str(broken) in result.output
    assert "criteria[6].indicators[0].scoring.bands[1]" in result.output


def test_criteria_validate_missing_file(tmp_path):
    missing = tmp_path / "none.yaml"
    result = run("criteria", "validate", missing)
    assert result.exit_code != 0
    assert str(missing) in result.output


def test_evaluate_with_broken_criteria_exits_2(tmp_path, valid_batch):
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["instrument"]["total_points"] = 1100
    broken = write_yaml(tmp_path / "broken.yaml", data)
    result = run("evaluate", valid_batch, "--criteria", broken)
    assert result.exit_code == 2
    assert str(broken) in result.output and "instrument.total_points" in result.output


# ---------------------------------------------------------------- Vietnamese output is NFC

@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_vietnamese_output_is_nfc(mixed_batch, fmt):
    result = run("evaluate", mixed_batch, "--format", fmt, "--detail")
    assert result.stdout.strip()
    assert "Đường Lâm" in result.stdout  # the decomposed input name comes out composed
    assert_nfc(result.output)


def test_vietnamese_error_output_is_nfc(tmp_path):
    path = write_csv(tmp_path / "units.csv", [unit(staff_assigned=unicodedata.normalize("NFD", "có lẽ"),
                                                  category=unicodedata.normalize("NFD", "xã miền núi"))])
    result = run("evaluate", path, "--format", "json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["units"][0]["errors"]
    assert any("có lẽ" in e for e in errors) and any("xã miền núi" in e for e in errors), errors
    assert_nfc(result.output)


# ---------------------------------------------------------------- the collector while a batch starts

def test_evaluate_starts_with_the_collector_paused_and_runs_the_batch_with_it(monkeypatch, mixed_batch, tmp_path):
    """Start-up (the criteria, the plan) runs without the cyclic collector; the batch itself runs with it, as
    before, with what start-up built in the oldest generation; and the command leaves it as it found it."""
    import gc

    import cli
    from engine import batch

    seen = {}
    library, real_run = cli._library, batch.run
    monkeypatch.setattr(cli, "_library", lambda path: (seen.setdefault("loading", gc.isenabled()), library(path))[1])

    def running(*args, **kwargs):
        seen["running"] = gc.isenabled()
        # What start-up built is in the oldest generation, not walked by the batch's first collections (left in the
        # youngest, the first allocation once enabled would walk it all, and leave its ~5,000 objects in the next).
        seen["young"] = len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1))
        return real_run(*args, **kwargs)

    monkeypatch.setattr(batch, "run", running)
    assert gc.isenabled()
    criteria = tmp_path / "criteria.yaml"  # read afresh: thousands of objects built while starting
    criteria.write_bytes(SHIPPED.read_bytes())
    result = run("evaluate", mixed_batch, "--format", "json", "--criteria", criteria)
    assert result.exit_code == 1, result.output  # one unit has invalid data
    assert seen.pop("young") < 100, seen
    assert seen == {"loading": False, "running": True}
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.parametrize("args", [
    ["--criteria", "no-such-criteria.yaml"],   # fails while loading the criteria (exit 2)
    ["--format", "xlsx"],                      # a usage error before anything is loaded
])
def test_evaluate_that_fails_while_starting_leaves_the_collector_enabled(args, mixed_batch):
    import gc

    assert gc.isenabled()
    result = run("evaluate", mixed_batch, *args)
    assert result.exit_code == 2, result.output
    assert gc.isenabled()


def test_evaluate_leaves_what_a_caller_froze_frozen(mixed_batch):
    import gc

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        result = run("evaluate", mixed_batch, "--format", "json")
        assert result.exit_code == 1, result.output
        assert gc.get_freeze_count() > frozen // 2 > 0  # (some were freed meanwhile)
    finally:
        gc.unfreeze()


def test_evaluate_leaves_a_paused_collector_paused(mixed_batch):
    """A caller that paused the collector itself (a program embedding cfc's command line) keeps it paused."""
    import gc

    gc.disable()
    try:
        run("evaluate", mixed_batch, "--format", "json")
        assert not gc.isenabled()
    finally:
        gc.enable()
