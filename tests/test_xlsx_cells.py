"""The streaming cell reader (engine/readers/sheet_cells.py) against openpyxl's read-only reader, the reader it
replaced: the same value in every cell, the same formula cells, and the same records, warnings and errors
from whole workbooks; on workbooks written by openpyxl, saved by LibreOffice, and written by hand with what
other programs put in a sheet (shared and inline strings, rich-text and phonetic runs, error cells, booleans,
dates under the 1900 and 1904 calendars, numbers stored as text, cells and rows without positions)."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook, load_workbook

from engine import limits
from engine.api import evaluate_files
from engine.criteria.model import load_criteria
from engine.readers import read_records, xlsx
from engine.readers.records import InputFileError, reading
from engine.readers import sheet_cells
from engine.readers.sheet_cells import Workbook

ROOT = Path(__file__).resolve().parent
CRITERIA = load_criteria()
READABLE = [ROOT / "fixtures" / "sample-area-saved-by-libreoffice.xlsx"] + [
    ROOT / "fixtures" / "robust" / name for name in ("totals-rows.xlsx", "dates-and-booleans.xlsx",
                                                     "hidden-sheet.xlsx")]


# ---------------------------------------------------------------- openpyxl, the reader replaced

def openpyxl_sheets(path: Path) -> dict[str, tuple[list[list], set[tuple[int, int]]]]:
    """Every worksheet's rows of values (up to the last cell holding a value) and formula cells, as openpyxl
    reads them in read-only mode."""
    values = load_workbook(path, read_only=True, data_only=True)
    formulas = load_workbook(path, read_only=True, data_only=False)
    out = {}
    for sheet in values.worksheets:
        found = {(cell.row, cell.column) for row in formulas[sheet.title].iter_rows() for cell in row
                 if getattr(cell, "data_type", None) == "f"}
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        out[sheet.title] = (rows, found)
    values.close()
    formulas.close()
    return out


def streamed_sheets(path: Path) -> dict[str, tuple[list[list], set[tuple[int, int]]]]:
    with Workbook(path) as workbook:
        return {sheet.title: (cells.grid(), cells.formulas)
                for sheet in workbook.sheets for cells in [workbook.cells(sheet)]}


def parsed_sheets(path: Path) -> dict[str, tuple[list[list], set[tuple[int, int]]]]:
    """The same by the XML parser alone, as for a sheet the quick scanner gives up on."""
    with Workbook(path) as workbook:
        out = {}
        for sheet in workbook.sheets:
            with workbook._reader.archive.open(sheet.path) as source:
                cells = workbook._build(sheet_cells._tree_rows(source), workbook.shared_strings())
            out[sheet.title] = (cells.grid(), cells.formulas)
        return out


def scanned(path: Path) -> list[bool]:
    """Per sheet, whether the quick scanner read it (True) or gave up for the XML parser (False)."""
    with Workbook(path) as workbook:
        out = []
        for sheet in workbook.sheets:
            with workbook._reader.archive.open(sheet.path) as source:
                try:
                    for _ in sheet_cells.scanned_rows(source, sheet_cells._BYTE_COLUMNS):
                        pass
                    out.append(True)
                except sheet_cells.Unusual:
                    out.append(False)
        return out


def trimmed(rows: list[list]) -> list[list]:
    """Rows without trailing empty cells, and without trailing empty rows: openpyxl pads to the sheet's
    <dimension> (or to each row's last cell), the streaming reader to the last cell holding anything."""
    rows = [row[:max([i + 1 for i, v in enumerate(row) if v is not None], default=0)] for row in rows]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def assert_same_cells(path: Path) -> None:
    """Both ways of reading a sheet (the quick scanner where it reads it, the XML parser always) give what
    openpyxl gives."""
    expected, actual = openpyxl_sheets(path), streamed_sheets(path)
    assert parsed_sheets(path) == actual
    assert list(actual) == list(expected)
    for title, (rows, formulas) in expected.items():
        assert trimmed(actual[title][0]) == trimmed(rows), title
        assert [[type(v) for v in row] for row in trimmed(actual[title][0])] == \
            [[type(v) for v in row] for row in trimmed(rows)], title  # 41 stays int, 41.0 float, a date datetime
        assert actual[title][1] == formulas, title


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_shipped_workbooks_read_cell_for_cell_as_openpyxl_reads_them(path):
    assert_same_cells(path)
    assert all(scanned(path))  # LibreOffice's and openpyxl's sheets take the quick way


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")  # openpyxl, the reference, says it
def test_a_workbook_written_by_openpyxl_with_every_kind_of_value(tmp_path):
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.title = "Số liệu"
    sheet["A1"] = "Báo cáo"
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["unit_code", "births", "births_registered", "period", "staff_assigned", "note"])
    values = ["0012", 12.0, 12.5, dt.date(2024, 12, 31), True, "#DIV/0!", dt.datetime(2024, 5, 1, 8, 30),
              dt.time(12, 30), dt.timedelta(hours=30), 10 ** 15, -0.0, 1e-7, "Cộng Hòa", "x005F_y", "=SUM(B4:B5)"]
    sheet.append(values)
    sheet.cell(5, 30, "far")
    sheet["B6"] = 45000
    sheet["B6"].number_format = "dd/mm/yyyy"
    sheet["C6"] = 45000.75
    sheet["C6"].number_format = "yyyy-mm-dd hh:mm"
    sheet["D6"] = 0.25
    sheet["D6"].number_format = "0%"
    sheet["E6"] = 3e9
    sheet["E6"].number_format = "dd/mm/yyyy"  # far past the last date: openpyxl's #VALUE!
    hidden = book.create_sheet("Ẩn")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "unit_code"
    path = tmp_path / "every-kind.xlsx"
    book.save(path)
    assert_same_cells(path)
    assert scanned(path) == [True, True]
    grid = streamed_sheets(path)["Số liệu"][0]
    assert grid[3][:6] == ["0012", 12.0, 12.5, dt.datetime(2024, 12, 31), True, "#DIV/0!"]
    assert grid[5][1] == dt.datetime(2023, 3, 15) and grid[5][4] == "#VALUE!"


# ---------------------------------------------------------------- workbooks written by hand

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def handmade(path: Path, sheets: list[str], strings: str | None = None, date1904: bool = False,
             states: list[str] | None = None) -> Path:
    """A workbook package as another program writes it: `sheets` are each worksheet's <sheetData> content
    (the x: prefix on the main namespace, as some generators write it, on the second sheet)."""
    states = states or ["visible"] * len(sheets)
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
            'xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxml'
                      f'formats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(sheets) + 1))
            + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
               'officedocument.spreadsheetml.sharedStrings+xml"/>' if strings is not None else "")
            + "</Types>"),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f'<workbookPr date1904="{"true" if date1904 else "false"}"/><sheets>'
            + "".join(f'<sheet name="Trang {i}" sheetId="{i}" state="{state}" r:id="rId{i}"/>'
                      for i, state in enumerate(states, start=1))
            + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(sheets) + 1))
            + f'<Relationship Id="rId90" Type="{REL}/styles" Target="styles.xml"/>'
            + (f'<Relationship Id="rId91" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
               if strings is not None else "")
            + "</Relationships>"),
        "xl/styles.xml": (
            # 0 General, 1 a custom date, 2 built-in date 14, 3 a time, 4 a duration, 5 two decimals
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}"><numFmts count="3">'
            '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="[h]:mm:ss"/>'
            '<numFmt numFmtId="166" formatCode="0.00"/></numFmts><fonts count="1"><font><sz val="11"/></font>'
            '</fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1">'
            '<border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            '</cellStyleXfs><cellXfs count="6"><xf numFmtId="0" xfId="0"/><xf numFmtId="164" xfId="0" '
            'applyNumberFormat="1"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/><xf numFmtId="21" '
            'xfId="0" applyNumberFormat="1"/><xf numFmtId="165" xfId="0" applyNumberFormat="1"/><xf '
            'numFmtId="166" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle '
            'name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
    }
    for i, data in enumerate(sheets, start=1):
        prefix = "x:" if i == 2 else ""
        root = f"{prefix}worksheet"
        data = data.replace("<", f"<{prefix}").replace(f"<{prefix}/", f"</{prefix}") if prefix else data
        parts[f"xl/worksheets/sheet{i}.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><{root} xmlns{":x" if prefix else ""}="{MAIN}" '
            f'xmlns:r="{REL}"><{prefix}sheetData>{data}</{prefix}sheetData></{root}>')
    if strings is not None:
        parts["xl/sharedStrings.xml"] = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{strings}</sst>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode("utf-8"))
    return path


STRINGS = (
    '<si><t>unit_code</t></si>'
    '<si><t>births</t></si>'
    '<si><r><rPr><b/></rPr><t>Xã </t></r><r><t xml:space="preserve">Cộng Hòa </t></r>'
    '<rPh sb="0" eb="1"><t>phonetic, never read</t></rPh></si>'     # rich text runs and a phonetic run
    '<si><t>0012</t></si>'                                          # a code typed as text: leading zeros kept
    '<si><t>12.0</t></si>'                                          # a number stored as text
    '<si><t/></si>'                                                 # an empty string
    '<si><t>a_x005F_x000D_b &amp; &lt;c&gt;</t></si>'             # escapes: openpyxl's x005F_ rule, entities
    '<si><t>plain</t><r><t>+run</t></r></si>'                       # plain text then a run
    '<si><t><![CDATA[in <cdata>]]></t></si>'
)

CELLS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>'
    'births_registered</t></is></c><c r="D1" t="inlineStr"><is><r><t>per</t></r><r><t>iod</t></r></is></c></row>'
    '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2"><v>12</v></c><c r="C2"><v>12.0</v></c>'
    '<c r="D2" s="1"><v>45657</v></c><c r="E2" t="b"><v>1</v></c><c r="F2" t="e"><v>#DIV/0!</v></c>'
    '<c r="G2" t="s"><v>4</v></c><c r="H2" s="3"><v>0.5</v></c><c r="I2" s="4"><v>1.25</v></c>'
    '<c r="J2" s="2"><v>45657.75</v></c><c r="K2" s="5"><v>12.5</v></c><c r="L2"><v>1E3</v></c></row>'
    # row 3 left out; row 4: formulas with their saved values, one without, a string formula
    '<row r="4"><c r="A4" t="s"><v>2</v></c><c r="B4"><f>SUM(B2:C2)</f><v>24</v></c><c r="C4"><f>B4/0</f></c>'
    '<c r="D4" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="E4" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    '<c r="F4" t="b"><v>0</v></c><c r="G4" t="s"><v>5</v></c><c r="H4" t="s"><v>6</v></c>'
    '<c r="I4" t="s"><v>7</v></c><c r="J4" t="s"><v>8</v></c><c r="K4" t="d"><v>2024-02-29T10:00:00</v></c></row>'
    # cells and a row without positions, as some generators write them
    '<row><c t="inlineStr"><is><t>no r</t></is></c><c><v>7</v></c><c r="E5"><v>5</v></c><c><v>6</v></c></row>'
    # styled empty cells (not data), an empty value, a cell left open and closed
    '<row r="6" spans="1:3"><c r="A6" s="1"/><c r="B6" s="1"></c><c r="C6"><v></v></c><c r="D6" t="inlineStr">'
    '<is/></c></row>'
    # a cell written twice (the empty second one wins, as in openpyxl), then a row out of order (never read)
    '<row r="8"><c r="B8"><v>8</v></c><c r="C8"><v>9</v></c><c r="C8" s="1"/><c r="XFD8" s="1"/></row>'
    '<row r="7"><c r="A7"><v>77</v></c></row>'
)


def test_handmade_workbook_with_what_other_programs_write_reads_as_openpyxl_reads_it(tmp_path):
    path = handmade(tmp_path / "handmade.xlsx", [CELLS, CELLS], STRINGS)
    assert_same_cells(path)
    assert scanned(path) == [False, False]  # rows and cells without positions: the parser's
    first, prefixed = streamed_sheets(path).values()
    assert first == prefixed  # the x: prefix on the main namespace changes nothing
    grid, formulas = first
    assert grid[1][:7] == ["0012", 12, 12.0, dt.datetime(2024, 12, 31), True, "#DIV/0!", "12.0"]
    assert grid[0][3] == "period" and grid[3][0] == "Xã Cộng Hòa "
    assert grid[3][6:10] == ["", "a_x000D_b & <c>", "plain+run", "in <cdata>"]
    assert grid[3][2] is None and formulas == {(4, 2), (4, 3), (4, 4), (4, 5)}
    assert grid[4][:6] == ["no r", 7, None, None, 5, 6]
    assert grid[6:] == [[None] * 12, [None, 8] + [None] * 10]
    assert len(grid[0]) == 12  # the styled cell at XFD8 is no part of the extent


PLAIN = (  # the plain shape the quick scanner reads, with every form it accepts
    '<row r="1" spans="1:9" ht="12.8" customHeight="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" s="0" t="inlineStr"><is><t>births_registered</t></is></c></row>'
    '<row r="2"><c r="A2" s="5" t="s"><v>3</v></c><c r="B2" s="0" t="n"><v>12</v></c><c r="C2"><v>12.0</v></c>'
    '<c r="D2" s="1"><v>45657</v></c><c r="E2" t="b"><v>1</v></c><c r="F2" t="e"><v>#N/A</v></c>'
    '<c r="G2" t="inlineStr"><is><t xml:space="preserve"> Xã &amp; &#227;&#x1EA1; &lt;b&gt; &quot;q&apos; </t></is></c>'
    '<c r="H2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="I2"><f t="shared" ref="I2:I3" si="0">B2*2</f><v>24</v></c>'
    '<c r="J2"><f t="shared" si="0"/></c><c r="K2"><v></v></c><c r="L2" t="inlineStr"><is><t></t></is></c>'
    '<c r="M2" s="3"/><c r="N2" s="2"><v>45657.5</v></c></row>'
    '<row r="3" spans="1:2"/>'
    '<row r="5"><c r="B5" t="d"><v>2024-02-29T10:00:00</v></c><c r="AB5"><v>1E-3</v></c></row>'
)


def test_the_quick_scanner_reads_the_plain_shape_as_openpyxl_reads_it(tmp_path):
    path = handmade(tmp_path / "plain.xlsx", [PLAIN], STRINGS)
    assert scanned(path) == [True]
    assert_same_cells(path)
    grid, formulas = streamed_sheets(path)["Trang 1"]
    assert grid[1][6] == ' Xã & ãạ <b> "q\' ' and grid[1][5] == "#N/A" and grid[1][7:9] == ["ab", 24]
    assert formulas == {(2, 8), (2, 9), (2, 10)} and grid[1][9:12] == [None, None, ""]


@pytest.mark.parametrize("unusual", [
    '<row><c r="A2"><v>1</v></c></row>',                            # a row without its number
    '<row r="2"><c><v>1</v></c></row>',                             # a cell without its reference
    '<row r="2"><c r="A2" t="s" s="1"><v>0</v></c></row>',          # attributes in another order
    '<row r="2"><c r="A2" t="inlineStr"><is><r><t>a</t></r></is></c></row>',  # rich text
    '<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c></row>',
    '<!-- a comment --><row r="2"><c r="A2"><v>1</v></c></row>',
    '<row r="2"><c r="A2" t="inlineStr"><is><t>a\r\nb</t></is></c></row>',  # XML turns it into \n
    '<row r="2" xmlns:y="urn:y"><c r="A2"><v>1</v></c></row>',
    '<row r="2"> <c r="A2"><v>1</v></c></row>',                      # white space between cells
])
def test_the_quick_scanner_leaves_anything_else_to_the_parser(tmp_path, unusual):
    head = '<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c></row>'
    unusual = unusual if unusual.startswith(("<row", "<!--")) else f'<row r="2">{unusual}</row>'
    path = handmade(tmp_path / "unusual.xlsx", [head + unusual], STRINGS)
    assert scanned(path) == [False]
    assert_same_cells(path)


@pytest.mark.parametrize("control", ["\x01", "\x0b", "\x1f", "\x00"])
def test_a_control_character_is_left_to_the_parser_which_refuses_the_file(tmp_path, control):
    head = '<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c></row>'
    path = handmade(tmp_path / "control.xlsx", [head + f'<row r="2"><c r="A2" t="inlineStr"><is><t>a{control}b</t></is></c></row>'],
                    STRINGS)
    assert scanned(path) == [False]
    with pytest.raises(InputFileError) as refused:
        read_records(path)
    assert "control.xlsx" in str(refused.value)


def test_tabs_and_line_feeds_in_text_are_read_by_the_quick_scanner(tmp_path):
    head = '<row r="1"><c r="A1" t="inlineStr"><is><t>unit_code</t></is></c></row>'
    path = handmade(tmp_path / "tabs.xlsx", [head + '<row r="2"><c r="A2" t="inlineStr"><is><t>a\tb\nc</t></is></c></row>'],
                    STRINGS)
    assert scanned(path) == [True]
    assert_same_cells(path)
    assert streamed_sheets(path)["Trang 1"][0][1] == ["a\tb\nc"]


def rewritten(path: Path, part: str, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[part] = parts[part].replace(old, new)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_rows_outside_the_sheet_data_are_read_as_openpyxl_reads_them(tmp_path):
    path = rewritten(handmade(tmp_path / "outside.xlsx", ['<row r="1"><c r="A1"><v>1</v></c></row>']),
                     "xl/worksheets/sheet1.xml", b"</sheetData>",
                     b'</sheetData><elsewhere><row r="9"><c r="B9"><v>9</v></c></row></elsewhere>')
    assert scanned(path) == [False]
    assert_same_cells(path)
    assert streamed_sheets(path)["Trang 1"][0][8] == [None, 9]


def test_cells_without_a_style_take_style_0_even_when_it_is_a_date(tmp_path):
    path = rewritten(handmade(tmp_path / "style0.xlsx", ['<row r="1"><c r="A1"><v>45657</v></c>'
                                                         '<c r="B1" s="5"><v>2</v></c></row>']),
                     "xl/styles.xml", b'<xf numFmtId="0" xfId="0"/>', b'<xf numFmtId="14" xfId="0"/>')
    assert_same_cells(path)
    assert streamed_sheets(path)["Trang 1"][0] == [[dt.datetime(2024, 12, 31), 2]]


def test_1904_calendar_dates(tmp_path):
    path = handmade(tmp_path / "mac.xlsx", ['<row r="1"><c r="A1" s="1"><v>1</v></c><c r="B1" s="1"><v>45000'
                                            '</v></c><c r="C1" s="3"><v>0.5</v></c></row>'], date1904=True)
    assert_same_cells(path)
    assert streamed_sheets(path)["Trang 1"][0] == [[dt.datetime(1904, 1, 2), dt.datetime(2027, 3, 16),
                                                    dt.time(12, 0)]]


# ---------------------------------------------------------------- whole workbooks: records, warnings, errors

def _openpyxl_percents_and_merged(path: Path) -> dict[str, tuple[set, list[str]]]:
    """Per sheet, the number cells openpyxl shows with a % format (outside quotes, not escaped) and the merged
    ranges: the reference for what sheet_cells keeps beside the values."""
    import re

    book = load_workbook(path, data_only=True)
    out = {}
    for sheet in book.worksheets:
        percents = {(cell.row, cell.column) for row in sheet.iter_rows() for cell in row
                    if cell.data_type == "n" and cell.value is not None and not isinstance(cell.value, bool)
                    and "%" in re.sub(r'"[^"]*"|\\.', "", cell.number_format or "")}
        out[sheet.title] = (percents, [str(r) for r in sheet.merged_cells.ranges])
    book.close()
    return out


def openpyxl_sheets_as_read(path: Path, source: str, hidden: bool):
    """xlsx._sheets as it was, on openpyxl: the reference the records are compared with."""
    book = load_workbook(path, read_only=True, data_only=True)
    everything = openpyxl_sheets(path)
    beside = _openpyxl_percents_and_merged(path)
    out = []
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible" and not (hidden and sheet.sheet_state == "hidden"):
            if sheet.sheet_state == "hidden":
                xlsx.warn(source, xlsx.Text.of(f"trang '{sheet.title}'", f"sheet '{sheet.title}'"), "hidden_sheet")
            continue
        rows, formulas = everything[sheet.title]
        rows = trimmed(rows)
        width = max(map(len, rows), default=0)
        if rows:
            percents, merged = beside[sheet.title]
            cells = sheet_cells.SheetCells(formulas=formulas, percents=percents, merged=merged)
            out.append((sheet.title, [row + [None] * (width - len(row)) for row in rows], cells))
    return out


def read_with(path: Path, hidden: bool) -> tuple[list, list[str]]:
    with reading(hidden_sheets=hidden) as options:
        records = read_records(path, CRITERIA)
    return ([(r.sheet, r.number, r.data, r.cells, [(p.input, p.message.key, p.message.params) for p in r.problems])
             for r in records], [w.render("en") for w in options.warnings.values()])


@pytest.mark.parametrize("hidden", [False, True])
def test_records_and_warnings_match_the_openpyxl_reader(tmp_path, monkeypatch, hidden):
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.append(["Danh sách đơn vị"])
    sheet.append(["unit_code", "births", "births_registered", "period", "staff_assigned", "STT"])
    sheet.append(["00001", 40, 41.0, dt.date(2024, 12, 31), True, 1])
    sheet.append(["00002", 12.5, "#DIV/0!", "2024-12-31", "có", 2])
    sheet.append([])
    sheet.append(["00003", "=B3+1", 3, None, False, 3])
    sheet.append(["Tổng cộng", 52.5, 44])
    sheet.append(["Ghi chú: số liệu giả định"])
    path = tmp_path / "table.xlsx"
    book.save(path)
    paths = [path, handmade(tmp_path / "handmade.xlsx", [CELLS, CELLS], STRINGS, states=["visible", "hidden"])]
    paths += READABLE + [Path(__file__).parent / "fixtures" / "issue21" / "merged-and-percent.xlsx"]
    for each in paths:
        streamed = read_with(each, hidden)
        monkeypatch.setattr(xlsx, "_sheets", openpyxl_sheets_as_read)
        reference = read_with(each, hidden)
        monkeypatch.undo()
        assert streamed == reference, each.name
    assert streamed[0], "the comparison saw records"


def test_errors_still_name_sheet_and_cell(tmp_path):
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet.title = "Xã"
    sheet.append(["unit_code", "births", "births_registered", "children_total"])
    sheet.append(["00001", 12.5, "#DIV/0!", "=B2*2"])
    path = tmp_path / "errors.xlsx"
    book.save(path)
    unit = evaluate_files(CRITERIA, [path]).units[0]
    errors = [error("en") for error in unit.errors]
    assert all(e.startswith(f"{path} sheet 'Xã' row 2, unit 00001: ") for e in errors) and len(errors) == 3
    assert any("births (cell B2) = 12.5: a count must be a whole number" in e for e in errors), errors
    assert any("births_registered (cell C2) = '#DIV/0!': not a whole number" in e for e in errors), errors
    assert any("formula in sheet 'Xã' cell D2 was saved without its computed value" in e for e in errors), errors
    assert any("births (ô B2) = 12.5" in error("vi") for error in unit.errors)


def test_a_far_value_is_refused_naming_its_cell_without_building_the_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHEET_COLUMNS", 20)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 50))
    path = handmade(tmp_path / "wide.xlsx", [rows + '<row r="60"><c r="AA60"><v>1</v></c></row>'
                                             '<row r="70"><c r="C70"><v>1</v></c></row>'])
    with Workbook(path) as workbook:
        cells = workbook.cells(workbook.sheets[0])
    assert cells.extent == (70, 27) and cells.rows == []
    with pytest.raises(InputFileError, match=r"sheet 'Trang 1': holds cells up to AA70, beyond what cfc reads"):
        read_records(path, CRITERIA)
