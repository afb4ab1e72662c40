"""Every sentence cfc says to a person, in Vietnamese and English. Code refers to messages by key."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.text import Text, nfc

CATALOG: dict[str, tuple[str, str]] = {
    # Data errors: the value given and why it cannot be used.
    "missing_required": ("thiếu {input} (bắt buộc)", "{input} is missing (required)"),
    "not_whole_number": ("{input} = {value!r}: không phải số nguyên", "{input} = {value!r}: not a whole number"),
    "decimal_comma": ("{input} = {value!r}: có dấu phẩy hoặc dấu chấm phân cách; ghi số đếm không có dấu, ví dụ 1234",
                      "{input} = {value!r}: contains a decimal or thousands separator; write counts as plain digits, e.g. 1234"),
    "fractional_count": ("{input} = {value!r}: số đếm phải là số nguyên", "{input} = {value!r}: a count must be a whole number"),
    "negative_count": ("{input} = {value!r}: số đếm không được âm", "{input} = {value!r}: a count cannot be negative"),
    "below_minimum": ("{input} = {value!r}: phải từ {min} trở lên", "{input} = {value!r}: must be at least {min}"),
    "not_yes_no": ("{input} = {value!r}: phải là có/không (yes/no, true/false, 1/0)",
                   "{input} = {value!r}: must be yes/no (có/không, true/false, 1/0)"),
    "unknown_category": ("{input} = {value!r}: loại đơn vị không hợp lệ; dùng một trong: {allowed}",
                         "{input} = {value!r}: unknown unit category; use one of: {allowed}"),
    "not_text": ("{input} = {value!r}: phải là văn bản", "{input} = {value!r}: must be text"),
    "numerator_above_denominator": ("{input} = {value!r} lớn hơn {denominator} = {denominator_value!r}",
                                    "{input} = {value!r} is greater than {denominator} = {denominator_value!r}"),
    "duplicate_unit": ("mã đơn vị {value!r} trùng với {other}", "unit code {value!r} duplicates {other}"),
    "extra_cells": ("dòng có {cells} ô nhưng chỉ có {headers} tiêu đề cột (giá trị thừa {value!r}); có giá trị bị lệch cột?",
                    "the row has {cells} cells but only {headers} headers (extra values {value!r}); is a value in the wrong column?"),
    "formula_no_value": ("{name}: công thức ở trang '{sheet}' ô {cell} được lưu mà không có giá trị tính sẵn; "
                         "mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi chấm lại (cfc không tự tính công thức)",
                         "{name}: the formula in sheet '{sheet}' cell {cell} was saved without its computed value; "
                         "open the file in Excel or LibreOffice, save it, and evaluate again (cfc never computes formulas)"),
    "not_a_record": ("mục này không phải một đơn vị (cần các cặp tên: giá trị)",
                     "this item is not a unit (expected name: value pairs)"),
    # Reasons a unit is not recognised.
    "reason_zero": ("Tiêu chí {number} ({name}) đạt 0 điểm", "Criterion {number} ({name}) scores 0 points"),
    "reason_below_min": ("Tiêu chí {number} ({name}) chỉ đạt {points} điểm, cần từ {min} điểm",
                         "Criterion {number} ({name}) scores only {points} points, at least {min} needed"),
    "reason_shortfall": ("Tổng điểm {total} thấp hơn ngưỡng {threshold} của loại đơn vị: thiếu {shortfall} điểm",
                         "Total {total} is below the category threshold of {threshold}: {shortfall} points short"),
    "reason_missing": ("Thiếu dữ liệu: {inputs}", "Missing data: {inputs}"),
    "reason_missing_category": ("Chưa khai báo loại đơn vị (category) nên chưa xác định được ngưỡng điểm",
                                "No unit category declared, so the threshold is unknown"),
    "reason_invalid": ("Dữ liệu không hợp lệ: {count} lỗi", "Invalid data: {count} error(s)"),
    "band_empty_denominator": ("mẫu số bằng 0 → tính như mức {band}", "empty denominator → scored as {band}"),
    # Labels used by the renderers.
    "status_recognized": ("Đạt chuẩn", "Recognised"),
    "status_not_recognized": ("Không đạt", "Not recognised"),
    "status_incomplete": ("Thiếu dữ liệu", "Incomplete"),
    "status_invalid": ("Dữ liệu lỗi", "Invalid data"),
    "summary": ("Tổng hợp: {total} đơn vị — {recognized} đạt chuẩn, {not_recognized} không đạt, {incomplete} thiếu dữ liệu, {invalid} dữ liệu lỗi",
                "Summary: {total} units — {recognized} recognised, {not_recognized} not recognised, {incomplete} incomplete, {invalid} invalid"),
    "provisional_note": ("Lưu ý: {count} điểm số dựa trên thang điểm TẠM TÍNH (chưa đối chiếu văn bản chính thức), đánh dấu *",
                         "Note: {count} scores rely on PROVISIONAL bands (not yet checked against the published text), marked *"),
    "flips": ("→ đủ để đạt chuẩn", "→ enough to be recognised"),
    # Batches: a unit whose worker process died twice, and a batch stopped by the user.
    "not_evaluated": ("{where}: chưa chấm được đơn vị {unit}: việc chấm thất bại, cả khi chấm lại riêng đơn vị này ({why})",
                      "{where}: unit {unit} not evaluated: evaluating it failed, and again when it was retried alone ({why})"),
    "cannot_write": ("cfc: không ghi được {path}: {reason}; kết quả cũ (nếu có) được giữ nguyên",
                     "cfc: cannot write {path}: {reason}; previous results (if any) are left as they were"),
    "interrupted": ("cfc: đã dừng (Ctrl-C); không ghi tệp kết quả nào", "cfc: interrupted (Ctrl-C); no results file written"),
    "header_unit": ("Đơn vị", "Unit"),
    "header_total": ("Điểm/ngưỡng", "Total/threshold"),
    "header_status": ("Kết quả", "Result"),
    "header_zero": ("Tiêu chí 0 điểm", "Criteria at 0"),
    "criteria_file": ("Bộ tiêu chí: {title} ({citation})", "Criteria: {title} ({citation})"),
    # Gaps.
    "gap_rate_more": ("cần thêm {count} {unit} ({numerator}: {current} → {target}) để đạt {bound} (+{gain} điểm)",
                      "{count} more {unit} needed ({numerator}: {current} → {target}) to reach {bound} (+{gain} points)"),
    "gap_rate_fewer": ("cần giảm {count} {unit} ({numerator}: {current} → {target}) để đạt {bound} (+{gain} điểm)",
                       "{count} fewer {unit} needed ({numerator}: {current} → {target}) to reach {bound} (+{gain} points)"),
    "gap_yes": ("cần chuyển {input} thành \"có\" (+{gain} điểm)", "{input} must become \"yes\" (+{gain} points)"),
    "gap_count": ("cần thêm {count} {unit} ({input}: {current} → {target}) để đạt {bound} (+{gain} điểm)",
                  "{count} more {unit} needed ({input}: {current} → {target}) to reach {bound} (+{gain} points)"),
    "gap_unreachable": ("không thể đạt mức tiếp theo chỉ bằng cách thay đổi {numerator}",
                        "the next band cannot be reached by changing {numerator} alone"),
    "gap_missing": ("cần báo cáo số liệu: {inputs}", "data to report: {inputs}"),
}


@dataclass(frozen=True)
class Message:
    """A message key with its parameters; rendered in a language only when shown."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str = "vi") -> str:
        """The message in `lang`; a parameter given as Text (a name, a place) is taken in the same language."""
        vi, en = CATALOG[self.key]
        params = {k: v(lang) if isinstance(v, Text) else v for k, v in self.params.items()}
        return nfc((vi if lang == "vi" else en).format(**params))


def both(key: str, params: dict[str, Any] | None = None, **localised: Text) -> Text:
    """Render a message in both languages; Text parameters take each language's own wording."""
    message = Message(key, {**(params or {}), **localised})
    return Text.of(message.render("vi"), message.render("en"))
