"""Wording and ordering shared by the documents: decisions, labels of inputs and categories, gap actions,
the watermark, the provisional-band footnote and the data checksum."""
from __future__ import annotations

import hashlib
import json
import re

from engine.messages import Message
from engine.reports.document import WATERMARK_INVALID, number, vi_decimal
from engine.results.model import DECIDED, Gap, UnitResult
from engine.criteria.model import CriteriaSet

DECISION = {
    "recognized": "ĐẠT CHUẨN xã, phường, thị trấn phù hợp với trẻ em",
    "not_recognized": "KHÔNG ĐẠT CHUẨN xã, phường, thị trấn phù hợp với trẻ em",
    "incomplete": "CHƯA KẾT LUẬN ĐƯỢC: thiếu dữ liệu",
    "invalid": "CHƯA KẾT LUẬN ĐƯỢC: dữ liệu không hợp lệ",
}
UNIT_PREFIXES = ("Xã ", "Phường ", "Thị trấn ", "Đặc khu ")
PROVISIONAL_MARK = "(*)"


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


def readable(criteria: CriteriaSet, text: str) -> str:
    """A message with every input's field name replaced by its Vietnamese label: an official reads
    "Số trẻ em được đăng ký khai sinh = '98,5'", never "births_registered = '98,5'"."""
    names = sorted(criteria.input_by_name, key=len, reverse=True)
    if not names:
        return text
    pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, names)) + r")(?![\w])")
    return pattern.sub(lambda m: input_label(criteria, m.group(1)), text)


def unit_errors(criteria: CriteriaSet, unit: UnitResult) -> list[str]:
    """A unit's data errors without the file path they start with (a document travels; the path means nothing
    on paper), inputs named by their label."""
    if unit.error_details:
        return [readable(criteria, detail.message.vi) for detail in unit.error_details]
    source = unit.source.vi
    return [readable(criteria, e.vi.split(": ", 1)[1] if e.vi.startswith(source) and ": " in e.vi else e.vi)
            for e in unit.errors]


def reasons(criteria: CriteriaSet, unit: UnitResult) -> list[str]:
    return [readable(criteria, r.message.vi) for r in unit.reasons]


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


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


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
        return vi_decimal(readable(criteria, gap.message.vi))
    label = input_label(criteria, gap.input)
    target = vi_decimal(gap.target.vi) if gap.target else ""
    if gap.change is None:  # yes/no
        return f"{label}: chuyển thành “có”"
    decl = criteria.input_by_name.get(gap.input)
    unit = decl.unit.vi if decl is not None and decl.unit is not None else "đơn vị"
    verb = "thêm" if gap.change > 0 else "giảm"
    return (f"{label}: {number(gap.current_value)} → {number(gap.target_value)} "
            f"({verb} {number(abs(gap.change))} {unit}), đạt mức {target}")


def data_checksum(units: list[UnitResult]) -> str:
    """A short checksum of the data scored (every input of every unit), for the footer: two copies of a
    document built from the same figures carry the same code."""
    digest = hashlib.sha256()
    for unit in units:
        inputs = {name: value for c in unit.criteria for ind in c.indicators for name, value in ind.inputs.items()}
        record = [unit.unit_code, unit.unit_name, unit.period, unit.category, sorted(inputs.items(), key=str),
                  [e.vi for e in unit.errors]]
        digest.update(json.dumps(record, ensure_ascii=False, default=str).encode("utf-8"))
    return digest.hexdigest()[:10]


def watermark(units: list[UnitResult]) -> str | None:
    """A document resting on data with errors must not look like a good one."""
    return WATERMARK_INVALID if any(u.status == "invalid" for u in units) else None


def provisional_footnote(units: list[UnitResult]) -> str | None:
    """One footnote, in plain words, when a result rests on scoring levels not yet checked against the
    official text; None when none does."""
    names: dict[str, str] = {}
    for unit in units:
        for use in unit.provisional:
            for criterion in unit.criteria:
                for ind in criterion.indicators:
                    if ind.id == use.indicator:
                        names.setdefault(ind.id, ind.name.vi)
    if not names:
        return None
    dependent = sum(1 for u in units if u.provisional)
    whose = "Kết quả trên" if len(units) == 1 else f"Kết quả của {number(dependent)} đơn vị"
    listed = "; ".join(names[k] for k in sorted(names, key=_indicator_order))
    what = f"Điểm đánh dấu {PROVISIONAL_MARK}" if len(units) == 1 else "Các kết quả này"
    return (f"{PROVISIONAL_MARK} {whose} có dùng mức chấm điểm tạm tính (chưa đối chiếu được với văn bản gốc) "
            f"cho các chỉ tiêu: {listed}. {what} có thể thay đổi khi cơ quan có thẩm quyền xác nhận hoặc điều "
            "chỉnh các mức này; đề nghị đối chiếu trước khi ký.")


def _indicator_order(indicator: str) -> tuple[int, str]:
    digits = re.match(r"\d+", indicator)
    return (int(digits.group()) if digits else 0, indicator)
