"""The page's lookup of a typed code in the official list (GET /api/unit/{code})."""
from __future__ import annotations


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
