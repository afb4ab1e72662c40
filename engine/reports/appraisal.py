"""Báo cáo thẩm định: the reviewing office's report on a batch of units, with the list proposed for
recognition, the units not recognised and why, the data problems, and a draft recognition decision.

Who reviews and who recognises is configuration (engine.reports.board): the 2025 reform changed both."""
from __future__ import annotations

from collections import Counter

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Table

from engine.rules.criteria import CriteriaSet
from engine.reports.board import BoardConfig
from engine.reports.common import (criteria_note, input_label, period_phrase,
                                   status_label, total_text, zero_criteria)
from engine.reports.layout import (GREEN, GREY, RED, bullets, build_pdf, cell, data_table, esc, heading, hexcolor,
                                   key_value_table, markup, national_header, number, para, place_date_line,
                                   recipients, report_opening, signature_block, signature_row, spacer, table_style,
                                   vi_decimal)
from engine.results.model import DECIDED, BatchResult, UnitResult


def appraisal_pdf(batch: BatchResult, criteria: CriteriaSet, board: BoardConfig | None = None) -> bytes:
    board = _complete(batch, board or BoardConfig())
    units = batch.units
    recognized = [u for u in units if u.status == "recognized"]
    rejected = [u for u in units if u.status == "not_recognized"]
    problems = [u for u in units if u.status in ("incomplete", "invalid")]
    several_areas = len({(u.district, u.province) for u in units}) > 1
    office, authority = board.get("reviewing_office"), board.get("authority")
    period = period_phrase(board.get("period"))
    area = board.get("area")

    story = report_opening(
        office, board.reviewing_office_parent, board.get("place"), "BÁO CÁO THẨM ĐỊNH",
        f"Kết quả đánh giá, đề nghị công nhận xã, phường, thị trấn phù hợp với trẻ em {period}", area, authority,
    ) + [
        para(f"Căn cứ {criteria.instrument.citation} {_lower_first(criteria.instrument.title.vi)}; trên cơ sở hồ sơ "
             f"tự đánh giá của {number(len(units))} xã, phường, thị trấn, {office} báo cáo kết quả thẩm định "
             "như sau:", "body"),
    ]
    story += _overview(batch, recognized, rejected, problems)
    story += _summary_table(units, several_areas)
    story += _recognized_list(recognized)
    story += _rejected_list(rejected)
    story += _data_problems(batch, problems, criteria)
    proposal = _proposal(batch, board, recognized, rejected, problems)
    story += proposal[:-1]
    story.append(signature_row(  # the last paragraph goes with the signature: it never stands alone
        recipients(["Như trên;", "Lưu: VT."]),
        signature_block([board.get("reviewing_office_signer")], "(Ký, ghi rõ họ tên, đóng dấu)"),
        lead=[proposal[-1], spacer(1), para(criteria_note(criteria), "note")],
    ))
    story.append(PageBreak())
    story += _draft_decision(criteria, board, recognized, period)
    footer = f"Báo cáo thẩm định — {area} — {board.get('period')}"
    return build_pdf(story, title=f"Báo cáo thẩm định — {area} — {board.get('period')}",
                     subject="Báo cáo thẩm định xã, phường, thị trấn phù hợp với trẻ em", footer=footer)


def _complete(batch: BatchResult, board: BoardConfig) -> BoardConfig:
    """Area and period not given are taken from the units when they all agree."""
    inferred = {}
    if not board.period:
        periods = sorted({u.period for u in batch.units if u.period})
        if periods:
            inferred["period"] = ", ".join(periods)
    if not board.area:
        places = {(u.district or "", u.province or "") for u in batch.units}
        provinces = {p for _, p in places}
        if len(places) == 1:
            inferred["area"] = ", ".join(x for x in next(iter(places)) if x) or None
        elif len(provinces) == 1 and "" not in provinces:
            inferred["area"] = next(iter(provinces))
    return board.merged(**inferred)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _unit_name(unit: UnitResult) -> str:
    return unit.unit_name or "(không có tên)"


def _name_cell(unit: UnitResult, with_area: bool):
    """The unit's name; when the batch spans several areas, its district and province on a second line."""
    area = ", ".join(x for x in (unit.district, unit.province) if x) if with_area else ""
    if not area:
        return cell(_unit_name(unit))
    return markup(f'{esc(_unit_name(unit))}<br/><font size="7.5" color="{hexcolor(GREY)}">{esc(area)}</font>', "cell")


def _overview(batch: BatchResult, recognized, rejected, problems) -> list:
    total = len(batch.units)
    counts = batch.counts()

    def share(n: int) -> str:
        return f"{number(n)} ({vi_decimal(f'{n / total * 100:.1f}')}%)" if total else number(n)

    pairs = [
        ("Số đơn vị thẩm định", number(total)),
        ("Đề nghị công nhận (đạt chuẩn)", share(counts["recognized"])),
        ("Không đạt chuẩn", share(counts["not_recognized"])),
        ("Thiếu dữ liệu", share(counts["incomplete"])),
        ("Dữ liệu không hợp lệ", share(counts["invalid"])),
    ]
    if batch.file_errors:
        pairs.append(("Tệp không đọc được", number(len(batch.file_errors))))
    zeros = Counter(n for u in batch.units if u.status in DECIDED for n in zero_criteria(u))
    if zeros:
        pairs.append(("Tiêu chí đạt 0 điểm", "; ".join(
            f"tiêu chí {n}: {number(k)} đơn vị" for n, k in sorted(zeros.items(), key=lambda x: (-x[1], x[0])))))
    short = sum(1 for u in batch.units if u.status == "not_recognized" and not zero_criteria(u))
    if short:
        pairs.append(("Không có tiêu chí 0 điểm nhưng thiếu điểm", f"{number(short)} đơn vị"))
    return [*heading("I. TỔNG HỢP CHUNG"), key_value_table(pairs, key_mm=62)]


def _status_cell(unit: UnitResult):
    colour = {"recognized": GREEN, "not_recognized": RED}.get(unit.status)
    text = esc(status_label(unit.status))
    return markup(f'<font color="{hexcolor(colour)}">{text}</font>' if colour else text, "cell")


def _summary_table(units: list[UnitResult], several_areas: bool) -> list:
    rows = []
    for i, u in enumerate(units, 1):
        zeros = ", ".join(str(n) for n in zero_criteria(u)) or "—"
        rows.append([cell(i, "cell_right"), cell(u.unit_code or "—"), _name_cell(u, several_areas),
                     cell(total_text(u), "cell_right"), cell(number(u.threshold), "cell_right"),
                     cell(zeros, "cell_center"), _status_cell(u)])
    out = heading("II. BẢNG TỔNG HỢP KẾT QUẢ")
    if not rows:
        return out + [para("Không có đơn vị nào.", "body")]
    out.append(data_table(["TT", "Mã đơn vị", "Đơn vị", "Tổng điểm", "Ngưỡng", "Tiêu chí 0 điểm", "Kết quả"],
                          rows, [10, 18, 58, 16, 17, 18, 28]))
    out.append(para("Tổng điểm trong ngoặc: tính trên số liệu chưa đầy đủ hoặc không hợp lệ, chưa dùng để kết luận.",
                    "note"))
    return out


def _recognized_rows(units: list[UnitResult], with_total: bool = True) -> list[list]:
    rows = []
    for i, u in enumerate(units, 1):
        row = [cell(i, "cell_right"), cell(u.unit_code or "—"), cell(_unit_name(u)), cell(u.district or "—"),
               cell(u.province or "—")]
        if with_total:
            row.append(cell(f"{number(u.total)}/{number(u.threshold)}", "cell_right"))
        rows.append(row)
    return rows


def _recognized_list(recognized: list[UnitResult]) -> list:
    out = heading("III. DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN")
    if not recognized:
        return out + [para("Không có đơn vị nào đủ điều kiện đề nghị công nhận.", "body")]
    out.append(para(f"{number(len(recognized))} đơn vị đạt đủ 13 tiêu chí, không có tiêu chí nào 0 điểm và tổng "
                    "điểm đạt ngưỡng của loại đơn vị:", "body"))
    out.append(data_table(["TT", "Mã đơn vị", "Đơn vị", "Huyện / khu vực", "Tỉnh, thành phố", "Điểm / ngưỡng"],
                          _recognized_rows(recognized), [10, 17, 45, 38, 33, 22]))
    return out


def _rejected_list(rejected: list[UnitResult]) -> list:
    out = heading("IV. DANH SÁCH KHÔNG ĐẠT CHUẨN VÀ LÝ DO")
    if not rejected:
        return out + [para("Không có.", "body")]
    rows = [[cell(i, "cell_right"), cell(u.unit_code or "—"), cell(_unit_name(u)),
             cell(f"{number(u.total)}/{number(u.threshold)}", "cell_right"),
             bullets([r.message.vi for r in u.reasons], "cell_bullet")]
            for i, u in enumerate(rejected, 1)]
    out.append(data_table(["TT", "Mã đơn vị", "Đơn vị", "Điểm / ngưỡng", "Lý do"], rows, [10, 17, 40, 20, 78]))
    return out


def _data_problems(batch: BatchResult, problems: list[UnitResult], criteria: CriteriaSet) -> list:
    out = heading("V. CÁC VẤN ĐỀ VỀ SỐ LIỆU")
    if not problems and not batch.file_errors:
        return out + [para("Không phát hiện vấn đề về số liệu: mọi đơn vị đều có đủ số liệu hợp lệ.", "body")]
    if problems:
        out.append(para(f"{number(len(problems))} đơn vị chưa đủ điều kiện xét vì số liệu thiếu hoặc không hợp lệ; "
                        "đề nghị bổ sung, chỉnh sửa hồ sơ (để trống không được tính là 0):", "body"))
        rows = []
        for i, u in enumerate(problems, 1):
            if u.status == "invalid":
                details = [e.vi for e in u.errors]
            else:
                details = [f"thiếu {input_label(criteria, name)} ({name})" for name in u.missing_inputs]
            rows.append([cell(i, "cell_right"), cell(u.unit_code or "—"), cell(_unit_name(u)),
                         cell(status_label(u.status)), bullets(details, "cell_bullet")])
        out.append(data_table(["TT", "Mã đơn vị", "Đơn vị", "Tình trạng", "Chi tiết"], rows, [10, 17, 35, 20, 83]))
    if batch.file_errors:
        out.append(para("Tệp số liệu không đọc được:", "body"))
        out += bullets(batch.file_errors)
    return out


def _proposal(batch: BatchResult, board: BoardConfig, recognized, rejected, problems) -> list:
    office, authority = board.get("reviewing_office"), board.get("authority")
    out = heading("VI. ĐỀ XUẤT, KIẾN NGHỊ")
    if recognized:
        out.append(para(f"{office} đề nghị {authority} xem xét, công nhận {number(len(recognized))} xã, phường, thị "
                        f"trấn phù hợp với trẻ em {period_phrase(board.get('period'))} (danh sách tại mục III và dự "
                        "thảo quyết định kèm theo).", "body"))
    else:
        out.append(para("Chưa có đơn vị nào đủ điều kiện để đề nghị công nhận.", "body"))
    if rejected:
        out.append(para(f"{number(len(rejected))} đơn vị không đạt chuẩn (mục IV): đề nghị các đơn vị khắc phục các "
                        "tiêu chí chưa đạt và đánh giá lại ở kỳ sau.", "body"))
    if problems:
        out.append(para(f"{number(len(problems))} đơn vị có số liệu thiếu hoặc không hợp lệ (mục V): đề nghị bổ sung, "
                        "chỉnh sửa và gửi lại hồ sơ để thẩm định.", "body"))
    provisional = Counter(p.indicator for u in batch.units for p in u.provisional)
    if provisional:
        ids = ", ".join(sorted(provisional, key=_indicator_order))
        dependent = sum(1 for u in batch.units if u.provisional)
        out.append(para(f"Lưu ý: kết quả của {number(dependent)} đơn vị dựa vào các mức điểm TẠM TÍNH, chưa được đối "
                        f"chiếu với văn bản chính thức, của các chỉ tiêu {ids}. Khi các mức này được xác nhận hoặc điều "
                        "chỉnh, điểm số và kết luận có thể thay đổi.", "body"))
    return out


def _indicator_order(indicator: str) -> tuple[int, str]:
    digits = "".join(ch for ch in indicator if ch.isdigit())
    return (int(digits) if digits else 0, indicator)


def _draft_decision(criteria: CriteriaSet, board: BoardConfig, recognized: list[UnitResult], period: str) -> list:
    office, authority = board.get("reviewing_office"), board.get("authority")
    signer = board.get("authority_signer")
    draft = Table([[para("DỰ THẢO", "motto")]], colWidths=[28 * mm])
    draft.setStyle(table_style([("BOX", (0, 0), (-1, -1), 0.8, RED), ("TEXTCOLOR", (0, 0), (-1, -1), RED)]))
    draft.hAlign = "RIGHT"
    story = [
        draft, spacer(2),
        national_header([authority], "Số: ......../QĐ-......", place_date_line(board.get("place")),
                        parent=board.authority_parent),
        spacer(4),
        para("QUYẾT ĐỊNH", "title"),
        para(f"Về việc công nhận xã, phường, thị trấn phù hợp với trẻ em {period}", "subtitle"),
        spacer(3),
        para(f"{signer} {authority}".upper(), "subtitle"),
        spacer(3),
        para(f"Căn cứ {criteria.instrument.citation} {_lower_first(criteria.instrument.title.vi)};", "body"),
        para(f"Căn cứ Báo cáo thẩm định số ......../BC-...... ngày ...... của {office};", "body"),
        para(f"Theo đề nghị của {office}.", "body"),
        spacer(2),
        para("QUYẾT ĐỊNH:", "subtitle"),
        spacer(2),
    ]
    if recognized:
        story.append(markup(
            f"<b>Điều 1.</b> Công nhận {number(len(recognized))} xã, phường, thị trấn sau đây đạt tiêu chuẩn xã, "
            f"phường, thị trấn phù hợp với trẻ em {esc(period)}:", "body"))
        story.append(data_table(["TT", "Mã đơn vị", "Đơn vị", "Huyện / khu vực", "Tỉnh, thành phố"],
                                _recognized_rows(recognized, with_total=False), [10, 18, 52, 45, 40]))
    else:
        story.append(markup("<b>Điều 1.</b> (Không có đơn vị nào đủ điều kiện công nhận.)", "body"))
    story += [
        spacer(2),
        markup("<b>Điều 2.</b> Quyết định này có hiệu lực kể từ ngày ký.", "body"),
        markup(f"<b>Điều 3.</b> Thủ trưởng {esc(office)}, Chủ tịch Ủy ban nhân dân các xã, phường, thị trấn có tên "
               "tại Điều 1 và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.", "body"),
        signature_row(recipients(["Như Điều 3;", "Lưu: VT."]), signature_block([signer], "(Ký tên, đóng dấu)")),
    ]
    return story
