"""Spreadsheets that print (issue 23, item 4): the results sheet's core columns in the print area at a size a
person reads (≥ 8 pt once fitted to an A4 landscape width), long text wrapped, every row printed across as
many pages as needed under the repeated header; the form's boxes printed with their lines, its category list
in Vietnamese, and no command for an official to type. Rendered by LibreOffice for a person to look at (see
the README); here the print settings themselves are checked, as Excel and LibreOffice read them."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import main
from engine.criteria.model import load_criteria
from engine.forms.layout import ONE_UNIT_HEADERS, ONE_UNIT_SHEET
from engine.forms.template import LIST_SHEET, build_template, instructions
from engine.results.render import UNIT_BEFORE, printed_columns

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CSV = ROOT / "evaluations" / "sample-area" / "units.csv"
FONT_PT = 11                      # the workbook's font size
A4_LANDSCAPE_MM = 297
MARGINS_IN = 0.4 + 0.4            # left and right


def printed_scale(widths: list[float], margins_in: float) -> float:
    """The zoom that fits these columns across an A4 landscape page: Excel draws a column of width w (characters
    of its default font) w*7+5 pixels wide at 96 pixels per inch."""
    page_px = (A4_LANDSCAPE_MM / 25.4 - margins_in) * 96
    return min(1.0, page_px / sum(w * 7 + 5 for w in widths))


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "ket-qua"
    assert CliRunner().invoke(main, ["evaluate", str(SAMPLE_CSV), "--output", str(out)]).exit_code == 1
    return out / "results.xlsx"


def test_the_results_sheet_prints_its_core_columns_readably(results):
    workbook = load_workbook(results)
    sheet = workbook["Kết quả"]
    criteria = load_criteria()
    columns = printed_columns(criteria)
    assert columns == len(UNIT_BEFORE) + len(criteria.criteria) + 1 < sheet.max_column
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Mã đơn vị", "Tên đơn vị", "Kết quả", "Tổng điểm", "Ngưỡng", "Còn thiếu"]
    assert header[6:columns - 1] == [f"TC {c.number}" for c in criteria.criteria] and header[columns - 1] == "Lý do"
    last = sheet.cell(1, columns).column_letter
    assert sheet.print_area == f"'Kết quả'!$A$1:${last}${sheet.max_row}"  # every row, the core columns
    assert sheet.print_title_rows == "$1:$1"                             # the header on every page
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    widths = [sheet.column_dimensions[sheet.cell(1, i).column_letter].width for i in range(1, columns + 1)]
    margins = sheet.page_margins.left + sheet.page_margins.right
    assert FONT_PT * printed_scale(widths, margins) >= 8, widths
    # Long text wraps within the page (and the row is as tall as its lines); page numbers in the footer.
    reasons = [row[columns - 1] for row in sheet.iter_rows(min_row=2) if row[columns - 1].value]
    assert reasons and all(cell.alignment.wrap_text for cell in reasons)
    tall = [cell for cell in reasons if len(cell.value) > widths[-1]]
    assert tall and all(sheet.row_dimensions[cell.row].height >= 30 for cell in tall)
    assert "Trang &P/&N" in sheet.oddFooter.right.text


def test_before_this_layout_the_sheet_printed_at_about_three_points():
    # The old sheet: 29 columns fitted to one A4 width (the figure the issue reports), for contrast.
    old = [11, 26, 18, 16, 9, 28, 14, 9, 9, 9] + [7] * 13 + [60, 12, 36, 16, 24, 14]
    assert FONT_PT * printed_scale(old, 1.5) < 4


def test_the_form_prints_its_boxes_offers_vietnamese_categories_and_no_command():
    criteria = load_criteria()
    workbook = build_template(criteria)
    sheet = workbook[ONE_UNIT_SHEET]
    header_row = next(row[0].row for row in sheet.iter_rows() if row[0].value == ONE_UNIT_HEADERS[0])
    value_column = len(ONE_UNIT_HEADERS)
    for row in range(header_row, header_row + len(criteria.inputs) + 1):
        border = sheet.cell(row, value_column).border
        assert all(side.style == "thin" for side in (border.left, border.right, border.top, border.bottom)), row
    validation = next(v for v in sheet.data_validations.dataValidation
                      if any(str(r).startswith("D") for r in v.sqref.ranges) and LIST_SHEET in (v.formula1 or ""))
    listed = [row[0].value for row in workbook[LIST_SHEET].iter_rows()]
    assert listed == [c.label.vi for c in criteria.categories]
    assert "Xã, phường, thị trấn còn lại" in listed and workbook[LIST_SHEET].sheet_state == "veryHidden"
    assert validation.type == "list"
    text = " ".join(instructions(criteria))
    assert "cfc" not in text and "evaluate" not in text and "<" not in text and "phần mềm" not in text


def test_a_form_filled_with_a_category_label_reads_back(tmp_path):
    import yaml

    from engine.api import evaluate_files

    criteria = load_criteria()
    workbook = build_template(criteria)
    rows = {row[2].value: row[3] for row in workbook[ONE_UNIT_SHEET].iter_rows() if len(row) > 3}
    for name, value in yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8")).items():
        rows[name].value = value
    rows["category"].value = "Xã, phường, thị trấn còn lại"  # as the dropdown offers it
    path = tmp_path / "phieu.xlsx"
    workbook.save(path)
    unit = evaluate_files(criteria, [path]).units[0]
    assert unit.category == "other" and unit.total == 835 and unit.threshold == 850


def test_the_several_units_sheet_prints_its_columns_across_pages_readably():
    """Issue 23 item 4: the sheet of 40-odd inputs was fitted to one A4 width (about 2 pt). Now: landscape A4 at
    a readable scale, header rows and each unit's code and name on every page, headers wrapped in columns as
    wide as their longest word and their label on at most HEADER_LINES lines, every pre-filled unit printed."""
    from engine.forms.layout import LABEL_ROW, MANY_UNITS_SHEET, NAME_ROW
    from engine.forms.template import HEADER_LINES, header_width
    from engine.registry import map_for

    criteria = load_criteria()
    units = list(map_for().units.values())[:40]
    workbook = build_template(criteria, units)
    sheet = workbook[MANY_UNITS_SHEET]
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.pageOrder) == ("landscape", 9, "overThenDown")
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage and FONT_PT * setup.scale / 100 >= 8
    assert (sheet.print_title_rows, sheet.print_title_cols) == (f"${LABEL_ROW}:${NAME_ROW}", "$A:$B")
    last = sheet.cell(1, len(criteria.inputs)).column_letter
    assert sheet.print_area == f"'{MANY_UNITS_SHEET}'!$A$1:${last}${NAME_ROW + len(units)}"
    assert sheet.print_options.gridLines and "Trang &P/&N" in sheet.oddFooter.right.text
    for cell in sheet[LABEL_ROW]:
        width = sheet.column_dimensions[cell.column_letter].width
        assert cell.alignment.wrap_text and cell.font.name == "Calibri", cell.value  # no wider fallback face
        assert width >= max(len(word) for word in cell.value.split()) + 2, cell.value
        assert width >= header_width(cell.value), cell.value
        assert len(cell.value) <= HEADER_LINES * (width - 3), cell.value
    assert sheet.row_dimensions[LABEL_ROW].height >= 15 * 3  # room for the wrapped lines
    # the pre-filled category reads as the dropdown offers it, never its id
    category = [c.value for c in sheet[NAME_ROW]].index("category") + 1
    shown = {sheet.cell(row, category).value for row in range(NAME_ROW + 1, NAME_ROW + len(units) + 1)} - {None}
    assert shown <= {c.label.vi for c in criteria.categories}


def test_the_one_unit_sheet_fits_one_page_wide_at_a_readable_size():
    sheet = build_template(load_criteria())[ONE_UNIT_SHEET]
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]
    margins = sheet.page_margins.left + sheet.page_margins.right
    assert FONT_PT * printed_scale(widths, margins) >= 8, widths
    assert sheet.print_title_rows
