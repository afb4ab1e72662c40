"""Results of both sides of the 1 July 2025 reorganisation on one map: `--map 2025`.

Every unit of a period ending before 1 July 2025 is placed on the new unit its old unit went into
(engine/registry/merge.py): whole, or — for the 471 old units split among several new ones — the one the dataset
marks as its main successor. Units of later periods are on the new map already. Each unit then carries its new
unit's code, name and province, so that areas are the new provinces and a new commune can be compared with the
old units it was made from: how many of them had a result and how many were recognised, period after period.

A unit whose code is not in the list of its period keeps its province as written and is named in the notes; it is
never guessed onto a new unit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from engine.registry import NEW, OLD, REFORM_DAY, admin_map
from engine.registry.merge import is_split, main_successor, mapped_onto, successors

NEW_CODE, NEW_NAME, NEW_PROVINCE, SPLIT = "new_code", "new_name", "new_province", "split"
MAPS = ("2025",)  # what --map accepts: the map results are placed on


@dataclass
class Mapped:
    """What placing results on the new map did, for the summary's notes."""

    moved: int = 0                                           # units of old periods placed on a new unit
    split: list[tuple[str, str, str]] = field(default_factory=list)  # (old code, its main successor, the others)
    unknown: list[str] = field(default_factory=list)         # "code (period)" not in the list of their period


def _end(period) -> dt.date | None:
    from engine.periods import PeriodError, period_end

    if period is None:
        return None
    try:
        return period_end(period)
    except PeriodError:
        return None


@lru_cache(maxsize=4096)
def period_after_reform(period) -> bool | None:
    """True when the period ends on or after 1 July 2025, False before, None when it cannot be read."""
    end = _end(period)
    return None if end is None else end >= REFORM_DAY


def to_new_map(units: pd.DataFrame) -> tuple[pd.DataFrame, Mapped]:
    """`units` (load.Results.units) with the new unit of each: new_code, new_name, new_province, split."""
    old, new = admin_map(OLD), admin_map(NEW)
    mapped = Mapped()
    ends: dict = {}
    codes, names, provinces, splits = [], [], [], []
    for code, period in zip(units["unit_code"], units["period"]):
        if period not in ends:
            ends[period] = _end(period)
        end = ends[period]
        target, split = None, False
        if end is not None and end < REFORM_DAY:
            if old.get(code) is not None:
                target, split = new.get(main_successor(code)), is_split(code)
                mapped.moved += 1
        elif end is not None:
            target = new.get(code)
        if target is None and end is not None and code is not None:
            mapped.unknown.append(f"{code} ({period})")
        if split:
            news = successors(code)
            mapped.split.append((code, news[0], ", ".join(news[1:])))
        codes.append(target.code if target else None)
        names.append(target.name if target else None)
        provinces.append(target.province if target else None)
        splits.append(split)
    frame = units.assign(**{NEW_CODE: codes, NEW_NAME: names, NEW_PROVINCE: provinces, SPLIT: splits})
    mapped.split = sorted(set(mapped.split))
    return frame, mapped


def new_unit_table(frame: pd.DataFrame, period_column: str, order) -> pd.DataFrame:
    """One row per new unit and period: the old units of that period placed on it (how many the list says it
    was made from, how many have a result, how many were recognised), or, for a period after the reform, the
    unit's own result and total."""
    from engine.aggregate.tables import STATUS_VI

    columns = ["Mã đơn vị mới", "Tên đơn vị mới", "Tỉnh, thành phố (mới)", period_column, "Danh mục",
               "Số đơn vị cũ hợp thành", "Đơn vị cũ có kết quả", "Số có kết quả", "Số đạt chuẩn",
               "Đơn vị cũ chia tách (tính vào đơn vị kế thừa chính)", "Kết quả", "Tổng điểm"]
    placed = frame.dropna(subset=[NEW_CODE])
    rows = []
    for (code, period), group in placed.groupby([NEW_CODE, period_column], sort=False):
        first = group.iloc[0]
        before = _end(period) is not None and _end(period) < REFORM_DAY
        recognised = int((group["status"] == "recognized").sum())
        if before:
            result, total = f"{recognised}/{len(group)} đạt chuẩn", None
        else:
            result, total = STATUS_VI[first["status"]], first["total"]
        rows.append([code, first[NEW_NAME], first[NEW_PROVINCE], period,
                     "trước 01/7/2025" if before else "từ 01/7/2025",
                     len(mapped_onto(code)) if before else None,
                     "; ".join(f"{c} {n or ''}".strip() for c, n in zip(group["unit_code"], group["unit_name"]))
                     if before else None,
                     len(group), recognised,
                     "; ".join(sorted(group.loc[group[SPLIT], "unit_code"])) or None, result, total])
    table = pd.DataFrame(rows, columns=columns)
    table["_order"] = table[period_column].map(order)
    return table.sort_values(["Tỉnh, thành phố (mới)", "Mã đơn vị mới", "_order"], kind="stable") \
        .drop(columns="_order").reset_index(drop=True)


def new_unit_change(table: pd.DataFrame, period_column: str) -> pd.DataFrame:
    """Each new commune against its previous period in the data, across the reform: before it, the old units
    placed on it (k of n recognised); after it, its own result."""
    columns = ["Mã đơn vị mới", "Tên đơn vị mới", "Tỉnh, thành phố (mới)", "Kỳ trước", "Kết quả kỳ trước",
               period_column, "Kết quả", "Biến động"]
    rows = []
    for code, group in table.groupby("Mã đơn vị mới", sort=False):
        records = group.to_dict("records")
        for then, now in zip(records, records[1:]):
            rows.append([code, now["Tên đơn vị mới"], now["Tỉnh, thành phố (mới)"], then[period_column],
                         _said(then), now[period_column], _said(now), _movement(then, now)])
    return pd.DataFrame(rows, columns=columns)


def _said(row: dict) -> str:
    if row["Danh mục"].startswith("trước"):
        return f"{row['Số đạt chuẩn']}/{row['Số có kết quả']} đơn vị cũ đạt chuẩn"
    return row["Kết quả"]


def _recognised(row: dict) -> bool:
    """Recognised as a whole: its own result, or, before the reform, every old unit placed on it with a result."""
    return row["Số đạt chuẩn"] == row["Số có kết quả"] > 0


def _movement(then: dict, now: dict) -> str:
    from engine.aggregate.tables import CHANGE_WORDS

    return CHANGE_WORDS[(_recognised(now), _recognised(then))]


SHOWN = 20  # units named in a note; the rest are in the sheet "Theo đơn vị mới"


def map_notes(mapped: Mapped) -> list[str]:
    """What the summary says of the mapping: where old units went, how split units were assigned, what was not
    mapped."""
    from engine.registry.dataset import source

    package, version = source()
    notes = [f"Kết quả của các kỳ kết thúc trước ngày 01/7/2025 được chuyển sang danh mục đơn vị hành chính từ "
             f"ngày 01/7/2025 (34 tỉnh, thành phố) theo dữ liệu sáp nhập của {package} {version}: {mapped.moved} "
             f"đơn vị cũ được tính vào đơn vị mới mà chúng được sáp nhập; tỉnh, thành phố là tỉnh, thành phố mới. "
             f"Trang «Theo đơn vị mới» liệt kê mỗi đơn vị mới với các đơn vị cũ hợp thành, số có kết quả và số đạt "
             f"chuẩn; trang «Đơn vị mới so với kỳ trước» so sánh từng đơn vị mới qua các kỳ."]
    if mapped.split:
        shown = "; ".join(f"{old} → {main} (cũng chia cho {others})" for old, main, others in mapped.split[:SHOWN])
        more = f" và {len(mapped.split) - SHOWN} đơn vị khác" if len(mapped.split) > SHOWN else ""
        notes.append(f"{len(mapped.split)} đơn vị cũ bị chia cho nhiều đơn vị mới: kết quả của mỗi đơn vị được "
                     f"tính trọn vào một đơn vị, là đơn vị kế thừa chính do bộ dữ liệu đánh dấu "
                     f"(isDefaultNewWard), không chia cho các đơn vị còn lại: {shown}{more}.")
    if mapped.unknown:
        shown = ", ".join(mapped.unknown[:SHOWN])
        more = f" và {len(mapped.unknown) - SHOWN} đơn vị khác" if len(mapped.unknown) > SHOWN else ""
        notes.append(f"Cảnh báo: {len(mapped.unknown)} đơn vị có mã không có trong danh mục đơn vị hành chính của "
                     f"kỳ đánh giá nên không được chuyển sang đơn vị mới (giữ tỉnh như trong tệp kết quả): "
                     f"{shown}{more}.")
    return notes
