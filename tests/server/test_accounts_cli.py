"""`cfc users`: a commune's unit placed by the official list (and said), names as the list spells them matched
with names as people type them (a province account "Hà Nội" sees a unit of "Thành phố Hà Nội"), a code in
neither list refused, and an account disabled and enabled again."""
from __future__ import annotations

from click.testing import CliRunner

import cli
from engine.store import Store
from engine.store.users import authenticate
from engine.workflow import Principal, Workflow

from server_support import inputs


def run(*args: str, password: str = "mat-khau-du-dai"):
    return CliRunner().invoke(cli.main, ["users", *args], input=password + "\n")


def test_a_commune_account_is_placed_by_the_official_list(tmp_path, library):
    db = str(tmp_path / "cfc.sqlite3")
    added = run("add", "xa.thachthan", "--role", "commune", "--unit", "09916", "--db", db, "--lang", "en")
    assert added.exit_code == 0, added.output
    assert "Unit 09916: Xã Thạch Thán, Huyện Quốc Oai, Thành phố Hà Nội" in added.output
    assert run("add", "tinh", "--role", "province", "--province", "Hà Nội", "--db", db).exit_code == 0
    assert run("add", "hoidong", "--role", "board", "--area", "quốc oai", "--db", db).exit_code == 0
    store = Store.open(db)
    wf = Workflow(store, library)
    wf.save_draft(Principal("xa.thachthan", "commune", unit="09916"), "09916", "2025-H1", inputs(unit_code="09916"), 0)
    for login, role, scope in (("tinh", "province", {"province": "Hà Nội"}), ("hoidong", "board", {"area": ("quốc oai",)})):
        assert [s.unit_code for s in wf.list(Principal(login, role, **scope))] == ["09916"], login


def test_a_code_in_no_list_is_refused_and_accounts_can_be_enabled_again(tmp_path):
    db = str(tmp_path / "cfc.sqlite3")
    refused = run("add", "xa.la", "--role", "commune", "--unit", "99999", "--province", "Hà Nội", "--db", db)
    assert refused.exit_code == 2 and "99999" in refused.output
    assert run("add", "xa.la", "--role", "commune", "--unit", "09916", "--db", db).exit_code == 0
    store = Store.open(db)
    assert run("disable", "xa.la", "--db", db).exit_code == 0
    assert authenticate(store, "xa.la", "mat-khau-du-dai") is None
    enabled = run("enable", "xa.la", "--db", db, "--lang", "en")
    assert enabled.exit_code == 0 and "Account xa.la enabled" in enabled.output
    assert authenticate(store, "xa.la", "mat-khau-du-dai") is not None


def test_the_laptop_steps_say_roles_in_words_and_warn_before_plain_http_on_a_network(tmp_path, monkeypatch):
    """The README's laptop steps as a province's IT person types them: each account said with its role in
    words, then `cfc serve --accounts` on the office network warns that plain HTTP carries passwords in clear
    (and on 127.0.0.1 it does not)."""
    import engine.web.jobs

    db = str(tmp_path / "cfc.sqlite3")
    added = run("add", "tinh", "--role", "province", "--province", "Tuyên Quang", "--db", db)
    assert added.exit_code == 0 and "Đã tạo tài khoản tinh: tỉnh (province)" in added.output
    listed = CliRunner().invoke(cli.main, ["users", "list", "--db", db])
    assert "tỉnh (province)" in listed.output
    served = []
    monkeypatch.setattr(engine.web.jobs, "serve", lambda app, host, port, **options: served.append(host))
    for host, warned in (("0.0.0.0", True), ("127.0.0.1", False)):
        result = CliRunner().invoke(cli.main, ["serve", "--accounts", "--host", host, "--db", db,
                                               "--secret-file", str(tmp_path / "secret")])
        assert result.exit_code == 0, result.output
        assert ("HTTP thường" in result.stderr) is warned, result.stderr
        assert "Máy chủ cấp tỉnh (cần đăng nhập) đang chạy" in result.stdout
    assert served == ["0.0.0.0", "127.0.0.1"]


def test_every_commune_of_a_province_gets_an_account_in_one_command(tmp_path):
    """`cfc users add-communes`: one account per unit of the province in today's list, its password in a private
    file (and nowhere else); units with an account already, and a second run, are skipped; a province not in the
    list is one sentence and leaves no file."""
    import csv
    import os
    import stat

    from engine.registry import map_for

    db, passwords = str(tmp_path / "cfc.sqlite3"), tmp_path / "mat-khau-xa.csv"
    units = map_for().in_province(map_for().find_province("Lai Châu"))
    assert run("add", "xa.rieng", "--role", "commune", "--unit", units[0].code, "--db", db).exit_code == 0
    done = CliRunner().invoke(cli.main, ["users", "add-communes", "--province", "lai châu", "-o", str(passwords),
                                         "--db", db])
    assert done.exit_code == 0, done.output
    assert f"Đã tạo {len(units) - 1} tài khoản xã của Tỉnh Lai Châu" in done.output
    assert f"1 xã đã có tài khoản, bỏ qua: {units[0].code} (xa.rieng)" in done.output
    assert stat.S_IMODE(os.stat(passwords).st_mode) == 0o600
    rows = list(csv.reader(passwords.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["tài khoản", "mã đơn vị", "tên đơn vị", "mật khẩu"]
    assert [r[1] for r in rows[1:]] == [u.code for u in units[1:]]
    store = Store.open(db)
    login, code, name, password = rows[1]
    account = authenticate(store, login, password)
    assert account is not None and account.unit_code == code and login == f"xa.{code}"
    assert len(password) == 14 and password.count("-") == 2
    again = CliRunner().invoke(cli.main, ["users", "add-communes", "--province", "Lai Châu", "-o",
                                          str(tmp_path / "lan-hai.csv"), "--db", db])
    assert again.exit_code == 0 and "Không tạo tài khoản nào" in again.output and not (tmp_path / "lan-hai.csv").exists()
    unknown = CliRunner().invoke(cli.main, ["users", "add-communes", "--province", "Hà Tây", "-o",
                                            str(tmp_path / "x.csv"), "--db", db])
    assert unknown.exit_code == 2 and "không có tỉnh 'Hà Tây'" in unknown.output and not (tmp_path / "x.csv").exists()
    exists = CliRunner().invoke(cli.main, ["users", "add-communes", "--province", "Lai Châu", "-o", str(passwords),
                                           "--db", db])
    assert exists.exit_code == 2 and "đã có" in exists.output
