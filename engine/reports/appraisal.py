"""Báo cáo thẩm định: the reviewing office's report on a batch of units — summary, the list proposed for
recognition, the units not recognised and why, data problems, results and difficulties, proposal — with an
annex of every unit's points per criterion (columns from the criteria file). The draft decision is its own
document (engine.reports.decision).

Who reviews and who recognises is configuration (engine.reports.board): the 2025 reform changed both."""
from __future__ import annotations

from collections import Counter

from engine.registry.maps import district_label
from engine.reports import findings
from engine.reports.board import BoardConfig
from engine.reports.common import (PROVISIONAL_MARK, data_checksum, input_label, period_phrase,
                                   provisional_footnote, reasons, status_label, total_text, unit_errors,
                                   watermark, zero_criteria)
from engine.reports.document import (GREEN, GREY, RED, Document, PageBreak, Signatures, bullets, cell, coloured,
                                     esc, heading, key_values, markup, number, para, percent, recipients,
                                     report_opening, signature_block, spacer, table)
from engine.results.model import DECIDED, BatchResult, UnitResult
from engine.criteria.model import CriteriaSet


def document(batch: BatchResult, criteria: CriteriaSet, board: BoardConfig | None = None,
             adjustments: dict[str, list] | None = None) -> Document:
    """`adjustments`: for results the board appraised on the province server, each unit's changed inputs
    (objects with input, before, after, reason), listed after the summary table."""
    board = complete(batch.units, board or BoardConfig())
    units = batch.units
    recognized = [u for u in units if u.status == "recognized"]
    rejected = [u for u in units if u.status == "not_recognized"]
    problems = [u for u in units if u.status in ("incomplete", "invalid")]
    several_areas = len({(u.district, u.province) for u in units}) > 1
    office, authority = board.get("reviewing_office"), board.get("authority")
    period = period_phrase(board.get("period"))
    area = board.get("area")

    blocks = report_opening(
        office, board.reviewing_office_parent, board.get("place"), "BÁO CÁO THẨM ĐỊNH",
        f"Kết quả đánh giá, đề nghị công nhận xã, phường, thị trấn phù hợp với trẻ em {period}", area, authority,
    ) + [
        para(f"Căn cứ {criteria.instrument.citation} {criteria.instrument.title.vi[:1].lower()}"
             f"{criteria.instrument.title.vi[1:]}; trên cơ sở hồ sơ tự đánh giá của {number(len(units))} xã, "
             f"phường, thị trấn, {office} báo cáo kết quả thẩm định như sau:", "body"),
    ]
    footnote = provisional_footnote(units)
    blocks += _overview(batch, marked=footnote is not None)
    blocks += _summary_table(units, several_areas)
    if adjustments is not None:
        blocks += adjustments_list(units, adjustments, criteria)
    blocks += _recognized_list(recognized, criteria)
    blocks += _rejected_list(rejected, criteria)
    blocks += _data_problems(batch, problems, criteria)
    achieved, difficulties = findings.from_units(units, criteria, _targets())
    blocks += findings.section("VI. KẾT QUẢ ĐẠT ĐƯỢC, KHÓ KHĂN, BẤT CẬP", achieved, difficulties)
    proposal = _proposal(board, recognized, rejected, problems)
    blocks += proposal[:-1]  # the last paragraph goes with the signature: it never stands alone
    blocks.append(Signatures(
        recipients([f"{authority};", "Lưu: VT."]),
        signature_block([board.get("reviewing_office_signer")], "(Ký, ghi rõ họ tên, đóng dấu)",
                        board.get("reviewing_office_signer_name")),
        lead=[proposal[-1]] + ([spacer(2), para(footnote, "footnote")] if footnote else []),
    ))
    blocks.append(PageBreak())
    blocks += annex(units, criteria)
    return Document(blocks, title=f"Báo cáo thẩm định — {area} — {board.get('period')}",
                    subject="Báo cáo thẩm định xã, phường, thị trấn phù hợp với trẻ em",
                    footer=f"Báo cáo thẩm định — {area} — {board.get('period')} — mã số liệu {data_checksum(units)}",
                    watermark=watermark(units))


def _targets():
    from engine.aggregate import load_targets

    return load_targets()


def complete(units: list[UnitResult], board: BoardConfig) -> BoardConfig:
    """Area and period not given are taken from the units when they all agree."""
    inferred = {}
    if not board.period:
        periods = sorted({u.period for u in units if u.period})
        if periods:
            inferred["period"] = ", ".join(periods)
    if not board.area:
        places = {(u.district or "", u.province or "") for u in units}
        provinces = {p for _, p in places}
        if len(places) == 1:
            inferred["area"] = ", ".join(x for x in next(iter(places)) if x) or None
        elif len(provinces) == 1 and "" not in provinces:
            inferred["area"] = next(iter(provinces))
    return board.merged(**inferred)


def unit_name(unit: UnitResult) -> str:
    return unit.unit_name or "[Tên đơn vị]"


def _name_cell(unit: UnitResult, with_area: bool):
    """The unit's name; when the batch spans several areas, its district and province on a second line."""
    area = ", ".join(x for x in (unit.district, unit.province) if x) if with_area else ""
    if not area:
        return cell(unit_name(unit))
    return markup(f'{esc(unit_name(unit))}<br/><font color="{GREY}">{esc(area)}</font>', "cell")


def _overview(batch: BatchResult, marked: bool) -> list:
    """The counts; `marked`: the decisions rest partly on provisional bands (the footnote's mark)."""
    total = len(batch.units)
    counts = batch.counts()

    def share(n: int) -> str:
        return f"{number(n)} ({percent(n / total * 100)})" if total else number(n)

    pairs = [
        ("Số đơn vị thẩm định", number(total)),
        ("Đề nghị công nhận (đạt chuẩn)" + (f" {PROVISIONAL_MARK}" if marked else ""), share(counts["recognized"])),
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
    return [heading("I. TỔNG HỢP CHUNG"), key_values(pairs, key_mm=70)]


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    return number(value) if isinstance(value, int) else str(value)


def adjustments_list(units: list[UnitResult], adjustments: dict[str, list], criteria: CriteriaSet) -> list:
    """Every figure the board changed, with the commune's value, the appraised one and the reason."""
    rows = []
    for u in units:
        for change in adjustments.get(u.unit_code, []):
            rows.append([cell(len(rows) + 1, "cell_right"), cell(f"{u.unit_code or '—'} {unit_name(u)}"),
                         cell(input_label(criteria, change.input)), cell(_shown(change.before), "cell_right"),
                         cell(_shown(change.after), "cell_right"), cell(change.reason)])
    # A heading, so that it never sits at the foot of a page apart from its table (PDF: a conditional page
    # break; .docx: kept with the next paragraph).
    out = [heading("Số liệu được điều chỉnh khi thẩm định")]
    if not rows:
        return out + [para("Không có số liệu nào được điều chỉnh: số liệu thẩm định là số liệu các đơn vị tự đánh "
                           "giá.", "body")]
    out.append(para(f"Các đơn vị được chấm theo số liệu đã thẩm định; {number(len(rows))} số liệu được điều chỉnh "
                    "so với hồ sơ tự đánh giá:", "body"))
    return out + [table(["TT", "Đơn vị", "Số liệu", "Xã báo cáo", "Thẩm định", "Lý do"], rows,
                        [10, 35, 45, 18, 18, 39])]


def _status_cell(unit: UnitResult, style: str = "cell"):
    colour = {"recognized": GREEN, "not_recognized": RED}.get(unit.status)
    label = status_label(unit.status)
    return markup(coloured(label, colour) if colour else esc(label), style)


def _summary_table(units: list[UnitResult], several_areas: bool) -> list:
    rows = [[cell(i, "cell_right"), cell(u.unit_code or "—"), _name_cell(u, several_areas),
             cell(total_text(u), "cell_right"), cell(number(u.threshold), "cell_right"),
             cell(", ".join(str(n) for n in zero_criteria(u)) or "—", "cell_center"), _status_cell(u)]
            for i, u in enumerate(units, 1)]
    out = [heading("II. BẢNG TỔNG HỢP KẾT QUẢ")]
    if not rows:
        return out + [para("Không có đơn vị nào.", "body")]
    return out + [
        table(["TT", "Mã đơn vị", "Đơn vị", "Tổng điểm", "Ngưỡng", "Tiêu chí 0 điểm", "Kết quả"], rows,
              [10, 18, 56, 17, 17, 19, 28]),
        para("Tổng điểm trong ngoặc: tính trên số liệu chưa đầy đủ hoặc không hợp lệ, chưa dùng để kết luận.", "note"),
    ]


def recognized_rows(units: list[UnitResult], with_total: bool = True) -> list[list]:
    rows = []
    for i, u in enumerate(units, 1):
        row = [cell(i, "cell_right"), cell(u.unit_code or "—"), cell(unit_name(u)), cell(u.district or "—"),
               cell(u.province or "—")]
        if with_total:
            row.append(cell(f"{number(u.total)}/{number(u.threshold)}", "cell_right"))
        rows.append(row)
    return rows


def _recognized_list(recognized: list[UnitResult], criteria: CriteriaSet) -> list:
    out = [heading("III. DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN")]
    if not recognized:
        return out + [para("Không có đơn vị nào đủ điều kiện đề nghị công nhận.", "body")]
    out.append(para(f"{number(len(recognized))} đơn vị đạt đủ {number(len(criteria.criteria))} tiêu chí, không có "
                    "tiêu chí nào 0 điểm và tổng điểm đạt ngưỡng của loại đơn vị:", "body"))
    out.append(table(["TT", "Mã đơn vị", "Đơn vị", district_label([u.period for u in recognized]).vi,
                   "Tỉnh, thành phố", "Điểm / ngưỡng"],
                     recognized_rows(recognized), [10, 17, 45, 38, 33, 22]))
    return out


def _rejected_list(rejected: list[UnitResult], criteria: CriteriaSet) -> list:
    out = [heading("IV. DANH SÁCH KHÔNG ĐẠT CHUẨN VÀ LÝ DO")]
    if not rejected:
        return out + [para("Không có.", "body")]
    rows = [[cell(i, "cell_right"), cell(u.unit_code or "—"), cell(unit_name(u)),
             cell(f"{number(u.total)}/{number(u.threshold)}", "cell_right"),
             bullets(reasons(criteria, u), "cell_bullet")]
            for i, u in enumerate(rejected, 1)]
    out.append(table(["TT", "Mã đơn vị", "Đơn vị", "Điểm / ngưỡng", "Lý do"], rows, [10, 17, 40, 20, 78]))
    return out


def _data_problems(batch: BatchResult, problems: list[UnitResult], criteria: CriteriaSet) -> list:
    out = [heading("V. CÁC VẤN ĐỀ VỀ SỐ LIỆU")]
    if not problems and not batch.file_errors:
        return out + [para("Không phát hiện vấn đề về số liệu: mọi đơn vị đều có đủ số liệu hợp lệ.", "body")]
    if problems:
        out.append(para(f"{number(len(problems))} đơn vị chưa đủ điều kiện xét vì số liệu thiếu hoặc không hợp lệ; "
                        "đề nghị bổ sung, chỉnh sửa hồ sơ (để trống không được tính là 0):", "body"))
        rows = []
        for i, u in enumerate(problems, 1):
            details = (unit_errors(criteria, u) if u.status == "invalid"
                       else [f"thiếu {input_label(criteria, name)}" for name in u.missing_inputs])
            rows.append([cell(i, "cell_right"), cell(u.unit_code or "—"), cell(unit_name(u)),
                         cell(status_label(u.status)), bullets(details, "cell_bullet")])
        out.append(table(["TT", "Mã đơn vị", "Đơn vị", "Tình trạng", "Chi tiết"], rows, [10, 17, 35, 20, 83]))
    if batch.file_errors:  # counted, not named: a file's name or path means nothing on paper
        out.append(para(f"{number(len(batch.file_errors))} tệp số liệu không đọc được, chưa được thẩm định: đề nghị "
                        "gửi lại.", "body"))
    return out


def _proposal(board: BoardConfig, recognized, rejected, problems) -> list:
    office, authority = board.get("reviewing_office"), board.get("authority")
    out = [heading("VII. ĐỀ XUẤT, KIẾN NGHỊ")]
    if recognized:
        out.append(para(f"{office} đề nghị {authority} xem xét, công nhận {number(len(recognized))} xã, phường, thị "
                        f"trấn phù hợp với trẻ em {period_phrase(board.get('period'))} (danh sách tại mục III; dự "
                        "thảo quyết định kèm theo).", "body"))
    else:
        out.append(para("Chưa có đơn vị nào đủ điều kiện để đề nghị công nhận.", "body"))
    if rejected:
        out.append(para(f"{number(len(rejected))} đơn vị không đạt chuẩn (mục IV): đề nghị các đơn vị khắc phục các "
                        "tiêu chí chưa đạt và đánh giá lại ở kỳ sau.", "body"))
    if problems:
        out.append(para(f"{number(len(problems))} đơn vị có số liệu thiếu hoặc không hợp lệ (mục V): đề nghị bổ sung, "
                        "chỉnh sửa và gửi lại hồ sơ để thẩm định.", "body"))
    return out


def annex(units: list[UnitResult], criteria: CriteriaSet) -> list:
    """Every unit's points per criterion: one column per criterion of the criteria file in use."""
    numbers = [c.number for c in criteria.criteria]
    header = ["TT", "Đơn vị", *[f"TC {n}" for n in numbers], "Tổng", "Kết quả"]
    rows = []
    for i, u in enumerate(units, 1):
        points = {c.number: c for c in u.criteria}
        row = [cell(i, "small_right"), cell(f"{u.unit_code or '—'} {unit_name(u)}", "small")]
        for n in numbers:
            c = points.get(n)
            shown = "—" if c is None else str(c.points) if c.complete else f"({c.points})"
            row.append(markup(coloured(shown, RED, bold=True), "small_center") if c is not None and c.complete
                       and c.points == 0 else cell(shown, "small_center"))
        row += [cell(total_text(u), "small_right"), _status_cell(u, "small")]
        rows.append(row)
    maxima = ", ".join(f"TC {c.number}: {c.max_points}" for c in criteria.criteria)
    return [
        para("PHỤ LỤC", "title"),
        para(f"Điểm từng tiêu chí của {number(len(units))} đơn vị", "subtitle"),
        para("(Kèm theo Báo cáo thẩm định)", "center_italic"),
        spacer(3),
        table(header, rows, [6, 34, *[7.5] * len(numbers), 10, 15], small=True) if rows
        else para("Không có đơn vị nào.", "body"),
        para(f"TC: tiêu chí. Điểm tối đa: {maxima}; tổng {number(criteria.instrument.total_points)} điểm. "
             "Điểm trong ngoặc: tiêu chí chưa chấm đủ vì thiếu hoặc sai số liệu.", "note"),
    ]
