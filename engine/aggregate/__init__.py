"""Provincial review: combine result files of `cfc evaluate` (JSON or CSV) into summary tables and charts.

Reads results, never inputs: every figure here is a count of decisions the engine already made. A unit is
recognised only when its result says so; incomplete and invalid units are counted in their own columns and in
the denominator of the recognition rate (they are units of the area that are not, or not yet, recognised).
Criterion statistics and the distribution of totals use decided units only (recognised or not recognised),
since an incomplete or invalid unit's total adds up only what could be scored.

The national targets come from engine/data/targets.yaml, with their citation.
"""
from __future__ import annotations

import csv
import json
import math
import re
import textwrap
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Iterable

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field

from engine.atomic import atomic_path
from engine.rules.criteria import CriteriaSet
from engine.messages import Message
from engine.results.model import DECIDED, STATUSES

TARGETS_FILE = Path(__file__).resolve().parent.parent / "data" / "targets.yaml"


# Vietnamese headers: the summary is read by provincial offices.
PERIOD = "Kỳ đánh giá"
PROVINCE = "Tỉnh, thành phố"
DISTRICT = "Huyện / khu vực"
UNITS = "Số đơn vị được đánh giá"
STATUS_VI = {status: Message(f"status_{status}").render("vi") for status in STATUSES}
RATE = "Tỷ lệ đạt chuẩn (%)"
RATE_BEFORE = "Tỷ lệ đạt chuẩn kỳ trước (%)"
ALL_AREAS = "Tổng cộng"
NO_PROVINCE, NO_DISTRICT, NO_CATEGORY = "(không rõ tỉnh)", "(không có huyện)", "(chưa khai báo)"

SHEETS = {
    "area": "Theo địa bàn",
    "category": "Theo loại đơn vị",
    "target": "Mục tiêu quốc gia",
    "criteria": "Tiêu chí",
    "totals": "Phân bố tổng điểm",
    "change": "So với kỳ trước",
    "units": "Danh sách đơn vị",
    "notes": "Ghi chú",
}
CHART_AREA = "recognition_by_area.png"
CHART_CRITERIA = "criteria_failed.png"

# Bins of the distribution of totals (left-inclusive): display only, so kept here rather than in data.
TOTAL_EDGES = (700, 750, 800, 850, 900, 950)


class AggregateError(Exception):
    """A results file that cannot be used; the message names the file (and the row or unit)."""


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    year: int
    percent: float = Field(ge=0, le=100)


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    citation: str
    measure: str
    targets: list[Target] = Field(min_length=1)


def load_targets(path: str | Path | None = None) -> Targets:
    path = Path(path) if path is not None else TARGETS_FILE
    return Targets.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- reading results

@dataclass
class Results:
    units: pd.DataFrame    # one row per unit: source, unit_code, unit_name, province, district, period, ...
    scores: pd.DataFrame   # one row per unit and criterion: unit (row of `units`), number, points, max_points
    criteria_ids: set[str] = field(default_factory=set)


def load_results(paths: Iterable[str | Path], criteria: CriteriaSet) -> Results:
    """Units and criterion points from result files. `criteria` gives each criterion's maximum for CSV results
    (which hold points only) and the Vietnamese names of criteria and categories."""
    units: list[dict] = []
    scores: list[dict] = []
    ids: set[str] = set()
    for path in map(Path, paths):
        if path.suffix.lower() == ".json":
            criteria_id = _read_json(path, units, scores)
        elif path.suffix.lower() == ".csv":
            criteria_id = _read_csv(path, criteria, units, scores)
        else:
            raise AggregateError(f"{path}: not a results file; use the .json or .csv written by "
                                 f"`cfc evaluate --format json|csv`")
        if criteria_id:
            ids.add(criteria_id)
    if not units:
        raise AggregateError("no units in the results files")
    frame = pd.DataFrame(units)
    _check_cross_file_duplicates(frame)
    score_frame = pd.DataFrame(scores, columns=["unit", "number", "points", "max_points", "complete"])
    return Results(frame, score_frame, ids)


def _unit_row(path: Path, where: str, raw: dict) -> dict:
    status = raw.get("status")
    if status not in STATUSES:
        raise AggregateError(f"{path} {where}: status {status!r} is not one of {', '.join(STATUSES)}")
    row = {"source": str(path), "where": where}
    for key in ("unit_code", "unit_name", "province", "district", "period", "category"):
        value = raw.get(key)
        row[key] = None if value in (None, "") else str(value).strip()
    row["status"] = status
    row["total"] = _int(path, where, "total", raw.get("total"))
    threshold = raw.get("threshold")
    row["threshold"] = None if threshold in (None, "") else _int(path, where, "threshold", threshold)
    return row


def _int(path: Path, where: str, name: str, value) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AggregateError(f"{path} {where}: {name} = {value!r} is not a number") from None
    if not number.is_integer():
        raise AggregateError(f"{path} {where}: {name} = {value!r} is not a whole number")
    return int(number)


def _read_json(path: Path, units: list[dict], scores: list[dict]) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise AggregateError(f"{path}: cannot read: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise AggregateError(f"{path}: not a results file (no \"units\" list); write one with "
                             f"`cfc evaluate --format json`")
    for index, raw in enumerate(data["units"], start=1):
        where = f"unit {index}"
        if not isinstance(raw, dict) or not isinstance(raw.get("criteria"), list):
            raise AggregateError(f"{path} {where}: not a unit result (no \"criteria\" list)")
        units.append(_unit_row(path, where, raw))
        unit = len(units) - 1
        for criterion in raw["criteria"]:
            scores.append({"unit": unit, "number": int(criterion["number"]), "points": int(criterion["points"]),
                           "max_points": int(criterion["max_points"]), "complete": bool(criterion["complete"])})
    return data.get("criteria_id")


def _read_csv(path: Path, criteria: CriteriaSet, units: list[dict], scores: list[dict]) -> None:
    maxima = {c.number: c.max_points for c in criteria.criteria}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if not {"unit_code", "status", "total"} <= set(columns):
                raise AggregateError(f"{path}: not a results file (needs columns unit_code, status, total); "
                                     f"write one with `cfc evaluate --format csv`")
            numbers = {c: int(m.group(1)) for c in columns if (m := re.fullmatch(r"criterion_(\d+)", c))}
            unknown = sorted(n for n in numbers.values() if n not in maxima)
            if unknown:
                raise AggregateError(f"{path}: criteria {unknown} are not in {criteria.source or 'the criteria file'}")
            for line, raw in enumerate(reader, start=2):
                where = f"row {line}"
                units.append(_unit_row(path, where, raw))
                unit = len(units) - 1
                for column, number in numbers.items():
                    cell = (raw.get(column) or "").strip()
                    # A blank cell is an unscored criterion: missing, never 0.
                    scores.append({"unit": unit, "number": number,
                                   "points": _int(path, where, column, cell) if cell else 0,
                                   "max_points": maxima[number], "complete": bool(cell)})
    except (OSError, UnicodeDecodeError) as error:
        raise AggregateError(f"{path}: cannot read: {error}") from error
    return None


def _check_cross_file_duplicates(units: pd.DataFrame) -> None:
    """The same unit and period in two files would be counted twice. (Repeats inside one file are already
    invalid units, marked by `cfc evaluate`.)"""
    coded = units.dropna(subset=["unit_code"])
    files = coded.groupby(["unit_code", coded["period"].fillna("")])["source"].unique()
    twice = files[files.map(len) > 1]
    if len(twice):
        (code, period), sources = next(iter(twice.items()))
        raise AggregateError(f"unit {code} (period {period or '?'}) is in {' and '.join(sources)}: it would be "
                             f"counted twice ({len(twice)} such unit(s)); aggregate each file once")


# ---------------------------------------------------------------- tables

def _period_key(period: str) -> tuple:
    """Natural order: 2023 < 2024-H1 < 2024 < ... by the numbers in the text, then the text."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", period or "") if p), period or ""


def _with_areas(units: pd.DataFrame, by: str) -> tuple[pd.DataFrame, list[str]]:
    frame = units.copy()
    frame[PERIOD] = frame["period"].fillna("(không rõ kỳ)")
    frame[PROVINCE] = frame["province"].fillna(NO_PROVINCE)
    keys = [PROVINCE]
    if by == "district":
        frame[DISTRICT] = frame["district"].fillna(NO_DISTRICT)
        keys.append(DISTRICT)
    return frame, keys


def _counts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Units per status, total and recognition rate for each group of `keys`."""
    table = (frame.groupby(keys)["status"].value_counts().unstack(fill_value=0)
             .reindex(columns=list(STATUSES), fill_value=0))
    table.columns = [STATUS_VI[s] for s in STATUSES]
    table.insert(0, UNITS, table.sum(axis=1))
    table[RATE] = table[STATUS_VI["recognized"]] / table[UNITS] * 100
    return table.reset_index()


def _sort(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    order = {p: i for i, p in enumerate(sorted(frame[PERIOD].unique(), key=_period_key))}
    sort_keys = [frame[PERIOD].map(order)] + [frame[k].eq(ALL_AREAS) for k in keys[:1]] + [frame[k] for k in keys]
    index = sorted(range(len(frame)), key=lambda i: tuple(s.iloc[i] for s in sort_keys))
    return frame.iloc[index].reset_index(drop=True)


def by_area(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per period and area, then a "Tổng cộng" row per period."""
    areas = _counts(frame, [PERIOD] + keys)
    totals = _counts(frame, [PERIOD])
    for key in keys:
        totals[key] = ALL_AREAS
    return _sort(pd.concat([areas, totals[areas.columns]], ignore_index=True), keys)


def by_category(frame: pd.DataFrame, keys: list[str], criteria: CriteriaSet) -> pd.DataFrame:
    frame = frame.assign(**{"Loại đơn vị": frame["category"].fillna(NO_CATEGORY)})
    cat_keys = ["Loại đơn vị"]
    areas = _counts(frame, [PERIOD] + keys + cat_keys)
    totals = _counts(frame, [PERIOD] + cat_keys)
    for key in keys:
        totals[key] = ALL_AREAS
    table = _sort(pd.concat([areas, totals[areas.columns]], ignore_index=True), keys)
    labels = {c.id: c.label.vi for c in criteria.categories}
    table.insert(table.columns.get_loc("Loại đơn vị") + 1, "Tên loại đơn vị",
                 table["Loại đơn vị"].map(labels).fillna(""))
    return table


def units_needed(recognised: int, units: int, percent: float) -> int:
    """Further units to recognise so that recognised / units reaches percent (exact: no float rounding)."""
    return max(0, math.ceil(Fraction(str(percent)) * units / 100) - recognised)


def target_gaps(areas: pd.DataFrame, keys: list[str], targets: Targets) -> pd.DataFrame:
    rows = []
    recognised = STATUS_VI["recognized"]
    for _, row in areas.iterrows():
        for target in targets.targets:
            rows.append({PERIOD: row[PERIOD], **{k: row[k] for k in keys}, UNITS: row[UNITS],
                         recognised: row[recognised], RATE: row[RATE],
                         "Mục tiêu năm": target.year, "Mục tiêu (%)": target.percent,
                         "Chênh lệch (điểm %)": row[RATE] - target.percent,
                         "Số đơn vị cần đạt thêm": units_needed(int(row[recognised]), int(row[UNITS]), target.percent)})
    return pd.DataFrame(rows)


def criteria_table(frame: pd.DataFrame, scores: pd.DataFrame, criteria: CriteriaSet) -> pd.DataFrame:
    decided = frame[frame["status"].isin(DECIDED)]
    scored = scores[scores["complete"]].merge(decided[[PERIOD]], left_on="unit", right_index=True)
    names = {c.number: c.name.vi for c in criteria.criteria}
    columns = [PERIOD, "Tiêu chí", "Tên tiêu chí", "Điểm tối đa", "Số đơn vị được chấm", "Số đơn vị 0 điểm",
               "Tỷ lệ 0 điểm (%)", "Số đơn vị dưới điểm tối đa", "Tỷ lệ dưới điểm tối đa (%)", "Điểm trung bình"]
    if scored.empty:
        return pd.DataFrame(columns=columns)
    grouped = scored.groupby([PERIOD, "number"])
    table = pd.DataFrame({
        "Điểm tối đa": grouped["max_points"].max(),
        "Số đơn vị được chấm": grouped.size(),
        "Số đơn vị 0 điểm": grouped["points"].apply(lambda p: int((p == 0).sum())),
        "Số đơn vị dưới điểm tối đa": scored.assign(below=scored["points"] < scored["max_points"])
                                             .groupby([PERIOD, "number"])["below"].sum().astype(int),
        "Điểm trung bình": grouped["points"].mean(),
    }).reset_index().rename(columns={"number": "Tiêu chí"})
    table["Tên tiêu chí"] = table["Tiêu chí"].map(names).fillna("")
    table["Tỷ lệ 0 điểm (%)"] = table["Số đơn vị 0 điểm"] / table["Số đơn vị được chấm"] * 100
    table["Tỷ lệ dưới điểm tối đa (%)"] = table["Số đơn vị dưới điểm tối đa"] / table["Số đơn vị được chấm"] * 100
    return _sort(table[columns], [])


def total_bins(max_total: int = 1000) -> tuple[list[float], list[str]]:
    edges = [-math.inf, *TOTAL_EDGES, math.inf]
    labels = [f"dưới {TOTAL_EDGES[0]}"]
    labels += [f"{low}–{high - 1}" for low, high in zip(TOTAL_EDGES, TOTAL_EDGES[1:])]
    labels.append(f"{TOTAL_EDGES[-1]}–{max_total}")
    return edges, labels


def totals_table(frame: pd.DataFrame) -> pd.DataFrame:
    decided = frame[frame["status"].isin(DECIDED)]
    edges, labels = total_bins()
    rows = []
    for period in sorted(decided[PERIOD].unique(), key=_period_key):
        these = decided[decided[PERIOD] == period]
        bins = pd.cut(these["total"], bins=edges, labels=labels, right=False)
        for label in labels:
            inside = these[bins == label]
            rows.append({PERIOD: period, "Khoảng tổng điểm": label, "Số đơn vị": len(inside),
                         STATUS_VI["recognized"]: int((inside["status"] == "recognized").sum()),
                         STATUS_VI["not_recognized"]: int((inside["status"] == "not_recognized").sum())})
    return pd.DataFrame(rows, columns=[PERIOD, "Khoảng tổng điểm", "Số đơn vị", STATUS_VI["recognized"],
                                       STATUS_VI["not_recognized"]])


def change_table(areas: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each area's period against the area's previous period in the data, where both exist."""
    recognised = STATUS_VI["recognized"]
    rows = []
    for area, group in areas.groupby(keys, sort=False):
        area = area if isinstance(area, tuple) else (area,)
        group = group.sort_values(PERIOD, key=lambda s: s.map(_period_key))
        for (_, before), (_, now) in zip(group.iloc[:-1].iterrows(), group.iloc[1:].iterrows()):
            rows.append({**dict(zip(keys, area)), PERIOD: now[PERIOD], "Kỳ trước": before[PERIOD],
                         UNITS: now[UNITS], f"{UNITS} kỳ trước": before[UNITS],
                         recognised: now[recognised], f"{recognised} kỳ trước": before[recognised],
                         "Thay đổi số đơn vị đạt chuẩn": now[recognised] - before[recognised],
                         RATE: now[RATE], RATE_BEFORE: before[RATE],
                         "Thay đổi tỷ lệ (điểm %)": now[RATE] - before[RATE]})
    columns = keys + [PERIOD, "Kỳ trước", UNITS, f"{UNITS} kỳ trước", recognised, f"{recognised} kỳ trước",
                      "Thay đổi số đơn vị đạt chuẩn", RATE, RATE_BEFORE, "Thay đổi tỷ lệ (điểm %)"]
    table = pd.DataFrame(rows, columns=columns)
    return _sort(table, keys) if len(table) else table


def units_table(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    table = pd.DataFrame({
        PERIOD: frame[PERIOD], **{k: frame[k] for k in keys},
        "Mã đơn vị": frame["unit_code"], "Tên đơn vị": frame["unit_name"], "Loại đơn vị": frame["category"],
        "Kết quả": frame["status"].map(STATUS_VI), "Tổng điểm": frame["total"], "Ngưỡng": frame["threshold"],
        "Tệp kết quả": frame["source"] + " (" + frame["where"] + ")",
    })
    return _sort(table, keys)


# ---------------------------------------------------------------- the whole review

@dataclass
class Summary:
    tables: dict[str, pd.DataFrame]   # keys of SHEETS
    keys: list[str]                   # the area columns: [province] or [province, district]
    targets: Targets
    notes: list[str]


def summarise(results: Results, criteria: CriteriaSet, by: str = "province",
              targets: Targets | None = None, sources: Iterable[str] = ()) -> Summary:
    if by not in ("province", "district"):
        raise ValueError(f"by must be province or district, not {by!r}")
    targets = targets or load_targets()
    frame, keys = _with_areas(results.units, by)
    areas = by_area(frame, keys)
    notes = _notes(results, criteria, targets, list(sources), by)
    tables = {
        "area": areas,
        "category": by_category(frame, keys, criteria),
        "target": target_gaps(areas, keys, targets),
        "criteria": criteria_table(frame, results.scores, criteria),
        "totals": totals_table(frame),
        "change": change_table(areas, keys),
        "units": units_table(frame, keys),
        "notes": pd.DataFrame({"Ghi chú": notes}),
    }
    return Summary(tables, keys, targets, notes)


def _notes(results: Results, criteria: CriteriaSet, targets: Targets, sources: list[str], by: str) -> list[str]:
    notes = [
        f"Tệp kết quả: {', '.join(sources) or '(không rõ)'}.",
        f"Tổng hợp theo {'tỉnh, thành phố' if by == 'province' else 'huyện / khu vực'}.",
        f"{RATE} = số đơn vị đạt chuẩn / số đơn vị được đánh giá × 100. Đơn vị thiếu dữ liệu và đơn vị có dữ liệu "
        f"lỗi được đếm riêng, tính vào số đơn vị được đánh giá và không bao giờ được tính là đạt chuẩn.",
        "Thống kê tiêu chí và phân bố tổng điểm chỉ tính các đơn vị đã có kết luận (đạt chuẩn hoặc không đạt): "
        "tổng điểm của đơn vị thiếu dữ liệu hoặc dữ liệu lỗi chỉ cộng các chỉ tiêu chấm được.",
        f"Mục tiêu quốc gia ({targets.measure}): "
        + "; ".join(f"{t.percent:g}% vào năm {t.year}" for t in targets.targets) + f" — {targets.citation}.",
        "Tỷ lệ là trên các đơn vị có trong tệp kết quả, không phải trên toàn bộ đơn vị hành chính của địa bàn.",
        f"Bộ tiêu chí dùng cho tên tiêu chí, tên loại đơn vị và điểm tối đa (tệp CSV): {criteria.instrument.citation}.",
        "Số liệu tỷ lệ được làm tròn 2 chữ số thập phân khi hiển thị.",
    ]
    other = sorted(results.criteria_ids - {criteria.instrument.id})
    if other:
        notes.append(f"Cảnh báo: tệp kết quả được chấm theo bộ tiêu chí khác ({', '.join(other)}); "
                     f"tên tiêu chí lấy theo {criteria.instrument.id}.")
    return notes


# ---------------------------------------------------------------- writing

PERCENT_WORDS = ("(%)", "(điểm %)", "Điểm trung bình")


def write_workbook(summary: Summary, path: Path) -> Path:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for key, sheet_name in SHEETS.items():
                table = summary.tables[key]
                shown = table.copy()
                for column in shown.columns:
                    if any(word in str(column) for word in PERCENT_WORDS):
                        shown[column] = pd.to_numeric(shown[column]).round(2)
                shown.to_excel(writer, sheet_name=sheet_name, index=False)
                sheet = writer.sheets[sheet_name]
                for index, column in enumerate(shown.columns, start=1):
                    cell = sheet.cell(1, index)
                    cell.font = Font(bold=True)
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    width = max([len(str(column)) // 2 + 2] + [len(str(v)) + 2 for v in shown[column].head(200)])
                    sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 10), 90)
                sheet.freeze_panes = "A2"
    return path


def _area_label(row: pd.Series, keys: list[str]) -> str:
    if len(keys) == 1 or row[keys[0]] == ALL_AREAS:
        return str(row[keys[0]])
    return f"{row[keys[1]]}\n({row[keys[0]]})"


MAX_AREAS_SHOWN = 80   # beyond this a chart of every area is unreadable: show the lowest ones
LOWEST_SHOWN = 40


def chart_recognition(summary: Summary, path: Path) -> Path:
    """Horizontal bars, one row per area (the total first, then the lowest rates of the latest period at the
    bottom), a bar per period, the national targets as vertical lines. Readable for 3 areas or 63."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

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
    fig, ax = plt.subplots(figsize=(9.0, 1.6 + 0.3 * len(labels) * max(1, len(periods) * 0.7)))
    for p, period in enumerate(periods):
        rates = {_area_label(row, keys): row[RATE] for _, row in areas[areas[PERIOD] == period].iterrows()}
        ys = [i + (p - (len(periods) - 1) / 2) * height for i in range(len(labels))]
        values = [rates.get(label, float("nan")) for label in labels]
        bars = ax.barh(ys, values, height * 0.95, label=f"{PERIOD} {period}")
        for bar, value in zip(bars, values):
            if not math.isnan(value):
                ax.annotate(f"{value:.1f}%", (value, bar.get_y() + bar.get_height() / 2), va="center",
                            fontsize=7, xytext=(2, 0), textcoords="offset points")
    colors = ("#c0392b", "#8e44ad", "#2c3e50")
    for target, color in zip(summary.targets.targets, colors * 3):
        ax.axvline(target.percent, color=color, linestyle="--", linewidth=1.2,
                   label=f"Mục tiêu {target.year}: {target.percent:g}%")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.get_yticklabels()[0].set_fontweight("bold")
    ax.set_ylim(len(labels) - 0.5, -0.5)  # the total on top, the lowest rates at the bottom
    ax.set_xlim(0, 108)
    ax.set_xlabel(RATE)
    ax.set_title(title, fontsize=11)
    ax.legend(fontsize=8, loc="lower right")
    footer = textwrap.fill(f"Mục tiêu: {summary.targets.citation}. {RATE} = đạt chuẩn / số đơn vị được đánh giá "
                           f"(kể cả đơn vị thiếu dữ liệu hoặc dữ liệu lỗi).", width=int(fig.get_figwidth() * 17))
    fig.text(0.01, 0.005, footer, fontsize=7, color="#555555", va="bottom")
    fig.tight_layout(rect=(0, (0.3 + 0.12 * footer.count("\n")) / fig.get_figheight(), 1, 1))
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120)
    plt.close(fig)
    return path


def chart_criteria(summary: Summary, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = summary.tables["criteria"]
    fig, ax = plt.subplots(figsize=(9, 5.5))
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
        names = [f"{n}. {textwrap.shorten(name, 48, placeholder='…')}"
                 for n, name in zip(latest["Tiêu chí"], latest["Tên tiêu chí"])]
        ax.barh(names, latest["Số đơn vị 0 điểm"], color="#c0392b", label="0 điểm")
        ax.barh(names, latest["partial"], left=latest["Số đơn vị 0 điểm"], color="#f0b27a",
                label="có điểm nhưng dưới điểm tối đa")
        scored = int(latest["Số đơn vị được chấm"].max())
        for y, (below, zero) in enumerate(zip(latest["Số đơn vị dưới điểm tối đa"], latest["Số đơn vị 0 điểm"])):
            if below:
                ax.annotate(f"{below}" + (f" (0 điểm: {zero})" if zero else ""), (below, y), xytext=(3, 0),
                            textcoords="offset points", va="center", fontsize=8)
        ax.set_xlim(0, max(scored, 1) * 1.08)
        ax.set_xlabel(f"Số đơn vị (trên {scored} đơn vị đã có kết luận: đạt chuẩn hoặc không đạt)")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=8, loc="lower right")
        ax.tick_params(axis="y", labelsize=8)
    ax.set_title(f"Tiêu chí không đạt điểm tối đa — {PERIOD.lower()} {period}".rstrip())
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=120)
    plt.close(fig)
    return path


def aggregate(paths: Iterable[str | Path], output: str | Path, criteria: CriteriaSet, by: str = "province",
              targets_path: str | Path | None = None) -> tuple[Summary, list[Path]]:
    """Read the results, compute every table, write summary.xlsx and the two charts into `output`."""
    paths = [Path(p) for p in paths]
    results = load_results(paths, criteria)
    summary = summarise(results, criteria, by, load_targets(targets_path), [str(p) for p in paths])
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    written = [write_workbook(summary, output / "summary.xlsx"),
               chart_recognition(summary, output / CHART_AREA),
               chart_criteria(summary, output / CHART_CRITERIA)]
    return summary, written
