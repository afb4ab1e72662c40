"""Printable documents in Vietnamese, after Nghị định 30/2020/NĐ-CP, as PDF or as editable .docx.

    self_assessment.document(unit, criteria, board)   báo cáo tự đánh giá of one commune
    appraisal.document(batch, criteria, board)        báo cáo thẩm định of a batch, with an annex of points
    decision.document(batch, criteria, board)         dự thảo quyết định công nhận (recognised units only)
    summary.document(summary, criteria, board)        báo cáo tổng hợp for the level above

Each builds one engine.reports.document.Document; render() turns it into PDF (to_pdf) or .docx (to_docx)
bytes, identical for identical input, and write() puts them on disk atomically, the format chosen by the
file's extension. Other modules: fonts (embedded Liberation Serif), board (who reviews, recognises, reports:
configuration), common (wording shared by the documents), findings (results and difficulties from the data).
"""
from __future__ import annotations

from pathlib import Path

from engine.atomic import atomic_path
from engine.messages import MessageError

FORMATS = (".pdf", ".docx")


class FormatError(MessageError, ValueError):
    """The output name does not end in a format cfc writes."""


def output_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise FormatError("document_format", path=str(path))
    return suffix


def render(doc, fmt: str) -> bytes:
    if fmt == ".docx":
        from engine.reports.to_docx import render_docx

        return render_docx(doc)
    from engine.reports.to_pdf import render_pdf

    return render_pdf(doc)


def write(path: str | Path, doc) -> None:
    """Render in the format the file name asks for and write it atomically: a reader never sees half a file."""
    data = render(doc, output_format(path))
    with atomic_path(path) as tmp:
        Path(tmp).write_bytes(data)
