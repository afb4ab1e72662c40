"""Which evidence files are taken, decided by their content, never by the name or the type a browser claims.

Accepted: PDF, PNG, JPEG, Word and Excel files (.docx/.xlsx: ZIP containers holding word/ or xl/; .doc/.xls:
OLE containers), and OpenDocument text and spreadsheets (.odt/.ods: a ZIP whose `mimetype` member says so).
Nothing else — HTML, SVG, scripts, archives of other things — whatever it is called. The type detected is the
one the file is served with later (as an attachment): a name cannot make a browser run it.
"""
from __future__ import annotations

import unicodedata
from pathlib import PurePath

from engine.workflow.containers import zip_members
from engine.workflow.errors import Refused

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024  # a scanned decision of a few pages; the web layer may choose less

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT, ODS = "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet"
DOC, XLS = "application/msword", "application/vnd.ms-excel"
ACCEPTED = (PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, DOC, XLS)
SUFFIX = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx", XLSX: ".xlsx", ODT: ".odt", ODS: ".ods",
          DOC: ".doc", XLS: ".xls"}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect(content: bytes, name: str) -> str:
    """The content type of an evidence file. Raises Refused naming the file when it is not one cfc accepts."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(_OLE):
        # An OLE container is both .doc and .xls (and other things): the name says which of the two.
        kind = {".doc": DOC, ".xls": XLS}.get(PurePath(name).suffix.lower())
        if kind:
            return kind
    if content.startswith(b"PK\x03\x04"):
        kind = _zip_kind(content)
        if kind:
            return kind
    raise Refused("evidence_type", name=name)


def _zip_kind(content: bytes) -> str | None:
    found = zip_members(content)
    if found is None:
        return None
    names, declared = found
    if declared is not None:
        return declared if declared in (ODT, ODS) else None
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return DOCX
        if any(n.startswith("xl/") for n in names):
            return XLSX
    return None


def clean_name(name: str | None, content_type: str) -> str:
    """A file name fit to keep and to show: its last path part, NFC, no control characters, at most 200
    characters, ending with the suffix of its detected type."""
    base = PurePath(str(name or "").replace("\\", "/")).name
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C").strip()
    stem = PurePath(base).stem if PurePath(base).suffix.lower() in (".jpeg",) + tuple(SUFFIX.values()) else base
    stem = (stem or "evidence")[:190]
    return stem + SUFFIX[content_type]
