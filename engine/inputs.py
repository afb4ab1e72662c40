"""Read units' self-assessment data and validate each into typed values or a list of errors.

Readers turn a file into records (a mapping per unit, with where it came from). Validation is a pydantic
model generated from the criteria file's input declarations: add an input in YAML and it is read, checked
and reported here without code changes. Missing stays missing (None); it is never read as zero.
"""
from __future__ import annotations

import csv
import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Iterable, Iterator, Optional

import yaml
from pydantic import BeforeValidator, ValidationError, create_model
from pydantic_core import PydanticCustomError

from engine.criteria import CriteriaSet, InputDecl
from engine.messages import Message
from engine.text import Text, nfc

# The spellings the spec accepts, plus có/không typed without diacritics (common on keyboards without Telex).
YES = {"true", "yes", "1", "có", "co"}
NO = {"false", "no", "0", "không", "khong"}
BLANK = {"", "-"}


class InputFileError(Exception):
    """The file as a whole cannot be read: nothing in it can be evaluated."""


@dataclass
class DataError:
    input: str | None
    value: Any
    message: Message


@dataclass
class Record:
    source: str
    kind: str             # "row" for tables (spreadsheet numbering: the header is row 1), "item" in lists, "" alone
    number: int
    data: dict[str, Any]
    problems: list[DataError] = field(default_factory=list)  # found before validation: extra cells, duplicates
    sheet: str | None = None  # the workbook sheet a spreadsheet record came from
    cells: dict[str, str] = field(default_factory=dict)  # spreadsheets: input → the cell holding it ("H7")

    def where(self, lang: str = "en") -> str:
        place = self.source
        if self.sheet is not None:
            place += f" {'trang' if lang == 'vi' else 'sheet'} '{self.sheet}'"
        if not self.kind:
            return place
        word = {"row": ("dòng", "row"), "item": ("mục", "item")}[self.kind][lang != "vi"]
        return f"{place} {word} {self.number}"

    def location(self) -> "Record":
        """The record's place without its content (kept by the duplicate pass)."""
        return Record(self.source, self.kind, self.number, {}, sheet=self.sheet)

    def same_place(self, other: "Record") -> bool:
        return (self.source, self.sheet, self.kind, self.number) == (other.source, other.sheet, other.kind, other.number)


@dataclass
class Unit:
    """One unit's validated inputs. `values` holds every declared input: None where it was not given."""

    record: Record
    values: dict[str, Any]
    errors: list[DataError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        return self.values.get("unit_code")

    def where(self, lang: str = "en") -> str:
        """Where the unit came from, and its code when it has one: what an error message must name."""
        place = self.record.where(lang)
        if self.code is None:
            return place
        return f"{place}, {'đơn vị' if lang == 'vi' else 'unit'} {self.code}"


# ---------------------------------------------------------------- readers

XLSX_SUFFIXES = (".xlsx", ".xlsm")


def read_records(path: str | Path, criteria: CriteriaSet | None = None) -> list[Record]:
    return list(iter_records(path, criteria))


def iter_records(path: str | Path, criteria: CriteriaSet | None = None) -> Iterator[Record]:
    """Records one at a time (CSV is streamed: a national file never sits in memory whole).

    `criteria` names the inputs whose names or labels a workbook's headers may use (default: the newest shipped
    criteria file). Raises InputFileError when the file as a whole cannot be read; a bad row becomes a record
    with problems."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        from engine.xlsx_read import read_xlsx_records  # openpyxl loads only when a workbook is read

        yield from read_xlsx_records(path, criteria)
        return
    if suffix not in (".csv", ".yaml", ".yml", ".json"):
        raise InputFileError(f"{path}: unsupported file type {suffix or '(none)'}; "
                             f"use .csv, .xlsx, .yaml, .yml or .json")
    try:
        # utf-8-sig: Excel writes a byte-order mark before UTF-8 CSV
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            if suffix == ".csv":
                yield from _csv_records(str(path), handle)
            else:
                yield from _document_records(str(path), handle.read(), suffix)
    except UnicodeDecodeError as error:
        raise InputFileError(f"{path}: not UTF-8 text (byte {error.start}); save the file as UTF-8") from error
    except OSError as error:
        raise InputFileError(f"{path}: cannot read: {error.strerror or error}") from error


def _csv_records(source: str, lines) -> Iterator[Record]:
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header:
        raise InputFileError(f"{source}: empty file (no header row)")
    names = [nfc(h).strip() for h in header]
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines between blocks of units are common in hand-kept sheets
        record = Record(source, "row", number, {n: c for n, c in zip(names, row) if n})
        extra = [cell for cell in row[len(names):] if cell.strip()]
        if extra:
            record.problems.append(DataError(None, extra, Message("extra_cells", {
                "value": extra, "cells": len(row), "headers": len(names)})))
        yield record


def _document_records(source: str, text: str, suffix: str) -> list[Record]:
    try:
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise InputFileError(f"{source}: cannot parse: {error}") from error
    if isinstance(data, dict) and isinstance(data.get("units"), list):
        data = data["units"]
    if isinstance(data, dict):
        return [Record(source, "", 0, data)]
    if isinstance(data, list):
        return [Record(source, "item", i, item) for i, item in enumerate(data, start=1)]
    raise InputFileError(f"{source}: expected one unit (a mapping) or a list of units")


# ---------------------------------------------------------------- values

def _fail(key: str, value: Any, **params: Any) -> PydanticCustomError:
    return PydanticCustomError(key, key, {"value": value, **params})


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in BLANK)


def _count(decl: InputDecl):
    def parse(value: Any) -> int | None:
        if _blank(value):
            return None
        if isinstance(value, bool):
            raise _fail("not_whole_number", value)
        if isinstance(value, int):
            number = value
        elif isinstance(value, float):
            if not value.is_integer():
                raise _fail("fractional_count", value)
            number = int(value)
        elif isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"[+-]?\d+", text):
                number = int(text)
            elif re.fullmatch(r"[+-]?\d+\.0+", text):  # "12.0": how some spreadsheets export whole numbers
                number = int(text.split(".")[0])
            elif re.fullmatch(r"[+-]?\d+([.,]\d+)+", text):
                key = "fractional_count" if re.fullmatch(r"[+-]?\d+\.\d+", text) and len(text.split(".")[1]) != 3 else "decimal_comma"
                raise _fail(key, value)
            else:
                raise _fail("not_whole_number", value)
        else:
            raise _fail("not_whole_number", value)
        if number < 0:
            raise _fail("negative_count", value)
        if decl.min is not None and number < decl.min:
            raise _fail("below_minimum", value, min=decl.min)
        return number
    return parse


def _yes_no(value: Any) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = nfc(value).strip().lower()
        if word in YES:
            return True
        if word in NO:
            return False
    raise _fail("not_yes_no", value)


def _text(value: Any) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _fail("not_text", value)
    return nfc(str(value)).strip()


def _category(allowed: tuple[str, ...]):
    def parse(value: Any) -> str | None:
        text = _text(value)
        if text is None:
            return None
        if text.lower() not in allowed:
            raise _fail("unknown_category", value, allowed=", ".join(allowed))
        return text.lower()
    return parse


_MODELS: dict[Any, type] = {}


def unit_model(criteria: CriteriaSet):
    """A pydantic model with one optional field per declared input, each parsed by its type's rules."""
    key = criteria.digest or id(criteria)
    if key not in _MODELS:
        _MODELS[key] = _build_unit_model(criteria)
    return _MODELS[key]


def _build_unit_model(criteria: CriteriaSet):
    allowed = tuple(c.id for c in criteria.categories)
    parsers = {"count": None, "yes_no": _yes_no, "text": _text, "category": _category(allowed)}
    fields = {}
    for decl in criteria.inputs:
        parser = _count(decl) if decl.type == "count" else parsers[decl.type]
        fields[decl.name] = (Optional[Annotated[Any, BeforeValidator(parser)]], None)
    return create_model("UnitInputs", **fields)


def validate_record(criteria: CriteriaSet, record: Record) -> Unit:
    if not isinstance(record.data, dict):
        return Unit(record, {d.name: None for d in criteria.inputs},
                    [DataError(None, record.data, Message("not_a_record"))])
    data = {nfc(str(k)).strip(): v for k, v in record.data.items()}
    known = criteria.input_by_name
    ignored = [k for k in data if k not in known]
    errors: list[DataError] = list(record.problems)
    values: dict[str, Any] = {}
    try:
        values = unit_model(criteria).model_validate({k: v for k, v in data.items() if k in known}).model_dump()
    except ValidationError as error:
        bad = {}
        for item in error.errors():
            name = item["loc"][0]
            ctx = dict(item.get("ctx") or {})
            value = ctx.pop("value", item.get("input"))
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
    if record.cells:
        errors = [_at_cell(error, record.cells) for error in errors]
    return Unit(record, values, errors, ignored)


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


def unit_code_of(record: Record) -> str | None:
    """The unit code as validation will read it (NFC, trimmed), without validating the rest of the record."""
    if not isinstance(record.data, dict):
        return None
    raw = next((v for k, v in record.data.items() if nfc(str(k)).strip() == "unit_code"), None)
    try:
        return _text(raw)
    except PydanticCustomError:
        return None


def find_duplicates(records: Iterable[Record]) -> dict[str, list[Record]]:
    """Unit codes that appear more than once, with the place of every record holding them."""
    return group_duplicates((unit_code_of(record), record.location()) for record in records)


def group_duplicates(places: Iterable[tuple[str | None, Record]]) -> dict[str, list[Record]]:
    """From (unit code, place) pairs: the codes seen more than once, with all their places. Keeps only places,
    never records' content: cheap on a national file."""
    first: dict[str, Record] = {}
    repeated: dict[str, list[Record]] = {}
    for code, place in places:
        if code is None:
            continue
        if code in first:
            repeated.setdefault(code, [first[code]]).append(place)
        else:
            first[code] = place
    return repeated


def mark_duplicate(record: Record, duplicates: dict[str, list[Record]]) -> Record:
    """Which of the repeated rows is right is unknown, so each is invalid, naming the others."""
    code = unit_code_of(record)
    if code in duplicates:
        others = [r for r in duplicates[code] if not r.same_place(record)]
        place = Text.of(*("; ".join(r.where(lang) for r in others) for lang in ("vi", "en")))
        record.problems.append(DataError("unit_code", code, Message("duplicate_unit", {"value": code, "other": place})))
    return record
