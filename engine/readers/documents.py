"""YAML and JSON: one unit (a mapping), a list of units, or {units: [...]}.

Values are read as written: in YAML every plain value is text (so 01234 stays "01234", 056 is 56, 1:30 is not
90), in JSON a number keeps its digits when it is too long to be a count and NaN/Infinity are text; the
validators decide what each value means. A key written twice in a unit makes that unit invalid, naming the key;
nesting, aliases and size are bounded (engine.limits)."""
from __future__ import annotations

import json
from typing import Any

import difflib

from engine.criteria.model import CriteriaSet
from engine.forms.layout import header_index, header_key
from engine.messages import Message
from engine import limits
from engine.readers.own_files import refuse, results_document
from engine.readers.records import DataError, InputFileError, Record, warn
from engine.text import Text, nfc, without_surrogates
from engine.safe_yaml import Mapping, YamlProblem, load_yaml, mapping_from_pairs


def _json_int(text: str) -> int | str:
    # int() of more than 4,300 digits raises; a count that long is wrong anyway: keep it as written.
    return int(text) if len(text.lstrip("-")) <= limits.MAX_DIGITS else text


def parse_json(source: str, text: str) -> Any:
    if len(text) > limits.MAX_DOCUMENT_BYTES:
        raise InputFileError("file_too_large", file=source, mb=limits.MAX_DOCUMENT_BYTES // (1024 * 1024))
    try:
        data = json.loads(text, object_pairs_hook=mapping_from_pairs, parse_int=_json_int,
                          parse_float=str, parse_constant=str)
    except json.JSONDecodeError as error:
        raise InputFileError("json_invalid", file=source, line=error.lineno, error=error.msg) from None
    except RecursionError:
        raise InputFileError("too_deep", file=source, depth=limits.MAX_DEPTH) from None
    if _depth(data) > limits.MAX_DEPTH:
        raise InputFileError("too_deep", file=source, depth=limits.MAX_DEPTH)
    return data


def _depth(value: Any, level: int = 1) -> int:
    if level > limits.MAX_DEPTH:
        return level
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return max((_depth(child, level + 1) for child in children), default=level)


def document_records(source: str, text: str, suffix: str, criteria: CriteriaSet | None = None) -> list[Record]:
    """The units of a YAML or JSON file. With `criteria`, a key that is no input of it is warned, with the
    input it most likely means (as a CSV's unknown column is)."""
    if suffix == ".json":
        data = parse_json(source, text)
    else:
        try:
            data = load_yaml(text)
        except YamlProblem as error:
            raise InputFileError("yaml_invalid", file=source, where=_at_line(error.line), error=error.message) from None
    if results_document(data):
        raise refuse(source, "own_kind_json")
    if isinstance(data, dict) and "units" in data:
        if data.get("units") is None or not isinstance(data["units"], list):
            raise InputFileError("units_not_list", file=source)
        _no_repeats(source, data)
        _warn_beside_units(source, data, criteria)
        data = data["units"]
    if isinstance(data, dict):
        records = [_record(source, "", 0, data)]
    elif isinstance(data, list):
        records = [_record(source, "item", i, item) for i, item in enumerate(data, start=1)]
    else:
        raise InputFileError("not_units", file=source, found=Message("nothing") if data is None else type(data).__name__)
    if not records:
        raise InputFileError("units_empty", file=source)
    if criteria is not None:
        _warn_unknown_keys(source, records, criteria)
    return records


def _warn_unknown_keys(source: str, records: list[Record], criteria: CriteriaSet) -> None:
    """Each key that is no input, once per file: where it is first met, in how many units, and the input it
    most likely means (a misspelt key would otherwise leave its input missing without a word)."""
    known = criteria.input_by_name
    first: dict[str, Record] = {}
    count: dict[str, int] = {}
    for record in records:
        if isinstance(record.data, dict):
            for key in record.data:
                name = nfc(str(key)).strip()  # as validation keys it; a lone surrogate is escaped when said
                if name not in known:
                    first.setdefault(name, record)
                    count[name] = count.get(name, 0) + 1
    if not first:
        return
    names, labels = header_index(criteria)
    for name, record in first.items():
        close = names.get(header_key(name)) or labels.get(header_key(name))
        if close is None:
            match = difflib.get_close_matches(header_key(name), list(names) + list(labels), n=1, cutoff=0.75)
            close = (names.get(match[0]) or labels.get(match[0])) if match else None
        hint = Text.of(f" (có phải {close}?)", f" (did you mean {close}?)") if close else ""
        place = Text.of(record.where("vi")[len(source):].strip(), record.where("en")[len(source):].strip())
        warn(source, place, "unknown_key", name=name[:limits.SHOWN_CHARS], units=count[name], hint=hint)


def _warn_beside_units(source: str, data: dict, criteria: CriteriaSet | None) -> None:
    """{units: [...]} with other keys beside the list ({"period": "2024", "units": [...]}, a period written once
    for all): they apply to no unit, which would be scored without them — said, never applied by guess."""
    known = criteria.input_by_name if criteria is not None else {}
    for key in data:
        if key != "units":
            name = nfc(str(key)).strip()
            hint = Message("key_beside_units_input") if name in known else ""
            warn(source, "", "key_beside_units", name=name[:limits.SHOWN_CHARS], hint=hint)


def _no_repeats(source: str, data: Mapping) -> None:
    for key, line in getattr(data, "repeated", []):
        raise InputFileError("key_twice", file=source, where=_at_line(line), key=key)


def _at_line(line: int | None) -> Message | str:
    """ "line 7: " before a problem whose line is known."""
    return Message("at_line", {"line": line}) if line else ""


def _record(source: str, kind: str, number: int, data: Any) -> Record:
    record = Record(source, kind, number, data)
    for key, line in getattr(data, "repeated", []):
        at = Text.of(f" (dòng {line})", f" (line {line})") if line else ""
        record.problems.append(DataError(key, None, Message("repeated_key", {"input": key, "line": at})))
    return record
