"""cfc's own outputs given back to `cfc evaluate`: results.json (or the what-if JSON), the machine CSV, the CSV
for people, results.xlsx or summary.xlsx. Their units' inputs are not where a reader of input data looks (they
sit under "values", or are not there at all), so reading them as input would score every unit "incomplete" or
"invalid" without a word about why. They are recognised and refused as a whole, saying what the file is.

A table is a results table when its header names a unit's status, total and threshold (machine names, or the
labels of the people's CSV and of the workbooks, in either language) and no count or yes/no input: cfc's
history export holds every input beside its result, and is evaluated as the input data it holds."""
from __future__ import annotations

from typing import Any, Iterable

from engine.criteria.model import CriteriaSet
from engine.forms.layout import header_key
from engine.messages import Message
from engine.readers.records import InputFileError

RESULT_COLUMNS = frozenset({"status", "total", "threshold"})
RESULT_UNIT_KEYS = frozenset({"status", "criteria", "reasons"})  # a unit object of `cfc evaluate --format json`
RESULTS_FORMAT = "cfc-results"  # the "format" cfc's results JSON declares at its top


def refuse(source: str, what: str, **params: Any) -> InputFileError:
    """The error for a file of cfc's own results; `what` names its kind (a catalog key, with its params)."""
    return InputFileError("own_results_file", file=source, what=Message(what, params))


def results_document(data: Any) -> bool:
    """Whether parsed JSON/YAML is cfc's results: it says so ("format": "cfc-results"), or it is
    {"units": [unit objects]} (what-if's, or results cut down by hand) or one unit object, recognised by the
    keys every unit object has, compact or in detail."""
    if isinstance(data, dict) and data.get("format") == RESULTS_FORMAT:
        return True
    if isinstance(data, dict) and isinstance(data.get("units"), list):
        units = [unit for unit in data["units"] if isinstance(unit, dict)]
        return bool(units) and all(_result_unit(unit) or {"before", "after"} <= set(unit) for unit in units)
    return isinstance(data, dict) and _result_unit(data)


def _result_unit(unit: dict) -> bool:
    return RESULT_UNIT_KEYS <= set(unit) and isinstance(unit.get("criteria"), list)


def results_header(cells: Iterable[Any], criteria: CriteriaSet) -> bool:
    """Whether a header row is that of a results table (see the module's docstring)."""
    columns = _result_columns(criteria)
    keys = {columns.get(header_key(cell)) for cell in cells if isinstance(cell, str) and cell.strip()}
    if not RESULT_COLUMNS <= keys:
        return False
    scored = {header_key(d.name) for d in criteria.inputs if d.type in ("count", "yes_no")}
    scored |= {header_key(text) for d in criteria.inputs if d.type in ("count", "yes_no")
               for text in (d.label.vi, d.label.en)}
    return not any(isinstance(cell, str) and header_key(cell) in scored for cell in cells)


_COLUMNS: dict[Any, dict[str, str]] = {}


def _result_columns(criteria: CriteriaSet) -> dict[str, str]:
    """Header key → the result column it names: machine names and the people's labels in both languages."""
    from engine.results.render import unit_columns  # the results' own column list, loaded only when asked

    key = criteria.digest or id(criteria)
    if key in _COLUMNS:
        return _COLUMNS[key]
    columns = _COLUMNS[key] = {header_key(name): name for name in RESULT_COLUMNS}
    for column in unit_columns(criteria):
        if column.key in RESULT_COLUMNS:
            for label in column.labels:
                columns[header_key(label)] = column.key
    return columns
