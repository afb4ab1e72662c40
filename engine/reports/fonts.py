"""The one font family of every report: DejaVu Sans, which has every Vietnamese glyph, embedded as a subset.

The TTF files come with matplotlib (a project dependency), so `pip install .` installs them: nothing to set
up by hand, no system font assumed. They are found through matplotlib.get_data_path(), which does not import
pyplot or start a plotting backend.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

REGULAR, BOLD, ITALIC, BOLD_ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"
FAMILY = "DejaVuSans"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf",
          ITALIC: "DejaVuSans-Oblique.ttf", BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf"}


class FontError(RuntimeError):
    """The font files are not where matplotlib keeps them: the installation is broken."""


def font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@lru_cache(maxsize=None)
def register_fonts() -> str:
    """Register the family with reportlab (once per process) and return its name for styles.

    <b> and <i> in paragraphs map to the bold and oblique faces; a missing oblique face falls back to the
    upright one (the reports only use it for date lines and notes)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    directory = font_dir()
    paths = {name: directory / file for name, file in _FILES.items()}
    for required in (REGULAR, BOLD):
        if not paths[required].is_file():
            raise FontError(f"font file not found: {paths[required]} (reinstall matplotlib)")
    for name, path in paths.items():
        if not path.is_file():
            path = paths[BOLD if name == BOLD_ITALIC else REGULAR]
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(FAMILY, 0, 0, REGULAR)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, ITALIC)
    addMapping(FAMILY, 1, 1, BOLD_ITALIC)
    return FAMILY


def missing_glyphs(text: str, font: str = REGULAR) -> set[str]:
    """Characters of `text` the font cannot draw (they would print as empty boxes)."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    mapping = pdfmetrics.getFont(font).face.charToGlyph
    return {ch for ch in text if not ch.isspace() and ord(ch) not in mapping}
