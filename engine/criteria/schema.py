"""The JSON Schema of a criteria file, published as schema/v1/criteria.schema.json for editors.

It is generated from the criteria model itself (engine/criteria/model.py, pydantic), so the schema an editor
checks a YAML file against and the loader that refuses it can never disagree on the file's shape; docs/generate.py
writes it and tests/test_docs.py fails when the published copy is stale. The loader checks more than the
shape (bands that cover their range, points that add up, inputs that exist): an editor catches typos and wrong
types as a board member types; `cfc criteria validate` catches the rest, naming the line.

To have VS Code (the YAML extension) check criteria files as you edit them, add to its settings:

    "yaml.schemas": {"./schema/v1/criteria.schema.json": "criteria/*.yaml"}
"""
from __future__ import annotations

from engine.criteria.model import CriteriaSet

SCHEMA_ID = "urn:cfc:schema:v1:criteria"  # a name, not an address: nothing is fetched
LOADER_FIELDS = ("source", "digest")  # filled by the loader, never written in a file

# What each part means, for the person editing the file (shown by editors on hover).
DESCRIPTIONS = {
    ("Band", "min"): "The band holds measures ≥ min.",
    ("Band", "above"): "The band holds measures > above.",
    ("Band", "max"): "The band holds measures ≤ max.",
    ("Band", "below"): "The band holds measures < below.",
    ("Band", "equals"): "The band holds exactly this measure.",
    ("Band", "is"): "For a yes/no measure: the band of yes (true) or no (false).",
    ("Band", "points"): "The points a measure in this band gives.",
    ("Band", "status"): "confirmed (checked against the published text) or provisional; default: the scoring's.",
    ("Band", "reference"): "The clause this band encodes (Điều/khoản/điểm) when more precise than the indicator's citation.",
    ("Scoring", "citation"): "Where the law sets these bands.",
    ("Scoring", "status"): "confirmed or provisional: whether the bands were checked against the published text.",
    ("Scoring", "bands"): "Bands covering the measure's whole range without gaps or overlaps.",
    ("Measure", "kind"): "yes_no, count, percent (numerator/denominator × 100) or per_1000 (× 1,000).",
    ("Measure", "empty_denominator"): "What a rate with a denominator of 0 scores: full_points or zero_points.",
    ("Instrument", "effective"): "The first day the set is in force (YYYY-MM-DD).",
    ("Instrument", "valid_until"): "The last day the set is in force, inclusive; absent: until a later set replaces it.",
    ("Instrument", "total_points"): "The maximum total: the criteria's maxima must add up to it.",
    ("Recognition", "min_points_per_criterion"): "A criterion below this scores 'not met' (0 blocks recognition).",
    ("Category", "threshold"): "The total a unit of this category needs to be recognised.",
    ("InputDecl", "role"): "action (the commune changes it by its work; plans change only these), event (past events, never asked lower) or context.",
}


def criteria_json_schema() -> dict:
    """The JSON Schema (draft 2020-12) a criteria file's content must match."""
    schema = CriteriaSet.model_json_schema(by_alias=True, mode="validation")
    for name in LOADER_FIELDS:
        schema["properties"].pop(name, None)
    # Top-level keys starting with x- hold YAML anchors shared by several rules (as in OpenAPI); the loader
    # drops them before reading the rules.
    schema["patternProperties"] = {"^x-": {"description": "Shared YAML anchors; not rules."}}
    for (definition, field), text in DESCRIPTIONS.items():
        schema["$defs"][definition]["properties"][field]["description"] = text
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "cfc criteria file: a legal instrument's scoring rules as data",
            "description": ("One YAML file per version of the law (criteria/<instrument>-<effective date>.yaml): "
                            "the instrument, unit categories and thresholds, the recognition condition, every "
                            "input, and each criterion's indicators with their measure and bands, each carrying "
                            "its citation and status. Generated from engine/criteria/model.py; "
                            "`cfc criteria validate` checks the rest (coverage, sums, names)."),
            **{key: value for key, value in schema.items() if key != "title"}}
