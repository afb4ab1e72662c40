"""Benchmark cfc: end-to-end batches, cold start, engine cost per unit, and the engine against the reference.

    python bench/bench.py                    # 100 / 1,000 / 10,600 / 100,000 units
    python bench/bench.py --sizes 100 1000   # a quicker run

Prints a table; bench/README.md records the figures measured and the machine they were measured on.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench.generate import write  # noqa: E402

CLI = [sys.executable, str(ROOT / "cli.py")]


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """pid and all its descendants (the worker processes), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def timed(command: list[str]) -> tuple[float, int, int]:
    """Wall time, peak memory of the whole process tree (MB, sampled every 20 ms) and exit code."""
    peak = 0
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(_rss_kb(pid) for pid in _tree(process.pid)))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return elapsed, peak // 1024, process.returncode


def engine_vs_reference(units: int, seed: int) -> dict[str, float]:
    """In one process, on the same validated units: the engine's CPU time per unit (scores, decision, gaps and
    plan), the part of it in durable_rules, and the ratio to the pure-Python reference evaluator."""
    from bench.engine_speed import measure
    return measure(units, runs=1, seed=seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10600, 100000])
    parser.add_argument("--format", default="csv", choices=["csv", "json"])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        one = tmp / "one-unit.yaml"
        one.write_text((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        colds = [timed(CLI + ["evaluate", str(one)])[0] for _ in range(3)]
        print(f"cold start, `cfc evaluate one-unit.yaml`: best {min(colds):.2f} s, worst {max(colds):.2f} s")
        print()
        print(f"{'units':>8} {'jobs':>4} {'seconds':>8} {'units/s':>8} {'peak MB':>8}  exit")
        for size in args.sizes:
            data = tmp / f"units-{size}.csv"
            write(data, size, args.seed)
            for jobs in (1, 2):
                out = tmp / f"results-{size}-{jobs}.{args.format}"
                elapsed, peak, code = timed(CLI + ["evaluate", str(data), "--format", args.format,
                                                   "-o", str(out), "--jobs", str(jobs)])
                print(f"{size:>8} {jobs:>4} {elapsed:>8.2f} {size / elapsed:>8.0f} {peak:>8}  {code}", flush=True)
            same = (tmp / f"results-{size}-1.{args.format}").read_bytes() == (tmp / f"results-{size}-2.{args.format}").read_bytes()
            print(f"{'':>8} 1 and 2 jobs give identical output: {same}")
        figures = engine_vs_reference(2000, args.seed)
        print()
        print(f"engine, in one process, 2,000 units: {figures['engine_us']:.0f} µs per unit (CPU), of which "
              f"durable_rules {figures['durable_us']:.0f} µs; engine time / reference evaluator time = "
              f"{figures['ratio']:.1f}")


if __name__ == "__main__":
    main()
