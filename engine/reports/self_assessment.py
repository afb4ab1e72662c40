"""Báo cáo tự đánh giá: one unit's self-assessment, as the commune People's Committee submits it to the
reviewing office: points per criterion, conclusion, what to fix, the improvement plan, missing data, the
commune's proposal, and the signatures of the person who drew it up and of the chairperson."""
from __future__ import annotations

from engine.registry.maps import district_label
from engine.reports.board import BoardConfig
from engine.reports.common import (DECISION, PROVISIONAL_MARK, category_label, data_checksum,
                                   gap_action, gaps_worst_first, input_label, period_phrase, place_of,
                                   provisional_footnote, reasons, total_text, unit_errors, watermark, zero_criteria)
from engine.reports.document import (GREEN, RED, Document, NationalHeader, Signatures, bullets, cell, coloured,
                                     esc, heading, key_values, markup, number, para, place_date_line, recipients,
                                     signature_block, spacer, table, vi_decimal)
from engine.results.model import DECIDED, IndicatorResult, UnitResult
from engine.criteria.model import CriteriaSet


def document(unit: UnitResult, criteria: CriteriaSet, board: BoardConfig | None = None) -> Document:
    board = board or BoardConfig()
    name = unit.unit_name or "[Tên xã, phường, thị trấn]"
    period = unit.period or board.get("period")
    sections = [_general, _criteria_table, _conclusion, _gaps, _plan, _missing]
    blocks = [
        NationalHeader(None, f"Ủy ban nhân dân {name}", "Số: ......../BC-UBND",
                       place_date_line(place_of(unit.unit_name))),
        spacer(4),
        para("BÁO CÁO", "title"),
        para(f"Kết quả tự đánh giá xã, phường, thị trấn phù hợp với trẻ em {period_phrase(period)}", "subtitle"),
        para(f"(Theo {criteria.instrument.citation})", "center_italic"),
        spacer(2),
        para(f"Kính gửi: {board.get('reviewing_office')}.", "center"),
        spacer(3),
    ]
    numbering = iter("I II III IV V VI VII VIII IX X".split())
    for section in sections:
        part = section(unit, criteria, name, period)
        if part:
            part[0].text = f"{next(numbering)}. {part[0].text}"
            blocks += part
    proposal = _proposal(unit, board, name, period, next(numbering))
    footnote = provisional_footnote([unit])
    lead = proposal + ([spacer(2), para(footnote, "footnote")] if footnote else [])
    # As in Nghị định 30's form: Nơi nhận at the left, level with the signature; the preparer below it.
    blocks.append(Signatures(
        recipients([f"{board.get('reviewing_office')};", "Lưu: VT."]) + [spacer(8)]
        + signature_block(["Người lập biểu"], "(Ký, ghi rõ họ tên)"),
        signature_block(["Chủ tịch"], "(Ký tên, đóng dấu)", prefix="TM. Ủy ban nhân dân"),
        lead=lead,
    ))
    footer = (f"Báo cáo tự đánh giá — {unit.unit_code or ''} {name} — {period} — "
              f"mã số liệu {data_checksum([unit])}")
    return Document(blocks, title=f"Báo cáo tự đánh giá — {name} — {period}",
                    subject="Báo cáo tự đánh giá xã, phường, thị trấn phù hợp với trẻ em", footer=footer,
                    watermark=watermark([unit]))


def _general(unit: UnitResult, criteria: CriteriaSet, name: str, period: str) -> list:
    threshold = (f"từ {number(unit.threshold)} điểm trở lên (thang {number(unit.max_total)} điểm)"
                 if unit.threshold is not None else "chưa xác định (chưa khai báo loại đơn vị)")
    return [
        heading("THÔNG TIN CHUNG"),
        key_values([
            ("Tên đơn vị", name),
            ("Mã đơn vị hành chính", unit.unit_code or "—"),
            (district_label([unit.period]).vi, unit.district or "—"),
            ("Tỉnh, thành phố", unit.province or "—"),
            ("Kỳ đánh giá", period),
            ("Loại đơn vị", category_label(criteria, unit.category)),
            ("Ngưỡng công nhận", threshold),
        ]),
    ]


def _indicator_row(ind: IndicatorResult, criteria: CriteriaSet) -> list:
    mark = PROVISIONAL_MARK if ind.status == "provisional" else ""
    if ind.state == "missing":
        labels = ", ".join(input_label(criteria, n) for n in ind.missing_inputs)
        measure, band, points = "—", f"thiếu số liệu: {labels}", "—"
    elif ind.state == "invalid" or ind.points is None:
        measure, band, points = "—", "số liệu không hợp lệ", "—"
    else:
        shown = ind.measure_display.vi if ind.measure_display else "—"
        measure = "0/0" if ind.state == "empty_denominator" else vi_decimal(shown)
        band, points = vi_decimal(ind.band.vi if ind.band else ""), f"{ind.points}{mark}"
    return [cell(ind.id, "cell_center"), cell(ind.name.vi), cell(measure, "cell_right"), cell(band),
            cell(points, "cell_right"), cell(ind.max_points, "cell_right")]


def _criterion_points(points: int, complete: bool) -> str:
    if not complete:
        return f"<b>({points})</b>"
    if points == 0:
        return coloured("0", RED, bold=True)
    return f"<b>{points}</b>"


def _criteria_table(unit: UnitResult, criteria: CriteriaSet, name: str, period: str) -> list:
    rows, shaded, spans, keep = [], [], [], []
    for criterion in unit.criteria:
        first = len(rows)
        rows.append([cell(criterion.number, "cell_head"), cell(criterion.name.vi, "cell_bold"), None, None,
                     markup(_criterion_points(criterion.points, criterion.complete), "cell_right"),
                     cell(criterion.max_points, "cell_right")])
        rows += [_indicator_row(ind, criteria) for ind in criterion.indicators]
        shaded.append(first)
        spans.append((first, 1, 3))
        keep.append((first, len(rows) - 1))  # a criterion and its indicators stay on one page
    decided = unit.status in DECIDED
    rows.append([None, cell("Tổng cộng" if decided else "Tổng cộng (số liệu chưa đầy đủ)", "cell_bold"), None, None,
                 markup(f"<b>{total_text(unit)}</b>", "cell_right"), cell(number(unit.max_total), "cell_right")])
    shaded.append(len(rows) - 1)
    spans.append((len(rows) - 1, 1, 3))
    notes = []
    if any(ind.status == "provisional" for c in unit.criteria for ind in c.indicators if ind.points is not None):
        notes.append(f"{PROVISIONAL_MARK} Mức chấm điểm tạm tính: xem chú thích cuối báo cáo.")
    if not decided:
        notes.append("(…) Điểm tính trên số liệu chưa đầy đủ hoặc không hợp lệ: chưa dùng để kết luận.")
    return [heading("KẾT QUẢ CHẤM ĐIỂM THEO TỪNG TIÊU CHÍ"),
            table(["TT", "Tiêu chí / chỉ tiêu", "Kết quả", "Mức đạt", "Điểm", "Tối đa"], rows,
                  [11, 66, 20, 40, 14, 14], shaded=shaded, spans=spans, keep=keep)] + [para(n, "note") for n in notes]


def _conclusion(unit: UnitResult, criteria: CriteriaSet, name: str, period: str) -> list:
    zeros = zero_criteria(unit)
    decision = markup(coloured(DECISION[unit.status], GREEN if unit.status == "recognized" else RED, bold=True),
                      "kv_value")
    threshold = f"{number(unit.threshold)} điểm" if unit.threshold is not None else "chưa xác định"
    pairs = [
        ("Tổng điểm" if unit.status in DECIDED else "Tổng điểm (chưa đầy đủ)",
         f"{total_text(unit)} / {number(unit.max_total)} điểm"),
        ("Ngưỡng công nhận", threshold),
        ("Tiêu chí đạt 0 điểm", ", ".join(f"tiêu chí {n}" for n in zeros) or "không có"),
        ("Kết luận", decision),
    ]
    if unit.shortfall:
        pairs.insert(2, ("Còn thiếu", f"{number(unit.shortfall)} điểm"))
    if unit.reasons:
        pairs.append(("Lý do", bullets(reasons(criteria, unit), "cell_bullet")))
    return [heading("TỔNG HỢP VÀ KẾT LUẬN"), key_values(pairs)]


def _gaps(unit: UnitResult, criteria: CriteriaSet, name: str, period: str) -> list:
    gaps = gaps_worst_first(unit.gaps)
    recognized = unit.status == "recognized"
    out = [heading("CÁC CHỈ TIÊU CHƯA ĐẠT ĐIỂM TỐI ĐA (ĐỂ NÂNG ĐIỂM)" if recognized
                   else "CÁC ĐIỂM CẦN KHẮC PHỤC (ƯU TIÊN TRƯỚC)")]
    if not gaps:
        return out + [para("Không có: mọi chỉ tiêu được chấm đã đạt điểm tối đa.", "body")]
    maxima = {ind.id: ind.max_points for c in unit.criteria for ind in c.indicators}
    flip_column = unit.status == "not_recognized"
    rows = []
    for i, gap in enumerate(gaps, 1):
        mark = PROVISIONAL_MARK if gap.status == "provisional" else ""
        current = vi_decimal(gap.current_measure.vi) if gap.current_measure else "—"
        row = [cell(i, "cell_center"), cell(f"{gap.indicator}. {gap.indicator_name.vi}"),
               markup(f"{esc(current)}<br/>{gap.current_points}/{maxima.get(gap.indicator, 0)} điểm", "cell"),
               cell(gap_action(criteria, gap)),
               cell(f"+{gap.points_gain}{mark}" if gap.points_gain else "—", "cell_right")]
        if flip_column:
            row.append(markup("<b>Có</b>", "cell_center") if gap.flips_decision else cell("—", "cell_center"))
        rows.append(row)
    header = ["TT", "Chỉ tiêu", "Hiện tại", "Việc cần làm", "Điểm tăng"]
    widths = [8, 44, 22, 60, 15]
    if flip_column:
        header.append("Đủ để đạt chuẩn")
        widths.append(17)
    else:
        widths[3] += 17
    out.append(table(header, rows, widths))
    if flip_column:
        out.append(para("Mỗi dòng tính riêng: “Có” nghĩa là chỉ khắc phục riêng chỉ tiêu đó là đủ để đạt chuẩn.",
                        "note"))
    return out


def _yes_no(value) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    return number(value) if isinstance(value, int) else str(value)


def _plan(unit: UnitResult, criteria: CriteriaSet, name: str, period: str) -> list:
    """The improvement plan (engine-core's UnitResult.plan), when the result carries one."""
    plan = getattr(unit, "plan", None)
    if plan is None:
        return []
    out = [heading("KẾ HOẠCH ĐỂ ĐẠT CHUẨN")]
    if plan.changes:
        lead = ("Thực hiện đủ các việc sau (theo thứ tự, việc ít tốn công trước) thì đơn vị đạt chuẩn:"
                if plan.reaches_recognition else "Các việc sau nâng điểm, nhưng chưa đủ để đạt chuẩn:")
        rows = [[cell(i, "cell_center"), cell(f"Tiêu chí {c.criterion}, chỉ tiêu {c.indicator}"),
                 cell(f"{c.label.vi}: {_yes_no(c.from_)} → {_yes_no(c.to)}"),
                 cell(f"+{number(c.points)}", "cell_right")] for i, c in enumerate(plan.changes, 1)]
        out += [para(lead, "body"), table(["TT", "Chỉ tiêu", "Việc cần làm", "Điểm tăng"], rows, [8, 40, 100, 18])]
    elif plan.reaches_recognition:
        out.append(para("Đơn vị đã đạt chuẩn: không cần thay đổi gì.", "body"))
    if plan.blocked_by:
        out.append(para("Không thể đạt chuẩn trong kỳ chỉ bằng việc xã tự làm, vì:", "body"))
        out += bullets([f"Tiêu chí {b.criterion}" + (f", chỉ tiêu {b.indicator}" if b.indicator else "")
                        + f": {b.reason.vi}" for b in plan.blocked_by])
    return out


def _missing(unit: UnitResult, criteria: CriteriaSet, name: str, period: str) -> list:
    out = [heading("SỐ LIỆU CÒN THIẾU HOẶC KHÔNG HỢP LỆ")]
    if not unit.missing_inputs and not unit.errors:
        return out + [para("Không có: đã có đủ số liệu hợp lệ cho mọi chỉ tiêu.", "body")]
    if unit.missing_inputs:
        used_by: dict[str, list[str]] = {}
        for criterion in unit.criteria:
            for ind in criterion.indicators:
                for input_name in ind.missing_inputs:
                    used_by.setdefault(input_name, []).append(ind.id)
        rows = [[cell(i, "cell_center"), cell(input_label(criteria, n)),
                 cell(", ".join(used_by.get(n, [])) or ("ngưỡng điểm" if n == "category" else "—"))]
                for i, n in enumerate(unit.missing_inputs, 1)]
        out.append(para("Số liệu chưa báo cáo (để trống không được tính là 0):", "body"))
        out.append(table(["TT", "Số liệu", "Chỉ tiêu liên quan"], rows, [8, 127, 30]))
    if unit.errors:
        out.append(para("Số liệu không hợp lệ, cần kiểm tra và sửa:", "body"))
        out += bullets(unit_errors(criteria, unit))
    return out


def _proposal(unit: UnitResult, board: BoardConfig, name: str, period: str, number_: str) -> list:
    office, authority = board.get("reviewing_office"), board.get("authority")
    when = period_phrase(period)
    if unit.status == "recognized":
        text = (f"Ủy ban nhân dân {name} đề nghị {office} thẩm định, trình {authority} xem xét, công nhận {name} "
                f"đạt chuẩn xã, phường, thị trấn phù hợp với trẻ em {when}.")
    elif unit.status == "not_recognized":
        text = (f"Đối chiếu với tiêu chuẩn, {name} chưa đủ điều kiện đề nghị công nhận xã, phường, thị trấn phù hợp "
                f"với trẻ em {when}. Ủy ban nhân dân {name} sẽ khắc phục các điểm nêu trên và tự đánh giá lại ở kỳ "
                "sau.")
    else:
        why = "còn thiếu" if unit.status == "incomplete" else "chưa hợp lệ"
        text = (f"{name} chưa đủ điều kiện đề nghị công nhận xã, phường, thị trấn phù hợp với trẻ em {when} vì số "
                f"liệu {why}. Ủy ban nhân dân {name} sẽ bổ sung, chỉnh sửa số liệu và tự đánh giá lại.")
    return [heading(f"{number_}. ĐỀ NGHỊ"), para(text, "body")]
