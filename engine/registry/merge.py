"""The 1 July 2025 merge as the dataset records it: which new unit(s) each old unit went to.

Most old units went whole into one new unit. 471 were split among two or more; for each of them the dataset
(vietnamadminunits, `isDefaultNewWard`) marks exactly one new unit as its main successor — the one cfc maps its
results onto. An island district without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo) has no
unit code on the old map; it became a special zone (đặc khu) of its own.
"""
from __future__ import annotations

from collections import defaultdict
from functools import cache

from engine.registry import dataset


@cache
def _successors() -> dict[str, tuple[str, ...]]:
    return {old: tuple(new.split(" ")) for old, new in dataset.rows("successors")}


@cache
def _predecessors() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = defaultdict(list)
    for old, news in _successors().items():
        for new in news:
            found[new].append(old)
    return {new: tuple(sorted(olds)) for new, olds in found.items()}


def successors(old_code: str) -> tuple[str, ...]:
    """The new units an old unit went to, its main successor first; () for a code the old map does not hold."""
    return _successors().get(old_code, ())


def main_successor(old_code: str) -> str | None:
    found = _successors().get(old_code)
    return found[0] if found else None


def is_split(old_code: str) -> bool:
    return len(_successors().get(old_code, ())) > 1


def predecessors(new_code: str) -> tuple[str, ...]:
    """Every old unit that went, whole or in part, into this new unit, in code order."""
    return _predecessors().get(new_code, ())


def mapped_onto(new_code: str) -> tuple[str, ...]:
    """The old units whose results cfc maps onto this new unit: those that went into it whole, and those split
    whose main successor it is."""
    return tuple(old for old in predecessors(new_code) if main_successor(old) == new_code)


def split_units() -> dict[str, tuple[str, ...]]:
    """Every old unit split among several new ones → its new units, main successor first."""
    return {old: news for old, news in _successors().items() if len(news) > 1}
