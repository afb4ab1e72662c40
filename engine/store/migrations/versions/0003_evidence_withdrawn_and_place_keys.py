"""Evidence a commune withdraws (kept, never deleted: who withdrew it and when), and units' place keys as the
registry compares names ("Thành phố Hà Nội" and "Hà Nội" are one province).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("evidence") as table:
        table.add_column(sa.Column("withdrawn_at", UTCDateTime(), nullable=True))
        table.add_column(sa.Column("withdrawn_by", sa.String(100), nullable=True))
    from engine.workflow.access import place_key

    units = sa.table("units", sa.column("code", sa.String), sa.column("district", sa.String),
                     sa.column("province", sa.String), sa.column("district_key", sa.String),
                     sa.column("province_key", sa.String))
    connection = op.get_bind()
    for code, district, province in connection.execute(sa.select(units.c.code, units.c.district, units.c.province)).all():
        connection.execute(units.update().where(units.c.code == code).values(
            district_key=place_key(district), province_key=place_key(province)))


def downgrade() -> None:
    with op.batch_alter_table("evidence") as table:
        table.drop_column("withdrawn_by")
        table.drop_column("withdrawn_at")
