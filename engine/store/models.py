"""The tables, as typed SQLAlchemy models. The schema itself lives in the migrations (engine/store/migrations/):
these classes must say what the newest migration makes, and tests/store/test_migrations.py checks they agree.

Keys are the normalised unit code (engine/units/codes.py) and the canonical period text (engine/periods.py),
with the period's first and last day beside it so that periods are ordered by the day they end. Every
"exactly once" is a unique constraint, so that two requests racing cannot both win: the database refuses the
second. Timestamps are UTC.

    evaluations      saved evaluations (cfc history, evaluate --save, the page's Save button): one per unit and
                     period; replacing one is explicit and leaves its old content in an event
    events           the audit trail: who, when, what, unit, period, before and after; append-only (triggers
                     refuse UPDATE and DELETE)
    users            accounts: login, argon2 hash, role and scope, disabled
    login_attempts   every login tried (for the web layer's rate limits)
    submissions      one per unit and period: workflow status, version, self-assessed and appraised inputs and
                     results, recognition decision
    adjustments      each change the board made to a submitted input, with its reason
    evidence         files attached to a submission per criterion (bytes kept in the database)
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        LargeBinary, String, Text, TypeDecorator, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, deferred, mapped_column, relationship

ROLES = ("commune", "board", "province", "admin")
STATUSES = ("draft", "submitted", "returned", "resubmitted", "appraised", "recognized", "not_recognized")

CODE = 64      # unit codes: 5 digits today; room for other schemes
PERIOD = 16    # 2024-06-30 is the longest canonical period
LOGIN = 100
NAME = 200

# SQLite gives big integers no autoincrement: an id is BIGINT only where PostgreSQL can hold more than 2^31 rows.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> dt.datetime:
    """Now, in UTC, to the microsecond (the one clock every table uses)."""
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """A moment in UTC. PostgreSQL keeps the zone; SQLite keeps text without one, read back here as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored: give it a time zone")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON, Any: JSON}


class Evaluation(Base):
    """A saved evaluation: what is needed to show and to redo it."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("unit_code", "period", name="uq_evaluations_unit_period"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(CODE))
    period: Mapped[str] = mapped_column(String(PERIOD))
    # Null only for a period an old history file held that cannot be dated: kept as written, ordered last.
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    criteria_id: Mapped[str] = mapped_column(String(NAME))
    criteria_digest: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any]]  # UnitResult.model_dump(mode="json"): both languages
    saved_at: Mapped[dt.datetime]
    saved_by: Mapped[str | None] = mapped_column(String(LOGIN))


class Event(Base):
    """One thing that happened: never updated, never deleted."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_unit_period", "unit_code", "period"), Index("ix_events_at", "at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(LOGIN))   # a login, or "local" (CLI, the single-user page)
    action: Mapped[str] = mapped_column(String(40))     # e.g. history.save, submission.submit (engine/store/audit.py)
    unit_code: Mapped[str | None] = mapped_column(String(CODE))
    period: Mapped[str | None] = mapped_column(String(PERIOD))
    before: Mapped[Any | None]
    after: Mapped[Any | None]
