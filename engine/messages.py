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
    # The command line.
    "written": ("Đã ghi {path}", "Wrote {path}"),
    "error_line": ("lỗi: {error}", "error: {error}"),
    "output_is_input": ("--output {output} sẽ ghi đè lên một tệp đầu vào; không thực hiện",
                        "--output {output} would overwrite an input file; refusing"),
    "format_contradicts_suffix": ("--format {fmt} không khớp với phần mở rộng của {output}; bỏ --format để chọn "
                                  "theo phần mở rộng", "--format {fmt} does not match the extension of {output}; "
                                  "leave out --format to choose by the extension"),
    "xlsx_needs_output": ("--format xlsx cần -o TỆP.xlsx", "--format xlsx needs -o FILE.xlsx"),
    # Combining result files (cfc aggregate, cfc report summary).
    "agg_not_results_file": ("{path}: không phải tệp kết quả; dùng tệp .json hoặc .csv do `cfc evaluate` ghi",
                             "{path}: not a results file; use the .json or .csv written by `cfc evaluate`"),
    "agg_cannot_read": ("{path}: không đọc được: {error}", "{path}: cannot read: {error}"),
    "agg_no_units_list": ("{path}: không phải tệp kết quả (không có danh sách \"units\"); ghi bằng "
                          "`cfc evaluate --format json`", "{path}: not a results file (no \"units\" list); write one "
                          "with `cfc evaluate --format json`"),
    "agg_not_unit": ("{path} {where}: không phải kết quả của một đơn vị (không có danh sách \"criteria\")",
                     "{path} {where}: not a unit result (no \"criteria\" list)"),
    "agg_bad_status": ("{path} {where}: kết quả {value!r} không phải một trong {allowed}",
                       "{path} {where}: status {value!r} is not one of {allowed}"),
    "agg_not_number": ("{path} {where}: {name} = {value!r} không phải số", "{path} {where}: {name} = {value!r} is not a number"),
    "agg_not_whole": ("{path} {where}: {name} = {value!r} không phải số nguyên",
                      "{path} {where}: {name} = {value!r} is not a whole number"),
    "agg_csv_columns": ("{path}: không phải tệp kết quả (thiếu cột mã đơn vị, kết quả hoặc tổng điểm); ghi bằng "
                        "`cfc evaluate --format csv` hoặc `-o TỆP.csv`", "{path}: not a results file (needs columns "
                        "unit_code, status, total); write one with `cfc evaluate --format csv` or `-o FILE.csv`"),
    "agg_unknown_criteria": ("{path}: tiêu chí {numbers} không có trong {criteria}",
                             "{path}: criteria {numbers} are not in {criteria}"),
    "agg_no_units": ("các tệp kết quả không có đơn vị nào", "no units in the results files"),
    "agg_same_file": ("{path} được đưa vào hai lần (cũng là {other}): mỗi đơn vị sẽ bị đếm hai lần; mỗi tệp chỉ "
                      "đưa vào một lần", "{path} is given twice (also as {other}): every unit would be counted "
                      "twice; give each file once"),
    "agg_duplicate_unit": ("đơn vị {code} (kỳ {period}) có ở {first} và ở {second}: sẽ bị đếm hai lần ({count} "
                           "đơn vị như vậy); mỗi đơn vị mỗi kỳ chỉ đưa vào một lần",
                           "unit {code} (period {period}) is in {first} and {second}: it would be counted twice "
                           "({count} such unit(s)); aggregate each file once"),
    "agg_mixed_criteria": ("các đơn vị được chấm theo các bộ tiêu chí khác nhau nên không so sánh được: {sets}. "
                           "Chấm lại theo cùng một bộ tiêu chí, hoặc thêm --allow-mixed-criteria để vẫn tổng hợp "
                           "(báo cáo sẽ ghi rõ điều này)",
                           "units were scored by different criteria sets and cannot be compared: {sets}. Score them "
                           "by one set, or add --allow-mixed-criteria to combine them anyway (the summary says so)"),
    "agg_period_line": ("Kỳ đánh giá {period}: {recognised}/{units} đơn vị đạt chuẩn ({rate})",
                        "Period {period}: {recognised}/{units} units recognised ({rate})"),
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


def number(value: int | float | None, lang: str = "vi") -> str:
    """A whole number as the reader writes it: 10.600 in Vietnamese, 10,600 in English."""
    if value is None:
        return "—"
    text = f"{round(value):,}"
    return text.replace(",", ".") if lang == "vi" else text


def decimal(value: float | None, lang: str = "vi", digits: int = 2) -> str:
    """A decimal with the reader's separators: 1.234,56 in Vietnamese, 1,234.56 in English."""
    if value is None or value != value:  # None or NaN: nothing to show
        return "—"
    text = f"{value:,.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "vi" else text


def percent(value: float | None, lang: str = "vi", digits: int = 2) -> str:
    """97,83% in Vietnamese, 97.83% in English."""
    shown = decimal(value, lang, digits)
    return shown if shown == "—" else shown + "%"
