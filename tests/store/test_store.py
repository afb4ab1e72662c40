"""Opening the store: migrations from nothing, schema versions, SQLite's settings, and every way a database
cannot be used said in one sentence (never a traceback)."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from engine.history import History
from engine.store import Store, StoreError
from engine.store.database import database_url

from store_support import ROOT

TABLES = {"alembic_version", "evaluations", "events", "units", "users", "login_attempts", "submissions",
          "adjustments", "evidence"}


def test_an_empty_database_is_brought_to_the_newest_schema(db_url):
    store = Store.open(db_url, upgrade=True)
    assert store.revision() == store.head()
    assert TABLES <= set(inspect(store.engine).get_table_names())
    again = Store.open(db_url)  # at the head: nothing to do, for SQLite and PostgreSQL alike
    assert again.revision() == store.head()


def test_sqlite_file_is_made_on_first_run_with_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "new" / "folder" / "cfc.sqlite3"
    store = Store.open(path)
    assert path.is_file() and store.revision() == store.head()
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_postgresql_waits_for_cfc_db_upgrade(db_url):
    if not db_url.startswith("postgresql"):
        return  # SQLite upgrades on opening: the test above
    with pytest.raises(StoreError) as error:
        Store.open(db_url)
    assert error.value.key == "store_needs_upgrade" and "cfc db upgrade" in error.value.render("en")


def test_a_newer_schema_is_refused(db_url):
    store = Store.open(db_url, upgrade=True)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    for upgrade in (None, True):
        with pytest.raises(StoreError) as error:
            Store.open(db_url, upgrade=upgrade)
        assert error.value.key == "store_newer_schema"
        assert "9999_from_the_future" in error.value.render("vi") and "newer" in error.value.render("en")


def test_events_are_append_only_in_the_database_itself(store):
    History(store)  # nothing saved yet: one event made by hand
    with store.writing() as session:
        session.execute(text("INSERT INTO events (at, actor, action) VALUES (CURRENT_TIMESTAMP, 'x', 'test')"))
    for statement in ("UPDATE events SET actor = 'someone else'", "DELETE FROM events"):
        with pytest.raises(DBAPIError, match="append-only"):
            with store.engine.begin() as connection:
                connection.execute(text(statement))
    with store.reading() as session:
        assert session.execute(text("SELECT actor FROM events")).scalars().all() == ["x"]


def test_urls_and_paths():
    assert database_url("postgresql://u:p@h/db").drivername == "postgresql+psycopg"
    assert database_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert database_url(Path("x.sqlite3")).database == str(Path("x.sqlite3").absolute())
    with pytest.raises(StoreError) as error:
        database_url("mysql://u:secret@h/db")
    assert error.value.key == "store_unsupported" and "secret" not in error.value.render("en")


# ---------------------------------------------------------------- a database that cannot be used: one sentence


def _one_sentence(error: StoreError, db: str) -> None:
    for lang in ("vi", "en"):
        said = error.render(lang)
        assert db in said and "\n" not in said and "Traceback" not in said


def test_corrupt_file(tmp_path, criteria, unit_inputs):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is a spreadsheet, not a database\n" * 200)
    with pytest.raises(StoreError) as error:
        History(path)
    assert error.value.key == "store_corrupt"
    _one_sentence(error.value, str(path))


def test_locked_database(tmp_path, criteria, unit_inputs):
    from store_support import evaluate_one

    path = tmp_path / "history.sqlite3"
    history = History(Store.open(path, busy_timeout=0.2))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # another program holding the write lock
    try:
        unit, result = evaluate_one(criteria, unit_inputs)
        with pytest.raises(StoreError) as error:
            history.save(criteria, result, unit.values)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert error.value.key == "store_locked"
    _one_sentence(error.value, str(path))
    assert history.get("09652", "2024") is None  # nothing half-written
    assert history.save(criteria, result, unit.values).unit_code == "09652"  # and the lock gone, it saves


def test_unreachable_postgresql():
    with pytest.raises(StoreError) as error:
        Store.open("postgresql://cfc:secret@127.0.0.1:1/cfc")
    assert error.value.key == "store_unreachable" and "secret" not in error.value.render("en")
    _one_sentence(error.value, "127.0.0.1:1")


@contextmanager
def read_only(folder: Path):
    """The folder and its files made read-only for this process. Root writes through permission bits, so as
    root (CI) the files are made immutable instead (chattr +i, which binds root too)."""
    paths = [*folder.iterdir(), folder]
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", *map(str, paths)], check=True)
    else:
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)
        else:
            for path in paths:
                path.chmod(0o755 if path.is_dir() else 0o644)


def test_read_only_database_through_the_command_line(tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    path = folder / "history.sqlite3"
    Store.open(path).close()
    with read_only(folder):
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "evaluate", str(ROOT / "evaluations" / "single-unit.yaml"),
                               "--save", "--yes", "--db", str(path), "--lang", "en"], capture_output=True, text=True,
                              cwd=ROOT, timeout=120)
        with pytest.raises(StoreError) as error:
            History(path).all()
    assert error.value.key in ("store_read_only", "store_cannot_open")
    _one_sentence(error.value, str(path))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: ") and str(path) in last and ("read-only" in last or "cannot open" in last), last


def test_cfc_db_upgrade(db_url):
    from click.testing import CliRunner

    from cli import main

    # In the default language: click keeps the first --help wording a command was asked in (docs/generate.py).
    done = CliRunner().invoke(main, ["db", "upgrade", "--db", db_url])
    assert done.exit_code == 0, done.output
    store = Store.open(db_url)  # PostgreSQL too: at the head now
    assert f"phiên bản {store.head()} (mới nhất)" in done.output and "***" not in done.output
    unreachable = CliRunner().invoke(main, ["db", "upgrade", "--db", "postgresql://u:pw@127.0.0.1:1/x"])
    assert unreachable.exit_code == 2 and unreachable.stderr.startswith("Lỗi: không kết nối được")
    assert "pw" not in unreachable.stderr and "Traceback" not in unreachable.output
