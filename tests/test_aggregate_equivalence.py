"""Issue 11: the faster reading and tables of `cfc aggregate` give exactly what the slower code gave.

Result files are read column by column, with the unit-by-unit reading kept for files the column pass leaves to
it (and for naming the first problem); both must give the same frames, and the same error. The change, target
and criteria tables are computed without per-row Python; the per-row code they replace is kept here as the
reference, and every table must be equal to it, value for value and type for type."""
from __future__ import annotations

import csv
import json
import math
import random
from pathlib import Path

import pandas as pd
import pytest

from engine.aggregate import (DECIDED, PERIOD, RATE, RATE_BEFORE, STATUS_VI, UNITS, AggregateError,
                              load_results, load_targets, summarise)
from engine.aggregate.tables import NO_PERIOD, _period_key, _sort, _with_areas, by_area, units_needed
from engine.aggregate.load import Target
from engine.criteria.model import load_criteria

ROOT = Path(__file__).resolve().parents[1]
PERIODS = ["2023", "2024-H1", "2024", None]
STATUSES = ["recognized"] * 5 + ["not_recognized"] * 3 + ["incomplete", "invalid"]


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


def synthetic_units(criteria, count: int, seed: int) -> list[dict]:
    """Units as `cfc evaluate --format json` writes them, over several periods, provinces and districts, with
    blanks (no period, no district), unscored criteria, formula-like names and repeated communes."""
    rng = random.Random(seed)
    units = []
    thresholds = {c.id: c.threshold for c in criteria.categories}
    minimum = criteria.recognition.min_points_per_criterion
    for index in range(count):
        code = f"{rng.randrange(count // 2):05d}"  # about half the communes are seen in two periods or more
        category = rng.choice([c.id for c in criteria.categories] + [None])
        threshold = thresholds.get(category)
        kind = rng.choice(STATUSES)
        points = [{"number": c.number, "points": rng.choice([0, c.max_points // 2, c.max_points, c.max_points]),
                   "complete": kind != "incomplete" or rng.random() < 0.7} for c in criteria.criteria]
        total = sum(p["points"] for p in points if p["complete"])
        # statuses that add up (aggregate refuses any that do not: tests/test_aggregate_checks.py)
        if kind in ("recognized", "not_recognized"):
            met = all(p["points"] >= minimum for p in points)
            status = ("recognized" if met and total >= threshold else "not_recognized") if threshold else "incomplete"
        else:
            status = kind
        units.append({
            "unit_code": code, "unit_name": rng.choice([f"Xã {code}", f"=HYPERLINK(\"x\") {code}", f"  Xã {code} "]),
            "province": rng.choice(["Hà Nội", "Lào Cai", "Cà Mau", None]),
            "district": rng.choice(["Huyện A", "Huyện B", "Quận C", None, ""]),
            "period": PERIODS[index % len(PERIODS)] if rng.random() < 0.95 else None,
            "category": category,
            "status": status, "total": total if status != "invalid" or rng.random() < 0.5 else None,
            "threshold": threshold, "criteria": points,
        })
    # one unit and period at most once across files: keep the first of each pair
    seen, kept = set(), []
    for unit in units:
        if (unit["unit_code"], unit["period"]) not in seen:
            seen.add((unit["unit_code"], unit["period"]))
            kept.append(unit)
    return kept


def write_json(path: Path, units: list[dict], criteria) -> Path:
    """Compact results: each criterion's maximum once, at the top."""
    maxima = [{"number": c.number, "max_points": c.max_points} for c in criteria.criteria]
    path.write_text(json.dumps({"criteria_id": criteria.instrument.id, "criteria": {"criteria": maxima},
                                "units": units}, ensure_ascii=False), encoding="utf-8")
    return path


def write_csv(path: Path, units: list[dict], criteria) -> Path:
    """The machine CSV: formula-like text quoted as csv_safe does, blank cells for unscored criteria."""
    fixed = ["unit_code", "unit_name", "district", "province", "period", "category", "status", "total", "threshold"]
    numbers = [c.number for c in criteria.criteria]
    safe = (lambda v: "'" + v if isinstance(v, str) and v.startswith(("=", "+", "-", "@")) else v)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fixed + [f"criterion_{n}" for n in numbers] + ["reasons", "criteria_set"])
        for unit in units:
            scored = {p["number"]: p for p in unit["criteria"]}
            writer.writerow([safe(unit[k]) if unit[k] is not None else "" for k in fixed]
                            + [scored[n]["points"] if scored[n]["complete"] else "" for n in numbers]
                            + ["", "qd06-2019"])
    return path


@pytest.fixture(scope="module")
def periods(tmp_path_factory, criteria) -> list[Path]:
    """Two files of the same area: one JSON, one machine CSV (different units: none counted twice)."""
    folder = tmp_path_factory.mktemp("synthetic")
    units = synthetic_units(criteria, 1200, seed=11)
    return [write_json(folder / "a.json", units[::2], criteria), write_csv(folder / "b.csv", units[1::2], criteria)]


def unit_by_unit_readings(monkeypatch) -> list[str]:
    """The files read unit by unit from now on."""
    from engine.aggregate import load

    read = []
    for name in ("_csv_units", "_json_units"):
        real = getattr(load, name)
        monkeypatch.setattr(load, name, lambda path, *args, real=real: read.append(path.name) or real(path, *args))
    return read


def same_results(paths, criteria) -> None:
    fast, slow = load_results(paths, criteria), load_results(paths, criteria, fast=False)
    pd.testing.assert_frame_equal(fast.units, slow.units, check_exact=True)
    pd.testing.assert_frame_equal(fast.scores, slow.scores, check_exact=True)
    assert (fast.criteria_ids, fast.mixed_criteria) == (slow.criteria_ids, slow.mixed_criteria)


# ---------------------------------------------------------------- reading

def test_column_reading_equals_unit_by_unit_reading(periods, criteria, monkeypatch):
    read = unit_by_unit_readings(monkeypatch)
    same_results(periods, criteria)
    assert read == ["a.json", "b.csv"]  # only by the reference reading: the column pass took both files
    same_results(periods[:1], criteria)
    same_results(periods[1:], criteria)


def test_column_reading_equals_unit_by_unit_reading_on_the_sample_area(tmp_path, criteria):
    from click.testing import CliRunner

    from cli import main

    area = str(ROOT / "evaluations" / "sample-area" / "units.csv")
    outputs = {"results.json": ["--format", "json"], "machine.csv": ["--format", "csv"], "people.csv": []}
    for name, options in outputs.items():
        done = CliRunner().invoke(main, ["evaluate", area, *options, "-o", str(tmp_path / name)])
        assert done.exit_code == 1, done.output  # two units are invalid on purpose
        same_results([tmp_path / name], criteria)


def _rewritten(rows: list[dict], field: str, how) -> None:
    """The first row with a value in `field` gets it written another way (the same number: the figures must
    still add up, tests/test_aggregate_checks.py)."""
    row = next(row for row in rows[3:] if row[field].strip())
    row[field] = how(row[field])


@pytest.mark.parametrize("change", [
    lambda rows: _rewritten(rows, "total", lambda v: f"{v}.0"),        # a whole number written as a decimal
    lambda rows: _rewritten(rows, "total", lambda v: f" {v} "),        # spaces around it
    lambda rows: _rewritten(rows, "criterion_2", lambda v: f"{v}.0"),
    lambda rows: rows.__setitem__(4, {**rows[4], "extra": "x"}),  # a ragged row
])
def test_unusual_but_valid_cells_read_alike(tmp_path, criteria, periods, change):
    rows = list(csv.DictReader(periods[1].open(encoding="utf-8")))
    change(rows)
    path = tmp_path / "changed.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(rows[0]))
        writer.writerows([*row.values()] for row in rows)
    same_results([path], criteria)


@pytest.mark.parametrize("field, value, error", [
    ("status", "passed", "agg_bad_status"),
    ("total", "12,5", "agg_not_number"),
    ("threshold", "850.5", "agg_not_whole"),
    ("criterion_4", "abc", "agg_not_number"),
])
def test_a_bad_cell_is_named_the_same_way(tmp_path, criteria, periods, field, value, error):
    rows = list(csv.DictReader(periods[1].open(encoding="utf-8")))
    rows[7][field] = value
    rows[9]["status"] = "unknown"  # a later problem: the first one is named
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    messages = []
    for fast in (True, False):
        with pytest.raises(AggregateError) as raised:
            load_results([path], criteria, fast=fast)
        messages.append((raised.value.message.key, str(raised.value)))
    assert messages[0] == messages[1] and messages[0][0] == error and "row 9" in messages[0][1]


def test_json_with_numbers_for_codes_and_sets_as_objects_reads_alike(tmp_path, criteria, monkeypatch):
    units = synthetic_units(criteria, 60, seed=3)
    for index, unit in enumerate(units):
        unit["criteria_set"] = {"id": "qd06-2019", "digest": "ab" * 32}
        if index % 7 == 0:
            unit["unit_code"] = 10_000 + index  # a number, as another program may write it
    read = unit_by_unit_readings(monkeypatch)
    same_results([write_json(tmp_path / "r.json", units, criteria)], criteria)
    assert read == ["r.json", "r.json"]  # numbers for codes: left to the unit-by-unit reading


# ---------------------------------------------------------------- tables: the per-row code they replace

def reference_target_gaps(areas, keys, targets):
    """Each area row against the target in force for its period (the latest whose year it has reached)."""
    rows = []
    recognised = STATUS_VI["recognized"]
    for _, row in areas.iterrows():
        year = int(row[PERIOD][:4]) if row[PERIOD][:4].isdigit() else None  # "(không có kỳ)": no year
        due = [target for target in targets.targets if year is not None and target.year <= year]
        if not due:
            continue
        target = max(due, key=lambda t: t.year)
        rows.append({PERIOD: row[PERIOD], **{k: row[k] for k in keys}, UNITS: row[UNITS],
                     recognised: row[recognised], RATE: row[RATE],
                     "Mục tiêu năm": target.year, "Mục tiêu (%)": target.percent,
                     "Chênh lệch (điểm %)": row[RATE] - target.percent,
                     "Số đơn vị cần đạt thêm": units_needed(int(row[recognised]), int(row[UNITS]), target.percent)})
    return pd.DataFrame(rows)


def reference_criteria_table(frame, scores, criteria):
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


def reference_change_table(areas, keys):
    recognised = STATUS_VI["recognized"]
    rows = []
    areas = areas[areas[PERIOD] != NO_PERIOD]
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


@pytest.mark.parametrize("by", ["province", "district"])
@pytest.mark.parametrize("which", ["both", "first", "one period"])
def test_tables_equal_the_per_row_code_they_replace(periods, criteria, by, which, tmp_path):
    if which == "one period":  # no previous period anywhere: the empty change table
        units = [u for u in synthetic_units(criteria, 300, seed=5) if u["period"] == "2024"]
        paths = [write_json(tmp_path / "one.json", units, criteria)]
    else:
        paths = periods if which == "both" else periods[:1]
    results = load_results(paths, criteria)
    # Targets due in the periods the data holds (the shipped ones are due from 2025), one per period.
    targets = load_targets().model_copy(update={"targets": [Target(year=2023, percent=60),
                                                            Target(year=2024, percent=65.5)]})
    summary = summarise(results, criteria, by, targets)
    frame, keys = _with_areas(results.units, by)
    areas = by_area(frame, keys)
    expected = {"target": reference_target_gaps(areas, keys, targets),
                "criteria": reference_criteria_table(frame, results.scores, criteria),
                "change": reference_change_table(areas, keys)}
    for name, table in expected.items():
        pd.testing.assert_frame_equal(summary.tables[name], table, check_exact=True, obj=name)
    assert len(summary.tables["change"]) > 0 or which == "one period"
    assert not math.isnan(summary.tables["criteria"]["Điểm trung bình"].sum())
