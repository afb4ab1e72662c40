"""Báo cáo tổng hợp: the provincial summary reported upward. Figures, tables and charts all come from
engine.aggregate (results of `cfc evaluate`, never inputs); this module only lays them out, for one period or
several, 3 areas or 700: tables split across pages with their header repeated, charts scaled to fit a page."""
from __future__ import annotations

import math
import tempfile
from dataclasses import replace
from pathlib import Path

from engine import aggregate as agg
from engine.reports import findings
from engine.reports.board import BoardConfig
from engine.reports.common import period_phrase
from engine.reports.document import (WATERMARK_INVALID, Document, Image, Signatures, bullets, cell, heading,
                                     key_values, number, para, recipients, report_opening, signature_block, spacer,
                                     table, vi_decimal)
from engine.collation import vi_sort_key
from engine.criteria.model import CriteriaSet


def document(summary: agg.Summary, criteria: CriteriaSet, board: BoardConfig | None = None) -> Document:
    board = _complete(summary, board or BoardConfig())
    office, recipient = board.get("reporting_office"), board.get("report_recipient")
    area, period = board.get("reporting_area"), board.get("period")
    blocks = report_opening(
        office, board.reporting_office_parent, board.get("reporting_place"), "BÁO CÁO",
        f"Kết quả xây dựng xã, phường, thị trấn phù hợp với trẻ em {period_phrase(period)}", area, recipient,
    ) + [
        para(f"Thực hiện {criteria.instrument.citation}, {office} tổng hợp kết quả đánh giá, công nhận xã, phường, "
             "thị trấn phù hợp với trẻ em trên địa bàn như sau:", "body"),
    ]
    blocks += _overview(summary)
    blocks += _by_area(summary)
    blocks += _targets(summary)
    blocks += _criteria(summary)
    blocks += _totals(summary)
    blocks += _change(summary)
    achieved, difficulties = findings.from_summary(summary, criteria)
    blocks += findings.section("VII. KẾT QUẢ ĐẠT ĐƯỢC, KHÓ KHĂN, BẤT CẬP", achieved, difficulties)
    blocks += [heading("VIII. KIẾN NGHỊ"), para("[Kiến nghị của cơ quan lập báo cáo]", "body")]
    blocks += [heading("GHI CHÚ VỀ SỐ LIỆU"), *bullets([vi_decimal(n) for n in _paper_notes(summary.notes)], "footnote")]
    blocks.append(Signatures(
        recipients([f"{recipient};", "Lưu: VT."]),
        signature_block([board.get("reporting_office_signer")], "(Ký, ghi rõ họ tên, đóng dấu)",
                        board.get("reporting_office_signer_name")),
    ))
    invalid = int(summary.tables["area"][agg.STATUS_VI["invalid"]].sum()) > 0
    return Document(blocks, title=f"Báo cáo tổng hợp — {area} — {period}",
                    subject="Báo cáo tổng hợp xã, phường, thị trấn phù hợp với trẻ em",
                    footer=f"Báo cáo tổng hợp — {area} — {period}",
                    watermark=WATERMARK_INVALID if invalid else None)


def _complete(summary: agg.Summary, board: BoardConfig) -> BoardConfig:
    units = summary.tables["units"]
    inferred = {}
    if not board.period:
        periods = list(dict.fromkeys(str(p) for p in summary.tables["area"][agg.PERIOD]))  # in aggregate's order
        inferred["period"] = ", ".join(periods) or None
    if not board.reporting_area:
        provinces = sorted({str(p) for p in units[agg.PROVINCE]})
        inferred["reporting_area"] = ", ".join(provinces) if len(provinces) <= 3 else None
    return board.merged(**inferred)


def _paper_notes(notes: list[str]) -> list[str]:
    """The workbook's notes on the data, as official paper says them: without the results files' names and the
    software's words (a file type, a command option)."""
    return [note.replace(" (tệp CSV)", "").replace(" (--allow-mixed-criteria)", "") for note in notes
            if not note.startswith("Tệp kết quả:")]


def _pct(value) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else vi_decimal(f"{value:.2f}") + "%"


def _signed(value) -> str:
    return ("+" if value > 0 else "") + vi_decimal(f"{value:.2f}")


def _area_name(row, keys: list[str]) -> str:
    if len(keys) == 1 or row[keys[0]] == agg.ALL_AREAS:
        return str(row[keys[0]])
    return f"{row[keys[1]]} ({row[keys[0]]})"


def _total_rows(frame, column: str) -> list[int]:
    """The 'Tổng cộng' rows, shaded."""
    return [i for i, value in enumerate(frame[column]) if value == agg.ALL_AREAS]


def _overview(summary: agg.Summary) -> list:
    area = summary.tables["area"]
    totals = area[area[summary.keys[0]] == agg.ALL_AREAS]
    out = [heading("I. TÌNH HÌNH CHUNG")]
    for _, row in totals.iterrows():
        recognised = agg.STATUS_VI["recognized"]
        pairs = [("Kỳ đánh giá", str(row[agg.PERIOD])),
                 ("Số đơn vị được đánh giá", number(int(row[agg.UNITS]))),
                 ("Đạt chuẩn", f"{number(int(row[recognised]))} ({_pct(row[agg.RATE])})")]
        for status in ("not_recognized", "incomplete", "invalid"):
            pairs.append((agg.STATUS_VI[status], number(int(row[agg.STATUS_VI[status]]))))
        out += [key_values(pairs, key_mm=65), spacer(2)]
    return out


def _by_area(summary: agg.Summary) -> list:
    frame, keys = summary.tables["area"], summary.keys
    statuses = [agg.STATUS_VI[s] for s in agg.STATUSES]
    rows = [[cell(row[agg.PERIOD]), cell(_area_name(row, keys), "cell_bold" if row[keys[0]] == agg.ALL_AREAS else "cell"),
             cell(number(int(row[agg.UNITS])), "cell_right")]
            + [cell(number(int(row[s])), "cell_right") for s in statuses]
            + [cell(_pct(row[agg.RATE]), "cell_right")] for _, row in frame.iterrows()]
    return [heading("II. KẾT QUẢ THEO ĐỊA BÀN"),
            table(["Kỳ", "Địa bàn", "Số đơn vị", *statuses, "Tỷ lệ đạt chuẩn"], rows, [14, 45, 16, 17, 17, 18, 17, 21],
                  shaded=_total_rows(frame, keys[0]))]


def _targets(summary: agg.Summary) -> list:
    frame, keys, targets = summary.tables["target"], summary.keys, summary.targets
    goals = "; ".join(f"{vi_decimal(f'{t.percent:g}')}% vào năm {t.year}" for t in targets.targets)
    rows = [[cell(row[agg.PERIOD]), cell(_area_name(row, keys)), cell(_pct(row[agg.RATE]), "cell_right"),
             cell(f"{vi_decimal(format(row['Mục tiêu (%)'], 'g'))}% ({row['Mục tiêu năm']})", "cell_right"),
             cell(_signed(row["Chênh lệch (điểm %)"]), "cell_right"),
             cell(number(int(row["Số đơn vị cần đạt thêm"])), "cell_right")] for _, row in frame.iterrows()]
    out = [heading("III. SO VỚI MỤC TIÊU QUỐC GIA"),
           para(f"Mục tiêu ({targets.measure}): {goals} ({targets.citation}). Mỗi kỳ được so với mục tiêu đã đến "
                "hạn vào năm của kỳ.", "body")]
    compared = set(frame[agg.PERIOD]) if not frame.empty else set()
    early = [p for p in dict.fromkeys(summary.tables["area"][agg.PERIOD]) if p not in compared]
    if early:
        first = min(targets.targets, key=lambda t: t.year)
        out.append(para(f"{'Các kỳ' if len(early) > 1 else 'Kỳ'} {', '.join(map(str, early))}: chưa đến hạn mục tiêu "
                        f"đầu tiên ({vi_decimal(f'{first.percent:g}')}% vào năm {first.year}) nên chưa so sánh; tỷ lệ "
                        "đạt chuẩn ở mục II và biểu đồ dưới đây.", "body"))
    if rows:
        out.append(table(["Kỳ", "Địa bàn", "Tỷ lệ đạt chuẩn", "Mục tiêu", "Chênh lệch (điểm %)",
                          "Số đơn vị cần đạt thêm"], rows, [14, 55, 22, 24, 25, 25], shaded=_total_rows(frame, keys[0])))
    return out + _area_charts(summary)


CHART_AREAS = 25     # areas per recognition chart: bars and labels stay readable on an A4 page
CHART_MOST = 75      # beyond this, the charts show the lowest rates (every area is in the tables)


def _area_charts(summary: agg.Summary) -> list:
    """The recognition-rate chart, split into charts of at most CHART_AREAS areas (highest rates first), each
    with the total for reference; past CHART_MOST areas only the lowest CHART_MOST are drawn, and a line says so."""
    frame, keys = summary.tables["area"], summary.keys
    area_of = lambda row: tuple(row[k] for k in keys)  # noqa: E731
    periods = list(dict.fromkeys(frame[agg.PERIOD]))
    latest = {area_of(row): row[agg.RATE] for _, row in frame[frame[agg.PERIOD] == periods[-1]].iterrows()}
    areas = sorted({area_of(row) for _, row in frame.iterrows() if row[keys[0]] != agg.ALL_AREAS},
                   key=lambda a: (-latest.get(a, -1.0), [vi_sort_key(part) for part in a]))
    if len(areas) <= CHART_AREAS:
        return [_chart(agg.chart_recognition, summary)]
    out = []
    if len(areas) > CHART_MOST:
        out.append(para(f"Biểu đồ dưới đây thể hiện {CHART_MOST} địa bàn có tỷ lệ đạt chuẩn thấp nhất trong "
                        f"{number(len(areas))} địa bàn (số liệu đầy đủ ở các bảng trên).", "note"))
        areas = areas[-CHART_MOST:]
    for start in range(0, len(areas), CHART_AREAS):
        chunk = set(areas[start:start + CHART_AREAS])
        rows = frame[[area_of(row) in chunk or row[keys[0]] == agg.ALL_AREAS for _, row in frame.iterrows()]]
        out.append(_chart(agg.chart_recognition, replace(summary, tables={**summary.tables, "area": rows})))
    return out


def _criteria(summary: agg.Summary) -> list:
    frame = summary.tables["criteria"]
    out = [heading("IV. CÁC TIÊU CHÍ KHÔNG ĐẠT NHIỀU NHẤT")]
    if frame.empty:
        return out + [para("Chưa có đơn vị nào đã có kết luận.", "body")]
    out.append(para("Tính trên các đơn vị đã có kết luận (đạt chuẩn hoặc không đạt), xếp theo số đơn vị có tiêu chí "
                    "đạt 0 điểm (một tiêu chí 0 điểm là đủ để không được công nhận):", "body"))
    periods = list(dict.fromkeys(frame[agg.PERIOD]))  # aggregate's order of periods
    ordered = sorted((row for _, row in frame.iterrows()), key=lambda row: (
        periods.index(row[agg.PERIOD]), -row["Số đơn vị 0 điểm"], -row["Số đơn vị dưới điểm tối đa"], row["Tiêu chí"]))
    rows = []
    for row in ordered:
        zero = f"{number(int(row['Số đơn vị 0 điểm']))} ({_pct(row['Tỷ lệ 0 điểm (%)'])})"
        below = f"{number(int(row['Số đơn vị dưới điểm tối đa']))} ({_pct(row['Tỷ lệ dưới điểm tối đa (%)'])})"
        mean = vi_decimal(f"{row['Điểm trung bình']:.1f}") + f"/{int(row['Điểm tối đa'])}"
        rows.append([cell(row[agg.PERIOD]), cell(int(row["Tiêu chí"]), "cell_center"), cell(row["Tên tiêu chí"]),
                     cell(zero, "cell_right"), cell(below, "cell_right"), cell(mean, "cell_right")])
    out.append(table(["Kỳ", "TC", "Tên tiêu chí", "Số đơn vị 0 điểm", "Dưới điểm tối đa", "Điểm TB"], rows,
                     [13, 9, 68, 27, 27, 21]))
    out.append(_chart(agg.chart_criteria, summary))
    return out


def _totals(summary: agg.Summary) -> list:
    frame = summary.tables["totals"]
    if frame.empty:
        return []
    rows = [[cell(row[agg.PERIOD]), cell(row["Khoảng tổng điểm"]), cell(number(int(row["Số đơn vị"])), "cell_right"),
             cell(number(int(row[agg.STATUS_VI["recognized"]])), "cell_right"),
             cell(number(int(row[agg.STATUS_VI["not_recognized"]])), "cell_right")] for _, row in frame.iterrows()]
    return [heading("V. PHÂN BỐ TỔNG ĐIỂM (ĐƠN VỊ ĐÃ CÓ KẾT LUẬN)"),
            table(["Kỳ", "Khoảng tổng điểm", "Số đơn vị", "Đạt chuẩn", "Không đạt"], rows, [20, 45, 33, 33, 34])]


def _change(summary: agg.Summary) -> list:
    frame, keys = summary.tables["change"], summary.keys
    out = [heading("VI. SO VỚI KỲ TRƯỚC")]
    if frame.empty:
        return out + [para("Chỉ có một kỳ đánh giá: chưa so sánh được.", "body")]
    recognised = agg.STATUS_VI["recognized"]
    rows = [[cell(_area_name(row, keys)), cell(f"{row['Kỳ trước']} → {row[agg.PERIOD]}"),
             cell(f"{number(int(row[f'{recognised} kỳ trước']))} → {number(int(row[recognised]))}", "cell_right"),
             cell(f"{_pct(row[agg.RATE_BEFORE])} → {_pct(row[agg.RATE])}", "cell_right"),
             cell(_signed(row["Thay đổi tỷ lệ (điểm %)"]), "cell_right")] for _, row in frame.iterrows()]
    return out + [table(["Địa bàn", "Kỳ", "Số đơn vị đạt chuẩn", "Tỷ lệ đạt chuẩn", "Thay đổi (điểm %)"], rows,
                        [50, 30, 30, 32, 23], shaded=_total_rows(frame, keys[0]))]


def _chart(draw, summary: agg.Summary) -> Image:
    """A chart drawn by engine.aggregate to a temporary PNG; the renderers scale it to fit the page."""
    with tempfile.TemporaryDirectory() as folder:
        path = draw(summary, Path(folder) / "chart.png")
        return Image(Path(path).read_bytes())
