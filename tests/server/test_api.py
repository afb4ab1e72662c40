"""The JSON API as the README documents it, through the whole procedure: shapes, statuses, evidence served as an
attachment, refusals as one sentence, bad input never a 500, a database that cannot be used a 503, and two board
members editing one file never losing an update."""
from __future__ import annotations

import threading

import pytest
from starlette.testclient import TestClient

from server_support import PDF, PERIOD, SEEN, UNSEEN, inputs, make_app, make_store, signed_in, submitted

URL = f"/api/submissions/{SEEN}/{PERIOD}"


def h(token: str) -> dict:
    return {"X-CSRF-Token": token}


@pytest.fixture()
def app(tmp_path, library):
    return make_app(make_store(tmp_path / "cfc.sqlite3"), library)


def test_the_procedure_through_the_api(app):
    commune, ct = signed_in(app, "xa.hoason")
    board, bt = signed_in(app, "hoidong")
    province, pt = signed_in(app, "tinh")
    draft = commune.put(URL, json={"inputs": inputs(activities_held=1), "version": 0}, headers=h(ct))
    assert draft.status_code == 200 and draft.json()["status"] == "draft" and draft.json()["version"] == 1
    assert draft.json()["self_total"] == 835
    # Evidence: typed by content, served as a download, never inline.
    html = commune.post(URL + "/evidence", headers=h(ct), data={"criterion": "1"},
                        files={"file": ("bao-cao.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")})
    assert html.status_code == 422 and set(html.json()) == {"error"}
    added = commune.post(URL + "/evidence", headers=h(ct), data={"criterion": "1"},
                         files={"file": ("Biên bản.pdf", PDF, "application/pdf")})
    assert added.status_code == 201 and added.json()["criterion"] == 1 and added.json()["content_type"] == "application/pdf"
    file = board.get(f"{URL}/evidence/{added.json()['id']}")
    assert file.status_code == 200 and file.content == PDF and file.headers["content-type"] == "application/pdf"
    assert file.headers["content-disposition"].startswith("attachment;")
    assert file.headers["x-content-type-options"] == "nosniff"
    assert board.get(f"/api/submissions/{UNSEEN}/{PERIOD}/evidence/{added.json()['id']}").status_code == 403
    # Submit; the commune can no longer change it; the board returns it with a comment.
    assert commune.post(URL + "/submit", json={"version": 1}, headers=h(ct)).json()["status"] == "submitted"
    again = commune.put(URL, json={"inputs": inputs(), "version": 2}, headers=h(ct))
    assert again.status_code == 409 and set(again.json()) == {"error"}
    returned = board.post(URL + "/return", json={"comment": "Bổ sung hoạt động", "version": 2}, headers=h(bt))
    assert returned.json()["status"] == "returned" and returned.json()["board_comment"] == "Bổ sung hoạt động"
    redrafted = commune.put(URL, json={"inputs": inputs(), "version": 3}, headers=h(ct))
    assert redrafted.json()["self_total"] == 855
    assert commune.post(URL + "/submit", json={"version": 4}, headers=h(ct)).json()["status"] == "resubmitted"
    # Appraise: an adjustment needs a reason; with one, both results are kept side by side.
    no_reason = board.post(URL + "/appraise", headers=h(bt),
                           json={"adjustments": [{"input": "births", "value": 47}], "version": 5})
    assert no_reason.status_code == 422 and "births" in no_reason.json()["error"]
    appraised = board.post(URL + "/appraise", headers=h(bt), json={
        "adjustments": [{"input": "births_registered", "value": 44, "reason": "Sổ hộ tịch: 44"}], "version": 5})
    assert appraised.status_code == 200 and appraised.json()["status"] == "appraised"
    # The board's papers are built from the appraised figures and list the adjustment with its reason.
    import io
    import zipfile

    from pypdf import PdfReader

    report = board.get(f"/reports/appraisal.pdf?period={PERIOD}")
    assert report.status_code == 200 and report.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report.content)).pages)
    assert "Sổ hộ tịch: 44" in text and "Số liệu được điều chỉnh khi thẩm định" in text
    archive = zipfile.ZipFile(io.BytesIO(province.get(f"/reports/aggregate.zip?period={PERIOD}").content))
    assert {"summary.xlsx", f"ket-qua-tham-dinh-{PERIOD}.json"} <= set(archive.namelist())
    assert len([n for n in archive.namelist() if n.endswith(".png")]) == 2
    assert province.get(f"/reports/summary.pdf?period={PERIOD}").content.startswith(b"%PDF")
    whole = province.get(URL).json()
    assert whole["self_result"]["total"] == 855 and whole["appraised_result"]["total"] == whole["appraised_total"]
    assert whole["adjustments"][0] | {"at": None} == {"input": "births_registered", "before": 45, "after": 44,
                                                      "reason": "Sổ hộ tịch: 44", "by": "hoidong", "at": None}
    assert [e["action"] for e in whole["events"]][-1] == "submission.appraise"
    assert {"status", "version", "self_inputs", "self_result", "appraised_result", "adjustments", "events",
            "evidence"} <= set(whole)
    listed = board.get(f"/api/submissions?period={PERIOD}&status=appraised").json()
    assert [(r["unit_code"], r["status"]) for r in listed] == [(SEEN, "appraised")]
    assert set(listed[0]) == {"unit_code", "unit_name", "period", "status", "reopened", "self_total",
                              "appraised_total", "updated_at", "version"} and listed[0]["reopened"] is False
    if whole["appraised_result"]["status"] == "recognized":
        done = province.post(URL + "/recognise", json={"decision_number": "12/QĐ-UBND", "decision_date": "2025-07-01"},
                             headers=h(pt))
        assert done.json()["status"] == "recognized" and done.json()["decision_number"] == "12/QĐ-UBND"
    else:
        done = province.post(URL + "/not-recognise", json={"reason": "Chưa đạt"}, headers=h(pt))
        assert done.json()["status"] == "not_recognized"
    audit = province.get(f"/api/audit?unit={SEEN}&since=2000-01-01").json()
    assert {"submission.save_draft", "submission.submit", "submission.return", "submission.appraise"} <= {
        e["action"] for e in audit}
    assert board.get("/api/audit").status_code == 403


def test_lists_only_what_the_caller_may_see(app, tmp_path, library):
    store = app.state.store
    for unit in (SEEN, UNSEEN):
        submitted(store, library, unit)
    for login, units in (("xa.hoason", [SEEN]), ("hoidong", [SEEN]), ("tinh", [SEEN]), ("xa.xa", [UNSEEN]),
                         ("quantri", [SEEN, UNSEEN])):
        client, _ = signed_in(app, login)
        assert [r["unit_code"] for r in client.get("/api/submissions").json()] == units, login
    commune, ct = signed_in(app, "xa.hoason")
    other = commune.put(f"/api/submissions/{UNSEEN}/{PERIOD}", json={"inputs": inputs(), "version": 1}, headers=h(ct))
    assert other.status_code == 403 and set(other.json()) == {"error"}


@pytest.mark.parametrize("body", [b"{", b"[1, 2]", b'"text"', b'{"inputs": [], "version": 0}',
                                  b'{"inputs": {}, "version": "abc"}', b'{"inputs": {}, "version": true}',
                                  b'{"inputs": {"births": {"a": 1}}, "version": 0}',
                                  '{"inputs": {"births": "\\ud800"}, "version": 0}'.encode()])
def test_bad_bodies_are_4xx_with_a_sentence(app, body):
    commune, ct = signed_in(app, "xa.hoason")
    answer = commune.put(URL, content=body, headers={**h(ct), "Content-Type": "application/json"})
    assert 400 <= answer.status_code < 500 or answer.status_code == 200, answer.text
    if answer.status_code != 200:
        assert set(answer.json()) == {"error"} and answer.json()["error"]


@pytest.mark.parametrize("path,body", [
    ("/appraise", {"adjustments": "births=4", "version": 2}), ("/appraise", {"adjustments": [{"input": 4}], "version": 2}),
    ("/appraise", {"adjustments": [{"input": "unit_code", "value": "1", "reason": "x"}], "version": 2}),
    ("/return", {"comment": "  ", "version": 2}), ("/return", {"comment": ["a"], "version": 2}),
    ("/appraise", {"adjustments": [{"input": "births", "value": 40, "reason": ["a"]}], "version": 2}),
    ("/appraise", {"adjustments": [], "version": "2.5"})])
def test_bad_board_requests(app, library, path, body):
    submitted(app.state.store, library, SEEN)
    board, bt = signed_in(app, "hoidong")
    answer = board.post(URL + path, json=body, headers=h(bt))
    assert answer.status_code in (400, 409, 422) and set(answer.json()) == {"error"}, answer.text
    assert board.get(URL).json()["status"] == "submitted"


def test_two_board_members_never_lose_an_update(app, library):
    submitted(app.state.store, library, SEEN)
    first, t1 = signed_in(app, "hoidong")
    second, t2 = signed_in(app, "quantri")
    version = first.get(URL).json()["version"]
    answers = [None, None]
    start = threading.Barrier(2)

    def appraise(slot, client, token, value):
        start.wait()
        answers[slot] = client.post(URL + "/appraise", headers=h(token), json={
            "adjustments": [{"input": "births_registered", "value": value, "reason": f"đếm lại: {value}"}],
            "version": version})

    threads = [threading.Thread(target=appraise, args=(0, first, t1, 44)),
               threading.Thread(target=appraise, args=(1, second, t2, 43))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.text for a in answers]
    loser = next(a for a in answers if a.status_code == 409)
    winner = next(a for a in answers if a.status_code == 200)
    assert winner.json()["status"] == "appraised"
    # The loser is told who changed what, and the version to reload; the winner's figure is the one kept.
    assert loser.json()["version"] == version + 1
    assert any(name in loser.json()["error"] for name in ("hoidong", "quantri"))
    kept = first.get(URL).json()
    assert len(kept["adjustments"]) == 1 and kept["version"] == version + 1
    # A stale write after the fact is refused the same way.
    late = second.post(URL + "/return", json={"comment": "xem lại", "version": version}, headers=h(t2))
    assert late.status_code == 409


def test_a_database_that_cannot_be_used_is_503_with_its_sentence(tmp_path, library):
    path = tmp_path / "cfc.sqlite3"
    store = make_store(path)
    app = make_app(store, library)
    client, token = signed_in(app, "tinh")
    store.engine.dispose()
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if name.exists():
            name.unlink()
    path.write_bytes(b"this is not a database, it was overwritten" * 200)
    answer = client.get("/api/submissions?lang=en")
    assert answer.status_code == 503
    assert answer.json() == {"error": f"{path} is not a cfc database or is damaged; restore it from a backup"}
    page = client.get("/submissions?lang=vi")
    assert page.status_code == 503 and "bản sao lưu" in page.text


def test_a_commune_withdraws_evidence_while_it_may_edit_and_nothing_is_deleted(app):
    commune, ct = signed_in(app, "xa.hoason")
    board, _ = signed_in(app, "hoidong")
    commune.put(URL, json={"inputs": inputs(), "version": 0}, headers=h(ct))
    first = commune.post(URL + "/evidence", headers=h(ct), data={"criterion": "1"},
                         files={"file": ("sai-tep.pdf", PDF + b"1", "application/pdf")}).json()
    second = commune.post(URL + "/evidence", headers=h(ct), data={"criterion": "1"},
                          files={"file": ("dung-tep.pdf", PDF, "application/pdf")}).json()
    gone = commune.delete(f"{URL}/evidence/{first['id']}", headers=h(ct))
    assert gone.status_code == 200 and gone.json()["withdrawn"] is True
    assert commune.delete(f"{URL}/evidence/{first['id']}", headers=h(ct)).status_code == 404
    whole = commune.get(URL).json()
    assert [e["name"] for e in whole["evidence"]] == ["dung-tep.pdf"]
    assert board.get(f"{URL}/evidence/{first['id']}").status_code == 404
    event = next(e for e in whole["events"] if e["action"] == "submission.withdraw_evidence")
    assert event["before"]["name"] == "sai-tep.pdf" and event["actor"] == "xa.hoason"
    # Attached again, the same file comes back (one row, never two).
    again = commune.post(URL + "/evidence", headers=h(ct), data={"criterion": "1"},
                         files={"file": ("sai-tep.pdf", PDF + b"1", "application/pdf")})
    assert again.status_code == 201 and again.json()["id"] == first["id"]
    assert len(commune.get(URL).json()["evidence"]) == 2
    # Once submitted, the file is the board's to read: nothing can be withdrawn.
    commune.post(URL + "/submit", json={"version": whole["version"]}, headers=h(ct))
    late = commune.delete(f"{URL}/evidence/{second['id']}", headers=h(ct))
    assert late.status_code == 409 and set(late.json()) == {"error"}


def test_a_files_form_and_figures_are_labelled_for_its_period(app, library):
    """After the 1 July 2025 reform a unit has no district: the commune's form and the board's figures of a 2025
    file call the field "Khu vực" (with what that means under it); a file of an earlier period keeps the label."""
    submitted(app.state.store, library, SEEN, "2025")
    commune, _ = signed_in(app, "xa.hoason")
    board, _ = signed_in(app, "hoidong")
    for lang, before, after in (("vi", "Huyện / khu vực", "Khu vực"), ("en", "District or area", "Area")):
        for period, label in (("2024", before), ("2026-H1", after)):  # files not made yet: the commune's form
            form = commune.get(f"/s/{SEEN}/{period}?lang={lang}").text
            assert f'<label for="in-district"><span class="label-text">{label}</span>' in form
            assert ('<span class="help-text"></span>' in form.split('id="help-district"')[1][:60]) == (period == "2024")
        # the submitted file, as its board reads it
        figures = board.get(f"/s/{SEEN}/2025?lang={lang}").text
        assert f'<span class="label">{after}</span>' in figures and f'<span class="label">{before}</span>' not in figures
