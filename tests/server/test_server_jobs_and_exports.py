"""Issue 21 on the province server. Class 8: its documents, workbooks and archives (an admin's are of the whole
country) are the server's bounded, cancellable jobs, as the page's are — a few at once, none made once the server
is stopping. Class 4: the audit trail's CSV is formula-safe, logins included ([\\w.@+-]: "-1+1" is a login)."""
from __future__ import annotations

import csv
import io
import json
import threading
import time

import pytest

from engine.store.users import add_user
from engine.workflow import Principal, Workflow
from server_support import PASSWORD, PERIOD, SEEN, UNSEEN, inputs, make_app, make_store, signed_in, submitted

DOCUMENTS = [f"/reports/appraisal.pdf?period={PERIOD}", f"/reports/decision.docx?period={PERIOD}",
             f"/reports/aggregate.zip?period={PERIOD}", f"/reports/summary.pdf?period={PERIOD}"]


@pytest.fixture()
def app(tmp_path, library):
    """A server whose one unit is appraised: every document of the period has something to say."""
    store = make_store(tmp_path / "cfc.sqlite3")
    detail = submitted(store, library, SEEN)
    Workflow(store, library).appraise(Principal("quantri", "admin"), SEEN, PERIOD, [], detail.version)
    return make_app(store, library)


def test_documents_are_made_a_few_at_a_time(app, monkeypatch):
    from engine.web import jobs
    from engine.web.server import files

    running, most, lock = [0], [0], threading.Lock()
    real = files.appraised

    def slow(request, period):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.3)
        try:
            return real(request, period)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(files, "appraised", slow)
    province, _ = signed_in(app, "tinh")
    answers: list[int] = []
    with province:  # one event loop for every request, as a real server has
        senders = [threading.Thread(target=lambda path=path: answers.append(province.get(path).status_code))
                   for path in DOCUMENTS * 2]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=120)
    assert answers == [200] * len(DOCUMENTS) * 2
    assert most[0] == jobs.JOBS == 2, most


def test_no_document_is_made_once_the_server_is_stopping(app):
    province, _ = signed_in(app, "tinh")
    assert province.get(DOCUMENTS[0]).status_code == 200
    app.state.jobs.stop()  # what SIGTERM does (engine/web/jobs.serve)
    for path in DOCUMENTS:
        answer = province.get(path + "&lang=en")
        assert answer.status_code == 503, path
        assert "The document was not made: the server is stopping" in answer.text


def test_the_audit_csv_is_formula_safe(app, library):
    store = app.state.store
    add_user(store, "-1+1", PASSWORD, "admin")
    hostile = '=HYPERLINK("http://example.com/x","Bấm vào đây")'
    Workflow(store, library).save_draft(Principal("-1+1", "admin"), UNSEEN, PERIOD,
                                        inputs(unit_code=UNSEEN, unit_name=hostile), 0)
    admin, _ = signed_in(app, "quantri")
    answer = admin.get("/audit.csv")
    assert answer.status_code == 200 and answer.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    mine = [row for row in rows if row["actor"] == "'-1+1"]
    assert mine and mine[-1]["action"] == "submission.save_draft" and mine[-1]["unit_code"] == UNSEEN
    assert json.loads(mine[-1]["after"])["inputs"]["unit_name"] == hostile  # inside JSON text, starting "{"
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (row, cell)
