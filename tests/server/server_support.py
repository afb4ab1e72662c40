"""Shared by the province server's tests: a server on a fresh SQLite store with people of every role, units
inside and outside their scope, and sessions signed in through the API (module named apart from conftest:
tests/web and tests/store have their own)."""
from __future__ import annotations

from pathlib import Path

import yaml
from starlette.testclient import TestClient

from engine.store import Store
from engine.store.users import add_user
from engine.web.server.app import create_server_app
from engine.web.server.auth import Limits
from engine.workflow import Principal, Workflow

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-du-dai"
SEEN, UNSEEN = "09916", "10001"          # inside the board's and province's scope / outside it
PERIOD = "2025-H1"
PDF = b"%PDF-1.4\n% evidence\n" + b"0" * 512
PEOPLE = {  # login: (role, scope)
    "xa.hoason": ("commune", {"unit": SEEN, "unit_place": {"name": "Xã Hòa Sơn", "district": "Thị xã Đoài Sơn",
                                                           "province": "Hà Nội"}}),
    "xa.xa": ("commune", {"unit": UNSEEN, "unit_place": {"name": "Xã Xa", "district": "Huyện Xa",
                                                         "province": "Thừa Thiên Huế"}}),
    "hoidong": ("board", {"area": ["Thị xã Đoài Sơn"]}),
    "tinh": ("province", {"province": "Hà Nội"}),
    "quantri": ("admin", {}),
}


def inputs(**changes) -> dict:
    """The shipped example commune with two activities for children: 855/850, recognised."""
    data = yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"))
    return {**data, "activities_held": 2, **changes}


def make_store(path: Path | str) -> Store:
    store = Store.open(path, upgrade=True)
    for login, (role, scope) in PEOPLE.items():
        add_user(store, login, PASSWORD, role, **scope)
    return store


def make_app(store: Store, library, **options):
    options.setdefault("limits", Limits(per_login=10_000, per_address=10_000))
    return create_server_app(library, store, "k" * 48, **options)


def signed_in(app, login: str, password: str = PASSWORD, address: str = "testclient") -> tuple[TestClient, str]:
    """A client with a session for `login`, and the CSRF token the login returned."""
    client = TestClient(app, client=(address, 50000))
    answer = client.post("/api/login", json={"login": login, "password": password})
    assert answer.status_code == 200, answer.text
    return client, answer.json()["csrf_token"]


def submitted(store: Store, library, unit: str, period: str = PERIOD, evidence: bool = True):
    """A unit's file, drafted (with an evidence file) and submitted through the workflow by the admin."""
    wf = Workflow(store, library)
    admin = Principal("quantri", "admin")
    detail = wf.save_draft(admin, unit, period, inputs(unit_code=unit), 0)
    if evidence:
        wf.add_evidence(admin, unit, period, PDF, "bien-ban.pdf", 1)
    return wf.submit(admin, unit, period, detail.version)
