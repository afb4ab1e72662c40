"""What the self-assessment spreadsheet looks like: sheet names, the one-unit sheet's columns, and how a
header cell is matched to an input. Shared by the template writer and the reader, so they cannot drift."""
from __future__ import annotations

import re

from engine.criteria.model import CriteriaSet
from engine.text import nfc

ONE_UNIT_SHEET = "Một đơn vị"
MANY_UNITS_SHEET = "Nhiều đơn vị"

# One-unit sheet: one row per input. The value column is found by its header, so columns may be moved.
ONE_UNIT_HEADERS = ("Nội dung", "Đơn vị tính", "Tên trường", "Giá trị")
VALUE_HEADERS = ("Giá trị", "Value", "Số liệu")

# Many-units sheet: row 1 the Vietnamese labels, row 2 the input names, units from row 3.
LABEL_ROW, NAME_ROW, FIRST_DATA_ROW = 1, 2, 3

YES_NO_CHOICES = ("có", "không")


def header_key(value: object) -> str:
    """A header as compared: NFC, trimmed, inner whitespace collapsed, case folded."""
    return re.sub(r"\s+", " ", nfc(str(value))).strip().casefold()


def header_index(criteria: CriteriaSet) -> tuple[dict[str, str], dict[str, str]]:
    """(names, labels): header key → input name, for exact input names and for their labels (vi and en), and
    the label an input has after the 1 July 2025 reform where it has another ("Khu vực" for "Huyện / khu vực":
    a form or a results file written for units after the reform reads back)."""
    from engine.registry.maps import input_label

    names = {header_key(decl.name): decl.name for decl in criteria.inputs}
    labels: dict[str, str] = {}
    for decl in criteria.inputs:
        for text in (decl.label.vi, decl.label.en):
            labels.setdefault(header_key(text), decl.name)
    for decl in criteria.inputs:
        after = input_label(decl, after=True)
        for text in (after.vi, after.en):
            labels.setdefault(header_key(text), decl.name)
    return names, labels
