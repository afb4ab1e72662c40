"""Fuzz the criteria loader: the shipped criteria file with any value changed (NaN, infinity, text, huge or
negative numbers, lists, missing keys) or its text damaged. Either `load_criteria` refuses it with a
CriteriaError, or every unit evaluates without error: no file `cfc criteria validate` accepts may crash
`cfc evaluate` later."""
from __future__ import annotations

import copy
import json
import math

import yaml
from hypothesis import given, strategies as st

from engine import safe_yaml
from engine.rules.rulesets import compile_rulesets, empty_band
from engine.safe_yaml import CriteriaLoader, TextLoader, YamlProblem, load_yaml
from engine.criteria.model import CriteriaError, _repeated_keys, load_criteria
from engine.rules.evaluate import evaluate_units
from engine.readers.records import Record
from engine.results.model import to_data
from engine.units.validate import validate_record

from fuzz_support import ROOT, UNIT, examples

SHIPPED = next((ROOT / "criteria").glob("qd06-*.yaml"))
TEXT = SHIPPED.read_text(encoding="utf-8")
DATA = yaml.safe_load(TEXT)
REPLACEMENTS = st.sampled_from([math.nan, math.inf, -math.inf, "abc", "95", -1, 0, 1, 10**30, 1e300, 0.5, True,
                                False, None, [], {}, [1, 2], "1:30", "056", "", "yes"])
UNITS = [dict(UNIT), {**UNIT, "births": "0", "births_registered": "0", "villages_total": "1",
                      "villages_with_collaborator": "0", "survey_respondents": "0", "survey_satisfied": "0"},
         {k: (v if k in ("unit_code", "category") else "") for k, v in UNIT.items()}]


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, path + (index,))


PATHS = [p for p in _paths(DATA) if p]


def _check_accepted(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("criteria") / "criteria.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        criteria = load_criteria(path)
    except CriteriaError as error:
        assert str(path) in str(error)
        return
    compile_rulesets(criteria)
    for _, indicator in criteria.indicators:
        if indicator.measure.is_rate:
            empty_band(indicator)
    # An accepted file must also be one the engine can score (its rules, gaps and plan), never a crash later.
    units = [validate_record(criteria, Record(str(path), "item", number + 1, dict(values)))
             for number, values in enumerate(UNITS)]
    for result in evaluate_units(criteria, units):
        json.dumps(to_data(result), allow_nan=False)  # every result serialises


@examples(25, share=0.05)
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), REPLACEMENTS | st.floats() | st.integers()), min_size=1,
                        max_size=3))
def test_values_changed(tmp_path_factory, changes):
    data = copy.deepcopy(DATA)
    for path, value in changes:
        parent = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    _check_accepted(tmp_path_factory, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@examples(25, share=0.05)
@given(edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 8), st.text(max_size=6)),
                      min_size=1, max_size=4))
def test_text_damaged(tmp_path_factory, edits):
    text = TEXT
    for where, cut, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut:]
    _check_accepted(tmp_path_factory, text)


def _read(text: str, loader):
    try:
        value = load_yaml(text, loader)
        return "value", value, _repeated_keys(value)
    except YamlProblem as problem:
        return "problem", str(problem), problem.line


@examples(20, share=0.2)
@given(edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 8),
                                st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?\t\n 0aé.~") + ["\x07"]),
                                        max_size=6)),
                      min_size=1, max_size=4))
def test_libyaml_reads_as_pyyaml(edits):
    """Criteria (and unit) YAML is read with libyaml's parser when PyYAML has it (engine/safe_yaml.py): a
    document, damaged anywhere, that PyYAML's own parser reads gives the same values and keys written twice (with
    their lines); one it refuses is refused with its problem, on its line — unless libyaml reads it (a few
    spellings: some tabs, a "?" key indicator in places), which is then read as libyaml reads it."""
    text = TEXT
    for where, cut, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut:]
    for loader in (CriteriaLoader, TextLoader):
        read, pyyaml = _read(text, loader), _read_python(text, loader)
        if pyyaml[0] == "value" or read[0] == "problem":
            assert read == pyyaml
        else:  # only libyaml reads it: as libyaml's own safe loader would
            assert read[1] == _read_python(text, safe_yaml._FAST[loader])[1]


def _read_python(text: str, loader):
    try:
        value = safe_yaml._load(text, loader)
        return "value", value, _repeated_keys(value)
    except YamlProblem as problem:
        return "problem", str(problem), problem.line


def test_libyaml_in_use():
    """The fast reading is the one taken for the shipped file (PyYAML is installed with libyaml here), and gives
    exactly PyYAML's values."""
    assert safe_yaml._FAST[CriteriaLoader] is not None
    assert safe_yaml._load(TEXT, safe_yaml._FAST[CriteriaLoader]) == safe_yaml._load(TEXT, CriteriaLoader)
