"""A copy of an SQLite store taken while cfc runs, for `cfc db backup FILE`: SQLite's online backup (a consistent
snapshot page by page; readers and writers go on), written beside the target and renamed into place, readable
by the province's staff only (mode 0600: it holds password hashes and evidence). A PostgreSQL store is backed up
with pg_dump (README, "Backup and restore"); restoring an SQLite copy is copying it back with cfc stopped."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from engine.store.database import BUSY_TIMEOUT, database_url
from engine.store.errors import StoreError, store_error


def backup(db: str | Path | None, target: str | Path) -> Path:
    """Copy the SQLite database `db` names (the default one when None) to `target`, which must not exist yet.
    Returns the target's absolute path. Raises StoreError: a PostgreSQL URL, an existing target, no database
    there, or a copy that cannot be read or written."""
    url = database_url(db)
    if url.get_backend_name() != "sqlite":
        raise StoreError("store_backup_postgres", db=url.render_as_string(hide_password=True))
    source = Path(url.database)
    target = Path(target).expanduser().absolute()
    if not source.is_file():
        raise StoreError("store_backup_nothing", db=str(source))
    if target.exists():
        raise StoreError("store_backup_exists", path=str(target))
    part = target.with_name(target.name + ".part")
    try:
        os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        with _closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT)) as original, \
                _closing(sqlite3.connect(part)) as copy:
            original.backup(copy)
            if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("database disk image is malformed")
        os.replace(part, target)
    except (sqlite3.Error, OSError) as error:
        part.unlink(missing_ok=True)
        raise store_error(error, str(source)) from None
    return target


class _closing:
    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc) -> None:
        self.connection.close()
