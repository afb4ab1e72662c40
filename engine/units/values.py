"""One value by its input's declared type: a count, yes/no, text, a category, and the identity inputs (unit
code, period) by their own rules. Each parser takes a value as a reader gives it (a cell's text, a number, a
bool) and returns it typed — None for blank: missing is never zero — or raises ValueProblem naming what is
wrong. Plain functions, chosen per input once per criteria set (`parsers`).
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable

from engine import limits
from engine.criteria.model import CriteriaSet, InputDecl
from engine.forms.layout import header_key
from engine.periods import PERIOD_FORMATS, PERIOD_INPUT, PeriodError, canonical_period
from engine.text import is_blank, nfc
from engine.units.codes import UNIT_CODE_INPUT, normalise_code

# The spellings the spec accepts, plus có/không typed without diacritics (common on keyboards without Telex)
# and "x", the tick officials put in a yes/no column.
YES = {"true", "yes", "1", "có", "co", "x"}
NO = {"false", "no", "0", "không", "khong"}


class ValueProblem(ValueError):
    """A value its input's type cannot take: the catalog message `key`, the value as given and the figures the
    message names."""

    def __init__(self, key: str, value: Any, **params: Any):
        super().__init__(key)
        self.key, self.value, self.params = key, value, params


DIGITS = re.compile(r"[+-]?[0-9]+", re.ASCII)
WHOLE_DECIMAL = re.compile(r"[+-]?[0-9]+\.0+", re.ASCII)   # "12.0": how some spreadsheets export whole numbers
SEPARATED = re.compile(r"[+-]?[0-9]+([.,][0-9]+)+", re.ASCII)
PERCENT = re.compile(r"[+-]?[0-9]+([.,][0-9]+)?\s*%", re.ASCII)
DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9:.]+)?|[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}"
                  r"|[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?", re.ASCII)


def _checked_text(value: str) -> str:
    """A text value fit to read: no NUL, not longer than any real value."""
    if "\x00" in value:
        raise ValueProblem("nul_character", value)
    if len(value) > limits.MAX_CELL_CHARS:
        raise ValueProblem("too_long", value, length=len(value), limit=limits.MAX_CELL_CHARS)
    return value


NUMBER_LIMIT = 10 ** limits.MAX_DIGITS  # a number this large in size or larger is too large (number_too_large)


def _count(decl: InputDecl):
    def parse(value: Any) -> int | None:
        if is_blank(value):
            return None
        if type(value) is str:  # the usual cell: plain ASCII digits, short enough to be a count
            text = value.strip()
            if text.isascii() and text.isdigit() and len(text) <= limits.MAX_DIGITS:
                number = int(text)
                if decl.min is not None and number < decl.min:
                    raise ValueProblem("below_minimum", value, min=decl.min)
                return number
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueProblem("not_whole_number", value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueProblem("not_a_number", value)
            if not value.is_integer():
                raise ValueProblem("fractional_count", value)
            if abs(value) >= NUMBER_LIMIT:
                raise ValueProblem("number_too_large", value, digits=limits.MAX_DIGITS)
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            text = _checked_text(value).strip()
            if any(not c.isascii() and c.isdigit() for c in text):
                raise ValueProblem("non_ascii_digits", value)
            if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
                raise ValueProblem("not_a_number", value)
            if DIGITS.fullmatch(text) or WHOLE_DECIMAL.fullmatch(text):
                whole = text.split(".")[0]
                if len(whole.lstrip("+-")) > limits.MAX_DIGITS:
                    raise ValueProblem("number_too_large", value, digits=limits.MAX_DIGITS)
                number = int(whole)
            elif DATE.fullmatch(text):
                raise ValueProblem("date_not_count", value)
            elif PERCENT.fullmatch(text):
                raise ValueProblem("percent_not_count", value)  # a cell formatted as %: it shows 100% and holds 1
            elif SEPARATED.fullmatch(text):
                key = "fractional_count" if re.fullmatch(r"[+-]?\d+\.\d+", text) and len(text.split(".")[1]) != 3 else "decimal_comma"
                raise ValueProblem(key, value)
            else:
                raise ValueProblem("not_whole_number", value)
        if abs(number) >= NUMBER_LIMIT:
            raise ValueProblem("number_too_large", value, digits=limits.MAX_DIGITS)
        if number < 0:
            raise ValueProblem("negative_count", value)
        if decl.min is not None and number < decl.min:
            raise ValueProblem("below_minimum", value, min=decl.min)
        return number
    return parse


def _yes_no(value: Any) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = nfc(_checked_text(value)).strip().casefold()
        if word in YES:
            return True
        if word in NO:
            return False
    raise ValueProblem("not_yes_no", value)


def _text(value: Any) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueProblem("not_text", value)
    return nfc(_checked_text(str(value))).strip()


def unit_code(value: Any) -> str | None:
    """A unit code: text, folded so that codes that only look alike are one (engine/units/codes.py)."""
    text = _text(value)
    return None if text is None else (normalise_code(text) or None)


def _period(value: Any) -> str | None:
    """A period in its canonical spelling (engine/periods.py); one that cannot be dated is a data error."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        _checked_text(value)
    try:
        return canonical_period(value)
    except PeriodError:
        raise ValueProblem("period_format", value, formats=PERIOD_FORMATS) from None


# Identity inputs read by their own rules whatever type the criteria file gives them.
_BY_NAME = {UNIT_CODE_INPUT: unit_code, PERIOD_INPUT: _period}


def _category(categories) -> Any:
    """A category by its id or by its label in either language (case-insensitive, NFC): officials type the
    label they read in the decision, "Xã, phường, thị trấn còn lại"."""
    known: dict[str, str] = {}
    for category in categories:
        for name in (category.id, category.label.vi, category.label.en):
            known.setdefault(header_key(name), category.id)
    allowed = ", ".join(c.id for c in categories)

    def parse(value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return None
        found = known.get(header_key(text))
        if found is None:
            raise ValueProblem("unknown_category", value, allowed=allowed)
        return found
    return parse


Parser = Callable[[Any], Any]
_PARSERS: dict[Any, list[tuple[str, Parser, str | None, int | None]]] = {}


def parsers(criteria: CriteriaSet) -> list[tuple[str, Parser, str | None, int | None]]:
    """For every declared input, in the criteria file's order (built once per set): its name, its parser, and
    for counts and yes/no their type and minimum, for the caller's shortcut (validate_record)."""
    key = criteria.digest or id(criteria)
    found = _PARSERS.get(key)
    if found is None:
        by_type = {"yes_no": _yes_no, "text": _text, "category": _category(criteria.categories)}
        found = _PARSERS[key] = [
            (decl.name, _BY_NAME.get(decl.name) or (_count(decl) if decl.type == "count" else by_type[decl.type]),
             decl.type if decl.type in ("count", "yes_no") and decl.name not in _BY_NAME else None, decl.min)
            for decl in criteria.inputs]
    return found


_REQUIRED: dict[Any, list[str]] = {}


def required_inputs(criteria: CriteriaSet) -> list[str]:
    key = criteria.digest or id(criteria)
    found = _REQUIRED.get(key)
    if found is None:
        found = _REQUIRED[key] = [decl.name for decl in criteria.inputs if decl.required]
    return found


# Yes/no as it is usually written, and its value: each accepted word as written, capitalised and in capitals
# (validate_record reads these without the parser; anything else goes to it).
WORDS = {spelling: word in YES for word in YES | NO for spelling in (word, word.capitalize(), word.upper())}
