"""A streaming .xlsx writer for results: sheets of plain rows (text, numbers, yes/no, blanks), any length.

Why not openpyxl here: results.xlsx of a national batch holds ~70,000 rows; openpyxl spends ~70 µs per cell
building and serialising cell objects, which made writing the workbook the slowest step of a batch. This
writes each row straight to XML (a few µs per cell). Each sheet is spooled to an unnamed temporary file (the
operating system removes it even if cfc is killed) and the workbook is zipped in one go at the end.

Text is always written as text (inline strings), never as a formula, whatever it starts with; characters XML
cannot hold (control characters) become U+FFFD. The first row of each sheet is its header: bold, frozen, with
a filter. Same rows in, same bytes out (fixed timestamps in the archive).
"""
from __future__ import annotations

import math
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any, BinaryIO, Iterable
from xml.sax.saxutils import escape

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # in sheet names
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# One pass per text: XML's three special characters escaped, characters XML cannot hold replaced.
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                       **{chr(c): "\ufffd" for c in [*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0xfffe, 0xffff]}})
_STAMP = (2019, 1, 3, 0, 0, 0)  # every archive entry carries this date: identical input, identical bytes
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_WIDTH_SAMPLE = 200  # rows looked at to size each column


class XlsxStream:
    def __init__(self) -> None:
        self._sheets: dict[str, _Sheet] = {}

    def append(self, sheet: str, row: Iterable[Any]) -> None:
        if sheet not in self._sheets:
            self._sheets[sheet] = _Sheet(len(self._sheets) + 1)
        self._sheets[sheet].append(list(row))

    def save(self, path: str | Path) -> None:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            def put(name: str, text: str) -> None:
                archive.writestr(zipfile.ZipInfo(name, _STAMP), text.encode("utf-8"), zipfile.ZIP_DEFLATED, 1)

            names = list(self._sheets)
            put("[Content_Types].xml", _content_types(len(names)))
            put("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">'
                f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
            put("xl/workbook.xml", _workbook(names))
            put("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)))
            put("xl/styles.xml", _STYLES)
            for name in names:
                sheet = self._sheets[name]
                info = zipfile.ZipInfo(f"xl/worksheets/sheet{sheet.number}.xml", _STAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w") as target:
                    sheet.write_to(target)

    def close(self) -> None:
        for sheet in self._sheets.values():
            sheet.spool.close()


class _Sheet:
    def __init__(self, number: int):
        self.number = number
        self.rows = 0
        self.width = 0
        self.widths: list[int] = []
        self.spool = tempfile.TemporaryFile()  # unnamed: nothing left behind, whatever happens

    def append(self, row: list[Any]) -> None:
        self.rows += 1
        number = self.rows
        style = ' s="1"' if number == 1 else ""
        suffix = str(number)
        cells = "".join([_cell(_ref(column) + suffix, value, style) for column, value in enumerate(row)])
        if number <= _WIDTH_SAMPLE:
            self.widths.extend([0] * (len(row) - len(self.widths)))
            for column, value in enumerate(row):
                if value is not None:
                    self.widths[column] = max(self.widths[column], min(len(str(value)), 60))
        self.width = max(self.width, len(row))
        self.spool.write(f'<row r="{number}">{cells}</row>'.encode("utf-8"))

    def write_to(self, target: BinaryIO) -> None:
        last = f"{_ref(max(self.width, 1) - 1)}{max(self.rows, 1)}"
        columns = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{max(w, 6) + 2}" customWidth="1"/>'
                          for i, w in enumerate(self.widths))
        target.write((f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" '
                      f'xmlns:r="{_REL}"><dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0">'
                      f'<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView>'
                      f'</sheetViews>' + (f"<cols>{columns}</cols>" if columns else "") + "<sheetData>")
                     .encode("utf-8"))
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, target, 1 << 20)
        target.write(b"</sheetData>" + (f'<autoFilter ref="A1:{last}"/>'.encode() if self.rows else b"")
                     + b"</worksheet>")


_REFS: list[str] = []


def _ref(column: int) -> str:
    """Column letters of a 0-based column: A ... Z, AA ... (cached: every cell asks)."""
    while column >= len(_REFS):
        number, letters = len(_REFS) + 1, ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(65 + rest) + letters
        _REFS.append(letters)
    return _REFS[column]


def _cell(ref: str, value: Any, style: str) -> str:
    if value is None:
        return f'<c r="{ref}"{style}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) or isinstance(value, float) and math.isfinite(value):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    text = str(value)
    if _SPECIAL.search(text):
        text = text.translate(_TEXT)
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _content_types(count: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                     f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, count + 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.styles+xml"/>{sheets}</Types>')


def _workbook(names: list[str]) -> str:
    sheets = "".join(f'<sheet name="{escape(_ILLEGAL.sub(" ", name), {chr(34): "&quot;"})}" sheetId="{i}" '
                     f'r:id="rId{i}"/>' for i, name in enumerate(names, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<sheets>{sheets}</sheets></workbook>')


def _workbook_rels(count: int) -> str:
    rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                   for i in range(1, count + 1))
    rels += f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG}">{rels}</Relationships>'


_STYLES = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
           '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
           '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
           '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
