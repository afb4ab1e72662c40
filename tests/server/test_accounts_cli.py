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
