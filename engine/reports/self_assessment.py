"""Báo cáo tự đánh giá: one unit's self-assessment, as the commune People's Committee submits it."""
from __future__ import annotations

from engine.rules.criteria import CriteriaSet
from engine.reports.common import (DECISION, category_label, criteria_note, gap_action,
                                   gaps_worst_first, input_label, period_phrase, place_of, total_text,
                                   zero_criteria)
from engine.reports.layout import (GREEN, GROUP_BG, RED, bullets, build_pdf, cell, data_table, esc,
                                   heading, hexcolor, key_value_table, markup, national_header, number, para,
                                   place_date_line, signature_block, signature_row, spacer, vi_decimal)
from engine.results.model import DECIDED, IndicatorResult, UnitResult

PROVISIONAL_MARK = "*"


def self_assessment_pdf(unit: UnitResult, criteria: CriteriaSet) -> bytes:
    name = unit.unit_name or "[Tên xã, phường, thị trấn]"
    period = unit.period or "[Kỳ đánh giá]"
    story = [
        national_header(["Ủy ban nhân dân", name], "Số: ......../BC-UBND", place_date_line(place_of(unit.unit_name))),
        spacer(4),
        para("BÁO CÁO", "title"),
        para(f"Kết quả tự đánh giá xã, phường, thị trấn phù hợp với trẻ em {period_phrase(period)}", "subtitle"),
        para(f"(Theo {criteria.instrument.citation})", "center_italic"),
        spacer(3),
    ]
    story += _general(unit, criteria, name, period)
    story += _criteria_table(unit)
    story += _conclusion(unit)
    story += _gaps(unit, criteria)
    story += _missing(unit, criteria)
    story += _provisional(unit)
    story.append(signature_row(
        signature_block(["Người lập biểu"], "(Ký, ghi rõ họ tên)"),
        signature_block(["TM. Ủy ban nhân dân", "Chủ tịch"], "(Ký tên, đóng dấu)"),
        lead=[spacer(2), para(criteria_note(criteria) + f" Nguồn số liệu: {unit.source.vi}.", "note")],
    ))
    footer = f"Báo cáo tự đánh giá — {unit.unit_code or ''} {name} — {period}"
    return build_pdf(story, title=f"Báo cáo tự đánh giá — {name} — {period}",
                     subject="Báo cáo tự đánh giá xã, phường, thị trấn phù hợp với trẻ em", footer=footer)


def _general(unit: UnitResult, criteria: CriteriaSet, name: str, period: str) -> list:
    threshold = (f"từ {number(unit.threshold)} điểm trở lên (thang {number(unit.max_total)} điểm)"
                 if unit.threshold is not None else "chưa xác định (chưa khai báo loại đơn vị)")
    return [
        *heading("I. THÔNG TIN CHUNG"),
        key_value_table([
            ("Tên đơn vị", name),
            ("Mã đơn vị hành chính", unit.unit_code or "—"),
            ("Huyện / khu vực", unit.district or "—"),
            ("Tỉnh, thành phố", unit.province or "—"),
            ("Kỳ đánh giá", period),
            ("Loại đơn vị", category_label(criteria, unit.category)),
            ("Ngưỡng công nhận", threshold),
        ]),
    ]


def _indicator_row(ind: IndicatorResult) -> list:
    mark = PROVISIONAL_MARK if ind.status == "provisional" else ""
    if ind.state == "missing":
        measure, band, points = "—", "thiếu số liệu: " + ", ".join(ind.missing_inputs), "—"
    elif ind.state == "invalid" or ind.points is None:
        measure, band, points = "—", "số liệu không hợp lệ", "—"
    else:
        measure = "0/0" if ind.state == "empty_denominator" else vi_decimal(ind.measure_display.vi if ind.measure_display else "—")
        band, points = vi_decimal(ind.band.vi if ind.band else ""), f"{ind.points}{mark}"
    return [cell(ind.id, "cell_center"), cell(ind.name.vi), cell(measure, "cell_right"), cell(band),
            cell(points, "cell_right"), cell(ind.max_points, "cell_right")]


def _criteria_table(unit: UnitResult) -> list:
    rows, extra = [], []
    for criterion in unit.criteria:
        rows.append([
            cell(criterion.number, "cell_head"), cell(criterion.name.vi, "cell_bold"), "", "",
            markup(_criterion_points(criterion.points, criterion.complete), "cell_right"),
            cell(criterion.max_points, "cell_right"),
        ])
        row = len(rows)  # the header is row 0
        rows += [_indicator_row(ind) for ind in criterion.indicators]
        # A criterion and its indicators stay on one page.
        extra += [("BACKGROUND", (0, row), (-1, row), GROUP_BG), ("SPAN", (1, row), (3, row)),
                  ("NOSPLIT", (0, row), (-1, len(rows)))]
    decided = unit.status in DECIDED
    rows.append(["", cell("Tổng cộng" if decided else "Tổng cộng (số liệu chưa đầy đủ)", "cell_bold"), "", "",
                 markup(f"<b>{total_text(unit)}</b>", "cell_right"), cell(number(unit.max_total), "cell_right")])
    extra += [("SPAN", (1, len(rows)), (3, len(rows))), ("BACKGROUND", (0, len(rows)), (-1, len(rows)), GROUP_BG)]
    table = data_table(["TT", "Tiêu chí / chỉ tiêu", "Kết quả", "Mức đạt", "Điểm", "Tối đa"], rows,
                       [11, 69, 20, 37, 14, 14], extra=extra)
    notes = [f"{PROVISIONAL_MARK} Điểm theo mức điểm tạm tính (xem mục VI)."]
    if not decided:
        notes.append("(…) Điểm tính trên số liệu chưa đầy đủ hoặc không hợp lệ: chưa dùng để kết luận.")
    return [*heading("II. KẾT QUẢ CHẤM ĐIỂM THEO TỪNG TIÊU CHÍ"), table, spacer(1)] + [para(n, "note") for n in notes]


def _criterion_points(points: int, complete: bool) -> str:
    if not complete:
        return f"<b>({points})</b>"
    if points == 0:
        return f'<b><font color="{hexcolor(RED)}">0</font></b>'
    return f"<b>{points}</b>"


def _conclusion(unit: UnitResult) -> list:
    zeros = zero_criteria(unit)
    colour = hexcolor(GREEN if unit.status == "recognized" else RED)
    decision = markup(f'<b><font color="{colour}">{esc(DECISION[unit.status])}</font></b>', "cell")
    threshold = number(unit.threshold) if unit.threshold is not None else "chưa xác định"
    total = f"{total_text(unit)} / {number(unit.max_total)} điểm"
    pairs = [
        ("Tổng điểm" if unit.status in DECIDED else "Tổng điểm (chưa đầy đủ)", total),
        ("Ngưỡng công nhận", f"{threshold} điểm" if unit.threshold is not None else threshold),
        ("Tiêu chí đạt 0 điểm", ", ".join(f"tiêu chí {n}" for n in zeros) or "không có"),
        ("Kết luận", decision),
    ]
    if unit.shortfall:
        pairs.insert(2, ("Còn thiếu", f"{number(unit.shortfall)} điểm"))
    reasons = [r.message.vi for r in unit.reasons]
    if reasons:
        pairs.append(("Lý do", bullets(reasons, "cell_bullet")))
    return [*heading("III. TỔNG HỢP VÀ KẾT LUẬN"), key_value_table(pairs)]


def _gaps(unit: UnitResult, criteria: CriteriaSet) -> list:
    gaps = gaps_worst_first(unit.gaps)
    recognized = unit.status == "recognized"
    title = ("IV. CÁC CHỈ TIÊU CHƯA ĐẠT ĐIỂM TỐI ĐA (ĐỂ NÂNG ĐIỂM)" if recognized
             else "IV. CÁC ĐIỂM CẦN KHẮC PHỤC (ƯU TIÊN TRƯỚC)")
    out = heading(title)
    if not gaps:
        out.append(para("Không có: mọi chỉ tiêu được chấm đã đạt điểm tối đa.", "body"))
        return out
    flip_column = unit.status == "not_recognized"
    rows = []
    for i, gap in enumerate(gaps, 1):
        mark = PROVISIONAL_MARK if gap.status == "provisional" else ""
        current = vi_decimal(gap.current_measure.vi) if gap.current_measure else "—"
        row = [cell(i, "cell_center"), cell(f"{gap.indicator}. {gap.indicator_name.vi}"),
               markup(f"{esc(current)}<br/>{gap.current_points}/{_max_points(unit, gap)} điểm", "cell"),
               cell(gap_action(criteria, gap)),
               cell(f"+{gap.points_gain}{mark}" if gap.points_gain else "—", "cell_right")]
        if flip_column:
            row.append(markup("<b>Có</b>", "cell_center") if gap.flips_decision else cell("—", "cell_center"))
        rows.append(row)
    header = ["TT", "Chỉ tiêu", "Hiện tại", "Việc cần làm", "Điểm tăng"]
    widths = [8, 46, 22, 60, 13]
    if flip_column:
        header.append("Đủ để đạt chuẩn")
        widths.append(16)
    else:
        widths[3] += 16
    out.append(data_table(header, rows, widths))
    if flip_column:
        out.append(para("Mỗi dòng tính riêng: “Có” nghĩa là chỉ khắc phục riêng chỉ tiêu đó là đủ để đạt chuẩn. "
                        "* Mức điểm tạm tính.", "note"))
    return out


def _max_points(unit: UnitResult, gap) -> int:
    for criterion in unit.criteria:
        for ind in criterion.indicators:
            if ind.id == gap.indicator:
                return ind.max_points
    return 0


def _missing(unit: UnitResult, criteria: CriteriaSet) -> list:
    out = heading("V. SỐ LIỆU CÒN THIẾU HOẶC KHÔNG HỢP LỆ")
    if not unit.missing_inputs and not unit.errors:
        out.append(para("Không có: đã có đủ số liệu hợp lệ cho mọi chỉ tiêu.", "body"))
        return out
    if unit.missing_inputs:
        used_by: dict[str, list[str]] = {}
        for criterion in unit.criteria:
            for ind in criterion.indicators:
                for name in ind.missing_inputs:
                    used_by.setdefault(name, []).append(ind.id)
        rows = [[cell(i, "cell_center"), cell(input_label(criteria, name)), cell(name),
                 cell(", ".join(used_by.get(name, [])) or ("ngưỡng điểm" if name == "category" else "—"))]
                for i, name in enumerate(unit.missing_inputs, 1)]
        out.append(para("Số liệu chưa báo cáo (để trống không được tính là 0):", "body"))
        out.append(data_table(["TT", "Số liệu", "Tên trường", "Chỉ tiêu liên quan"], rows, [8, 92, 45, 20]))
    if unit.errors:
        out.append(para("Số liệu không hợp lệ, cần kiểm tra và sửa:", "body"))
        out += bullets([e.vi for e in unit.errors])
    return out


def _provisional(unit: UnitResult) -> list:
    out = heading("VI. GHI CHÚ VỀ THANG ĐIỂM TẠM TÍNH")
    if not unit.provisional:
        out.append(para("Kết quả không phụ thuộc vào mức điểm tạm tính nào.", "body"))
        return out
    names = {ind.id: ind.name.vi for c in unit.criteria for ind in c.indicators}
    out.append(para(
        f"Kết quả trên dựa vào {len(unit.provisional)} mức điểm TẠM TÍNH, chưa được đối chiếu với văn bản chính "
        "thức (đánh dấu * ở bảng mục II). Khi cơ quan có thẩm quyền xác nhận hoặc điều chỉnh các mức này, điểm "
        "số và kết luận có thể thay đổi:", "body"))
    rows = [[cell(f"{p.indicator}. {names.get(p.indicator, '')}"), cell(vi_decimal(p.band.vi)),
             cell(p.points, "cell_right"), cell(p.citation)] for p in unit.provisional]
    out.append(data_table(["Chỉ tiêu", "Mức điểm áp dụng", "Điểm", "Căn cứ"], rows, [58, 28, 13, 66]))
    return out
