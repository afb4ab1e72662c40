"""Old against new: every output `cfc evaluate` writes, from an older checkout and from this one, on the same data.

    git -C . archive main | (mkdir -p /tmp/old && tar -x -C /tmp/old)
    .venv/bin/python bench/compare_outputs.py --old /tmp/old                 # small files and 10,600 units
    .venv/bin/python bench/compare_outputs.py --old /tmp/old --units 0       # the small files only

The table, both CSVs, the workbook, --output DIR's results.csv and results.xlsx, and --detail's units must be
byte-identical. The compact JSON changed on purpose (issue 11): each old unit is turned into what the new format
says it is — its criteria set by key, the plan as data (no input labels, no sentences), `plan` null rather than
absent — and must then equal the new unit, key order included; the header must gain only the set's key, its
inputs' labels and `criteria_sets`. Prints one line per output and exits 1 on any difference.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "evaluations" / "sample-area" / "units.csv"
# One unit (the table shows every indicator), names with control characters and line breaks, one bad value per unit.
SMALL = [ROOT / "evaluations" / "single-unit.yaml", ROOT / "tests" / "fixtures" / "robust" / "control-characters.csv",
         ROOT / "tests" / "fixtures" / "robust" / "one-bad-value-per-unit.csv"]


def _evaluate(checkout: Path, data: Path, args: list[str], out: Path | None = None) -> bytes:
    # The same criteria file for both (the JSON header names it): the criteria are not what is compared.
    command = [sys.executable, str(checkout / "cli.py"), "evaluate", str(data), "--criteria", str(ROOT / "criteria"),
               *args]
    if out is not None:
        command += ["-o", str(out)]
    done = subprocess.run(command, capture_output=True, cwd=checkout, stdin=subprocess.DEVNULL)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{checkout}: {' '.join(command)} ended with {done.returncode}: {done.stderr.decode()}")
    return done.stdout


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _set_key(ref: dict) -> str:
    return f"{ref['id']}@{ref['effective']} sha256:{ref['digest'][:12]}"


def _expected_unit(old: dict) -> dict:
    """An old compact unit as the new format writes it."""
    unit = {key: value for key, value in old.items() if key not in ("plan", "criteria_set")}
    plan = old.get("plan")
    unit["plan"] = None if plan is None else {
        "reaches_recognition": plan["reaches_recognition"],
        "changes": [{key: value for key, value in change.items() if key != "label"} for change in plan["changes"]],
        "blocked_by": [{"criterion": block["criterion"], "indicator": block["indicator"]}
                       for block in plan["blocked_by"]]}
    ref = old.get("criteria_set")
    unit["criteria_set"] = None if ref is None else _set_key(ref)
    return unit


def _header_difference(old: dict, new: dict) -> list[str]:
    problems = []
    keys = [key for key in new if key != "criteria_sets"]
    if keys != list(old) or new.get("criteria_sets") != {}:
        problems.append(f"header keys {list(old)} → {list(new)}")
    for key in old:
        if key in ("criteria", "units"):
            continue
        if old[key] != new.get(key):
            problems.append(f"header {key}: {old[key]!r} → {new.get(key)!r}")
    trimmed = {key: value for key, value in new["criteria"].items() if key not in ("key", "inputs")}
    if _dumps(trimmed) != _dumps(old["criteria"]):
        problems.append("criteria metadata differs beyond its key and inputs")
    return problems


def _compare_json(old_bytes: bytes, new_bytes: bytes, compact: bool) -> list[str]:
    old, new = json.loads(old_bytes), json.loads(new_bytes)
    problems = _header_difference(old, new)
    if len(old["units"]) != len(new["units"]):
        return problems + [f"{len(old['units'])} units → {len(new['units'])}"]
    for index, (before, after) in enumerate(zip(old["units"], new["units"])):
        expected = _expected_unit(before) if compact else before
        if _dumps(expected) != _dumps(after):
            problems.append(f"unit {index} ({before.get('unit_code')}) differs")
            break
    # The layout around the units: one unit per line, in the same place as before.
    if old_bytes.count(b"\n") != new_bytes.count(b"\n"):
        problems.append("line layout differs")
    return problems


def _report(label: str, problems: list[str], failures: list[str]) -> None:
    print(f"{'same' if not problems else 'DIFFERENT':<10} {label}" + "".join(f"\n           {p}" for p in problems))
    if problems:
        failures.append(label)


def compare(old: Path, data: Path, tmp: Path, failures: list[str], langs: list[str]) -> None:
    for lang in langs:
        name = f"{data.name} --lang {lang}"
        for fmt in ("table", "csv"):
            before = _evaluate(old, data, ["--format", fmt, "--lang", lang])
            after = _evaluate(ROOT, data, ["--format", fmt, "--lang", lang])
            _report(f"{name} --format {fmt}", [] if before == after else ["bytes differ"], failures)
        for detail in ([], ["--detail"]):
            before = _evaluate(old, data, ["--format", "json", "--lang", lang, *detail])
            after = _evaluate(ROOT, data, ["--format", "json", "--lang", lang, *detail])
            _report(f"{name} --format json {' '.join(detail)}", _compare_json(before, after, not detail), failures)
        for suffix in ("xlsx", "csv"):
            paths = [tmp / f"old-{data.stem}-{lang}.{suffix}", tmp / f"new-{data.stem}-{lang}.{suffix}"]
            _evaluate(old, data, ["--lang", lang], paths[0])
            _evaluate(ROOT, data, ["--lang", lang], paths[1])
            same = paths[0].read_bytes() == paths[1].read_bytes()
            _report(f"{name} -o results.{suffix}", [] if same else ["bytes differ"], failures)
        dirs = [tmp / f"old-{data.stem}-{lang}", tmp / f"new-{data.stem}-{lang}"]
        _evaluate(old, data, ["--lang", lang], dirs[0])
        _evaluate(ROOT, data, ["--lang", lang], dirs[1])
        problems = [f"{file} bytes differ" for file in ("results.csv", "results.xlsx")
                    if (dirs[0] / file).read_bytes() != (dirs[1] / file).read_bytes()]
        problems += _compare_json((dirs[0] / "results.json").read_bytes(), (dirs[1] / "results.json").read_bytes(), True)
        _report(f"{name} --output DIR", problems, failures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, required=True, help="an older checkout (its cli.py is run)")
    parser.add_argument("--units", type=int, default=10_600, help="synthetic units besides the small files (0: none)")
    parser.add_argument("--only-synthetic", action="store_true", help="skip the small files")
    parser.add_argument("--lang", choices=["vi", "en"], action="append", help="only this language (repeatable)")
    args = parser.parse_args()
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        datasets = [] if args.only_synthetic else [SAMPLE, *SMALL]
        if args.units:
            national = tmp / "national.csv"
            subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--units", str(args.units),
                            "--seed", "1", "-o", str(national)], check=True, stdout=subprocess.DEVNULL)
            datasets.append(national)
        for data in datasets:
            compare(args.old.resolve(), data, tmp, failures, args.lang or ["vi", "en"])
    print(f"\n{len(failures)} outputs differ" if failures else "\nevery output is the same")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
