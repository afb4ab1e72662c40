"""Criteria sets over time: which set scores a unit of a given period.

A legal instrument is in force from `instrument.effective` to `instrument.valid_until` (inclusive; open when
absent). `--criteria` names a file or a directory:

- a directory (the shipped criteria/ by default) is a library: each unit is scored by the set in force on the
  LAST DAY of its period (2024 → 2024-12-31, 2024-H1 → 2024-06-30, 2024-Q3 → 2024-09-30, 2024-06-30 → itself).
  A unit without a period is scored by the current set (`CriteriaLibrary.current`). A period cfc cannot read,
  or one on whose last day no set is in force, is a data error of that unit naming the period. Two sets in
  force on the same day are a criteria error, found when the directory is loaded. A directory is one scope:
  a province's pilot variant lives in a directory of its own, passed with --criteria.
- a file is the user's explicit choice: it scores every unit, whatever its period.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from engine.messages import Message, MessageError, Said
from engine.criteria.model import CriteriaError, CriteriaSet, file_problem, load_criteria
from engine.periods import PERIOD_FORMATS, PERIOD_INPUT, PeriodError, parse_period, period_end  # noqa: F401 (re-exported)
from engine.text import is_blank

SHIPPED = Path(__file__).resolve().parents[2] / "criteria"


class MixedSetsError(MessageError, ValueError):
    """Units whose periods need different criteria sets, where one set must score them all."""


def _span(criteria: CriteriaSet) -> str:
    until = criteria.instrument.valid_until
    return f"{criteria.instrument.effective.isoformat()} – {until.isoformat() if until else '…'}"


@dataclass(frozen=True)
class CriteriaLibrary:
    source: str                      # the file or directory it was loaded from
    sets: tuple[CriteriaSet, ...]    # by effective date
    explicit: bool                   # one file: it scores every unit, whatever the period

    @classmethod
    def load(cls, path: str | Path | None = None) -> "CriteriaLibrary":
        """A file or a directory of criteria files (default: the shipped criteria/). Raises CriteriaError."""
        path = Path(path) if path is not None else SHIPPED
        if not path.is_dir():
            return cls(str(path), (load_criteria(path),), explicit=True)
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".yaml", ".yml"))
        if not files:
            raise CriteriaError(str(path), [file_problem("criteria_dir_empty", None, "criteria_at_directory")])
        sets = tuple(sorted((load_criteria(file) for file in files), key=lambda cs: cs.instrument.effective))
        problems = _conflicts(sets)
        if problems:
            raise CriteriaError(str(path), problems)
        return cls(str(path), sets, explicit=False)

    @classmethod
    def of(cls, criteria: "CriteriaSet | CriteriaLibrary") -> "CriteriaLibrary":
        """A library as given, or a single loaded set as an explicit one-file library."""
        if isinstance(criteria, CriteriaLibrary):
            return criteria
        return cls(criteria.source, (criteria,), explicit=True)

    @property
    def id(self) -> str:
        return ", ".join(cs.instrument.id for cs in self.sets)

    @property
    def digest(self) -> str:
        if len(self.sets) == 1:
            return self.sets[0].digest
        return hashlib.sha256(" ".join(cs.digest for cs in self.sets).encode()).hexdigest()

    def in_force(self, day: dt.date) -> list[CriteriaSet]:
        return [cs for cs in self.sets if cs.instrument.effective <= day
                and (cs.instrument.valid_until is None or day <= cs.instrument.valid_until)]

    def current(self, today: dt.date | None = None) -> CriteriaSet:
        """The set in force today; if none is, the last to take effect before today (the law last in force);
        if every set is still to come, the first. What scores a unit without a period, and what the commands
        working on one set (template, criteria show, reports, aggregate) use by default."""
        today = today or dt.date.today()
        if self.explicit:
            return self.sets[0]
        if found := self.in_force(today):
            return found[0]
        past = [cs for cs in self.sets if cs.instrument.effective <= today]
        return past[-1] if past else self.sets[0]

    def for_period(self, period: Any, today: dt.date | None = None) -> CriteriaSet:
        """The set that scores a unit of this period. Raises PeriodError (a data error of the unit)."""
        if self.explicit:
            return self.sets[0]
        if is_blank(period):
            return self.current(today)
        day = parse_period(period).end
        found = self.in_force(day)
        if not found:
            raise PeriodError("period_no_criteria", value=parse_period(period).text, day=day.isoformat(),
                              sets="; ".join(f"{cs.instrument.id} ({_span(cs)})" for cs in self.sets))
        return found[0]

    def for_periods(self, periods: Iterable[Any]) -> CriteriaSet:
        """The one set scoring all these periods (what-if compares units under one set). Raises PeriodError
        for a period that picks no set, ValueError when the periods need different sets."""
        chosen = {cs.digest: cs for cs in (self.for_period(p) for p in periods)}
        if len(chosen) > 1:
            raise mixed_sets(f"{cs.instrument.id} ({cs.instrument.effective})" for cs in chosen.values())
        return next(iter(chosen.values()), self.current())


def mixed_sets(names: Iterable[str]) -> MixedSetsError:
    return MixedSetsError("mixed_sets", sets=", ".join(sorted(set(names))))


def _conflicts(sets: tuple[CriteriaSet, ...]) -> list[tuple[str, int | None, str]]:
    """Every pair of sets in force on a common day, with the days they share and how to end the overlap."""
    problems = []
    for index, a in enumerate(sets):
        for b in sets[index + 1:]:  # b takes effect on or after a
            a_end, b_end = a.instrument.valid_until or dt.date.max, b.instrument.valid_until or dt.date.max
            first, last = b.instrument.effective, min(a_end, b_end)
            if first > last:
                continue
            shared = (Message("criteria_shared_from", {"first": first.isoformat()}) if last == dt.date.max else
                      Message("criteria_shared_between", {"first": first.isoformat(), "last": last.isoformat()}))
            fix = (Message("criteria_fix_until", {"day": (first - dt.timedelta(days=1)).isoformat()})
                   if a.instrument.effective < first else Message("criteria_fix_same_day"))
            problems.append(("instrument", None, Said(Message("criteria_overlap", {
                "a": Path(a.source).name, "a_id": a.instrument.id, "a_span": _span(a), "b": Path(b.source).name,
                "b_id": b.instrument.id, "b_span": _span(b), "shared": shared, "fix": fix}))))
    return problems
