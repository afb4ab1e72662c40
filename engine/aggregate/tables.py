"""The summary tables, computed from loaded results: by area, by category, against the national targets,
criteria failed, distribution of totals, change from the previous period, the list of units."""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

import numpy as np
import pandas as pd

from engine.aggregate.load import AggregateError, Results, Targets, load_targets
from engine.collation import vi_sort_key
from engine.messages import Message, number
from engine.results.model import DECIDED, STATUSES
from engine.criteria.model import CriteriaSet
from engine.periods import PeriodError, parse_period
from engine.registry.maps import DISTRICT_AFTER, after_reform

# Vietnamese headers: the summary is read by provincial offices.
PERIOD = "Kỳ đánh giá"
PROVINCE = "Tỉnh, thành phố"
DISTRICT = "Huyện / khu vực"
AREA = DISTRICT_AFTER.vi  # DISTRICT's column when every unit is after the 1 July 2025 reform (no districts since)
UNITS = "Số đơn vị được đánh giá"
STATUS_VI = {status: Message(f"status_{status}").render("vi") for status in STATUSES}
RATE = "Tỷ lệ đạt chuẩn (%)"
RATE_BEFORE = f"{RATE} kỳ trước"  # named like the other "... kỳ trước" columns (the summary report reads it so)
ALL_AREAS = "Tổng cộng"
NO_PERIOD = "(không rõ kỳ)"  # listed after the named periods, and never compared with them
NO_PROVINCE, NO_DISTRICT, NO_CATEGORY = "(không rõ tỉnh)", "(không có huyện)", "(chưa khai báo)"
NO_AREA = "(không ghi khu vực)"

SHEETS = {
    "area": "Theo địa bàn",
    "category": "Theo loại đơn vị",
    "target": "Mục tiêu quốc gia",
    "criteria": "Tiêu chí",
    "totals": "Phân bố tổng điểm",
    "change": "So với kỳ trước",
    "unit_change": "Đơn vị so với kỳ trước",
    "units": "Danh sách đơn vị",
    "notes": "Ghi chú",
}
# --map 2025 only (engine/aggregate/remap.py): written before "units" when the summary has them.
MAP_SHEETS = {"new_units": "Theo đơn vị mới", "new_unit_change": "Đơn vị mới so với kỳ trước"}


def sheets_of(tables: dict) -> dict[str, str]:
    """The sheets a summary's workbook holds, in order: SHEETS, with the map's sheets before the list of units."""
    out = {}
    for key, name in SHEETS.items():
        if key == "units":
            out.update({k: v for k, v in MAP_SHEETS.items() if k in tables})
        out[key] = name
    return out


# ---------------------------------------------------------------- tables

def _period_key(period: str) -> tuple:
    """Periods in the order they end (engine/periods.py: 2024-H1 < 2024-H2 < 2024 < 2025-03-31), the unknown
    period last. Every period here was made canonical when the results were read."""
    if not period or period == NO_PERIOD:
        return (1,)
    return (0, *parse_period(period).sort_key)


def district_column(units: pd.DataFrame) -> tuple[str, str]:
    """The district column's header and the name of a unit without one: "Huyện / khu vực", "(không có huyện)";
    "Khu vực", "(không ghi khu vực)" when every unit's period is after the 1 July 2025 reform (a mixed summary
    keeps the first)."""
    if after_reform(units["period"].drop_duplicates().tolist()):
        return AREA, NO_AREA
    return DISTRICT, NO_DISTRICT


def _with_areas(units: pd.DataFrame, by: str) -> tuple[pd.DataFrame, list[str]]:
    frame = units.copy()
    frame[PERIOD] = frame["period"].fillna(NO_PERIOD)
    frame[PROVINCE] = frame["province"].fillna(NO_PROVINCE)
    keys = [PROVINCE]
    if by == "district":
        column, none = district_column(units)
        frame[column] = frame["district"].fillna(none)
        keys.append(column)
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
    """Periods in natural order, then the areas in a reader's order (Vietnamese alphabet, numbers as numbers:
    "Tỉnh 2" before "Tỉnh 10"; the "Tổng cộng" row last), stable otherwise."""
    order = {p: i for i, p in enumerate(sorted(frame[PERIOD].unique(), key=_period_key))}
    sort_keys = pd.DataFrame({"_period": frame[PERIOD].map(order).to_numpy()})
    for i, key in enumerate(keys[:1]):
        sort_keys[f"_total{i}"] = frame[key].eq(ALL_AREAS).to_numpy()
    for i, key in enumerate(keys):
        names = frame[key]
        collated = {name: vi_sort_key(name) for name in names.unique()}  # each distinct name keyed once
        sort_keys[f"_key{i}"] = names.map(collated).to_numpy()
    index = sort_keys.sort_values(list(sort_keys.columns), kind="stable").index
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


TARGET_COLUMNS = ["Mục tiêu năm", "Mục tiêu (%)", "Chênh lệch (điểm %)", "Số đơn vị cần đạt thêm"]


def period_year(period: str | None) -> int | None:
    """The year a period ends in (2024-H1 → 2024), None for a period that cannot be dated (or none)."""
    if not period or period == NO_PERIOD:
        return None
    try:
        return parse_period(period).end.year
    except PeriodError:
        return None


def target_gaps(areas: pd.DataFrame, keys: list[str], targets: Targets) -> pd.DataFrame:
    """One row per area and period against the national target in force for the period (Targets.in_force), in
    the areas' order; a period no target is due for yet has no row (it is not measured against a later one)."""
    recognised = STATUS_VI["recognized"]
    columns = [PERIOD, *keys, UNITS, recognised, RATE]
    if areas.empty:
        return pd.DataFrame(columns=columns + TARGET_COLUMNS)
    goal_of = {period: targets.in_force(period_year(period)) for period in areas[PERIOD].unique()}
    table = areas.loc[areas[PERIOD].map(lambda period: goal_of[period] is not None), columns].reset_index(drop=True)
    goals = [goal_of[period] for period in table[PERIOD]]
    table["Mục tiêu năm"] = [goal.year for goal in goals]
    table["Mục tiêu (%)"] = [goal.percent for goal in goals]
    table["Chênh lệch (điểm %)"] = table[RATE] - table["Mục tiêu (%)"]
    table["Số đơn vị cần đạt thêm"] = [units_needed(done, units, goal.percent) for done, units, goal
                                       in zip(table[recognised].tolist(), table[UNITS].tolist(), goals)]
    return table


def criteria_table(frame: pd.DataFrame, scores: pd.DataFrame, criteria: CriteriaSet) -> pd.DataFrame:
    # the complete scores of decided units, each with its unit's period (scores.unit is a label of frame's index)
    rows = frame.index.get_indexer(scores["unit"])
    decided = np.append(frame["status"].isin(DECIDED).to_numpy(), False)  # the last entry: a unit not in frame
    kept = scores["complete"].to_numpy(dtype=bool) & decided[rows]
    scored = scores[kept].reset_index(drop=True)
    scored.insert(0, PERIOD, frame[PERIOD].take(rows[kept]).to_numpy())
    names = {c.number: c.name.vi for c in criteria.criteria}
    columns = [PERIOD, "Tiêu chí", "Tên tiêu chí", "Điểm tối đa", "Số đơn vị được chấm", "Số đơn vị 0 điểm",
               "Tỷ lệ 0 điểm (%)", "Số đơn vị dưới điểm tối đa", "Tỷ lệ dưới điểm tối đa (%)", "Điểm trung bình"]
    if scored.empty:
        return pd.DataFrame(columns=columns)
    scored["zero"] = scored["points"] == 0
    scored["below"] = scored["points"] < scored["max_points"]
    grouped = scored.groupby([PERIOD, "number"])
    table = pd.DataFrame({
        "Điểm tối đa": grouped["max_points"].max(),
        "Số đơn vị được chấm": grouped.size(),
        "Số đơn vị 0 điểm": grouped["zero"].sum().astype(int),
        "Số đơn vị dưới điểm tối đa": grouped["below"].sum().astype(int),
        "Điểm trung bình": grouped["points"].mean(),
    }).reset_index().rename(columns={"number": "Tiêu chí"})
    table["Tên tiêu chí"] = table["Tiêu chí"].map(names).fillna("")
    table["Tỷ lệ 0 điểm (%)"] = table["Số đơn vị 0 điểm"] / table["Số đơn vị được chấm"] * 100
    table["Tỷ lệ dưới điểm tối đa (%)"] = table["Số đơn vị dưới điểm tối đa"] / table["Số đơn vị được chấm"] * 100
    return _sort(table[columns], [])


def total_edges(criteria: CriteriaSet) -> list[int]:
    """Edges of the distribution of totals, from the criteria file: every category's threshold, and steps of 5%
    of the maximum from 70% to 95% (700, 750, ... 950 for 1,000 points)."""
    total = criteria.instrument.total_points
    steps = {round(total * percent / 100) for percent in range(70, 100, 5)}
    return sorted(steps | {c.threshold for c in criteria.categories if 0 < c.threshold <= total})


def total_bins(criteria: CriteriaSet) -> tuple[list[float], list[str]]:
    edges = total_edges(criteria)
    labels = [f"dưới {number(edges[0])}"]
    labels += [f"{number(low)}–{number(high - 1)}" for low, high in zip(edges, edges[1:])]
    labels.append(f"{number(edges[-1])}–{number(criteria.instrument.total_points)}")
    return [-math.inf, *edges, math.inf], labels


def totals_table(frame: pd.DataFrame, criteria: CriteriaSet) -> pd.DataFrame:
    decided = frame[frame["status"].isin(DECIDED)]
    edges, labels = total_bins(criteria)
    rows = []
    for period in sorted(decided[PERIOD].unique(), key=_period_key):
        these = decided[decided[PERIOD] == period]
        bins = pd.cut(these["total"].astype(float), bins=edges, labels=labels, right=False)
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
    columns = keys + [PERIOD, "Kỳ trước", UNITS, f"{UNITS} kỳ trước", recognised, f"{recognised} kỳ trước",
                      "Thay đổi số đơn vị đạt chuẩn", RATE, RATE_BEFORE, "Thay đổi tỷ lệ (điểm %)"]
    areas = areas[areas[PERIOD] != NO_PERIOD]  # units without a period have no "previous" one
    order = {p: i for i, p in enumerate(sorted(areas[PERIOD].unique(), key=_period_key))}
    ranked = areas.assign(_order=areas[PERIOD].map(order)).sort_values([*keys, "_order"], kind="stable")
    before = ranked.groupby(keys, sort=False)[[PERIOD, UNITS, recognised, RATE]].shift(1)
    has_before = before[PERIOD].notna()
    if not has_before.any():
        return pd.DataFrame([], columns=columns)
    now, before = ranked[has_before], before[has_before]
    table = pd.DataFrame({
        **{k: now[k] for k in keys}, PERIOD: now[PERIOD], "Kỳ trước": before[PERIOD],
        UNITS: now[UNITS], f"{UNITS} kỳ trước": before[UNITS].astype(now[UNITS].dtype),
        recognised: now[recognised], f"{recognised} kỳ trước": before[recognised].astype(now[recognised].dtype),
        RATE: now[RATE], RATE_BEFORE: before[RATE],
    })
    table.insert(columns.index("Thay đổi số đơn vị đạt chuẩn"), "Thay đổi số đơn vị đạt chuẩn",
                 table[recognised] - table[f"{recognised} kỳ trước"])
    table["Thay đổi tỷ lệ (điểm %)"] = table[RATE] - table[RATE_BEFORE]
    return _sort(table.reset_index(drop=True), keys)


CHANGE_WORDS = {(True, False): "mới đạt chuẩn", (False, True): "không còn đạt chuẩn", (True, True): "vẫn đạt chuẩn",
                (False, False): "vẫn chưa đạt chuẩn"}


def unit_change_table(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each commune against its own previous period in the data (by unit code): result and total then and
    now, and what changed. A commune found in one period only has no row."""
    columns = keys + ["Mã đơn vị", "Tên đơn vị", PERIOD, "Kỳ trước", "Kết quả kỳ trước", "Kết quả",
                      "Tổng điểm kỳ trước", "Tổng điểm", "Thay đổi tổng điểm", "Biến động"]
    coded = frame.dropna(subset=["unit_code"])
    coded = coded[(coded[PERIOD] != NO_PERIOD)]  # units without a period have no "previous" one
    coded = coded[coded["unit_code"].duplicated(keep=False)]
    if coded.empty:
        return pd.DataFrame(columns=columns)
    order = {p: i for i, p in enumerate(sorted(coded[PERIOD].unique(), key=_period_key))}
    coded = coded.assign(_order=coded[PERIOD].map(order)).sort_values(["unit_code", "_order"], kind="stable")
    before = coded.groupby("unit_code", sort=False)[[PERIOD, "status", "total"]].shift(1)
    # A code kept across the 1 July 2025 reorganisation names another unit after it (a new commune keeps the
    # code of one of the old units it was made from): such pairs are compared through the mapping (--map 2025),
    # never here.
    same_map = np.array([_after_reform(now) == _after_reform(then) for now, then in zip(coded[PERIOD], before[PERIOD])],
                        dtype=bool)
    pairs = coded[before[PERIOD].notna() & same_map]
    before = before.loc[pairs.index]
    decided_now, decided_then = pairs["status"].isin(DECIDED), before["status"].isin(DECIDED)
    # A total is compared only when both periods have a decision: a partial sum is not a score.
    change = (pairs["total"] - before["total"]).where(decided_now & decided_then)
    movement = [CHANGE_WORDS[(now == "recognized", then == "recognized")]
                for now, then in zip(pairs["status"], before["status"])]
    table = pd.DataFrame({
        **{k: pairs[k] for k in keys}, "Mã đơn vị": pairs["unit_code"], "Tên đơn vị": pairs["unit_name"],
        PERIOD: pairs[PERIOD], "Kỳ trước": before[PERIOD], "Kết quả kỳ trước": before["status"].map(STATUS_VI),
        "Kết quả": pairs["status"].map(STATUS_VI),
        "Tổng điểm kỳ trước": before["total"].where(decided_then), "Tổng điểm": pairs["total"].where(decided_now),
        "Thay đổi tổng điểm": change, "Biến động": movement,
    }, columns=columns)
    return _sort(table.reset_index(drop=True), keys)


def _after_reform(period) -> bool | None:
    """Whether a period ends on or after 1 July 2025 (None: a period cfc cannot read)."""
    if not isinstance(period, str):
        return None
    from engine.aggregate.remap import period_after_reform

    return period_after_reform(period)


def units_table(frame: pd.DataFrame, keys: list[str], criteria: CriteriaSet) -> pd.DataFrame:
    labels = {c.id: c.label.vi for c in criteria.categories}
    decided = frame["status"].isin(DECIDED)
    table = pd.DataFrame({
        PERIOD: frame[PERIOD], **{k: frame[k] for k in keys},
        "Mã đơn vị": frame["unit_code"], "Tên đơn vị": frame["unit_name"],
        "Loại đơn vị": frame["category"].map(lambda c: labels.get(c, c) if c else NO_CATEGORY),
        # an undecided unit (incomplete or invalid data) has no total to show: its sum is not a score
        "Kết quả": frame["status"].map(STATUS_VI), "Tổng điểm": frame["total"].where(decided),
        "Ngưỡng": frame["threshold"],
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
              targets: Targets | None = None, sources: Iterable[str] = (), map_to: str | None = None) -> Summary:
    """Every table of the review. map_to="2025": units of periods before 1 July 2025 are placed on the new units
    their old units went into, areas are the new provinces, and two more tables compare each new commune with
    the old units it was made from (engine/aggregate/remap.py)."""
    if by not in ("province", "district"):
        raise ValueError(f"by must be province or district, not {by!r}")
    targets = targets or load_targets()
    units, mapped = results.units, None
    if map_to is not None:
        from engine.aggregate.remap import MAPS, NEW_PROVINCE, to_new_map

        if map_to not in MAPS:
            raise ValueError(f"map_to must be one of {MAPS}, not {map_to!r}")
        if by == "district":
            raise AggregateError("agg_map_no_districts")
        units, mapped = to_new_map(units)
        units = units.assign(province=units[NEW_PROVINCE].where(units[NEW_PROVINCE].notna(), units["province"]))
    frame, keys = _with_areas(units, by)
    areas = by_area(frame, keys)
    notes = _notes(results, criteria, targets, list(sources), keys[-1])
    tables = {
        "area": areas,
        "category": by_category(frame, keys, criteria),
        "target": target_gaps(areas, keys, targets),
        "criteria": criteria_table(frame, results.scores, criteria),
        "totals": totals_table(frame, criteria),
        "change": change_table(areas, keys),
        "unit_change": unit_change_table(frame, keys),
        "units": units_table(frame, keys, criteria),
    }
    if mapped is not None:
        from engine.aggregate.remap import map_notes, new_unit_change, new_unit_table

        order = {p: i for i, p in enumerate(sorted(frame[PERIOD].unique(), key=_period_key))}
        tables["new_units"] = new_unit_table(frame, PERIOD, order)
        tables["new_unit_change"] = new_unit_change(tables["new_units"], PERIOD)
        notes += map_notes(mapped)
    tables["notes"] = pd.DataFrame({"Ghi chú": notes})
    return Summary(tables, keys, targets, notes)


def _notes(results: Results, criteria: CriteriaSet, targets: Targets, sources: list[str], area: str) -> list[str]:
    notes = [
        f"Tệp kết quả: {', '.join(sources) or '(không rõ)'}.",
        f"Tổng hợp theo {area.lower()}.",
        f"{RATE} = số đơn vị đạt chuẩn / số đơn vị được đánh giá × 100. Đơn vị thiếu dữ liệu và đơn vị có dữ liệu "
        f"lỗi được đếm riêng, tính vào số đơn vị được đánh giá và không bao giờ được tính là đạt chuẩn.",
        "Thống kê tiêu chí và phân bố tổng điểm chỉ tính các đơn vị đã có kết luận (đạt chuẩn hoặc không đạt): "
        "tổng điểm của đơn vị thiếu dữ liệu hoặc dữ liệu lỗi chỉ cộng các chỉ tiêu chấm được.",
        f"Mục tiêu quốc gia ({targets.measure}): "
        + "; ".join(f"{t.percent:g}% vào năm {t.year}" for t in targets.targets) + f" — {targets.citation}. "
        "Mỗi kỳ được so với mục tiêu đã đến hạn vào năm của kỳ; kỳ trước hạn của mục tiêu đầu tiên chưa được so sánh.",
        "Tỷ lệ là trên các đơn vị có trong tệp kết quả, không phải trên toàn bộ đơn vị hành chính của địa bàn.",
        f"Bộ tiêu chí dùng cho tên tiêu chí, tên loại đơn vị và điểm tối đa (tệp CSV): {criteria.instrument.citation}.",
        "Số liệu tỷ lệ được làm tròn 2 chữ số thập phân khi hiển thị.",
        f"Phân bố tổng điểm: các khoảng theo ngưỡng của từng loại đơn vị và theo từng 5% của tổng điểm tối đa "
        f"({number(criteria.instrument.total_points)} điểm).",
    ]
    if results.mixed_criteria:
        notes.append("Cảnh báo: các đơn vị được chấm theo các bộ tiêu chí khác nhau ("
                     + "; ".join(results.mixed_criteria) + "); kết quả được tổng hợp chung theo yêu cầu "
                     "(--allow-mixed-criteria) nên không hoàn toàn so sánh được với nhau.")
    other = sorted(results.criteria_ids - {criteria.instrument.id})
    if other:
        notes.append(f"Cảnh báo: tệp kết quả được chấm theo bộ tiêu chí khác ({', '.join(other)}); "
                     f"tên tiêu chí lấy theo {criteria.instrument.id}.")
    return notes


