"""Saved evaluations, period after period: an SQLite file (Python's own sqlite3) with one row per unit and period.

Each row keeps what is needed to show and to redo the evaluation: the criteria set (id and digest), the inputs,
the whole result (both languages) and when it was saved. Saving is always explicit (`cfc evaluate --save`, the
web page's Save button); saving a unit and period that is already there replaces it only when asked to.
Used by `cfc history`, `cfc evaluate --save` and `cfc serve`.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, TextIO

from engine.messages import Message
from engine.results.cells import csv_writer
from engine.results.model import UnitResult
from engine.criteria.model import CriteriaSet

FILE_NAME = "history.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS evaluations (
    unit_code TEXT NOT NULL,
    period TEXT NOT NULL,
    criteria_id TEXT NOT NULL,
    criteria_digest TEXT NOT NULL,
    inputs TEXT NOT NULL,
    result TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (unit_code, period)
)
"""


def default_path() -> Path:
    """The user's data directory: platformdirs when it is installed, else $XDG_DATA_HOME or ~/.local/share."""
    try:
        import platformdirs
    except ImportError:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        return Path(base) / "cfc" / FILE_NAME
    return Path(platformdirs.user_data_dir("cfc")) / FILE_NAME


@dataclass(frozen=True)
class Saved:
    unit_code: str
    period: str
    criteria_id: str
    criteria_digest: str
    inputs: dict[str, Any]
    result: dict[str, Any]  # UnitResult.model_dump(mode="json"): both languages
    saved_at: str            # ISO 8601, UTC

    @property
    def unit(self) -> UnitResult:
        return UnitResult.model_validate(self.result)


class NotSavable(Exception):
    """The result cannot be kept: invalid data, or no unit code or period to key it by."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(message.render("en"))


class AlreadySaved(Exception):
    """This unit and period is saved already; save again with replace=True to overwrite it."""

    def __init__(self, saved: Saved):
        self.saved = saved
        super().__init__(f"{saved.unit_code} {saved.period} saved at {saved.saved_at}")


def check_savable(result: UnitResult) -> None:
    if result.status == "invalid":
        raise NotSavable(Message("history_invalid", {"unit": result.unit_code or "?"}))
    if not result.unit_code or not result.period:
        raise NotSavable(Message("history_needs_key", {"unit": result.unit_code or "?"}))


class History:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else default_path()

    def _connect(self) -> sqlite3.Connection:
        # One short connection per operation: the web server calls from several threads.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10)
        connection.execute(SCHEMA)
        return connection

    def save(self, criteria: CriteriaSet, result: UnitResult, inputs: dict[str, Any], replace: bool = False) -> Saved:
        """Keep a result. Raises NotSavable, or AlreadySaved when the unit and period exist and not `replace`."""
        check_savable(result)
        saved = Saved(result.unit_code, result.period, criteria.instrument.id, criteria.digest,
                      {k: v for k, v in inputs.items() if v is not None}, result.model_dump(mode="json"),
                      dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
        with closing(self._connect()) as connection, connection:
            if not replace and (old := self._get(connection, saved.unit_code, saved.period)):
                raise AlreadySaved(old)
            connection.execute(
                "INSERT OR REPLACE INTO evaluations VALUES (?, ?, ?, ?, ?, ?, ?)",
                (saved.unit_code, saved.period, saved.criteria_id, saved.criteria_digest,
                 json.dumps(saved.inputs, ensure_ascii=False), json.dumps(saved.result, ensure_ascii=False),
                 saved.saved_at))
        return saved

    def get(self, unit_code: str, period: str) -> Saved | None:
        with closing(self._connect()) as connection:
            return self._get(connection, unit_code, period)

    def periods(self, unit_code: str) -> list[Saved]:
        """A unit's saved evaluations, oldest period first."""
        with closing(self._connect()) as connection:
            rows = connection.execute("SELECT * FROM evaluations WHERE unit_code = ? ORDER BY period, saved_at",
                                      (unit_code,)).fetchall()
        return [_saved(row) for row in rows]

    def all(self) -> Iterator[Saved]:
        with closing(self._connect()) as connection:
            for row in connection.execute("SELECT * FROM evaluations ORDER BY unit_code, period"):
                yield _saved(row)

    @staticmethod
    def _get(connection: sqlite3.Connection, unit_code: str, period: str) -> Saved | None:
        row = connection.execute("SELECT * FROM evaluations WHERE unit_code = ? AND period = ?",
                                 (unit_code, period)).fetchone()
        return _saved(row) if row else None


def _saved(row: tuple) -> Saved:
    code, period, criteria_id, digest, inputs, result, saved_at = row
    return Saved(code, period, criteria_id, digest, json.loads(inputs), json.loads(result), saved_at)


# ---------------------------------------------------------------- periods side by side


@dataclass(frozen=True)
class CriterionRow:
    number: int
    name: dict[str, str]              # {vi, en}
    points: list[int | None]          # per period; None when unscored (missing data is not zero)
    changes: list[int | None]         # against the period before; None for the first or when either is unscored


@dataclass(frozen=True)
class Comparison:
    periods: list[Saved]
    criteria: list[CriterionRow]
    totals: list[int]
    total_changes: list[int | None]


def compare(periods: list[Saved]) -> Comparison:
    """Points per criterion in each saved period, and the change from the period before."""
    names: dict[int, dict[str, str]] = {}
    points: dict[int, list[int | None]] = {}
    for index, saved in enumerate(periods):
        for criterion in saved.result.get("criteria", []):
            number = criterion["number"]
            names.setdefault(number, criterion["name"])
            points.setdefault(number, [None] * len(periods))[index] = (
                criterion["points"] if criterion.get("complete") else None)
    rows = [CriterionRow(n, names[n], points[n], _changes(points[n])) for n in sorted(points)]
    totals = [saved.result.get("total", 0) for saved in periods]
    return Comparison(periods, rows, totals, _changes(totals))


def _changes(values: list[int | None]) -> list[int | None]:
    return [None] + [b - a if a is not None and b is not None else None for a, b in zip(values, values[1:])]


def comparison_json(comparison: Comparison, lang: str) -> dict:
    """What the web page shows: periods with status and total, and a row per criterion."""
    return {
        "periods": [{"period": s.period, "status": s.result.get("status"),
                     "status_label": Message("status_" + s.result.get("status", "invalid")).render(lang),
                     "total": s.result.get("total"), "threshold": s.result.get("threshold"),
                     "criteria_id": s.criteria_id, "criteria_digest": s.criteria_digest, "saved_at": s.saved_at}
                    for s in comparison.periods],
        "criteria": [{"number": row.number, "name": row.name.get(lang, row.name.get("vi")), "points": row.points,
                      "changes": row.changes} for row in comparison.criteria],
        "totals": comparison.totals,
        "total_changes": comparison.total_changes,
    }


def _signed(change: int | None) -> str:
    return "" if change is None else f"{change:+d}"


def format_comparison(comparison: Comparison, lang: str) -> str:
    """The terminal table of `cfc history UNIT_CODE`: a column per period, the change beside each number."""
    say = lambda key, **p: Message(key, p).render(lang)  # noqa: E731
    statuses = [say("status_" + s.result.get("status", "invalid")) for s in comparison.periods]
    width = max([12] + [len(text) + 2 for text in statuses])
    label_width = 52

    def label(text: str) -> str:
        shown = f"{text[:label_width - 3]}…" if len(text) > label_width - 1 else text
        return f"{shown:<{label_width}}"

    def cells(values: list[int | None], changes: list[int | None]) -> str:
        out = ""
        for value, change in zip(values, changes):
            text = "—" if value is None else str(value)
            if change:
                text += f" ({_signed(change)})"
            out += f"{text:>{width}}"
        return out

    head = label(say("history_criterion")) + "".join(f"{s.period:>{width}}" for s in comparison.periods)
    lines = [head, "-" * len(head)]
    for row in comparison.criteria:
        lines.append(label(f"{row.number:>2}. {row.name.get(lang, row.name.get('vi'))}") + cells(row.points, row.changes))
    lines.append("-" * len(head))
    lines.append(label(say("history_total")) + cells(comparison.totals, comparison.total_changes))
    lines.append(label(say("header_status")) + "".join(f"{text:>{width}}" for text in statuses))
    if len({(s.criteria_id, s.criteria_digest) for s in comparison.periods}) > 1:
        lines.append(say("history_criteria_differ"))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- CSV export

EXPORT_FIXED = ["unit_code", "period", "unit_name", "status", "total", "threshold", "criteria_id",
                "criteria_digest", "saved_at"]


def export_csv(rows: list[Saved], handle: TextIO) -> int:
    """One row per saved evaluation: identity, decision, points per criterion (blank when unscored), inputs.
    Returns the number of rows written."""
    numbers = sorted({c["number"] for s in rows for c in s.result.get("criteria", [])})
    inputs = list(dict.fromkeys(name for s in rows for name in s.inputs))
    writer = csv_writer(handle, lineterminator="\n")  # formula-safe: names and inputs are typed by people
    writer.writerow(EXPORT_FIXED + [f"criterion_{n}" for n in numbers] + inputs)
    for saved in rows:
        points = {c["number"]: c["points"] for c in saved.result.get("criteria", []) if c.get("complete")}
        fixed = [saved.unit_code, saved.period, saved.result.get("unit_name"), saved.result.get("status"),
                 saved.result.get("total"), saved.result.get("threshold"), saved.criteria_id, saved.criteria_digest,
                 saved.saved_at]
        writer.writerow(["" if v is None else v for v in fixed] + [points.get(n, "") for n in numbers]
                        + [_csv_value(saved.inputs.get(name)) for name in inputs])
    return len(rows)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    return value
