"""The renderers' shortcuts give exactly what the plain way gives: the compact JSON unit written partly by hand is
what the JSON encoder writes for the same data, the table made printable in one pass is the table made printable
line by line, and one CSV writer reused for every row writes what a fresh writer per row writes."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from engine.api import evaluate_files
from engine.criteria.model import load_criteria
from engine.readers.records import Record
from engine.results.model import UnitResult
from engine.results.cells import csv_safe
from engine.results.render import RENDERERS, Meta, _dumps, _printable_lines
from engine.rules.evaluate import evaluate_units
from engine.text import printable
from engine.units.validate import validate_record

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "evaluations" / "sample-area" / "units.csv", ROOT / "evaluations" / "single-unit.yaml",
         ROOT / "tests" / "fixtures" / "robust" / "control-characters.csv",
         ROOT / "tests" / "fixtures" / "robust" / "one-bad-value-per-unit.csv"]


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


@pytest.fixture(scope="module")
def units(criteria) -> list[UnitResult]:
    found = evaluate_files(criteria, FILES).units
    assert {u.status for u in found} == {"recognized", "not_recognized", "incomplete", "invalid"}
    return found


def _renderer(fmt: str, lang: str, criteria):
    renderer = RENDERERS[fmt](lang, False)
    renderer.head(Meta(criteria.instrument.id, criteria.source, criteria.digest, criteria))
    return renderer


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_compact_unit_is_what_the_encoder_writes(units, criteria, lang):
    renderer = _renderer("json", lang, criteria)
    for index, unit in enumerate(units):
        text = renderer.unit(unit, index).removeprefix(",\n")
        data = json.loads(text)  # keeps key order
        assert _dumps(data) == text
        assert list(data)[:13] == ["unit_code", "unit_name", "district", "province", "period", "category", "source",
                                   "status", "total", "max_total", "threshold", "shortfall", "values"]
        # what the official list of units says comes last, and only when there is something to say
        notes = [key for key in ("warnings", "filled") if getattr(unit, key)]
        assert list(data)[13:] == ["criteria", "bands", "states", "reasons", "gaps", "missing_inputs", "errors",
                                   "error_details", "ignored_inputs", "plan", "criteria_set"] + notes
        assert [c["points"] for c in data["criteria"]] == [c.points for c in unit.criteria]
        assert list(data["bands"]) == [i.id for c in unit.criteria for i in c.indicators]


def test_a_floating_value_in_an_error_is_written_as_the_encoder_writes_it(criteria):
    # Values as a JSON body or a workbook cell can give them (file readers keep text as text).
    record = Record(source="web", kind="", number=0,
                    data={"unit_code": "1", "births": 98.5, "births_registered": 1e-5, "children_total": 1e16})
    unit = next(evaluate_units(criteria, [validate_record(criteria, record)]))
    assert sorted(e.value for e in unit.error_details) == [1e-5, 98.5, 1e16]
    text = _renderer("json", "en", criteria).unit(unit, 0)
    assert _dumps(json.loads(text)) == text
    assert '"value":1e-05' in text and '"value":1e+16' in text


@pytest.mark.parametrize("lines", [
    ["plain", "Xã \x1b[2JĐỏ", "→ gap"],                      # one pass over the joined lines
    ["Xã Hai\nDòng", "\x1b[31m", "", "last\r"],              # a line break inside a name: line by line
    [""], ["\n"], ["a", "\n", "b"]])
def test_the_table_is_made_printable_as_line_by_line(lines):
    assert _printable_lines(lines) == "\n".join(printable(line, keep="") for line in lines)
    assert _printable_lines(lines).count("\n") == len(lines) - 1  # a name never adds a line


def test_a_name_with_a_line_break_stays_on_its_line_of_the_table(units, criteria):
    unit = replace(units[0], unit_name="Xã\nGiả\x1b[2J")
    text = _renderer("table", "vi", criteria).unit(unit, 0)
    assert "Xã\\nGiả\\x1b[2J" in text and "\x1b" not in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_csv_rows_are_what_a_fresh_writer_writes(units, criteria, lang):
    renderer = _renderer("csv", lang, criteria)
    for index, unit in enumerate(units):
        row = renderer.unit(unit, index)
        cells = next(csv.reader(io.StringIO(row)))
        fresh = io.StringIO()
        csv.writer(fresh, lineterminator="\n").writerow([csv_safe(cell) for cell in cells])
        assert row == fresh.getvalue()
        assert cells[0] == (unit.unit_code or "") and cells[6] == unit.status
