"""Saved evaluations, period after period: one row per unit and period in the store (engine/store/: SQLite by
default, PostgreSQL for a province server).

Each row keeps what is needed to show and to redo the evaluation: the criteria set (id and digest), the inputs,
the whole result (both languages), when and by whom it was saved. Rows are keyed by the normalised unit code
and the canonical period (engine/units/codes.py, engine/periods.py) and listed in the order the periods end
(2023, 2024-H1, 2024). Saving is always explicit (`cfc evaluate --save`, the web page's Save button); a unit
and period saved already is refused by the database's unique constraint (AlreadySaved: two saves racing
cannot both win) and replaced only when asked to, which leaves the replaced row whole in the audit trail.
Used by `cfc history`, `cfc evaluate --save` and `cfc serve`.

    History(db=None)                     db: a Store, a path, a URL, or None (the user's data directory)
    .save(criteria, result, inputs, replace=False, by="local") -> Saved   raises NotSavable, AlreadySaved
    .get(unit_code, period) -> Saved | None
    .periods(unit_code) -> list[Saved]    ordered by the day each period ends
    .all() -> Iterator[Saved]             by unit code, then period
    compare(periods) -> Comparison;  comparison_json(comparison, lang);  format_comparison(comparison, lang)
    export_csv(rows, handle) -> int       formula-safe
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, TextIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.criteria.model import CriteriaSet
from engine.messages import Message
from engine.periods import Period, PeriodError, parse_period
from engine.results.cells import csv_writer
from engine.results.model import DECIDED, UnitResult, from_data, to_data
from engine.store import audit
from engine.store.database import FILE_NAME, Store, default_path  # noqa: F401  (the history's file, as before)
from engine.store.models import Evaluation, utcnow
from engine.units.codes import code_key


@dataclass(frozen=True)
class Saved:
    unit_code: str
    period: str               # canonical (engine/periods.py)
    criteria_id: str
    criteria_digest: str
    inputs: dict[str, Any]
    result: dict[str, Any]    # to_data(UnitResult): both languages
    saved_at: str             # ISO 8601, UTC, to the second
    period_end: dt.date | None = None  # None only for an undatable period adopted from an old history file
    saved_by: str | None = None        # a login; None for the CLI and the single-user page

    @property
    def unit(self) -> UnitResult:
        return from_data(UnitResult, self.result)


class NotSavable(Exception):
    """The result cannot be kept: invalid data, no unit code or period to key it by, or a period with no date."""

    def __init__(self, message: Message):
        self.message = message
        super().__init__(message.render("en"))


class AlreadySaved(Exception):
    """This unit and period is saved already; save again with replace=True to overwrite it."""

    def __init__(self, saved: Saved):
        self.saved = saved
        super().__init__(f"{saved.unit_code} {saved.period} saved at {saved.saved_at}")


def check_savable(result: UnitResult) -> tuple[str, Period]:
    """The key a result is saved under: its normalised unit code and canonical period. Raises NotSavable."""
    unit = result.unit_code or "?"
    if result.status == "invalid":
        raise NotSavable(Message("history_invalid", {"unit": unit}))
    code = code_key(result.unit_code)
    if not code or not result.period:
        raise NotSavable(Message("history_needs_key", {"unit": unit}))
    try:
        return code, parse_period(result.period)
    except PeriodError as error:
        raise NotSavable(error.message) from None


def _period_order():
    """Periods by the day they end; of two ending together the shorter first (2024-H2, then 2024)."""
    return (Evaluation.period_end.is_(None), Evaluation.period_end, Evaluation.period_start.desc(), Evaluation.period)


class History:
    def __init__(self, db: Store | str | Path | None = None):
        self.store = db if isinstance(db, Store) else Store.open(db)

    @property
    def path(self) -> str:
        """Where the history is, as messages name it: the SQLite file, or the URL without its password."""
        return self.store.location

    def save(self, criteria: CriteriaSet, result: UnitResult, inputs: dict[str, Any], replace: bool = False,
             by: str = audit.LOCAL) -> Saved:
        """Keep a result. Raises NotSavable, or AlreadySaved when the unit and period exist and not `replace`."""
        code, period = check_savable(result)
        row = Evaluation(unit_code=code, period=period.text, period_start=period.start, period_end=period.end,
                         criteria_id=criteria.instrument.id, criteria_digest=criteria.digest,
                         inputs={k: v for k, v in inputs.items() if v is not None},
                         result=to_data(result), saved_at=utcnow().replace(microsecond=0),
                         saved_by=None if by == audit.LOCAL else by)
        if not replace:
            try:
                with self.store.writing() as session:
                    session.add(row)
                    audit.record(session, "history.save", by, unit_code=code, period=period.text, after=_summary(row))
                return _saved(row)
            except IntegrityError:  # the unique constraint: this unit and period is there already
                old = self.get(code, period.text)
                if old is None:
                    raise
                raise AlreadySaved(old) from None
        return self._replace(row, by)

    def _replace(self, row: Evaluation, by: str) -> Saved:
        for attempt in (1, 2):  # a save racing ours may insert between our look and our insert: look again
            try:
                with self.store.writing() as session:
                    old = session.scalars(select(Evaluation).where(
                        Evaluation.unit_code == row.unit_code, Evaluation.period == row.period).with_for_update()
                    ).one_or_none()
                    if old is None:
                        session.add(row)
                        audit.record(session, "history.save", by, unit_code=row.unit_code, period=row.period,
                                     after=_summary(row))
                        return _saved(row)
                    before = _whole(old)
                    for name in ("period_start", "period_end", "criteria_id", "criteria_digest", "inputs", "result",
                                 "saved_at", "saved_by"):
                        setattr(old, name, getattr(row, name))
                    audit.record(session, "history.replace", by, unit_code=row.unit_code, period=row.period,
                                 before=before, after=_summary(old))
                    return _saved(old)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, unit_code: str, period: str) -> Saved | None:
        code = code_key(unit_code)
        try:
            period = parse_period(period).text
        except PeriodError:
            pass  # an undatable period adopted from an old file is kept as written
        with self.store.reading() as session:
            row = session.scalars(select(Evaluation).where(Evaluation.unit_code == code,
                                                           Evaluation.period == period)).one_or_none()
            return _saved(row) if row is not None else None

    def periods(self, unit_code: str) -> list[Saved]:
        """A unit's saved evaluations, in the order their periods end."""
        query = select(Evaluation).where(Evaluation.unit_code == code_key(unit_code)).order_by(*_period_order())
        with self.store.reading() as session:
            return [_saved(row) for row in session.scalars(query)]

    def all(self) -> Iterator[Saved]:
        query = select(Evaluation).order_by(Evaluation.unit_code, *_period_order())
        with self.store.reading() as session:
            rows = [_saved(row) for row in session.scalars(query)]
        return iter(rows)


def _saved(row: Evaluation) -> Saved:
    return Saved(row.unit_code, row.period, row.criteria_id, row.criteria_digest, row.inputs, row.result,
                 row.saved_at.isoformat(timespec="seconds"), row.period_end, row.saved_by)


def _summary(row: Evaluation) -> dict:
    """What an event says of a saved evaluation (the row itself holds the rest)."""
    return {"criteria_id": row.criteria_id, "criteria_digest": row.criteria_digest, "status": row.result.get("status"),
            "total": row.result.get("total"), "saved_at": row.saved_at}


def _whole(row: Evaluation) -> dict:
    """A saved evaluation whole, as the event of its replacement keeps it."""
    return {"criteria_id": row.criteria_id, "criteria_digest": row.criteria_digest, "inputs": row.inputs,
            "result": row.result, "saved_at": row.saved_at, "saved_by": row.saved_by}


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
    totals: list[int | None]
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
    # A period saved with incomplete data has no total: its sum is not a score (shown "—", never compared).
    totals = [saved.result.get("total") if saved.result.get("status") in DECIDED else None for saved in periods]
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
    """One row per saved evaluation: identity, decision, points per criterion (blank when unscored), inputs;
    every cell formula-safe (engine/results/cells.csv_writer). Returns the number of rows written."""
    numbers = sorted({c["number"] for s in rows for c in s.result.get("criteria", [])})
    # The unit's code, name and period are columns of their own already: not repeated as inputs.
    inputs = list(dict.fromkeys(name for s in rows for name in s.inputs if name not in EXPORT_FIXED))
    writer = csv_writer(handle, lineterminator="\n")  # formula-safe: names and inputs are typed by people
    writer.writerow(EXPORT_FIXED + [f"criterion_{n}" for n in numbers] + inputs)
    for saved in rows:
        points = {c["number"]: c["points"] for c in saved.result.get("criteria", []) if c.get("complete")}
        fixed = [saved.unit_code, saved.period, saved.result.get("unit_name"), saved.result.get("status"),
                 saved.result.get("total") if saved.result.get("status") in DECIDED else None,
                 saved.result.get("threshold"), saved.criteria_id, saved.criteria_digest,
                 saved.saved_at]
        cells = (["" if v is None else v for v in fixed] + [points.get(n, "") for n in numbers]
                 + [_csv_value(saved.inputs.get(name)) for name in inputs])
        writer.writerow(cells)
    return len(rows)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    return value
