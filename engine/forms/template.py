"""The .xlsx self-assessment form, generated from the criteria file's input declarations.

Nothing here lists inputs by hand: add, rename or relabel an input in the criteria YAML, regenerate, and the
form follows. Two sheets: one unit (a row per input, value in the "Giá trị" column) and many units (a row per
unit: Vietnamese labels in row 1, input names in row 2, data from row 3). Both read back with
engine.readers.xlsx; the input names in the form are what the reader keys on.
"""
from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from engine.results.sheets import save_workbook
from engine.criteria.model import CriteriaSet, InputDecl
from engine.forms.layout import (FIRST_DATA_ROW, LABEL_ROW, MANY_UNITS_SHEET, NAME_ROW, ONE_UNIT_HEADERS,
                                ONE_UNIT_SHEET, YES_NO_CHOICES)
from engine.registry.maps import NEW, PERIOD_LABELS, input_label

MANY_ROWS = 2000          # rows of the many-units sheet that carry the validations
LIST_SHEET = "_danh_muc"  # very hidden: long dropdown lists (an inline list is limited to 255 characters)

# The workbook's own font named on every styled cell: a bold cell without a name is drawn by LibreOffice in a
# wider serif face, and its header then runs into the next column.
FONT_NAME = "Calibri"
TITLE = Font(name=FONT_NAME, bold=True, size=14)
BOLD = Font(name=FONT_NAME, bold=True)
NAME_FONT = Font(name=FONT_NAME, size=8, color="808080")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)  # the form's table, printed with its lines

# The several-units sheet printed: its header labels wrap onto HEADER_LINES lines at most, in columns at least
# MIN_COLUMN characters wide; printed at MANY_UNITS_SCALE per cent (11 pt text prints at about 10 pt).
HEADER_LINES = 4
MIN_COLUMN = 12
MANY_UNITS_SCALE = 90
BLANK_ROWS = 20  # rows printed under a blank form's header, for a commune that fills it by hand


def instructions(criteria: CriteriaSet, after: bool = False) -> list[str]:
    """What an official reads above the form: how to fill it in and where it goes (no command to type). `after`:
    the form is for units of the map from 1 July 2025, and says what its reworded labels mean."""
    categories = "; ".join(f"{c.label.vi} (từ {c.threshold} điểm)" for c in criteria.categories)
    return [
        f"Bộ tiêu chí: {criteria.instrument.citation}.",
        "Cách điền: ghi số liệu của kỳ đánh giá vào cột «Giá trị». Không sửa cột «Tên trường»: "
        "số liệu được đọc theo tên trường.",
        "Số đếm: số nguyên từ 0 trở lên, viết liền, không có dấu chấm hay dấu phẩy (ví dụ 1234).",
        "Có/không: chọn «có» hoặc «không» trong danh sách.",
        "Ô để trống là CHƯA CÓ số liệu (không phải 0): đơn vị sẽ bị xếp «Thiếu dữ liệu». Số liệu bằng 0 thì ghi 0.",
        f"Loại đơn vị: chọn trong danh sách — {categories}.",
        "Dòng tô vàng là bắt buộc. Nhiều đơn vị: dùng trang «Nhiều đơn vị», mỗi đơn vị một dòng (từ dòng 3).",
        "Điền xong: tải tệp lên trang tự đánh giá để xem điểm ngay, rồi gửi tệp cho cơ quan thẩm định.",
    ] + ([f"«{label.vi}»: {note.vi}" for name, (_, label, note) in PERIOD_LABELS.items()
          if name in criteria.input_by_name] if after else [])


def _label_cell(cell, decl: InputDecl, after: bool) -> None:
    """An input's label, as its map words it; a reworded label carries what it means as the cell's note."""
    cell.value = input_label(decl, after).vi
    if after and decl.name in PERIOD_LABELS:
        cell.comment = Comment(PERIOD_LABELS[decl.name][2].vi, "cfc", width=320, height=110)


def unit_text(decl: InputDecl) -> str:
    if decl.type == "yes_no":
        return "có/không"
    if decl.type == "category":
        return "chọn trong danh sách"
    if decl.type == "count":
        return decl.unit.vi if decl.unit else "số"
    return ""


class _Validations:
    """One DataValidation per kind of input on a sheet, each collecting the cells or ranges it covers."""

    def __init__(self, sheet: Worksheet, category_list: str):
        self.sheet = sheet
        self.category_list = category_list
        self.by_key: dict[tuple, DataValidation] = {}

    def add(self, decl: InputDecl, cells: str) -> None:
        if decl.type == "yes_no":
            key = ("yes_no",)
            make = lambda: DataValidation(  # noqa: E731
                type="list", formula1='"' + ",".join(YES_NO_CHOICES) + '"', allow_blank=True,
                showErrorMessage=True, errorTitle="Giá trị không hợp lệ", error="Chọn «có» hoặc «không».")
        elif decl.type == "category":
            key = ("category",)
            make = lambda: DataValidation(  # noqa: E731
                type="list", formula1=self.category_list, allow_blank=True, showErrorMessage=True,
                errorTitle="Loại đơn vị không hợp lệ", error="Chọn một loại đơn vị trong danh sách.")
        elif decl.type == "count":
            low = decl.min or 0
            key = ("count", low)
            make = lambda: DataValidation(  # noqa: E731
                type="whole", operator="greaterThanOrEqual", formula1=str(low), allow_blank=True,
                showErrorMessage=True, errorTitle="Số không hợp lệ",
                error=f"Nhập số nguyên từ {low} trở lên, không có dấu chấm hay dấu phẩy.")
        else:
            return
        if key not in self.by_key:
            self.by_key[key] = make()
            self.sheet.add_data_validation(self.by_key[key])
        self.by_key[key].add(cells)


def _category_list(workbook: Workbook, criteria: CriteriaSet) -> str:
    """The category dropdown: the Vietnamese labels (the readers take a label as well as an id). A label holds
    commas, which an inline list would split, so the list lives on a very hidden sheet."""
    sheet = workbook.create_sheet(LIST_SHEET)
    sheet.sheet_state = "veryHidden"
    for row, category in enumerate(criteria.categories, start=1):
        sheet.cell(row, 1, category.label.vi)
    return f"'{LIST_SHEET}'!$A$1:$A${len(criteria.categories)}"


def _number_format(decl: InputDecl) -> str | None:
    # Text as text: a unit code typed as 09901 keeps its leading zero.
    return {"text": "@", "category": "@", "count": "0"}.get(decl.type)


def _fit_width_when_printed(sheet: Worksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _one_unit_sheet(sheet: Worksheet, criteria: CriteriaSet, category_list: str, after: bool) -> None:
    width = len(ONE_UNIT_HEADERS)
    sheet.cell(1, 1, "PHIẾU TỰ ĐÁNH GIÁ XÃ, PHƯỜNG, THỊ TRẤN PHÙ HỢP VỚI TRẺ EM").font = TITLE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    row = 2
    for line in instructions(criteria, after):
        cell = sheet.cell(row, 1, line)
        cell.alignment = WRAP
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        sheet.row_dimensions[row].height = 15 * math.ceil(len(line) / 120)  # merged cells do not grow by themselves
        row += 1
    row += 1
    header_row = row
    for column, text in enumerate(ONE_UNIT_HEADERS, start=1):
        cell = sheet.cell(header_row, column, text)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, BOX
    value_column = len(ONE_UNIT_HEADERS)
    validations = _Validations(sheet, category_list)
    for offset, decl in enumerate(criteria.inputs, start=1):
        row = header_row + offset
        label = sheet.cell(row, 1)
        _label_cell(label, decl, after)
        label.alignment = WRAP
        sheet.cell(row, 2, unit_text(decl))
        sheet.cell(row, 3, decl.name).font = NAME_FONT
        value = sheet.cell(row, value_column)
        if (fmt := _number_format(decl)) is not None:
            value.number_format = fmt
        if decl.required:
            label.font = BOLD
            for column in range(1, value_column + 1):
                sheet.cell(row, column).fill = REQUIRED_FILL
        validations.add(decl, value.coordinate)
        for column in range(1, value_column + 1):  # boxes to write in, on paper too
            sheet.cell(row, column).border = BOX
    for column, width_chars in zip("ABCD", (70, 18, 30, 30)):
        sheet.column_dimensions[column].width = width_chars
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    _fit_width_when_printed(sheet)


def header_width(text: str) -> int:
    """A column as wide as its wrapped header needs: HEADER_LINES lines at most, never narrower than its longest
    word (a word is not split across lines) nor than a value typed below it needs."""
    longest_word = max((len(word) for word in text.split()), default=0)
    return max(MIN_COLUMN, longest_word + 2, math.ceil(len(text) / HEADER_LINES) + 3)


def _many_units_sheet(sheet: Worksheet, criteria: CriteriaSet, category_list: str, after: bool) -> None:
    validations = _Validations(sheet, category_list)
    last = FIRST_DATA_ROW + MANY_ROWS - 1
    for column, decl in enumerate(criteria.inputs, start=1):
        letter = get_column_letter(column)
        label = sheet.cell(LABEL_ROW, column)
        _label_cell(label, decl, after)
        label.font, label.fill, label.alignment = BOLD, REQUIRED_FILL if decl.required else HEADER_FILL, WRAP
        label.border = BOX
        sheet.cell(NAME_ROW, column, decl.name).font = NAME_FONT
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(header_width(label.value), 25 if decl.type in ("text", "category") else 0)
        if (fmt := _number_format(decl)) is not None:
            dimension.number_format = fmt
        validations.add(decl, f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
    sheet.row_dimensions[LABEL_ROW].height = 15 * HEADER_LINES
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 3)


def _print_across_pages(sheet: Worksheet, inputs: int, units: int) -> None:
    """The several-units sheet on paper: its columns (one per input) cannot fit one A4 width readably, so they
    run across pages at MANY_UNITS_SCALE, each page repeating the header rows and the unit's code and name; a
    unit's row is printed across before the next rows (over, then down). The print area is the header and the
    pre-filled units, or BLANK_ROWS empty rows with their lines to fill in by hand."""
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    setup.scale, setup.pageOrder = MANY_UNITS_SCALE, "overThenDown"
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    sheet.print_title_rows = f"{LABEL_ROW}:{NAME_ROW}"
    sheet.print_title_cols = "A:B"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.print_options.gridLines = True  # the boxes to write in, on paper too
    last_row = FIRST_DATA_ROW + max(units, BLANK_ROWS) - 1
    sheet.print_area = f"A1:{get_column_letter(inputs)}{last_row}"
    sheet.oddFooter.right.text = "Trang &P/&N"


def _prefill(sheet: Worksheet, criteria: CriteriaSet, units) -> None:
    """One row per unit of the official list (cfc template --province): its code, name and province, and its
    category where the list decides it (a ward); the rest is the commune's to fill."""
    from engine.registry.checks import known_category

    columns = {decl.name: column for column, decl in enumerate(criteria.inputs, start=1)}
    # The category as the dropdown offers it (its Vietnamese label, which the readers take): never its id.
    category_labels = {category.id: category.label.vi for category in criteria.categories}
    for row, unit in enumerate(units, start=FIRST_DATA_ROW):
        category = known_category(unit, criteria)
        values = {"unit_code": unit.code, "unit_name": unit.name, "province": unit.province,
                  "district": unit.district, "category": category_labels.get(category, category)}
        for name, value in values.items():
            if value is not None and name in columns:
                sheet.cell(row, columns[name], value)


def build_template(criteria: CriteriaSet, units=()) -> Workbook:
    """The form; `units` (registry units) pre-fill the several-units sheet, one row each. A form pre-filled with
    units of the map from 1 July 2025 labels its fields as that map has them ("Khu vực", not "Huyện / khu vực")."""
    after = bool(units) and all(unit.map_id == NEW for unit in units)
    workbook = Workbook()
    one = workbook.active
    one.title = ONE_UNIT_SHEET
    many = workbook.create_sheet(MANY_UNITS_SHEET)
    category_list = _category_list(workbook, criteria)
    _one_unit_sheet(one, criteria, category_list, after)
    _many_units_sheet(many, criteria, category_list, after)
    _prefill(many, criteria, units)
    _print_across_pages(many, len(criteria.inputs), len(units))
    workbook.properties.title = f"Phiếu tự đánh giá — {criteria.instrument.id}"
    workbook.properties.creator = "cfc"
    return workbook


def write_template(criteria: CriteriaSet, path: str | Path, units=()) -> Path:
    """Write the form to `path` atomically (a temporary file beside it, then a rename)."""
    return save_workbook(build_template(criteria, units), path)  # atomic, and the same bytes for the same input
