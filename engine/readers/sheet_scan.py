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
UNUSUAL_BYTES = (b"<!", b"<?", b"xmlns", b"\xef\xbf\xbe", b"\xef\xbf\xbf")
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
    head, buffer = buffer[:start + len(b"<sheetData>")], buffer[start + len(b"<sheetData>"):]
    if not head.startswith(b"<") or (b"encoding" in head[:100]
                                     and not re.match(rb'<\?xml[^>]*encoding="[Uu][Tt][Ff]-8"', head)):
        raise Unusual  # a byte-order mark, another encoding: the parser decodes it
    while True:
        end = buffer.find(b"</sheetData>")
        cut = end if end >= 0 else buffer.rfind(b"</row>") + len(b"</row>") if b"</row>" in buffer else 0
        body, buffer = buffer[:cut], buffer[cut:]
        if any(text in body for text in UNUSUAL_BYTES) or b"\0" in body.translate(CONTROL) \
                or (b"&" in body and BAD_REFERENCE.search(body)):
            raise Unusual
        yield from _rows(body, columns)
        if end >= 0:
            break
        chunk = source.read(CHUNK)
        if not chunk:
            raise Unusual
        buffer += chunk
    tail = buffer + source.read()
    try:
        around = fromstring(head + tail)  # everything but the rows: well-formed, the rows where they belong
    except Exception:
        raise Unusual from None
    tags = [element.tag for element in around.iter() if isinstance(element.tag, str)]
    if [tag for tag in tags if tag.endswith("sheetData")] != [SHEET_DATA] or ROW_TAG in tags:
        raise Unusual  # the rows read were not the main namespace's, or more rows lie outside them
    if merged is not None:
        merged.extend(element.get("ref") for element in around.iter(MERGE_TAG) if element.get("ref"))


def _rows(body: bytes, columns: dict[bytes, int]) -> Iterator[tuple[str, list[tuple]]]:
    position, size = 0, len(body)
    match, cells_of = ROW.match, CELLS.findall
    while position < size:
        row = match(body, position)
        if row is None:
            raise Unusual
        position = row.end()
        cells = []
        if row.group(2):
            for letters, style, kind, formula, value, text, inline in cells_of(row.group(2)):
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
        yield row.group(1).decode(), cells


_TEXTS: dict[bytes, str] = {}  # short texts, which repeat (có, không): decoded once each


def _text(raw: bytes) -> str:
    known = _TEXTS.get(raw)
    if known is not None:
        return known
    text = raw.decode("utf-8")  # invalid UTF-8: UnicodeDecodeError, which the caller turns into Unusual
    text = ENTITY.sub(_entity, text) if "&" in text else text
    if len(raw) <= 64:
        if len(_TEXTS) >= 10_000:
            _TEXTS.clear()
        _TEXTS[raw] = text
    return text


_ENTITIES: dict[str, str] = {}


def _entity(match: re.Match) -> str:
    """The character an XML reference stands for (found by ENTITY: named or numeric)."""
    found = _ENTITIES.get(match.group(1))
    if found is not None:
        return found
    name = match.group(1)
    if name in NAMED:
        return NAMED[name]
    code = int(name[2:], 16) if name[1] == "x" else int(name[1:])
    if not (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
            or 0x10000 <= code <= 0x10FFFF):
        raise Unusual  # a reference to a character XML forbids: the parser's error, not ours
    if len(_ENTITIES) < 10_000:
        _ENTITIES[name] = chr(code)
    return chr(code)
