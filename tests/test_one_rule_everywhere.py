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
