"""Validate a record into a Unit: typed values, or a list of data errors naming input and value.

Validation is a pydantic model generated from the criteria file's input declarations: add an input in YAML and
it is read, checked and reported here without code changes. Missing stays missing (None); it is never zero.
"""
from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Optional

from pydantic import BeforeValidator, ValidationError, create_model
from pydantic_core import PydanticCustomError

from engine.forms.layout import header_key
from engine.messages import Message
from engine import limits
from engine.readers.records import DataError, Record
from engine.criteria.model import CriteriaSet, InputDecl
from engine.periods import PERIOD_FORMATS, PERIOD_INPUT, PeriodError, canonical_period
from engine.registry.checks import check_unit
from engine.text import SURROGATE, Text, is_blank, nfc, without_surrogates
from engine.units.codes import UNIT_CODE_INPUT, normalise_code

# The spellings the spec accepts, plus có/không typed without diacritics (common on keyboards without Telex)
# and "x", the tick officials put in a yes/no column.
YES = {"true", "yes", "1", "có", "co", "x"}
NO = {"false", "no", "0", "không", "khong"}


@dataclass
class Unit:
    """One unit's validated inputs. `values` holds every declared input: None where it was not given."""

    record: Record
    values: dict[str, Any]
    errors: list[DataError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    # From the official list of units (engine/registry/checks.py): what does not match it, and the inputs it filled.
    warnings: list[DataError] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        return self.values.get("unit_code")

    def where(self, lang: str = "en") -> str:
        """Where the unit came from, and its code when it has one: what an error message must name."""
        place = self.record.where(lang)
        if self.code is None:
            return place
        return f"{place}, {'đơn vị' if lang == 'vi' else 'unit'} {self.code}"


def _fail(key: str, value: Any, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(key, key, {"value": value, **params})


DIGITS = re.compile(r"[+-]?[0-9]+", re.ASCII)
WHOLE_DECIMAL = re.compile(r"[+-]?[0-9]+\.0+", re.ASCII)   # "12.0": how some spreadsheets export whole numbers
SEPARATED = re.compile(r"[+-]?[0-9]+([.,][0-9]+)+", re.ASCII)
PERCENT = re.compile(r"[+-]?[0-9]+([.,][0-9]+)?\s*%", re.ASCII)
DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9:.]+)?|[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{4}"
                  r"|[0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?", re.ASCII)


def _checked_text(value: str) -> str:
    """A text value fit to read: no NUL, not longer than any real value."""
    if "\x00" in value:
        raise _fail("nul_character", value)
    if len(value) > limits.MAX_CELL_CHARS:
        raise _fail("too_long", value, length=len(value), limit=limits.MAX_CELL_CHARS)
    return value


def _count(decl: InputDecl):
    def parse(value: Any) -> int | None:
        if is_blank(value):
            return None
        if type(value) is str:  # the usual cell: plain ASCII digits, short enough to be a count
            text = value.strip()
            if text.isascii() and text.isdigit() and len(text) <= limits.MAX_DIGITS:
                number = int(text)
                if decl.min is not None and number < decl.min:
                    raise _fail("below_minimum", value, min=decl.min)
                return number
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise _fail("not_whole_number", value)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise _fail("not_a_number", value)
            if not value.is_integer():
                raise _fail("fractional_count", value)
            if abs(value) >= 10 ** limits.MAX_DIGITS:
                raise _fail("number_too_large", value, digits=limits.MAX_DIGITS)
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            text = _checked_text(value).strip()
            if any(not c.isascii() and c.isdigit() for c in text):
                raise _fail("non_ascii_digits", value)
            if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
                raise _fail("not_a_number", value)
            if DIGITS.fullmatch(text) or WHOLE_DECIMAL.fullmatch(text):
                whole = text.split(".")[0]
                if len(whole.lstrip("+-")) > limits.MAX_DIGITS:
                    raise _fail("number_too_large", value, digits=limits.MAX_DIGITS)
                number = int(whole)
            elif DATE.fullmatch(text):
                raise _fail("date_not_count", value)
            elif PERCENT.fullmatch(text):
                raise _fail("percent_not_count", value)  # a cell formatted as %: it shows 100% and holds 1
            elif SEPARATED.fullmatch(text):
                key = "fractional_count" if re.fullmatch(r"[+-]?\d+\.\d+", text) and len(text.split(".")[1]) != 3 else "decimal_comma"
                raise _fail(key, value)
            else:
                raise _fail("not_whole_number", value)
        if abs(number) >= 10 ** limits.MAX_DIGITS:
            raise _fail("number_too_large", value, digits=limits.MAX_DIGITS)
        if number < 0:
            raise _fail("negative_count", value)
        if decl.min is not None and number < decl.min:
            raise _fail("below_minimum", value, min=decl.min)
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
    raise _fail("not_yes_no", value)


def _text(value: Any) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _fail("not_text", value)
    return nfc(_checked_text(str(value))).strip()


def _code(value: Any) -> str | None:
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
        raise _fail("period_format", value, formats=PERIOD_FORMATS) from None


# Identity inputs read by their own rules whatever type the criteria file gives them.
_BY_NAME = {UNIT_CODE_INPUT: _code, PERIOD_INPUT: _period}


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
            raise _fail("unknown_category", value, allowed=allowed)
        return found
    return parse


_MODELS: dict[Any, type] = {}


def unit_model(criteria: CriteriaSet):
    """A pydantic model with one optional field per declared input, each parsed by its type's rules."""
    key = criteria.digest or id(criteria)
    if key not in _MODELS:
        _MODELS[key] = _build_unit_model(criteria)
    return _MODELS[key]


def _build_unit_model(criteria: CriteriaSet):
    parsers = {"count": None, "yes_no": _yes_no, "text": _text, "category": _category(criteria.categories)}
    fields = {}
    for decl in criteria.inputs:
        parser = _BY_NAME.get(decl.name) or (_count(decl) if decl.type == "count" else parsers[decl.type])
        fields[decl.name] = (Optional[Annotated[Any, BeforeValidator(parser)]], None)
    return create_model("UnitInputs", **fields)


_KEYS: dict[Any, str] = {}


def _key(name: Any) -> str:
    """A column name as inputs are declared (NFC, no surrounding spaces); every row of a file repeats the same
    few, so each is normalised once."""
    if type(name) is not str:  # (True and 1 hash alike: only text names are remembered)
        return nfc(str(name)).strip()
    key = _KEYS.get(name)
    if key is None:
        if len(_KEYS) > 10_000:
            _KEYS.clear()
        key = _KEYS[name] = nfc(without_surrogates(name)).strip()  # a lone surrogate: shown as its escape
    return key


def validate_record(criteria: CriteriaSet, record: Record, strict_units: bool = False) -> Unit:
    """The record's typed values or its data errors, checked against the official list of units of its period
    (strict_units: a code or name that does not match the list is a data error, not a warning)."""
    if not isinstance(record.data, dict):
        return Unit(record, {d.name: None for d in criteria.inputs},
                    [DataError(None, shown_value(record.data), Message("not_a_record"))])
    data = {_key(k): v for k, v in record.data.items()}
    known = criteria.input_by_name
    ignored = [k for k in data if k not in known]
    errors: list[DataError] = list(record.problems)
    for name, value in record.data.items():
        # A lone surrogate ("\\ud800" is legal JSON) is no text: a data error of this unit, found before anything
        # else reads the value (no UTF-8 output, and not pydantic's errors, can carry one).
        if type(name) is str and not name.isascii() and SURROGATE.search(name):
            errors.append(DataError(None, _key(name), Message("lone_surrogate_key", {"value": name[:200]})))
        if type(value) is str and not value.isascii() and SURROGATE.search(value):
            key, shown = _key(name), shown_value(value)
            if key in known:
                # the message quotes it with repr, which escapes it as it escapes control characters
                errors.append(DataError(key, shown, Message("lone_surrogate", {"input": key, "value": value[:200]})))
                data[key] = None
    values: dict[str, Any] = {}
    try:
        values = unit_model(criteria).model_validate({k: v for k, v in data.items() if k in known}).model_dump()
    except ValidationError as error:
        bad = {}
        for item in error.errors():
            name = item["loc"][0]
            ctx = dict(item.get("ctx") or {})
            value = shown_value(ctx.pop("value", item.get("input")))
            errors.append(DataError(name, value, Message(item["type"], {"input": name, "value": value, **ctx})))
            bad[name] = None
        # Keep every good value: re-validate without the bad ones so nothing valid is lost.
        good = {k: v for k, v in data.items() if k in known and k not in bad}
        values = unit_model(criteria).model_validate(good).model_dump()
        values.update(bad)
    for decl in criteria.inputs:
        if decl.required and values.get(decl.name) is None and not any(e.input == decl.name for e in errors):
            errors.append(DataError(decl.name, None, Message("missing_required", {"input": decl.name})))
    for numerator, denominator in criteria.rate_pairs:
        num, den = values.get(numerator), values.get(denominator)
        if num is not None and den is not None and num > den:
            errors.append(DataError(numerator, num, Message("numerator_above_denominator", {
                "input": numerator, "value": num, "denominator": denominator, "denominator_value": den})))
    unit = Unit(record, values, errors, ignored)
    if values.get("unit_code") is not None:
        check_unit(unit, criteria, strict_units)
    if record.cells:
        unit.errors = [_at_cell(error, record.cells) for error in unit.errors]
    return unit


def shown_value(value: Any) -> Any:
    """A bad value as an error quotes it: short values whole, long text cut with its length said, lists and
    mappings by what they are (a hostile file must not make an error message megabytes long)."""
    if isinstance(value, str):
        value = without_surrogates(value)  # no UTF-8 output can carry a lone surrogate
        if len(value) > limits.SHOWN_CHARS:
            return f"{value[:limits.SHOWN_CHARS]}… ({len(value):,} characters)"
    if isinstance(value, (list, tuple, set, dict)):
        return f"<{type(value).__name__} of {len(value)}>"
    return value


def _at_cell(error: DataError, cells: dict[str, str]) -> DataError:
    """A spreadsheet's error names the cell beside the input: "births (ô D17)" / "births (cell D17)"."""
    cell = cells.get(error.input or "")
    name = error.message.params.get("input")
    if cell is None or not isinstance(name, str):
        return error
    params = {**error.message.params, "input": Text.of(f"{name} (ô {cell})", f"{name} (cell {cell})")}
    return DataError(error.input, error.value, Message(error.message.key, params))


def suggest(name: str, criteria: CriteriaSet) -> str | None:
    """The declared input a mistyped header most likely meant, for the 'ignored column' warning."""
    match = difflib.get_close_matches(name, list(criteria.input_by_name), n=1, cutoff=0.8)
    return match[0] if match else None
