"""Write engine/registry/data/units.tsv from the vietnamadminunits package's own data files.

cfc does not depend on vietnamadminunits at run time: the package pulls in shapely, geopy, unidecode and tqdm
for its address parser, none of which the registry needs. Its two data files are read directly instead
(data/dataset.db: the 63-province and 34-province lists with their official codes; data/converter_2025.json:
which old units each new one was made from, and for an old unit split among several, the one it marks
`isDefaultNewWard`), and what cfc uses is written to one small text file shipped with cfc, with the package's
MIT licence beside it. Nothing in it is typed by hand: run this again after upgrading the package, and
tests/registry/test_dataset.py checks the shipped file is exactly what this writes.

    pip install vietnamadminunits==1.0.4     # in a scratch environment; or --source DIR holding its data/
    python -m engine.registry.build          # rewrites engine/registry/data/units.tsv
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import unicodedata
from pathlib import Path

PACKAGE = "vietnamadminunits"
OUTPUT = Path(__file__).resolve().parent / "data" / "units.tsv"
# Districts of the old map with no commune level (island districts): they have no unit code, and after
# 1 July 2025 each became a special zone (đặc khu) of its own.
NO_COMMUNES = "no_communes"


def source_dir() -> tuple[Path, str]:
    """The installed package's data folder and its version (read without importing the package, which would
    import shapely and geopy)."""
    from importlib.metadata import distribution

    dist = distribution(PACKAGE)
    return Path(str(dist.locate_file(f"{PACKAGE}/data"))), dist.version


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(data: Path, version: str) -> str:
    """The text of units.tsv from the package's data folder."""
    db = sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True)
    old_rows = db.execute(
        "SELECT provinceCode, province, districtCode, district, wardCode, ward, wardType, "
        "provinceKey || '_' || districtKey || '_' || COALESCE(wardKey, '') FROM admin_units_legacy").fetchall()
    new_rows = db.execute("SELECT provinceCode, province, wardCode, ward, wardType, provinceKey, wardKey "
                          "FROM admin_units").fetchall()
    db.close()
    converter = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))

    old_by_key = {row[7]: row for row in old_rows}
    new_by_key = {(row[5], row[6]): row for row in new_rows}
    successors: dict[str, list[str]] = {}   # old key → new codes, main successor first
    for province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward, olds in wards.items():
            new_code = new_by_key[(province, ward)][2]
            for old in olds:
                _add(successors, old, [new_code])
    for province, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            ordered = sorted(news, key=lambda n: not n["isDefaultNewWard"])  # the marked main successor first
            if sum(n["isDefaultNewWard"] for n in news) != 1:
                raise ValueError(f"{old}: {sum(n['isDefaultNewWard'] for n in news)} main successors marked")
            _add(successors, old, [new_by_key[(province, n["newWardKey"])][2] for n in ordered])
    unknown = set(successors) - set(old_by_key)
    if unknown:
        raise ValueError(f"the mapping names old units the list does not hold: {sorted(unknown)[:5]}")

    lines = [
        f"# Vietnam's administrative units before and after 1 July 2025, written by engine/registry/build.py",
        f"# from {PACKAGE} {version} (MIT licence, (c) 2025 Tran Ngoc Minh Hieu; see LICENSE-{PACKAGE}),",
        f"# data/dataset.db sha256 {_sha256(data / 'dataset.db')}",
        f"# data/converter_2025.json sha256 {_sha256(data / 'converter_2025.json')}",
        "# Do not edit by hand: run `python -m engine.registry.build` again.",
        f"@source\t{PACKAGE}\t{version}",
    ]
    provinces = sorted({(r[0], _nfc(r[1])) for r in old_rows})
    districts = sorted({(r[2], _nfc(r[3]), r[0]) for r in old_rows})
    lines.append("@old.provinces")
    lines += [f"{code}\t{name}" for code, name in provinces]
    lines.append("@old.districts")
    lines += [f"{code}\t{name}\t{province}" for code, name, province in districts]
    lines.append("@old.units")
    lines += [f"{r[4]}\t{_nfc(r[5])}\t{_nfc(r[6])}\t{r[2]}" for r in sorted(old_rows, key=lambda r: r[4] or "")
              if r[4]]
    lines.append("@new.provinces")
    lines += [f"{code}\t{name}" for code, name in sorted({(r[0], _nfc(r[1])) for r in new_rows})]
    lines.append("@new.units")
    lines += [f"{r[2]}\t{_nfc(r[3])}\t{_nfc(r[4])}\t{r[0]}" for r in sorted(new_rows, key=lambda r: r[2])]
    lines.append("@successors")   # old unit code → its new unit(s), the main successor first
    for key, codes in sorted(successors.items(), key=lambda item: old_by_key[item[0]][4] or ""):
        row = old_by_key[key]
        if row[4]:
            lines.append(f"{row[4]}\t{' '.join(codes)}")
    lines.append("@old.districts.successors")  # an island district without communes → its special zone
    for key, codes in sorted(successors.items()):
        row = old_by_key[key]
        if not row[4]:
            lines.append(f"{row[2]}\t{' '.join(codes)}")
    return "\n".join(lines) + "\n"


def _add(successors: dict[str, list[str]], old: str, codes: list[str]) -> None:
    if old in successors:
        raise ValueError(f"{old} is mapped twice")
    successors[old] = codes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help=f"a folder holding {PACKAGE}'s dataset.db and converter_2025.json")
    parser.add_argument("--version", help="the package version the --source folder comes from")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if args.source:
        data, version = args.source, args.version or "unknown"
    else:
        data, version = source_dir()
    args.output.write_text(build(data, version), encoding="utf-8")
    print(args.output, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
