"""Accounts (argon2 hashes, scopes, disabling, login attempts) and the cfc users commands."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from cli import main
from engine.store import audit
from engine.store.users import (UserError, add_user, authenticate, change_password, get_user, list_users,
                                recent_failures, set_disabled, set_password)
from engine.workflow import Principal
from engine.workflow.access import Place, place_key


def test_accounts_and_their_scope(store):
    commune = add_user(store, "Xa.HoaSon", "mật khẩu dài", "commune", unit="０９９１６",
                       unit_place={"name": "Xã Hòa Sơn", "district": "Thị xã Đoài Sơn", "province": "Hà Nội"})
    board = add_user(store, "hoidong", "mật khẩu dài", "board", area=["Thị xã Đoài Sơn, 09920"])
    province = add_user(store, "tinh", "mật khẩu dài", "province", province="HÀ NỘI")
    assert (commune.login, commune.unit_code) == ("xa.hoason", "09916")
    assert board.area == ("Thị xã Đoài Sơn", "09920")
    place = Place("09916", place_key("Thị xã Đoài Sơn"), place_key("Hà Nội"))
    assert all(Principal.from_account(a).can_see(place) for a in (commune, board, province))
    assert not Principal.from_account(board).can_see(Place("09917", place_key("Huyện Khác"), place_key("Hà Nội")))
    assert Principal.from_account(board).can_see(Place("09920"))
    assert [a.login for a in list_users(store)] == ["hoidong", "xa.hoason", "tinh"]
    for bad in (dict(login="xa.hoason"), dict(login="có dấu cách"), dict(password="ngắn"),
                dict(role="commune", unit=" "), dict(role="board", area=[" , "]), dict(role="chief")):
        arguments = {"login": "new", "password": "mật khẩu dài", "role": "province", "province": "Huế", **bad}
        with pytest.raises(UserError):
            add_user(store, **arguments)
    assert len(list_users(store)) == 3


def test_passwords_logins_and_their_trail(store):
    add_user(store, "tinh", "mật khẩu một", "province", province="Hà Nội")
    assert authenticate(store, "TINH", "mật khẩu một", "10.0.0.1").login == "tinh"
    assert authenticate(store, "tinh", "sai", "10.0.0.2") is None
    assert authenticate(store, "nobody", "sai", "10.0.0.2") is None
    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    assert recent_failures(store, since, login="tinh") == 1
    assert recent_failures(store, since, address="10.0.0.2") == 2
    assert recent_failures(store, since, address="10.0.0.1") == 0
    set_password(store, "tinh", "mật khẩu hai", by="quantri")
    assert authenticate(store, "tinh", "mật khẩu một") is None and authenticate(store, "tinh", "mật khẩu hai")
    set_disabled(store, "tinh", by="quantri")
    assert authenticate(store, "tinh", "mật khẩu hai") is None and get_user(store, "tinh").disabled
    with store.reading() as session:
        from engine.store.models import User

        hashed = session.query(User.password_hash).scalar()
    assert hashed.startswith("$argon2id$") and "mật khẩu" not in hashed
    trail = audit.events(store)
    assert [e.action for e in trail] == ["user.add", "login.ok", "login.failed", "login.failed", "user.password",
                                         "login.failed", "login.ok", "user.disable", "login.failed"]
    assert not any(hashed in str(e.before) + str(e.after) for e in trail)
    assert trail[-2].before == {"login": "tinh", "disabled": False, "password_temporary": False}
    assert trail[-2].after["disabled"] is True
    with pytest.raises(UserError):
        set_password(store, "nobody", "mật khẩu ba")


def test_changing_ones_own_password(store):
    """The owner gives the current password: a wrong one is a failed sign-in (counted for the limits, in the
    trail) and changes nothing; the new one must differ and follow the rules; afterwards it is final."""
    add_user(store, "tinh", "mật khẩu tạm thời", "province", province="Hà Nội", temporary=True)
    assert get_user(store, "tinh").password_temporary
    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    for current, new, key in (("sai rồi đấy", "mật khẩu riêng", "user_wrong_password"),
                              ("mật khẩu tạm thời", "mật khẩu tạm thời", "user_same_password"),
                              ("mật khẩu tạm thời", "ngắn", "user_short_password"),
                              ("mật khẩu tạm thời", "nửa cặp \ud800 thay thế", "user_password_not_text"),
                              ("\udc00 không phải chữ", "mật khẩu riêng", "user_wrong_password")):
        with pytest.raises(UserError) as refused:
            change_password(store, "tinh", current, new, address="10.0.0.9")
        assert refused.value.key == key
    assert recent_failures(store, since, login="tinh") == 2 and recent_failures(store, since, address="10.0.0.9") == 2
    assert get_user(store, "tinh").password_temporary and authenticate(store, "tinh", "mật khẩu tạm thời")
    before = get_user(store, "tinh").password_changed_at
    account = change_password(store, "TINH", "mật khẩu tạm thời", "mật khẩu riêng")
    assert not account.password_temporary and account.password_changed_at > before
    assert authenticate(store, "tinh", "mật khẩu riêng") and authenticate(store, "tinh", "mật khẩu tạm thời") is None
    with pytest.raises(UserError):  # an unknown account is a wrong password, said the same way
        change_password(store, "nobody", "mật khẩu riêng", "mật khẩu khác")
    # A lone surrogate at sign-in is simply wrong: never an exception out of argon2's encoding.
    assert authenticate(store, "tinh", "mật khẩu \ud800") is None
    set_password(store, "tinh", "đặt lại cho tỉnh", by="quantri", temporary=True)
    assert get_user(store, "tinh").password_temporary
    changes = [e for e in audit.events(store) if e.action == "user.password"]
    assert [(e.actor, e.before["password_temporary"], e.after["password_temporary"]) for e in changes] == [
        ("tinh", True, False), ("quantri", False, True)]


def test_users_commands(db_url):
    run = lambda *args, **kw: CliRunner().invoke(main, [*args, "--db", db_url], **kw)  # noqa: E731
    assert "password" not in {p.name for c in main.commands["users"].commands.values() for p in c.params}
    if db_url.startswith("postgresql"):  # a PostgreSQL database is made ready by cfc db upgrade, as documented
        assert run("users", "list").exit_code == 2
        assert run("db", "upgrade").exit_code == 0
    added = run("users", "add", "xa.hoason", "--role", "commune", "--unit", "09916", "--district", "Thị xã Đoài Sơn",
                "--province", "Hà Nội", input="mật khẩu xã\n")
    assert added.exit_code == 0 and "Đã tạo tài khoản xa.hoason" in added.output
    assert run("users", "add", "tinh", "--role", "province", "--province", "Hà Nội", input="mật khẩu tỉnh\n").exit_code == 0
    again = run("users", "add", "xa.hoason", "--role", "commune", "--unit", "09916", input="mật khẩu xã\n")
    assert again.exit_code == 2 and again.stderr.strip() == "Lỗi: đã có tài khoản xa.hoason"
    short = run("users", "add", "x", "--role", "admin", input="ngắn\n")
    assert short.exit_code == 2 and "ít nhất 8" in short.stderr
    empty = run("users", "add", "x", "--role", "admin", input="")
    assert empty.exit_code == 2 and "đầu vào chuẩn" in empty.stderr
    listed = run("users", "list")
    assert listed.exit_code == 0 and "xa.hoason" in listed.output and "09916" in listed.output
    # A password typed at the command line is the administrator's choice: temporary unless --final.
    assert "mật khẩu tạm" in added.output
    assert "chưa đổi mật khẩu tạm" in run("users", "list").output
    assert run("users", "add", "quantri", "--role", "admin", "--final", input="mật khẩu quản trị\n").exit_code == 0
    assert run("users", "passwd", "tinh", input="mật khẩu mới\n").exit_code == 0
    assert run("users", "disable", "xa.hoason").exit_code == 0
    assert run("users", "disable", "nobody").exit_code == 2
    from engine.store import Store

    store = Store.open(db_url)
    assert authenticate(store, "tinh", "mật khẩu mới") and authenticate(store, "xa.hoason", "mật khẩu xã") is None
    assert get_user(store, "tinh").password_temporary and not get_user(store, "quantri").password_temporary
    assert run("users", "passwd", "tinh", "--final", input="mật khẩu cuối\n").exit_code == 0
    assert not get_user(store, "tinh").password_temporary
    assert "không đăng nhập được" in run("users", "list").output or "đã khóa" in run("users", "list").output
