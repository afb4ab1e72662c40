"""Synthetic areas for benchmarks: reproducible from a seed, plausible magnitudes, every outcome represented.

Units are the real units of the official list (engine/registry): their codes, names, districts and provinces, in
code order; every figure is invented. The old map (before 1 July 2025) has 10,035 units, the new one 3,321: units
asked for beyond the map's size get invented codes from 90001 up (cfc warns that they are not in the list).

    python bench/generate.py --units 10600 --seed 1 -o bench/out/national.csv            # the old map, 2024
    python bench/generate.py --map 2025 --units 3321 --seed 1 -o bench/out/national-2025.csv   # the new map, 2025
"""
from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from engine.criteria.model import load_criteria  # noqa: E402

CATEGORIES = [("other", 0.62), ("mountain_island_disadvantaged", 0.3), ("urban_ward_central_city", 0.08)]


def _share(rng: random.Random, total: int, low: float, high: float) -> int:
    return min(total, max(0, round(total * rng.uniform(low, high))))


def unit(rng: random.Random, index: int, real=None, period: str = "2024") -> dict:
    """One unit's invented figures; `real`: the registry unit it is given the code and names of."""
    children = rng.randint(600, 4500)
    births = rng.randint(max(1, children // 60), max(2, children // 30))
    under5 = births * 5
    villages = rng.randint(6, 25)
    # About six in ten communes do well (nationally ~57% met the standard in mid-2024); the rest spread over
    # every failure, most often criterion 3 or 5 at zero (the pattern seen in Gia Lai, 2022).
    good = rng.random() < 0.62
    lo = 0.97 if good else 0.85  # the low end of the "share reached" indicators

    def share(total: int, low: float = lo) -> int:
        return _share(rng, total, low, 1.0)

    row = {
        "unit_code": real.code if real else f"{90001 + index:05d}",
        "unit_name": real.name if real else f"Xã Thử Nghiệm {index + 1}",
        "district": real.district if real else None, "province": real.province if real else None,
        "period": period, "category": _category(rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0],
                                                real),
        "staff_assigned": "có" if good or rng.random() < 0.9 else "không",
        "villages_total": villages,
        "villages_with_collaborator": villages if good or rng.random() < 0.6 else villages - rng.randint(1, 3),
        "board_meets_regularly": "có" if good or rng.random() < 0.8 else "không",
        "has_funding": "có" if good or rng.random() < 0.85 else "không",
        "births": births, "births_registered": share(births, 0.99 if good else 0.88),
        "children_total": children,
        "children_abused": rng.choice([0] * 9 + [1]) if good else rng.choice([0, 1, 2, 3, 5, 8]),
        "children_offending": rng.choice([0] * 9 + [1]) if good else rng.randint(0, 4),
        "children_injured": rng.randint(0, 1) if good else rng.randint(0, 25),
        "special_children": (sc := rng.randint(0, 80)), "special_children_supported": share(sc, 0.96 if good else 0.85),
        "protection_cases": (pc := rng.choice([0, 0, 0, 1, 2])),
        "protection_cases_with_plan": pc if good or rng.random() < 0.8 else max(0, pc - 1),
        "under1_total": births, "under1_fully_vaccinated": share(births, 0.98 if good else 0.88),
        "under5_weighed": under5, "under5_underweight": _share(rng, under5, 0.01, 0.06 if good else 0.16),
        "under5_measured": under5, "under5_stunted": _share(rng, under5, 0.04, 0.12 if good else 0.28),
        "checkup_due": (cd := children // 2), "checkup_done": _share(rng, cd, 0.9 if good else 0.65, 1.0),
        "age5_total": (a5 := births), "age5_in_preschool": share(a5, 0.98 if good else 0.9),
        "primary_age_total": (pa := children // 3), "primary_age_in_school": share(pa, 0.98 if good else 0.92),
        "lower_secondary_age_total": (la := children // 4), "lower_secondary_age_in_school": share(la, 0.95 if good else 0.85),
        "children_forum_held": "có" if good or rng.random() < 0.7 else "không",
        "children_clubs_active": "có" if good or rng.random() < 0.75 else "không",
        "play_place": "có" if good or rng.random() < 0.7 else "không",
        "activities_held": rng.choice([2, 3, 4, 6] if good else [0, 1, 1, 2, 3]),
        "survey_respondents": (sr := rng.randint(50, 400)), "survey_satisfied": _share(rng, sr, 0.8 if good else 0.55, 0.98),
    }
    roll = rng.random()
    if roll < 0.02:
        row[rng.choice(["births", "checkup_done", "activities_held", "category"])] = ""  # incomplete
    elif roll < 0.03:
        row["births_registered"] = births + 1  # invalid: numerator above denominator
    elif roll < 0.035:
        row["under1_total"] = "98,5"  # invalid: decimal comma
    return row


def _category(drawn: str, real) -> str:
    """The drawn category, made possible for the real unit: a ward of a centrally governed city is an urban ward;
    no other unit is; a ward is never in the mountain category (which names communes and townships)."""
    if real is None:
        return drawn
    if real.is_ward and real.central_city:
        return "urban_ward_central_city"
    if drawn == "urban_ward_central_city" or real.is_ward:
        return "other"
    return drawn


def units(count: int, seed: int, map_id: str = "old"):
    """`count` rows: the map's units in code order, then invented ones."""
    from engine.registry import admin_map

    rng = random.Random(seed)
    real = list(admin_map(map_id).units.values())
    period = "2024" if map_id == "old" else "2025"
    for index in range(count):
        yield unit(rng, index, real[index] if index < len(real) else None, period)


def write(path: Path, count: int, seed: int, map_id: str = "old") -> None:
    names = [decl.name for decl in load_criteria().inputs]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        writer.writerows(units(count, seed, map_id))


def write_xlsx(path: Path, count: int, seed: int, map_id: str = "old") -> None:
    """The same units as `write`, as one workbook sheet typed the way a person fills it (counts as numbers)."""
    from openpyxl import Workbook

    names = [decl.name for decl in load_criteria().inputs]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Nhiều đơn vị")
    sheet.append(names)
    for row in units(count, seed, map_id):
        sheet.append([row.get(name) if isinstance(row.get(name), int) or name == "unit_code"
                      else str(row.get(name, "")) or None for name in names])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--map", dest="map_id", choices=["old", "2025"], default="old",
                        help="the units of the list before 1 July 2025 (period 2024) or from then (period 2025)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="a .csv or an .xlsx file")
    args = parser.parse_args()
    (write_xlsx if args.output.suffix.lower() == ".xlsx" else write)(args.output, args.units, args.seed, args.map_id)
