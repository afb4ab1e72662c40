"""The zip container written from data deflated beforehand (results/deflated_zip.py), against zipfile: what
zipfile writes for the same texts (the plain reference), what zipfile reads back, CRC-32s combined as zlib's own."""
from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.results import deflated_zip, sheets as look
from engine.results.deflated_zip import DeflatedZip, crc32_combine
from engine.results.xlsx_writer import zip_entry


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_crc32_combine_is_the_crc_of_the_concatenation(first, second):
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


def test_crc32_combine_over_long_lengths():
    first, second = b"x" * 1000, bytes(range(256)) * 40_000  # ten megabytes: every bit of the length's powers
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)


def _segments(texts: list[bytes], level: int) -> tuple[list[bytes], int]:
    """The texts as raw deflate streams one after the other (each but the last flushed), and their CRC-32."""
    pieces, crc = [], 0
    for index, text in enumerate(texts):
        deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
        pieces.append(deflate.compress(text) + deflate.flush(zlib.Z_FINISH if index == len(texts) - 1
                                                             else zlib.Z_SYNC_FLUSH))
        crc = crc32_combine(crc, zlib.crc32(text), len(text))
    return pieces, crc


ENTRIES = st.lists(st.tuples(st.sampled_from(["a.xml", "xl/b.xml", "[Content_Types].xml", "tên.xml"]),
                             st.lists(st.binary(max_size=400), min_size=1, max_size=4)),
                   min_size=1, max_size=5, unique_by=lambda entry: entry[0])


@settings(max_examples=60, deadline=None)
@given(ENTRIES, st.sampled_from([1, 6]), st.booleans())
def test_a_package_reads_as_zipfile_writes_the_same_texts(entries, level, zip64):
    """Each entry inflates to its texts one after the other; its name, date, permissions, method, size and CRC are
    what zipfile gives the same text; zipfile checks every CRC. With a tiny zip64 limit every size, offset and the
    directory go in zip64 fields, and zipfile still reads them."""
    limit = deflated_zip.ZIP64_LIMIT
    deflated_zip.ZIP64_LIMIT = 10 if zip64 else limit
    try:
        ours = io.BytesIO()
        package = DeflatedZip(ours)
        for name, texts in entries:
            pieces, crc = _segments(texts, level)
            package.add(name, crc, sum(map(len, texts)), pieces, sum(map(len, pieces)))
        package.close()
    finally:
        deflated_zip.ZIP64_LIMIT = limit
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as reference:
        for name, texts in entries:
            reference.writestr(zip_entry(name), b"".join(texts))
    with zipfile.ZipFile(ours) as read, zipfile.ZipFile(plain) as expected:
        assert read.testzip() is None
        fields = ("filename", "date_time", "compress_type", "external_attr", "internal_attr", "create_system", "CRC",
                  "file_size", "flag_bits", "reserved", "comment", "volume")
        if not zip64:  # a zip64 entry needs version 4.5 and carries its sizes in an extra field
            fields += ("create_version", "extract_version", "extra")
        assert ([[getattr(info, f) for f in fields] for info in read.infolist()]
                == [[getattr(info, f) for f in fields] for info in expected.infolist()])
        for name, texts in entries:
            assert read.read(name) == b"".join(texts)
    if not zip64:  # the same container as zipfile's, but for the deflated data itself
        assert ours.getvalue()[-22:-10] == plain.getvalue()[-22:-10]  # entries, directory's size


def test_data_of_another_length_than_announced_is_refused():
    package = DeflatedZip(io.BytesIO())
    with pytest.raises(ValueError, match="announced"):
        package.add("a", 0, 0, [b"\x03\x00"], 3)


def test_a_workbook_of_rows_in_blocks_is_deflated_as_it_goes_and_reads_back(tmp_path):
    """Rows deflated block by block (Sheet.append_rows), then the head and tail: the sheet's part inflates to one
    XML document, zipfile checks its CRC, openpyxl reads every row."""
    from openpyxl import load_workbook

    workbook = look.new_workbook("Tên")
    sheet = look.table(workbook, "Trang 1", ["a", "b"], [10, 20])
    for block in range(30):
        for row in range(block * 7, block * 7 + 7):
            sheet.append([row, f"dòng {row} " + "x" * (row % 50)])
    look.table(workbook, "Trống", ["c"], [5])  # a sheet with no rows: its rows' stream is empty
    path = tmp_path / "w.xlsx"
    look.save_streamed(workbook, path)
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
    book = load_workbook(path)
    rows = list(book["Trang 1"].iter_rows(min_row=2, values_only=True))
    assert rows == [(row, f"dòng {row} " + "x" * (row % 50)) for row in range(210)]
    assert list(book["Trống"].iter_rows(values_only=True)) == [("c",)]


def test_a_large_sheet_deflated_by_isal_in_uneven_blocks_inflates_with_zlib(tmp_path):
    """The sheets are deflated by ISA-L (xlsx_writer.SHEET_COMPRESSION): megabytes of rows in blocks of uneven
    sizes (an empty one too), past its internal buffers, inflate with zlib (zipfile) to exactly the rows written,
    under a CRC-32 zipfile checks; and the data is compressed, not stored."""
    workbook = look.new_workbook("Tên")
    sheet = look.table(workbook, "Khoảng trống", ["mã", "nội dung", "số"], [10, 60, 8])
    expected, number = [], 0
    for block in [0, 1, 17, 2_500, 40_000, 3, 17_480]:
        rows = []
        for _ in range(block):
            number += 1
            values = [f"{number:05d}", f"cần thêm {number % 97} thôn, tổ dân phố để đạt ≥ {number % 100}%", number]
            rows.append(values)
            expected.append(tuple(values))
        for values in rows:
            sheet.append(values)
    path = tmp_path / "lớn.xlsx"
    look.save_streamed(workbook, path)
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        part = package.getinfo("xl/worksheets/sheet1.xml")
        assert part.compress_size * 5 < part.file_size  # deflated, not stored
        xml = package.read(part).decode("utf-8")
    assert xml.count("<row ") == number + 1 and xml.endswith("</worksheet>")
    assert f'<c r="C{number + 1}"><v>{number}</v></c>' in xml
    from openpyxl import load_workbook
    book = load_workbook(path, read_only=True)
    assert [row for row in book["Khoảng trống"].iter_rows(min_row=2, values_only=True)] == expected
