"""Accounts and the procedure: units, users, login attempts, submissions, adjustments, evidence.

Revision ID: 0002
Revises: 0001
Create Date: 2025-06-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.models import BigId, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("district", sa.String(200)),
        sa.Column("province", sa.String(200)),
        sa.Column("district_key", sa.String(200)),
        sa.Column("province_key", sa.String(200)),
    )
    op.create_index("ix_units_district_key", "units", ["district_key"])
    op.create_index("ix_units_province_key", "units", ["province_key"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("login", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("unit_code", sa.String(64)),
        sa.Column("area", sa.JSON()),
        sa.Column("province", sa.String(200)),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("password_changed_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("role IN ('commune', 'board', 'province', 'admin')", name="ck_users_role"),
        sa.CheckConstraint("(role <> 'commune' OR unit_code IS NOT NULL) AND (role <> 'board' OR area IS NOT NULL) "
                           "AND (role <> 'province' OR province IS NOT NULL)", name="ck_users_scope"),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("login", sa.String(100), nullable=False),
        sa.Column("address", sa.String(64)),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_login_attempts_login_at", "login_attempts", ["login", "at"])
    op.create_index("ix_login_attempts_address_at", "login_attempts", ["address", "at"])
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("unit_code", sa.String(64), sa.ForeignKey("units.code"), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("criteria_id", sa.String(200), nullable=False),
        sa.Column("criteria_digest", sa.String(64), nullable=False),
        sa.Column("self_inputs", sa.JSON(), nullable=False),
        sa.Column("self_result", sa.JSON(), nullable=False),
        sa.Column("self_status", sa.String(20), nullable=False),
        sa.Column("self_total", sa.Integer(), nullable=False),
        sa.Column("appraised_inputs", sa.JSON()),
        sa.Column("appraised_result", sa.JSON()),
        sa.Column("appraised_status", sa.String(20)),
        sa.Column("appraised_total", sa.Integer()),
        sa.Column("board_comment", sa.Text()),
        sa.Column("decision_number", sa.String(100)),
        sa.Column("decision_date", sa.Date()),
        sa.Column("decision_reason", sa.Text()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("submitted_at", UTCDateTime()),
        sa.Column("appraised_at", UTCDateTime()),
        sa.Column("decided_at", UTCDateTime()),
        sa.UniqueConstraint("unit_code", "period", name="uq_submissions_unit_period"),
        sa.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'resubmitted', 'appraised', 'recognized', "
                           "'not_recognized')", name="ck_submissions_status"),
    )
    op.create_index("ix_submissions_period_status", "submissions", ["period", "status"])
    op.create_table(
        "adjustments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("input", sa.String(100), nullable=False),
        sa.Column("before", sa.JSON()),
        sa.Column("after", sa.JSON()),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("length(reason) > 0", name="ck_adjustments_reason"),
    )
    op.create_index("ix_adjustments_submission_id", "adjustments", ["submission_id"])
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("submission_id", sa.Integer(), sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("criterion", sa.Integer()),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("submission_id", "criterion", "sha256", name="uq_evidence_file"),
    )
    op.create_index("ix_evidence_submission_id", "evidence", ["submission_id"])


def downgrade() -> None:
    for table in ("evidence", "adjustments", "submissions", "login_attempts", "users", "units"):
        op.drop_table(table)
