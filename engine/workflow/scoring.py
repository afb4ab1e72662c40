"""Scoring a submission's inputs through the engine's one front door (engine/api.py), and showing a stored
result as the unit object of `cfc evaluate --format json`. The only module of the workflow that calls the
engine."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine import api
from engine.criteria.model import CriteriaSet
from engine.criteria.versions import CriteriaLibrary
from engine.results.model import UnitResult, from_data
from engine.text import Text
from engine.workflow.errors import Refused

SOURCE = "web"  # where a unit typed into the server's form "comes from" in messages, as a file name would


@dataclass(frozen=True)
class Scored:
    values: dict[str, Any]      # the inputs as validated (every declared input; None where not given)
    result: UnitResult
    criteria: CriteriaSet       # the set that scored it (the one in force on the period's last day)


def score(library: CriteriaLibrary, inputs: dict[str, Any]) -> Scored:
    """Validate and score one unit's inputs, by the set of their period, as `cfc evaluate` does a record.
    Raises Refused when no criteria set covers the period (nothing could score it)."""
    evaluation = api.evaluate_inputs(library, inputs, SOURCE)
    result = evaluation.result
    if result.criteria_set is None:
        errors = result.errors
        raise Refused("wf_bad_period", reason=Text.of("; ".join(e.vi for e in errors), "; ".join(e.en for e in errors)))
    return Scored(evaluation.values, result, api.criteria_of(library, result))


def unit_object(library: CriteriaLibrary, result: dict[str, Any], lang: str = "vi", detail: bool = True) -> dict:
    """A stored result (UnitResult as JSON) as the unit object of `cfc evaluate --format json`."""
    return api.unit_object(library, result_of(result), lang, detail)


def result_of(stored: dict[str, Any]) -> UnitResult:
    """A stored result (UnitResult as JSON, as the submissions table keeps it) as the engine's result again, for
    documents and summaries built from the server's data."""
    return from_data(UnitResult, stored)
