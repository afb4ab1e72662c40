"""`cfc db backup FILE`: a consistent copy of the SQLite store taken while it is in use, private to its owner,
never over an earlier backup; a PostgreSQL store is pointed to pg_dump. And a new store file is private too."""
from __future__ import annotations

import os
import stat
import sys

from click.testing import CliRunner

from engine.store import Store
from engine.store.users import add_user, list_users

PASSWORD = "mat-khau-du-dai"


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_backup_while_the_store_is_in_use(tmp_path):
    import cli

    db = tmp_path / "cfc.sqlite3"
    store = Store.open(db)
    add_user(store, "quantri", PASSWORD, "admin")
    if sys.platform != "win32":
        assert _mode(db) == 0o600                     # made private: it holds password hashes and evidence
    target = tmp_path / "sao-luu" / "cfc-2026-12-07.sqlite3"
    target.parent.mkdir()
    with store.writing():                              # a writer in the middle of its transaction
        done = CliRunner().invoke(cli.main, ["db", "backup", str(target), "--db", str(db)])
    assert done.exit_code == 0, done.output
    assert "Đã sao lưu" in done.output and str(target) in done.output
    assert [a.login for a in list_users(Store.open(target))] == ["quantri"]
    if sys.platform != "win32":
        assert _mode(target) == 0o600
    assert not list(target.parent.glob("*.part"))
    again = CliRunner().invoke(cli.main, ["db", "backup", str(target), "--db", str(db)])
    assert again.exit_code == 2 and "đã có" in again.output and "Traceback" not in again.output


def test_what_cannot_be_backed_up_is_one_sentence(tmp_path):
    import cli

    pg = CliRunner().invoke(cli.main, ["db", "backup", str(tmp_path / "x.sqlite3"), "--db",
                                       "postgresql://cfc:bi-mat@127.0.0.1/cfc", "--lang", "en"])
    assert pg.exit_code == 2 and "pg_dump" in pg.output and "bi-mat" not in pg.output
    nothing = CliRunner().invoke(cli.main, ["db", "backup", str(tmp_path / "x.sqlite3"), "--db",
                                            str(tmp_path / "none.sqlite3")])
    assert nothing.exit_code == 2 and "không có cơ sở dữ liệu" in nothing.output
    assert not (tmp_path / "none.sqlite3").exists() and not (tmp_path / "x.sqlite3").exists()
