"""Saved evaluations and the audit trail; adopts a history file written by cfc before the store.

Before this migration, engine/history.py kept saved evaluations in an SQLite table `evaluations` made by hand
(unit_code, period, criteria_id, criteria_digest, inputs, result, saved_at; the period as the user wrote it).
Opening such a file upgrades it in place, in one transaction: its rows move to the new table with the unit code
normalised and the period in canonical form with its first and last day. Two old rows that turn out to be one
unit and period ("2024-h1" and "2024-H1") keep the newer; the older is kept whole in an event
(history.merged), so nothing is lost. A period the old file held that cannot be dated stays as written, with
no dates (ordered last). One event (history.adopted) records the adoption.

Revision ID: 0001
Revises:
Create Date: 2025-06-01
"""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

from engine.periods import PeriodError, parse_period
from engine.store.models import BigId, UTCDateTime, utcnow
from engine.units.codes import code_key

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LEGACY = "evaluations_before_store"


def upgrade() -> None:
    bind = op.get_bind()
    legacy = "evaluations" in sa.inspect(bind).get_table_names()
    if legacy:
        op.rename_table("evaluations", LEGACY)
    events = op.create_table(
        "events",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("unit_code", sa.String(64)),
        sa.Column("period", sa.String(16)),
        sa.Column("before", sa.JSON()),
        sa.Column("after", sa.JSON()),
    )
    op.create_index("ix_events_unit_period", "events", ["unit_code", "period"])
    op.create_index("ix_events_at", "events", ["at"])
    _append_only(bind.dialect.name)
    evaluations = op.create_table(
        "evaluations",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("period_start", sa.Date()),
        sa.Column("period_end", sa.Date()),
        sa.Column("criteria_id", sa.String(200), nullable=False),
        sa.Column("criteria_digest", sa.String(64), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.Column("saved_by", sa.String(100)),
        sa.UniqueConstraint("unit_code", "period", name="uq_evaluations_unit_period"),
    )
    if legacy:
        _adopt(bind, evaluations, events)
        op.drop_table(LEGACY)


def _append_only(dialect: str) -> None:
    """The audit trail refuses UPDATE and DELETE in the database itself, whoever connects."""
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER events_no_{verb.lower()} BEFORE {verb} ON events "
                       "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END")
    elif dialect == "postgresql":
        op.execute("CREATE FUNCTION cfc_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RAISE EXCEPTION 'events are append-only'; END $$")
        op.execute("CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
                   "FOR EACH ROW EXECUTE FUNCTION cfc_events_append_only()")
        op.execute("CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
                   "FOR EACH STATEMENT EXECUTE FUNCTION cfc_events_append_only()")


def _adopt(bind, evaluations: sa.Table, events: sa.Table) -> None:
    rows = bind.execute(sa.text(f"SELECT unit_code, period, criteria_id, criteria_digest, inputs, result, saved_at "
                                f"FROM {LEGACY}")).all()
    kept: dict[tuple[str, str], dict] = {}
    merged: list[dict] = []
    for code, period, criteria_id, digest, inputs, result, saved_at in rows:
        written = {"unit_code": code, "period": period, "criteria_id": criteria_id, "criteria_digest": digest,
                   "inputs": json.loads(inputs), "result": json.loads(result), "saved_at": saved_at}
        try:
            found = parse_period(period)
            period, start, end = found.text, found.start, found.end
        except PeriodError:
            start = end = None
        row = {**written, "unit_code": code_key(code) or code, "period": period, "period_start": start,
               "period_end": end, "saved_at": _moment(saved_at), "saved_by": None}
        key = (row["unit_code"], row["period"])
        if key in kept:
            older, row = sorted((kept[key], row), key=lambda r: r["saved_at"])
            merged.append(older)
        kept[key] = row
    if kept:
        op.bulk_insert(evaluations, list(kept.values()))
    now = utcnow()
    op.bulk_insert(events, [
        *({"at": now, "actor": "migration", "action": "history.merged", "unit_code": r["unit_code"],
           "period": r["period"], "before": _plain(r), "after": None} for r in merged),
        {"at": now, "actor": "migration", "action": "history.adopted", "unit_code": None, "period": None,
         "before": {"rows": len(rows)}, "after": {"rows": len(kept), "merged": len(merged)}}])


def _plain(row: dict) -> dict:
    """A row as JSON can hold it: days and moments as ISO 8601 text."""
    return {k: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for k, v in row.items()}


def _moment(text: str) -> dt.datetime:
    """An old saved_at (ISO 8601, UTC) as a moment; a value without a zone is taken as UTC, as it was written."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return utcnow()
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def downgrade() -> None:
    op.drop_table("evaluations")
    op.drop_table("events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS cfc_events_append_only()")
