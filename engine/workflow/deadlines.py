"""Due dates per period: when communes hand in their files and when the province reports up. Configuration,
not code (engine/data/deadlines.yaml documents the shape with the provincial directives' dates).

    deadlines = load_deadlines(path=None)          the shipped example when no path is given
    deadlines.for_period("2025-H1") -> DueDates(period, submission_due, report_due) | None
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from engine.messages import MessageError
from engine.periods import Period, PeriodError, parse_period
from engine.safe_yaml import load_yaml

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "deadlines.yaml"
_MONTH_DAY = re.compile(r"(\d{2})-(\d{2})")
KINDS = ("year", "H1", "H2", "Q1", "Q2", "Q3", "Q4")


class _Dates(BaseModel):
    model_config = ConfigDict(extra="forbid")
    submission_due: str | dt.date
    report_due: str | dt.date | None = None


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    by_kind: dict[str, _Dates] = {}
    periods: dict[str, _Dates] | None = None

    @field_validator("by_kind")
    @classmethod
    def _kinds(cls, value: dict) -> dict:
        unknown = set(value) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; use {', '.join(KINDS)}")
        return value


@dataclass(frozen=True)
class DueDates:
    period: str
    submission_due: dt.date
    report_due: dt.date | None


def _kind(period: Period) -> str | None:
    text = period.text
    if len(text) == 4:
        return "year"
    if text[5:6] in ("H", "Q"):
        return text[5:]
    return None  # a period named by one day has no kind: only `periods:` can give it dates


def _date(value: str | dt.date, year: int) -> dt.date:
    if isinstance(value, dt.date):
        return value
    match = _MONTH_DAY.fullmatch(str(value).strip())
    if not match:
        return dt.date.fromisoformat(str(value).strip())
    return dt.date(year, int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class Deadlines:
    source: str
    by_kind: dict[str, _Dates]
    periods: dict[str, _Dates]

    def for_period(self, period: str) -> DueDates | None:
        """The due dates of a period, or None when the configuration gives none."""
        found = parse_period(period)
        dates = self.periods.get(found.text) or self.by_kind.get(_kind(found) or "")
        if dates is None:
            return None
        year = found.start.year
        return DueDates(found.text, _date(dates.submission_due, year),
                        _date(dates.report_due, year) if dates.report_due is not None else None)


def load_deadlines(path: str | Path | None = None) -> Deadlines:
    """The due dates of a YAML file (default: the shipped example). Raises MessageError naming the file."""
    path = Path(path) if path is not None else SHIPPED
    try:
        data = _File.model_validate(load_yaml(path.read_text(encoding="utf-8")) or {})
        periods = {parse_period(k).text: v for k, v in (data.periods or {}).items()}
        deadlines = Deadlines(str(path), data.by_kind, periods)
        for name, dates in [*data.by_kind.items(), *periods.items()]:  # every date read once, now, not at a deadline
            _date(dates.submission_due, 2000 if name in KINDS else parse_period(name).start.year)
            if dates.report_due is not None:
                _date(dates.report_due, 2000)
    except (OSError, ValidationError, PeriodError, ValueError) as error:
        raise MessageError("deadlines_file", path=str(path), error=str(error).splitlines()[0]) from None
    return deadlines
