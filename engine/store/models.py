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
    units            the units the server knows and where they are (who may see them follows from this)
    users            accounts: login, argon2 hash, role and scope, disabled
    login_attempts   every login tried (for the web layer's rate limits)
    submissions      one per unit and period: workflow status, version, self-assessed and appraised inputs and
                     results, recognition decision
    adjustments      each change the board made to a submitted input, with its reason
    evidence         files attached to a submission per criterion (bytes kept in the database); a file the
                     commune withdraws is marked, never deleted
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (JSON, BigInteger, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        LargeBinary, String, Text, TypeDecorator, UniqueConstraint, false)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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
    result: Mapped[dict[str, Any]]  # to_data(UnitResult): both languages
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


class Unit(Base):
    """A unit the server knows: where it is decides who sees it. Filled when a commune account is made (cfc users
    add --role commune --unit CODE --district ... --province ...) or, for a unit no account named, from the
    names its first draft gives; never moved by what a commune types later."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(NAME))
    district: Mapped[str | None] = mapped_column(String(NAME))
    province: Mapped[str | None] = mapped_column(String(NAME))
    # The names as compared (engine/workflow/access.py place_key): case and Unicode spelling folded.
    district_key: Mapped[str | None] = mapped_column(String(NAME), index=True)
    province_key: Mapped[str | None] = mapped_column(String(NAME), index=True)


class User(Base):
    """An account. `area` (a board's) is a list of unit codes or district/province names as units carry them."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('commune', 'board', 'province', 'admin')", name="ck_users_role"),
        CheckConstraint("(role <> 'commune' OR unit_code IS NOT NULL) AND (role <> 'board' OR area IS NOT NULL) "
                        "AND (role <> 'province' OR province IS NOT NULL)", name="ck_users_scope"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(LOGIN), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str | None] = mapped_column(String(CODE))
    area: Mapped[list[Any] | None]
    province: Mapped[str | None] = mapped_column(String(NAME))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime]
    password_changed_at: Mapped[dt.datetime]
    # Set by whoever else chose the password (an administrator, `cfc users add`): its owner must choose their own
    # before anything else (engine/web/server/auth.py), so the one who handed it out no longer knows it.
    password_temporary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class LoginAttempt(Base):
    """One login tried: the web layer counts recent failures per login and per address to slow guessing."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_login_at", "login", "at"),
                      Index("ix_login_attempts_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime]
    login: Mapped[str] = mapped_column(String(LOGIN))
    address: Mapped[str | None] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)


class Submission(Base):
    """A unit's file for one period as it moves through the procedure (engine/workflow/states.py). `version`
    grows by one with every change: a write names the version it read, and SQLAlchemy's UPDATE ... WHERE
    version = ... refuses a write that lost a race."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("unit_code", "period", name="uq_submissions_unit_period"),
        CheckConstraint("status IN ('draft', 'submitted', 'returned', 'resubmitted', 'appraised', 'recognized', "
                        "'not_recognized')", name="ck_submissions_status"),
        Index("ix_submissions_period_status", "period", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(CODE), ForeignKey("units.code"))
    period: Mapped[str] = mapped_column(String(PERIOD))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    criteria_id: Mapped[str] = mapped_column(String(NAME))
    criteria_digest: Mapped[str] = mapped_column(String(64))
    self_inputs: Mapped[dict[str, Any]]
    self_result: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)  # UnitResult, both languages
    self_status: Mapped[str] = mapped_column(String(20))
    self_total: Mapped[int] = mapped_column(Integer)
    appraised_inputs: Mapped[dict[str, Any] | None]
    appraised_result: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    appraised_status: Mapped[str | None] = mapped_column(String(20))
    appraised_total: Mapped[int | None] = mapped_column(Integer)
    board_comment: Mapped[str | None] = mapped_column(Text)   # the last return's comment (every one is an event)
    decision_number: Mapped[str | None] = mapped_column(String(100))
    decision_date: Mapped[dt.date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)  # why not recognised
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(LOGIN))
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(String(LOGIN))
    submitted_at: Mapped[dt.datetime | None]
    appraised_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]

    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)
    __mapper_args__ = {"version_id_col": version}


class Adjustment(Base):
    """One input the board changed when appraising, with its reason."""

    __tablename__ = "adjustments"
    __table_args__ = (CheckConstraint("length(reason) > 0", name="ck_adjustments_reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    input: Mapped[str] = mapped_column(String(100))
    before: Mapped[Any | None]
    after: Mapped[Any | None]
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(LOGIN))
    at: Mapped[dt.datetime]


class Evidence(Base):
    """A file attached to a submission (per criterion; None: the whole file). The bytes are in the database:
    one backup holds everything, they commit with the submission, and no web server serves them as a folder."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("submission_id", "criterion", "sha256", name="uq_evidence_file"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    criterion: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[str] = mapped_column(String(LOGIN))
    uploaded_at: Mapped[dt.datetime]
    # Withdrawn by the commune while it could still edit: no longer part of the file, never deleted.
    withdrawn_at: Mapped[dt.datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(LOGIN))
