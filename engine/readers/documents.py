"""YAML and JSON: one unit (a mapping), a list of units, or {units: [...]}."""
from __future__ import annotations

import json

import yaml

from engine.readers.records import InputFileError, Record


def document_records(source: str, text: str, suffix: str) -> list[Record]:
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
