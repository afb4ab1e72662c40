"""Bilingual text: every user-facing string exists in Vietnamese and English, normalised to NFC."""
from __future__ import annotations

import re
import unicodedata

LANGUAGES = ("vi", "en")
_SET = object.__setattr__


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
_BEYOND_C0 = "\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff\ud800-\udfff"
_UNSAFE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
# A lone surrogate ("\ud800" is legal JSON, and YAML's escapes allow it too) is no character: no UTF-8 file,
# terminal or JSON answer can carry it. Readers make it a data error; where it must be shown, it is escaped.
SURROGATE = re.compile("[\ud800-\udfff]")
# _UNSAFE but the line break, which the terminal table keeps: most text holds nothing else to escape, and one
# search says so (escaping by `sub` calls its function for every line break: a fifth of the table's time).
_UNSAFE_BUT_LINE_BREAK = re.compile(f"[\x00-\x09\x0b-\x1f{_BEYOND_C0}]")
_NOTHING_TO_ESCAPE = {"\n": _UNSAFE_BUT_LINE_BREAK, "": _UNSAFE}  # by `keep`: what printable must escape


def without_surrogates(text: str) -> str:
    """`text` with each lone surrogate written as its escape, \\ud800 (everything else unchanged)."""
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if SURROGATE.search(text) else text


def printable(text: str, keep: str = "\n") -> str:
    """Text safe to print on a terminal: every control character (except those in `keep`) is shown as an escape
    such as \\x1b, so a name read from a file cannot move the cursor, recolour or clear the screen, or hide
    what follows it. Applied at the output edge only (terminal table, messages on stderr); data is never
    altered."""
    nothing_else = _NOTHING_TO_ESCAPE.get(keep)
    if nothing_else is not None and nothing_else.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else m.group().encode("unicode_escape").decode("ascii"),
                       text)


def normalised(value: str) -> str:
    """A label as a criteria file gives it: NFC, without surrounding spaces, never empty."""
    value = nfc(value).strip()
    if not value:
        raise ValueError("must not be empty")
    return value


class Text:
    """A label in both languages. Both are required so that no output falls back to the other silently.

    Plain data: immutable, compared and hashed by its two strings. `Text(vi, en)` checks its strings (NFC, not
    empty); `Text.of` is for strings cfc generated itself (only normalised). A criteria file's labels are read
    through pydantic (see __get_pydantic_core_schema__): `{vi: ..., en: ...}`, no other key."""

    __slots__ = ("vi", "en")
    vi: str
    en: str

    def __init__(self, vi: str, en: str):
        _SET(self, "vi", normalised(vi))
        _SET(self, "en", normalised(en))

    @classmethod
    def of(cls, vi: str, en: str) -> "Text":
        """Build from strings cfc generated itself: normalised, not checked (results build hundreds of thousands
        of these on a national batch)."""
        text = _NEW(cls)
        _SET(text, "vi", nfc(vi))
        _SET(text, "en", nfc(en))
        return text

    def __call__(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en

    def __setattr__(self, name, value):
        raise AttributeError("Text is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.vi == other.vi and self.en == other.en

    def __hash__(self) -> int:
        return hash((self.vi, self.en))

    def __repr__(self) -> str:
        return f"Text(vi={self.vi!r}, en={self.en!r})"

    def __reduce__(self):
        return _from_strings, (self.vi, self.en)

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        """How pydantic reads a Text where one enters cfc (a criteria file, results read back): a mapping of
        exactly `vi` and `en`, each a non-empty string (normalised to NFC); a Text is taken as it is."""
        from pydantic_core import core_schema

        string = core_schema.no_info_after_validator_function(normalised, core_schema.str_schema())
        # Described as the pydantic model it replaces was (schema/v1/criteria.schema.json: one definition, "Text").
        mapping = core_schema.typed_dict_schema(
            {"vi": core_schema.typed_dict_field(string, metadata={"pydantic_js_updates": {"title": "Vi"}}),
             "en": core_schema.typed_dict_field(string, metadata={"pydantic_js_updates": {"title": "En"}})},
            extra_behavior="forbid", ref="Text",
            metadata={"pydantic_js_updates": {"title": "Text", "description": cls.__doc__.split("\n")[0]}})

        def read(value, inner):
            return value if isinstance(value, Text) else _from_strings(**inner(value))

        return core_schema.no_info_wrap_validator_function(
            read, mapping, serialization=core_schema.plain_serializer_function_ser_schema(
                lambda text: {"vi": text.vi, "en": text.en}))


_NEW = object.__new__


def _from_strings(vi: str, en: str) -> Text:
    """A Text from strings already checked (unpickling, pydantic after its own checks)."""
    return Text.of(vi, en)
