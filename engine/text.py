"""Bilingual text: every user-facing string exists in Vietnamese and English, normalised to NFC."""
from __future__ import annotations

import unicodedata

from pydantic import BaseModel, ConfigDict, field_validator

LANGUAGES = ("vi", "en")


def nfc(value: str) -> str:
    """Vietnamese typed on different systems arrives composed or decomposed; compare and print only NFC."""
    return unicodedata.normalize("NFC", value)


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
        (results build hundreds of thousands of these on a national batch)."""
        return cls.model_construct(vi=nfc(vi), en=nfc(en))

    def __call__(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en
