"""One document model for every report, rendered to PDF (engine.reports.to_pdf) and to .docx
(engine.reports.to_docx): a document module builds the blocks once, so both files say the same thing.

Blocks are plain data. Text inside a `Para` is cfc's small markup — <b>, <i>, <u>, <br/>, <font color="#..">
— and every piece of data in it has passed through esc(). Styles are named here with their sizes (points),
weight and alignment, after Nghị định 30/2020/NĐ-CP: a Times-like serif, body text 13 pt, national motto 12-13 pt
bold, recipients 11-12 pt; tables a smaller size so that 14 criteria fit across an A4 page."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union
from xml.sax.saxutils import escape

from engine.text import nfc

RED, GREEN, GREY = "#A01010", "#0B6A2E", "#555555"
HEADER_BG, GROUP_BG = "#E6E6E6", "#F3F3F3"

# Margins of an administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I): wide binding margin left.
MARGIN_LEFT_MM, MARGIN_RIGHT_MM, MARGIN_TOP_MM, MARGIN_BOTTOM_MM = 30, 15, 20, 20
TEXT_WIDTH_MM = 210 - MARGIN_LEFT_MM - MARGIN_RIGHT_MM

WATERMARK_INVALID = "DỰ THẢO – DỮ LIỆU CHƯA HỢP LỆ"


@dataclass(frozen=True)
class Style:
    size: float
    leading: float
    bold: bool = False
    italic: bool = False
    align: str = "left"          # left | center | right | justify
    space_before: float = 0      # points
    space_after: float = 0
    indent: float = 0            # left indent, points (bullets)
    first_line: float = 0        # first-line indent, points (body paragraphs)
    color: str | None = None


STYLES: dict[str, Style] = {
    # ND 30: a paragraph's first line indented 1 to 1.27 cm, at least 6 pt between paragraphs
    "body": Style(13, 17, align="justify", space_after=6, first_line=28.35),
    "bullet": Style(13, 17, align="justify", space_after=2, indent=14),
    "title": Style(14, 18, bold=True, align="center", space_before=10),
    "subtitle": Style(13, 17, bold=True, align="center"),
    "center": Style(13, 17, align="center"),
    "center_italic": Style(13, 17, italic=True, align="center"),
    "heading": Style(13, 17, bold=True, space_before=9, space_after=4),
    "note": Style(10.5, 13, italic=True, color=GREY, space_after=2),
    "footnote": Style(10.5, 13, space_after=2),
    "stamp": Style(12, 15, bold=True, align="right", color=RED),
    "cell": Style(10, 12),
    "cell_bold": Style(10, 12, bold=True),
    "cell_center": Style(10, 12, align="center"),
    "cell_right": Style(10, 12, align="right"),
    "cell_head": Style(10, 12, bold=True, align="center"),
    "cell_bullet": Style(10, 12, indent=9, space_after=1),
    "small": Style(8, 9.5),
    "small_center": Style(8, 9.5, align="center"),
    "small_right": Style(8, 9.5, align="right"),
    "small_head": Style(8, 9.5, bold=True, align="center"),
    "kv_key": Style(12, 15.5, bold=True),
    "kv_value": Style(12, 15.5),
    "issuer_parent": Style(12, 15, align="center"),
    "issuer": Style(12, 15, bold=True, align="center"),
    "motto": Style(12, 15, bold=True, align="center"),
    "motto_sub": Style(13, 16, bold=True, align="center"),
    "number_line": Style(13, 16, align="center"),
    "sig_title": Style(13, 16, bold=True, align="center"),
    "sig_note": Style(12, 15, italic=True, align="center"),
    "sig_name": Style(13, 16, bold=True, align="center"),
    "recipients_head": Style(12, 14, bold=True, italic=True),
    "recipients": Style(11, 13),
}


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Para:
    markup: str                  # cfc markup, data already escaped
    style: str = "body"
    bullet: str | None = None    # "–" for a list item


Cell = Union[Para, list, None]   # a paragraph, a list of paragraphs, or empty


@dataclass
class Table:
    """A table across the text width; widths in proportion to `weights`. Row indexes in `shaded`, `spans` and
    `keep` count body rows from 0 (the header is not counted). The header repeats on every page."""
    header: list[Para]
    rows: list[list[Cell]]
    weights: list[float]
    shaded: list[int] = field(default_factory=list)
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (row, first column, last column)
    keep: list[tuple[int, int]] = field(default_factory=list)        # rows first..last kept on one page
    grid: bool = True
    compact: bool = False  # narrow cell padding: many narrow columns (the annex of points per criterion)


@dataclass
class KeyValues:
    """Label: value lines without borders (the general information block)."""
    pairs: list[tuple[Para, Cell]]
    key_mm: float = 50


@dataclass
class NationalHeader:
    """The head of an administrative document: issuing body left, Quốc hiệu and Tiêu ngữ right."""
    parent: str | None            # cơ quan chủ quản (plain capitals), or None
    issuer: str                   # cơ quan ban hành (bold capitals)
    number: str                   # "Số: ......../BC-UBND"
    place_date: str               # "Hòa Sơn, ngày ... tháng ... năm ..." (italics)


@dataclass
class Signatures:
    """The foot of a document: left column (Nơi nhận or a second signer), right column (the signer), kept
    on one page together with `lead` (a signature never stands alone on a page)."""
    left: list
    right: list
    lead: list = field(default_factory=list)


@dataclass
class Heading:
    text: str


@dataclass
class Spacer:
    mm: float = 3


@dataclass
class PageBreak:
    pass


@dataclass
class Image:
    png: bytes


Block = Union[Para, Table, KeyValues, NationalHeader, Signatures, Heading, Spacer, PageBreak, Image]


@dataclass
class Document:
    blocks: list
    title: str
    subject: str
    footer: str
    watermark: str | None = None  # printed across every page (PDF) and in the page header (.docx)


# ---------------------------------------------------------------- text helpers


def esc(text: object) -> str:
    """Data text made safe for markup (unit names may contain & or <), normalised to NFC."""
    return escape(nfc("" if text is None else str(text)))


def para(text: object, style: str = "body") -> Para:
    """A paragraph of plain text: escaped, never interpreted as markup."""
    return Para(esc(text), style)


def markup(source: str, style: str = "body") -> Para:
    """A paragraph of cfc markup; data inside it must already pass through esc()."""
    return Para(nfc(source), style)


def cell(value: object, style: str = "cell") -> Para:
    return para(value, style)


def coloured(text: str, colour: str, bold: bool = False) -> str:
    inner = f'<font color="{colour}">{esc(text)}</font>'
    return f"<b>{inner}</b>" if bold else inner


def bullets(items: list[str], style: str = "bullet") -> list[Para]:
    return [Para(esc(item), style, bullet="–") for item in items]


def number(value: int | None) -> str:
    """Vietnamese thousands separator: 1.000."""
    return "—" if value is None else f"{value:,}".replace(",", ".")


_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")


def vi_decimal(text: str | None) -> str:
    """Vietnamese decimal comma in measures and bands: 97.83% → 97,83%, ≤ 0.5‰ → ≤ 0,5‰."""
    return "" if text is None else _DECIMAL.sub(",", text)


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None or value != value else vi_decimal(f"{value:.{digits}f}") + "%"


def upper(text: str) -> str:
    return nfc(text).upper()


# An administrative level written before a place's name ("thị xã Đoài Sơn", "Phường 3"): a body's name is broken
# before it, never inside the place's name. "Xã hội" (society) is not a level: a level is followed by a name.
_LEVEL = re.compile(r"(?i)(?<!\w)(?:thành phố|thị xã|thị trấn|đặc khu|phường|huyện|quận|tỉnh|xã)\s+(?=\w)")
_AND = re.compile(r"(?i)\s(?=và\s)")   # before "và": where a long name breaks first,
_DASH = re.compile(r"(?<=\s-)\s")      # or else after " - "


def body_lines(name: str, width: float, size: float, bold: bool = True) -> list[str]:
    """An issuing body's name in capitals, in the lines it takes in a column `width` points wide: one line when
    it fits, else broken where a reader breaks it — before the level of the place it serves ("ỦY BAN NHÂN DÂN /
    THỊ XÃ ĐOÀI SƠN"), or else before "và" or after " - " ("SỞ LAO ĐỘNG - THƯƠNG BINH / VÀ XÃ HỘI") — and never
    inside a place's name; the most even of the breaks whose lines fit. Measured in the documents' font
    (Liberation Serif, with the metrics of Times New Roman, the .docx font)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from engine.reports.fonts import face, register_fonts

    register_fonts()
    text = " ".join(nfc(name).split())
    fits = lambda line: stringWidth(upper(line), face(bold, False), size) <= width  # noqa: E731
    if fits(text):
        return [upper(text)]
    levels = [m.start() for m in _LEVEL.finditer(text) if m.start() > 0 and (text[m.end()].isupper()
                                                                            or text[m.end()].isdigit())]
    for candidates in (levels, [m.end() for m in _AND.finditer(text)], [m.end() for m in _DASH.finditer(text)]):
        splits = [(text[:at].strip(), text[at:].strip()) for at in candidates]
        splits = [(head, tail) for head, tail in splits if head and fits(tail)]
        if splits:
            head, tail = min(splits, key=lambda pair: abs(len(pair[0]) - len(pair[1])) if fits(pair[0])
                             else len(text))
            return [upper(head), upper(tail)]
    return [upper(text)]


# ---------------------------------------------------------------- building blocks


def table(header: list[str], rows: list[list], weights: list[float], *, small: bool = False, **kw) -> Table:
    """Header texts become bold centred cells; plain values in rows become cells."""
    head_style, body_style = ("small_head", "small") if small else ("cell_head", "cell")
    body = [[v if isinstance(v, (Para, list)) or v is None else cell(v, body_style) for v in row] for row in rows]
    return Table([cell(h, head_style) for h in header], body, weights, compact=small, **kw)


def key_values(pairs: list[tuple[str, object]], key_mm: float = 50) -> KeyValues:
    return KeyValues([(cell(k, "kv_key"), v if isinstance(v, (Para, list)) else cell(v, "kv_value"))
                      for k, v in pairs], key_mm)


def heading(text: str) -> Heading:
    return Heading(nfc(text))


def spacer(mm: float = 3) -> Spacer:
    return Spacer(mm)


def place_date_line(place: str) -> str:
    """Date left blank to be filled in by hand: a document carries no timestamp of its own."""
    return f"{place}, ngày ...... tháng ...... năm ........"


def report_opening(office: str, parent: str | None, place: str, title: str, subject: str, area: str,
                   recipient: str, number_line: str = "Số: ......../BC-......") -> list:
    """The first lines of every report: national header, title, subject, area and addressee."""
    return [
        NationalHeader(parent, office, number_line, place_date_line(place)),
        spacer(4),
        para(title, "title"),
        para(subject, "subtitle"),
        para(f"Địa bàn: {area}", "subtitle"),
        spacer(2),
        para(f"Kính gửi: {recipient}.", "center"),
        spacer(3),
    ]


def signature_block(titles: list[str], note: str, name: str = "", prefix: str | None = None) -> list:
    """Bold capitals for the title lines (after an optional 'TM.'/'KT.' line), the italic instruction, room
    to sign, the name."""
    block = [para(upper(prefix), "sig_title")] if prefix else []
    block += [para(upper(t), "sig_title") for t in titles]
    block += [para(note, "sig_note"), Spacer(22), para(name or " ", "sig_name")]
    return block


def recipients(lines: list[str]) -> list:
    return [markup("Nơi nhận:", "recipients_head")] + [para(f"- {line}", "recipients") for line in lines]
