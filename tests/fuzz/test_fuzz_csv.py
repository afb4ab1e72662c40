"""Fuzz the CSV reader: any bytes, and valid files with hostile cells, stray quotes, blank/totals/notes rows,
BOMs and delimiters. No traceback; every data line is a unit or named in a warning (count in = count out)."""
from __future__ import annotations

import csv
import io

from hypothesis import given, strategies as st

from fuzz_support import CRITERIA, HOSTILE, INPUTS, UNIT, account, examples, warned_rows

LABELS = {decl.name: decl.label.vi for decl in CRITERIA.inputs}


@examples(150)
@given(st.binary(max_size=2000))
def test_any_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("csv") / "any.csv"
    path.write_bytes(data)
    account(path)


def _line(cells: list[str], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(cells)
    return out.getvalue()


rows = st.lists(st.fixed_dictionaries({}, optional={name: st.sampled_from(HOSTILE + [UNIT[name]]) for name in INPUTS}),
                min_size=1, max_size=6)


@examples(150)
@given(rows=rows, delimiter=st.sampled_from([",", ";", "\t"]), bom=st.booleans(), labels=st.booleans(),
       extras=st.lists(st.tuples(st.integers(0, 7), st.sampled_from(["", "totals", "notes", "quote", "raw"])),
                       max_size=4),
       raw=st.text(max_size=40))
def test_valid_file_mutated(tmp_path_factory, rows, delimiter, bom, labels, extras, raw):
    header = [LABELS[n] if labels else n for n in INPUTS]
    lines = [_line(header, delimiter)]
    for number, row in enumerate(rows):
        cells = [UNIT[n] for n in INPUTS]
        cells[0] = f"{number:05d}"
        for name, value in row.items():
            cells[INPUTS.index(name)] = value
        lines.append(_line(cells, delimiter))
    for at, kind in extras:
        text = {"": "\n", "totals": _line(["Tổng cộng"] + ["1"] * (len(INPUTS) - 1), delimiter),
                "notes": _line(["Ghi chú: số liệu giả định"], delimiter), "quote": '"' + UNIT["unit_name"] + "\n",
                "raw": raw.replace("\r", "") + "\n"}[kind]
        lines.insert(min(1 + at, len(lines)), text)
    path = tmp_path_factory.mktemp("csv") / "units.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "".join(lines).encode("utf-8"))
    found = account(path)
    if found is None:
        return
    records, warnings = found
    physical = "".join(lines[1:]).split("\n")[:-1]
    named = {r.number for r in records}
    warned = warned_rows(warnings)
    for number, text in enumerate(physical, start=2):
        if not text.strip() or number in named or number in warned:
            continue
        raise AssertionError(f"line {number} is neither a unit nor named in a warning: {text!r}")
