"""The models say what the migrations make: Alembic's own comparison finds no difference, on both databases."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from engine.store.models import Base


def test_models_match_the_newest_migration(store):
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
