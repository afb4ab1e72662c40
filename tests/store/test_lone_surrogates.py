"""Issue 21, class 3, on the province server and both databases: a lone surrogate ("\\ud800", legal JSON, no text)
in a request's free-text field — a board's comment, a reason, an adjustment, a decision number, a login — is one
sentence and 422, nothing saved. It used to be a 500 and, where the text reached the database, to break every
later page of the file, its API answer, the audit page and the audit CSV. A surrogate in a unit's inputs stays a
data error of the unit (the draft is kept, invalid, without the value)."""
from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from engine.store.users import add_user
from engine.web.server.app import create_server_app
from engine.web.server.auth import Limits
from engine.workflow import Principal, Workflow
from store_support import UNIT, inputs, place_units

PERIOD, PASSWORD = "2025-H1", "mat-khau-du-dai"
URL = f"/api/submissions/{UNIT}/{PERIOD}"


@pytest.fixture()
def server(store, library):
    place_units(store)
    for login, role, scope in (("hoidong", "board", {"area": ["Thị xã Đoài Sơn"]}), ("tinh", "province",
                               {"province": "Hà Nội"}), ("quantri", "admin", {}), ("xa", "commune", {"unit": UNIT})):
        add_user(store, login, PASSWORD, role, **scope)
    app = create_server_app(library, store, "k" * 48, limits=Limits(per_login=10_000, per_address=10_000))
    wf = Workflow(store, library)
    detail = wf.save_draft(Principal("quantri", "admin"), UNIT, PERIOD, inputs(), 0)
    wf.submit(Principal("quantri", "admin"), UNIT, PERIOD, detail.version)
    return app


def client(app, login: str) -> tuple[TestClient, str]:
    person = TestClient(app, raise_server_exceptions=False)
    answer = person.post("/api/login", json={"login": login, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return person, answer.json()["csrf_token"]


def send(person: TestClient, token: str, path: str, body: dict, method: str = "POST"):
    return person.request(method, path + "?lang=en", content=json.dumps(body, ensure_ascii=True),
                          headers={"X-CSRF-Token": token, "content-type": "application/json"})


@pytest.mark.parametrize("path, body, field", [
    ("/return", {"comment": "Bổ sung \ud800", "version": 2}, "comment"),
    ("/appraise", {"adjustments": [{"input": "births_registered", "value": 44, "reason": "Sổ \udc00"}], "version": 2},
     "adjustments[0].reason"),
    ("/appraise", {"adjustments": [{"input": "births\ud800", "value": 44, "reason": "Sổ"}], "version": 2},
     "adjustments[0].input"),
])
def test_a_boards_field_with_a_lone_surrogate_is_refused_and_nothing_breaks(server, path, body, field):
    board, token = client(server, "hoidong")
    answer = send(board, token, URL + path, body)
    assert answer.status_code == 422, answer.text
    assert answer.json() == {"error": f"the field {field} holds a lone surrogate (\\ud800–\\udfff), which is not "
                                      "text: the request was made wrongly; nothing was saved"}
    # nothing was saved, and every page of the file still answers
    assert board.get(URL).json()["status"] == "submitted"
    assert board.get(f"/s/{UNIT}/{PERIOD}").status_code == 200
    admin, _ = client(server, "quantri")
    assert admin.get("/audit").status_code == 200 and admin.get("/audit.csv").status_code == 200
    assert send(board, token, URL + "/return", {"comment": "Bổ sung biên bản", "version": 2}).status_code == 200


def test_a_provinces_decision_with_a_lone_surrogate_is_refused(server):
    board, bt = client(server, "hoidong")
    appraised = send(board, bt, URL + "/appraise", {"adjustments": [], "version": 2})
    assert appraised.status_code == 200
    version = appraised.json()["version"]
    province, pt = client(server, "tinh")
    for path, body in (("/not-recognise", {"reason": "Chưa \ud800"}), ("/reopen", {"comment": "Xem lại \ud800"}),
                       ("/recognise", {"decision_number": "12/QĐ\udfff", "decision_date": "2025-07-01"})):
        answer = send(province, pt, URL + path, {**body, "version": version})
        assert answer.status_code == 422 and "holds a lone surrogate" in answer.json()["error"], (path, answer.text)
    assert province.get(URL).json()["status"] == "appraised"


def test_a_login_with_a_lone_surrogate_is_refused(server):
    anyone = TestClient(server, raise_server_exceptions=False)
    answer = anyone.post("/api/login?lang=en", content=json.dumps({"login": "x\ud800", "password": "p"}),
                         headers={"content-type": "application/json"})
    assert answer.status_code == 422 and "the field login holds a lone surrogate" in answer.json()["error"]


def test_a_lone_surrogate_in_the_inputs_is_a_data_error_of_the_unit(server):
    commune, token = client(server, "xa")
    answer = send(commune, token, f"/api/submissions/{UNIT}/2025-H2", {"inputs": inputs(unit_name="Xã \ud800"),
                                                                        "version": 0}, method="PUT")
    assert answer.status_code == 200, answer.text
    saved = commune.get(f"/api/submissions/{UNIT}/2025-H2?lang=en").json()
    assert saved["self_result"]["status"] == "invalid" and saved["self_inputs"].get("unit_name") is None
    assert any("unit_name = 'Xã \\ud800': holds a lone surrogate" in e for e in saved["self_result"]["errors"])
    assert commune.get(f"/s/{UNIT}/2025-H2").status_code == 200
