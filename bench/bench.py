"""Benchmark cfc as a user runs it, beside a plain scorer of the same rules and the numpy floor (issue 24).

    python bench/bench.py                 # every figure (several minutes on the project's machine)
    python bench/bench.py --quick         # 10,600 units from CSV only, no 100,000-unit run

Each command runs as its own process, start to exit, and is timed with the processor time of its whole process
tree (the command and every worker it started: user + system, as the operating system accounts a finished child
and its reaped children). Wall and processor time come from runs with nothing else watching (the best wall of two);
the peak memory of the tree (summed resident sizes, and the summed proportional sizes, PSS, which count a page the
forked workers share with the parent once) from one more run, sampled every 20 ms. Sampling is not free: listing
/proc and reading each process's smaps_rollup took ~0.12 s of processor a second, taken from the two cores the
command runs on, so a sampled run's wall is longer than a user's. The yardsticks run
the same way, end to end on the same CSV: bench/plain_scorer.py (Fractions, the same rules from the same YAML,
no explanations) and bench/numpy_floor.py (pandas and numpy, all units at once). "CPU per unit" is the tree's
processor time over the 10,600 units; its ratio to the plain scorer's is the target (≤ 3×). bench/README.md
records the figures measured; the machine's load average is printed with them.
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
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


def cfc(cli: Path) -> list[str]:
    """The command that runs `cli` (a checkout's cli.py) as the `cfc` a user types does: pip's console script
    imports cli and calls main, so cli.py's compiled bytecode is used. `python cli.py` would parse its 1,200
    lines again at every start (~15 ms of processor: 5% of a cold unit), which no user's command does."""
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(cli.parent)!r}); sys.argv[0] = 'cfc'; "
            "from cli import main; main()"]


CLI = cfc(ROOT / "cli.py")
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


def timed(command: list[str], stdout: Path | None = None, sample: bool = True) -> tuple[float, int, int, int, float]:
    """Wall time, peak memory of the whole process tree (MB, sampled every 20 ms: the sum of resident sizes,
    which counts a page shared by the workers once per process) and exit code, the peak of the sum of
    proportional sizes (each shared page counted once), and the processor time of the tree (s). With `sample`
    False memory is not watched (0 MB): the run's wall is what a user waits, undisturbed."""
    peak = shared = 0
    sink = open(stdout, "w") if stdout else subprocess.DEVNULL
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample_memory():
        nonlocal peak, shared
        while not done.is_set():
            tree = _tree(process.pid)
            peak = max(peak, sum(_rss_kb(pid) for pid in tree))
            shared = max(shared, sum(_pss_kb(pid) for pid in tree))
            done.wait(0.02)

    sampler = threading.Thread(target=sample_memory, daemon=True)
    if sample:
        sampler.start()
    process.wait()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    done.set()
    if sample:
        sampler.join()
    if stdout:
        sink.close()
    return elapsed, peak // 1024, process.returncode, shared // 1024, cpu


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
    from engine.batch import CHUNK
    from engine.units.validate import validate_records

    criteria = load_criteria()
    out: dict[str, float] = {}

    def clock(label, work):
        gc.collect()  # a full collection owed by the stages before (the engine pauses the collector) is not this one's
        start = time.perf_counter()
        result = work()
        out[label] = (time.perf_counter() - start) * 1e6
        return result

    found = clock("read", lambda: list(records(plan([path], criteria))))
    # As a worker validates its chunks (engine/batch.py CHUNK): the batch path, values read before looked up.
    units = clock("validate", lambda: [unit for start in range(0, len(found), CHUNK)
                                       for unit in validate_records(criteria, found[start:start + CHUNK])])
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
    CLI[:] = cfc(args.cli.resolve())
    # As an installed cfc runs: its modules compiled (pip compiles them; a checkout run with
    # PYTHONDONTWRITEBYTECODE set would compile every module at every start).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.cli.parent / "engine"), str(args.cli)],
                   check=False, stdout=subprocess.DEVNULL)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}; load average {os.getloadavg()[0]:.1f} at start")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "national.csv"
        write(data, NATIONAL, args.seed)
        yardsticks = {}
        for name, script in (("plain scorer", "plain_scorer.py"), ("numpy floor", "numpy_floor.py")):
            runs = [timed([sys.executable, str(ROOT / "bench" / script), str(data), "-o", str(tmp / f"{script}.out")],
                          sample=False) for _ in range(3)]
            elapsed, _, _, _, cpu = min(runs, key=lambda run: run[4])
            yardsticks[name] = cpu
            print(f"{name + ' (bench/' + script + '), CSV → results':<46} {elapsed:6.2f} s wall {cpu:6.2f} s CPU "
                  f"= {cpu / NATIONAL * 1e6:4.0f} µs per unit (best of 3)", flush=True)
        plain = yardsticks["plain scorer"]
        print()
        csv_wall: dict[str, float] = {}

        def run(label: str, command: list[str], target: str, to_stdout: bool = True, units: int = NATIONAL) -> float:
            stdout = tmp / "stdout" if to_stdout else None
            # Time from two runs nothing watches (the best wall), memory from a third, sampled.
            elapsed, _, code, _, cpu = min((timed(CLI + command, stdout, sample=False) for _ in range(2)),
                                           key=lambda run: run[0])
            _, peak, _, shared, _ = timed(CLI + command, stdout)
            per_unit = cpu / units * 1e6
            print(f"{label:<46} {elapsed:6.2f} s wall {cpu:6.2f} s CPU {per_unit:4.0f} µs/unit "
                  f"{cpu / plain:4.1f}× plain {peak:5} MB (PSS {shared:3} MB) exit {code}  target {target}",
                  flush=True)
            return elapsed

        one = tmp / "one-unit.yaml"
        one.write_text((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        colds = [timed(CLI + ["evaluate", str(one)], sample=False) for _ in range(3)]
        cold = min(colds, key=lambda run: run[0])
        print(f"{'one unit cold (best of 3)':<46} {cold[0]:6.2f} s wall {cold[4]:6.2f} s CPU{'':>48}target ≤ 0.3 s",
              flush=True)
        outputs = [("JSON on stdout", ["--format", "json"], True), ("machine CSV on stdout", ["--format", "csv"], True),
                   ("CSV for people (-o x.csv)", ["-o", str(tmp / "people.csv")], False),
                   ("terminal table", [], True), ("--output DIR (3 files)", ["--output", str(tmp / "dir")], False)]
        for name, command, to_stdout in outputs:
            csv_wall[name] = run(f"10,600 units CSV → {name}", ["evaluate", str(data), *command], "≤ 2.5 s, ≤ 3× plain",
                                 to_stdout)
        size = (tmp / "dir" / "results.json").stat().st_size
        print(f"{'':<46} results.json {size / 1e6:.1f} MB, {size / NATIONAL / 1024:.2f} KB per unit (target ≤ 3 KB)")
        if not args.quick:
            book = tmp / "national.xlsx"
            write_xlsx(book, NATIONAL, args.seed)
            for name, command, to_stdout in outputs:
                command = [part.replace("people.csv", "people-x.csv").replace("dir", "dir-x") for part in command]
                elapsed = run(f"10,600 units XLSX → {name}", ["evaluate", str(book), *command], "≤ 2.5 s, ≤ 1.3× CSV",
                              to_stdout)
                print(f"{'':<46} = {elapsed / csv_wall[name]:.2f} × CSV")
        if not args.quick and args.big:
            big = tmp / "country-big.csv"
            write(big, args.big, args.seed)
            elapsed = run(f"{args.big:,} units CSV → JSON file (memory)", ["evaluate", str(big), "--format", "json",
                                                                           "-o", str(tmp / "big.json")],
                          "≤ 400 MB PSS", to_stdout=False, units=args.big)
            print(f"{'':<46} {elapsed / args.big * 1e6:.0f} µs wall per unit, against "
                  f"{csv_wall['JSON on stdout'] / NATIONAL * 1e6:.0f} at 10,600 (linear time: about the same)")
        sample = tmp / "stages.csv"
        write(sample, 2000, args.seed)
        ref, scored = reference_seconds(sample)
        per_unit = ref / scored * 1e6
        print(f"\neach stage alone, one process, 2,000 units (µs per unit; tests/reference.py {per_unit:.0f} µs):")
        for label, micros in stages(sample).items():
            print(f"  {label:<42} {micros:7.0f} µs", flush=True)
        national = measure(NATIONAL, 1, args.seed)
        print(f"  {'engine, all 10,600 units in one process':<42} {national['engine_us']:7.0f} µs "
              f"(of which durable_rules {national['durable_us']:.0f} µs)", flush=True)
    if not args.quick:
        print("\nprovincial review (bench/bench_aggregate.py):", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "bench_aggregate.py"), "--cli", str(args.cli)],
                       stdin=subprocess.DEVNULL, check=False)
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
