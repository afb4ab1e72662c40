"""Bilingual text: every user-facing string exists in Vietnamese and English, normalised to NFC."""
from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel, ConfigDict, field_validator

LANGUAGES = ("vi", "en")
_SET = object.__setattr__
_BOTH = {"vi", "en"}


def nfc(value: str) -> str:
    """Vietnamese typed on different systems arrives composed or decomposed; compare and print only NFC.
    (ASCII text is its own NFC: numbers, codes and English words skip the lookup.)"""
    return value if value.isascii() else unicodedata.normalize("NFC", value)


# What officials put in a cell to say "nothing to report": left empty, or a dash. One definition for every
# reader of a value (validation, the period a criteria set is picked by), so a "-" is blank everywhere.
BLANK = frozenset({"", "-"})


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in BLANK)


# C0 and C1 control characters (ESC starts terminal escape sequences), DEL, and the invisible marks that reorder
# or hide text (bidirectional overrides, zero-width characters, line separators).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")
# A lone surrogate ("\ud800" is legal JSON, and YAML's escapes allow it too) is no character: no UTF-8 file,
# terminal or JSON answer can carry it. Readers make it a data error; where it must be shown, it is escaped.
SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """`text` with each lone surrogate written as its escape, \\ud800 (everything else unchanged)."""
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if SURROGATE.search(text) else text


def printable(text: str, keep: str = "\n") -> str:
    """Text safe to print on a terminal: every control character (except those in `keep`) is shown as an escape
    such as \\x1b, so a name read from a file cannot move the cursor, recolour or clear the screen, or hide
    what follows it. Applied at the output edge only (terminal table, messages on stderr); data is never
    altered."""
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else m.group().encode("unicode_escape").decode("ascii"),
                       text)


class Text(BaseModel):
    """A label in both languages. Both are required so that no output falls back to the other silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    vi: str
    en: str

    @field_validator("vi", "en")
    @classmethod
    def _normalise(cls, value: str) -> str:
        value = nfc(value).strip()
        if not value:
            raise ValueError("must not be empty")
        return value

    @classmethod
    def of(cls, vi: str, en: str) -> "Text":
        """Build from strings cfc generated itself: normalised here, without pydantic's validation cost
        (results build hundreds of thousands of these on a national batch). What model_construct does for two
        given fields, without its per-field default handling (measured: a third of the time)."""
        text = cls.__new__(cls)
        _SET(text, "__dict__", {"vi": nfc(vi), "en": nfc(en)})
        _SET(text, "__pydantic_fields_set__", _BOTH)  # shared: see engine.results.model.construct
        _SET(text, "__pydantic_extra__", None)
        _SET(text, "__pydantic_private__", None)
        return text

    def __call__(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en
