"""Page, styles and building blocks shared by every report: A4 in the layout of Vietnamese administrative
documents (national motto header, numbered sections, signature blocks), tables that split across pages with
their header row repeated, "Trang X/Y" page numbers, and byte-identical output for identical input."""
from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (CondPageBreak, HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer,
                                Table, TableStyle)

from engine.reports.fonts import BOLD, REGULAR, register_fonts
from engine.text import nfc

FAMILY = register_fonts()

# Margins after the rules for administrative documents (Nghị định 30/2020/NĐ-CP): wide binding margin left.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 30 * mm, 15 * mm, 18 * mm, 20 * mm
FRAME_PADDING = 6  # reportlab's default frame padding, inside the margins
WIDTH = A4[0] - MARGIN_LEFT - MARGIN_RIGHT - 2 * FRAME_PADDING

GRID = colors.HexColor("#808080")
HEADER_BG = colors.HexColor("#E6E6E6")
GROUP_BG = colors.HexColor("#F3F3F3")
RED = colors.HexColor("#A01010")
GREEN = colors.HexColor("#0B6A2E")
GREY = colors.HexColor("#555555")


def hexcolor(color) -> str:
    """'#a01010' for <font color=...> in paragraph markup."""
    return "#" + color.hexval()[2:]


def _style(name: str, **kw) -> ParagraphStyle:
    base = dict(fontName=REGULAR, bulletFontName=REGULAR, fontSize=10, leading=13.5, alignment=TA_LEFT,
                splitLongWords=1)
    base.update(kw)
    return ParagraphStyle(name, **base)


STYLES = {
    "body": _style("body", alignment=TA_JUSTIFY, spaceAfter=3),
    "bullet": _style("bullet", leftIndent=12, bulletIndent=2, spaceAfter=2),
    "cell_bullet": _style("cell_bullet", fontSize=8.5, leading=10.5, leftIndent=9, bulletIndent=0, spaceAfter=1),
    "title": _style("title", fontName=BOLD, fontSize=13, leading=17, alignment=TA_CENTER, spaceBefore=10),
    "subtitle": _style("subtitle", fontName=BOLD, fontSize=10.5, leading=14, alignment=TA_CENTER),
    "center": _style("center", alignment=TA_CENTER),
    "center_italic": _style("center_italic", fontName="DejaVuSans-Oblique", alignment=TA_CENTER),
    "heading": _style("heading", fontName=BOLD, fontSize=10.5, leading=14, spaceBefore=9, spaceAfter=4),
    "note": _style("note", fontName="DejaVuSans-Oblique", fontSize=8.5, leading=11, textColor=GREY, spaceAfter=2),
    "cell": _style("cell", fontSize=8.5, leading=10.5),
    "cell_bold": _style("cell_bold", fontName=BOLD, fontSize=8.5, leading=10.5),
    "cell_center": _style("cell_center", fontSize=8.5, leading=10.5, alignment=TA_CENTER),
    "cell_right": _style("cell_right", fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
    "cell_head": _style("cell_head", fontName=BOLD, fontSize=8.5, leading=10.5, alignment=TA_CENTER),
    "sig_title": _style("sig_title", fontName=BOLD, fontSize=10, leading=13.5, alignment=TA_CENTER),
    "sig_note": _style("sig_note", fontName="DejaVuSans-Oblique", fontSize=9, leading=12, alignment=TA_CENTER),
    "issuer_parent": _style("issuer_parent", fontSize=9, leading=12, alignment=TA_CENTER),
    "motto": _style("motto", fontName=BOLD, fontSize=9.5, leading=12.5, alignment=TA_CENTER),
    "recipients": _style("recipients", fontSize=8, leading=10.5),
}


# ---------------------------------------------------------------- text


def esc(text: object) -> str:
    """Data text made safe for paragraph markup (unit names may contain & or <), normalised to NFC."""
    return escape(nfc("" if text is None else str(text)))


def para(text: object, style: str = "body") -> Paragraph:
    """A paragraph of plain text: escaped, never interpreted as markup."""
    return Paragraph(esc(text), STYLES[style])


def markup(source: str, style: str = "body") -> Paragraph:
    """A paragraph of cfc's own markup (<b>, <i>, <br/>); data inside it must already pass through esc()."""
    return Paragraph(nfc(source), STYLES[style])


def number(value: int | None) -> str:
    """Vietnamese thousands separator: 1.000."""
    return "—" if value is None else f"{value:,}".replace(",", ".")


_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")


def vi_decimal(text: str | None) -> str:
    """Vietnamese decimal comma in measures and bands: 97.83% → 97,83%, ≤ 0.5‰ → ≤ 0,5‰."""
    return "" if text is None else _DECIMAL.sub(",", text)


def upper(text: str) -> str:
    return nfc(text).upper()


# ---------------------------------------------------------------- blocks


def table_style(commands: list) -> TableStyle:
    """Every table names the embedded font: reportlab otherwise selects Helvetica for each cell, and that
    non-embedded font would appear in the PDF's resources even though no text uses it."""
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 8.5)] + commands)


def heading(text: str, room_mm: float = 35) -> list:
    """A section heading that starts a new page rather than sit at the foot of one without its content."""
    return [CondPageBreak(room_mm * mm), para(text, "heading")]


def bullets(items: list[str], style: str = "bullet") -> list[Paragraph]:
    return [Paragraph(esc(item), STYLES[style], bulletText="–") for item in items]


def cell(value: object, style: str = "cell") -> Paragraph:
    return para(value, style)


def data_table(header: list[str], rows: list[list], weights: list[float], *, extra: list | None = None,
               align: dict[int, str] | None = None) -> Table:
    """A bordered table across the text width: header row repeated on every page, every cell a wrapping
    paragraph. Column widths are in proportion to `weights` (think millimetres of a 165 mm line).

    `rows` hold plain values or ready flowables; `align` maps a column to a cell style (e.g. right-aligned
    numbers); `extra` adds TableStyle commands (row shading, spans, groups kept on one page)."""
    align = align or {}
    body = [[cell(h, "cell_head") for h in header]]
    for row in rows:
        body.append([v if not isinstance(v, (str, int, float)) and v is not None else cell(v, align.get(i, "cell"))
                     for i, v in enumerate(row)])
    widths = [WIDTH * w / sum(weights) for w in weights]
    table = Table(body, colWidths=widths, repeatRows=1, splitByRow=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    table.setStyle(table_style(commands + (extra or [])))
    return table


def key_value_table(pairs: list[tuple[str, object]], key_mm: float = 45) -> Table:
    """Label: value lines without borders (the general information block). A value may be a flowable or a
    list of them."""
    rows = [[cell(k, "cell_bold"), v if isinstance(v, (Paragraph, list)) else cell(v)] for k, v in pairs]
    table = Table(rows, colWidths=[key_mm * mm, WIDTH - key_mm * mm])
    table.setStyle(table_style([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def national_header(issuer: list[str], document_number: str, place_date: str, parent: str | None = None) -> Table:
    """The two-column head of a Vietnamese administrative document.

    Left: the parent body (plain capitals) if any, the issuing body (bold capitals, one line each), a short
    rule, the number line. Right: the national name and motto, a rule, the place and date line in italics."""
    left = [para(upper(parent), "issuer_parent")] if parent else []
    left += [para(upper(line), "motto") for line in issuer]
    left += [HRFlowable(width="35%", thickness=0.6, color=colors.black, spaceBefore=3, spaceAfter=4, hAlign="CENTER"),
             para(document_number, "center")]
    right = [para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto"),
             para("Độc lập - Tự do - Hạnh phúc", "motto"),
             HRFlowable(width="58%", thickness=0.6, color=colors.black, spaceBefore=3, spaceAfter=4, hAlign="CENTER"),
             para(place_date, "center_italic")]
    table = Table([[left, right]], colWidths=[WIDTH * 0.42, WIDTH * 0.58])
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def report_opening(office: str, parent: str | None, place: str, title: str, subject: str, area: str,
                   recipient: str) -> list:
    """The first lines every report shares: national header, title, subject, area and addressee."""
    return [
        national_header([office], "Số: ......../BC-......", place_date_line(place), parent=parent),
        spacer(4),
        para(title, "title"),
        para(subject, "subtitle"),
        para(f"Địa bàn: {area}", "subtitle"),
        spacer(2),
        markup(f"Kính gửi: {esc(recipient)}.", "center"),
        spacer(3),
    ]


def place_date_line(place: str) -> str:
    """Date left blank to be filled in by hand: a report carries no timestamp of its own."""
    return f"{place}, ngày ...... tháng ...... năm ........"


def signature_row(left: list | None, right: list, lead: list | None = None) -> KeepTogether:
    """Two signature columns (or recipients on the left), kept on one page with room to sign, together with
    the `lead` flowables before them (a signature never stands alone on a page)."""
    table = Table([[left or "", right]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
    table.setStyle(table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether((lead or []) + [Spacer(1, 6 * mm), table])


def signature_block(titles: list[str], note: str, name: str = "") -> list:
    """Bold capitals for the title lines, the italic instruction, space for the signature, the name."""
    block = [para(upper(t), "sig_title") for t in titles]
    block += [para(note, "sig_note"), Spacer(1, 22 * mm), para(name or " ", "sig_title")]
    return block


def recipients(lines: list[str]) -> list:
    out = [markup("<b><i>Nơi nhận:</i></b>", "recipients")]
    out += [para(f"- {line}", "recipients") for line in lines]
    return out


def spacer(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)


# ---------------------------------------------------------------- document


def _numbered_canvas(footer: str):
    """A canvas that holds every page until the end, so each can say 'Trang X/Y'."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            self.saveState()
            self.setFont(REGULAR, 8)
            self.setFillColor(GREY)
            y = MARGIN_BOTTOM - 9 * mm
            self.drawRightString(A4[0] - MARGIN_RIGHT, y, nfc(f"Trang {self._pageNumber}/{total}"))
            if footer:
                self.drawString(MARGIN_LEFT, y, nfc(footer))
            self.restoreState()

    return NumberedCanvas


def build_pdf(story: list, *, title: str, subject: str, footer: str) -> bytes:
    """Lay out `story` on A4 and return the PDF. invariant=1: fixed dates and document id, so the same story
    gives the same bytes (reportlab names font subsets by number, not at random)."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=nfc(title), subject=nfc(subject), author="cfc", creator="cfc",
        invariant=1, initialFontName=REGULAR, initialFontSize=10, lang="vi-VN",
    )
    doc.build(story, canvasmaker=_numbered_canvas(footer))
    return out.getvalue()
