"""The yardstick: a plain scorer of the same rules, as anyone would write it in an afternoon.

    python bench/plain_scorer.py national.csv > results.jsonl
    python bench/plain_scorer.py national.csv --criteria criteria/qd06-2019-01-03.yaml -o results.jsonl

It reads the same criteria YAML (inputs and their types, every indicator's measure and bands, the categories'
thresholds, the minimum per criterion) and a CSV with a header row of input names, and writes one JSON object per
unit: code, status, total, points per criterion. Exact arithmetic (fractions.Fraction, bounds read as written),
the empty-denominator policy, missing data (incomplete) and unusable values (invalid: not a count, a numerator
above its denominator) — and nothing else: no explanations, gaps, plans, labels, cells, warnings, limits or
checks of the criteria file. It imports nothing from cfc. bench/README.md compares cfc with it, end to end:
start to exit, CSV in, results out.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from fractions import Fraction
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCALE = {"percent": 100, "per_1000": 1000}
YES = {"có", "co", "yes", "true", "1", "x"}
NO = {"không", "khong", "no", "false", "0"}
CHECKS = {"min": Fraction.__ge__, "above": Fraction.__gt__, "max": Fraction.__le__, "below": Fraction.__lt__,
          "equals": Fraction.__eq__}


class Invalid(Exception):
    pass


def load(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def compile_bands(bands: list[dict]) -> list[tuple[list, int]]:
    """Each band as ([(comparison, exact bound)], points); a yes/no band compares 1 or 0."""
    out = []
    for band in bands:
        if "is" in band:
            tests = [(Fraction.__eq__, Fraction(int(bool(band["is"]))))]
        else:
            tests = [(CHECKS[key], Fraction(str(band[key]))) for key in CHECKS if key in band]
        out.append((tests, band["points"]))
    return out


def parse(kind: str, text: str, categories: dict):
    text = text.strip()
    if not text:
        return None
    if kind == "count":
        if not (text.isascii() and text.isdigit()):
            raise Invalid(text)
        return int(text)
    if kind == "yes_no":
        word = text.casefold()
        if word in YES:
            return True
        if word in NO:
            return False
        raise Invalid(text)
    if kind == "category":
        if text not in categories:
            raise Invalid(text)
    return text


def score(criteria: dict, categories: dict, rules: list, row: dict) -> dict:
    values = {}
    try:
        for decl in criteria["inputs"]:
            values[decl["name"]] = parse(decl["type"], row.get(decl["name"]) or "", categories)
        for number, indicators in rules:
            for measure, _, _, _ in indicators:
                if measure["kind"] in SCALE:
                    num, den = values[measure["numerator"]], values[measure["denominator"]]
                    if num is not None and den is not None and num > den:
                        raise Invalid(measure["numerator"])
    except Invalid:
        return {"unit_code": row.get("unit_code"), "status": "invalid", "total": None, "criteria": None}
    points, complete = [], True
    for number, indicators in rules:
        got = 0
        for measure, bands, best, worst in indicators:
            if measure["kind"] in SCALE:
                num, den = values[measure["numerator"]], values[measure["denominator"]]
                if num is None or den is None:
                    complete = False
                    continue
                if den == 0:
                    got += best if measure["empty_denominator"] == "full_points" else worst
                    continue
                value = Fraction(SCALE[measure["kind"]] * num, den)
            else:
                value = values[measure["input"]]
                if value is None:
                    complete = False
                    continue
                value = Fraction(int(value))
            got += next(p for tests, p in bands if all(test(value, bound) for test, bound in tests))
        points.append(got)
    total = sum(points)
    category = values.get("category")
    if not complete or category is None:
        status = "incomplete"
    elif min(points) >= criteria["recognition"]["min_points_per_criterion"] and total >= categories[category]:
        status = "recognized"
    else:
        status = "not_recognized"
    return {"unit_code": values.get("unit_code"), "status": status, "total": total, "criteria": points}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--criteria", type=Path, default=sorted((ROOT / "criteria").glob("*.yaml"))[-1])
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    criteria = load(args.criteria)
    rules = [(c["number"], [(i["measure"], compile_bands(i["scoring"]["bands"]),
                             max(b["points"] for b in i["scoring"]["bands"]),
                             min(b["points"] for b in i["scoring"]["bands"])) for i in c["indicators"]])
             for c in criteria["criteria"]]
    categories = {c["id"]: c["threshold"] for c in criteria["categories"]}
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    with open(args.csv, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            out.write(json.dumps(score(criteria, categories, rules, row), ensure_ascii=False) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
