"""Old against new: every output `cfc evaluate` writes, from an older checkout and from this one, on the same data.

    git -C . archive main | (mkdir -p /tmp/old && tar -x -C /tmp/old)
    .venv/bin/python bench/compare_outputs.py --old /tmp/old                 # small files and 10,600 units
    .venv/bin/python bench/compare_outputs.py --old /tmp/old --units 0       # the small files only
    .venv/bin/python bench/compare_outputs.py --old /tmp/old --xlsx          # the national data as a workbook too

The table, the machine CSV and the CSV for people, the workbook, JSON (compact and --detail) and the three files of
--output DIR must be byte-identical — but for one thing: the version of cfc that wrote them (`cfc_version` in
JSON's head, the last column of both CSVs and of the results sheet), which is masked on both sides before
comparing (both checkouts must stamp it). Prints one line per output and exits 1 on any difference.
"""
from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "evaluations" / "sample-area" / "units.csv"
# One unit (the table shows every indicator), names with control characters and line breaks, one bad value per unit.
SMALL = [ROOT / "evaluations" / "single-unit.yaml", ROOT / "tests" / "fixtures" / "robust" / "control-characters.csv",
         ROOT / "tests" / "fixtures" / "robust" / "one-bad-value-per-unit.csv"]
MASK = b"<cfc_version>"


def version_of(checkout: Path) -> bytes:
    found = re.search(r'__version__ = "([^"]+)"', (checkout / "engine" / "version.py").read_text(encoding="utf-8"))
    if found is None:
        raise SystemExit(f"{checkout}: no engine/version.py stamp to mask")
    return found.group(1).encode()


def masked(data: bytes, version: bytes, kind: str) -> bytes:
    """The output with its version stamp, and only that, replaced by MASK."""
    if kind == "json":  # in the head, once
        return data.replace(b'"cfc_version":"' + version + b'"', b'"cfc_version":"' + MASK + b'"', 1)
    if kind == "csv":  # the last column of every row
        return re.sub(rb"," + re.escape(version) + rb"(\r?\n)", rb"," + MASK + rb"\1", data)
    if kind == "xlsx":  # a text cell holding exactly the version, in whichever part holds the sheet's strings
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return b"".join(f"{info.filename} {info.date_time} {info.compress_type}\0".encode()
                            + book.read(info).replace(b">" + version + b"</t>", b">" + MASK + b"</t>")
                            for info in book.infolist())
    return data


def _evaluate(checkout: Path, data: Path, args: list[str], out: Path | None = None) -> bytes:
    # The same criteria for both (the JSON header names them): the criteria are not what is compared.
    command = [sys.executable, str(checkout / "cli.py"), "evaluate", str(data), "--criteria", str(ROOT / "criteria"),
               *args]
    if out is not None:
        command += ["-o", str(out)]
    done = subprocess.run(command, capture_output=True, cwd=checkout, stdin=subprocess.DEVNULL)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{checkout}: {' '.join(command)} ended with {done.returncode}: {done.stderr.decode()}")
    return done.stdout


class Comparison:
    def __init__(self, old: Path, tmp: Path):
        self.old, self.tmp = old, tmp
        self.versions = {old: version_of(old), ROOT: version_of(ROOT)}
        self.failures: list[str] = []

    def same(self, label: str, outputs: dict[Path, bytes], kind: str) -> None:
        old, new = (masked(outputs[c], self.versions[c], kind) for c in (self.old, ROOT))
        print(f"{'same' if old == new else 'DIFFERENT':<10} {label}", flush=True)
        if old != new:
            self.failures.append(label)

    def data(self, data: Path, langs: list[str]) -> None:
        checkouts = (self.old, ROOT)
        for lang in langs:
            name = f"{data.name} --lang {lang}"
            for fmt, kind, extra in (("table", "table", []), ("csv", "csv", []), ("json", "json", []),
                                     ("json", "json", ["--detail"])):
                args = ["--format", fmt, "--lang", lang, *extra]
                self.same(f"{name} {' '.join(args[:2] + extra)}", {c: _evaluate(c, data, args) for c in checkouts},
                          kind)
            for suffix in ("xlsx", "csv"):
                files = {c: self.tmp / f"{i}-{data.stem}-{lang}.{suffix}" for i, c in enumerate(checkouts)}
                for checkout, path in files.items():
                    _evaluate(checkout, data, ["--lang", lang], path)
                self.same(f"{name} -o results.{suffix}", {c: p.read_bytes() for c, p in files.items()}, suffix)
            dirs = {c: self.tmp / f"{i}-{data.stem}-{lang}" for i, c in enumerate(checkouts)}
            for checkout, path in dirs.items():
                _evaluate(checkout, data, ["--lang", lang], path)
            for file, kind in (("results.json", "json"), ("results.csv", "csv"), ("results.xlsx", "xlsx")):
                self.same(f"{name} --output DIR {file}", {c: (p / file).read_bytes() for c, p in dirs.items()}, kind)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, required=True, help="an older checkout (its cli.py is run)")
    parser.add_argument("--units", type=int, default=10_600, help="synthetic units besides the small files (0: none)")
    parser.add_argument("--xlsx", action="store_true", help="the synthetic units as a workbook too")
    parser.add_argument("--only-synthetic", action="store_true", help="skip the small files")
    parser.add_argument("--lang", choices=["vi", "en"], action="append", help="only this language (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        comparison = Comparison(args.old.resolve(), tmp)
        datasets = [] if args.only_synthetic else [SAMPLE, *SMALL]
        if args.units:
            for suffix in ("csv", "xlsx") if args.xlsx else ("csv",):
                national = tmp / f"national.{suffix}"
                subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "--units", str(args.units),
                                "--seed", "1", "-o", str(national)], check=True, stdout=subprocess.DEVNULL)
                datasets.append(national)
        for data in datasets:
            comparison.data(data, args.lang or ["vi", "en"])
    failures = comparison.failures
    print(f"\n{len(failures)} outputs differ" if failures else "\nevery output is the same")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
