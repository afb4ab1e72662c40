"""The procedure per unit and period, on both databases: who may do what (the role × action matrix, through
the operations themselves), every illegal transition refused, versions that lost a race refused with what
changed, and an event with the value before and after for every change."""
from __future__ import annotations

import threading

import pytest

from engine.workflow import Forbidden, NotFound, Refused, StaleVersion, WrongState
from engine.workflow.access import ROLE_ACTIONS
from engine.workflow.states import STATES, TRANSITIONS

from store_support import (ADMIN, BOARD, BOARD_OTHER, COMMUNE, PEOPLE, PROVINCE, SEES_UNIT, UNIT, act, bring_to,
                           inputs)

# Written out here, apart from the code: what each role may do, and from which state.
MAY = {"commune": {"save_draft", "add_evidence", "submit"}, "board": {"return", "appraise"},
       "province": {"recognise", "not_recognise", "reopen"}, "admin": set(TRANSITIONS)}
FROM = {"save_draft": {None, "draft", "returned"}, "add_evidence": {"draft", "returned"},
        "submit": {"draft", "returned"}, "return": {"submitted", "resubmitted"},
        "appraise": {"submitted", "resubmitted"}, "recognise": {"appraised"}, "not_recognise": {"appraised"},
        "reopen": {"appraised"}}
READY = {"save_draft": "draft", "add_evidence": "returned", "submit": "draft", "return": "resubmitted",
         "appraise": "submitted", "recognise": "appraised", "not_recognise": "appraised", "reopen": "appraised"}


def test_the_tables_say_what_the_procedure_says():
    reading = {"view", "dashboard", "documents", "summary", "audit", "manage_users"}
    assert {role: set(actions) - reading for role, actions in ROLE_ACTIONS.items()} == MAY
    assert {action: set(moves) for action, moves in TRANSITIONS.items()} == FROM
    for person in PEOPLE:
        for status in (None, *STATES):
            from engine.workflow.access import Place, place_key

            place = Place(UNIT, place_key("Thị xã Đoài Sơn"), place_key("Hà Nội"))
            expected = [a for a in TRANSITIONS if person in SEES_UNIT and a in MAY[person.role] and status in FROM[a]]
            assert person.allowed(place, status) == expected, (person.login, status)


def test_role_action_matrix(wf):
    """Every action by every kind of person, own unit and another's, each on a file ready for that action."""
    day = 0
    for action in TRANSITIONS:
        for person in PEOPLE:
            day += 1
            period = f"2025-01-{day:02d}" if day <= 31 else f"2025-02-{day - 31:02d}"
            ready = bring_to(wf, READY[action], period)
            events = len(wf.get(ADMIN, UNIT, period).events)
            allowed = person in SEES_UNIT and action in MAY[person.role]
            if allowed:
                act(wf, person, action, UNIT, period, ready.version)
                assert len(wf.get(ADMIN, UNIT, period).events) == events + 1, (action, person.login)
            else:
                with pytest.raises(Forbidden):
                    act(wf, person, action, UNIT, period, ready.version)
                after = wf.get(ADMIN, UNIT, period)
                assert (after.status, after.version, len(after.events)) == (ready.status, ready.version, events)


def test_every_illegal_transition_is_refused(wf):
    for index, state in enumerate(STATES):
        period = f"2024-0{index + 1}-15"
        ready = bring_to(wf, state, period)
        for action in TRANSITIONS:
            if state in FROM[action]:
                continue
            with pytest.raises(WrongState) as refused:
                act(wf, ADMIN, action, UNIT, period, ready.version)
            assert (refused.value.state, refused.value.http_status) == (state, 409)
        after = wf.get(ADMIN, UNIT, period)
        assert (after.status, after.version) == (state, ready.version)
    for action in TRANSITIONS:
        if action != "save_draft":
            with pytest.raises(NotFound):
                act(wf, ADMIN, action, UNIT, "2023-H1", 0)


def test_the_whole_story_with_its_audit_trail(wf):
    period = "2025-H1"
    draft = wf.save_draft(COMMUNE, UNIT, period, inputs(activities_held=1), 0)
    assert (draft.status, draft.version, draft.summary.self_total) == ("draft", 1, 835)
    incomplete = wf.save_draft(COMMUNE, UNIT, "2025-H2", inputs(births=None, births_registered=None), 0)
    with pytest.raises(Refused) as refused:  # a file with missing figures cannot be handed in
        wf.submit(COMMUNE, UNIT, "2025-H2", incomplete.version)
    assert refused.value.key == "wf_not_submittable" and wf.get(COMMUNE, UNIT, "2025-H2").status == "draft"
    draft = wf.save_draft(COMMUNE, UNIT, period, inputs(activities_held=2), draft.version)
    submitted = wf.submit(COMMUNE, UNIT, period, draft.version)
    returned = wf.return_(BOARD, UNIT, period, "Thiếu biên bản các hoạt động", submitted.version)
    assert returned.board_comment == "Thiếu biên bản các hoạt động"
    wf.add_evidence(COMMUNE, UNIT, period, b"%PDF-1.7\n...", "Biên bản.pdf", 12)
    resubmitted = wf.submit(COMMUNE, UNIT, period, returned.version)
    assert resubmitted.status == "resubmitted"
    appraised = wf.appraise(BOARD, UNIT, period, [{"input": "births_registered", "value": "40",
                                                   "reason": "Sổ đăng ký khai sinh ghi 40 trẻ"}], resubmitted.version)
    assert appraised.summary.self_total == 855 and appraised.summary.appraised_total < 855
    assert appraised.self_inputs["births_registered"] == 45 and appraised.appraised_inputs["births_registered"] == 40
    assert [(a.input, a.before, a.after, a.by) for a in appraised.adjustments] == [
        ("births_registered", 45, 40, "hoidong")]
    with pytest.raises(Refused):  # the appraised figures do not meet the standard: no recognition
        wf.recognise(PROVINCE, UNIT, period, "15/QĐ-UBND", "2025-06-30", appraised.version)
    decided = wf.not_recognise(PROVINCE, UNIT, period, "Tỷ lệ đăng ký khai sinh chưa đạt", appraised.version)
    assert decided.status == "not_recognized" and decided.decision_reason.startswith("Tỷ lệ")
    trail = [(e.action, e.actor) for e in decided.events]
    assert trail == [("submission.save_draft", "xa.hoason"), ("submission.save_draft", "xa.hoason"),
                     ("submission.submit", "xa.hoason"), ("submission.return", "hoidong"),
                     ("submission.add_evidence", "xa.hoason"), ("submission.submit", "xa.hoason"),
                     ("submission.appraise", "hoidong"), ("submission.not_recognise", "tinh")]
    second_save = decided.events[1]
    assert second_save.before["inputs"] == {"activities_held": 1} and second_save.after["inputs"] == {"activities_held": 2}
    appraisal = decided.events[6]
    assert appraisal.before == {"status": "resubmitted", "version": 5}
    assert appraisal.after["adjustments"][0]["before"] == 45 and appraisal.after["adjustments"][0]["reason"]
    body = decided.as_json(wf.library, "en")
    assert body["self_result"]["total"] == 855 and body["appraised_result"]["total"] == decided.summary.appraised_total
    assert body["appraised_result"]["unit_code"] == UNIT and body["events"][-1]["action"] == "submission.not_recognise"


def test_a_recognition_records_the_decision(wf):
    ready = bring_to(wf, "appraised", "2025", who=ADMIN)
    done = wf.recognise(PROVINCE, UNIT, "2025", " 88/QĐ-UBND ", "2025-12-20", ready.version)
    assert (done.status, done.decision_number, done.decision_date.isoformat()) == ("recognized", "88/QĐ-UBND",
                                                                                    "2025-12-20")
    assert done.events[-1].after["decision_number"] == "88/QĐ-UBND"
    for period, bad in (("2026-H1", {"decision_number": " ", "decision_date": "2025-12-20"}),
                        ("2026-H2", {"decision_number": "1", "decision_date": "20/12"})):
        other = bring_to(wf, "appraised", period)
        with pytest.raises(Refused):
            wf.recognise(PROVINCE, UNIT, period, version=other.version, **bad)
        assert wf.get(PROVINCE, UNIT, period).status == "appraised"


def test_a_stale_version_is_refused_saying_what_changed(wf):
    ready = bring_to(wf, "submitted", "2025-H1")
    first = wf.appraise(BOARD, UNIT, "2025-H1", [], ready.version)
    with pytest.raises(StaleVersion) as stale:
        wf.return_(BOARD, UNIT, "2025-H1", "Còn thiếu", ready.version)  # a second board member, same page
    error = stale.value
    assert (error.yours, error.current, error.http_status) == (ready.version, first.version, 409)
    assert [c.action for c in error.changes] == ["submission.appraise"]
    assert "hoidong" in error.render("en") and "appraise" in error.render("en") and "thẩm định" in error.render("vi")
    draft = wf.save_draft(COMMUNE, UNIT, "2025-H2", inputs(), 0)
    with pytest.raises(StaleVersion):
        wf.save_draft(COMMUNE, UNIT, "2025-H2", inputs(), 0)  # "new" again, over an existing draft
    assert wf.get(COMMUNE, UNIT, "2025-H2").version == draft.version


def test_racing_writes_one_wins(wf):
    outcomes: list[str] = []
    start = threading.Barrier(6)

    def first_draft():
        start.wait()
        try:
            wf.save_draft(COMMUNE, UNIT, "2025-Q1", inputs(), 0)
            outcomes.append("saved")
        except StaleVersion:
            outcomes.append("stale")

    threads = [threading.Thread(target=first_draft) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved"] + ["stale"] * 5
    detail = wf.get(ADMIN, UNIT, "2025-Q1")
    assert detail.version == 1 and [e.action for e in detail.events] == ["submission.save_draft"]


@pytest.mark.parametrize("adjustments, key", [
    ([{"input": "births_registered", "value": 40, "reason": "  "}], "wf_adjust_reason"),
    ([{"input": "births_registered", "value": 40}], "wf_adjust_reason"),
    ([{"input": "period", "value": "2024", "reason": "x"}], "wf_adjust_unknown"),
    ([{"input": "no_such_input", "value": 1, "reason": "x"}], "wf_adjust_unknown"),
    ([{"input": "births_registered", "value": -3, "reason": "x"}], "wf_appraisal_invalid"),
    ([{"input": "births_registered", "value": 999, "reason": "x"}], "wf_appraisal_invalid"),
    ([{"input": "births", "value": 40, "reason": "x"}, {"input": "births", "value": 41, "reason": "y"}], "wf_adjust_twice"),
    ({"births": 40}, "wf_adjustments_not_list"),
])
def test_bad_adjustments_change_nothing(wf, adjustments, key):
    ready = bring_to(wf, "submitted", "2025-H1")
    with pytest.raises(Refused) as refused:
        wf.appraise(BOARD, UNIT, "2025-H1", adjustments, ready.version)
    assert refused.value.key == key and refused.value.http_status == 422
    after = wf.get(BOARD, UNIT, "2025-H1")
    assert (after.status, after.version, after.adjustments) == ("submitted", ready.version, [])


def test_lists_show_only_what_the_caller_may_see(wf):
    bring_to(wf, "submitted", "2025-H1")
    bring_to(wf, "draft", "2025-H1", unit="09917")
    bring_to(wf, "draft", "2025-H1", unit="10001")
    codes = lambda who, **kw: [s.unit_code for s in wf.list(who, **kw)]  # noqa: E731
    assert codes(ADMIN) == [UNIT, "09917", "10001"]
    assert codes(COMMUNE) == [UNIT]
    assert codes(BOARD) == [UNIT]
    assert codes(BOARD_OTHER) == ["10001"]
    assert codes(PROVINCE) == [UNIT, "09917"] and codes(PROVINCE, status="draft") == ["09917"]
    assert codes(PROVINCE, period="2025-h1") == [UNIT, "09917"] and codes(PROVINCE, period="2024") == []
    row = wf.list(COMMUNE)[0].as_json()
    assert set(row) == {"unit_code", "unit_name", "period", "status", "reopened", "self_total", "appraised_total",
                        "updated_at", "version"} and row["unit_name"] == "Xã Hòa Sơn" and row["reopened"] is False
    with pytest.raises(Refused):
        wf.list(ADMIN, status="lost")
    with pytest.raises(Forbidden):
        wf.get(BOARD_OTHER, UNIT, "2025-H1")
    with pytest.raises(Forbidden):  # no file there: still Forbidden, not NotFound (nothing leaks)
        wf.get(BOARD_OTHER, UNIT, "2020")


def test_the_audit_trail_by_who_may_read_it(wf):
    bring_to(wf, "submitted", "2025-H1")
    bring_to(wf, "draft", "2025-H1", unit="10001")
    assert {e.unit_code for e in wf.audit(PROVINCE)} == {UNIT}
    assert {e.unit_code for e in wf.audit(ADMIN, unit_code="10001")} == {"10001"}
    with pytest.raises(Forbidden):
        wf.audit(PROVINCE, unit_code="10001")
    for nobody in (COMMUNE, BOARD):
        with pytest.raises(Forbidden):
            wf.audit(nobody)


def test_the_province_returns_a_wrong_appraisal_to_the_board(wf):
    """Before deciding, the province sends an appraised file back with a comment; the board appraises it again.
    The file then shows the new appraisal's adjustments only; the first one stays whole in the events."""
    period = "2025"
    ready = bring_to(wf, "submitted", period)
    first = wf.appraise(BOARD, UNIT, period, [{"input": "births_registered", "value": "40", "reason": "Sổ ghi 40"}],
                        ready.version)
    with pytest.raises(Refused) as refused:
        wf.reopen(PROVINCE, UNIT, period, "  ", first.version)
    assert refused.value.key == "wf_reopen_comment_needed" and wf.get(PROVINCE, UNIT, period).status == "appraised"
    with pytest.raises(Forbidden):  # the board cannot undo its own appraisal this way
        wf.reopen(BOARD, UNIT, period, "Xem lại", first.version)
    assert not ready.summary.reopened and not wf.list(BOARD, period)[0].reopened  # the commune handed it in
    reopened = wf.reopen(PROVINCE, UNIT, period, "Sổ hộ tịch ghi 45 trẻ, không phải 40", first.version)
    assert reopened.status == "submitted" and reopened.summary.appraised_total == first.summary.appraised_total
    # "submitted" alone would not tell the board this file came back from the province: the lists and the file do.
    assert reopened.summary.reopened and [row.reopened for row in wf.list(BOARD, period)] == [True]
    assert wf.list(BOARD, period)[0].as_json()["reopened"] is True
    event = reopened.events[-1]
    assert (event.action, event.actor, event.before["status"], event.after["status"]) == (
        "submission.reopen", "tinh", "appraised", "submitted")
    assert event.after["comment"] == "Sổ hộ tịch ghi 45 trẻ, không phải 40"
    with pytest.raises(WrongState):  # nothing to decide until the board appraises again
        wf.recognise(PROVINCE, UNIT, period, "1/QĐ", "2025-12-20", reopened.version)
    again = wf.appraise(BOARD, UNIT, period, [{"input": "activities_held", "value": "3", "reason": "Biên bản 3 hoạt động"}],
                        reopened.version)
    assert again.status == "appraised" and again.appraised_inputs["births_registered"] == 45
    assert not again.summary.reopened and not wf.list(PROVINCE, period)[0].reopened  # appraised again: done
    assert [(a.input, a.after) for a in again.adjustments] == [("activities_held", 3)]
    appraisals = [e for e in again.events if e.action == "submission.appraise"]
    assert [[a["input"] for a in e.after["adjustments"]] for e in appraisals] == [["births_registered"],
                                                                                ["activities_held"]]
    done = wf.recognise(PROVINCE, UNIT, period, "7/QĐ-UBND", "2025-12-20", again.version)
    assert done.status == "recognized"
    with pytest.raises(WrongState):  # a decided file is final
        wf.reopen(PROVINCE, UNIT, period, "Xem lại", done.version)
