"""Whether a name someone typed is the registry's name of a unit, district or province.

Officials write the same name in several ways that all mean it: with or without the unit's kind ("Xã Thạch Thán",
"Thạch Thán", "X. Thạch Thán"), the tone mark on either vowel ("Hòa" / "Hoà", "Thủy" / "Thuỷ" — the old and the
new placement both appear in the official lists), any case, a hyphen or not ("Văn Miếu - Quốc Tử Giám" /
"Văn Miếu Quốc Tử Giám": the two lists themselves differ), a ward number with or without its zero ("Phường 01").
A name differing in anything else — a letter, a diacritic that changes the word — is another name.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The kinds a name may start with, longest first so that "thị trấn" is not read as "thị" + "trấn".
_KINDS = sorted(["xã", "phường", "thị trấn", "đặc khu", "tỉnh", "thành phố", "thủ đô", "huyện", "quận", "thị xã",
                 "tp.", "tp", "p.", "x.", "tt.", "q.", "h.", "tx."], key=len, reverse=True)
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_SPACES = re.compile(r"[\s\-–—_,.]+")
_NUMBER = re.compile(r"\b0+(\d)")


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """A name reduced to what tells it apart: lower case, no kind in front, each syllable's tone mark after its
    letters, one space between words, ward numbers without leading zeros."""
    text = unicodedata.normalize("NFC", text).strip().casefold()
    for kind in _KINDS:
        if text.startswith(kind) and len(text) > len(kind) and (kind.endswith(".") or not text[len(kind)].isalnum()):
            text = text[len(kind):]
            break
    words = []
    for word in _SPACES.sub(" ", text).split():
        letters = unicodedata.normalize("NFD", word)
        tones = "".join(sorted(c for c in letters if c in _TONES))
        words.append(unicodedata.normalize("NFC", "".join(c for c in letters if c not in _TONES)) + tones)
    return _NUMBER.sub(r"\1", " ".join(words))


def same_name(given: str, official: str) -> bool:
    return given == official or name_key(given) == name_key(official)
