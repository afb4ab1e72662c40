"""The one database layer: SQLAlchemy 2 models, Alembic migrations shipped in the package, SQLite by default
and PostgreSQL for a province server. See database.py (opening, transactions), models.py (the tables),
audit.py (the append-only events), errors.py (a database that cannot be used, in one sentence)."""
from engine.store.database import Store, database_url, default_path
from engine.store.errors import StoreError

__all__ = ["Store", "StoreError", "database_url", "default_path"]
