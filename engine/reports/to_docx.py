"""A Document as an editable .docx (python-docx): the same blocks as the PDF, in Times New Roman on A4, so a
board can amend the text before signing. The watermark becomes a red notice in the page header of every page.

Identical input gives identical bytes: the core properties carry a fixed date, and the zip entries a fixed
timestamp (python-docx stamps them with the current time)."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime
from html.parser import HTMLParser

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import _Cell

from engine.reports import document as d
from engine.reports.cancel import check
from engine.reports.fonts import DOCX_FONT
from engine.text import nfc

FIXED_DATE = datetime(2000, 1, 1)
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
TEXT_WIDTH = Mm(d.TEXT_WIDTH_MM)
TEXT_HEIGHT = Mm(297 - d.MARGIN_TOP_MM - d.MARGIN_BOTTOM_MM - 15)


def render_docx(doc: d.Document) -> bytes:
    out = new_docx()
    _page(out, doc)
    for block in doc.blocks:
        check()
        _block(out, block)
    props = out.core_properties
    props.title, props.subject = _property(doc.title), _property(doc.subject)
    props.author = props.last_modified_by = "cfc"
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.revision = 1
    props.language = "vi-VN"
    buffer = io.BytesIO()
    out.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _property(text: str) -> str:
    """Core properties hold at most 255 characters (a 1,500-character unit name is shown in full in the body)."""
    text = nfc(text)
    return text if len(text) <= 255 else text[:254] + "…"


def _fixed_zip(data: bytes) -> bytes:
    """The same entries in the same order, each with a fixed timestamp."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


# ---------------------------------------------------------------- page


def _page(out, doc: d.Document) -> None:
    normal = out.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(13)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), DOCX_FONT)
    section = out.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(d.MARGIN_LEFT_MM), Mm(d.MARGIN_RIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(d.MARGIN_TOP_MM), Mm(d.MARGIN_BOTTOM_MM)
    section.header_distance = section.footer_distance = Mm(10)
    if doc.watermark:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run(nfc(doc.watermark))
        run.bold, run.font.size, run.font.color.rgb = True, Pt(14), RGBColor.from_string(d.RED[1:])
    out.styles["Footer"].font.size = Pt(9)
    footer = section.footer.paragraphs[0]
    footer.style = out.styles["Footer"]
    footer.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, alignment=2)  # right-aligned at the margin
    _run(footer, nfc(doc.footer) + "\tTrang ", size=9)
    _field(footer, "PAGE")
    _run(footer, "/", size=9)
    _field(footer, "NUMPAGES")


def _run(paragraph, text: str, size: float, bold=False, italic=False, underline=False, colour=None):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold, run.italic = bold or None, italic or None
    if underline:
        run.underline = True
    if colour:
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
    return run


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES): the page numbers are counted by the word processor."""
    run = paragraph.add_run()
    run.font.size = Pt(9)
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text.startswith(" ") else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


# ---------------------------------------------------------------- text


class _Runs(HTMLParser):
    """cfc markup (<b>, <i>, <u>, <br/>, <font color>) → runs of a paragraph."""

    def __init__(self, paragraph, style: d.Style):
        super().__init__(convert_charrefs=True)
        self.paragraph, self.style = paragraph, style
        self.stack: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.paragraph.add_run().add_break(WD_BREAK.LINE)
        else:
            self.stack.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i]
                break

    def handle_data(self, data):
        tags = {tag for tag, _ in self.stack}
        colour = next((a.get("color") for tag, a in reversed(self.stack) if tag == "font" and a.get("color")),
                      self.style.color)
        _run(self.paragraph, data, self.style.size, bold=self.style.bold or "b" in tags,
             italic=self.style.italic or "i" in tags, underline="u" in tags, colour=colour)


def _format(paragraph, style: d.Style, keep_with_next: bool = False) -> None:
    fmt = paragraph.paragraph_format
    paragraph.alignment = _ALIGN[style.align]
    fmt.space_before, fmt.space_after = Pt(style.space_before), Pt(style.space_after)
    fmt.line_spacing = round(style.leading / (style.size * 1.15), 2)
    if style.indent:
        fmt.left_indent = Pt(style.indent)
    if style.first_line:
        fmt.first_line_indent = Pt(style.first_line)
    if keep_with_next:
        fmt.keep_with_next = True


def _fill(paragraph, p: d.Para, keep_with_next: bool = False) -> None:
    style = d.STYLES[p.style]
    _format(paragraph, style, keep_with_next)
    if p.bullet:
        paragraph.paragraph_format.first_line_indent = Pt(-10)
        paragraph.paragraph_format.left_indent = Pt(style.indent + 10)
        _run(paragraph, f"{p.bullet} ", style.size, bold=style.bold, italic=style.italic)
    parser = _Runs(paragraph, style)
    parser.feed(p.markup)
    parser.close()


def _rule(container, width_fraction: float, column_width) -> None:
    """A short centred horizontal line (under the issuing body): a bottom border on an empty paragraph."""
    paragraph = container.add_paragraph()
    margin = int(column_width * (1 - width_fraction) / 2)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = margin
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(6), Pt(3)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


# ---------------------------------------------------------------- blocks


def _add(container, p: d.Para, keep_with_next: bool = False) -> None:
    _fill(container.add_paragraph(), p, keep_with_next)


def _content(container, value: d.Cell) -> None:
    """Fill a table cell (which starts with one empty paragraph)."""
    items = [] if value is None else value if isinstance(value, list) else [value]
    first = True
    for item in items:
        if isinstance(item, d.Para):
            if first:
                _fill(container.paragraphs[0], item)
            else:
                _add(container, item)
            first = False
        elif isinstance(item, d.Spacer):
            paragraph = container.add_paragraph()
            paragraph.paragraph_format.space_after = Mm(item.mm)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell_margins(table, twips: int) -> None:
    """Left and right padding inside every cell (Word's default, 1.9 mm, would squeeze narrow columns)."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _new_table(out, columns: int, widths: list, grid: bool, padding: int = 0):
    table = out.add_table(rows=0, cols=columns)
    if grid:
        table.style = out.styles["Table Grid"]
        _cell_margins(table, padding)
    else:
        _no_borders(table)
        _cell_margins(table, 0)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    return table


def _row(table, values: list, widths: list, shade: str | None = None):
    # the row's own cells: python-docx's row.cells walks the whole table each time (quadratic in rows)
    check()  # a document no longer wanted stops here, at the next row (engine/reports/cancel.py)
    cells = [_Cell(tc, table) for tc in table.add_row()._tr.tc_lst]
    for cell, value, width in zip(cells, values, widths):
        cell.width = width
        _content(cell, value)
        if shade:
            shading = OxmlElement("w:shd")
            for key, val in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", shade.lstrip("#"))):
                shading.set(qn(key), val)
            cell._tc.get_or_add_tcPr().append(shading)
    return cells


def _data_table(out, t: d.Table) -> None:
    widths = [int(TEXT_WIDTH * w / sum(t.weights)) for w in t.weights]
    table = _new_table(out, len(t.weights), widths, t.grid, padding=28 if t.compact else 70)
    if t.header:
        _row(table, t.header, widths, d.HEADER_BG)
        header = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # repeated at the top of every page
        header.append(repeat)
    shaded = set(t.shaded)
    offset = 1 if t.header else 0
    for i, values in enumerate(t.rows):
        _row(table, values, widths, d.GROUP_BG if i in shaded else None)
    for r, a, b in t.spans:
        table.cell(r + offset, a).merge(table.cell(r + offset, b))
    out.add_paragraph().paragraph_format.space_after = Pt(2)


def _national_header(out, h: d.NationalHeader) -> None:
    widths = [int(TEXT_WIDTH * 0.40), int(TEXT_WIDTH * 0.60)]
    table = _new_table(out, 2, widths, grid=False)
    left, right = _row(table, [None, None], widths)
    column = Mm(d.TEXT_WIDTH_MM * 0.40).pt
    parts = ([d.para(line, "issuer_parent") for line in d.body_lines(h.parent, column, 12, bold=False)]
             if h.parent else []) + [d.para(line, "issuer") for line in d.body_lines(h.issuer, column, 12)]
    _content(left, parts)
    _rule(left, 0.3, widths[0])
    _add(left, d.para(h.number, "number_line"))
    _content(right, [d.para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto"),
                     d.markup("<u>Độc lập - Tự do - Hạnh phúc</u>", "motto_sub")])
    right.add_paragraph().paragraph_format.space_after = Pt(2)
    _add(right, d.para(h.place_date, "center_italic"))


def _signatures(out, s: d.Signatures) -> None:
    for block in s.lead:
        _block(out, block, keep_with_next=True)
    gap = out.add_paragraph()  # room above the signatures, as in the PDF
    gap.paragraph_format.space_after, gap.paragraph_format.keep_with_next = Mm(3), True
    widths = [int(TEXT_WIDTH * 0.45), int(TEXT_WIDTH * 0.55)]
    table = _new_table(out, 2, widths, grid=False)
    _row(table, [s.left or None, s.right], widths)
    # the signature row is one piece: Word keeps it on one page
    row = table.rows[0]._tr.get_or_add_trPr()
    row.append(OxmlElement("w:cantSplit"))


def _image(out, png: bytes) -> None:
    from docx.image.image import Image as DocxImage

    image = DocxImage.from_blob(png)
    width, height = image.px_width, image.px_height
    shown = min(TEXT_WIDTH, int(TEXT_HEIGHT * width / height))
    out.add_picture(io.BytesIO(png), width=shown)
    out.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _block(out, block, keep_with_next: bool = False) -> None:
    if isinstance(block, d.Para):
        _add(out, block, keep_with_next)
    elif isinstance(block, d.Table):
        _data_table(out, block)
    elif isinstance(block, d.KeyValues):
        widths = [Mm(block.key_mm), TEXT_WIDTH - Mm(block.key_mm)]
        table = _new_table(out, 2, widths, grid=False)
        for key, value in block.pairs:
            _row(table, [key, value], widths)
    elif isinstance(block, d.NationalHeader):
        _national_header(out, block)
    elif isinstance(block, d.Signatures):
        _signatures(out, block)
    elif isinstance(block, d.Heading):
        _add(out, d.para(block.text, "heading"), keep_with_next=True)
    elif isinstance(block, d.Spacer):
        paragraph = out.add_paragraph()
        paragraph.paragraph_format.space_after = Mm(block.mm)
        paragraph.paragraph_format.line_spacing = Pt(2)
    elif isinstance(block, d.PageBreak):
        out.add_page_break()
    elif isinstance(block, d.Image):
        _image(out, block.png)
    else:
        raise TypeError(f"not a document block: {block!r}")
