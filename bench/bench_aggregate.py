"""Provincial review over the whole country: `cfc aggregate` and `cfc report summary` on 10,600 units × 2 periods.

    python bench/bench_aggregate.py                    # results as the machine CSV (default)
    python bench/bench_aggregate.py --format json      # results as JSON (their size depends on the JSON format)
    python bench/bench_aggregate.py --cli OLD/cli.py   # the same commands of an older checkout (before/after)

Two synthetic periods are generated (bench/generate.py, seeds 1 and 2; the first renamed 2023, both on the map before the
1 July 2025 reform, so that every commune has a period before to compare with), each
evaluated once with `cfc evaluate` (not timed), then each command is run as a separate process, as a user would,
`--repeat` times. First the pure-Python reference scorer (tests/reference.py) scores the 2024 period's valid units
in this process, as bench/bench.py times it: that is 1 ref. Printed per command: the best wall time, the processor
time of that run (user + system: what the run costs on an idle machine when the wall time is inflated by other
load), both as ratios to the reference, and the target (issue 11: ≤ 5 s).
"""
from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.bench import reference_seconds  # noqa: E402

TARGET_SECONDS = 5.0


def cfc(*args: str, cli: Path = ROOT / "cli.py") -> list[str]:
    return [sys.executable, str(cli), *args]


def make_period(folder: Path, units: int, seed: int, period: str, fmt: str) -> Path:
    data, results = folder / f"units-{period}.csv", folder / f"results-{period}.{fmt}"
    if results.exists() and data.exists():  # a --folder made by an earlier run
        return results
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--units", str(units), "--seed", str(seed),
                    "-o", str(data)], check=True, stdout=subprocess.DEVNULL)
    rows = list(csv.DictReader(data.open(encoding="utf-8")))
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "period": period} for row in rows)
    done = subprocess.run(cfc("evaluate", str(data), "--format", fmt, "-o", str(results)), capture_output=True)
    if done.returncode not in (0, 1):  # 1: the synthetic data holds invalid units on purpose
        raise SystemExit(done.stderr.decode())
    return results


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, processor seconds (user + system) and the exit code of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=10600)
    parser.add_argument("--format", default="csv", choices=["csv", "json"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cli", type=Path, default=ROOT / "cli.py",
                        help="the cli.py whose commands are timed (e.g. of an older checkout)")
    parser.add_argument("--folder", type=Path,
                        help="keep the data and results here and reuse them on the next run (same --units)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cfc-bench-aggregate-") as tmp:
        folder = args.folder or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results = [str(make_period(folder, args.units, seed, period, args.format))
                   for seed, period in ((2, "2023"), (1, "2024"))]
        size = sum(os.path.getsize(r) for r in results) / 1e6
        print(f"{args.units:,} units × 2 periods, results as {args.format} ({size:.1f} MB); "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; timing {args.cli}")
        ref, scored = reference_seconds(folder / "units-2024.csv")
        print(f"reference scorer (tests/reference.py), {scored:,} valid units of 2024 in one process: {ref:.2f} s "
              f"= 1.0 ref")
        commands = {
            "cfc aggregate": cfc("aggregate", *results, "-o", str(folder / "review"), cli=args.cli),
            "cfc report summary": cfc("report", "summary", *results, "-o", str(folder / "summary.pdf"), cli=args.cli),
        }
        for name, command in commands.items():
            runs = [timed(command) for _ in range(args.repeat)]
            wall, cpu, _ = min(runs)
            verdict = "met" if wall <= TARGET_SECONDS else ("met on processor time" if cpu <= TARGET_SECONDS
                                                            else "NOT met")
            print(f"{name:<20} wall {wall:6.2f} s {wall / ref:5.2f} ref  processor {cpu:6.2f} s {cpu / ref:5.2f} ref  "
                  f"target ≤ {TARGET_SECONDS:g} s: {verdict}", flush=True)
        print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
