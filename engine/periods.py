"""Evaluation periods: one spelling and one end day, everywhere.

A period names the stretch of time a unit's figures cover. cfc accepts it as officials write it and keeps it
in one canonical spelling, so that "2024-h1", "２０２４-H1" and "2024-H1" are the same period in a batch, in
history and in a provincial summary, and periods are ordered by the day they end (2024-H1 < 2024):

    written                                   canonical    ends on
    2024, 2024.0 (a year typed into a cell)   2024         2024-12-31
    2024-H1, 2024-h2, 2024 - H1               2024-H1      2024-06-30
    2024-Q3, 2024-q3                          2024-Q3      2024-09-30
    2024-06-30, a date cell                   2024-06-30   2024-06-30

Before matching, text is folded the way Unicode says is the same (NFKC: full-width digits and letters become
ASCII), zero-width characters are dropped and dashes of every kind read as "-". Anything else ("Q1-2024",
"6/30/2024", "2024-13-01") cannot be dated: it is the same data error wherever a period is read (readers,
what-if, the web API, history, aggregate), never kept as written.

Every reader of a period calls parse_period; nothing else in cfc parses one.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from engine.messages import MessageError

PERIOD_INPUT = "period"  # the identity input naming a unit's evaluation period
PERIOD_FORMATS = "2024, 2024-H1, 2024-H2, 2024-Q1 … 2024-Q4, 2024-06-30"

# Characters that change nothing a person sees: dropped before a period or a code is read.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"))
# Dashes a keyboard or a word processor may put between year and half (NFKC leaves these as they are).
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-")


def fold(text: str) -> str:
    """Text as Unicode says it is the same: NFKC, without invisible characters, dashes as "-", trimmed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text.translate(INVISIBLE)).translate(_DASHES)
    return text.strip()


class PeriodError(MessageError, ValueError):
    """A period cfc cannot date, or one on whose last day no criteria set is in force. `key` names the message
    in engine/messages.py; `params` fills it."""

    def __init__(self, key: str, **params: Any):
        self.key = key
        self.params = params
        super().__init__(key, input=PERIOD_INPUT, **params)


@dataclass(frozen=True)
class Period:
    """A period in its canonical spelling, with its first and last day. Ordered by the day it ends; of two
    periods ending the same day the shorter comes first (2024-H2, then 2024)."""

    text: str
    start: dt.date
    end: dt.date

    @property
    def sort_key(self) -> tuple:
        return self.end, -self.start.toordinal(), self.text

    def __lt__(self, other: "Period") -> bool:
        return self.sort_key < other.sort_key

    def __str__(self) -> str:
        return self.text


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year(y: str) -> Period:
    year = int(y)
    return Period(f"{year:04d}", dt.date(year, 1, 1), dt.date(year, 12, 31))


def _half(y: str, h: str) -> Period:
    year, half = int(y), int(h)
    return Period(f"{year:04d}-H{half}", dt.date(year, 6 * half - 5, 1), _month_end(year, 6 * half))


def _quarter(y: str, q: str) -> Period:
    year, quarter = int(y), int(q)
    return Period(f"{year:04d}-Q{quarter}", dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))


def _day(y: str, m: str, d: str) -> Period:
    day = dt.date(int(y), int(m), int(d))
    return Period(day.isoformat(), day, day)


_SPELLINGS = [
    (re.compile(r"(\d{4})", re.ASCII), _year),
    (re.compile(r"(\d{4})\s*-\s*H([12])", re.ASCII | re.IGNORECASE), _half),
    (re.compile(r"(\d{4})\s*-\s*Q([1-4])", re.ASCII | re.IGNORECASE), _quarter),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII), _day),
]

_KNOWN: dict[str, Period] = {}  # a batch holds a few spellings of a few periods: each is parsed once


def parse_period(value: Any) -> Period:
    """The period a value names, in canonical form. Raises PeriodError("period_format") for anything that cannot
    be dated: blank values are for the caller to decide (a unit without a period)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Period(value.isoformat(), value, value)
    if isinstance(value, float) and value.is_integer():  # a year typed into a spreadsheet cell: 2024.0
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        value = str(value)
    if isinstance(value, str):
        known = _KNOWN.get(value)
        if known is not None:
            return known
        text = fold(value)
        for pattern, make in _SPELLINGS:
            if match := pattern.fullmatch(text):
                try:
                    period = make(*match.groups())
                except ValueError:  # 2024-02-30: the right shape, no such day
                    break
                if len(_KNOWN) < 4096:
                    _KNOWN[value] = period
                return period
    raise PeriodError("period_format", value=value, formats=PERIOD_FORMATS)


def canonical_period(value: Any) -> str:
    """parse_period(value).text."""
    return parse_period(value).text


def period_end(value: Any) -> dt.date:
    """The last day of the period a value names. Raises PeriodError."""
    return parse_period(value).end
