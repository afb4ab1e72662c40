"""Printable PDF documents in Vietnamese (reportlab): the procedure of QĐ 06/QĐ-TTg runs on paper.

    self_assessment_pdf(unit, criteria)           báo cáo tự đánh giá of one commune
    appraisal_pdf(batch, criteria, board)         báo cáo thẩm định of a batch, with a draft decision

Every function returns the PDF as bytes; identical input gives identical bytes. write_pdf() puts them on disk
atomically. Modules: fonts (embedded DejaVu Sans), layout (A4 page, styles, blocks), board (who reviews and who
recognises: configuration), common (shared wording), one module per document.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_pdf(path: str | Path, data: bytes) -> None:
    """Write beside the target, then rename: a reader never sees half a PDF."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
