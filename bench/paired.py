"""Old and new in turns: each command of the national batch run by an older checkout and by this one alternately,
nothing watching (no memory sampling), and the min and median of wall and processor time printed for each.

    python bench/paired.py --old /tmp/old                   # every format, from CSV and .xlsx, 3 runs each
    python bench/paired.py --old /tmp/old --reps 5 DIR xlsx   # only the commands whose name holds DIR or xlsx

The machine's speed drifts (on the project's machine the plain scorer took 0.87 s and 1.18 s minutes apart), so a
before/after figure is only fair when the two take turns; bench.py's table is one pass of the current checkout.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench import NATIONAL, cfc, timed  # noqa: E402
from bench.generate import write, write_xlsx  # noqa: E402


def commands(tmp: Path) -> list[tuple[str, list[str], bool]]:
    """(name, arguments after `cli.py`, whether its output goes to stdout)."""
    out = []
    for kind in ("CSV", "xlsx"):
        data = str(tmp / f"national.{kind.lower()}")
        out += [(f"{kind} → JSON", ["evaluate", data, "--format", "json"], True),
                (f"{kind} → machine CSV", ["evaluate", data, "--format", "csv"], True),
                (f"{kind} → CSV for people", ["evaluate", data, "-o", str(tmp / "people.csv")], False),
                (f"{kind} → table", ["evaluate", data], True),
                (f"{kind} → --output DIR", ["evaluate", data, "--output", str(tmp / "dir")], False)]
    return out + [("one unit cold", ["evaluate", str(ROOT / "evaluations" / "single-unit.yaml")], True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="an older checkout (git archive REV | tar -x -C DIR)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("only", nargs="*", help="only the commands whose name holds one of these words")
    args = parser.parse_args()
    checkouts = {"old": args.old.resolve(), "new": ROOT}
    for checkout in checkouts.values():  # as an installed cfc runs: its modules compiled
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(checkout / "engine"), str(checkout / "cli.py")],
                       check=False, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write(tmp / "national.csv", NATIONAL, args.seed)
        write_xlsx(tmp / "national.xlsx", NATIONAL, args.seed)
        plain = [sys.executable, str(ROOT / "bench" / "plain_scorer.py"), str(tmp / "national.csv"), "-o",
                 str(tmp / "plain.out")]
        todo = [("plain scorer", plain, False, False)]
        todo += [(name, arguments, to_stdout, True) for name, arguments, to_stdout in commands(tmp)]
        print(f"{'10,600 units':<26} {'min / median wall, median CPU of the tree (s)':>48}")
        for name, arguments, to_stdout, per_checkout in todo:
            if args.only and not any(word in name for word in args.only):
                continue
            runs: dict[str, list[tuple[float, float]]] = {label: [] for label in checkouts}
            for _ in range(args.reps):
                for label, checkout in checkouts.items():
                    command = [*cfc(checkout / "cli.py"), *arguments] if per_checkout else arguments
                    elapsed, _, _, _, cpu = timed(command, tmp / "stdout" if to_stdout else None, sample=False)
                    runs[label].append((elapsed, cpu))
            line = f"{name:<26}"
            for label, measured in runs.items():
                walls = [wall for wall, _ in measured]
                line += (f"  {label}: {min(walls):5.2f} / {statistics.median(walls):5.2f} s, "
                         f"{statistics.median(cpu for _, cpu in measured):5.2f} s CPU")
            print(line, flush=True)


if __name__ == "__main__":
    main()
