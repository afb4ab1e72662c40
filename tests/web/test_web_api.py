"""cfc serve through Starlette's TestClient: the JSON API agrees with the CLI, bad input never gives a 500,
uploads are read by the CLI's readers, every page is escaped and carries the security headers."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import docx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader
from starlette.testclient import TestClient

from cli import main
from engine.forms.template import build_template
from engine.criteria.model import load_criteria
from engine.web.app import create_app
from engine.web.security import CSP, is_loopback

from conftest import ROOT, SAMPLE_CSV, SINGLE_UNIT

EVIL_NAME = 'Xã <script>alert("x")</script> \'Hòa\' & "Sơn"'


def cli_units(path, lang="vi") -> list[dict]:
    result = CliRunner().invoke(main, ["evaluate", str(path), "--format", "json", "--lang", lang])
    return json.loads(result.output)["units"]


def without_place(unit: dict) -> dict:
    """A unit object minus what names where the data came from (a file and row for the CLI, the page here)."""
    return {key: value for key, value in unit.items() if key not in ("source", "errors")}


# ---------------------------------------------------------------- POST /api/evaluate


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_evaluate_returns_the_cli_unit_object(client, unit_inputs, lang):
    expected = cli_units(SINGLE_UNIT, lang)[0]
    response = client.post(f"/api/evaluate?lang={lang}", json=unit_inputs)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    got = response.json()
    assert without_place(got) == without_place(expected)
    assert list(got) == list(expected)  # same keys in the same order
    assert got["status"] == "not_recognized" and got["total"] == 835
    assert any(gap["flips_decision"] for gap in got["gaps"])


def test_invalid_unit_is_422_with_the_cli_error_details(client, unit_inputs, tmp_path):
    unit_inputs.update(births="98,5", under1_fully_vaccinated=48, villages_total=0)
    path = tmp_path / "bad.json"  # the API body is JSON: compare with the CLI reading the same JSON
    path.write_text(json.dumps(unit_inputs, ensure_ascii=False), encoding="utf-8")
    expected = cli_units(path)[0]
    response = client.post("/api/evaluate", json=unit_inputs)
    assert response.status_code == 422
    got = response.json()
    assert got["status"] == "invalid"
    assert got["error_details"] == expected["error_details"]
    assert {d["input"] for d in got["error_details"]} == {"births", "under1_fully_vaccinated", "villages_total"}
    assert without_place(got) == without_place(expected)


def test_body_that_is_not_json_is_400(client):
    response = client.post("/api/evaluate", content=b"\xff\xfe not json")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


@pytest.mark.parametrize("body", ["[1, 2]", "42", "null", '"text"'])
def test_json_that_is_not_a_unit_is_422(client, body):
    response = client.post("/api/evaluate", content=body.encode())
    assert response.status_code == 422
    details = response.json()["error_details"]
    assert details and details[0]["input"] is None


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
INPUT_NAMES = [decl.name for decl in load_criteria().inputs]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300) | JSON_VALUES.map(lambda v: json.dumps(v).encode())
       | st.dictionaries(st.sampled_from(INPUT_NAMES), JSON_VALUES, max_size=10).map(lambda v: json.dumps(v).encode()))
def test_fuzzed_bodies_never_give_a_500(client, body):
    response = client.post("/api/evaluate", content=body)
    assert response.status_code in (200, 400, 422)
    payload = response.json()
    assert "Traceback" not in response.text
    if response.status_code == 422:
        assert payload["status"] == "invalid" and payload["error_details"]


def test_deeply_nested_json_is_not_a_500(client):
    response = client.post("/api/evaluate", content=b"[" * 100_000 + b"]" * 100_000)
    assert response.status_code in (400, 413)


# ---------------------------------------------------------------- size limit, headers, token, origin


def test_body_over_the_limit_is_413(client):
    big = b"a" * 300_000
    response = client.post("/upload", files={"file": ("big.csv", big)})
    assert response.status_code == 413
    assert "MB" in response.json()["error"]


def test_chunked_body_over_the_limit_is_413(client):
    def chunks():
        for _ in range(30):
            yield b"x" * 10_000

    response = client.post("/api/evaluate", content=chunks())
    assert response.status_code == 413


@pytest.mark.parametrize("path", ["/", "/static/cfc.js", "/nowhere", "/board/unknown"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_page_has_no_inline_script_or_handler(client):
    page = client.get("/").text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    for attributes, body in scripts:
        assert 'src="/static/cfc.js"' in attributes or 'type="application/json"' in attributes
        assert "src=" in attributes or body.strip().startswith("{")
    assert not re.search(r"\son[a-z]+\s*=", page, re.I)  # no onclick=, onload=, ...
    assert "http://" not in page and "https://" not in page  # every asset is local


def test_loopback_is_recognised():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_token_in_the_address_once_then_a_cookie(criteria, history):
    client = TestClient(create_app(criteria, history, token="s3cret-token"), follow_redirects=False)
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    assert client.post("/api/evaluate", json={}).status_code == 403
    first = client.get("/?token=s3cret-token&lang=en")
    assert first.status_code == 303
    assert first.headers["location"] == "/?lang=en"  # the token leaves the address bar
    assert "HttpOnly" in first.headers["set-cookie"]
    assert client.get("/").status_code == 200  # the cookie now carries it
    assert client.post("/api/evaluate", json={"unit_code": "1"}).json()["status"] == "incomplete"


@pytest.mark.parametrize("address, status", [("http://127.0.0.1:8000", 200), ("http://localhost:8000", 200),
                                             ("http://[::1]:8000", 200), ("http://rebound.example:8000", 403),
                                             ("http://127.0.0.1.evil.example", 403)])
def test_bound_to_this_computer_answers_only_its_own_address(criteria, history, address, status):
    client = TestClient(create_app(criteria, history, loopback_only=True), base_url=address)
    assert client.get("/").status_code == status
    assert client.post("/api/evaluate", json={"unit_code": "1"}).status_code in ((200,) if status == 200 else (403,))


def test_post_from_another_site_is_refused(client, unit_inputs):
    response = client.post("/api/history", json={"inputs": unit_inputs}, headers={"Origin": "http://evil.example"})
    assert response.status_code == 403
    assert client.post("/api/evaluate", json=unit_inputs, headers={"Origin": "http://testserver"}).status_code == 200
    # A sandboxed or file:// page posts with "Origin: null": refused too.
    assert client.post("/download/data.csv", data={}, headers={"Origin": "null"}).status_code == 403


def test_form_posts_from_the_page_keep_their_origin(client):
    # "Referrer-Policy: no-referrer" would make the browser send "Origin: null" with the page's own forms.
    assert client.get("/").headers["referrer-policy"] == "same-origin"


# ---------------------------------------------------------------- the page


def test_page_is_generated_from_the_criteria(client, criteria):
    page = client.get("/").text
    assert '<html lang="vi">' in page
    for decl in criteria.inputs:
        assert f'name="{decl.name}"' in page
        assert decl.label.vi in page
    for criterion in criteria.criteria:
        assert f'id="criterion-{criterion.number}"' in page
    english = client.get("/?lang=en").text
    assert '<html lang="en">' in english and criteria.inputs[7].label.en in english


def test_a_fourteenth_criterion_needs_no_code(history):
    criteria = load_criteria(ROOT / "tests" / "fixtures" / "criteria" / "with-14th-criterion.yaml")
    client = TestClient(create_app(criteria, history))
    page = client.get("/").text
    assert 'id="criterion-14"' in page and 'name="child_council"' in page
    assert "Hội đồng trẻ em cấp xã (thí điểm)" in page
    result = client.post("/api/evaluate", json={"unit_code": "1", "child_council": "có"}).json()
    assert result["max_total"] == 1050 and len(result["criteria"]) == 14


# ---------------------------------------------------------------- uploads


def evil_csv(tmp_path) -> bytes:
    rows = list(csv.DictReader(SAMPLE_CSV.open(encoding="utf-8-sig")))
    rows[0]["unit_name"] = EVIL_NAME
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_upload_of_several_units_gives_the_board_table(client, tmp_path):
    content = evil_csv(tmp_path)
    response = client.post("/upload", files={"file": ("../../etc/units.csv", content)})
    assert response.status_code == 200 and "/board/" in str(response.url)
    page = response.text
    expected = cli_units(SAMPLE_CSV)
    for unit in expected:
        assert f'<td data-value="{unit["unit_code"]}">' in page
    assert page.count('<tr data-status="') == len(expected)
    assert 'id="status-filter"' in page
    # Escaped: the name is shown as text, never as markup.
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &#39;Hòa&#39; &amp; &#34;Sơn&#34;" in page
    # Errors name the file the person chose (without its folders), never the temporary copy.
    assert "cfc-upload-" not in page and "/etc/" not in page
    link = re.search(r'href="(/board/[^"]+/unit/0)"', page).group(1)
    unit_page = client.get(link).text
    assert "<script>alert" not in unit_page and "&lt;script&gt;" in unit_page
    assert f'value="{expected[0]["unit_code"]}"' in unit_page


def test_upload_of_a_filled_template_fills_the_form(client, criteria, unit_inputs, tmp_path):
    workbook = build_template(criteria)
    sheet = workbook["Một đơn vị"]
    rows = {row[2].value: row[3] for row in sheet.iter_rows() if len(row) >= 4 and isinstance(row[2].value, str)}
    for name, value in unit_inputs.items():
        rows[name].value = value
    path = tmp_path / "filled.xlsx"
    workbook.save(path)
    response = client.post("/upload", files={"file": ("phiếu đã điền.xlsx", path.read_bytes())})
    assert response.status_code == 200 and re.search(r"/board/[^/]+/unit/0$", str(response.url))
    page = response.text
    assert 'value="09652"' in page and 'value="45"' in page
    assert '<option value="có" selected>' in page
    assert "phiếu đã điền.xlsx" in page  # "Data from ..." names the uploaded file


def test_upload_of_an_unreadable_file_names_it(client):
    response = client.post("/upload", files={"file": ("notes.txt", b"hello")})
    assert response.status_code == 200
    assert "notes.txt: không đọc được loại tệp .txt" in response.text  # in the page's language
    english = client.post("/upload?lang=en", files={"file": ("notes.txt", b"hello")})
    assert "notes.txt: unsupported file type .txt" in english.text and "không đọc được" not in english.text
    broken = client.post("/upload", files={"file": ("broken.xlsx", b"PK\x03\x04 not really")})
    assert broken.status_code == 200 and "broken.xlsx" in broken.text
    # A zip whose XML is broken: the workbook reader names the file and what is wrong, still no 500.
    corrupt = _zip_of({"[Content_Types].xml": b"<nope", "xl/workbook.xml": b"\x00"})
    answer = client.post("/upload", files={"file": ("hỏng.xlsx", corrupt)})
    assert answer.status_code == 200 and "hỏng.xlsx" in answer.text and "từ Excel hoặc LibreOffice" in answer.text


def _zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(suffix=st.sampled_from([".csv", ".xlsx", ".CSV", ".json", ".yaml", ""]),
       content=st.binary(max_size=400) | st.text(max_size=400).map(str.encode)
       | st.just(_zip_of({"[Content_Types].xml": b"<nope", "xl/workbook.xml": b"\x00"})))
def test_fuzzed_uploads_never_give_a_500(client, suffix, content):
    response = client.post("/upload", files={"file": (f"f{suffix}", content)})
    assert response.status_code == 200
    assert "Traceback" not in response.text and "cfc-upload-" not in response.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=JSON_VALUES.map(lambda v: json.dumps(v).encode())
       | st.fixed_dictionaries({"inputs": st.dictionaries(st.sampled_from(INPUT_NAMES), JSON_VALUES, max_size=8),
                                "replace": JSON_VALUES}).map(lambda v: json.dumps(v).encode()))
def test_fuzzed_saves_never_give_a_500(client, body):
    assert client.post("/api/history", content=body).status_code in (201, 400, 409, 422)


def test_upload_without_a_file_is_400(client):
    assert client.post("/upload", data={"x": "1"}).status_code == 400
    assert client.post("/upload", content=b"--garbage", headers={"content-type": "multipart/form-data; boundary=zz"}
                       ).status_code == 400


def test_board_appraisal_and_uploaded_file_download(client):
    content = SAMPLE_CSV.read_bytes()
    board = client.post("/upload", files={"file": ("units.csv", content)})
    board_id = re.search(r"/board/([^/?]+)", str(board.url)).group(1)
    pdf = client.get(f"/board/{board_id}/appraisal.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert "BÁO CÁO" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert client.get(f"/board/{board_id}/file").content == content
    assert client.get("/board/unknown/appraisal.pdf").status_code == 404
    decision = client.get(f"/board/{board_id}/decision.docx")
    assert decision.status_code == 200 and decision.headers["content-type"].endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(decision.content)).paragraphs)
    assert "Điều 1" in text and "QUYẾT ĐỊNH" in text.upper()
    assert client.get(f"/board/{board_id}/appraisal.docx").content.startswith(b"PK")
    assert client.get(f"/board/{board_id}/decision.odt").status_code == 404


# ---------------------------------------------------------------- downloads from the form


def test_self_assessment_pdf_of_the_form(client, unit_inputs):
    form = {k: str(v) for k, v in unit_inputs.items()}
    response = client.post("/download/self-assessment.pdf", data=form)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert 'filename="bao-cao-tu-danh-gia-09652-2024.pdf"' in response.headers["content-disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Xã Thái Hòa" in text and "835" in text
    appraisal = client.post("/download/appraisal.pdf", data=form)
    assert appraisal.content.startswith(b"%PDF")
    editable = client.post("/download/self-assessment.docx", data=form)
    assert 'filename="bao-cao-tu-danh-gia-09652-2024.docx"' in editable.headers["content-disposition"]
    assert "Xã Thái Hòa" in "\n".join(p.text for p in docx.Document(io.BytesIO(editable.content)).paragraphs)


def test_downloaded_data_evaluates_the_same(client, unit_inputs, tmp_path):
    form = {k: str(v) for k, v in unit_inputs.items()}
    form["unit_name"] = EVIL_NAME
    response = client.post("/download/data.csv", data=form)
    path = tmp_path / "data.csv"
    path.write_bytes(response.content)
    unit = cli_units(path)[0]
    assert unit["unit_name"] == EVIL_NAME and unit["total"] == 835


def test_blank_template_is_the_cli_template(client, criteria, tmp_path):
    response = client.get("/template.xlsx")
    path = tmp_path / "t.xlsx"
    path.write_bytes(response.content)
    names = {row[2].value for row in load_workbook(path)["Một đơn vị"].iter_rows() if len(row) > 2}
    assert {decl.name for decl in criteria.inputs} <= names


# ---------------------------------------------------------------- saving


def test_save_asks_before_replacing(client, unit_inputs, history):
    first = client.post("/api/history", json={"inputs": unit_inputs})
    assert first.status_code == 201 and first.json()["period"] == "2024"
    unit_inputs["activities_held"] = 2
    again = client.post("/api/history", json={"inputs": unit_inputs})
    assert again.status_code == 409 and "2024" in again.json()["error"]
    assert history.get("09652", "2024").result["total"] == 835  # not replaced yet
    confirmed = client.post("/api/history", json={"inputs": unit_inputs, "replace": True})
    assert confirmed.status_code == 201
    assert history.get("09652", "2024").result["status"] == "recognized"


@pytest.mark.parametrize("change", [{"births": "x"}, {"period": ""}, {"unit_code": ""}])
def test_what_cannot_be_saved_is_422(client, unit_inputs, change, history):
    unit_inputs.update(change)
    response = client.post("/api/history", json={"inputs": unit_inputs})
    assert response.status_code == 422 and response.json()["error"]
    assert list(history.all()) == []


@pytest.mark.parametrize("body, status", [(b"nope", 400), (b"[]", 422), (b'{"inputs": 3}', 422), (b"{}", 422)])
def test_save_with_a_bad_body_is_never_a_500(client, body, status):
    response = client.post("/api/history", content=body)
    assert response.status_code == status and response.json()["error"]


def test_history_of_a_unit_side_by_side(client, unit_inputs):
    unit_inputs["period"] = "2023"
    unit_inputs["activities_held"] = 0
    client.post("/api/history", json={"inputs": unit_inputs})
    unit_inputs["period"] = "2024"
    unit_inputs["activities_held"] = 2
    client.post("/api/history", json={"inputs": unit_inputs})
    history = client.get("/api/history/09652?lang=en").json()
    assert [p["period"] for p in history["periods"]] == ["2023", "2024"]
    assert history["totals"][1] - history["totals"][0] == history["total_changes"][1] > 0
    changed = [c for c in history["criteria"] if c["changes"][1]]
    assert changed and all(c["changes"][0] is None for c in history["criteria"])
    assert client.get("/api/history/nobody").json()["periods"] == []


def test_history_of_a_unit_code_with_a_slash(client, unit_inputs):
    unit_inputs["unit_code"] = "09/916"
    assert client.post("/api/history", json={"inputs": unit_inputs}).status_code == 201
    periods = client.get("/api/history/09%2F916").json()["periods"]
    assert [p["period"] for p in periods] == ["2024"]
