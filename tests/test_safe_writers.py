"""Issue 21, class 4: every CSV and .xlsx cfc writes is formula-safe, and cfc reads its own quoting back.

The scan below finds every writer of spreadsheet-shaped files in engine/ and cli.py, so that a writer added
later cannot bypass results/cells.py (CSV) and results/sheets.py (openpyxl workbooks; the streamed ones are
results/xlsx_writer.py). The behaviour tests write each file cfc offers with hostile text and look inside."""
from __future__ import annotations

import ast
import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook
from starlette.testclient import TestClient

from cli import main
from engine.criteria.model import load_criteria
from engine.history import History
from engine.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SINGLE_UNIT = ROOT / "evaluations" / "single-unit.yaml"
SHIPPED = ROOT / "criteria" / "qd06-2019-01-03.yaml"
HOSTILE = ['=HYPERLINK("http://example.com/x","Bấm vào đây")', "@SUM(A1:A2)", "+cmd|' /C calc'!A0", "-1+1"]

# The modules allowed to create a writer, and what for. Anything else that writes CSV or a workbook fails here.
CSV_WRITER_MODULES = {"engine/results/cells.py"}          # csv_writer: the one formula-safe CSV writer
OPENPYXL_SAVE_MODULES = {"engine/results/sheets.py"}      # workbook_bytes: the one way an openpyxl book is saved
STREAMED_XLSX_MODULES = {"engine/results/xlsx_writer.py"}  # results.xlsx, summary.xlsx (quote prefix per cell)


def _python_files() -> list[Path]:
    return sorted((ROOT / "engine").rglob("*.py")) + [ROOT / "cli.py"]


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                owner = func.value.id if isinstance(func.value, ast.Name) else None
                yield owner, func.attr, node
            elif isinstance(func, ast.Name):
                yield None, func.id, node


def test_every_spreadsheet_writer_goes_through_the_safe_path():
    found = []
    for path in _python_files():
        name = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        imports_openpyxl = "openpyxl" in source
        for owner, attr, node in _calls(tree):
            where = f"{name}:{node.lineno}"
            if owner == "csv" and attr in ("writer", "DictWriter") and name not in CSV_WRITER_MODULES:
                found.append(f"{where}: csv.{attr} (use engine.results.cells.csv_writer)")
            if attr in ("to_csv", "to_excel", "ExcelWriter"):
                found.append(f"{where}: pandas .{attr} (write through csv_writer or results/sheets.py)")
            if imports_openpyxl and attr == "save" and name not in OPENPYXL_SAVE_MODULES:
                found.append(f"{where}: an openpyxl workbook saved directly (use results.sheets.workbook_bytes)")
            if attr == "ZipFile" and "spreadsheetml" in source and name not in STREAMED_XLSX_MODULES | OPENPYXL_SAVE_MODULES:
                found.append(f"{where}: a workbook package assembled outside results/")
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                if any(m.split(".")[0] in ("xlsxwriter", "pyexcel", "xlwt") for m in modules):
                    found.append(f"{name}:{node.lineno}: another spreadsheet library")
    assert not found, "writers bypassing the formula-safe path:\n" + "\n".join(found)


def test_the_scan_finds_a_writer_that_bypasses_the_safe_path(tmp_path):
    """The scan itself can fail: a module calling csv.writer or saving an openpyxl book is reported."""
    bad = ast.parse("import csv, openpyxl\nw = csv.writer(h)\nbook.save(p)\nframe.to_csv(p)\n")
    attrs = {(owner, attr) for owner, attr, _ in _calls(bad)}
    assert ("csv", "writer") in attrs and ("book", "save") in attrs and ("frame", "to_csv") in attrs


@pytest.fixture()
def client(tmp_path):
    return TestClient(create_app(load_criteria(), History(tmp_path / "h.sqlite3"), max_body=200_000))


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_pages_data_csv_is_formula_safe_and_reads_back_as_typed(client, tmp_path):
    form = {k: str(v) for k, v in yaml.safe_load(SINGLE_UNIT.read_text(encoding="utf-8")).items()}
    form.update(unit_name=HOSTILE[0], district=HOSTILE[1], province=HOSTILE[2], births="-1+1")
    response = client.post("/download/data.csv", data=form)
    header, row = _cells(response.content)
    cell = dict(zip(header, row))
    assert cell["unit_name"] == "'" + HOSTILE[0] and cell["district"] == "'" + HOSTILE[1]
    assert cell["province"] == "'" + HOSTILE[2] and cell["births"] == "'-1+1"
    path = tmp_path / "data.csv"
    path.write_bytes(response.content)
    result = CliRunner().invoke(main, ["evaluate", str(path), "--format", "json", "--lang", "en"])
    unit = json.loads(result.output)["units"][0]
    # cfc reads its own quoting back: the text as typed, and the bad count named as typed
    assert unit["unit_name"] == HOSTILE[0] and unit["district"] == HOSTILE[1]
    assert any(d["input"] == "births" and d["value"] == "-1+1" for d in unit["error_details"])


def test_history_export_is_formula_safe(tmp_path):
    data = yaml.safe_load(SINGLE_UNIT.read_text(encoding="utf-8"))
    data.update(unit_name=HOSTILE[0], district=HOSTILE[3])
    unit = tmp_path / "unit.yaml"
    unit.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    db, out = tmp_path / "h.sqlite3", tmp_path / "export.csv"
    saved = CliRunner().invoke(main, ["evaluate", str(unit), "--save", "--db", str(db), "--yes", "--format", "json"])
    assert saved.exit_code == 0, saved.output
    exported = CliRunner().invoke(main, ["history", "--export", str(out), "--db", str(db)])
    assert exported.exit_code == 0, exported.output
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8"))) for c in row]
    assert "'" + HOSTILE[0] in cells and "'" + HOSTILE[3] in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)


@pytest.fixture()
def hostile_criteria(tmp_path) -> Path:
    """The shipped criteria with labels a board could type: starting with = - + @."""
    document = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    labels = iter(HOSTILE * 4)
    for decl in document["inputs"][:8]:
        decl["label"]["vi"] = next(labels)
    document["categories"][0]["label"]["vi"] = "=1+1"
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _no_formula_cells(path: Path) -> int:
    """Every formula-like text cell of the workbook is a quoted text cell; returns how many there are."""
    book = load_workbook(path)
    quoted = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} {cell.value!r} lacks the quote prefix"
                    quoted += 1
    return quoted


def test_the_template_keeps_labels_as_text(hostile_criteria, tmp_path):
    out = tmp_path / "form.xlsx"
    result = CliRunner().invoke(main, ["template", "-o", str(out), "--criteria", str(hostile_criteria)])
    assert result.exit_code == 0, result.output
    assert _no_formula_cells(out) >= 8  # each hostile label, on both sheets
    # and the form still reads back: the names row, not the labels, is what the reader keys on
    filled = load_workbook(out)
    assert filled["Nhiều đơn vị"].cell(1, 1).value == HOSTILE[0]


def test_the_pages_template_is_the_cli_template_byte_for_byte(client, tmp_path):
    out = tmp_path / "form.xlsx"
    assert CliRunner().invoke(main, ["template", "-o", str(out)]).exit_code == 0
    assert client.get("/template.xlsx").content == out.read_bytes()
