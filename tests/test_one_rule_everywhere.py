"""Rules that hold in every output that shows them (issue 23): the Vietnamese decimal comma, and a total that
is not a score. Each output is produced once, as a person would, by the command line, from the shipped
example area (15 units: 2 invalid, 1 incomplete) and one commune whose gaps quote rates (0,43‰, 97,83%)."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CSV = ROOT / "evaluations" / "sample-area" / "units.csv"
MISSPELT = ROOT / "tests" / "fixtures" / "robust" / "misspelt-column.csv"  # one commune: 0,43‰ in a gap
# "0.43‰": a decimal point, wrong in Vietnamese text ("1.000 trẻ em" is the thousands point, right)
DECIMAL_POINT = re.compile(r"\d\.(?!\d{3}(?!\d))\d")


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("outputs")
    run("evaluate", str(SAMPLE_CSV), str(MISSPELT), "--output", str(folder / "bundle"))
    run("evaluate", str(SAMPLE_CSV), str(MISSPELT), "--format", "csv", "-o", str(folder / "machine.csv"))
    (folder / "table.txt").write_text(run("evaluate", str(SAMPLE_CSV), str(MISSPELT)), encoding="utf-8")
    run("evaluate", str(SAMPLE_CSV), str(MISSPELT), "--lang", "en", "-o", str(folder / "english.json"))
    return {"json": folder / "bundle" / "results.json", "people_csv": folder / "bundle" / "results.csv",
            "xlsx": folder / "bundle" / "results.xlsx", "machine_csv": folder / "machine.csv",
            "table": folder / "table.txt", "english_json": folder / "english.json"}


def sheet_rows(path: Path, sheet: str) -> list[dict]:
    rows = list(load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


# ---------------------------------------------------------------- decimal commas in Vietnamese text


def test_vietnamese_gap_sentences_take_a_decimal_comma_in_every_output(outputs):
    said = json.loads(outputs["json"].read_text(encoding="utf-8"))
    unit = next(u for u in said["units"] if u["unit_code"] == "00401")
    assert unit["gaps"]  # the compact JSON carries gaps as data; their sentences are in the xlsx and the table
    bands = [band["text"] for c in said["criteria"]["criteria"] for i in c["indicators"] for band in i["bands"]]
    assert "> 0‰ và ≤ 0,5‰" in bands and not any(DECIMAL_POINT.search(text) for text in bands)

    messages = [row["Nội dung"] for row in sheet_rows(outputs["xlsx"], "Cần cải thiện")]
    assert any("(0,43‰)" in text for text in messages)
    assert not [text for text in messages if DECIMAL_POINT.search(text)]

    table = outputs["table"].read_text(encoding="utf-8")
    assert "(0,43‰)" in table and not DECIMAL_POINT.search(table)


def test_english_keeps_the_decimal_point(outputs):
    said = json.loads(outputs["english_json"].read_text(encoding="utf-8"))
    bands = [band["text"] for c in said["criteria"]["criteria"] for i in c["indicators"] for band in i["bands"]]
    assert "> 0‰ and ≤ 0.5‰" in bands


def test_the_pages_gap_sentences_take_a_decimal_comma(criteria_client):
    inputs = next(csv.DictReader(io.StringIO(MISSPELT.read_text(encoding="utf-8"))))
    del inputs["birth"]  # the fixture's stray column
    unit = criteria_client.post("/api/evaluate?detail=1", json=inputs).json()
    messages = [gap["message"] for gap in unit["gaps"]]
    assert any("(0,43‰)" in text for text in messages) and not any(DECIMAL_POINT.search(t) for t in messages)
    measures = [ind["measure_display"] for c in unit["criteria"] for ind in c["indicators"]]
    assert "97,83%" in measures
    english = criteria_client.post("/api/evaluate?detail=1&lang=en", json=inputs).json()
    assert any("(0.43‰)" in gap["message"] for gap in english["gaps"])


@pytest.fixture(scope="module")
def criteria_client(tmp_path_factory):
    from starlette.testclient import TestClient

    from engine.criteria.model import load_criteria
    from engine.history import History
    from engine.web.app import create_app

    return TestClient(create_app(load_criteria(), History(tmp_path_factory.mktemp("h") / "h.sqlite3")))


# ---------------------------------------------------------------- a total that is not a score

UNDECIDED = {"09610": "incomplete", "09613": "invalid"}  # the example area's units without a decision
PARTIAL = {"09610": 950, "09613": 910}                   # the sums over their partial data


def test_the_terminal_shows_a_partial_sum_in_brackets_and_says_what_it_means(outputs):
    table = outputs["table"].read_text(encoding="utf-8")
    for code, total in PARTIAL.items():
        line = next(line for line in table.splitlines() if line.startswith(code))
        assert f"({total})/850" in line
    assert table.count("Tổng điểm trong ngoặc, ví dụ (950): cộng trên số liệu chưa đầy đủ") == 1
    decided = next(line for line in table.splitlines() if line.startswith("09577"))
    assert " 955/900 " in decided and "(" not in decided


def test_both_csvs_and_the_workbook_show_no_total_for_an_undecided_unit(outputs):
    machine = {row["unit_code"]: row for row in csv.DictReader(outputs["machine_csv"].open(encoding="utf-8"))}
    people = {row["Mã đơn vị"]: row for row in
              csv.DictReader(outputs["people_csv"].open(encoding="utf-8-sig"))}
    sheet = {row["Mã đơn vị"]: row for row in sheet_rows(outputs["xlsx"], "Kết quả")}
    for code, status in UNDECIDED.items():
        assert machine[code]["status"] == status and machine[code]["total"] == ""
        assert people[code]["Tổng điểm"] == "" and sheet[code]["Tổng điểm"] is None
    assert machine["09577"]["total"] == "955" and people["09577"]["Tổng điểm"] == "955"
    assert sheet["09577"]["Tổng điểm"] == 955
    # The JSON keeps the sum as data beside the status that says what it is.
    units = {u["unit_code"]: u for u in json.loads(outputs["json"].read_text(encoding="utf-8"))["units"]}
    assert units["09610"]["total"] == 950 and units["09610"]["status"] == "incomplete"


def test_the_provincial_summary_shows_no_total_for_an_undecided_unit(outputs, tmp_path):
    run("aggregate", str(outputs["json"]), "-o", str(tmp_path / "review"))
    units = {row["Mã đơn vị"]: row for row in sheet_rows(tmp_path / "review" / "summary.xlsx", "Danh sách đơn vị")}
    assert units["09610"]["Tổng điểm"] is None and units["09613"]["Tổng điểm"] is None
    assert units["09577"]["Tổng điểm"] == 955


def test_the_documents_bracket_a_partial_sum_and_explain_it(tmp_path):
    from pypdf import PdfReader

    pdf = tmp_path / "tham-dinh.pdf"
    CliRunner().invoke(main, ["report", "appraisal", str(SAMPLE_CSV), "-o", str(pdf)])
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(pdf).pages))
    # the sample's units are in two districts: each row names its area before the totals
    assert "09610 Xã Kim Sơn Thị xã Sơn Tây, Hà Nội (950) 850" in text
    assert "09613 Xã Sơn Đông Thị xã Sơn Tây, Hà Nội (910) 850" in text
    assert "Tổng điểm trong ngoặc: tính trên số liệu chưa đầy đủ hoặc không hợp lệ" in text
    single = tmp_path / "tu-danh-gia.pdf"
    CliRunner().invoke(main, ["report", "self-assessment", str(SAMPLE_CSV), "--unit", "09610", "-o", str(single)])
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(single).pages))
    assert "Tổng cộng (số liệu chưa đầy đủ) (950)" in text and "(…) Điểm tính trên số liệu chưa đầy đủ" in text


def test_a_saved_period_with_missing_data_has_no_total_in_the_history(tmp_path):
    import yaml

    from engine.criteria.model import load_criteria
    from engine.history import History, compare, export_csv, format_comparison
    from engine.api import evaluate_inputs

    criteria, history = load_criteria(), History(tmp_path / "h.sqlite3")
    inputs = yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"))
    for period, change in (("2023", {"checkup_done": None}), ("2024", {})):
        evaluation = evaluate_inputs(criteria, {**inputs, **change, "period": period}, "web")
        history.save(criteria, evaluation.result, evaluation.unit.values)
    comparison = compare(history.periods("09652"))
    assert comparison.totals == [None, 835] and comparison.total_changes == [None, None]
    total_line = next(line for line in format_comparison(comparison, "vi").splitlines()
                      if line.startswith("Tổng điểm"))
    assert total_line.split()[-2:] == ["—", "835"]
    out = io.StringIO()
    export_csv(list(history.all()), out)
    rows = {row["period"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    assert rows["2023"]["status"] == "incomplete" and rows["2023"]["total"] == "" and rows["2024"]["total"] == "835"
