"""What a person who has never used the province server reads on each page (no browser: the HTML the server
sends). Before anything exists: a commune sees its own name, the steps and the period to open with its due date;
a board and a province see a sentence saying what will appear and where to look, and no dead download links.
On a file: the unit's name (a new file is not "no file"), what happens next for this person, stored codes in
words (the unit's category, yes/no), times in Vietnam's time, the province's decision first; and the province
can send a wrong appraisal back to the board, which then starts from its earlier figures and reasons."""
from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from engine.store.users import add_user
from engine.web.server.periods import current_period, offered_periods
from engine.workflow import Principal, Workflow
from engine.workflow.deadlines import load_deadlines

from server_support import PASSWORD, PERIOD, SEEN, inputs, make_app, make_store, signed_in, submitted


@pytest.fixture()
def world(tmp_path, library):
    store = make_store(tmp_path / "cfc.sqlite3")
    return store, make_app(store, library)


def page(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return answer.text


class _Text(HTMLParser):
    """The text inside the element with one id, nested elements included."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id, self.depth, self.found, self.parts = element_id, 0, False, []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(html: str, element_id: str) -> str:
    """The text inside the element with this id (tags dropped, spaces folded)."""
    parser = _Text(element_id)
    parser.feed(html)
    assert parser.found, f"no element #{element_id}"
    return " ".join(" ".join(parser.parts).split())


def test_periods_land_on_the_work_at_hand():
    """The period to open is one that has begun: the next one due, else the one most recently due (late files
    are still handed in); a year before its half when both are due the same day (recognition is yearly)."""
    shipped = load_deadlines()
    assert current_period(shipped, dt.date(2026, 12, 7)) == "2026"       # every begun period is past due
    assert current_period(shipped, dt.date(2026, 3, 1)) == "2026-H1"     # due 10 May
    assert current_period(shipped, dt.date(2026, 5, 11)) == "2026"      # H2 has not begun
    assert current_period(shipped, dt.date(2026, 8, 1)) == "2026"       # H2 and the year both due 10 November
    assert current_period(shipped, dt.date(2027, 1, 1)) == "2027-H1"
    offered = [d.period for d in offered_periods(shipped, dt.date(2026, 3, 1))]
    assert offered == ["2026", "2026-H1", "2025", "2025-H2", "2025-H1"]  # 2026-H2 has not begun


def test_before_anything_exists_each_person_is_told_what_comes(world):
    _, app = world
    commune, _ = signed_in(app, "xa.hoason")
    start = page(commune, "/submissions")
    assert "Xã Hòa Sơn (09916)" in text_of(start, "list-title")
    assert "Nộp hồ sơ trước hạn" in text_of(start, "steps")
    chosen = re.search(r'<option value="([^"]+)" selected>([^<]+)</option>', start)
    assert chosen and chosen.group(1) == current_period(load_deadlines()) and "hạn" in chosen.group(2)
    assert "chưa có hồ sơ nào" in text_of(start, "no-submissions") and 'id="filters"' not in start

    board, _ = signed_in(app, "hoidong")
    listing = page(board, "/submissions")
    assert "Thị xã Đoài Sơn" in text_of(listing, "list-title")
    assert "khi xã lưu bản nháp đầu tiên" in text_of(listing, "no-submissions")

    province, _ = signed_in(app, "tinh")
    dashboard = page(province, f"/dashboard?period={PERIOD}")
    assert "Chưa có hồ sơ nào được thẩm định" in text_of(dashboard, "downloads-none")
    assert "/reports/appraisal" not in dashboard and "/reports/decision" not in dashboard  # nothing to show yet
    # The report up counts every commune: before any appraisal, each one as missing data.
    assert "/reports/summary.pdf" in dashboard and "0 đơn vị theo kết quả thẩm định" in text_of(dashboard, "summary-note")
    assert f"Chưa xã nào mở hồ sơ kỳ {PERIOD}" in text_of(dashboard, "no-period-files")
    # The rate counts the units with accounts; the official list's count for the province is said beside it.
    units = text_of(dashboard, "rate-units")
    assert "1 đơn vị có tài khoản" in units and re.search(r"Thành phố Hà Nội có \d{3} đơn vị cấp xã", units)
    assert "Cần thêm 1 đơn vị" in text_of(dashboard, "rate-target")


def test_a_commune_opening_its_first_file(world):
    _, app = world
    commune, _ = signed_in(app, "xa.hoason")
    new = page(commune, f"/s/{SEEN}/{PERIOD}")
    head = text_of(new, "file-head")
    assert "Hồ sơ Xã Hòa Sơn — kỳ 2025-H1" in head and "mới, chưa lưu" in head and "chưa có hồ sơ" not in head
    assert re.search(r'id="in-unit_name"[^>]*value="Xã Hòa Sơn"', new)     # from the server's record of the unit
    assert re.search(r'id="in-province"[^>]*value="Hà Nội"', new)
    assert 'id="save-to-attach"' in new and 'form="unit-form"' in new     # evidence needs a saved draft: one click
    assert re.search(r'id="submit-file"[^>]*data-confirm="Nộp hồ sơ\?', new)
    # Evidence comes before the buttons that hand the file in.
    assert new.index('id="evidence"') < new.index('id="submit-file"')


def test_a_submitted_file_in_words_and_local_time(world, library):
    store, app = world
    done = submitted(store, library, SEEN)
    commune, _ = signed_in(app, "xa.hoason")
    html = page(commune, f"/s/{SEEN}/{PERIOD}")
    assert "Đã nộp; đang chờ hội đồng thẩm định" in text_of(html, "next-step")
    assert "phiên bản" not in html and "UTC" not in html
    shown = (done.summary.updated_at.replace(tzinfo=dt.timezone.utc) + dt.timedelta(hours=7)).strftime("%d/%m/%Y %H:%M")
    assert shown in text_of(html, "file-head")
    # The unit's category and yes/no answers are their labels, never the stored code.
    category = text_of(html, "figure-category")
    assert "Xã, phường, thị trấn còn lại" in category and "other" not in category
    board, _ = signed_in(app, "hoidong")
    appraising = page(board, f"/s/{SEEN}/{PERIOD}")
    assert "đối chiếu từng số liệu với minh chứng" in text_of(appraising, "next-step")
    assert re.search(r'<select id="adj-category" name="adj_value_category"', appraising)
    assert re.search(r'<select id="adj-staff_assigned"', appraising)
    assert 'id="adj-unit_name"' not in appraising and 'id="adj-province"' not in appraising  # where a unit is: not a figure
    assert "bien-ban.pdf" in text_of(appraising, "evidence-1")              # each criterion's evidence by its figures


def test_the_province_decides_first_and_can_send_a_wrong_appraisal_back(world, library):
    store, app = world
    ready = submitted(store, library, SEEN)
    board, bt = signed_in(app, "hoidong")
    wf = Workflow(store, library)
    wf.appraise(Principal("hoidong", "board", area=("Thị xã Đoài Sơn",)), SEEN, PERIOD,
                [{"input": "births_registered", "value": "46", "reason": "Sổ hộ tịch ghi 46"}], ready.version)
    province, pt = signed_in(app, "tinh")
    html = page(province, f"/s/{SEEN}/{PERIOD}")
    assert "tỉnh trả lại" not in html
    assert html.index('id="decide-box"') < html.index('id="results"')
    assert "Kết quả thẩm định: 875/850 điểm — Đạt chuẩn" in text_of(html, "appraised-summary")
    version = re.search(r'id="reopen-form".*?name="_version" value="(\d+)"', html, re.S).group(1)
    refused = province.post(f"/s/{SEEN}/{PERIOD}/reopen", data={"_csrf": pt, "_version": version, "comment": " "})
    assert refused.status_code == 422 and "Cần ghi ý kiến: hội đồng thẩm định cần xem lại gì" in text_of(refused.text, "error")
    sent = province.post(f"/s/{SEEN}/{PERIOD}/reopen", follow_redirects=True,
                         data={"_csrf": pt, "_version": version, "comment": "Kiểm tra lại sổ hộ tịch"})
    assert "Đã trả lại hồ sơ" in text_of(sent.text, "flash") and 'id="decide-box"' not in sent.text
    again = page(board, f"/s/{SEEN}/{PERIOD}")
    assert "Kiểm tra lại sổ hộ tịch" in text_of(again, "reopened")
    # Every list the board works from says this file came back, not only the file itself.
    badge = "tỉnh trả lại, chờ thẩm định lại"
    assert badge in again.split('id="results"')[0]
    listed = page(board, f"/submissions?period={PERIOD}")
    row = re.search(rf'<tr[^>]*data-unit="{SEEN}".*?</tr>', listed, re.S)
    assert row and badge in row.group(0) and "đã nộp" in row.group(0)
    assert badge in page(province, f"/dashboard?period={PERIOD}")
    # The board starts from its earlier appraisal: the value and the reason it gave.
    assert re.search(r'id="adj-births_registered"[^>]*value="46"', again)
    assert re.search(r'id="reason-births_registered"[^>]*value="Sổ hộ tịch ghi 46"', again)
    audit = page(province, "/audit")
    assert "trả lại hội đồng thẩm định" in audit and ">submission.reopen<" not in audit


def test_a_province_whose_papers_have_nothing_to_show_is_not_sent_to_an_empty_download(world, library):
    """A board's papers and the province's summary exist once one file is appraised; before, no link."""
    store, app = world
    submitted(store, library, SEEN)
    board, _ = signed_in(app, "hoidong")
    assert 'id="downloads-none"' in page(board, f"/dashboard?period={PERIOD}")
    add_user(store, "xa.moi", PASSWORD, "commune", unit="09917",
             unit_place={"name": "Xã Mới", "district": "Thị xã Đoài Sơn", "province": "Hà Nội"})
    assert "1 hồ sơ chờ thẩm định" in text_of(page(board, "/submissions"), "todo")


def test_the_papers_say_the_period_asked_for_whatever_the_config_file_says(tmp_path, library):
    """A province copies the example board config (which says period "2024") to print its names on the papers:
    on the server each paper is of the period the dashboard asked for."""
    import io

    from pypdf import PdfReader

    from engine.reports.board import load_board_config
    from server_support import ROOT

    store = make_store(tmp_path / "cfc.sqlite3")
    board_config = load_board_config(ROOT / "evaluations" / "board-config.example.yaml")
    assert board_config.period == "2024"
    app = make_app(store, library, board=board_config)
    ready = submitted(store, library, SEEN)
    Workflow(store, library).appraise(Principal("quantri", "admin"), SEEN, PERIOD, [], ready.version)
    board, _ = signed_in(app, "hoidong")
    for paper in ("appraisal", "decision"):
        answer = board.get(f"/reports/{paper}.pdf?period={PERIOD}")
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
        assert f"kỳ {PERIOD}" in text and "kỳ 2024" not in text, paper
        assert board_config.authority in text                 # the names still come from the file


def test_the_report_up_counts_every_commune_not_only_the_appraised(world, library):
    """One file appraised (and recognisable) of the province's two units: the summary says 1 of 2, as the
    dashboard does — not 1 of 1 (100%)."""
    import io

    from pypdf import PdfReader

    store, app = world
    add_user(store, "xa.khac", PASSWORD, "commune", unit="09917",
             unit_place={"name": "Xã Khác", "district": "Huyện Khác", "province": "Hà Nội"})
    ready = submitted(store, library, SEEN)
    Workflow(store, library).appraise(Principal("quantri", "admin"), SEEN, PERIOD, [], ready.version)
    province, _ = signed_in(app, "tinh")
    answer = province.get(f"/reports/summary.pdf?period={PERIOD}")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(answer.content)).pages)
    assert "Số đơn vị được đánh giá 2" in text and "Đạt chuẩn 1 (50,00%)" in text, text[:1500]


def test_an_administrator_cannot_lock_themself_out_of_the_accounts_page(world):
    _, app = world
    admin, token = signed_in(app, "quantri")
    accounts = page(admin, "/users")
    assert 'action="/users/quantri/disable' not in accounts and 'action="/users/tinh/disable' in accounts
    assert "mọi đơn vị" in text_of(accounts, "user-quantri") and "09916 Xã Hòa Sơn" in text_of(accounts, "user-xa.hoason")
    refused = admin.post("/users/QuanTri/disable", data={"_csrf": token})
    assert refused.status_code == 422 and "Không tự khóa được" in text_of(refused.text, "error")
    assert admin.get("/users").status_code == 200                         # still signed in, still enabled


def test_a_summary_after_the_reform_is_by_province_not_by_missing_districts(tmp_path, library):
    import io

    from pypdf import PdfReader

    store = make_store(tmp_path / "cfc.sqlite3")
    app = make_app(store, library)
    province, _ = signed_in(app, "tinh")
    for period, by_district in (("2026", False), (PERIOD, True)):
        answer = province.get(f"/reports/summary.pdf?period={period}")
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.content)).pages)
        assert ("không ghi khu vực" in text or "Huyện" in text or "Thị xã" in text) is by_district, (period, text[:800])
