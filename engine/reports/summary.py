"""Báo cáo tổng hợp: the provincial summary reported upward. Figures, tables and charts all come from
engine.aggregate (results of `cfc evaluate`, never inputs); this module only lays them out on paper."""
from __future__ import annotations

import io
import math
import tempfile
from pathlib import Path

from reportlab.lib.utils import ImageReader
from reportlab.platypus import HRFlowable, Image, KeepTogether

from engine import aggregate as agg
from engine.rules.criteria import CriteriaSet
from engine.reports.board import BoardConfig
from engine.reports.common import period_phrase
from engine.reports.layout import (GREY, GROUP_BG, WIDTH, bullets, build_pdf, cell, data_table, heading,
                                   key_value_table, number, para, recipients, report_opening, signature_block,
                                   signature_row, spacer, vi_decimal)


def summary_pdf(summary: agg.Summary, criteria: CriteriaSet, board: BoardConfig | None = None) -> bytes:
    board = _complete(summary, board or BoardConfig())
    office, recipient = board.get("reporting_office"), board.get("report_recipient")
    area, period = board.get("area"), board.get("period")
    story = report_opening(
        office, board.reporting_office_parent, board.get("place"), "BÁO CÁO",
        f"Kết quả xây dựng xã, phường, thị trấn phù hợp với trẻ em {period_phrase(period)}", area, recipient,
    ) + [
        para(f"Thực hiện {criteria.instrument.citation}, {office} tổng hợp kết quả đánh giá, công nhận xã, phường, "
             "thị trấn phù hợp với trẻ em trên địa bàn như sau:", "body"),
    ]
    story += _overview(summary)
    story += _by_area(summary)
    story += _targets(summary)
    story += _criteria(summary)
    story += _totals(summary)
    story += _change(summary)
    story += _notes(summary)
    story.append(signature_row(
        recipients(["Như trên;", "Lưu: VT."]),
        signature_block([board.get("reporting_office_signer")], "(Ký, ghi rõ họ tên, đóng dấu)"),
    ))
    return build_pdf(story, title=f"Báo cáo tổng hợp — {area} — {period}",
                     subject="Báo cáo tổng hợp xã, phường, thị trấn phù hợp với trẻ em",
                     footer=f"Báo cáo tổng hợp — {area} — {period}")


def _complete(summary: agg.Summary, board: BoardConfig) -> BoardConfig:
    units = summary.tables["units"]
    inferred = {}
    if not board.period:
        periods = list(dict.fromkeys(str(p) for p in summary.tables["area"][agg.PERIOD]))  # in aggregate's order
        inferred["period"] = ", ".join(periods) or None
    if not board.area:
        provinces = sorted({str(p) for p in units[agg.PROVINCE]})
        inferred["area"] = ", ".join(provinces) if len(provinces) <= 3 else None
    return board.merged(**inferred)


def _pct(value) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else vi_decimal(f"{value:.2f}") + "%"


def _signed(value) -> str:
    return ("+" if value > 0 else "") + vi_decimal(f"{value:.2f}")


def _area_name(row, keys: list[str]) -> str:
    if len(keys) == 1 or row[keys[0]] == agg.ALL_AREAS:
        return str(row[keys[0]])
    return f"{row[keys[1]]} ({row[keys[0]]})"


def _totals_rows(table, column: str) -> list:
    """Shade the 'Tổng cộng' rows (the header is row 0)."""
    return [("BACKGROUND", (0, i + 1), (-1, i + 1), GROUP_BG)
            for i, value in enumerate(table[column]) if value == agg.ALL_AREAS]


def _overview(summary: agg.Summary) -> list:
    area = summary.tables["area"]
    totals = area[area[summary.keys[0]] == agg.ALL_AREAS]
    out = heading("I. TÌNH HÌNH CHUNG")
    for _, row in totals.iterrows():
        recognised = agg.STATUS_VI["recognized"]
        pairs = [("Kỳ đánh giá", str(row[agg.PERIOD])),
                 ("Số đơn vị được đánh giá", number(int(row[agg.UNITS]))),
                 ("Đạt chuẩn", f"{number(int(row[recognised]))} ({_pct(row[agg.RATE])})")]
        for status in ("not_recognized", "incomplete", "invalid"):
            pairs.append((agg.STATUS_VI[status], number(int(row[agg.STATUS_VI[status]]))))
        out.append(key_value_table(pairs, key_mm=55))
        out.append(spacer(2))
    return out


def _by_area(summary: agg.Summary) -> list:
    table, keys = summary.tables["area"], summary.keys
    statuses = [agg.STATUS_VI[s] for s in agg.STATUSES]
    rows = [[cell(row[agg.PERIOD]), cell(_area_name(row, keys), "cell_bold" if row[keys[0]] == agg.ALL_AREAS else "cell"),
             cell(number(int(row[agg.UNITS])), "cell_right")]
            + [cell(number(int(row[s])), "cell_right") for s in statuses]
            + [cell(_pct(row[agg.RATE]), "cell_right")] for _, row in table.iterrows()]
    header = ["Kỳ", "Địa bàn", "Số đơn vị", *statuses, "Tỷ lệ đạt chuẩn"]
    return heading("II. KẾT QUẢ THEO ĐỊA BÀN") + [
        data_table(header, rows, [14, 45, 16, 17, 17, 18, 17, 21], extra=_totals_rows(table, keys[0]))]


def _targets(summary: agg.Summary) -> list:
    table, keys, targets = summary.tables["target"], summary.keys, summary.targets
    goals = "; ".join(f"{t.percent:g}% vào năm {t.year}" for t in targets.targets)
    out = heading("III. SO VỚI MỤC TIÊU QUỐC GIA")
    out.append(para(f"Mục tiêu ({targets.measure}): {goals} ({targets.citation}).", "body"))
    rows = [[cell(row[agg.PERIOD]), cell(_area_name(row, keys)), cell(_pct(row[agg.RATE]), "cell_right"),
             cell(f"{row['Mục tiêu (%)']:g}% ({row['Mục tiêu năm']})", "cell_right"),
             cell(_signed(row["Chênh lệch (điểm %)"]), "cell_right"),
             cell(number(int(row["Số đơn vị cần đạt thêm"])), "cell_right")] for _, row in table.iterrows()]
    out.append(data_table(["Kỳ", "Địa bàn", "Tỷ lệ đạt chuẩn", "Mục tiêu", "Chênh lệch (điểm %)",
                           "Số đơn vị cần đạt thêm"], rows, [14, 55, 22, 24, 25, 25],
                          extra=_totals_rows(table, keys[0])))
    out.append(_chart(agg.chart_recognition, summary))
    return out


def _criteria(summary: agg.Summary) -> list:
    table = summary.tables["criteria"]
    out = heading("IV. CÁC TIÊU CHÍ KHÔNG ĐẠT NHIỀU NHẤT")
    if table.empty:
        return out + [para("Chưa có đơn vị nào đã có kết luận.", "body")]
    out.append(para("Tính trên các đơn vị đã có kết luận (đạt chuẩn hoặc không đạt), xếp theo số đơn vị có tiêu chí "
                    "đạt 0 điểm (một tiêu chí 0 điểm là đủ để không được công nhận):", "body"))
    # aggregate lists periods in order; within each, the criteria failed most come first
    periods = list(dict.fromkeys(table[agg.PERIOD]))
    ordered = sorted((row for _, row in table.iterrows()), key=lambda row: (
        periods.index(row[agg.PERIOD]), -row["Số đơn vị 0 điểm"], -row["Số đơn vị dưới điểm tối đa"], row["Tiêu chí"]))
    rows = []
    for row in ordered:
        zero = f"{number(int(row['Số đơn vị 0 điểm']))} ({_pct(row['Tỷ lệ 0 điểm (%)'])})"
        below = f"{number(int(row['Số đơn vị dưới điểm tối đa']))} ({_pct(row['Tỷ lệ dưới điểm tối đa (%)'])})"
        mean = vi_decimal(f"{row['Điểm trung bình']:.1f}") + f"/{int(row['Điểm tối đa'])}"
        rows.append([cell(row[agg.PERIOD]), cell(int(row["Tiêu chí"]), "cell_center"), cell(row["Tên tiêu chí"]),
                     cell(zero, "cell_right"), cell(below, "cell_right"), cell(mean, "cell_right")])
    out.append(data_table(["Kỳ", "TC", "Tên tiêu chí", "Số đơn vị 0 điểm", "Dưới điểm tối đa", "Điểm TB"],
                          rows, [13, 9, 68, 27, 27, 21]))
    out.append(_chart(agg.chart_criteria, summary))
    return out


def _totals(summary: agg.Summary) -> list:
    table = summary.tables["totals"]
    if table.empty:
        return []
    rows = [[cell(row[agg.PERIOD]), cell(row["Khoảng tổng điểm"]), cell(number(int(row["Số đơn vị"])), "cell_right"),
             cell(number(int(row[agg.STATUS_VI["recognized"]])), "cell_right"),
             cell(number(int(row[agg.STATUS_VI["not_recognized"]])), "cell_right")] for _, row in table.iterrows()]
    return heading("V. PHÂN BỐ TỔNG ĐIỂM (ĐƠN VỊ ĐÃ CÓ KẾT LUẬN)") + [
        data_table(["Kỳ", "Khoảng tổng điểm", "Số đơn vị", "Đạt chuẩn", "Không đạt"], rows, [20, 45, 33, 33, 34])]


def _change(summary: agg.Summary) -> list:
    table, keys = summary.tables["change"], summary.keys
    if table.empty:
        return []
    recognised = agg.STATUS_VI["recognized"]
    rows = [[cell(_area_name(row, keys)), cell(f"{row['Kỳ trước']} → {row[agg.PERIOD]}"),
             cell(f"{number(int(row[f'{recognised} kỳ trước']))} → {number(int(row[recognised]))}", "cell_right"),
             cell(f"{_pct(row[f'{agg.RATE} kỳ trước'])} → {_pct(row[agg.RATE])}", "cell_right"),
             cell(_signed(row["Thay đổi tỷ lệ (điểm %)"]), "cell_right")] for _, row in table.iterrows()]
    return heading("VI. SO VỚI KỲ TRƯỚC") + [
        data_table(["Địa bàn", "Kỳ", "Số đơn vị đạt chuẩn", "Tỷ lệ đạt chuẩn", "Thay đổi (điểm %)"], rows,
                   [50, 30, 30, 32, 23], extra=_totals_rows(table, keys[0]))]


def _notes(summary: agg.Summary) -> list:
    out = heading("GHI CHÚ VỀ SỐ LIỆU")
    out += bullets(summary.notes)
    out += heading("KHÓ KHĂN, BẤT CẬP VÀ KIẾN NGHỊ")
    out += [HRFlowable(width="100%", thickness=0.5, color=GREY, dash=[1, 2], spaceBefore=16) for _ in range(5)]
    return out


def _chart(draw, summary: agg.Summary) -> KeepTogether:
    """A chart from engine.aggregate, drawn to a temporary PNG and embedded at the text width."""
    with tempfile.TemporaryDirectory() as folder:
        path = draw(summary, Path(folder) / "chart.png")
        data = Path(path).read_bytes()
    width, height = ImageReader(io.BytesIO(data)).getSize()
    shown_width = min(WIDTH, width * 0.6)
    return KeepTogether([spacer(3), Image(io.BytesIO(data), width=shown_width, height=shown_width * height / width)])
