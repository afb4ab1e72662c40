"""The two charts of the summary (PNG): recognition rate by area, criteria failed most."""
from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pandas as pd

from engine.aggregate.tables import ALL_AREAS, PERIOD, RATE, Summary, _period_key
from engine.atomic import atomic_path
from engine.messages import number, percent

CHART_AREA = "recognition_by_area.png"
CHART_CRITERIA = "criteria_failed.png"

def _area_label(row: pd.Series, keys: list[str]) -> str:
    if len(keys) == 1 or row[keys[0]] == ALL_AREAS:
        return str(row[keys[0]])
    return f"{row[keys[1]]}\n({row[keys[0]]})"


MAX_HEIGHT = 13.0     # inches: a chart never taller than an A4 page's text area (at 9 inches wide)
MAX_AREAS_SHOWN = 80   # beyond this a chart of every area is unreadable: show the lowest ones
LOWEST_SHOWN = 40


def chart_recognition(summary: Summary, path: Path) -> Path:
    """Horizontal bars, one row per area (the total first, then the lowest rates of the latest period at the
    bottom), a bar per period, the national targets as vertical lines. Readable for 3 areas or 63."""
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
    labels.sort(key=lambda label: (-latest.get(label, -1.0), label))
    title = "Tỷ lệ xã, phường, thị trấn đạt chuẩn phù hợp với trẻ em theo địa bàn"
    if len(labels) > MAX_AREAS_SHOWN:
        title += f"\n({LOWEST_SHOWN} địa bàn có tỷ lệ thấp nhất trong {len(labels)}; đủ cả trong summary.xlsx)"
        labels = labels[-LOWEST_SHOWN:]
    labels = [ALL_AREAS] + labels
    height = 0.8 / len(periods)
    # At most the height of an A4 page's text area (9 × 13 inches keeps its proportions), so the chart prints
    # on one page whether it shows 3 areas or 63; the rows get thinner and the labels smaller, not cut.
    row = min(0.3 * max(1, len(periods) * 0.7), (MAX_HEIGHT - 1.9) / len(labels))
    font = max(5.5, min(8.0, row * 72 * 0.55))
    crowded = len(labels) * len(periods) > 60  # then only the latest period's bars carry their figure
    fig, ax = plt.subplots(figsize=(9.0, 1.9 + row * len(labels)))
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
                            fontsize=min(font, 7), xytext=(2, 0), textcoords="offset points")
    colors = ("#c0392b", "#8e44ad", "#2c3e50")
    for target, color in zip(summary.targets.targets, colors * 3):
        ax.axvline(target.percent, color=color, linestyle="--", linewidth=1.2,
                   label=f"Mục tiêu {target.year}: {percent(target.percent, 'vi', 0)}")
    ax.set_yticks(range(len(labels)), labels, fontsize=font)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.get_yticklabels()[0].set_fontweight("bold")
    ax.set_ylim(len(labels) - 0.5, -0.5)  # the total on top, the lowest rates at the bottom
    ax.set_xlim(0, 108)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: number(x)))
    ax.set_xlabel(RATE)
    ax.set_title(title, fontsize=11)
    ax.legend(fontsize=8, loc="lower right")
    footer = textwrap.fill(f"Mục tiêu: {summary.targets.citation}. {RATE} = đạt chuẩn / số đơn vị được đánh giá "
                           f"(kể cả đơn vị thiếu dữ liệu hoặc dữ liệu lỗi).", width=int(fig.get_figwidth() * 17))
    fig.text(0.01, 0.005, footer, fontsize=7, color="#555555", va="bottom")
    fig.tight_layout(rect=(0, (0.3 + 0.12 * footer.count("\n")) / fig.get_figheight(), 1, 1))
    _save(fig, path)
    return path


def _save(fig, path: Path) -> None:
    """The PNG, once laid out. tight_layout leaves a placeholder layout engine behind, which makes savefig draw
    the whole figure once more (text and all) before the real drawing: the layout is done, so drop it."""
    fig.set_layout_engine(None)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120)
    import matplotlib.pyplot as plt

    plt.close(fig)


def chart_criteria(summary: Summary, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    table = summary.tables["criteria"]
    count = len(summary.tables["criteria"]["Tiêu chí"].unique()) if not summary.tables["criteria"].empty else 1
    fig, ax = plt.subplots(figsize=(10, 1.8 + 0.48 * count))
    if table.empty:
        ax.text(0.5, 0.5, "Không có đơn vị nào đã có kết luận", ha="center", va="center")
        ax.set_axis_off()
        period = ""
    else:
        period = sorted(table[PERIOD].unique(), key=_period_key)[-1]
        latest = table[table[PERIOD] == period].copy()
        latest["partial"] = latest["Số đơn vị dưới điểm tối đa"] - latest["Số đơn vị 0 điểm"]
        latest = latest.sort_values(["Số đơn vị 0 điểm", "Số đơn vị dưới điểm tối đa", "Tiêu chí"],
                                    ascending=[True, True, False])
        # whole names, wrapped: a criterion is never cut short
        names = [textwrap.fill(f"{n}. {name}", 52)
                 for n, name in zip(latest["Tiêu chí"], latest["Tên tiêu chí"])]
        ax.barh(names, latest["Số đơn vị 0 điểm"], color="#c0392b", label="0 điểm")
        ax.barh(names, latest["partial"], left=latest["Số đơn vị 0 điểm"], color="#f0b27a",
                label="có điểm nhưng dưới điểm tối đa")
        scored = int(latest["Số đơn vị được chấm"].max())
        for y, (below, zero) in enumerate(zip(latest["Số đơn vị dưới điểm tối đa"], latest["Số đơn vị 0 điểm"])):
            if below:
                ax.annotate(number(below) + (f" (0 điểm: {number(zero)})" if zero else ""), (below, y), xytext=(3, 0),
                            textcoords="offset points", va="center", fontsize=8)
        ax.set_xlim(0, max(scored, 1) * 1.08)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: number(x)))
        ax.set_xlabel(f"Số đơn vị (trên {number(scored)} đơn vị đã có kết luận: đạt chuẩn hoặc không đạt)")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=8, loc="lower right")
        ax.tick_params(axis="y", labelsize=8)
    ax.set_title(f"Tiêu chí không đạt điểm tối đa — {PERIOD.lower()} {period}".rstrip())
    fig.tight_layout()
    _save(fig, path)
    return path


