"""The page's lookup of a typed code in the official list (GET /api/unit/{code}), and the labels that follow the
period typed (GET /api/labels)."""
from __future__ import annotations

import re

from conftest import SAMPLE_CSV


def test_the_page_looks_a_code_up_on_the_map_of_its_period(client):
    before = client.get("/api/unit/09652?period=2024")
    assert before.status_code == 200
    assert before.json() | {"list": None} == {"unit_code": "09652", "unit_name": "Xã Thái Hòa", "kind": "Xã",
                                               "province": "Thành phố Hà Nội", "district": "Huyện Ba Vì",
                                               "list": None}
    after = client.get("/api/unit/09574?period=2025&lang=en")
    assert after.json()["unit_name"] == "Phường Sơn Tây" and after.json()["district"] is None
    assert "from 1 July 2025" in after.json()["list"]
    missing = client.get("/api/unit/09652?period=2025")
    assert missing.status_code == 404 and "không có trong" in missing.json()["error"]
    assert client.get("/api/unit/%3Cscript%3E").status_code == 404


LABEL = re.compile(r'<label for="in-district"><span class="label-text">([^<]*)</span>')
HELP = re.compile(r'<p class="help" id="help-district"><span class="help-text">([^<]*)</span>')


def test_the_district_field_is_labelled_for_the_period_typed(client):
    """GET /api/labels: what the page's script relabels when the period changes (the browser test watches it)."""
    for lang, before, after, words in (("vi", "Huyện / khu vực", "Khu vực", "không còn cấp huyện"),
                                       ("en", "District or area", "Area", "no districts")):
        for period in ("2025", "2025-H2", "2026-03-31"):
            answer = client.get(f"/api/labels?period={period}&lang={lang}").json()
            assert answer["after_reform"] and answer["fields"]["district"]["label"] == after
            assert words in answer["fields"]["district"]["help"]
        for period in ("2024", "2025-H1", "", "Q1-2025", "<b>2025</b>"):
            answer = client.get("/api/labels", params={"period": period, "lang": lang}).json()
            assert answer == {"after_reform": False, "fields": {"district": {"label": before, "help": ""}}}
        # the empty page starts with today's wording
        page = client.get(f"/?lang={lang}").text
        assert LABEL.search(page).group(1) == before and HELP.search(page).group(1) == ""


def test_an_uploaded_unit_after_the_reform_opens_with_its_label(client):
    for path, label in ((SAMPLE_CSV, "Huyện / khu vực"), (SAMPLE_CSV.with_name("units-2025.csv"), "Khu vực")):
        board = client.post("/upload", files={"file": (path.name, path.read_bytes())})
        unit_page = client.get(str(board.url).split("?")[0] + "/unit/0").text
        assert LABEL.search(unit_page).group(1) == label
        assert ("không còn cấp huyện" in HELP.search(unit_page).group(1)) == (label == "Khu vực")
