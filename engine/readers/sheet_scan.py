"""The quick way through a worksheet's <sheetData>: a strict byte scanner for the plain shape Excel, LibreOffice
and openpyxl write (`<row r="2"><c r="B2" s="1" t="s"><v>0</v></c>…`), several times faster than building an
XML element for every cell, row and value.

It reads only what it fully understands and gives up (raises Unusual) on anything else: rows or cells without
positions, attributes in another order, rich text, comments, CDATA, processing instructions, namespace
declarations inside the sheet data, entities other than XML's own, carriage returns (XML changes them), control
characters, encodings other than UTF-8. The caller then reads the sheet with the XML parser from the start, so
every sheet reads exactly as the parser reads it (the tests compare both on every workbook they have). The parts
around the sheet data are checked by the XML parser here too, so a damaged sheet is never read as a good one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO, Iterator
from xml.etree.ElementTree import fromstring

CHUNK = 1 << 20
ATTRIBUTES = rb'(?: [^<>/]*)?'  # the row's other attributes (spans, ht, customFormat …): never a value
CELL = (rb'<c r="([A-Z]{1,3})[0-9]{1,7}"(?: s="([0-9]{1,9})")?(?: t="([a-zA-Z]{1,9})")?'
        rb'(?:/>|>(<f(?: [^<>]*)?/>|<f(?: [^<>]*)?>[^<]*</f>)?'
        rb'(<v>([^<]*)</v>|<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)')
CELLS = re.compile(CELL)
ROW = re.compile(rb'<row r="([0-9]{1,7})"' + ATTRIBUTES + rb'(?:/>|>((?:' + re.sub(rb"\((?!\?)", b"(?:", CELL)
                 + rb')*+)</row>)')
# Anything whose meaning the scanner would have to work out: then the XML parser reads the sheet. Searched as
# plain bytes first (C speed); the references, common (openpyxl writes "ã" as &#227;), are checked by a regex.
# "xmlns" (a namespace declared in the rows) is looked for by its "x" (_holds).
UNUSUAL_BYTES = ((b"!", b"<!"), (b"?", b"<?"), (b"\xef", b"\xef\xbf\xbe"), (b"\xef", b"\xef\xbf\xbf"))
# Control characters (every byte under 32 but tab and line feed; carriage returns too, which XML changes): the
# text is mapped through CONTROL, which sends each of them to 0 and every other byte to 1 (a tenth of a regex
# search's time), and 0 is looked for.
CONTROL = bytes(0 if byte < 32 and byte not in (9, 10) else 1 for byte in range(256))
BAD_REFERENCE = re.compile(rb'&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)')
ENTITY = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
SHEET_DATA = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheetData"
ROW_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}row"
MERGE_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"


KINDS = {b"": "n", b"n": "n", b"s": "s", b"b": "b", b"str": "str", b"e": "e", b"d": "d", b"inlineStr": "inlineStr"}


class Unusual(Exception):
    """The sheet is not in the plain shape: read it with the XML parser."""


def scanned_rows(source: BinaryIO, columns: dict[bytes, int],
                 merged: list[str] | None = None) -> Iterator[tuple[str, list[tuple]]]:
    """Each row as (its r attribute, [(column, t or None for a cell without content, s or None, the value's
    text or None, whether it has a formula)]), the shape sheet_cells.py builds rows from (s, and a shared
    string's index, as bytes: both are read with int()). The merged ranges (written after the rows) go into
    `merged`."""
    buffer = b""
    while (start := buffer.find(b"<sheetData>")) < 0:
        chunk = source.read(CHUNK)
        if not chunk or len(buffer) > CHUNK:
            raise Unusual  # no sheet data near the start (an empty sheet writes <sheetData/>)
        buffer += chunk
    head, buffer = _head(buffer, start), buffer[start + len(b"<sheetData>"):]
    while True:
        end = buffer.find(b"</sheetData>")
        cut = end if end >= 0 else buffer.rfind(b"</row>") + len(b"</row>") if b"</row>" in buffer else 0
        body, buffer = buffer[:cut], buffer[cut:]
        _check_plain(body)
        if b"&" in body and BAD_REFERENCE.search(body):
            raise Unusual
        yield from _rows(body, columns)
        if end >= 0:
            break
        chunk = source.read(CHUNK)
        if not chunk:
            raise Unusual
        buffer += chunk
    _check_around(head, buffer + source.read(), merged)


def _head(buffer: bytes, start: int) -> bytes:
    """The part up to and including <sheetData>, checked for its encoding."""
    head = buffer[:start + len(b"<sheetData>")]
    if not head.startswith(b"<") or (b"encoding" in head[:100]
                                     and not re.match(rb'<\?xml[^>]*encoding="[Uu][Tt][Ff]-8"', head)):
        raise Unusual  # a byte-order mark, another encoding: the parser decodes it
    return head


def _check_plain(body: bytes) -> None:
    _check_rare(body)
    if b"\0" in body.translate(CONTROL):
        raise Unusual


def _check_rare(body: bytes) -> None:
    # Each text is looked for by a byte of it that is rare in sheet data first (one memchr): "<" is everywhere.
    if any(rare in body and text in body for rare, text in UNUSUAL_BYTES) or _holds(body, b"xmlns"):
        raise Unusual


def _holds(body: bytes, text: bytes, places: int = 1000) -> bool:
    """Whether `text` is in body, looked for at each place of its first byte while they are few (memchr, then a
    comparison): a search for the whole text is a slow pass (~10 ms over a national sheet's 18 MB, whose "x"s
    are a few hundred, in "xã"), a search for one byte is not."""
    first = text[:1]
    position = body.find(first)
    while position >= 0 and places:
        if body.startswith(text, position):
            return True
        places -= 1
        position = body.find(first, position + 1)
    return position >= 0 and body.find(text, position) >= 0


def _check_around(head: bytes, tail: bytes, merged: list[str] | None) -> None:
    """Everything but the rows well-formed, the rows where they belong; its merged ranges into `merged`."""
    try:
        around = fromstring(head + tail)
    except Exception:
        raise Unusual from None
    tags = [element.tag for element in around.iter() if isinstance(element.tag, str)]
    if [tag for tag in tags if tag.endswith("sheetData")] != [SHEET_DATA] or ROW_TAG in tags:
        raise Unusual  # the rows read were not the main namespace's, or more rows lie outside them
    if merged is not None:
        merged.extend(element.get("ref") for element in around.iter(MERGE_TAG) if element.get("ref"))


def _rows(body: bytes, columns: dict[bytes, int], position: int = 0,
          size: int | None = None) -> Iterator[tuple[str, list[tuple]]]:
    """The rows of body[position:size] (see scanned_rows)."""
    size = len(body) if size is None else size
    match, cells_of = ROW.match, CELLS.findall
    while position < size:
        row = match(body, position, size)
        if row is None:
            raise Unusual
        position = row.end()
        cells = _cells(cells_of(row.group(2)), columns) if row.group(2) else []
        yield row.group(1).decode(), cells


def _cells(found: list[tuple], columns: dict[bytes, int]) -> list[tuple]:
    cells = []
    for letters, style, kind, formula, value, text, inline in found:
        # Styles stay bytes (read as int(style)), and so does a shared string's index (int(raw)): the
        # commonest cells take no decoding.
        kind = KINDS.get(kind) or kind.decode()
        if not value:  # no value: a formula saved without one, or formatting only
            cells.append((columns[letters], kind, style or None, None, True)
                         if formula else (columns[letters], None, None, None, False))
            continue
        if kind == "s":
            raw = text or None
        elif kind == "inlineStr":
            raw = _text(inline) if value[1] == 105 else None  # <is>…</is>, not <v>
        else:
            raw = (_text(text) if b"&" in text else text.decode()) if text else None  # <v>'s, not <is>'s
        cells.append((columns[letters], kind, style or None, raw, bool(formula)))
    return cells


def row_cells(body: bytes, columns: dict[bytes, int], start: int) -> list[tuple]:
    """The cells of the one row at body[start] (an IndexedSheet's), as scanned_rows gives them."""
    return next(_rows(body, columns, start, len(body)))[1]


def column_cells(body: bytes, letters: str, start: int, stop: int) -> Iterator[re.Match]:
    """Every cell of column `letters` within body[start:stop] (rows of an IndexedSheet), in order: matches whose
    groups are CELLS' (`cell` reads one)."""
    return column_pattern(letters).finditer(body, start, stop)


def column_pattern(letters: str) -> re.Pattern:
    """The pattern of a cell of column `letters` (column_cells)."""
    pattern = _COLUMN_CELLS.get(letters)
    if pattern is None:
        pattern = _COLUMN_CELLS[letters] = re.compile(CELL.replace(rb"([A-Z]{1,3})", b"(" + letters.encode() + b")"))
    return pattern


def cell(found: re.Match, columns: dict[bytes, int]) -> tuple:
    """A cell found by column_cells, as scanned_rows gives it."""
    return _cells([found.groups(b"")], columns)[0]


def cell_of(groups: tuple, columns: dict[bytes, int]) -> tuple:
    """A cell as CELLS.findall gives it, as scanned_rows gives it."""
    return _cells([groups], columns)[0]


_COLUMN_CELLS: dict[str, re.Pattern] = {}


# ---------------------------------------------------------------- a sheet indexed, its rows read later

@dataclass
class IndexedSheet:
    """A sheet in the plain shape whose every cell is known to read without error: its XML kept, each row's
    place in it, for the rows to be read one by one later, where they are needed (engine/readers/xlsx_units.py).
    """

    body: bytes                          # the worksheet part as stored
    rows: list[tuple[int, int, int]]     # per <row>, in order: (its number, where it starts, where it ends)
    merged: list[str]                    # merged ranges as written: "C3:C7"
    width: int                           # the rightmost column of any cell (1-based; with content or not)
    ordered: bool = False                # every row's cells in increasing columns (one cell a column at most)

    def within(self, columns: int) -> bool:
        """Whether no cell lies right of column `columns` (1-based; any cell, with content or not)."""
        return self.width <= columns


def index_sheet(data: bytes, string_count: int) -> IndexedSheet:
    """The sheet (its part's XML) checked as scanned_rows checks it, and more: its rows numbered in increasing
    order, every cell of a kind whose value reads without error (numbers as numbers, shared strings that
    exist, text, formula text and error values; not booleans or ISO dates), every reference to a character one
    XML allows. Raises Unusual otherwise: the sheet is then read whole (sheet_cells.py)."""
    start = data.find(b"<sheetData>")
    # The last </sheetData> is near the end, the first is a pass over the rows away; one before the last would
    # be in the rows, and match no row's pattern.
    end = data.rfind(b"</sheetData>")
    if start < 0 or end < start:
        raise Unusual
    head = _head(data, start)
    first = start + len(b"<sheetData>")
    body = data[first:end]
    _check_rare(body)  # control characters: the patterns below match none (TEXT), and cover every byte of the rows
    if not body.isascii():
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise Unusual from None
    if b"&" in body and RARE_REFERENCE.search(body):
        if BAD_REFERENCE.search(body):
            raise Unusual
        for name in set(ENTITY.findall(body.decode("utf-8"))):
            _entity_named(name)
    rows, previous, position = [], 0, first
    shape, tries = None, 0  # the pattern of the last row's shape (_shape), which most rows of a sheet share
    met: dict[tuple, int] = {}  # rows met of each shape not made a pattern yet
    # the rightmost cell, whether any cell is a shared string, whether every row's columns increase (_facts)
    width, shared, ordered = 0, False, True
    while position < end:
        row = shape.match(data, position, end) if shape is not None else None
        if row is None:
            # Another shape: the pattern of its heads, read up to the next </row> (a guess, which the match
            # checks: a row without cells ends at its own />), else SAFE_ROW. A pattern takes ~4 ms to make,
            # what checking ~600 rows by it instead of by SAFE_ROW saves: it is made for a shape met SHAPE_FROM
            # times (while fewer than 1000 have been made). A national sheet's rows take a handful of shapes,
            # one for nearly every row, the others for a few dozen rows each, mixed among them.
            stop = data.find(b"</row>", position, end)
            heads = tuple(CELL_HEADS.findall(data, position, end if stop < 0 else stop))
            if heads not in _SHAPES and tries < 1000:
                if len(met) >= 1000:
                    met.clear()
                met[heads] = met.get(heads, 0) + 1
                if met[heads] >= SHAPE_FROM:
                    tries += 1
                    _shape(heads)
            known = _SHAPES.get(heads)
            row = known.match(data, position, end) if known is not None else None
            if row is not None:
                shape = known
            else:
                row = SAFE_ROW.match(data, position, end)
                if row is None:
                    raise Unusual
                if row.end() != stop + len(b"</row>"):  # not the row the heads were read to: read its own
                    heads = tuple(CELL_HEADS.findall(data, position, row.end()))
            rightmost, strings, increasing = _facts(heads)
            width, shared, ordered = max(width, rightmost), shared or strings, ordered and increasing
        number = int(row.group(1))
        if number <= previous:
            raise Unusual  # rows out of order or repeated: openpyxl's rules for them apply (sheet_cells.py)
        rows.append((number, position, row.end()))
        previous, position = number, row.end()
    if shared:
        indexes = SHARED_INDEX.findall(body)
        if indexes and max(map(int, set(indexes))) >= string_count:
            raise Unusual  # openpyxl's IndexError: the parser path says so
    merged: list[str] = []
    _check_around(head, data[end:], merged)
    return IndexedSheet(data, rows, merged, width, ordered)


def _facts(heads: tuple) -> tuple[int, bool, bool]:
    """(the rightmost column, 1-based; whether a cell is a shared string; whether the cells' columns increase)
    of a row's cells, from their heads (CELL_HEADS). A row matched by a shape's pattern has that shape's heads:
    its facts are the shape's."""
    facts = _FACTS.get(heads)
    if facts is None:
        rightmost, increasing = 0, True
        for letters, _ in heads:
            column = 0
            for letter in letters:
                column = column * 26 + letter - 64
            increasing = increasing and column > rightmost
            rightmost = max(rightmost, column)
        facts = rightmost, any(b't="s"' in attributes for _, attributes in heads), increasing
        if len(_FACTS) >= 1000:
            _FACTS.clear()
        _FACTS[heads] = facts
    return facts


_FACTS: dict[tuple, tuple[int, bool, bool]] = {}


def _shape(heads: tuple) -> re.Pattern | None:
    """A pattern matching exactly the rows SAFE_ROW matches whose cells have these heads (CELL_HEADS: column
    letters and attributes) and no formula: mostly the text of the heads, so a row of a known shape is checked
    in half SAFE_ROW's time. None when a cell is of another kind."""
    pattern = _SHAPES.get(heads)
    if pattern is None and heads not in _SHAPES:
        parts = [ROW_START]
        for letters, attributes in heads:
            kind = _KIND.search(attributes)
            kind = kind.group(1) if kind else b"n"
            if kind not in SHAPE_VALUES:
                break
            parts.append(b'<c r="' + letters + SHAPE_REFERENCE + re.escape(attributes) + b">")
            if not attributes.endswith(b"/"):
                parts.append(SHAPE_VALUES[kind])
        else:
            pattern = re.compile(b"".join(parts) + b"</row>")
        if len(_SHAPES) >= 1000:
            _SHAPES.clear()
        _SHAPES[heads] = pattern
    return pattern


_SHAPES: dict[tuple, re.Pattern | None] = {}
SHAPE_FROM = 100  # rows of a shape met before its pattern is made (_shape)


NUMBER = rb'[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?'  # one way to read each
# A byte of text or of an attribute in index_sheet's patterns: anything but "<" and the control characters
# (every byte under 32 but tab and line feed, as CONTROL): a sheet holding one anywhere matches no pattern, and
# is read by the XML parser, without a pass over the sheet to look for them.
TEXT = rb'[^<\x00-\x08\x0b-\x1f]'
SAFE_FORMULA = rb'(?:<f(?: [^<>\x00-\x08\x0b-\x1f]*)?/>|<f(?: [^<>\x00-\x08\x0b-\x1f]*)?>' + TEXT + rb'*</f>)?'
SAFE_CELL = (rb'<c r="[A-Z]{1,3}[0-9]{1,7}"(?: s="[0-9]{1,9}")?(?:'
             rb'(?: t="n")?(?:/>|>' + SAFE_FORMULA + rb'(?:<v>(?:' + NUMBER + rb')?</v>)?</c>)'
             rb'| t="s"(?:/>|>' + SAFE_FORMULA + rb'(?:<v>[0-9]{0,9}</v>)?</c>)'
             rb'| t="inlineStr"(?:/>|>' + SAFE_FORMULA + rb'(?:<is><t(?: xml:space="preserve")?>' + TEXT
             + rb'*</t></is>)?</c>)'
             rb'| t="(?:str|e)"(?:/>|>' + SAFE_FORMULA + rb'(?:<v>' + TEXT + rb'*</v>)?</c>))')
SAFE_ATTRIBUTES = rb'(?: [^<>/\x00-\x08\x0b-\x1f]*)?'  # ATTRIBUTES, without control characters
SAFE_ROW = re.compile(rb'<row r="([0-9]{1,7})"' + SAFE_ATTRIBUTES + rb'(?:/>|>(?:' + SAFE_CELL + rb')*+</row>)')
# A row's shape: each cell's column letters and attributes (ending in "/" when the cell is empty), not its values.
CELL_HEADS = re.compile(rb'<c r="([A-Z]{1,3})[0-9]{1,7}"((?: s="[0-9]{1,9}")?(?: t="[a-zA-Z]{1,9}")?/?)>')
_KIND = re.compile(rb' t="([a-zA-Z]+)"')
# A shape's pattern (_shape) matches what SAFE_ROW matches, written for the regex engine's speed: an optional
# group of several bytes ((?: xml:space="preserve")?) or an alternation the engine may come back to costs it
# state at every cell. Alternatives are atomic ((?>…|…): at most one can match there) and repeats possessive
# (*+: what follows them is a byte they cannot match, a quote or a "<"), and a number is tried as digits
# first: a national row is checked in ~3.5 µs instead of ~6. tests/test_xlsx_units.py checks them against
# the plain patterns (PLAIN_SHAPE_VALUES there).
ROW_START = rb'<row r="([0-9]{1,7}+)"(?>>| [^<>/\x00-\x08\x0b-\x1f]*+>)'  # SAFE_ATTRIBUTES, then ">"
SHAPE_VALUES = {b"n": rb'<v>(?>[0-9]++</v>|' + NUMBER + rb'</v>)</c>', b"s": rb'<v>[0-9]{0,9}+</v></c>',
                b"inlineStr": rb'<is><t(?>>| xml:space="preserve">)' + TEXT + rb'*+</t></is></c>',
                b"str": rb'<v>' + TEXT + rb'*+</v></c>', b"e": rb'<v>' + TEXT + rb'*+</v></c>'}
SHAPE_REFERENCE = rb'[0-9]{1,7}+"'  # a cell's row number in its reference, and the quote closing it
SHARED_INDEX = re.compile(rb't="s">' + SAFE_FORMULA + rb'<v>([0-9]+)</v>')
# References any text holds (XML's own, and characters up to 9999 but the control ones XML forbids: every
# Vietnamese letter): anything else is checked one distinct reference at a time.
RARE_REFERENCE = re.compile(rb'&(?!#(?>[1-9][0-9]{2,3}+|[4-9][0-9]|3[2-9]|1[03]|9);|amp;|lt;|gt;|quot;|apos;)')  # commonest first
_TEXTS: dict[bytes, str] = {}  # short texts, which repeat (có, không): decoded once each


def _text(raw: bytes) -> str:
    known = _TEXTS.get(raw)
    if known is not None:
        return known
    text = decoded(raw)
    if len(raw) <= 64:
        if len(_TEXTS) >= 10_000:
            _TEXTS.clear()
        _TEXTS[raw] = text
    return text


def decoded(raw: bytes) -> str:
    """A text of the rows as its characters: UTF-8 (invalid: UnicodeDecodeError, which the caller turns into
    Unusual), each reference ENTITY finds replaced. The text is split at each "&" and a reference's name taken
    up to the next ";" instead of ENTITY.sub calling back into Python for each (a unit's name as openpyxl writes
    it holds several): what follows an "&" that starts no reference (REFERENCE_NAME) is left as written, as
    ENTITY.sub leaves it."""
    text = raw.decode("utf-8")
    if "&" not in text:
        return text
    first, *pieces = text.split("&")
    out = [first]
    for piece in pieces:
        name, semicolon, rest = piece.partition(";")
        char = _ENTITIES.get(name) if semicolon else None
        if char is None:
            char = _entity_named(name) if semicolon and REFERENCE_NAME.fullmatch(name) else "&" + name + semicolon
        out.append(char)
        out.append(rest)
    return "".join(out)


REFERENCE_NAME = re.compile(ENTITY.pattern[2:-2])  # ENTITY's group: what may stand between "&" and ";"


_ENTITIES: dict[str, str] = dict(NAMED)  # by a reference's name: its character (numeric ones added as met)


def _entity(match: re.Match) -> str:
    """The character an XML reference stands for (found by ENTITY: named or numeric)."""
    return _entity_named(match.group(1))


def _entity_named(name: str) -> str:
    found = _ENTITIES.get(name)  # the named ones are all there (and never cleared)
    if found is not None:
        return found
    code = int(name[2:], 16) if name[1] == "x" else int(name[1:])
    if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF):
        raise Unusual  # a reference to a character XML forbids: the parser's error, not ours
    if len(_ENTITIES) < 10_000:
        _ENTITIES[name] = chr(code)
    return chr(code)
