"""What a table row is when it is not a unit: a blank spacer, a totals row, a notes row. Shared by the CSV and
workbook readers, so both skip the same rows (with a warning naming the row) and count them nowhere."""
from __future__ import annotations

import re
from typing import Any

from engine.text import nfc

# A totals row names itself in the code or name column. Short words count only when they are the whole cell:
# many communes are called "Cộng Hòa".
TOTAL_WORDS = {"tổng cộng", "tổng", "cộng", "tổng số", "total", "totals", "grand total", "sum", "toàn huyện",
               "toàn tỉnh", "tổng toàn huyện", "tổng toàn tỉnh", "cộng toàn huyện", "cộng toàn tỉnh"}
NUMBER = re.compile(r"[+-]?[0-9][0-9.,\s]*")


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _words(value: Any) -> str:
    return re.sub(r"\s+", " ", nfc(str(value))).strip().rstrip(":").strip().casefold()


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or (isinstance(value, str) and NUMBER.fullmatch(value.strip()) is not None)


def skipped_kind(data: dict[str, Any]) -> str | None:
    """'blank', 'totals' or 'notes' when the row is not a unit; None when it is one (valid or not)."""
    filled = {key: value for key, value in data.items() if not blank(value)}
    if not filled:
        return "blank"
    code, name = filled.get("unit_code"), filled.get("unit_name")
    if code is not None and _words(code) in TOTAL_WORDS:
        return "totals"
    if code is None and any(isinstance(v, str) and (_words(v) in TOTAL_WORDS or _words(v).startswith("tổng cộng"))
                            for v in filled.values()):
        return "totals"  # the label may sit in the name column or in one that is not an input (STT)
    if code is None and name is None and all(_numeric(value) for value in filled.values()):
        return "totals"  # sums with no unit: a totals row whose label sits in a column that is not an input
    if len(filled) == 1:
        (key, value), = filled.items()
        if isinstance(value, str) and (key not in ("unit_code", "unit_name")
                                       or (key == "unit_code" and re.search(r"[\s:]", value.strip()))):
            return "notes"
    return None


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names the column a CSV cell would land in."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
