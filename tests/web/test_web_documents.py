"""Documents from the page, ready to sign: `cfc serve --config FILE` gives the page the board's names (as
`cfc report --config` reads them), the page lets a person complete what is missing, and the downloaded
documents carry no placeholder cfc could have filled. Also the times the page shows."""
from __future__ import annotations

import io
import re
import time
from datetime import datetime, timedelta, timezone

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from starlette.testclient import TestClient

import cli
from engine.reports.board import PLACEHOLDERS, BoardConfig, load_board_config
from engine.web.app import create_app

from conftest import ROOT, SAMPLE_CSV

CONFIG = ROOT / "evaluations" / "board-config.example.yaml"


def pdf_text(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def brackets(text: str) -> list[str]:
    return re.findall(r"\[[^\]]*\]", text)


@pytest.fixture()
def configured(criteria, history) -> TestClient:
    return TestClient(create_app(criteria, history, board=load_board_config(CONFIG)))


def test_the_page_offers_the_configured_names_to_complete(configured, client):
    page = configured.get("/").text
    assert 'name="doc_reviewing_office"' in page and 'value="Phòng Văn hóa - Xã hội"' in page
    assert 'name="doc_place" type="text" maxlength="300" value="Sơn Tây"' in page
    # Without a configuration the fields are empty, showing the placeholder they would print as.
    bare = client.get("/").text
    assert 'placeholder="[Cơ quan thẩm định]"' in bare and 'value="Phòng Văn hóa' not in bare
    assert "— còn 4 ô để trống" in bare  # what would print as a bracketed blank, counted where it is seen
    assert "còn" not in configured.get("/").text.split("doc-details")[1].split("</summary>")[0]


def test_self_assessment_from_the_page_has_no_placeholder_left(client, unit_inputs):
    form = {k: str(v) for k, v in unit_inputs.items()}
    bare = pdf_text(client.post("/download/self-assessment.pdf", data=form).content)
    assert "Kính gửi: [Cơ quan thẩm định]" in bare  # nothing given: the placeholder, to fill by hand
    typed = {**form, "doc_reviewing_office": "Phòng Văn hóa - Xã hội thị xã Sơn Tây"}
    text = pdf_text(client.post("/download/self-assessment.pdf", data=typed).content)
    assert "Kính gửi: Phòng Văn hóa - Xã hội thị xã Sơn Tây." in text
    assert brackets(text) == []
    editable = client.post("/download/self-assessment.docx", data=typed).content
    words = "\n".join(p.text for p in docx.Document(io.BytesIO(editable)).paragraphs)
    assert "Phòng Văn hóa - Xã hội thị xã Sơn Tây" in words and brackets(words) == []


def test_appraisal_from_the_page_with_the_configuration_and_what_was_typed(configured, unit_inputs):
    form = {k: str(v) for k, v in unit_inputs.items()}
    text = pdf_text(configured.post("/download/appraisal.pdf", data=form).content)
    assert "Kính gửi: Ủy ban nhân dân thị xã Sơn Tây." in text and "Sơn Tây, ngày" in text
    assert brackets(text) == []
    # What the person typed wins over the configuration; an empty field keeps the configured name.
    changed = {**form, "doc_reviewing_office_signer_name": "Trần Thị Bình", "doc_authority": ""}
    text = pdf_text(configured.post("/download/appraisal.pdf", data=changed).content)
    assert "Trần Thị Bình" in text and "Nguyễn Văn An" not in text
    assert "Kính gửi: Ủy ban nhân dân thị xã Sơn Tây." in text


def test_board_documents_posted_with_the_names(client):
    board = client.post("/upload", files={"file": ("units.csv", SAMPLE_CSV.read_bytes())})
    board_id = re.search(r"/board/([^/?]+)", str(board.url)).group(1)
    page = board.text
    for key in ("authority", "authority_signer", "authority_signer_name", "area", "period", "place"):
        assert f'name="doc_{key}"' in page
    names = {"doc_reviewing_office": "Phòng Văn hóa - Xã hội", "doc_authority": "Ủy ban nhân dân thị xã Sơn Tây",
             "doc_authority_signer": "Chủ tịch", "doc_reviewing_office_signer": "Trưởng phòng",
             "doc_place": "Sơn Tây"}
    decision = pdf_text(client.post(f"/board/{board_id}/decision.pdf", data=names).content)
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ SƠN TÂY" in decision and brackets(decision) == []
    appraisal = pdf_text(client.post(f"/board/{board_id}/appraisal.pdf", data=names).content)
    assert "Kính gửi: Ủy ban nhân dân thị xã Sơn Tây." in appraisal and brackets(appraisal) == []
    # The plain address still gives the document, with placeholders for what nobody said.
    assert "[Cơ quan có thẩm quyền công nhận]" in pdf_text(client.get(f"/board/{board_id}/decision.pdf").content)


def test_a_name_longer_than_the_page_allows_is_refused(client, unit_inputs):
    form = {**{k: str(v) for k, v in unit_inputs.items()}, "doc_reviewing_office": "x" * 301}
    assert client.post("/download/self-assessment.pdf", data=form).status_code == 400
    assert client.post("/download/self-assessment.pdf", data={**form, "doc_reviewing_office": "x" * 300}
                       ).status_code == 200


def test_serve_takes_the_board_configuration(monkeypatch, tmp_path):
    started = {}
    monkeypatch.setattr("engine.web.jobs.serve", lambda app, host, port, **kw: started.update(app=app, host=host))
    result = CliRunner().invoke(cli.main, ["serve", "--port", "0", "--config", str(CONFIG),
                                           "--db", str(tmp_path / "h.sqlite3")])
    assert result.exit_code == 0, result.output
    assert started["app"].state.board == load_board_config(CONFIG)
    wrong = CliRunner().invoke(cli.main, ["serve", "--config", str(SAMPLE_CSV), "--db", str(tmp_path / "h.sqlite3")])
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output


def test_summary_config_keys_are_its_own():
    board = load_board_config(CONFIG)
    # The example configures both: the district's appraisal place and area, the province's summary ones.
    assert (board.place, board.reporting_place) == ("Sơn Tây", "Hà Nội")
    assert board.area != board.reporting_area and board.reporting_area
    assert BoardConfig().get("reporting_place") == PLACEHOLDERS["reporting_place"] == "[Địa danh]"


@pytest.fixture()
def hanoi_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_replace_prompt_shows_local_time_the_vietnamese_way(client, unit_inputs, hanoi_time):
    body = {"inputs": unit_inputs, "replace": False}
    first = client.post("/api/history", json=body)
    assert first.status_code == 201
    saved_at = first.json()["saved_at"]
    assert saved_at.endswith("+00:00")  # stored in UTC, as data
    again = client.post("/api/history", json=body)
    message = again.json()["error"]
    local = datetime.fromisoformat(saved_at).astimezone(timezone(timedelta(hours=7)))  # Vietnam's time
    assert f"lưu lúc {local:%H:%M} ngày {local:%d/%m/%Y}." in message and saved_at[:10] not in message
    english = client.post("/api/history?lang=en", json=body).json()["error"]
    assert f"{local.day} {local:%b %Y}, {local:%H:%M}" in english
