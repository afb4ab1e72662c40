"""Benchmark cfc as a user runs it, every figure beside the pure-Python reference scorer (tests/reference.py).

    python bench/bench.py                 # every figure of issue 11 (about 5 minutes on the project's machine)
    python bench/bench.py --quick         # 10,600 units CSV only, no 100,000-unit run

Each command runs as its own process (`cfc evaluate ...`, start to exit) and is timed with the peak resident
memory of its whole process tree. In the same run, the reference scorer scores the same 10,600 validated units
in one process; every time is printed with its ratio to that, so figures taken on a busy machine can still be
compared (both slow down together). Memory is the peak of the tree's summed resident sizes (the target's
measure), with the summed proportional sizes beside it (PSS: a page the forked workers share with the parent
counts once). bench/README.md records the figures measured.
"""
from __future__ import annotations

import argparse
import gc
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

from bench.engine_speed import measure  # noqa: E402
from bench.generate import write, write_xlsx  # noqa: E402

CLI = [sys.executable, str(ROOT / "cli.py")]
NATIONAL = 10_600


def _proc_kb(pid: int, path: str, field: str) -> int:
    try:
        with open(f"/proc/{pid}/{path}") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kb(pid: int) -> int:
    return _proc_kb(pid, "status", "VmRSS:")


def _pss_kb(pid: int) -> int:
    """Proportional set size: a page shared by n processes counts 1/n in each. Workers are forks of the
    parent and share its pages, which a sum of resident sizes counts once per process."""
    return _proc_kb(pid, "smaps_rollup", "Pss:")


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


def timed(command: list[str], stdout: Path | None = None) -> tuple[float, int, int, int]:
    """Wall time, peak memory of the whole process tree (MB, sampled every 20 ms: the sum of resident sizes,
    which counts a page shared by the workers once per process) and exit code, then the peak of the sum of
    proportional sizes (each shared page counted once)."""
    peak = shared = 0
    sink = open(stdout, "w") if stdout else subprocess.DEVNULL
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample():
        nonlocal peak, shared
        while not done.is_set():
            tree = _tree(process.pid)
            peak = max(peak, sum(_rss_kb(pid) for pid in tree))
            shared = max(shared, sum(_pss_kb(pid) for pid in tree))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if stdout:
        sink.close()
    return elapsed, peak // 1024, process.returncode, shared // 1024


def reference_seconds(path: Path) -> tuple[float, int]:
    """The reference scorer over the file's valid units (validated once beforehand), in this process."""
    import reference
    from engine.loading import plan, records
    from engine.criteria.model import default_criteria_path, load_criteria
    from engine.units.validate import validate_record

    criteria = load_criteria()
    units = [validate_record(criteria, record) for record in records(plan([path], criteria))]
    values = [unit.values for unit in units if not unit.errors]
    raw = reference.load(default_criteria_path())
    start = time.perf_counter()
    for unit in values:
        reference.evaluate(raw, unit)
    return time.perf_counter() - start, len(values)


def stages(path: Path) -> dict[str, float]:
    """Each stage of a batch alone, in this process, µs per unit: what the engine costs and what is around it."""
    from engine.loading import plan, records
    from engine.results.directory import DirectoryWriter
    from engine.results.render import RENDERERS, Meta, Summary
    from engine.criteria.model import load_criteria
    from engine.rules.evaluate import evaluate_units
    from engine.units.validate import validate_record

    criteria = load_criteria()
    out: dict[str, float] = {}

    def clock(label, work):
        gc.collect()  # a full collection owed by the stages before (the engine pauses the collector) is not this one's
        start = time.perf_counter()
        result = work()
        out[label] = (time.perf_counter() - start) * 1e6
        return result

    found = clock("read (both passes)", lambda: list(records(plan([path], criteria))))
    units = clock("validate", lambda: [validate_record(criteria, record) for record in found])
    list(evaluate_units(criteria, units[:10]))  # warm: ruleset registered, models built
    results = clock("engine (evaluate_units, gaps included)", lambda: list(evaluate_units(criteria, units)))
    meta = Meta(criteria.instrument.id, criteria.source, criteria.digest, criteria)
    pieces = {}
    for fmt in ("json", "table", "bundle"):
        renderer = RENDERERS[fmt]("vi", False)
        renderer.head(meta)
        pieces[fmt] = clock(f"render {fmt}", lambda: [renderer.unit(r, i) for i, r in enumerate(results)])
    bundle = RENDERERS["bundle"]("vi", False)
    with tempfile.TemporaryDirectory() as tmp:
        def write_directory():
            with DirectoryWriter(tmp) as writer:
                writer.write(bundle.head(meta))
                for piece in pieces["bundle"]:
                    writer.write(piece)
                writer.write(bundle.tail(Summary()))
        clock("write --output DIR (parent)", write_directory)
    return {label: micros / len(found) for label, micros in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,600 units from CSV only; no xlsx, no 100,000")
    parser.add_argument("--big", type=int, default=100_000, help="units of the memory run (0: skip it)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cli", type=Path, default=ROOT / "cli.py",
                        help="the cli.py to time (e.g. of an older checkout, for before/after figures)")
    args = parser.parse_args()
    CLI[1] = str(args.cli)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}; load average {os.getloadavg()[0]:.1f} at start")
    rows: list[tuple[str, float, int, int, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "national.csv"
        write(data, NATIONAL, args.seed)
        ref, scored = reference_seconds(data)
        print(f"reference scorer (tests/reference.py), {scored:,} valid units in one process: {ref:.2f} s "
              f"= 1.0 ref\n")

        def run(label: str, command: list[str], target: str, to_stdout: bool = True) -> None:
            elapsed, peak, code, shared = timed(CLI + command, stdout=tmp / "stdout" if to_stdout else None)
            rows.append((label, elapsed, peak, code, target))
            print(f"{label:<44} {elapsed:7.2f} s {elapsed / ref:6.1f} ref {peak:6} MB (PSS {shared:3} MB)  "
                  f"exit {code}  target {target}", flush=True)

        one = tmp / "one-unit.yaml"
        one.write_text((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        colds = [timed(CLI + ["evaluate", str(one)])[0] for _ in range(3)]
        print(f"{'one unit cold (best of 3)':<44} {min(colds):7.2f} s {min(colds) / ref:6.1f} ref"
              f"{'':>31}  target ≤ 0.5 s", flush=True)
        rows.append(("one unit cold (best of 3)", min(colds), 0, 0, "≤ 0.5 s"))
        run("10,600 units CSV → JSON on stdout", ["evaluate", str(data), "--format", "json"], "≤ 5 s")
        run("10,600 units CSV → --output DIR (3 files)", ["evaluate", str(data), "--output", str(tmp / "dir")],
            "≤ 5 s", to_stdout=False)
        run("10,600 units CSV → terminal table", ["evaluate", str(data)], "≤ 5 s")
        size = (tmp / "dir" / "results.json").stat().st_size
        print(f"{'':<44} results.json {size / 1e6:.1f} MB, {size / NATIONAL / 1024:.2f} KB per unit "
              f"(target ≤ 3 KB)")
        if not args.quick:
            book = tmp / "national.xlsx"
            write_xlsx(book, NATIONAL, args.seed)
            csv_times = {label.split("→ ")[1]: elapsed for label, elapsed, *_ in rows if "CSV" in label}
            for fmt, command in (("JSON on stdout", ["--format", "json"]), ("--output DIR (3 files)",
                                 ["--output", str(tmp / "dir-xlsx")]), ("terminal table", [])):
                run(f"10,600 units XLSX → {fmt}", ["evaluate", str(book), *command], "≤ 1.5 × CSV",
                    to_stdout="--output" not in command)
                print(f"{'':<44} = {rows[-1][1] / csv_times[fmt]:.2f} × CSV")
        if not args.quick and args.big:
            big = tmp / "country-big.csv"
            write(big, args.big, args.seed)
            run(f"{args.big:,} units CSV → JSON file (memory)", ["evaluate", str(big), "--format", "json", "-o",
                                                              str(tmp / "big.json")], "≤ 500 MB", to_stdout=False)
        sample = tmp / "stages.csv"
        write(sample, 2000, args.seed)
        per_unit = ref / scored * 1e6
        print(f"\neach stage alone, one process, 2,000 units (µs per unit; reference scorer {per_unit:.0f} µs):")
        for label, micros in stages(sample).items():
            target = "  target ≤ 250 µs" if label.startswith("engine") else ""
            print(f"  {label:<42} {micros:7.0f} µs {micros / per_unit:6.2f} ref{target}")
        # The engine's tables fill as a batch goes on: the same engine over all 10,600 units, results consumed
        # as a worker does (bench/engine_speed.py); the validated units stay in memory here, which a worker's
        # stream does not hold.
        national = measure(NATIONAL, 1, args.seed)
        print(f"  {'engine, all 10,600 units in one process':<42} {national['engine_us']:7.0f} µs "
              f"{national['ratio']:6.2f} ref  target ≤ 250 µs", flush=True)
    if not args.quick:
        print("\nprovincial review (bench/bench_aggregate.py):", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "bench_aggregate.py"), "--cli", str(args.cli)],
                       stdin=subprocess.DEVNULL, check=False)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
