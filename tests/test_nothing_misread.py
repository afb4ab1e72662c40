"""Issue 21, class 3: nothing dropped or misread without a word. Each case is a real file in
tests/fixtures/issue21 (made by make_fixtures.py there; the workbook saved by LibreOffice Calc) or one cfc
wrote itself: a misspelt key in YAML and JSON, cfc's own results given back, a count cell formatted as a
percentage, merged cells, a repeated header row, a lone surrogate in JSON and YAML (also through the web), and
the page's uploads saying what the command line warns of."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from starlette.testclient import TestClient

from cli import main
from engine.criteria.model import load_criteria
from engine.history import History
from engine.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "issue21"
SAMPLE = ROOT / "evaluations" / "sample-area" / "units.csv"
SINGLE = ROOT / "evaluations" / "single-unit.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def units_of(result) -> dict[str, dict]:
    return {u["unit_code"]: u for u in json.loads(result.stdout)["units"]}


def warnings_of(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Warning:")]


# ---------------------------------------------------------------- misspelt keys

@pytest.mark.parametrize("name, typos", [("misspelt-key.yaml", {"birth_registered": "births_registered"}),
                                         ("misspelt-key.json", {"birth_registered": "births_registered",
                                                                "Births": "births"})])
def test_a_misspelt_key_is_warned_with_the_closest_input(name, typos):
    result = run("evaluate", FIXTURES / name, "--format", "json", "--lang", "en")
    unit = units_of(result)["09916"]
    assert unit["status"] == "incomplete" and set(unit["ignored_inputs"]) == set(typos)
    said = warnings_of(result)
    assert len(said) == len(typos)
    for typo, meant in typos.items():
        assert any(f"key '{typo}' is not an input" in line and f"did you mean {meant}?" in line for line in said)
    vietnamese = run("evaluate", FIXTURES / name, "--format", "json")
    assert any("có phải births_registered?" in line for line in vietnamese.stderr.splitlines())


def test_a_list_of_units_names_the_first_item_and_counts_the_units(tmp_path):
    path = tmp_path / "units.yaml"
    path.write_text('- {unit_code: "1", births: 3}\n- {unit_code: "2", birth: 3}\n- {unit_code: "3", birth: 4}\n',
                    encoding="utf-8")
    said = warnings_of(run("evaluate", path, "--format", "json", "--lang", "en"))
    assert said == [f"Warning: {path} item 2: key 'birth' is not an input of the criteria file: ignored "
                    "(in 2 unit(s)) (did you mean births?)"]


def test_known_keys_say_nothing():
    assert warnings_of(run("evaluate", SINGLE, "--format", "json", "--lang", "en")) == []
    assert warnings_of(run("evaluate", SAMPLE.parent / "units.yaml", "--format", "json", "--lang", "en")) == []


# ---------------------------------------------------------------- cfc's own results given back

@pytest.fixture(scope="module")
def own_results(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("own")
    made = {"dir": folder / "ket-qua", "machine": folder / "machine.csv", "whatif": folder / "whatif.json",
            "detail": folder / "detail.json", "summary": folder / "tong-hop"}
    run("evaluate", SAMPLE, "--output", made["dir"])
    run("evaluate", SAMPLE, "--format", "csv", "-o", made["machine"])
    run("evaluate", SINGLE, "--set", "births_registered=46", "--format", "json", "-o", made["whatif"])
    run("evaluate", SINGLE, "--detail", "--format", "json", "-o", made["detail"])
    run("aggregate", made["dir"] / "results.json", "-o", made["summary"])
    return {"results.json": made["dir"] / "results.json", "results.csv": made["dir"] / "results.csv",
            "results.xlsx": made["dir"] / "results.xlsx", "machine.csv": made["machine"],
            "whatif.json": made["whatif"], "detail.json": made["detail"],
            "summary.xlsx": made["summary"] / "summary.xlsx"}


@pytest.mark.parametrize("name, kind", [("results.json", "a JSON results file"), ("whatif.json", "a JSON results file"),
                                        ("detail.json", "a JSON results file"), ("results.csv", "a CSV results file"),
                                        ("machine.csv", "a CSV results file"),
                                        ("results.xlsx", "a results workbook (results.xlsx or summary.xlsx, sheet 'Kết quả')"),
                                        ("summary.xlsx", "a results workbook")])
def test_evaluating_cfcs_own_results_says_what_the_file_is(own_results, name, kind):
    path = own_results[name]
    assert path.exists()
    result = run("evaluate", path, "--lang", "en")
    assert result.exit_code == 2
    assert f"Error: {path}: this is {kind}" in result.stderr
    assert "written by cfc, not input data" in result.stderr and "cfc aggregate" in result.stderr
    assert "Traceback" not in result.output


def test_a_table_with_inputs_beside_results_is_not_taken_for_results():
    """cfc's history export has status, total and threshold beside every input: it is input data."""
    from engine.readers.own_files import results_header

    criteria = load_criteria()
    assert results_header(["unit_code", "status", "total", "threshold", "criterion_1"], criteria)
    assert results_header(["Mã đơn vị", "Kết quả", "Tổng điểm", "Ngưỡng"], criteria)
    assert not results_header(["unit_code", "status", "total", "threshold", "births"], criteria)
    assert not results_header(["unit_code", "status", "total", "births"], criteria)


# ---------------------------------------------------------------- a workbook as officials make them

@pytest.fixture(scope="module")
def merged_workbook():
    result = run("evaluate", FIXTURES / "merged-and-percent.xlsx", "--format", "json", "--lang", "en")
    return units_of(result), warnings_of(result)


def test_merged_cells_give_every_row_their_value_with_a_warning(merged_workbook):
    units, said = merged_workbook
    assert [units[c]["district"] for c in sorted(units)] == ["Thị xã Đoài Sơn"] * 5
    assert all(units[c]["category"] == "other" for c in units)
    assert units["09902"]["status"] == "not_recognized" and units["09902"]["total"] == 835
    path = FIXTURES / "merged-and-percent.xlsx"
    assert (f"Warning: {path} sheet 'Đoài Sơn' cells C3:C7: merged cells: the value 'Thị xã Đoài Sơn' of cell C3 "
            "is used for rows 3–7") in said
    assert any("cells F3:F5: merged cells: the value 'other' of cell F3 is used for rows 3–5" in line for line in said)
    assert not any("A1:" in line for line in said)  # the merged title row is no unit's value


def test_a_count_formatted_as_a_percentage_is_flagged_as_dates_are(merged_workbook):
    units, _ = merged_workbook
    assert units["09903"]["status"] == "invalid"
    assert units["09903"]["error_details"] == [{
        "input": "births", "value": "100%",
        "message": "births (cell L5) = '100%': a percentage where a count belongs (a cell formatted as %?); "
                   "type the count itself, e.g. 46"}]
    assert units["09904"]["error_details"][0]["input"] == "births_registered"
    assert units["09904"]["error_details"][0]["value"] == "45%"


def test_percent_and_merged_cells_read_alike_by_the_quick_scanner_and_the_xml_parser(tmp_path):
    """openpyxl writes the plain shape the byte scanner reads; a comment in the sheet data sends the same
    sheet to the XML parser: both find the percentages and the merged ranges."""
    from engine.readers import sheet_cells

    book = Workbook()
    sheet = book.active
    sheet.append(["unit_code", "district", "births"])
    sheet.append(["1", "Huyện A", 0.5])
    sheet.append(["2", None, 3])
    sheet.merge_cells("B2:B3")
    sheet["C2"].number_format = "0.0%"
    sheet["C3"].number_format = '0"%"'  # a literal sign: not a percentage
    path = tmp_path / "w.xlsx"
    book.save(path)
    with sheet_cells.Workbook(path) as workbook:
        quick = workbook.cells(workbook.sheets[0])
        with workbook._reader.archive.open(workbook.sheets[0].path) as source:
            merged: list[str] = []
            parsed = workbook._build(sheet_cells._tree_rows(source, merged), workbook.shared_strings())
    assert quick.percents == parsed.percents == {(2, 3)}
    assert quick.merged == merged == ["B2:B3"]


# ---------------------------------------------------------------- a repeated header row

def test_two_csvs_joined_skip_the_second_header_with_a_warning():
    path = FIXTURES / "concatenated.csv"
    result = run("evaluate", path, "--format", "json", "--lang", "en")
    units = units_of(result)
    assert sorted(units) == ["09901", "09902", "09903", "09911", "09912"]  # no unit named "unit_code"
    assert all(u["status"] == "not_recognized" and u["total"] == 835 for u in units.values())
    assert warnings_of(result) == [f"Warning: {path} row 5: the header row again (two tables joined?): skipped, "
                                   "and the columns are read by it from here"]


def test_a_header_repeated_in_a_workbook_is_skipped_too(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0].split(","), [line.split(",") for line in lines[1:4]]
    book = Workbook()
    sheet = book.active
    for row in [header, rows[0], rows[1], header, rows[2]]:
        sheet.append(row)
    path = tmp_path / "joined.xlsx"
    book.save(path)
    result = run("evaluate", path, "--format", "json", "--lang", "en")
    assert len(units_of(result)) == 3
    assert warnings_of(result) == [f"Warning: {path} sheet 'Sheet' row 4: the header row again (two tables "
                                   "joined?): skipped, and the columns are read by it from here"]


# ---------------------------------------------------------------- a lone surrogate

@pytest.mark.parametrize("name", ["lone-surrogate.json", "lone-surrogate.yaml"])
@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_a_lone_surrogate_is_a_data_error_of_its_unit(name, fmt, tmp_path):
    path = FIXTURES / name
    out = tmp_path / f"out.{fmt}"
    result = run("evaluate", path, "--format", fmt, "--lang", "en")
    assert result.exit_code == 1, result.output  # invalid units; the batch is whole
    assert "Traceback" not in result.output
    units = units_of(run("evaluate", path, "--format", "json", "--lang", "en"))
    assert len(units) == 3
    invalid = [u for u in units.values() if u["status"] == "invalid"]
    assert len(invalid) == 2
    assert any("unit_name = 'Xã" in e and "\\ud800" in e and "lone surrogate" in e for u in invalid for e in u["errors"])
    assert any("the key '\\udc00births' holds a lone surrogate" in e for u in invalid for e in u["errors"])
    written = run("evaluate", path, "--output", tmp_path / "dir")
    assert written.exit_code == 1 and (tmp_path / "dir" / "results.xlsx").exists()
    assert not out.exists() or out.stat().st_size


def test_a_lone_surrogate_never_makes_the_web_answer_500(tmp_path):
    client = TestClient(create_app(load_criteria(), History(tmp_path / "h.sqlite3")), raise_server_exceptions=False)
    body = (FIXTURES / "lone-surrogate.json").read_bytes()
    one = json.dumps(json.loads(body)[0], ensure_ascii=True)  # the unit whose name holds \ud800
    evaluated = client.post("/api/evaluate?lang=en", content=one, headers={"content-type": "application/json"})
    assert evaluated.status_code == 422
    assert evaluated.json()["error_details"][0]["input"] == "unit_name"
    keyed = '{"unit_code": "1", "\\udc00births": 3}'
    assert client.post("/api/evaluate", content=keyed, headers={"content-type": "application/json"}).status_code == 422
    saved = client.post("/api/history", content='{"inputs": ' + one + "}", headers={"content-type": "application/json"})
    assert saved.status_code == 422
    for name in ("lone-surrogate.json", "lone-surrogate.yaml"):
        upload = client.post("/upload", files={"file": (name, (FIXTURES / name).read_bytes(), "application/json")})
        assert upload.status_code == 200
        board = str(upload.url)
        for page in ("/unit/0", "/unit/1", "/unit/2", "/appraisal.pdf", "/decision.docx", "/file"):
            assert client.get(board + page).status_code == 200, page
        assert "\\ud800" in client.get(board + "/unit/0").text  # the bad value shown beside its error, escaped


def test_a_csv_row_with_fewer_cells_than_the_header_is_said(tmp_path):
    """A row cut short was read with its last inputs blank and the unit "incomplete", without a word about
    why (a row with more cells than the header was already a data error)."""
    path = FIXTURES / "row-cut-short.csv"
    result = run("evaluate", path, "--format", "json", "--lang", "en")
    assert result.exit_code == 0
    units = units_of(result)
    assert units["09942"]["status"] == "incomplete" and "births_registered" in units["09942"]["missing_inputs"]
    assert units["09941"]["status"] == units["09943"]["status"] == "not_recognized"
    assert warnings_of(result) == [f"Warning: {path} row 3: fewer cells than the header (41 columns): the last "
                                   "inputs are read as blank (a row cut short, or typed only as far as its last value?)"]
    # one warning for the file however many rows: the first five named, the rest counted
    lines = path.read_text(encoding="utf-8").splitlines()
    many = tmp_path / "many.csv"
    many.write_text("\n".join([lines[0]] + [lines[2].replace("09942", f"099{n:02d}") for n in range(50, 58)]) + "\n",
                    encoding="utf-8")
    said = warnings_of(run("evaluate", many, "--format", "json", "--lang", "en"))
    assert len(said) == 1 and said[0].startswith(f"Warning: {many} rows 2, 3, 4, 5, 6 and 3 more: fewer cells"), said


def test_keys_beside_the_list_of_units_are_said_to_apply_to_no_unit():
    """A period and a category written once above `units:` applied to no unit: both units were "incomplete" with
    exit 0 and not a word. They are still not applied (cfc does not guess), but each key is named."""
    result = run("evaluate", FIXTURES / "period-beside-units.yaml", "--format", "json", "--lang", "en")
    assert result.exit_code == 0
    units = units_of(result)
    assert set(units) == {"09931", "09932"} and all(u["status"] == "incomplete" for u in units.values())
    assert warnings_of(result) == [
        f"Warning: {FIXTURES / 'period-beside-units.yaml'}: key '{key}' is outside the list of units: ignored, it "
        "applies to no unit (it is an input: write it in each unit)" for key in ("period", "category")]


# ---------------------------------------------------------------- the same words on the web page

@pytest.mark.parametrize("name, page, said", [
    ("concatenated.csv", "", ["concatenated.csv row 5: the header row again (two tables joined?): skipped"]),
    ("merged-and-percent.xlsx", "", ["merged-and-percent.xlsx sheet 'Đoài Sơn' cells C3:C7: merged cells: the value "
                                     "'Thị xã Đoài Sơn' of cell C3 is used for rows 3–7", "cells F3:F5: merged cells"]),
    ("misspelt-key.yaml", "/unit/0", ["misspelt-key.yaml: key 'birth_registered' is not an input of the criteria "
                                      "file: ignored (in 1 unit(s)) (did you mean births_registered?)"]),
])
def test_an_upload_says_what_the_command_line_warns_of(tmp_path, name, page, said):
    """The page read the file with the CLI's readers but dropped their warnings: a header row skipped, merged
    cells filled in, a misspelt key ignored, all without a word. They are listed on the upload's page."""
    import html

    client = TestClient(create_app(load_criteria(), History(tmp_path / "h.sqlite3")))
    upload = client.post("/upload?lang=en", files={"file": (name, (FIXTURES / name).read_bytes())})
    assert upload.status_code == 200 and ("/unit/0" in str(upload.url)) == bool(page)  # a board, or one unit's form
    text = html.unescape(upload.text)
    for sentence in said:
        assert "Warning: " + sentence in text or sentence in text, text[:2000]
    assert tmp_path.name not in text and "cfc-upload-" not in text  # the person's file name, not the temporary copy
    assert "Cảnh báo: " in html.unescape(client.get(str(upload.url).split("?")[0]).text)  # and in Vietnamese


def test_a_page_lists_the_first_warnings_and_counts_the_rest(tmp_path, monkeypatch):
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    joined = "\n".join([header] + [line for row in rows[:13] for line in (row, header)]) + "\n"  # 13 repeated headers
    client = TestClient(create_app(load_criteria(), History(tmp_path / "h.sqlite3")))
    from engine.web import uploads

    monkeypatch.setattr(uploads, "WARNINGS_KEPT", 10)
    upload = client.post("/upload?lang=en", files={"file": ("joined.csv", joined.encode())})
    assert upload.status_code == 200
    assert upload.text.count("the header row again") == 10 and "… and 3 more warnings about this file." in upload.text
    board = client.app.state.boards.get(str(upload.url).split("/board/")[1].split("?")[0])
    assert len(board.warnings) == 10 and board.more_warnings == 3  # kept: ten sentences and a count


def test_a_document_warns_in_the_language_asked_for(tmp_path):
    """`cfc report` warned of skipped rows in Vietnamese whatever CFC_LANG said, while its errors followed it."""
    out = tmp_path / "tham-dinh.pdf"
    made = CliRunner(env={"CFC_LANG": "en"}).invoke(main, ["report", "appraisal", str(FIXTURES / "concatenated.csv"),
                                                            "-o", str(out)])
    assert made.exit_code == 0 and out.exists(), made.output
    assert "Warning: " in made.stderr and "the header row again (two tables joined?)" in made.stderr, made.stderr
