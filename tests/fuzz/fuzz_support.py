"""Shared by the fuzz tests: a valid unit, hostile values, and the check that reading then evaluating a file
either refuses the whole file with InputFileError or accounts for every data row (evaluated, or named in a
warning) without any other exception."""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import yaml
from hypothesis import HealthCheck, settings

from engine.readers import read_records
from engine.readers.records import InputFileError, reading
from engine.criteria.model import load_criteria
from engine.results.model import to_data
from engine.rules.evaluate import evaluate_units
from engine.units.validate import validate_record

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))  # the comparisons the other tests make
CRITERIA = load_criteria()
UNIT: dict[str, str] = {k: str(v) for k, v in yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8")).items()}
INPUTS = [decl.name for decl in CRITERIA.inputs]


def examples(default: int, share: float = 1.0) -> settings:
    """Hypothesis settings: `default` examples in CI; in a long run CFC_FUZZ_EXAMPLES (or --fuzz-examples) times
    `share` (the slow tests, a workbook or a criteria file per example, take a smaller share)."""
    long_run = int(os.environ.get("CFC_FUZZ_EXAMPLES") or 0)
    count = max(1, int(long_run * share)) if long_run else default
    return settings(max_examples=count, deadline=None, derandomize=False, database=None,
                    suppress_health_check=list(HealthCheck))


HOSTILE = [
    "9" * 5000, "NaN", "nan", "inf", "-inf", "Infinity", "1e300", "1e999", "-1", "-0", "+5", "12.0", "12.5", "1,234",
    "1.234", "١٢", "１２", "۱۲", "2024-01-05", "05/01/2024", "1:30", "true", "false", "yes", "x", "có", "không",
    "khong", "co", "TRUE", "Có", "01234", "0o17", "0x1F", "~", "null", "", " ", "-", "\x00", "a\x00b", "\x1b[2J\x1b[31m",
    "\u202eevil", "=HYPERLINK(\"http://x\")", "+cmd", "@SUM(A1)", "Tổng cộng", "Cộng", "Ghi chú: số liệu giả định",
    "\"", "a\"b", "\"unclosed", "'", "x" * 20000, "\t", "\r", "\n", "\u2028", "🙂", "e\u0301", "other",
    "Xã, phường, thị trấn còn lại", "mountain_island_disadvantaged", "0", "1", "999999999999", "1000000000000",
    "100%", "98,5 %", "'=HYPERLINK(\"x\")", "'-1", "unit_code", "\ufeffunit_code", "２０２４-ｈ１", "2024\u2013H1",
    "０９９１６", "09916\u200b",
]


def account(path: Path, data_rows: int | None = None, hidden_sheets: bool = False):
    """Read and evaluate `path`. Returns (records, warnings) or None when the file as a whole was refused.
    Every record gives exactly one result, an invalid one names its file and row; nothing else may raise. A
    workbook reads the same in a batch's parts as whole (tests/test_xlsx_units.py)."""
    if path.suffix == ".xlsx":
        from test_xlsx_units import assert_read_in_parts_as_whole

        assert_read_in_parts_as_whole(path, hidden_sheets)
    with reading(hidden_sheets=hidden_sheets) as options:
        try:
            records = read_records(path, CRITERIA)
        except InputFileError as error:
            assert str(path) in str(error), error
            return None
    units = [validate_record(CRITERIA, record) for record in records]
    results = list(evaluate_units(CRITERIA, units))
    assert len(results) == len(records)
    for record, result in zip(records, results):
        if result.status == "invalid":
            assert result.errors and all(str(path) in e.en for e in result.errors)
        json.dumps(to_data(result), allow_nan=False, ensure_ascii=False).encode("utf-8")  # every result serialises, as UTF-8
    return records, list(options.warnings.values())


def warned_rows(warnings) -> set[int]:
    """Row and line numbers the warnings name ("row 7", "rows 5–7", "lines 1–2")."""
    found: set[int] = set()
    for warning in warnings:
        for first, last in re.findall(r"(?:rows?|lines?) (\d+)(?:–(\d+))?", warning.render("en")):
            found.update(range(int(first), int(last or first) + 1))
    return found
