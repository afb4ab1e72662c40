"""A database that cannot be used, said in one sentence.

Whatever goes wrong below SQLAlchemy — a file that is not a database, a lock held too long, a read-only file or
folder, a full disk, a PostgreSQL server that does not answer, a schema newer than this cfc — reaches people as
one StoreError: a bilingual message naming the database (a path, or a URL without its password). The CLI
prints it and exits 2; the web layer answers 503 with it. Never a traceback.
"""
from __future__ import annotations

import errno
from typing import Any

from engine.messages import MessageError

# Fragments of SQLite's and libpq's own words, and what each means for the person reading. Matched in order on
# the lower-cased error text: the drivers give no stable codes for these through SQLAlchemy.
_REASONS: list[tuple[tuple[str, ...], str]] = [
    (("database is locked", "database table is locked", "locking protocol"), "store_locked"),
    (("file is not a database", "malformed", "not a database", "file is encrypted"), "store_corrupt"),
    (("readonly", "read-only", "read only"), "store_read_only"),
    (("database or disk is full", "no space left"), "store_full"),
    (("unable to open database file",), "store_cannot_open"),
    (("disk i/o error",), "store_io"),
    (("connection refused", "could not connect", "connection to server", "timeout expired",
      "could not translate host name", "server closed the connection", "name or service not known",
      "no such host", "terminating connection"), "store_unreachable"),
    (("password authentication failed", "authentication failed", "role \"", "database \""), "store_refused"),
]


class StoreError(MessageError):
    """The database cannot be used: `key` names the sentence in engine/messages.py, `db` the database. The web
    layer answers 503 with `render(lang)`; the CLI prints it and exits 2 (cli.py does so for every
    MessageError)."""

    def __init__(self, key: str, /, **params: Any):
        self.key = key
        super().__init__(key, **params)


def reason_key(error: BaseException) -> str:
    """The message key that says why `error` (a DBAPI or OS error) stopped the database."""
    if isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "store_read_only"
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "store_full"
    text = str(getattr(error, "orig", None) or error).lower()
    for fragments, key in _REASONS:
        if any(fragment in text for fragment in fragments):
            return key
    return "store_failed"


def store_error(error: BaseException, db: str) -> StoreError:
    """The one sentence for a low-level failure of the database `db`."""
    key = reason_key(error)
    # The driver's own first line goes along only where no sentence of ours explains it.
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:200] if key == "store_failed" else ""
    return StoreError(key, db=db, detail=detail)
