"""cfc's public API: the one front door to the engine.

Every way into cfc goes through these functions — `cfc evaluate` (its batch workers too), what-if (`--set`),
`cfc report`, the web page's evaluation, its uploads and downloads, and the province server — so that a
record is read, validated and scored the same way, by the same criteria set, wherever it comes from:

    import yaml
    from engine import api

    library = api.load_criteria()                  # the shipped criteria/ (a file or a directory of dated sets)
    inputs = yaml.safe_load(open("evaluations/single-unit.yaml", encoding="utf-8"))   # {name: value}
    unit = api.evaluate_inputs(library, inputs)
    print(unit.result.status, unit.result.total)   # not_recognized 835
    print(api.unit_object(library, unit.result, "en")["reasons"][0]["message"])   # Total 835 is below ...

    batch = api.evaluate_files(library, ["evaluations/sample-area/units.csv"])
    print(batch.counts())                          # {'recognized': 7, 'not_recognized': 5, ...}

The criteria set is chosen per unit by its period (the set in force on the period's last day; a unit without a
period is scored by today's set; a period that cannot be dated, or that no set covers, is a data error of that
unit) — and every period and unit code is read in one canonical form (engine/periods.py,
engine/units/codes.py). Results are data (engine/results/model.py); every renderer takes them
(engine/results/render.py), and `unit_object` gives the unit object of `cfc evaluate --format json`.
"""
from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from engine import loading
from engine.criteria.model import CriteriaSet
from engine.criteria.versions import CriteriaLibrary, mixed_sets
from engine.readers.records import ReadWarning, Record, read_options, reading
from engine.results.model import BatchResult, UnitResult
from engine.results.render import JsonRenderer, Meta
from engine.rules.by_period import evaluate_records
from engine.rules.whatif import Comparison, with_changes
from engine.units.duplicates import find_duplicates, mark_duplicate
from engine.units.validate import Unit

__all__ = ["load_criteria", "read_files", "evaluate", "evaluate_inputs", "evaluate_files", "unit_object",
           "criteria_of", "batch_of", "score", "what_if", "document_batch", "document_set", "Evaluation", "Files", "CriteriaLibrary", "UnitResult", "BatchResult", "Record"]


def load_criteria(path: str | Path | None = None) -> CriteriaLibrary:
    """A criteria file (it scores every unit) or a directory of dated sets (default: the shipped criteria/).
    Raises engine.criteria.model.CriteriaError naming every problem of the file(s)."""
    return CriteriaLibrary.load(path)


@dataclass
class Evaluation:
    """One unit: its inputs as validated (every declared input, None where not given) and its result."""

    unit: Unit
    result: UnitResult

    @property
    def values(self) -> dict[str, Any]:
        return self.unit.values


def evaluate(library: CriteriaLibrary | CriteriaSet, records: Iterable[Record | Mapping[str, Any]],
             source: str = "api", strict_units: bool = False) -> list[Evaluation]:
    """Each record (a Record from a reader, or a mapping of input name → value) validated and scored by the set
    of its period, in order. A unit code given twice makes both units invalid, each naming the other, as in a
    file. Every unit is checked against the official list of units of its period (engine/registry/checks.py):
    warnings, or data errors with strict_units."""
    library = CriteriaLibrary.of(library)
    given = [r if isinstance(r, Record) else Record(source=source, kind="item", number=n, data=dict(r))
             for n, r in enumerate(records, start=1)]
    duplicates = find_duplicates(given)
    if duplicates:
        given = [mark_duplicate(record, duplicates) for record in given]
    units: list[Unit] = []
    results = evaluate_records(library, given, units, strict_units)
    return [Evaluation(unit, result) for unit, result in zip(units, results)]


def evaluate_inputs(library: CriteriaLibrary | CriteriaSet, inputs: Any, source: str = "api",
                    strict_units: bool = False) -> Evaluation:
    """One unit's inputs ({name: value}, as a form or a JSON body gives them) validated and scored exactly as
    `cfc evaluate` does a record read from a file. Anything that is not a mapping is an invalid unit saying so."""
    record = Record(source=source, kind="", number=0, data=inputs)
    return evaluate(library, [record], strict_units=strict_units)[0]


@dataclass
class Files:
    """What reading some files gave: every record (repeated unit codes marked), the files that could not be
    read (one sentence each), and what the readers skipped or ignored (warnings, each said once)."""

    records: list[Record]
    file_errors: list[str]
    warnings: list[ReadWarning]


def read_files(library: CriteriaLibrary | CriteriaSet, paths: Iterable[str | Path],
               hidden_sheets: bool = False) -> Files:
    """Every record of the files. Headers are matched against the current set's inputs and their labels.
    Within a caller's own `reading()` block its options hold and its warnings gather there too."""
    library = CriteriaLibrary.of(library)
    ambient = read_options()
    with nullcontext(ambient) if ambient.warnings is not None else reading(hidden_sheets) as options:
        plan = loading.plan(paths, library.current())
        records = list(loading.records(plan))
        return Files(records, list(plan.file_errors), list(options.warnings.values()))


def evaluate_files(library: CriteriaLibrary | CriteriaSet, paths: Iterable[str | Path],
                   hidden_sheets: bool = False, strict_units: bool = False) -> BatchResult:
    """Every unit of the files, in one process, scored by its period's set (for documents, the web page and
    programs; `cfc evaluate` streams the same path through worker processes for large files). The result
    names today's set; each unit names the set that scored it."""
    library = CriteriaLibrary.of(library)
    files = read_files(library, paths, hidden_sheets)
    return batch_of(library, evaluate_records(library, files.records, strict_units=strict_units),
                    files.file_errors)


def batch_of(library: CriteriaLibrary | CriteriaSet, units: list[UnitResult], file_errors: list[str] = ()) -> BatchResult:
    """Results gathered as a batch (what documents and spreadsheets are made from)."""
    current = CriteriaLibrary.of(library).current()
    return BatchResult(criteria_id=current.instrument.id, criteria_source=current.source,
                       criteria_digest=current.digest, units=units, file_errors=list(file_errors))


def score(library: CriteriaLibrary | CriteriaSet, records: list[Record], strict_units: bool = False) -> list[UnitResult]:
    """Results only, for records already read (repeated codes marked by read_files): what `cfc evaluate`'s
    workers call on each chunk of a batch."""
    return evaluate_records(CriteriaLibrary.of(library), records, strict_units=strict_units)


def what_if(library: CriteriaLibrary | CriteriaSet, records: list[Record], changes: dict[str, str],
            strict_units: bool = False) -> list[Comparison]:
    """Each unit scored as given and with `changes` written over its inputs (`--set`): both go through the same
    validation, checks of the unit against the official list, and choice of set by period — a changed period
    is checked like any other."""
    before = score(library, records, strict_units)
    after = score(library, [with_changes(record, changes) for record in records], strict_units)
    return [Comparison(b, a) for b, a in zip(before, after)]


def document_batch(library: CriteriaLibrary | CriteriaSet, paths: Iterable[str | Path],
                   hidden_sheets: bool = False, strict_units: bool = False) -> tuple[CriteriaSet, BatchResult]:
    """Every unit of the files scored by its period's set, for a document about them, and the one set that
    scored them (today's when none was). Raises MixedSetsError when their periods need different sets: one
    document speaks of one set."""
    batch = evaluate_files(library, paths, hidden_sheets, strict_units)
    return document_set(library, batch.units, batch.file_errors)


def document_set(library: CriteriaLibrary | CriteriaSet, units: list[UnitResult],
                 file_errors: list[str] = ()) -> tuple[CriteriaSet, BatchResult]:
    """The one set that scored these units (today's when none was) and the batch a document is made from.
    Raises MixedSetsError when different sets scored them."""
    library = CriteriaLibrary.of(library)
    used = {unit.criteria_set.digest: unit.criteria_set for unit in units if unit.criteria_set is not None}
    if len(used) > 1:
        raise mixed_sets(f"{ref.id} ({ref.effective})" for ref in used.values())
    criteria = next((cs for cs in library.sets if cs.digest in used), library.current())
    return criteria, BatchResult(criteria_id=criteria.instrument.id, criteria_source=criteria.source,
                                 criteria_digest=criteria.digest, units=units, file_errors=list(file_errors))


def criteria_of(library: CriteriaLibrary | CriteriaSet, result: UnitResult) -> CriteriaSet:
    """The set that scored a result (today's set when none did: its period picks none)."""
    library = CriteriaLibrary.of(library)
    if result.criteria_set is not None:
        for criteria in library.sets:
            if criteria.digest == result.criteria_set.digest:
                return criteria
    return library.current()


_RENDERERS: dict[tuple[str, str, bool], JsonRenderer] = {}


def unit_json(library: CriteriaLibrary | CriteriaSet, result: UnitResult, lang: str = "vi",
              detail: bool = False) -> str:
    """The unit object of `cfc evaluate --format json` (`--detail` with detail) as JSON text, from the CLI's own
    renderer, which learns its set's band indexes from its head as the CLI's does."""
    criteria = criteria_of(library, result)
    key = (criteria.digest, lang, detail)
    renderer = _RENDERERS.get(key)
    if renderer is None:
        renderer = JsonRenderer(lang, detail)
        renderer.head(Meta(criteria.instrument.id, criteria.source, criteria.digest, criteria))
        _RENDERERS[key] = renderer
    return renderer.unit(result, 0)


def unit_object(library: CriteriaLibrary | CriteriaSet, result: UnitResult, lang: str = "vi",
                detail: bool = False) -> dict:
    """unit_json as a dict."""
    return json.loads(unit_json(library, result, lang, detail))
