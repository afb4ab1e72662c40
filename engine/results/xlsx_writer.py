"""A streaming .xlsx writer for the workbooks cfc writes in bulk (results.xlsx, summary.xlsx).

openpyxl's write-only mode builds an object per cell and serialises it through an XML library: about 8 µs a
cell, most of `--output DIR`'s time. Here a row becomes SpreadsheetML text in one pass (string building) and
is deflated as it comes into an unnamed temporary file per sheet, so memory stays flat however many rows there
are; `write` then assembles the package (results/deflated_zip.py), one zip entry per sheet: its head and tail
deflated then, its rows copied as they were deflated. Every sheet has the same finished
layout: a bold, shaded, wrapped header frozen at the top, filters over the written rows, column widths, A4
landscape fitted to the page width with the header rows printed on every page, grid lines printed; a wrapped
row (the header, a column of sentences) is given the height its lines need.

Cells: None and "" are left empty; bool is a boolean cell; int and float are numbers (written as openpyxl
wrote them: 16 significant digits, NaN and infinity left empty); text is an inline string. Text that could
run as a formula (results/cells.py) keeps Excel's quote prefix, so it stays text when opened or edited. The
characters XML cannot hold (most C0 controls, lone surrogates, U+FFFE, U+FFFF) are written as visible
Python escapes (\\x1b, \\ud800), and text is cut at Excel's 32,767 characters, as openpyxl did. A carriage
return is written as a character reference so the XML reader keeps it.

The same rows give the same bytes: fixed document dates, fixed zip entry dates and permissions.
"""
from __future__ import annotations

import math
import numbers
from functools import lru_cache
from itertools import islice, repeat
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Iterable

from isal import isal_zlib

from engine.results.cells import FORMULA_FIRST, FORMULA_STARTS
from engine.results.deflated_zip import FIXED_ZIP_DATE, DeflatedZip, crc32_combine
from engine.text import nfc

FIXED_TIMESTAMP = "2000-01-01T00:00:00Z"
MAX_CELL_CHARS = 32767  # Excel's limit on the text of one cell
# The sheets are deflated by ISA-L (python-isal), not zlib: on a national batch's 62 MB of rows its level 2 took
# 0.04 s of processor against zlib's fastest level's 0.14 s, for a file 6% smaller (isal level 1: the same time, 1%
# larger; level 3: zlib's time). Its CRC-32 is ~5x faster too. A deflate stream is a deflate stream: any zip reader
# inflates it, and the parts inflate to the same bytes as zlib's would.
SHEET_COMPRESSION = 2
HEADER_FILL = "DDEBF7"

# Cell styles (cellXfs indexes in styles.xml below).
PLAIN, HEADER, QUOTED, HEADER_QUOTED, WRAP, WRAP_QUOTED = range(6)
_QUOTED = {PLAIN: QUOTED, HEADER: HEADER_QUOTED, WRAP: WRAP_QUOTED}
_PRESERVE = ' xml:space="preserve"'  # leading or trailing white space kept
_STYLE_ATTR = [""] + [f' s="{style}"' for style in range(1, 6)]

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Any character that needs more than copying: illegal in XML, markup, or a carriage return (which an XML
# reader turns into a line feed unless it is a character reference).
_SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r&<>\ud800-\udfff\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
# Spreadsheet programs read _xHHHH_ in a cell's text as the character U+HHHH: text that holds such a run
# literally has its underscore written as _x005F_, so it reads back as written.
_OOXML_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def storable(text: str) -> str:
    """The text a cell holds for `text`: characters XML cannot carry as visible escapes, at most 32,767
    characters (what reading the cell back gives)."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return text[:MAX_CELL_CHARS]


def _markup(text: str) -> str:
    """Storable text as XML element content: markup escaped, carriage returns kept."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return _OOXML_ESCAPE.sub("_x005F_", text) if "_x" in text else text


def _attribute(text: str) -> str:
    """Text inside a double-quoted XML attribute (xml.sax.saxutils would do it, but importing it costs a
    tenth of a second of every cfc command's start)."""
    return _markup(text).replace('"', "&quot;")


def _xml_text(text: str) -> str:
    return _markup(storable(text))


def column_letter(index: int) -> str:
    """A, B, ..., Z, AA, ... for a 1-based column index."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


LINE_HEIGHT = 15  # points, one line of 11-point text
# The printed page's footer: the sheet's name on the left, "Trang 2/5" on the right (Excel's &A, &P and &N).
_FOOTER = "&amp;L&amp;A&amp;RTrang &amp;P/&amp;N"


@lru_cache(maxsize=8192)  # a column of sentences repeats them (the same reason, another unit)
def _lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide (greedy, by words). Counted line by
    line: each line ends at the last space within its reach (rfind), rather than word by word (a split and a step
    of Python per word: the cell of a unit's name or reasons is new in most rows, a fifth of the results sheet's
    row)."""
    room = max(int(width), 1)  # a column is `width` digits wide; most letters are narrower, bold ones wider
    if len(text) <= room and "\n" not in text:
        return 1  # most cells: as the loop below counts them, without walking their words
    count = 0
    for paragraph in text.split("\n"):
        count += 1
        if len(paragraph) <= room:  # its words and a space between each take no more
            continue
        # Words one space apart, none at the ends. Printable text holds no white space but the space (the only
        # character both printable and white space), so without two spaces in a row its words are those split finds.
        if "  " in paragraph or not paragraph.isprintable():
            paragraph = " ".join(paragraph.split())
        else:
            paragraph = paragraph.strip(" ")
        start, end = 0, len(paragraph)  # the current line starts at `start`
        while end - start > room:
            space = paragraph.rfind(" ", start, start + room + 1)
            if space > start:  # the line holds the words before it
                start = space + 1
                count += 1
            else:  # a word longer than the column breaks inside it: its last part starts the next words' line
                stop = paragraph.find(" ", start)
                if stop < 0:
                    stop = end
                length = stop - start
                count += (length - 1) // room
                start = stop - ((length - 1) % room + 1)
    return count


NUMBER = b"\0"  # where a row's number goes in an encoded row: XML text never holds a NUL (see storable)
ROW_START = b'<row r="' + NUMBER + b'"'
COLUMN_MEMO = 4_096  # distinct cells remembered per column (a column of names starts again when full)


def _cell_tail(value: Any, style: int) -> str:
    """A cell's XML from just after its reference ('<c r="B12') to its end; "" for a cell left empty.
    The common types first, by exact type."""
    styled = _STYLE_ATTR[style]
    kind = type(value)
    if kind is str:
        if not value:
            return ""
        attrs = _STYLE_ATTR[_QUOTED[style]] if value.startswith(FORMULA_STARTS) else styled
        # Printable text holds no character XML cannot carry nor a carriage return: at most markup to escape, which
        # these checks find for a fraction of what _SPECIAL's search costs (most cells are sentences, names, labels).
        if value.isprintable():
            if len(value) > MAX_CELL_CHARS:
                value = value[:MAX_CELL_CHARS]
            space = _PRESERVE if value[0].isspace() or value[-1].isspace() else ""
            if "&" in value or "<" in value or ">" in value or "_x" in value:
                value = _markup(value)
        elif _SPECIAL.search(value):
            value = storable(value)
            space = _PRESERVE if value[0].isspace() or value[-1].isspace() else ""
            value = _markup(value)
        else:
            if len(value) > MAX_CELL_CHARS:
                value = value[:MAX_CELL_CHARS]
            space = _PRESERVE if value[0].isspace() or value[-1].isspace() else ""
        return f'"{attrs} t="inlineStr"><is><t{space}>{value}</t></is></c>'
    if kind is int:
        return f'"{styled}><v>{value if -10**15 < value < 10**15 else "%.16g" % value}</v></c>'
    if value is None:
        return ""
    if kind is float:
        return f'"{styled}><v>{"%.16g" % value}</v></c>' if math.isfinite(value) else ""
    if kind is bool:
        return f'"{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, numbers.Real):  # numpy scalars, Decimal: numbers as numbers
        number = float(value)
        return f'"{styled}><v>{"%.16g" % number}</v></c>' if math.isfinite(number) else ""
    raise TypeError(f"a worksheet cell cannot hold {type(value).__name__}: {value!r}")


# Per style of a text cell, the cell's XML between its reference and its text, encoded: [formula-like][white space at
# an end] (the quote prefix's style, xml:space), as _cell_tail writes it.
_TEXT_HEADS = {style: tuple(tuple(f'"{_STYLE_ATTR[_QUOTED[style] if quoted else style]} t="inlineStr"><is><t'
                                  f'{_PRESERVE if spaced else ""}>'.encode() for spaced in (False, True))
                            for quoted in (False, True)) for style in _QUOTED}
_TEXT_END = b"</t></is></c>"


def _text_cell(ref: bytes, value: str, style: int) -> bytes:
    """`ref` then the cell _cell_tail writes for non-empty text, encoded. Printable text within Excel's limit (most
    cells: names, labels, sentences) by its first and last characters and four searches, written as bytes; the rest
    by _cell_tail. A text cell of a row not seen before was ~6k instructions through _cell_tail's str path (callgrind),
    its formula check (startswith of six prefixes) and the text widened into an f-string then encoded the most."""
    if value.isprintable() and len(value) <= MAX_CELL_CHARS:
        first = value[0]
        # Printable text holds no white space but the space (tests/test_render.py checks every character).
        head = _TEXT_HEADS[style][first in FORMULA_FIRST][first == " " or value[-1] == " "]
        if "&" in value or "<" in value or ">" in value or "_x" in value:
            value = _markup(value)
        return b"".join((ref, head, value.encode(), _TEXT_END))
    return ref + _cell_tail(value, style).encode()


class RowEncoder:
    """Rows of one layout (column widths; the first `upto` cells in `style`, all when None, the rest plain) as
    SpreadsheetML but for their numbers: each row with NUMBER where its number goes, and its width. A worker process
    encodes the rows it renders; the process writing the sheet only numbers them (Sheet.append_rows).

    A cell's XML, its reference included, depends only on its column and its value, and most values repeat in their
    column (statuses, labels, points, the same gap sentence): each column keeps the cells it wrote by value, so a
    row is looked up in one pass (map over the columns' memos) and only the values not seen yet are written out.
    Kept: text, None, and whole numbers but 0 and 1 — as keys, False is 0 and True is 1 (and -0.0 is 0), so with
    those two out of the memos a yes/no or a fraction never finds a whole number's cell (a fraction equal to a
    whole number from 2 on is written as that number is). A wrapped column keeps, beside its cells, the texts that
    take more than one line in it, so a wrapped row's height is looked up too."""

    __slots__ = ("widths", "style", "upto", "_memos", "_refs", "_styles", "_bits", "_tall", "_tall_at")

    def __init__(self, widths: Iterable[float], style: int = PLAIN, upto: int | None = None):
        self.widths = list(widths)
        self.style = style
        self.upto = upto
        self._memos: list[dict] = []  # per column: value → the cell's XML, encoded (b"": left empty)
        self._refs: list[bytes] = []  # per column: b'<c r="B' + NUMBER, the start of its every cell
        self._styles: list[int] = []
        self._bits: list[dict[int, bytes]] = []  # per column: the cells of the whole numbers 0 and 1
        self._tall: list[dict[str, int]] = []  # per wrapped column: its kept texts that take more than one line
        # (index, its _tall) of the wrapped columns that have held such a text: a row's height is looked up in those
        # alone (a sheet's few columns of names and sentences, not its numbers and labels)
        self._tall_at: list[tuple[int, dict[str, int]]] = []

    def _grow(self, columns: int) -> None:
        while len(self._memos) < columns:
            index = len(self._memos)
            self._memos.append({None: b"", "": b""})
            self._refs.append(('<c r="' + column_letter(index + 1)).encode() + NUMBER)
            wrapped = self.upto is None or index < self.upto
            self._styles.append(self.style if wrapped else PLAIN)
            self._bits.append({})
            if self.style != PLAIN and wrapped and index < len(self.widths):
                self._tall.append({})

    def __call__(self, values: list) -> tuple[bytes, int]:
        memos = self._memos  # as `cells` does, inline: a call more per row costs a tenth of the row
        if len(values) > len(memos):
            self._grow(len(values))
        try:
            cells = list(map(dict.get, memos, values, _UNSEEN))
        except TypeError:  # a value no memo can hold (a list): each cell written out, which names it
            cells = [UNSEEN] * len(values)
        unseen = cells.count(UNSEEN)
        if unseen:
            self._write(values, cells, 0, unseen)
        if self.style == PLAIN:
            return b"".join((ROW_START, b">", *cells, b"</row>")), len(values)
        lines = 1
        for index, tall in self._tall_at:
            found = tall.get(values[index], 1) if index < len(values) else 1
            if found > lines:
                lines = found
        height = f' ht="{lines * LINE_HEIGHT}" customHeight="1"'.encode() if lines > 1 else b""
        return b"".join((ROW_START, height, b">", *cells, b"</row>")), len(values)

    def cells(self, values: list, first: int = 0) -> bytes:
        """The XML of cells holding `values`, from column `first` (0: A) on."""
        memos = self._memos
        if first + len(values) > len(memos):
            self._grow(first + len(values))
        try:
            cells = list(map(dict.get, islice(memos, first, None), values, _UNSEEN))
        except TypeError:
            cells = [UNSEEN] * len(values)
        unseen = cells.count(UNSEEN)
        if unseen:
            self._write(values, cells, first, unseen)
        return b"".join(cells)

    def written(self, values: list, first: int = 0) -> bytes:
        """`cells` of values each row holds alone (a unit's code and name, before each of its gaps), written out: not
        looked up nor kept."""
        if first + len(values) > len(self._memos):
            self._grow(first + len(values))
        refs, styles = self._refs, self._styles
        out = []
        for index, value in enumerate(values, first):
            if type(value) is str and value:
                out.append(_text_cell(refs[index], value, styles[index]))
                continue
            tail = _cell_tail(value, styles[index])
            out.append(refs[index] + tail.encode() if tail else b"")
        return b"".join(out)

    def _write(self, values: list, cells: list, first: int, unseen: int) -> None:
        """The `unseen` cells not found in their column's memo, written out (and kept, see the class)."""
        position = -1
        for _ in range(unseen):
            position = cells.index(UNSEEN, position + 1)
            value = values[position]
            index = first + position
            kind = type(value)
            if kind is int and (value == 0 or value == 1):
                cell = self._bits[index].get(value)
                if cell is None:
                    cell = self._bits[index][value] = self._refs[index] + _cell_tail(value, self._styles[index]).encode()
            else:
                if kind is str and value:
                    cell = _text_cell(self._refs[index], value, self._styles[index])
                else:
                    tail = _cell_tail(value, self._styles[index])
                    cell = self._refs[index] + tail.encode() if tail else b""
                if kind is str or kind is int:
                    memo = self._memos[index]
                    tall = self._tall[index] if index < len(self._tall) else None
                    if len(memo) >= COLUMN_MEMO:
                        memo.clear()
                        memo[None] = memo[""] = b""
                        if tall is not None:
                            tall.clear()
                    memo[value] = cell
                    if tall is not None and kind is str and (len(value) > self.widths[index] or "\n" in value):
                        lines = _lines(value, self.widths[index])
                        if lines > 1:
                            if not tall and all(at != index for at, _ in self._tall_at):
                                self._tall_at.append((index, tall))
                            tall[value] = lines
            cells[position] = cell


    def numbers(self, first: int, count: int) -> bytes:
        """The XML of `count` cells from column `first` on, each holding a whole number short of 16 digits, as a bytes
        %-template of those numbers (bytes % (12, 3, -4) writes the cells `cells` writes for them)."""
        if first + count > len(self._memos):
            self._grow(first + count)
        sample = WHOLE_LIMIT - 1  # written as the numbers it stands for are: its digits
        return b"".join(self._refs[index] + _cell_tail(sample, self._styles[index]).replace(str(sample), "%d").encode()
                        for index in range(first, first + count))

    def template(self, column: int, template: str) -> tuple[bytes, bytes] | None:
        """The XML of a cell of `column` holding what `template` (a %-template: each %s a figure, %% a per cent
        sign) says with its figures in place, as two bytes %-templates of the figures — whole numbers (%d each),
        and their texts encoded (%b each): `filled` puts them in, each figure's text made of FIGURE_CHARACTERS
        only, for the bytes this encoder writes for that text — when the text is NFC as the template's literal parts
        are (cfc's sentences are NFC: Text.of). None when the cell could be written otherwise: a wrapped column (its
        row's height reads the text), a figure first or last (the formula quote and xml:space read those
        characters), a literal part that is not printable, holds an underscore (an _xHHHH_ run across a figure) or
        is not NFC, text near the 32,767 characters cut."""
        if self.style != PLAIN:
            return None
        parts = re.split("(%.)", template, flags=re.S)
        if "%" in parts[-1]:  # a per cent sign that ends the template: not a template % fills
            return None
        literals = [parts[0]]
        for marker, literal in zip(parts[1::2], parts[2::2]):
            if marker == "%%":
                literals[-1] += "%" + literal
            elif marker == "%s":
                literals.append(literal)
            else:
                return None
        joined = "".join(literals)
        if (not literals[0] or not literals[-1] or not joined.isprintable() or "_" in joined
                or len(joined) + FIGURES_MAX + 16 * (len(literals) - 1) > MAX_CELL_CHARS or any(nfc(part) != part for part in literals)):
            return None
        if column >= len(self._memos):
            self._grow(column + 1)
        # The cell written for the text with a private-use character in each figure's place (printable text takes
        # the same path through _cell_tail but for that character), cut there, as UTF-8: a cell of Vietnamese text
        # filled as text, then encoded, went through it character by character twice (%, then UTF-8); bytes % finds
        # its markers with memchr and copies the rest.
        tail = [part.replace("%", "%%").encode() for part in _cell_tail(_FIGURE.join(literals),
                                                                        self._styles[column]).split(_FIGURE)]
        return self._refs[column] + b"%d".join(tail), self._refs[column] + b"%b".join(tail)

# What a memo lookup gives for a value not seen: bytes no cell is (each starts with '<c r="' or is empty), so that
# finding it in a row compares bytes with bytes.
UNSEEN = b"?"
_UNSEEN = repeat(UNSEEN)
_ONES = repeat(1)
_NUMBER_MARKS = repeat(NUMBER)
_DECIMAL = b"%d".__mod__  # a row's number as its reference writes it: 12 → b"12"


# What a figure filled into a cell's template may be made of (RowEncoder.template, filled): printable, no markup, no
# underscore, no white space, and characters that NFC never joins with a neighbour (tests/test_render.py checks each).
FIGURE_CHARACTERS = "0123456789-.,%‰"
FIGURES_MAX = 120  # characters of a cell's figures together
_FIGURE = "\ue000"  # a figure's place in a cell's text while its template is made (not printable: see template)


def filled(template: tuple[bytes, bytes], figures: tuple) -> bytes | None:
    """The cell RowEncoder.template made `template` for, holding its text with `figures` in place (as %s writes
    each); None when a figure's text is empty or not made of FIGURE_CHARACTERS, or they are long together. Whole
    numbers short of 16 digits (most figures: counts) go in as they are, any other figure as its text encoded."""
    numbers, texts = template
    if WHOLE_KINDS.issuperset(map(type, figures)):
        return numbers % figures if _short(figures) else None
    text = _FIGURE_SEPARATOR.join(map(str, figures))
    if len(text) >= FIGURES_MAX + len(figures) or text.strip(_FIGURE_TEXT):
        return None
    encoded = text.encode().split(_FIGURE_SEPARATOR_BYTES)
    return None if b"" in encoded else texts % tuple(encoded)


def _short(numbers: tuple) -> bool:
    return not numbers or -WHOLE_LIMIT < min(numbers) and max(numbers) < WHOLE_LIMIT


WHOLE_KINDS = frozenset({int})
_FIGURE_SEPARATOR = "\x1f"  # between the figures' texts while they are checked and encoded (not a figure character)
_FIGURE_SEPARATOR_BYTES = _FIGURE_SEPARATOR.encode()
_FIGURE_TEXT = FIGURE_CHARACTERS + _FIGURE_SEPARATOR  # strip() of the figures' texts leaves "" when made of these
# A whole number below it in size has at most 16 characters, written as its digits (numbers, filled; the gaps
# sheet's figures, engine/results/render.py).
WHOLE_LIMIT = 10 ** 15


def data_rows(widths: list[float], printed: int | None) -> RowEncoder:
    """The encoder of a sheet's data rows as `add_sheet(name, widths, printed)` appends them with `wrap` when it has
    a print layout (sheets.py)."""
    return RowEncoder(widths) if printed is None else RowEncoder(widths, WRAP, printed)


class Sheet:
    """One worksheet: header rows (kept here, so that they can be reworded until the sheet is written: a header
    that depends on the rows below it), then data rows appended one at a time to a temporary file."""

    def __init__(self, name: str, widths: Iterable[float], printed: int | None = None):
        """`printed`: the printed page holds only the first `printed` columns (its print area); None: all."""
        if not name or len(name) > 31 or re.search(r"[\[\]:*?/\\]", name):
            raise ValueError(f"not a worksheet name: {name!r}")
        self.name = name
        self.widths = list(widths)
        self.printed = printed
        self.rows = 0
        self.header_rows = 0
        self.columns = 0
        self._headers: list[bytes] = []  # the header rows, numbered
        self._encoders: dict[tuple[int, int | None], RowEncoder] = {}
        # The rows as UTF-8 (each cell is encoded once, see RowEncoder), deflated as they come — compressing a
        # national batch's 60 MB of rows at the end took ~0.2 s with every other process done — into a file, in
        # large writes (a default buffer cost twice the system calls, measured); their CRC-32 and length kept.
        self._file = tempfile.TemporaryFile("w+b", buffering=1 << 16)
        self._deflate = _sheet_deflater()
        self._crc = 0
        self._length = 0

    def header(self, labels: Iterable[Any]) -> None:
        """A header row (bold, shaded, wrapped; frozen and printed on every page). Before any data row."""
        if self.rows != self.header_rows:
            raise ValueError("header rows come before the data rows")
        self.header_rows += 1
        self.rows += 1
        self._headers.append(self._header_row(list(labels), self.rows))

    def reword_header(self, labels: Iterable[Any], row: int = 1) -> None:
        """Header row `row` (from 1) with these labels instead; until the sheet is written."""
        if not 1 <= row <= self.header_rows:
            raise ValueError(f"no header row {row}")
        self._headers[row - 1] = self._header_row(list(labels), row)

    def _encoder(self, style: int, upto: int | None = None) -> RowEncoder:
        encoder = self._encoders.get((style, upto))
        if encoder is None:
            encoder = self._encoders[style, upto] = RowEncoder(self.widths, style, upto)
        return encoder

    def _header_row(self, labels: list, number: int) -> bytes:
        row, width = self._encoder(HEADER)(labels)
        self.columns = max(self.columns, width)
        return row.replace(NUMBER, str(number).encode())

    def append(self, values: Iterable[Any], wrap: bool = False) -> None:
        """A data row; `wrap` wraps its text (a column of sentences) — only within the printed columns when the
        sheet has a print area, the row's height being what those need."""
        values = values if isinstance(values, list) else list(values)
        if not wrap:
            self._write(values, PLAIN)
        else:
            self._write(values, WRAP, self.printed)

    def _write(self, values: list, style: int, upto: int | None = None) -> None:
        """The row, its first `upto` cells (all when None) in `style` and the rest plain."""
        self.append_encoded(*self._encoder(style, upto)(values))

    def append_encoded(self, row: bytes, width: int) -> None:
        """A data row encoded by a RowEncoder of this sheet's widths (`width` cells), numbered here."""
        self.append_rows([row], width)

    def append_rows(self, rows: list[bytes], width: int) -> None:
        """Data rows encoded by a RowEncoder of this sheet's widths, none of more than `width` cells, numbered
        here in one pass: bytes.replace mapped over the rows and their numbers runs no Python code per row
        (a call of append_encoded per row cost the writing process ~3.5 µs a row, ~0.25 s for 69,000 rows)."""
        first = self.rows + 1
        self.rows += len(rows)
        if width > self.columns:
            self.columns = width
        data = b"".join(map(bytes.replace, rows, _NUMBER_MARKS, map(_DECIMAL, range(first, self.rows + 1))))
        self._crc = isal_zlib.crc32(data, self._crc)
        self._length += len(data)
        self._file.write(self._deflate.compress(data))

    def _views(self) -> str:
        if not self.header_rows:
            return '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        top = f"A{self.header_rows + 1}"
        return (f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{self.header_rows}" topLeftCell="{top}" '
                f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="{top}" '
                f'sqref="{top}"/></sheetView></sheetViews>')

    def _print_ref(self) -> str | None:
        """The print area when the page holds fewer columns than the sheet: those columns, every row."""
        if self.printed is None or self.printed >= max(self.columns, 1):
            return None
        return f"$A$1:${column_letter(self.printed)}${max(self.rows, 1)}"

    def _filter_ref(self) -> str | None:
        if not self.columns or not self.header_rows:
            return None
        first = self.header_rows  # the filter buttons sit on the last header row
        return f"A{first}:{column_letter(self.columns)}{max(self.rows, first)}"

    def _head(self) -> str:
        last = f"{column_letter(max(self.columns, 1))}{max(self.rows, 1)}"
        cols = "".join(f'<col min="{i}" max="{i}" width="{"%.16g" % w}" customWidth="1"/>'
                       for i, w in enumerate(self.widths, start=1))
        return (f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetPr><outlinePr summaryBelow="1" '
                f'summaryRight="1"/><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:{last}"/>'
                f'{self._views()}<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
                f'{f"<cols>{cols}</cols>" if cols else ""}<sheetData>')

    def _tail(self) -> str:
        ref = self._filter_ref()
        return ('</sheetData>' + (f'<autoFilter ref="{ref}"/>' if ref else "")
                + '<printOptions gridLines="1"/><pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" '
                'header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape" fitToWidth="1" '
                f'fitToHeight="0"/><headerFooter><oddFooter>{_FOOTER}</oddFooter></headerFooter></worksheet>')

    def _add_to(self, package: DeflatedZip, name: str) -> None:
        """The sheet as entry `name` of the package: its head and header rows (known only now: the dimension,
        the headers as reworded), its rows as they were deflated, its tail. Three raw deflate streams one after
        the other, each but the last ended on a byte boundary by a flush, inflate to the three texts one after
        the other; the entry's CRC-32 is combined from theirs."""
        start = self._head().encode("utf-8") + b"".join(self._headers)
        end = self._tail().encode("utf-8")
        self._file.write(self._deflate.flush(isal_zlib.Z_SYNC_FLUSH))
        self._file.flush()
        first, last = _deflated(start, isal_zlib.Z_SYNC_FLUSH), _deflated(end, isal_zlib.Z_FINISH)
        crc = isal_zlib.crc32(end, crc32_combine(isal_zlib.crc32(start), self._crc, self._length))
        package.add(name, crc, len(start) + self._length + len(end), [first, self._file, last],
                    len(first) + self._file.tell() + len(last))

    def close(self) -> None:
        self._file.close()


class StreamingWorkbook:
    """Sheets streamed to temporary files, written as one .xlsx package by `write` (or dropped by `close`)."""

    def __init__(self, title: str | None = None):
        self.title = title
        self.sheets: list[Sheet] = []

    def add_sheet(self, name: str, widths: Iterable[float], printed: int | None = None) -> Sheet:
        if any(sheet.name.casefold() == name.casefold() for sheet in self.sheets):
            raise ValueError(f"two worksheets named {name!r}")
        sheet = Sheet(name, widths, printed)
        self.sheets.append(sheet)
        return sheet

    def write(self, path: str | Path) -> None:
        """The package at `path` (a temporary path: callers make it atomic), then the temporary files go."""
        try:
            with open(path, "wb", buffering=1 << 16) as handle:
                package = DeflatedZip(handle)
                for name, text in self._parts():
                    package.add_text(name, text.encode("utf-8"))
                for number, sheet in enumerate(self.sheets, start=1):
                    sheet._add_to(package, f"xl/worksheets/sheet{number}.xml")
                package.close()
        finally:
            self.close()

    def close(self) -> None:
        for sheet in self.sheets:
            sheet.close()

    def _parts(self) -> list[tuple[str, str]]:
        count = len(self.sheets)
        sheet_types = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, count + 1))
        content_types = (
            f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            f'{sheet_types}</Types>')
        root_rels = (
            f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>')
        title = f"<dc:title>{_xml_text(self.title)}</dc:title>" if self.title else ""
        core = (
            f'{_DECLARATION}<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'{title}<dc:creator>cfc</dc:creator><cp:lastModifiedBy>cfc</cp:lastModifiedBy>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{FIXED_TIMESTAMP}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{FIXED_TIMESTAMP}</dcterms:modified>'
            '</cp:coreProperties>')
        app = (f'{_DECLARATION}<Properties '
               'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
               '<Application>cfc</Application></Properties>')
        sheets, names = [], []
        for index, sheet in enumerate(self.sheets):
            sheets.append(f'<sheet name="{_attribute(sheet.name)}" sheetId="{index + 1}" r:id="rId{index + 1}"/>')
            quoted = "'" + sheet.name.replace("'", "''") + "'"
            ref = sheet._filter_ref()
            if ref:
                absolute = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)
                names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                             f'{_xml_text(quoted)}!{absolute}</definedName>')
            area = sheet._print_ref()
            if area:
                names.append(f'<definedName name="_xlnm.Print_Area" localSheetId="{index}">'
                             f'{_xml_text(quoted)}!{area}</definedName>')
            if sheet.header_rows:
                names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                             f'{_xml_text(quoted)}!$1:${sheet.header_rows}</definedName>')
        defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
        workbook = (
            f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/><bookViews>'
            '<workbookView activeTab="0"/></bookViews>'
            f'<sheets>{"".join(sheets)}</sheets>{defined}<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')
        workbook_rels = (
            f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">'
            + "".join(f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                      for n in range(1, count + 1))
            + f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
        return [("[Content_Types].xml", content_types), ("_rels/.rels", root_rels), ("docProps/core.xml", core),
                ("docProps/app.xml", app), ("xl/workbook.xml", workbook),
                ("xl/_rels/workbook.xml.rels", workbook_rels), ("xl/styles.xml", _STYLES)]


def _deflated(data: bytes, end: int) -> bytes:
    """`data` as a raw deflate stream of its own, ended by `end` (Z_SYNC_FLUSH: more streams follow)."""
    deflate = _sheet_deflater()
    return deflate.compress(data) + deflate.flush(end)


def _sheet_deflater():
    """A raw deflate stream (no zlib header: a zip entry's data) at the sheets' level (SHEET_COMPRESSION)."""
    return isal_zlib.compressobj(SHEET_COMPRESSION, isal_zlib.DEFLATED, -15)


def zip_entry(name: str) -> zipfile.ZipInfo:
    """A zip entry that is the same on every run: fixed date, fixed permissions, deflated."""
    entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_DATE)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o600 << 16
    return entry


_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
_ALIGN = '<alignment vertical="top" wrapText="1"/>'
_STYLES = (
    f'{_DECLARATION}<styleSheet xmlns="{_MAIN}">'
    f'<fonts count="2"><font>{_FONT}</font><font><b val="1"/>{_FONT}</font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    f'</fill><fill><patternFill patternType="solid"><fgColor rgb="FF{HEADER_FILL}"/><bgColor indexed="64"/>'
    '</patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    f'<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    f'{_ALIGN}</xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1" '
    f'quotePrefix="1">{_ALIGN}</xf>'
    f'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">{_ALIGN}</xf>'
    f'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1" quotePrefix="1">{_ALIGN}</xf>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
