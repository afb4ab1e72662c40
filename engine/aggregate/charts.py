"""The two charts of the summary (PNG): recognition rate by area, criteria failed most."""
from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pandas as pd

from engine.aggregate.tables import ALL_AREAS, PERIOD, RATE, Summary, _period_key
from engine.atomic import atomic_path
from engine.collation import vi_sort_key
from engine.messages import number, percent

CHART_AREA = "recognition_by_area.png"
CHART_CRITERIA = "criteria_failed.png"

def _area_label(row: pd.Series, keys: list[str]) -> str:
    """One line per area, so that a row of the chart is one line of text tall."""
    if len(keys) == 1 or row[keys[0]] == ALL_AREAS:
        return str(row[keys[0]])
    return f"{row[keys[1]]} ({row[keys[0]]})"


# Drawn at the size they print: an A4 page's text width (Nghị định 30's margins leave 165 mm) and at most its
# height, so that no text is smaller on paper than MIN_FONT points (the summary places them unscaled).
PRINT_WIDTH = 6.3      # inches
MAX_HEIGHT = 9.4       # inches: the text height of an A4 page, less the room the document keeps around a chart
MIN_FONT = 8           # points, every text of a chart
ROW_PITCH = MIN_FONT * 1.1 / 72  # inches: the least height of one area's row, its label at MIN_FONT
HEAD = 1.45            # inches: title, axis, legend and footer around the bars
MAX_AREAS_SHOWN = int((MAX_HEIGHT - HEAD) / ROW_PITCH) - 1  # areas a page holds (63 provinces and the total)
LOWEST_SHOWN = 40      # beyond that, the lowest rates (every area is in the tables)
DPI = 150


def chart_recognition(summary: Summary, path: Path) -> Path:
    _save(recognition_figure(summary), path)
    return path


def recognition_figure(summary: Summary):
    """Horizontal bars, one row per area (the total first, then the lowest rates of the latest period at the
    bottom), a bar per period, the national targets as vertical lines. One page at most, text ≥ MIN_FONT."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    areas = summary.tables["area"]
    keys = summary.keys
    periods = sorted(areas[PERIOD].unique(), key=_period_key)
    latest = {_area_label(row, keys): row[RATE] for _, row in areas[areas[PERIOD] == periods[-1]].iterrows()}
    labels = [label for label in dict.fromkeys(_area_label(row, keys) for _, row in areas.iterrows())
              if label != ALL_AREAS]
    labels.sort(key=lambda label: (-latest.get(label, -1.0), vi_sort_key(label)))
    title = "Tỷ lệ xã, phường, thị trấn đạt chuẩn phù hợp với trẻ em theo địa bàn"
    if len(labels) > MAX_AREAS_SHOWN:
        title += f"\n({LOWEST_SHOWN} địa bàn có tỷ lệ thấp nhất trong {len(labels)}; đủ cả trong các bảng)"
        labels = labels[-LOWEST_SHOWN:]
    labels = [ALL_AREAS] + labels
    height = 0.8 / len(periods)
    # Rows as tall as a bar per period needs, thinner for many areas, never below one line of MIN_FONT text.
    # (A bar per period at most 0.17 inch: a chart of 25 areas and two periods leaves room on its page for the
    # text that introduces it.)
    row = max(ROW_PITCH, min(0.17 * max(1, len(periods) * 0.7), (MAX_HEIGHT - HEAD) / len(labels)))
    crowded = len(labels) * len(periods) > 60  # then only the latest period's bars carry their figure
    # The bars' area at least as tall as the legend inside it (a province of one area: else the legend rises over
    # the title).
    legend = (len(periods) + len(summary.targets.targets)) * MIN_FONT * 1.5 / 72 + 0.2
    fig, ax = plt.subplots(figsize=(PRINT_WIDTH, HEAD + max(row * len(labels), legend)))
    for p, period in enumerate(periods):
        rates = {_area_label(row, keys): row[RATE] for _, row in areas[areas[PERIOD] == period].iterrows()}
        ys = [i + (p - (len(periods) - 1) / 2) * height for i in range(len(labels))]
        values = [rates.get(label, float("nan")) for label in labels]
        bars = ax.barh(ys, values, height * 0.95, label=f"{PERIOD} {period}")
        if crowded and period != periods[-1]:
            continue
        for bar, value in zip(bars, values):
            if not math.isnan(value):
                ax.annotate(percent(value, "vi", 1), (value, bar.get_y() + bar.get_height() / 2), va="center",
                            fontsize=MIN_FONT, xytext=(2, 0), textcoords="offset points")
    colors = ("#c0392b", "#8e44ad", "#2c3e50")
    for target, color in zip(summary.targets.targets, colors * 3):
        ax.axvline(target.percent, color=color, linestyle="--", linewidth=1.2,
                   label=f"Mục tiêu {target.year}: {percent(target.percent, 'vi', 0)}")
    ax.set_yticks(range(len(labels)), labels, fontsize=MIN_FONT)
    ax.tick_params(axis="x", labelsize=MIN_FONT)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.get_yticklabels()[0].set_fontweight("bold")
    ax.set_ylim(len(labels) - 0.5, -0.5)  # the total on top, the lowest rates at the bottom
    ax.set_xlim(0, 112)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: number(x)))
    ax.set_xlabel(RATE, fontsize=MIN_FONT + 1)
    ax.set_title(title, fontsize=MIN_FONT + 2)
    ax.legend(fontsize=MIN_FONT, loc="lower right")
    footer = textwrap.fill(f"Mục tiêu: {summary.targets.citation}. {RATE} = đạt chuẩn / số đơn vị được đánh giá "
                           f"(kể cả đơn vị thiếu dữ liệu hoặc dữ liệu lỗi).", width=int(PRINT_WIDTH * 15))
    fig.text(0.01, 0.005, footer, fontsize=MIN_FONT, color="#555555", va="bottom")
    fig.tight_layout(rect=(0, (0.12 + 0.14 * (footer.count("\n") + 1)) / fig.get_figheight(), 1, 1))
    return fig


def _save(fig, path: Path) -> None:
    """The PNG, once laid out. tight_layout leaves a placeholder layout engine behind, which makes savefig draw
    the whole figure once more (text and all) before the real drawing: the layout is done, so drop it."""
    fig.set_layout_engine(None)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=DPI)
    import matplotlib.pyplot as plt

    plt.close(fig)


def chart_criteria(summary: Summary, path: Path) -> Path:
    _save(criteria_figure(summary), path)
    return path


def criteria_figure(summary: Summary):
    """The latest period's criteria, by units below their maximum (at zero in red). Text ≥ MIN_FONT."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    table = summary.tables["criteria"]
    count = len(summary.tables["criteria"]["Tiêu chí"].unique()) if not summary.tables["criteria"].empty else 1
    fig, ax = plt.subplots(figsize=(PRINT_WIDTH, min(MAX_HEIGHT, HEAD + 0.42 * count)))
    if table.empty:
        ax.text(0.5, 0.5, "Không có đơn vị nào đã có kết luận", ha="center", va="center", fontsize=MIN_FONT + 1)
        ax.set_axis_off()
        period = ""
    else:
        period = sorted(table[PERIOD].unique(), key=_period_key)[-1]
        latest = table[table[PERIOD] == period].copy()
        latest["partial"] = latest["Số đơn vị dưới điểm tối đa"] - latest["Số đơn vị 0 điểm"]
        latest = latest.sort_values(["Số đơn vị 0 điểm", "Số đơn vị dưới điểm tối đa", "Tiêu chí"],
                                    ascending=[True, True, False])
        # whole names, wrapped: a criterion is never cut short
        names = [textwrap.fill(f"{n}. {name}", 38)
                 for n, name in zip(latest["Tiêu chí"], latest["Tên tiêu chí"])]
        ax.barh(names, latest["Số đơn vị 0 điểm"], color="#c0392b", label="0 điểm")
        ax.barh(names, latest["partial"], left=latest["Số đơn vị 0 điểm"], color="#f0b27a",
                label="có điểm nhưng dưới điểm tối đa")
        scored = int(latest["Số đơn vị được chấm"].max())
        for y, (below, zero) in enumerate(zip(latest["Số đơn vị dưới điểm tối đa"], latest["Số đơn vị 0 điểm"])):
            if below:
                ax.annotate(number(below) + (f" (0 điểm: {number(zero)})" if zero else ""), (below, y), xytext=(3, 0),
                            textcoords="offset points", va="center", fontsize=MIN_FONT)
        ax.set_xlim(0, max(scored, 1) * 1.25)  # room for the figure beside the longest bar
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: number(x)))
        ax.set_xlabel(textwrap.fill(f"Số đơn vị (trên {number(scored)} đơn vị đã có kết luận: đạt chuẩn hoặc "
                                    "không đạt)", 80), fontsize=MIN_FONT + 1)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=MIN_FONT, loc="lower right")
        ax.tick_params(axis="both", labelsize=MIN_FONT)
    ax.set_title(f"Tiêu chí không đạt điểm tối đa — {PERIOD.lower()} {period}".rstrip(), fontsize=MIN_FONT + 2)
    fig.tight_layout()
    return fig
