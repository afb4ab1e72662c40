"""The shipped list of units (data/units.tsv, written by build.py from the vietnamadminunits package), read
once per process and only when first asked.

Reading is cheap (a 0.6 MB text file split into lines: about 10 ms for the whole of both maps; bench/README.md
has the figures) but a command that never looks up a unit never pays it. The sections are parsed one at a time:
the new map alone does not parse the old one.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "units.tsv"


@cache
def _sections() -> dict[str, list[str]]:
    """The file's sections by name, each its raw lines (split into fields only when asked)."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("@"):
            name, _, rest = line[1:].partition("\t")
            current = sections.setdefault(name, [])
            if rest:
                current.append(rest)
            continue
        current.append(line)
    return sections


@cache
def rows(section: str) -> tuple[tuple[str, ...], ...]:
    """One section's rows, each a tuple of its tab-separated fields."""
    return tuple(tuple(line.split("\t")) for line in _sections()[section])


def lines(section: str) -> list[str]:
    """One section's raw lines."""
    return _sections()[section]


def source() -> tuple[str, str]:
    """(package, version) the data was written from."""
    package, version = rows("source")[0]
    return package, version
