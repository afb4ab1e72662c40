"""A Document on A4 as PDF (reportlab): embedded Liberation Serif, tables that split across pages (inside a
row too, so no text is ever too long to lay out) with the header row repeated, "Trang X/Y", the watermark
across every page, and byte-identical output for identical input."""
from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, TableStyle
from reportlab.platypus import Image as RLImage
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Spacer as RLSpacer
from reportlab.platypus import Table as RLTable

from engine.reports import document as d
from engine.reports.cancel import check
from engine.reports.fonts import BOLD, REGULAR, face, register_fonts
from engine.text import nfc

register_fonts()

FRAME_PADDING = 6  # reportlab's default frame padding, inside the margins
WIDTH = A4[0] - (d.MARGIN_LEFT_MM + d.MARGIN_RIGHT_MM) * mm - 2 * FRAME_PADDING
HEIGHT = A4[1] - (d.MARGIN_TOP_MM + d.MARGIN_BOTTOM_MM) * mm - 2 * FRAME_PADDING
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT, "justify": TA_JUSTIFY}


def _paragraph_style(name: str, style: d.Style) -> ParagraphStyle:
    font = face(style.bold, style.italic)
    return ParagraphStyle(
        name, fontName=font, bulletFontName=font, fontSize=style.size, leading=style.leading,
        alignment=_ALIGN[style.align], spaceBefore=style.space_before, spaceAfter=style.space_after,
        leftIndent=style.indent, bulletIndent=max(style.indent - 11, 0), firstLineIndent=style.first_line,
        textColor=colors.HexColor(style.color) if style.color else colors.black, splitLongWords=1)


STYLES = {name: _paragraph_style(name, style) for name, style in d.STYLES.items()}


def render_pdf(doc: d.Document) -> bytes:
    """Lay out the document on A4. invariant=1: fixed dates and document id, so the same document gives the
    same bytes (reportlab names font subsets by number, not at random)."""
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=d.MARGIN_LEFT_MM * mm, rightMargin=d.MARGIN_RIGHT_MM * mm,
        topMargin=d.MARGIN_TOP_MM * mm, bottomMargin=d.MARGIN_BOTTOM_MM * mm, title=nfc(doc.title),
        subject=nfc(doc.subject), author="cfc", creator="cfc", invariant=1, initialFontName=REGULAR,
        initialFontSize=10, lang="vi-VN",
    )
    template.build([f for block in doc.blocks for f in _flowables(block)],
                   canvasmaker=_numbered_canvas(doc.footer, doc.watermark))
    return out.getvalue()


# ---------------------------------------------------------------- blocks → flowables


def _para(p: d.Para) -> Paragraph:
    return Paragraph(p.markup, STYLES[p.style], bulletText=p.bullet)


def _cell(value: d.Cell):
    if value is None:
        return ""
    if isinstance(value, list):
        return [f for item in value for f in _flowables(item)]
    return _para(value)


def _table_style(commands: list) -> TableStyle:
    """Every table names the embedded font: reportlab otherwise selects Helvetica for each cell, and that
    non-embedded font would appear in the PDF's resources even though no text uses it."""
    return TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 10)] + commands)


def _layout_table(rows: list[list], widths: list[float], commands: list | None = None) -> RLTable:
    """A borderless table that places blocks side by side (header, signatures, key/value lines)."""
    table = RLTable(rows, colWidths=widths, splitInRow=1)
    table.setStyle(_table_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 0)] + (commands or [])))
    return table


def _row(values: list) -> list:
    check()  # an annex of thousands of rows takes seconds to set as paragraphs: a cancelled one stops here
    return [_cell(v) for v in values]


def _data_table(t: d.Table) -> RLTable:
    offset = 1 if t.header else 0
    body = ([[_para(h) for h in t.header]] if t.header else []) + [_row(row) for row in t.rows]
    widths = [WIDTH * w / sum(t.weights) for w in t.weights]
    table = RLTable(body, colWidths=widths, repeatRows=offset, splitByRow=1, splitInRow=1, spaceAfter=5)
    padding = 1.5 if t.compact else 3
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding), ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if t.grid:
        commands.append(("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#808080")))
    if t.header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(d.HEADER_BG)), ("VALIGN", (0, 0), (-1, 0), "MIDDLE")]
    commands += [("BACKGROUND", (0, r + offset), (-1, r + offset), colors.HexColor(d.GROUP_BG)) for r in t.shaded]
    commands += [("SPAN", (a, r + offset), (b, r + offset)) for r, a, b in t.spans]
    commands += [("NOSPLIT", (0, a + offset), (-1, b + offset)) for a, b in t.keep]
    table.setStyle(_table_style(commands))
    return table


def _national_header(h: d.NationalHeader) -> RLTable:
    rule = dict(thickness=0.6, color=colors.black, spaceBefore=2, spaceAfter=5, hAlign="CENTER")
    column = WIDTH * 0.40
    left = [_para(d.para(line, "issuer_parent")) for line in d.body_lines(h.parent, column, 12, bold=False)
            ] if h.parent else []
    left += [_para(d.para(line, "issuer")) for line in d.body_lines(h.issuer, column, 12)]
    left += [HRFlowable(width="30%", **rule),
             _para(d.para(h.number, "number_line"))]
    right = [_para(d.para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto")),
             _para(d.markup("Độc lập - Tự do - Hạnh phúc", "motto_sub")),
             HRFlowable(width=stringWidth("Độc lập - Tự do - Hạnh phúc", BOLD, 13), **rule),
             _para(d.para(h.place_date, "center_italic"))]
    return _layout_table([[left, right]], [column, WIDTH - column], [("ALIGN", (0, 0), (-1, -1), "CENTER")])


def _signatures(s: d.Signatures) -> KeepTogether:
    left = [f for b in s.left for f in _flowables(b)] or ""
    right = [f for b in s.right for f in _flowables(b)]
    table = _layout_table([[left, right]], [WIDTH * 0.45, WIDTH * 0.55], [("ALIGN", (0, 0), (-1, -1), "CENTER")])
    lead = [f for b in s.lead for f in _flowables(b)]
    return KeepTogether(lead + [RLSpacer(1, 6 * mm), table])


def _image(png: bytes) -> RLImage:
    """At the text width, or smaller so that it fits on one page with a little room."""
    width, height = ImageReader(io.BytesIO(png)).getSize()
    scale = min(WIDTH / width, (HEIGHT - 12 * mm) / height, 0.6)
    return RLImage(io.BytesIO(png), width=width * scale, height=height * scale)


def _flowables(block) -> list:
    if isinstance(block, d.Para):
        return [_para(block)]
    if isinstance(block, d.Table):
        return [_data_table(block)]
    if isinstance(block, d.KeyValues):
        rows = [[_cell(k), _cell(v)] for k, v in block.pairs]
        return [_layout_table(rows, [block.key_mm * mm, WIDTH - block.key_mm * mm],
                              [("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                               ("RIGHTPADDING", (0, 0), (0, -1), 4)])]
    if isinstance(block, d.NationalHeader):
        return [_national_header(block)]
    if isinstance(block, d.Signatures):
        return [_signatures(block)]
    if isinstance(block, d.Heading):
        # a section heading starts a new page rather than sit at the foot of one without its content
        return [CondPageBreak(35 * mm), _para(d.para(block.text, "heading"))]
    if isinstance(block, d.Spacer):
        return [RLSpacer(1, block.mm * mm)]
    if isinstance(block, d.PageBreak):
        return [RLPageBreak()]
    if isinstance(block, d.Image):
        return [RLSpacer(1, 3 * mm), _image(block.png)]
    raise TypeError(f"not a document block: {block!r}")


# ---------------------------------------------------------------- page furniture


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten a footer line to the space it has (the footer is one line; the body holds the full text)."""
    text = nfc(text)
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _numbered_canvas(footer: str, watermark: str | None):
    """A canvas that holds every page until the end, so each can say 'Trang X/Y'."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            check()  # a document no longer wanted stops here, at the next page (engine/reports/cancel.py)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                check()
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            self.saveState()
            self.setFont(REGULAR, 9)
            self.setFillColor(colors.HexColor(d.GREY))
            y = (d.MARGIN_BOTTOM_MM - 9) * mm
            page = nfc(f"Trang {self._pageNumber}/{total}")
            self.drawRightString(A4[0] - d.MARGIN_RIGHT_MM * mm, y, page)
            if footer:
                room = A4[0] - (d.MARGIN_LEFT_MM + d.MARGIN_RIGHT_MM) * mm - stringWidth(page, REGULAR, 9) - 8 * mm
                self.drawString(d.MARGIN_LEFT_MM * mm, y, _fit(footer, REGULAR, 9, room))
            if watermark:
                self._watermark(watermark)
            self.restoreState()

        def _watermark(self, text: str) -> None:
            """Diagonal, translucent, across the middle of the page: the text under it stays readable."""
            size = 40
            while stringWidth(text, BOLD, size) > 0.95 * (A4[0] ** 2 + A4[1] ** 2) ** 0.5 * 0.8 and size > 10:
                size -= 2
            self.setFont(BOLD, size)
            self.setFillColor(colors.HexColor(d.RED))
            self.setFillAlpha(0.22)
            self.translate(A4[0] / 2, A4[1] / 2)
            self.rotate(54.7)  # the page's diagonal
            self.drawCentredString(0, -size / 3, nfc(text))

    return NumberedCanvas
