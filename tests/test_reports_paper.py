"""Official paper holds no software (issue 23, item 6): no notes about the program, no file names, no
checksums in the body (the footer's short data code may stay); placeholders to fill in are bracketed; Nơi
nhận sits at the left, level with the signature, as in Nghị định 30's form; an issuing body is never broken
inside a name; the draft decision carries no provisional-band footnote. Checked in PDF and .docx."""
from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from engine.aggregate import load_results, summarise
from engine.api import evaluate_files
from engine.criteria.model import load_criteria
from engine.reports import appraisal, decision, render, self_assessment, summary
from engine.reports.board import PLACEHOLDERS, BoardConfig, load_board_config
from engine.reports.document import body_lines
from engine.results.render import render_batch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_reports_documents import docx_text  # noqa: E402  (one way to read a .docx's text)

ROOT = Path(__file__).resolve().parent.parent
AREA = ROOT / "evaluations" / "sample-area" / "units.csv"
SINGLE = ROOT / "evaluations" / "single-unit.yaml"
CONFIG = ROOT / "evaluations" / "board-config.example.yaml"
COLUMN = (210 - 45) * 72 / 25.4 * 0.40  # points: the issuing body's column, 40% of the text width
SOFTWARE = re.compile(r"phần mềm|\bcfc\b|\.(?:csv|json|xlsx|docx|pdf|yaml)\b|sha256|mã kiểm tra|--[a-z]")


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


@pytest.fixture(scope="module")
def documents(criteria, tmp_path_factory) -> dict:
    """Every document, with the example configuration and with none."""
    area = evaluate_files(criteria, [AREA])
    single = evaluate_files(criteria, [SINGLE]).units[0]
    results = tmp_path_factory.mktemp("r") / "results.json"
    results.write_text(render_batch(area, "json", "vi", criteria=criteria), encoding="utf-8")
    review = summarise(load_results([results], criteria), criteria, "district", sources=[results.name])
    out = {}
    for name, board in (("configured", load_board_config(CONFIG)), ("bare", BoardConfig())):
        out[name] = {"self-assessment": self_assessment.document(single, criteria, board),
                     "appraisal": appraisal.document(area, criteria, board),
                     "decision": decision.document(area, criteria, board),
                     "summary": summary.document(review, criteria, board)}
    return out


def pdf_body(doc) -> str:
    """The text of every page without its footer line (the footer may carry the short data code)."""
    pages = []
    for page in PdfReader(io.BytesIO(render(doc, ".pdf"))).pages:
        lines = [line.strip() for line in page.extract_text().splitlines()]
        pages.append("\n".join(line for line in lines if not line.startswith(doc.footer[:20])))
    return "\n".join(pages)


def docx_body(doc) -> tuple[docx.document.Document, str]:
    """The .docx and its text (body, every table cell, page header), as the other document tests read it."""
    data = render(doc, ".docx")
    return docx.Document(io.BytesIO(data)), docx_text(data)


@pytest.mark.parametrize("which", ["self-assessment", "appraisal", "decision", "summary"])
def test_no_software_file_name_or_checksum_in_the_body(documents, which):
    for board in ("configured", "bare"):
        doc = documents[board][which]
        for text in (pdf_body(doc), docx_body(doc)[1]):
            assert not SOFTWARE.search(text), (which, SOFTWARE.search(text).group())
            assert "results.json" not in text and "units.csv" not in text
        assert "mã số liệu" in doc.footer or which == "summary"  # the footer's short code may stay


@pytest.mark.parametrize("which", ["self-assessment", "appraisal", "decision", "summary"])
def test_every_blank_to_fill_is_bracketed(documents, which):
    text = pdf_body(documents["bare"][which])
    # An instruction in parentheses is a blank nobody sees as one ("(Cơ quan lập báo cáo ghi kiến nghị.)").
    assert not re.search(r"\((?:Cơ quan|Tên|Địa|Kỳ|Chức danh|Ghi|Nội dung)[^)]*\)", text), which
    assert re.search(r"\[[^\]]+\]", text)  # with nothing configured, the names are bracketed blanks
    if which == "summary":
        assert "VIII. KIẾN NGHỊ\n[Kiến nghị của cơ quan lập báo cáo]" in text


def test_configured_documents_have_no_bracket_cfc_could_have_filled(documents):
    for which in ("appraisal", "decision"):
        assert re.findall(r"\[[^\]]*\]", pdf_body(documents["configured"][which])) == [], which
    # The summary: only the recommendation itself, which the reporting office writes.
    assert re.findall(r"\[[^\]]*\]", pdf_body(documents["configured"]["summary"])) == [
        "[Kiến nghị của cơ quan lập báo cáo]"]


@pytest.mark.parametrize("which", ["self-assessment", "appraisal", "decision", "summary"])
def test_noi_nhan_is_at_the_left_level_with_the_signature(documents, which):
    doc = documents["configured"][which]
    # .docx: one row of a borderless table, Nơi nhận first in the left cell, the signer's title in the right.
    document, _ = docx_body(doc)
    rows = [row for table in document.tables for row in table.rows
            if any(p.text == "Nơi nhận:" for p in row.cells[0].paragraphs)]
    assert len(rows) == 1, which
    left, right = rows[0].cells[0], rows[0].cells[1]
    assert left.paragraphs[0].text == "Nơi nhận:" and right.paragraphs[0].text.isupper()
    # PDF: "Nơi nhận:" and the first line of the signature block on the same baseline.
    found = {}
    for number, page in enumerate(PdfReader(io.BytesIO(render(doc, ".pdf"))).pages):
        def visit(text, cm, tm, font, size, number=number):
            text = text.strip()
            if text == "Nơi nhận:" or (text and text == right.paragraphs[0].text):
                found.setdefault(text, (number, round(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])))  # baseline
        page.extract_text(visitor_text=visit)
    (page, left_y), (other, right_y) = found["Nơi nhận:"], found[right.paragraphs[0].text]
    assert page == other and abs(left_y - right_y) <= 2, (which, found)


def test_issuing_bodies_break_before_the_place_never_inside_its_name():
    assert body_lines("Ủy ban nhân dân thị xã Đoài Sơn", COLUMN, 12) == ["ỦY BAN NHÂN DÂN", "THỊ XÃ ĐOÀI SƠN"]
    assert body_lines("Ủy ban nhân dân xã Hòa Sơn", COLUMN, 12) == ["ỦY BAN NHÂN DÂN", "XÃ HÒA SƠN"]
    assert body_lines("Ủy ban nhân dân thành phố Hà Nội", COLUMN, 12) == ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI"]
    assert body_lines("Phòng Văn hóa - Xã hội", COLUMN, 12) == ["PHÒNG VĂN HÓA - XÃ HỘI"]  # "Xã hội" is no level
    assert body_lines("Sở Lao động - Thương binh và Xã hội", COLUMN, 12) == ["SỞ LAO ĐỘNG - THƯƠNG BINH",
                                                                          "VÀ XÃ HỘI"]
    assert body_lines("Sở Y tế", COLUMN, 12) == ["SỞ Y TẾ"]


def test_the_documents_print_the_issuing_body_in_those_lines(documents):
    for which, body in (("appraisal", "THỊ XÃ SƠN TÂY"), ("decision", "THỊ XÃ SƠN TÂY"),
                        ("self-assessment", "XÃ THÁI HÒA"), ("summary", "THÀNH PHỐ HÀ NỘI")):
        doc = documents["configured"][which]
        lines = pdf_body(doc).splitlines()
        assert "ỦY BAN NHÂN DÂN" in lines[:6] and any(line.startswith(body) for line in lines[:8]), (which, lines[:8])
        paragraphs = [p.text for p in docx_body(doc)[0].tables[0].rows[0].cells[0].paragraphs]
        assert "ỦY BAN NHÂN DÂN" in paragraphs and body in paragraphs, (which, paragraphs)


def test_the_summary_is_dated_at_its_own_place_for_its_own_area(documents):
    text = pdf_body(documents["configured"]["summary"])
    assert "Hà Nội, ngày" in text and "Sơn Tây, ngày" not in text  # not the district's place (board-config.example.yaml)
    assert "Địa bàn: Thành phố Hà Nội" in text
    assert PLACEHOLDERS["reporting_place"] + ", ngày" in pdf_body(documents["bare"]["summary"])
