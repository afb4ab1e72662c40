"""The floor: the same rules scored for all units at once, with pandas' C parser and numpy — as fast as scoring the
criteria file's rules can be in this language, and no faster than that: nothing explained, no gap, no plan.

    python bench/numpy_floor.py national.csv > results.jsonl

It reads the same criteria YAML and the same CSV as bench/plain_scorer.py and writes the same lines (code, status,
total, points per criterion), comparing every measure with every bound exactly in integers (a rate's
numerator × scale × q against p × denominator for a bound p/q), as the plain scorer does with fractions. bench/README
compares cfc and the plain scorer with it. It imports nothing from cfc.
"""
from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCALE = {"percent": 100, "per_1000": 1000}
YES = {"có", "co", "yes", "true", "1", "x"}
NO = {"không", "khong", "no", "false", "0"}


def score(criteria: dict, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """(status codes 0 recognised 1 not 2 incomplete 3 invalid, totals, complete, points per criterion)."""
    n = len(frame)
    invalid = np.zeros(n, bool)
    values: dict[str, np.ndarray] = {}
    present: dict[str, np.ndarray] = {}
    for decl in criteria["inputs"]:
        column = frame[decl["name"]] if decl["name"] in frame else pd.Series([""] * n)
        text = column.fillna("").astype(str).str.strip()
        given = (text != "").to_numpy()
        if decl["type"] == "count":
            digits = text.str.fullmatch(r"[0-9]{1,12}").to_numpy()
            invalid |= given & ~digits
            values[decl["name"]] = np.where(digits, pd.to_numeric(text.where(digits, "0")), 0).astype(np.int64)
        elif decl["type"] == "yes_no":
            word = text.str.casefold()
            yes, no = word.isin(YES).to_numpy(), word.isin(NO).to_numpy()
            invalid |= given & ~(yes | no)
            values[decl["name"]] = yes.astype(np.int64)
        elif decl["type"] == "category":
            known = text.isin([c["id"] for c in criteria["categories"]]).to_numpy()
            invalid |= given & ~known
            values[decl["name"]] = text.to_numpy()
        present[decl["name"]] = given
    complete = np.ones(n, bool)
    per_criterion = []
    for criterion in criteria["criteria"]:
        got = np.zeros(n, np.int64)
        for indicator in criterion["indicators"]:
            measure, bands = indicator["measure"], indicator["scoring"]["bands"]
            if measure["kind"] in SCALE:
                num, den = values[measure["numerator"]], values[measure["denominator"]]
                there = present[measure["numerator"]] & present[measure["denominator"]]
                invalid |= there & (num > den)
                top, bottom = SCALE[measure["kind"]] * num, den  # the measure is top / bottom
            else:
                there = present[measure["input"]]
                top, bottom = values[measure["input"]], np.ones(n, np.int64)
            complete &= there
            points = np.full(n, -1, np.int64)
            for band in bands:  # best first; each measure lies in exactly one band
                inside = np.ones(n, bool)
                if "is" in band:
                    inside &= top == int(bool(band["is"]))
                for key, test in (("min", np.greater_equal), ("above", np.greater), ("max", np.less_equal),
                                  ("below", np.less), ("equals", np.equal)):
                    if key in band:
                        bound = Fraction(str(band[key]))
                        inside &= test(top * bound.denominator, bound.numerator * bottom)
                points = np.where((points < 0) & inside, band["points"], points)
            if measure["kind"] in SCALE:
                best, worst = max(b["points"] for b in bands), min(b["points"] for b in bands)
                empty = bottom == 0
                points = np.where(empty, best if measure["empty_denominator"] == "full_points" else worst, points)
            got += np.where(there, points, 0)
        per_criterion.append(got)
    points = np.stack(per_criterion)
    total = points.sum(axis=0)
    categories = {c["id"]: c["threshold"] for c in criteria["categories"]}
    category = values.get("category", np.array([""] * n, object))
    threshold = np.array([categories.get(c, 1 << 30) for c in category])
    complete &= np.isin(category, list(categories))
    met = (points >= criteria["recognition"]["min_points_per_criterion"]).all(axis=0)
    status = np.where(invalid, 3, np.where(~complete, 2, np.where(met & (total >= threshold), 0, 1)))
    return status, total, complete, per_criterion


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--criteria", type=Path, default=sorted((ROOT / "criteria").glob("*.yaml"))[-1])
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    with open(args.criteria, encoding="utf-8") as handle:
        criteria = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    status, total, _, per_criterion = score(criteria, frame)
    names = np.array(["recognized", "not_recognized", "incomplete", "invalid"])[status]
    points = np.stack(per_criterion).T.tolist()
    codes = frame["unit_code"].tolist()
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    for code, name, unit_total, unit_points, state in zip(codes, names.tolist(), total.tolist(), points,
                                                          status.tolist()):
        bad = state == 3
        out.write(json.dumps({"unit_code": code, "status": name, "total": None if bad else unit_total,
                              "criteria": None if bad else unit_points}, ensure_ascii=False) + "\n")
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
