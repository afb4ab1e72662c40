"""Evidence files decided by their content, and the province's dashboard."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from engine.workflow import Forbidden, Refused, WrongState
from engine.workflow.dashboard import not_submitted, recognition_rate, status_counts
from engine.workflow.deadlines import load_deadlines
from engine.workflow.filetypes import DOC, DOCX, ODT, PDF, PNG, XLSX, detect

from store_support import (ADMIN, BOARD, COMMUNE, PROVINCE, PROVINCE_OTHER, UNIT, bring_to)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _docx() -> bytes:
    import docx

    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Biên bản họp Ban bảo vệ trẻ em")
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize("content, name, kind", [
    (b"%PDF-1.7\n%\xe2\xe3", "quyết định.PDF", PDF),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "ảnh chụp.png", PNG),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "bao-cao.doc", DOC),
    (_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}), "bb.odt", ODT),
])
def test_accepted_types(content, name, kind):
    assert detect(content, name) == kind


def test_office_files_made_by_their_libraries():
    assert detect(_docx(), "bien-ban.docx") == DOCX
    assert detect(_xlsx(), "so-lieu.xlsx") == XLSX


@pytest.mark.parametrize("content, name", [
    (b"<html><script>alert(1)</script></html>", "bien-ban.pdf"),         # HTML named as a PDF
    (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "anh.png"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "macro.exe"),    # an OLE file that is neither .doc nor .xls
    (_zip({"index.html": b"<html></html>"}), "bien-ban.docx"),          # a ZIP that is no office file
    (_zip({"mimetype": b"text/html"}), "bb.odt"),
    (b"PK\x03\x04 not really a zip", "bb.xlsx"),
    (b"MZ\x90\x00", "setup.pdf"),
])
def test_refused_types(content, name):
    with pytest.raises(Refused) as refused:
        detect(content, name)
    assert name in refused.value.render("vi")


def test_evidence_is_attached_while_the_commune_may_edit(wf):
    bring_to(wf, "draft", "2025-H1", who=COMMUNE)
    pdf = b"%PDF-1.4\n" + b"0" * 5000
    first = wf.add_evidence(COMMUNE, UNIT, "2025-H1", pdf, "../../etc/Biên bản\x00.pdf", 12)
    assert (first.content_type, first.size, first.criterion, first.name) == (PDF, 5009, 12, "Biên bản.pdf")
    again = wf.add_evidence(COMMUNE, UNIT, "2025-H1", pdf, "copy.pdf", 12)
    assert again.id == first.id  # a retried upload is the same file
    assert wf.add_evidence(COMMUNE, UNIT, "2025-H1", pdf, "copy.pdf", 3).id != first.id
    info, content = wf.evidence_file(PROVINCE, first.id)
    assert content == pdf and info.sha256 == first.sha256
    with pytest.raises(Forbidden):
        wf.evidence_file(PROVINCE_OTHER, first.id)
    with pytest.raises(Forbidden):
        wf.add_evidence(BOARD, UNIT, "2025-H1", pdf, "x.pdf", 12)
    with pytest.raises(Refused):
        wf.add_evidence(COMMUNE, UNIT, "2025-H1", pdf, "x.pdf", 99)
    wf.evidence_limit = 1000
    with pytest.raises(Refused) as large:
        wf.add_evidence(COMMUNE, UNIT, "2025-H1", pdf, "lớn.pdf", 12)
    assert large.value.key == "evidence_too_large"
    wf.evidence_limit = 10_000_000
    detail = wf.submit(COMMUNE, UNIT, "2025-H1", wf.get(COMMUNE, UNIT, "2025-H1").version)
    with pytest.raises(WrongState):  # submitted: read-only for the commune
        wf.add_evidence(COMMUNE, UNIT, "2025-H1", b"%PDF-1.4 other", "muộn.pdf", 12)
    assert [e.name for e in detail.evidence] == ["Biên bản.pdf", "copy.pdf"]
    assert [e.action for e in detail.events].count("submission.add_evidence") == 2


def test_dashboard(wf):
    bring_to(wf, "recognized", "2025")
    bring_to(wf, "draft", "2025", unit="09917")
    counts = status_counts(wf.store, PROVINCE, "2025")
    assert counts["recognized"] == 1 and counts["draft"] == 1 and sum(counts.values()) == 2
    assert status_counts(wf.store, ADMIN, "2025")["none"] == 1  # 10001, in Huế, has no file
    rate = recognition_rate(wf.store, PROVINCE, "2025")
    assert (rate.recognised, rate.units, rate.percent, rate.target_year, rate.target_percent) == (1, 2, 50.0, 2025, 65)
    assert rate.gap == 15.0
    assert recognition_rate(wf.store, PROVINCE, "2026").target_year == 2030
    reminder = not_submitted(wf.store, PROVINCE, "2025", load_deadlines(), today=dt.date(2025, 11, 3))
    assert (reminder.submission_due, reminder.report_due, reminder.days_left) == (dt.date(2025, 11, 10),
                                                                                  dt.date(2025, 11, 20), 7)
    assert [(p.unit_code, p.status) for p in reminder.pending] == [("09917", "draft")]
    assert not_submitted(wf.store, PROVINCE, "2025-06-30", load_deadlines()) is None  # no date configured


def test_deadlines_file(tmp_path):
    from engine.messages import MessageError

    path = tmp_path / "deadlines.yaml"
    path.write_text('by_kind:\n  year: {submission_due: "11-05"}\nperiods:\n  "2025-h1": {submission_due: 2025-05-02, '
                    'report_due: 2025-05-12}\n', encoding="utf-8")
    deadlines = load_deadlines(path)
    assert deadlines.for_period("2025-H1").submission_due == dt.date(2025, 5, 2)
    assert deadlines.for_period("2026").submission_due == dt.date(2026, 11, 5)
    assert deadlines.for_period("2026-H1") is None
    path.write_text('by_kind:\n  month: {submission_due: "11-05"}\n', encoding="utf-8")
    with pytest.raises(MessageError):
        load_deadlines(path)
