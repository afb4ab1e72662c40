"""The one font family of every document: Liberation Serif 2.1, metric-compatible with Times New Roman (the
font of Vietnamese administrative documents) and drawing every Vietnamese glyph, embedded as a subset.

The four TTF files and their licence (SIL Open Font License 1.1) ship inside the package, in fonts/ beside
this module: pip cannot install system fonts, and no font on the machine is assumed. .docx files name
"Times New Roman" instead (Word has it; LibreOffice substitutes Liberation Serif with the same metrics)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from engine.messages import MessageError

FAMILY = "LiberationSerif"
REGULAR, BOLD, ITALIC, BOLD_ITALIC = ("LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
                                      "LiberationSerif-BoldItalic")
DOCX_FONT = "Times New Roman"
FONT_DIR = Path(__file__).resolve().parent / "fonts"
_FILES = {REGULAR: "LiberationSerif-Regular.ttf", BOLD: "LiberationSerif-Bold.ttf",
          ITALIC: "LiberationSerif-Italic.ttf", BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf"}


class FontError(MessageError):
    """A font file is missing from the package: the installation is broken."""


def face(bold: bool, italic: bool) -> str:
    return {(False, False): REGULAR, (True, False): BOLD, (False, True): ITALIC, (True, True): BOLD_ITALIC}[
        (bold, italic)]


@lru_cache(maxsize=None)
def register_fonts() -> str:
    """Register the four faces with reportlab (once per process); <b> and <i> map to them."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name, file in _FILES.items():
        path = FONT_DIR / file
        if not path.is_file():
            raise FontError("font_missing", path=str(path))
        pdfmetrics.registerFont(TTFont(name, str(path)))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FAMILY, bold, italic, face(bool(bold), bool(italic)))
    return FAMILY


def missing_glyphs(text: str, font: str = REGULAR) -> set[str]:
    """Characters of `text` the font cannot draw (they would print as empty boxes)."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    mapping = pdfmetrics.getFont(font).face.charToGlyph
    return {ch for ch in text if not ch.isspace() and ord(ch) not in mapping}
