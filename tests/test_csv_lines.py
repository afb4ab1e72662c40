"""The CSV scan's fast path (engine/readers/csv.py plain_cells): a line without quotes is split on its delimiter
instead of stepped through by a csv reader. Checked against the csv module itself, the plain reference: on any
line the fast path answers, and on whole files of quoted and unquoted cells written by the csv module."""
from __future__ import annotations

import csv
import io

from hypothesis import given, settings, strategies as st

from engine.criteria.model import load_criteria
from engine.readers.csv import plain_cells, scan_csv

CRITERIA = load_criteria()
INPUTS = [decl.name for decl in CRITERIA.inputs]
# What makes the csv module read a line otherwise than split would: quotes, carriage returns, NULs, delimiters,
# apostrophes (formula-safe text), spaces, letters beyond ASCII.
ALPHABET = st.sampled_from(list("ab1 ,;\t\"'\r\x00=ưĐ") + ["\u2028", "\x0b", "\x85"])
LINE = st.tuples(st.lists(ALPHABET, max_size=30).map("".join), st.sampled_from(["", "\n", "\r\n", "\r"]))


@settings(max_examples=2000, deadline=None)
@given(LINE, st.sampled_from([",", ";", "\t"]))
def test_plain_cells_are_what_the_csv_module_reads_from_the_line(line, delimiter):
    text = "".join(line)
    cells = plain_cells(text, delimiter)
    if cells is None:
        assert any(mark in text.rstrip("\r\n") for mark in ('"', "\r", "\x00"))
        return
    assert cells == next(csv.reader([text], delimiter=delimiter), [])


def test_plain_cells_leave_quoted_and_odd_lines_to_the_csv_module():
    assert plain_cells('00001,"Xã A, huyện B",3\n', ",") is None
    assert plain_cells("00001,a\rb\n", ",") is None
    assert plain_cells("00001,a\x00\n", ",") is None
    assert plain_cells("x" * csv.field_size_limit() + "\n", ",") is None
    assert plain_cells("\r\n", ",") == [] and plain_cells("a;;b\r\n", ";") == ["a", "", "b"]


CELL = st.text(st.sampled_from(list("ab1 ,;\"\n\r=ưĐ")), max_size=12)  # (formula-safe text: test_inputs.py)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(CELL, min_size=len(INPUTS), max_size=len(INPUTS)), min_size=1, max_size=8),
       st.sampled_from([",", ";", "\t"]))
def test_a_file_the_csv_module_wrote_is_scanned_as_it_reads_it(tmp_path_factory, rows, delimiter):
    """Units with quoted cells (delimiters, quotes, line breaks inside) among plain ones: each unit's place and
    cells are what csv.reader reads from the same text. Rows are as wide as the header: a record spanning lines
    that is not is read line by line on purpose (an unbalanced quote must not swallow the rows after it)."""
    rows = [[f"{number:05d}", *cells[1:]] for number, cells in enumerate(rows, start=1)]
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows([INPUTS, *rows])
    path = tmp_path_factory.mktemp("csv") / "units.csv"
    path.write_bytes(text.getvalue().encode("utf-8"))
    with path.open("rb") as handle:
        scanned = scan_csv(str(path), handle, CRITERIA)
    expected = list(csv.reader(io.StringIO(text.getvalue(), newline=""), delimiter=delimiter))[1:]
    assert [code for code, _ in scanned.codes] == [row[0] for row in expected]
    records = scanned.records(0, len(scanned.units))
    assert [record.number for record in records] == [number for number, *_ in scanned.units]
    assert [record.data for record in records] == [dict(zip(INPUTS, row)) for row in expected]
