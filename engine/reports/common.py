"""Wording and ordering shared by the reports: decisions, labels of inputs and categories, gap actions."""
from __future__ import annotations

import re
from pathlib import Path

from engine.rules.criteria import CriteriaSet
from engine.messages import Message
from engine.reports.layout import number, vi_decimal
from engine.results.model import DECIDED, Gap, UnitResult

DECISION = {
    "recognized": "ĐẠT CHUẨN xã, phường, thị trấn phù hợp với trẻ em",
    "not_recognized": "KHÔNG ĐẠT CHUẨN xã, phường, thị trấn phù hợp với trẻ em",
    "incomplete": "CHƯA KẾT LUẬN ĐƯỢC: thiếu dữ liệu",
    "invalid": "CHƯA KẾT LUẬN ĐƯỢC: dữ liệu không hợp lệ",
}
UNIT_PREFIXES = ("Xã ", "Phường ", "Thị trấn ", "Đặc khu ")


def status_label(status: str) -> str:
    return Message(f"status_{status}").render("vi")


def category_label(criteria: CriteriaSet, category: str | None) -> str:
    found = criteria.category_by_id.get(category or "")
    if found:
        return found.label.vi
    return f"(không hợp lệ: {category})" if category else "(chưa khai báo)"


def input_label(criteria: CriteriaSet, name: str) -> str:
    decl = criteria.input_by_name.get(name)
    return decl.label.vi if decl else name


def period_phrase(period: str) -> str:
    """'năm 2024' for a year, 'kỳ 6 tháng đầu năm 2024' for anything else."""
    return f"năm {period}" if re.fullmatch(r"\d{4}", period or "") else f"kỳ {period}"


def place_of(unit_name: str | None) -> str:
    """The place name on the date line: 'Xã Hòa Sơn' → 'Hòa Sơn'."""
    if not unit_name:
        return "[Địa danh]"
    for prefix in UNIT_PREFIXES:
        if unit_name.startswith(prefix) and len(unit_name) > len(prefix):
            return unit_name[len(prefix):]
    return unit_name


def total_text(unit: UnitResult) -> str:
    """A total over partial data decides nothing: shown in brackets, as in the terminal table."""
    return number(unit.total) if unit.status in DECIDED else f"({number(unit.total)})"


def zero_criteria(unit: UnitResult) -> list[int]:
    return [c.number for c in unit.criteria if c.complete and c.points == 0]


def gaps_worst_first(gaps: list[Gap]) -> list[Gap]:
    """Band gaps only (missing data is listed on its own): the ones that alone flip the decision first, then
    the largest gain, then criterion order."""
    band = [g for g in gaps if g.kind == "band"]
    return sorted(band, key=lambda g: (not g.flips_decision, -(g.points_gain or 0), g.points_gain is None))


def gap_action(criteria: CriteriaSet, gap: Gap) -> str:
    """What it takes to close a gap, in words an official reads: the input's label, not its field name."""
    if gap.points_gain is None or gap.input is None:
        return vi_decimal(gap.message.vi)
    label = input_label(criteria, gap.input)
    target = vi_decimal(gap.target.vi) if gap.target else ""
    if gap.change is None:  # yes/no
        return f"{label}: chuyển thành “có”"
    decl = criteria.input_by_name.get(gap.input)
    unit = decl.unit.vi if decl is not None and decl.unit is not None else "đơn vị"
    verb = "thêm" if gap.change > 0 else "giảm"
    return (f"{label}: {number(gap.current_value)} → {number(gap.target_value)} "
            f"({verb} {number(abs(gap.change))} {unit}), đạt mức {target}")


def file_name(source: str) -> str:
    return Path(source).name if source else ""


def criteria_note(criteria: CriteriaSet) -> str:
    return (f"Bộ tiêu chí: {criteria.instrument.citation} (tệp {file_name(criteria.source)}, "
            f"mã kiểm tra {criteria.digest[:12]}).")
