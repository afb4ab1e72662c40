"""Alembic's entry point, run by engine/store/database.py (never by the alembic command): the connection is
given, already inside the transaction the whole upgrade runs in."""
from alembic import context

from engine.store.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters tables by copying them
with context.begin_transaction():
    context.run_migrations()
