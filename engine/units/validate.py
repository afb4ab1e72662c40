"""Validate a record into a Unit: typed values, or a list of data errors naming input and value.

Each declared input is read by its type's parser (engine/units/values.py, chosen from the criteria file's input
declarations): add an input in YAML and it is read, checked and reported here without code changes. Missing
stays missing (None); it is never zero.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import Any, Iterator, Sequence

from engine import limits
from engine.criteria.model import CriteriaSet
from engine.messages import Message
from engine.readers.records import DataError, Record
from engine.limits import MAX_DIGITS
from engine.registry.checks import check_unit
from engine.text import SURROGATE, Text, nfc, without_surrogates
from engine.units.codes import UNIT_CODE_INPUT
from engine.units.values import NUMBER_LIMIT, WORDS, ValueProblem, parsers, required_inputs


@dataclass(slots=True)  # one a unit: slotted, it is made faster and smaller
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
    data = record.data
    known = criteria.input_by_name
    if data.keys() <= known.keys():  # a reader's record: its keys are the declared names already
        ignored = []
    else:
        data = {_key(k): v for k, v in data.items()}
        ignored = [k for k in data if k not in known]
    errors: list[DataError] = list(record.problems)
    for name, value in record.data.items():
        # A lone surrogate ("\\ud800" is legal JSON) is no text: a data error of this unit, found before anything
        # else reads the value (no UTF-8 output can carry one).
        if _has_lone_surrogate(name):
            errors.append(DataError(None, _key(name), Message("lone_surrogate_key", {"value": name[:200]})))
        if _has_lone_surrogate(value):
            key, shown = _key(name), shown_value(value)
            if key in known:
                # the message quotes it with repr, which escapes it as it escapes control characters
                errors.append(DataError(key, shown, Message("lone_surrogate", {"input": key, "value": value[:200]})))
                if data is record.data:  # never the record's own
                    data = dict(data)
                data[key] = None
    values: dict[str, Any] = {}
    for name, parse, kind, minimum in parsers(criteria):  # in the criteria file's order: errors are listed in it
        value = data.get(name)
        if value is None:
            values[name] = None
            continue
        # The commonest cells, read here with exactly their parser's result: a count in plain ASCII digits (the
        # parser strips spaces first: a cell without any is the same), a yes/no word as usually written.
        if kind is not None and type(value) is str:
            if kind == "count":
                if value.isdigit() and value.isascii() and len(value) <= MAX_DIGITS:
                    number = int(value)
                    if minimum is None or number >= minimum:
                        values[name] = number
                        continue
            else:
                known = WORDS.get(value)
                if known is not None:
                    values[name] = known
                    continue
        try:
            values[name] = parse(value)
        except ValueProblem as problem:
            shown = shown_value(problem.value)
            errors.append(DataError(name, shown, Message(problem.key, {"input": name, "value": shown,
                                                                       **problem.params})))
            values[name] = None
    for name in required_inputs(criteria):
        if values[name] is None and not any(e.input == name for e in errors):
            errors.append(DataError(name, None, Message("missing_required", {"input": name})))
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


# Each input's text values already read, and what its parser made of them (validate_records): a country's files
# repeat the same few spellings of small counts and yes/no words. Only text is kept (True, 1 and 1.0 hash alike),
# only what its parser accepted, and never a value holding a lone surrogate (that is the unit's error). Two threads
# may share it (cfc serve reads two uploads at once): a value only ever maps to what its parser made of it.
_READ: dict[Any, list[dict]] = {}
_READ_LIMIT = 5_000  # values kept per input (a name column never repeats: its memo is emptied now and then)
_UNREAD = object()


def validate_records(criteria: CriteriaSet, records: list[Record], strict_units: bool = False) -> list[Unit]:
    """validate_record for each record, in order, with exactly its results — a batch read input by input.

    A record whose every value its parser has already read once (the same text), and that breaks no check (a
    required input missing, a numerator above its denominator, a problem its reader found), is built from those
    values; any other record, or any value not seen before that its parser refuses, goes to validate_record
    whole, which words every error as always. Column by column, so that the commonest work — finding "có" or
    "12" read before — is a lookup made by the interpreter's own loop (a record at a time, the bookkeeping costs
    more than the reading: ~27 µs a unit against ~10, measured on the national batch)."""
    table = parsers(criteria)
    known = criteria.input_by_name
    memo = _READ.get(criteria.digest or id(criteria))
    if memo is None:
        memo = _READ[criteria.digest or id(criteria)] = [{None: None} for _ in table]
    plain = [index for index, record in enumerate(records)
             if type(record.data) is dict and not record.problems and record.data.keys() <= known.keys()]
    datas = [records[index].data for index in plain]
    slow = set()  # positions in `plain` that go to validate_record
    columns = []
    everywhere = range(len(datas))
    names = [name for name, *_ in table]
    given = _given_columns(datas, names)
    for (name, parse, kind, minimum), read, column in zip(table, memo, given):
        if kind == "count" and _int_counts(column, minimum):
            columns.append(list(column))  # a workbook's column of number cells: each its own count
            continue
        try:
            values = list(map(read.get, column, repeat(_UNREAD)))
        except TypeError:  # a value that cannot be a key (a list in a JSON file): read one by one below
            values = [_UNREAD] * len(column)
        for row in compress(everywhere, map(is_, values, repeat(_UNREAD))):
            given = column[row]
            if type(given) is str:
                # Read already by an earlier row of this column: the lookup above was made before any of it was
                # read, and a chunk's units share their province, district and small counts (on the national
                # batch, 5.4 values a unit went to their parser; now 2.0).
                earlier = read.get(given, _UNREAD)
                if earlier is not _UNREAD:
                    values[row] = earlier
                    continue
                # A count in plain ASCII digits, read as validate_record reads it (no parser call, no surrogate).
                if kind == "count" and given.isdigit() and given.isascii() and len(given) <= MAX_DIGITS:
                    number = int(given)
                    if minimum is None or number >= minimum:
                        values[row] = _remember(read, given, number)
                        continue
            elif (type(given) is int and kind == "count" and 0 <= given < NUMBER_LIMIT
                  and (minimum is None or given >= minimum)):
                # A workbook's number cell (an int, never kept above: 1 and True hash alike) is the count
                # _count's parser makes of it, without the call: ~29 a national row, ~20 µs a unit.
                values[row] = given
                continue
            values[row] = None  # until read: a value refused leaves the unit to validate_record
            text = type(given) is str
            if text and not given.isascii() and SURROGATE.search(given) is not None:  # (_has_lone_surrogate)
                slow.add(row)
                continue
            try:
                value = values[row] = parse(given)
            except ValueProblem:
                slow.add(row)
                continue
            if text:  # (_remember, inline: a unit's code and name are new values in nearly every row)
                if len(read) >= _READ_LIMIT:
                    read.clear()
                    read[None] = None
                read[given] = value
        columns.append(values)
    for name in required_inputs(criteria):  # missing: validate_record words it
        slow.update(compress(everywhere, map(is_, columns[names.index(name)], repeat(None))))
    for numerator, denominator in criteria.rate_pairs:  # a numerator above its denominator: likewise
        slow.update([row for row, part, whole in zip(everywhere, columns[names.index(numerator)],
                                                     columns[names.index(denominator)])
                     if part is not None and whole is not None and part > whole])
    units: list[Unit | None] = [None] * len(records)
    codes = columns[names.index(UNIT_CODE_INPUT)] if UNIT_CODE_INPUT in names else repeat(None)
    for row, values, code in zip(everywhere, zip(*columns), codes):
        if row in slow:
            continue
        record = records[plain[row]]
        unit = units[plain[row]] = Unit(record, dict(zip(names, values)), [], [], [], [])
        if code is not None:
            check_unit(unit, criteria, strict_units)
            if record.cells and unit.errors:
                unit.errors = [_at_cell(error, record.cells) for error in unit.errors]
    return [unit if unit is not None else validate_record(criteria, record, strict_units)
            for unit, record in zip(units, records)]


def _given_columns(datas: list[dict], names: list[str]) -> Iterator[Sequence]:
    """Per declared input, in order, the value each record gives it (None where it gives none). Records that
    give every declared input (a file whose header names them all, as read: their keys are the names) are taken
    apart in one pass, each record's values fetched by one C call and the rows turned into columns by zip
    (~6.6k instructions a unit less than a lookup per input and record); others, and no records, input by input."""
    if datas and len(names) > 1 and all(len(data) == len(names) for data in datas):  # keys ⊆ names (the caller's)
        return zip(*map(itemgetter(*names), datas))
    return (list(map(dict.get, datas, repeat(name))) for name in names)


def _int_counts(column: Sequence, minimum: int | None) -> bool:
    """Whether every value of the column is an int that _count's parser gives back as it is (a workbook's
    number cells, never kept in the memo: 1 and True hash alike): looked at in C, a column at a time. A column
    whose first value is no int (a CSV's text) is not looked at further: the types of a whole column cost a CSV
    file ~7k instructions a unit (31 count columns)."""
    return (bool(column) and type(column[0]) is int and set(map(type, column)) == {int}
            and min(column) >= max(0, minimum or 0) and max(column) < NUMBER_LIMIT)


def _remember(read: dict, given: str, value: Any) -> Any:
    """Keep what an input's parser made of a text (its memo emptied past _READ_LIMIT); return it."""
    if len(read) >= _READ_LIMIT:
        read.clear()
        read[None] = None
    read[given] = value
    return value


def _has_lone_surrogate(value: Any) -> bool:
    """Text holding a lone surrogate (only non-ASCII text can: most cells are looked at no further)."""
    return type(value) is str and not value.isascii() and SURROGATE.search(value) is not None


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
