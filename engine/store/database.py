"""Opening the database, its schema version, and the transactions every read and write runs in.

`Store.open(db)` takes what `--db` takes: nothing (the SQLite file in the user's data directory), a path (an
SQLite file, made on first use), or a URL (`postgresql://user:password@host/name` for a province server, run
through psycopg 3; `sqlite:///path` also works).

- SQLite: WAL mode (readers never wait for a writer), foreign keys on, a busy timeout; a write transaction
  starts with BEGIN IMMEDIATE, so that two writers queue instead of one failing half-way through a
  read-modify-write. Opening brings the schema up to date (the file is made on first run, and a history file of
  cfc before the store is adopted in place).
- PostgreSQL: the schema is brought up to date by `cfc db upgrade --db URL` only (a province's administrator
  decides when); opening a database behind the code is refused with a sentence that says to run it.
- Either: a schema newer than this cfc knows is refused (StoreError "store_newer_schema"): an older cfc must not
  write into a newer layout.

Every failure of the database itself becomes a StoreError (engine/store/errors.py): one sentence.
"""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from engine.store.errors import StoreError, store_error

FILE_NAME = "history.sqlite3"  # the name the history file has had since it existed: its data stays where it is
MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT = 10.0  # seconds a writer waits for another before "the database is locked"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def default_path() -> Path:
    """The user's data directory: platformdirs when it is installed, else $XDG_DATA_HOME or ~/.local/share."""
    try:
        import platformdirs
    except ImportError:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        return Path(base) / "cfc" / FILE_NAME
    return Path(platformdirs.user_data_dir("cfc")) / FILE_NAME


def database_url(db: str | Path | None) -> URL:
    """What --db names, as an SQLAlchemy URL: a path is an SQLite file, postgresql:// goes through psycopg 3."""
    if db is None or isinstance(db, Path) or not _URL.match(str(db)):
        path = Path(db) if db is not None else default_path()
        return URL.create("sqlite", database=str(path.expanduser().absolute()))
    text = str(db)
    for plain in ("postgres://", "postgresql://"):
        if text.startswith(plain):
            text = "postgresql+psycopg://" + text[len(plain):]
    try:
        url = make_url(text)
    except ArgumentError:
        raise StoreError("store_unsupported", db=_masked(text)) from None
    if url.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise StoreError("store_unsupported", db=url.render_as_string(hide_password=True))
    return url


def _masked(text: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", text)


class Store:
    """One database. Thread-safe: each transaction takes its own connection from the pool."""

    def __init__(self, engine: Engine, location: str, path: Path | None):
        self.engine = engine
        self.location = location  # what messages name: the file, or the URL without its password
        self.path = path          # the SQLite file; None for PostgreSQL
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(engine.execution_options(cfc_write=True), expire_on_commit=False)

    @classmethod
    def open(cls, db: str | Path | None = None, *, upgrade: bool | None = None,
             busy_timeout: float = BUSY_TIMEOUT) -> "Store":
        """The database `db` names, its schema checked. `upgrade`: bring an older schema up to date (default:
        yes for SQLite, no for PostgreSQL). Raises StoreError."""
        url = database_url(db)
        sqlite = url.get_backend_name() == "sqlite"
        path = Path(url.database) if sqlite else None
        location = str(path) if sqlite else url.render_as_string(hide_password=True)
        if sqlite:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                _made_private(path)
            except OSError as error:
                raise store_error(error, location) from None
            engine = create_engine(url, connect_args={"timeout": busy_timeout, "check_same_thread": False})
            _sqlite_manners(engine, busy_timeout)
        else:
            engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
        store = cls(engine, location, path)
        store._check_schema(sqlite if upgrade is None else upgrade)
        return store

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ transactions

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads (one transaction, rolled back at the end). Raises StoreError."""
        with self._guard(), self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or not at all (any exception rolls it back). On SQLite
        it holds the write lock from its first statement. IntegrityError (a unique constraint refused a row)
        and StaleDataError (a version moved) reach the caller as they are; every other failure is a
        StoreError."""
        with self._guard(), self._writes() as session, session.begin():
            yield session

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except IntegrityError:
            raise
        except (DBAPIError, OSError) as error:
            raise store_error(error, self.location) from None

    # ------------------------------------------------------------ schema

    def _script(self) -> ScriptDirectory:
        return ScriptDirectory(str(MIGRATIONS))

    def revision(self) -> str | None:
        """The schema revision the database is at (None: no cfc schema yet). Raises StoreError."""
        with self._guard(), self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head(self) -> str:
        """The newest revision this cfc knows."""
        return self._script().get_current_head()

    def _check_schema(self, upgrade: bool) -> None:
        current = self.revision()
        if current == self.head():
            return
        self._refuse_newer(current)
        if not upgrade:
            raise StoreError("store_needs_upgrade", db=self.location, revision=current or "—", head=self.head())
        self.upgrade()

    def _refuse_newer(self, current: str | None) -> None:
        if current is None:
            return
        try:
            known = self._script().get_revision(current) is not None
        except CommandError:
            known = False
        if not known:
            raise StoreError("store_newer_schema", db=self.location, revision=current, head=self.head())

    def upgrade(self) -> tuple[str | None, str]:
        """Run every migration the database lacks, in one transaction (two processes upgrading at once take
        turns; the second finds nothing to do). Returns (revision before, revision after)."""
        with self._guard(), self.engine.execution_options(cfc_write=True).begin() as connection:
            before = MigrationContext.configure(connection).get_current_revision()
            self._refuse_newer(before)
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        return before, self.head()


def _made_private(path: Path) -> None:
    """A new SQLite file is made here, readable and writable by its owner only (SQLite gives its -wal and -shm
    files the same mode): it holds password hashes, the communes' files and their evidence. An existing file
    keeps the mode it has."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _sqlite_manners(engine: Engine, busy_timeout: float) -> None:
    """SQLite's settings on every new connection, and BEGIN issued by us (pysqlite's own is deferred and late)."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we say BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            try:
                cursor.execute("PRAGMA journal_mode = WAL")
            except Exception as error:  # a read-only file can still be read: writes will say why they cannot
                if "readonly" not in str(error).lower():
                    raise
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        immediate = connection.get_execution_options().get("cfc_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
