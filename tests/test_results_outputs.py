"""The spreadsheet-shaped results: derived from the criteria file, finished to print, safe against formula
injection, byte-identical on a rerun, and chosen by the -o extension."""
from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import main
from engine.version import __version__

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "evaluations" / "sample-area" / "units.csv"
FOURTEEN = ROOT / "tests" / "fixtures" / "criteria" / "with-14th-criterion.yaml"
INJECTIONS = ['=HYPERLINK("http://example.com/x","Bấm vào đây")', "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1:A2)"]


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def sample_rows() -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(SAMPLE.open(encoding="utf-8")))
    return rows[0], rows[1:]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


@pytest.fixture(scope="module")
def fourteen(tmp_path_factory) -> Path:
    """The sample area with the pilot criterion's input: the first unit has a children's council."""
    header, rows = sample_rows()
    rows = [row + (["có"] if i == 0 else ["không"]) for i, row in enumerate(rows)]
    return write_csv(tmp_path_factory.mktemp("c14") / "units.csv", header + ["child_council"], rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """Unit names, districts and provinces that a spreadsheet program would run as formulas, and a count
    given as a formula (a data error whose value is shown)."""
    header, rows = sample_rows()
    rows = [list(row) for row in rows[:4]]
    at = {name: header.index(name) for name in ("unit_name", "district", "province", "births")}
    for row, text in zip(rows, INJECTIONS):
        row[at["unit_name"]] = text
        row[at["district"]] = text
        row[at["province"]] = text
    rows[0][at["births"]] = "=1+1"
    return write_csv(tmp_path_factory.mktemp("hostile") / "units.csv", header, rows)


# ---------------------------------------------------------------- a 14th criterion

def test_a_14th_criterion_appears_in_every_results_format(fourteen, tmp_path):
    machine = run("evaluate", fourteen, "--criteria", FOURTEEN, "--format", "csv")
    header, *rows = list(csv.reader(io.StringIO(machine.stdout)))
    assert [h for h in header if h.startswith("criterion_")] == [f"criterion_{n}" for n in range(1, 15)]
    first = dict(zip(header, rows[0]))
    assert first["criterion_14"] == "50" and dict(zip(header, rows[1]))["criterion_14"] == "0"

    out = tmp_path / "ket-qua"
    assert run("evaluate", fourteen, "--criteria", FOURTEEN, "-o", out).exit_code == 1
    workbook = load_workbook(out / "results.xlsx")
    units = list(workbook["Kết quả"].iter_rows(values_only=True))
    assert [h for h in units[0] if str(h).startswith("TC ")] == [f"TC {n}" for n in range(1, 15)]
    column = units[0].index("TC 14")
    assert units[1][column] == 50
    criteria = list(workbook["Bộ tiêu chí"].iter_rows(values_only=True))
    assert criteria[-1][:3] == (14, "Hội đồng trẻ em cấp xã (thí điểm)", 50)
    assert sum(row[2] for row in criteria[1:]) == 1050
    people = list(csv.reader(io.StringIO((out / "results.csv").read_text(encoding="utf-8-sig"))))
    assert people[0][column] == "TC 14" and people[1][column] == "50"


def test_a_14th_criterion_appears_in_the_detail_table_and_the_template(fourteen, tmp_path):
    header, rows = sample_rows()
    one = write_csv(tmp_path / "one.csv", header + ["child_council"], [rows[0] + ["có"]])
    table = run("evaluate", one, "--criteria", FOURTEEN).stdout
    assert "14. Hội đồng trẻ em cấp xã (thí điểm)" in table and "50/50" in table
    form = tmp_path / "phieu.xlsx"
    assert run("template", "--criteria", FOURTEEN, "-o", form).exit_code == 0
    names = [row[2] for row in load_workbook(form)["Một đơn vị"].iter_rows(values_only=True)]
    assert "child_council" in names


# ---------------------------------------------------------------- the workbook looks finished

def test_results_workbook_is_finished_for_print_and_filtering(tmp_path):
    run("evaluate", SAMPLE, "-o", tmp_path / "ket-qua.xlsx")
    workbook = load_workbook(tmp_path / "ket-qua.xlsx")
    for sheet in workbook.worksheets:
        columns = sheet.max_column
        assert all(sheet.cell(1, c).font.b for c in range(1, columns + 1)), sheet.title
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, columns).column_letter}{max(sheet.max_row, 1)}"
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert all(sheet.column_dimensions[sheet.cell(1, c).column_letter].width >= 5 for c in range(1, columns + 1))
    rows = list(workbook["Kết quả"].iter_rows(values_only=True))
    units = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    # labels, not codes; numbers as numbers; no total for a unit with invalid data
    assert units["09577"]["Loại đơn vị"] == "Phường thuộc quận, thị xã, thành phố của thành phố trực thuộc trung ương"
    assert units["09577"]["Kết quả"] == "Đạt chuẩn" and units["09577"]["Tổng điểm"] == 955
    assert isinstance(units["09577"]["TC 1"], int)
    assert units["09697"]["Kết quả"] == "Dữ liệu lỗi" and units["09697"]["Tổng điểm"] is None
    assert units["09697"]["Ngưỡng"] == 800
    assert units["09577"]["Bộ tiêu chí"].startswith("qd06-2019@2019-01-03 sha256:")  # the set that scored it
    assert units["09577"]["Phiên bản cfc"] == __version__ and rows[0][-1] == "Phiên bản cfc"  # and the cfc that did


def test_english_workbook_and_people_csv(tmp_path):
    run("evaluate", SAMPLE, "-o", tmp_path / "results.xlsx", "--lang", "en")
    units = list(load_workbook(tmp_path / "results.xlsx")["Results"].iter_rows(values_only=True))
    assert units[0][:6] == ("Unit code", "Unit name", "Result", "Total", "Threshold", "Shortfall")
    first = dict(zip(units[0], units[1]))
    assert first["Category"] == "Ward of a district, town or city of a centrally governed city"
    assert first["Result"] == "Recognised" and first["District"] and first["Period"] == "2024"
    run("evaluate", SAMPLE, "-o", tmp_path / "results.csv", "--lang", "en")
    people = (tmp_path / "results.csv").read_bytes()
    assert people.startswith(b"\xef\xbb\xbfUnit code,Unit name,")


# ---------------------------------------------------------------- formula injection

def test_no_input_text_becomes_a_formula_in_the_workbook(hostile, tmp_path):
    out = tmp_path / "ket-qua"
    run("evaluate", hostile, "-o", out)
    workbook = load_workbook(out / "results.xlsx")
    units = workbook["Kết quả"]
    names = [units.cell(row, 2) for row in range(2, 6)]
    assert [c.value for c in names] == INJECTIONS
    assert all(c.data_type == "s" and c.quotePrefix for c in names)
    header = [cell.value for cell in units[1]]
    columns = [header.index(name) + 1 for name in ("Huyện / khu vực", "Tỉnh")]
    assert all(units.cell(row, col).data_type == "s" for row in range(2, 6) for col in columns)
    errors = list(workbook["Lỗi dữ liệu"].iter_rows(min_row=2))
    value = next(row[3] for row in errors if row[3].value == "=1+1")
    assert value.data_type == "s" and value.quotePrefix
    with zipfile.ZipFile(out / "results.xlsx") as package:
        sheets = [package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)


@pytest.mark.parametrize("how", [("-o", "people.csv"), ("--format", "csv", "-o", "machine.csv")])
def test_csv_outputs_neutralise_formula_like_text(hostile, tmp_path, how):
    args = [a if not a.endswith(".csv") else tmp_path / a for a in how]
    run("evaluate", hostile, *args)
    rows = list(csv.reader(io.StringIO(args[-1].read_text(encoding="utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    for text in INJECTIONS:
        assert "'" + text in cells
        assert text not in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_aggregate_reads_neutralised_names_back_as_given(hostile, tmp_path):
    run("evaluate", hostile, "--format", "csv", "-o", tmp_path / "r.csv")
    from engine.aggregate import load_results
    from engine.criteria.model import load_criteria

    results = load_results([tmp_path / "r.csv"], load_criteria())
    assert list(results.units["unit_name"]) == INJECTIONS


# ---------------------------------------------------------------- reproducible bytes

def test_same_input_gives_byte_identical_outputs(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    run("evaluate", SAMPLE, "-o", first)
    time.sleep(2.1)  # past the zip format's two-second clock: a stamped date would now differ
    run("evaluate", SAMPLE, "-o", second)
    for name in ("results.json", "results.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # The workbook part by part first, so that a difference names the part and shows its text (the package's bytes
    # alone showed only a deflated byte: one failure in a whole suite, session 13, that no rerun reproduced).
    with zipfile.ZipFile(first / "results.xlsx") as one, zipfile.ZipFile(second / "results.xlsx") as other:
        assert one.namelist() == other.namelist()
        for part in one.namelist():
            a, b = one.read(part), other.read(part)
            at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            assert a == b, (part, at, a[max(at - 200, 0):at + 200], b[max(at - 200, 0):at + 200])
    assert (first / "results.xlsx").read_bytes() == (second / "results.xlsx").read_bytes(), "results.xlsx"
    with zipfile.ZipFile(first / "results.xlsx") as package:
        assert {info.date_time for info in package.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z</dcterms:created>" in core and "2000-01-01T00:00:00Z</dcterms:modified>" in core


# ---------------------------------------------------------------- the format follows -o

def test_output_format_follows_the_extension(tmp_path):
    assert run("evaluate", SAMPLE, "-o", tmp_path / "ket-qua.xlsx").exit_code == 1
    assert (tmp_path / "ket-qua.xlsx").read_bytes()[:2] == b"PK"
    run("evaluate", SAMPLE, "-o", tmp_path / "ket-qua.json")
    assert len(json.loads((tmp_path / "ket-qua.json").read_text(encoding="utf-8"))["units"]) == 15
    run("evaluate", SAMPLE, "-o", tmp_path / "ket-qua.csv")
    assert (tmp_path / "ket-qua.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    run("evaluate", SAMPLE, "--format", "csv", "-o", tmp_path / "may.csv")
    assert (tmp_path / "may.csv").read_bytes().startswith(b"unit_code,unit_name,")
    run("evaluate", SAMPLE, "-o", tmp_path / "bang.txt")
    assert "Đạt chuẩn" in (tmp_path / "bang.txt").read_text(encoding="utf-8")


def test_a_format_that_contradicts_the_extension_is_refused(tmp_path):
    result = run("evaluate", SAMPLE, "--format", "table", "-o", tmp_path / "ket-qua.xlsx")
    assert result.exit_code == 2 and "--format table" in result.output
    assert not (tmp_path / "ket-qua.xlsx").exists()
    assert run("evaluate", SAMPLE, "--format", "xlsx").exit_code == 2


def test_output_prints_what_it_wrote_and_the_counts(tmp_path):
    result = run("evaluate", SAMPLE, "-o", tmp_path / "ket-qua")
    for name in ("results.json", "results.csv", "results.xlsx"):
        assert f"Đã ghi {tmp_path / 'ket-qua' / name}" in result.stdout
    assert "15 đơn vị — 7 đạt chuẩn, 5 không đạt, 1 thiếu dữ liệu, 2 dữ liệu lỗi" in result.stdout


def test_cfc_lang_environment_variable_chooses_english():
    result = run("evaluate", SAMPLE, env={"CFC_LANG": "en"})
    assert "Recognised" in result.stdout and "Đạt chuẩn" not in result.stdout


def test_template_is_byte_identical_and_prints_its_header_on_every_page(tmp_path):
    assert run("template", "-o", tmp_path / "a.xlsx").exit_code == 0
    time.sleep(2.1)
    assert run("template", "-o", tmp_path / "b.xlsx").exit_code == 0
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    many = load_workbook(tmp_path / "a.xlsx")["Nhiều đơn vị"]
    assert many.print_title_rows == "$1:$2"


def test_help_is_vietnamese_by_default_and_english_on_request():
    import subprocess
    import sys

    def help_of(*args, env=None):
        import os

        return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args, "--help"], capture_output=True, text=True,
                              env={**os.environ, "CFC_LANG": "", **(env or {})}, cwd=ROOT).stdout

    assert "Chấm điểm số liệu tự đánh giá" in help_of("evaluate")
    assert "Evaluate units' self-assessment data" in help_of("evaluate", "--lang", "en")
    assert "Evaluate units' self-assessment data" in help_of("evaluate", env={"CFC_LANG": "en"})
    assert "Tổng hợp các tệp kết quả" in help_of("aggregate")


def test_summary_line_uses_the_readers_thousands_separator():
    from engine.results.render import Summary, summary_line

    summary = Summary(counts={"recognized": 6129, "not_recognized": 4079, "incomplete": 223, "invalid": 169})
    assert summary_line(summary, "vi").startswith("Tổng hợp: 10.600 đơn vị — 6.129 đạt chuẩn")
    assert summary_line(summary, "en").startswith("Summary: 10,600 units — 6,129 recognised")
