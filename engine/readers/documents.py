"""YAML and JSON: one unit (a mapping), a list of units, or {units: [...]}.

Values are read as written: in YAML every plain value is text (so 01234 stays "01234", 056 is 56, 1:30 is not
90), in JSON a number keeps its digits when it is too long to be a count and NaN/Infinity are text; the
validators decide what each value means. A key written twice in a unit makes that unit invalid, naming the key;
nesting, aliases and size are bounded (engine.limits)."""
from __future__ import annotations

import json
from typing import Any

from engine.messages import Message
from engine import limits
from engine.readers.records import DataError, InputFileError, Record
from engine.text import Text
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


def document_records(source: str, text: str, suffix: str) -> list[Record]:
    if suffix == ".json":
        data = parse_json(source, text)
    else:
        try:
            data = load_yaml(text)
        except YamlProblem as error:
            raise InputFileError("yaml_invalid", file=source, where=_at_line(error.line), error=error.message) from None
    if isinstance(data, dict) and "units" in data:
        if data.get("units") is None or not isinstance(data["units"], list):
            raise InputFileError("units_not_list", file=source)
        _no_repeats(source, data)
        data = data["units"]
    if isinstance(data, dict):
        records = [_record(source, "", 0, data)]
    elif isinstance(data, list):
        records = [_record(source, "item", i, item) for i, item in enumerate(data, start=1)]
    else:
        raise InputFileError("not_units", file=source, found=Message("nothing") if data is None else type(data).__name__)
    if not records:
        raise InputFileError("units_empty", file=source)
    return records


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
