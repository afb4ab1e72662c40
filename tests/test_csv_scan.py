"""The CSV scan's listed path (engine/readers/csv.py: _listed_lines, _ListedLines.units): a file decoded a block
at a time and its rows of plain unit codes taken in one loop, without splitting their cells. Checked against the
plain way — the same scan reading the file line by line (decoded_lines), every row through _rows — on files of
every kind of line: quotes, byte-order marks, CRLF, lone carriage returns, blank and short rows, repeated codes
and headers, bad UTF-8, NULs and the characters str.splitlines ends a line at; in blocks of any size."""
from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings, strategies as st

from engine.criteria.model import load_criteria
from engine.readers import csv as csv_reader
from engine.readers.records import InputFileError, reading

CRITERIA = load_criteria()
INPUTS = [decl.name for decl in CRITERIA.inputs]
LABEL = next(iter(csv_reader._Header(CRITERIA).labels))  # a header's label, for a second header row

# Cells hold quotes, delimiters and line breaks; what sends a whole file the plain way (a NUL, a byte-order mark, a
# lone carriage return, what splitlines ends a line at) is put in one file in four at most (`files`), so that most
# files holding quoted cells go the listed way.
CELL = st.one_of(
    st.sampled_from(["", "0", "7", "12", "26734", "٣", "'=1", "x", "Tổng cộng", "ghi chú: a", " ", "N/A", "98,5"]),
    st.text(st.sampled_from(list("ab1 ,;\t\"'\nĐư")), max_size=6),
)
RARE = ["\r", "\x00", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\ufeff"]
CODE = st.one_of(st.integers(0, 99999).map(lambda n: f"{n:05d}"), st.sampled_from(["00001", "00001", "", " 00002",
                                                                                      "0000a", "١٢٣", "'00003"]))


def _line(cells: list[str], delimiter: str, quote_all: bool) -> str:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="", quoting=csv.QUOTE_ALL if quote_all else
               csv.QUOTE_MINIMAL).writerow(cells)
    return text.getvalue()


@st.composite
def files(draw) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    columns = draw(st.permutations(INPUTS))[:draw(st.integers(2, len(INPUTS)))]
    if draw(st.booleans()):
        columns = ["unit_code", *[c for c in columns if c != "unit_code"]]  # the template's order: code first
    lines = []
    if draw(st.booleans()):
        lines.append(f"sep={delimiter}")
    if draw(st.booleans()):
        lines.append("Báo cáo tự đánh giá")  # a title row above the header
    lines.append(delimiter.join(columns))
    if draw(st.booleans()):
        lines.append(delimiter.join([LABEL] * 2))  # labels under names: a second header row
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["unit"] * 6 + ["odd", "blank", "short", "long", "header", "raw"]))
        if kind == "raw":  # anything, written as it is
            lines.append(draw(st.text(st.sampled_from(list("1,;\"\na ")), max_size=10)))
            continue
        if kind == "blank":
            lines.append(draw(st.sampled_from(["", delimiter * (len(columns) - 1), "  "])))
            continue
        if kind == "header":
            lines.append(delimiter.join(columns))
            continue
        width = {"short": draw(st.integers(1, len(columns))), "long": len(columns) + 2}.get(kind, len(columns))
        cells = [draw(CELL) if kind == "odd" else draw(st.sampled_from(["1", "25", "có", "", "Xã Đường Lâm"]))
                 for _ in range(width)]
        if "unit_code" in columns and columns.index("unit_code") < width:
            cells[columns.index("unit_code")] = draw(CODE)
        lines.append(_line(cells, delimiter, draw(st.booleans()) and kind == "odd"))
    endings = draw(st.lists(st.sampled_from(["\n", "\r\n"] * 10 + ["\r", "\u2028"]), min_size=len(lines),
                            max_size=len(lines)))
    text = "".join(line + ending for line, ending in zip(lines, endings))
    if lines and draw(st.booleans()):
        text = text[:-len(endings[-1])]  # no line end at the end of the file
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    trouble = draw(st.sampled_from([None] * 12 + ["utf8", "rare", "rare", "rare"]))
    if trouble and data:
        at = draw(st.integers(0, len(data)))
        mark = b"\xc3(" if trouble == "utf8" else draw(st.sampled_from(RARE)).encode("utf-8")
        data = data[:at] + mark + data[at:]
    return data


def scan(tmp_path, data: bytes, listed: bool):
    """(lines, delimiter, units, codes, warnings) the scan finds, or the error it raises; and whether the listed
    path read the file."""
    path = tmp_path / "units.csv"
    path.write_bytes(data)
    took = []
    real = csv_reader._listed_lines

    def plain_lines(handle):
        found = real(handle) if listed else None
        took.append(found is not None)
        return found

    csv_reader._listed_lines = plain_lines
    try:
        with reading() as options, path.open("rb") as handle:
            try:
                found = csv_reader.scan_csv(str(path), handle, CRITERIA)
                result = (found.lines, found.delimiter, found.units, found.codes)
            except InputFileError as error:
                result = ("error", error.message.key, error.message.params)
        warnings = {key: warning.render("vi") for key, warning in options.warnings.items()}
    finally:
        csv_reader._listed_lines = real
    return (result, warnings), took == [True]


def same_both_ways(tmp_path, data: bytes, block: int = 1 << 20) -> bool:
    """Asserts the listed scan finds what the plain scan finds (in blocks of `block` bytes); whether it was listed."""
    plain, _ = scan(tmp_path, data, listed=False)
    real, csv_reader.PLAIN_BLOCK = csv_reader.PLAIN_BLOCK, block
    try:
        fast, listed = scan(tmp_path, data, listed=True)
    finally:
        csv_reader.PLAIN_BLOCK = real
    assert fast == plain
    return listed


@settings(max_examples=300, deadline=None)
@given(data=files(), block=st.sampled_from([1, 7, 100, 1 << 20]))
def test_the_listed_scan_finds_what_the_plain_scan_finds(tmp_path_factory, data, block):
    same_both_ways(tmp_path_factory.mktemp("scan"), data, block)


@pytest.mark.parametrize("text", [
    "unit_code,unit_name\n00001,Xã A\n00042",           # the last line: one cell, no line end
    "unit_code,unit_name\n00001,Xã A\n00042\r\n",       # one cell, CRLF
    "unit_code,unit_name\r\n00001,Xã A\r\n00042\n00043",
    "unit_name,unit_code\n00001,Xã A\nXã B,00042",      # the code last: its cell ends the line
    "unit_name,unit_code\nXã A,00001\r\nXã B,00042\r\n",
    "unit_name,unit_code\nXã A,00001\nXã B\n",          # a row without a code cell
    "unit_name,unit_code\nXã A,00001\nXã B,\"00042\"\n",  # a quoted code
    "unit_code,unit_name\n00001,\"Xã\nA\"\n00002,Xã B\n",  # a cell over two lines
    "unit_code,unit_name\n00001,\"Xã A\n00002,Xã B\n",     # a quote that does not close
    "unit_code,unit_name\n00001,Xã A\n00001,Xã A\n",     # a code twice
    "unit_code,unit_name\n00001,Xã A\n\n\n00002,Xã B\n",  # blank lines between units
    "unit_code,unit_name\n00001,Xã A\nunit_code,unit_name\n00002,Xã B\n",  # the header again
    "unit_code,unit_name\n00001,Xã A\nTổng cộng,\n",       # a totals row
    "unit_code;unit_name\n00001;Xã A\n00002;Xã B;1\n",     # a cell beyond the header
])
def test_edge_cases_are_found_the_same_and_listed(tmp_path, text):
    # A unit first: the first row after the header is always read whole (it may be a second header).
    header, rest = text.split("\n", 1)
    text = header + "\n" + ("Xã O,00000\n" if header.startswith("unit_name") else "00000;Xã O\n" if ";" in header
                           else "00000,Xã O\n") + rest
    assert same_both_ways(tmp_path, text.encode("utf-8"))
    assert same_both_ways(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"), block=3)


def test_a_plain_file_of_quoted_rows_and_repeated_codes_is_listed_and_found_the_same(tmp_path):
    """The usual file — CRLF, a byte-order mark, a few quoted cells (a decimal comma), a repeated code, a short
    row, a blank row — goes the listed way, and finds what the plain way finds."""
    rows = [["unit_code", *INPUTS[1:]]] + [[f"{n:05d}", *["1"] * (len(INPUTS) - 1)] for n in range(1, 40)]
    rows[5][3] = "98,5"
    rows[9][0] = rows[8][0]
    rows[12] = rows[12][:4]
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows[:20])
    text.write("\r\n")  # a blank line
    csv.writer(text, lineterminator="\r\n").writerows(rows[20:])
    data = b"\xef\xbb\xbf" + text.getvalue().encode("utf-8")
    plain, listed_plain = scan(tmp_path, data, listed=False)
    fast, listed = scan(tmp_path, data, listed=True)
    assert listed and not listed_plain
    assert fast == plain
    (lines, delimiter, units, codes), warnings = fast
    assert len(units) == 39 and codes[8][0] == codes[7][0] == "00008"
    assert [number for number, *_ in units][18:21] == [20, 22, 23]  # line 21, blank, skipped
    assert sorted(w.split(":")[0].rsplit(" ", 2)[1:] for w in warnings.values()) == [["dòng", "13"], ["dòng", "21"]]


@pytest.mark.parametrize("mark", ["\x00", "\ufeff", "\r", "\x0b", "\x85", "\u2028", "\x1e"])
def test_a_file_the_plain_way_reads_otherwise_is_not_listed(tmp_path, mark):
    data = ("unit_code,unit_name\r\n00001,Xã A\r\n00002,X" + mark + "ã B\r\n").encode("utf-8")
    _, listed = scan(tmp_path, data, listed=True)
    assert not listed


def test_bad_utf8_is_named_by_its_line_as_before(tmp_path):
    data = "unit_code,unit_name\n00001,Xã A\n".encode("utf-8") + b"00002,X\xc3(\n"
    (result, _), listed = scan(tmp_path, data, listed=True)
    assert not listed
    assert result[:2] == ("error", "csv_not_utf8") and result[2]["line"] == 3
