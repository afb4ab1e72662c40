"""Results worded when first read (engine/rules/worded.py): every gap's sentence and every measure as shown are
exactly what wording them while building gave, and the classes behave as the plain result classes do (equal to
them, pickled and copied as them, written alike by to_data)."""
from __future__ import annotations

import copy
import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from engine.criteria.model import load_criteria
from engine.messages import both
from engine.readers import read_records
from engine.results.model import CriterionResult, Gap, IndicatorResult, from_data, to_data
from engine.rules.evaluate import evaluate_units
from engine.rules.gaps import input_labels, unit_label
from engine.rules.views import CriterionView
from engine.rules.worded import WordedGap, WordedResult
from engine.units.validate import validate_record
from engine.text import Text

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = load_criteria()


@pytest.fixture(scope="module")
def results():
    from bench.generate import write
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "units.csv"
        write(path, 300, 7)
        units = [validate_record(CRITERIA, record) for record in read_records(path)]
    return list(evaluate_units(CRITERIA, units))


def _eager_message(gap: Gap, result: IndicatorResult) -> Text:
    """The sentence as engine/rules/gaps.py worded it while building (before it was worded when read)."""
    indicator = next(i for _, i in CRITERIA.indicators if i.id == gap.indicator)
    if gap.kind == "event":
        name = indicator.measured_input
        texts = {"label": CRITERIA.input_by_name[name].label, "band": result.band, "prevention": indicator.prevention}
        shown = result.measure_display or Text.of("0/0", "0/0")
        return both("gap_event", {"current": gap.current_value, "points": result.points, "max": result.max_points},
                    measure=shown, **texts)
    kind = indicator.measure.kind
    key = "gap_count" if kind == "count" else ("gap_rate_more" if gap.change > 0 else "gap_rate_fewer")
    label = input_labels(CRITERIA, [gap.input])
    return both(key, {"count": abs(gap.change), "current": gap.current_value, "target": gap.target_value,
                      "gain": gap.points_gain},
                unit=unit_label(CRITERIA, gap.input, abs(gap.change)), bound=gap.target, numerator=label, input=label)


def test_every_sentence_and_measure_read_is_the_one_worded_while_building(results):
    worded = 0
    for unit in results:
        indicators = {i.id: i for c in unit.criteria for i in c.indicators}
        for indicator in indicators.values():
            assert type(indicator) is WordedResult
            value, kind = indicator.measure, indicator.measure_kind
            expected = (None if value is None else Text.of(*(("có", "yes") if value else ("không", "no")))
                        if kind == "yes_no" else Text.of(str(int(value)), str(int(value))) if kind == "count"
                        else Text.of(f"{value:.2f}".replace(".", ",") + {"percent": "%", "per_1000": "‰"}[kind],
                                     f"{value:.2f}" + {"percent": "%", "per_1000": "‰"}[kind]))
            assert indicator.measure_display == expected
        for gap in unit.gaps:
            if gap.kind == "missing":
                continue
            result = indicators[gap.indicator]
            assert gap.current_measure == result.measure_display
            if gap.kind == "event" or (gap.change is not None and gap.target_value is not None):
                assert gap.message == _eager_message(gap, result)
                worded += 1
    assert worded > 300  # the batch has band and event gaps of rates and counts to word


def test_worded_results_are_the_plain_classes_to_every_reader(results):
    unit = next(u for u in results if any(g.kind == "event" for g in u.gaps) and any(g.kind == "band" for g in u.gaps))
    gaps = [g for g in unit.gaps if type(g) is WordedGap]
    indicator = unit.criteria[0].indicators[0]
    plain_gap = Gap(*(getattr(gaps[0], name) for name in WordedGap._NAMES))
    plain_result = IndicatorResult(*(getattr(indicator, name) for name in WordedResult._NAMES))
    assert gaps[0] == plain_gap and plain_gap == gaps[0] and not gaps[0] != plain_gap
    assert indicator == plain_result and plain_result == indicator
    # A criterion's result is its view (engine/rules/views.py, CriterionView): the plain class to every reader too.
    criterion = unit.criteria[0]
    assert type(criterion) is CriterionView
    plain_criterion = CriterionResult(*(getattr(criterion, name) for name in CriterionView._NAMES))
    assert criterion == plain_criterion and plain_criterion == criterion and not criterion != plain_criterion
    assert replace(gaps[0], flips_decision=True) == replace(plain_gap, flips_decision=True)
    for worded, plain in ((gaps[0], plain_gap), (indicator, plain_result), (criterion, plain_criterion)):
        for again in (pickle.loads(pickle.dumps(worded)), copy.copy(worded), copy.deepcopy(worded)):
            assert type(again) is type(plain) and again == plain
        assert to_data(worded) == to_data(plain)
    assert from_data(type(unit), to_data(unit)) == unit  # read back (the history, a server): plain and equal
    assert pickle.loads(pickle.dumps(unit)) == unit


def test_a_gap_not_yet_read_is_worded_once_and_kept(results):
    gap = next(g for u in results for g in u.gaps if type(g) is WordedGap and g.kind == "band" and g.change)
    fresh = copy.copy(gap)  # a plain Gap: every field worded
    assert gap.message is gap.message and gap.current_measure is gap.current_measure
    assert fresh.message == gap.message


def test_a_sentence_not_yet_worded_is_its_template_filled(tmp_path):
    """WordedGap.sentence (what the gaps sheet writes straight into its cell): the template filled with the figures,
    normalised, is the sentence read in each language, for every gap worded by its figures; None once read."""
    from bench.generate import write
    from engine.text import nfc

    units = []
    for count, seed, map_id in ((150, 3, "old"), (120, 4, "2025")):  # before and after the 1 July 2025 reform
        path = tmp_path / f"{map_id}.csv"
        write(path, count, seed, map_id)
        units += [validate_record(CRITERIA, record) for record in read_records(path)]
    results = list(evaluate_units(CRITERIA, units))
    assert {r.period for r in results} == {"2024", "2025"}
    filled = {"vi": 0, "en": 0}
    for gap in {id(g): g for unit in results for g in unit.gaps}.values():
        if type(gap) is not WordedGap:
            continue
        found = {lang: gap.sentence(lang) for lang in ("vi", "en")}
        for lang, sentence in found.items():
            if sentence is not None:
                template, figures = sentence
                assert nfc(template % figures) == gap.message(lang)
                filled[lang] += 1
        assert gap.sentence("vi") is None and gap.sentence("en") is None  # worded now: read as it is
    assert filled["vi"] == filled["en"] > 500
