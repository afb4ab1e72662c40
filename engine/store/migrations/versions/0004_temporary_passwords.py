"""Temporary passwords: a password someone else chose (an administrator, `cfc users add`) must be changed by its
owner before anything else. Accounts made before this keep working as they did (not temporary).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("password_temporary", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.drop_column("password_temporary")
