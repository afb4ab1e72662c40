"""engine/rules/rulesets.py, compiled.py, facts.py, durable_core.py: the compiled durable_rules rulesets and the ways
around durable's known traps."""
from __future__ import annotations

import random
import sys
import threading
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference  # noqa: E402

from engine.rules import compiled as rules, decision_memo, durable_core  # noqa: E402
from engine.rules.rulesets import BandDecision, compile_rulesets  # noqa: E402
from engine.criteria.model import default_criteria_path, load_criteria  # noqa: E402

CRITERIA = load_criteria()
RAW_INDICATORS = [ind for c in reference.load(default_criteria_path())["criteria"] for ind in c["indicators"]]


def reference_band(position: int, value: float) -> int:
    """The band the reference evaluator's matcher puts a value in (yes/no values as booleans)."""
    raw = RAW_INDICATORS[position]
    value = bool(value) if raw["measure"]["kind"] == "yes_no" else Fraction(value)
    found = [i for i, band in enumerate(raw["scoring"]["bands"]) if reference.band_contains(band, value)]
    assert len(found) == 1, (raw["id"], value, found)
    return found[0]


def flat(rulesets: dict) -> dict:
    return {name: rule for rules in rulesets.values() for name, rule in rules.items()}


def test_one_rule_per_band_per_empty_denominator_per_outcome_all_from_the_yaml():
    rulesets, decides = compile_rulesets(CRITERIA)
    definition = flat(rulesets)
    bands = sum(len(ind.scoring.bands) for _, ind in CRITERIA.indicators)
    rates = sum(1 for _, ind in CRITERIA.indicators if ind.measure.is_rate)
    # + unscored per indicator, 4 criterion outcomes, invalid, 2 incomplete, and 3 decisions per category
    assert len(definition) == bands + rates + len(CRITERIA.indicators) + 4 + 3 + 3 * len(CRITERIA.categories)
    assert set(definition) == set(decides)
    # One ruleset per indicator, named after it and holding only its own rules, then one for criteria and one for
    # units.
    assert list(rulesets) == [f"indicator {ind.id}" for _, ind in CRITERIA.indicators] + ["criterion", "unit"]
    for _, indicator in CRITERIA.indicators:
        assert all(name.startswith(f"indicator {indicator.id}: ") and {"indicator": indicator.id} in rule["all"][0]["m"]["$and"]
                   for name, rule in rulesets[f"indicator {indicator.id}"].items())
    # Conditions carry only typed values: strings for kind/indicator/category, floats for numbers.
    for rule in definition.values():
        for condition in rule["all"][0]["m"]["$and"]:
            for key, value in condition.items():
                if key.startswith("$"):
                    assert all(isinstance(v, float) for v in value.values()), condition
                else:
                    assert isinstance(value, float if key in ("complete", "points", "errors", "unscored",
                                                              "not_met") else str), condition


def test_rules_are_named_by_what_they_decide():
    """A rule's name says the indicator, the band's bounds as the criteria file writes them and the points (or
    the category and its threshold): what a reader looks for, not a position."""
    rulesets, decides = compile_rulesets(CRITERIA)
    indicator = next(ind for _, ind in CRITERIA.indicators if ind.id == "7")
    assert [band.points for band in indicator.scoring.bands] == [50, 30, 10, 0]
    assert list(rulesets["indicator 7"]) == [
        "indicator 7: 98% <= measure -> band 0, 50 points", "indicator 7: 95% <= measure < 98% -> band 1, 30 points",
        "indicator 7: 90% <= measure < 95% -> band 2, 10 points", "indicator 7: measure < 90% -> band 3, 0 points",
        "indicator 7: denominator empty (full_points) -> band 0, 50 points",
        "indicator 7: input missing or invalid -> unscored, no points"]
    assert decides["indicator 7: 95% <= measure < 98% -> band 1, 30 points"] == BandDecision(1, 30)
    assert "indicator 3: 0.5 < measure <= 1 (per 1000) -> band 2, 30 points" in rulesets["indicator 3"]
    assert "indicator 12b: measure = 1 -> band 1, 15 points" in rulesets["indicator 12b"]
    assert "indicator 1a: measure = yes -> band 0, 50 points" in rulesets["indicator 1a"]
    assert "unit other: total < 850 -> not recognized, below the threshold" in rulesets["unit"]
    assert all(name.isascii() and '"' not in name for rules in rulesets.values() for name in rules)


def test_each_category_threshold_is_compiled_into_its_rules():
    definition = flat(compile_rulesets(CRITERIA)[0])
    for category in CRITERIA.categories:
        conditions = definition[f"unit {category.id}: every criterion met, total >= {category.threshold} -> recognized"]["all"][0]["m"]["$and"]
        assert {"category": category.id} in conditions
        assert {"$gte": {"total": float(category.threshold)}} in conditions


def test_ruleset_name_follows_content(tmp_path):
    data = yaml.safe_load(default_criteria_path().read_text(encoding="utf-8"))
    data["criteria"][6]["indicators"][0]["scoring"]["bands"][1]["min"] = 96
    data["criteria"][6]["indicators"][0]["scoring"]["bands"][2]["below"] = 96
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert rules.CompiledRules(load_criteria(edited)).name != rules.CompiledRules(CRITERIA).name
    assert rules.CompiledRules(load_criteria()).name == rules.CompiledRules(CRITERIA).name


def test_large_batches_match_every_fact_like_the_bands_say():
    # Far more facts than one chunk: durable completes only part of a huge batch synchronously.
    rng = random.Random(7)
    items = []
    for _ in range(3 * durable_core.CHUNK + 17):
        position = rng.randrange(len(CRITERIA.indicators))
        indicator = CRITERIA.indicators[position][1]
        kind = indicator.measure.kind
        value = {"yes_no": lambda: float(rng.random() < 0.5), "count": lambda: float(rng.randrange(6)),
                 "percent": lambda: rng.choice([0.0, 90.0, 95.0, 98.0, 100.0, rng.uniform(0, 100)]),
                 "per_1000": lambda: rng.choice([0.0, 0.5, 1.0, 3.0, 5.0, rng.uniform(0, 10)])}[kind]()
        items.append((position, "value", value))
    fresh = rules.CompiledRules(CRITERIA, memo=False)  # every fact goes to durable, none to the memo
    decisions = fresh.bands(items)
    assert [d.band for d in decisions] == [reference_band(p, v) for p, _, v in items]
    assert [d.points for d in decisions] == [CRITERIA.indicators[p][1].scoring.bands[reference_band(p, v)].points
                                             for p, _, v in items]
    assert rules.rules_for(CRITERIA).bands(items) == decisions  # the memoised answers are the same


def test_empty_denominator_scores_by_the_declared_policy():
    positions = [p for p, (_, ind) in enumerate(CRITERIA.indicators) if ind.measure.is_rate]
    decisions = rules.rules_for(CRITERIA).bands([(p, "empty", None) for p in positions])
    for position, decision in zip(positions, decisions):
        indicator = CRITERIA.indicators[position][1]
        assert indicator.measure.empty_denominator == "full_points"
        assert decision.points == indicator.max_points
        assert indicator.scoring.bands[decision.band].points == indicator.max_points


def test_a_missing_input_leaves_the_indicator_unscored():
    assert rules.rules_for(CRITERIA).bands([(0, "unscored", None), (5, "unscored", None)]) == \
        [BandDecision(None, None)] * 2


def test_criterion_outcomes():
    minimum = CRITERIA.recognition.min_points_per_criterion
    assert minimum == 1
    asked = [(True, 0), (True, 1), (True, 100), (False, 0), (False, 80)]
    for compiled in (rules.rules_for(CRITERIA), rules.CompiledRules(CRITERIA, memo=False)):
        assert compiled.criteria_outcomes(asked) == ["zero", "met", "met", "unscored", "unscored"]


def test_a_minimum_per_criterion_above_one_gives_below_minimum(tmp_path):
    data = yaml.safe_load(default_criteria_path().read_text(encoding="utf-8"))
    data["recognition"]["min_points_per_criterion"] = 20
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    compiled = rules.CompiledRules(load_criteria(edited))
    assert compiled.criteria_outcomes([(True, 0), (True, 15), (True, 19), (True, 20)]) == \
        ["zero", "below_minimum", "below_minimum", "met"]


@pytest.mark.parametrize("memo", [True, False])
def test_each_recognition_condition(memo):
    compiled = rules.CompiledRules(CRITERIA, memo=memo)
    asked = {
        # (errors, unscored, category, total, criteria not met): status, below the threshold
        (0, 0, "other", 850, 0): ("recognized", False),                       # exactly the threshold
        (0, 0, "other", 849, 0): ("not_recognized", True),                    # one point short
        (0, 0, "other", 1000, 1): ("not_recognized", False),                  # a criterion not met
        (0, 0, "other", 800, 2): ("not_recognized", True),                    # both
        (0, 0, "urban_ward_central_city", 899, 0): ("not_recognized", True),  # thresholds per category
        (0, 0, "urban_ward_central_city", 900, 0): ("recognized", False),
        (0, 0, "mountain_island_disadvantaged", 800, 0): ("recognized", False),
        (0, 0, "mountain_island_disadvantaged", 799, 0): ("not_recognized", True),
        (0, 1, "other", 1000, 0): ("incomplete", False),                      # an indicator unscored
        (0, 0, None, 1000, 0): ("incomplete", False),                         # no category
        (2, 0, "other", 1000, 0): ("invalid", False),                         # data errors win
        (1, 3, None, 0, 5): ("invalid", False),
    }
    got = compiled.units(list(asked))
    assert [(d.status, d.below_threshold) for d in got] == list(asked.values())


def test_an_unknown_category_is_decided_by_no_rule():
    with pytest.raises(durable_core.EngineError, match="matched no rule"):
        rules.CompiledRules(CRITERIA, memo=False).units([(0, 0, "atlantis", 900, 0)])


def test_memo_asks_durable_once_per_distinct_value(monkeypatch):
    compiled = rules.CompiledRules(CRITERIA)
    posted = []
    original = compiled._post
    monkeypatch.setattr(compiled, "_post", lambda part, bodies: posted.append(len(bodies)) or original(part, bodies))
    first = compiled.bands([(10, "value", 97.0), (10, "value", 97.0), (10, "value", 91.0)])
    again = compiled.bands([(10, "value", 91.0), (10, "value", 97.0)])
    assert posted == [2]  # two distinct values, one call; the second question is answered from the memo
    assert [d.points for d in first] == [30, 30, 10] and [d.points for d in again] == [10, 30]


def facts_left(compiled) -> list:
    return [fact for part in compiled.rulesets for fact in durable_core.facts_left(compiled.handle(part))]


def test_no_fact_outlives_a_call():
    compiled = rules.rules_for(CRITERIA)
    compiled.bands([(0, "value", 1.0), (10, "value", 97.0)])
    compiled.units([(0, 0, "other", 1000, 0)])
    assert facts_left(compiled) == []


def test_no_background_threads():
    before = threading.active_count()
    rules.CompiledRules(CRITERIA, memo=False).bands([(0, "value", 1.0)])
    assert threading.active_count() == before


def test_a_fact_no_rule_matches_is_an_error_and_the_others_leave_nothing_pending():
    compiled = rules.CompiledRules(CRITERIA, memo=False)
    with pytest.raises(durable_core.EngineError, match="matched no rule"):
        compiled.bands([(0, "value", 1.0), (0, "value", 2.0)])  # a yes/no measure of 2: no band
    # The matched fact's action was drained: the next call sees only its own facts.
    assert compiled.bands([(10, "value", 97.0)]) == [BandDecision(1, 30)]
    assert facts_left(compiled) == []


def _tampered(part: str, edit) -> rules.CompiledRules:
    """The shipped rulesets with one rule's conditions edited (as a compile bug would): a new content, so new
    names in durable."""
    import copy
    compiled = rules.CompiledRules(CRITERIA, memo=False)
    compiled.rulesets = copy.deepcopy(compiled.rulesets)
    edit(compiled.rulesets[part])
    return compiled


@pytest.mark.parametrize("part, name, widen, ask", [
    # The best band of indicator 7 (98 and above) also taking 96 to 98: overlaps the band below.
    ("indicator 7", "indicator 7: 98% <= measure -> band 0, 50 points",
     lambda conds: conds.__setitem__(-1, {"$gte": {"value": 96.0}}), lambda compiled: compiled.bands([(10, "value", 99.0)])),
    # A criterion met from 0 points: overlaps "zero".
    ("criterion", "criterion met: every indicator scored, points >= 1",
     lambda conds: conds.__setitem__(-1, {"$gte": {"points": 0.0}}),
     lambda compiled: compiled.criteria_outcomes([(True, 20)])),
    # Unit rules: "recognized" without the not_met condition overlaps "criteria not met".
    ("unit", "unit other: every criterion met, total >= 850 -> recognized", lambda conds: conds.pop(-2),
     lambda compiled: compiled.units([(0, 0, "other", 900, 0)])),
])
def test_overlapping_rules_are_refused_before_they_decide_anything(part, name, widen, ask):
    """Asked facts are events, which stop at the first rule they match: an overlap would decide silently, so
    a ruleset is probed (as facts, which reach every rule) when it is created."""
    compiled = _tampered(part, lambda rulesets: widen(rulesets[name]["all"][0]["m"]["$and"]))
    with pytest.raises(durable_core.EngineError, match="matched two rules"):
        ask(compiled)
    assert not durable_core.registered(compiled.rulesets[part])  # never used to decide


def test_the_probe_reaches_every_edge_and_the_shipped_rules_pass_it(monkeypatch):
    compiled = rules.CompiledRules(CRITERIA, memo=False)
    probed = []
    original = durable_core._post

    def spy(decides, handle, bodies, events=True, unmatched_ok=False, size=durable_core.CHUNK):
        if not events:
            probed.extend(bodies)
        return original(decides, handle, bodies, events, unmatched_ok, size)

    monkeypatch.setattr(durable_core, "_HANDLES", {})  # registered afresh: probed again
    monkeypatch.setattr(durable_core, "_post", spy)
    for part in ("indicator 7", "unit"):
        compiled.handle(part)
    assert '{"kind": "measure", "indicator": "%s", "value": 98.0' % CRITERIA.indicators[10][1].id in probed
    assert '{"kind": "measure", "indicator": "%s", "value": 96.5' % CRITERIA.indicators[10][1].id in probed
    threshold = CRITERIA.category_by_id["other"].threshold
    below = max(c.threshold for c in CRITERIA.categories if c.threshold < threshold)
    for total in (threshold, (below + threshold) / 2):  # the edge, and between it and the next edge down
        assert any(f'"category": "other", "total": {float(total)!r}' in body for body in probed)


def test_a_failure_while_reading_fired_rules_is_raised_and_the_session_stays_clean(monkeypatch):
    compiled = rules.CompiledRules(CRITERIA, memo=False)

    def explode(message):
        raise RuntimeError("boom while reading")

    monkeypatch.setattr(durable_core, "read_fired", explode)
    with pytest.raises(durable_core.EngineError, match="boom while reading"):
        compiled.bands([(0, "value", 1.0), (10, "value", 97.0)])
    monkeypatch.undo()
    # The session is clean afterwards: the next call works and leaves nothing behind.
    assert compiled.bands([(0, "value", 0.0)]) == [BandDecision(1, 0)]
    assert facts_left(compiled) == []


def test_a_fired_rule_is_read_from_durable_message_text_as_json_would_read_it():
    import json
    messages = ['{"indicator 10 band 2":[{"m":{"kind": "measure", "indicator": "7", "value": 94.0, "sid": "cfc", "id": "4"}},'
                '{"m":{"kind": "measure", "indicator": "7", "value": 95.5, "sid": "cfc", "id": "17"}}]}',
                '{"indicator 10 band 2":{"m":{"kind": "measure", "indicator": "7", "value": 94.0, "sid": "cfc", "id": "4"}}}',
                '{"unit other recognized":[{"m":{"kind": "unit", "category": "other", "sid": "cfc", "id": "12"}}]}',
                # Not in the asserted layout: parsed as JSON.
                '{"criterion met": [{"m": {"id": "3", "points": 1.0}}, {"m": {"points": 2.0, "id": "5"}}]}',
                '{"criterion met": {"m": {"id": "3", "points": 1.0}}}',
                # A text value that looks like an id cannot hold one unescaped: the ids are still the facts'.
                '{"unit x":[{"m":{"kind": "unit", "category": "a\\"id\\": \\"9\\"}}", "sid": "cfc", "id": "8"}}]}',
                # A name durable returns escaped (a quote, non-ASCII text from a criteria file's id): parsed as JSON.
                '{"indicator a\\":b: x":[{"m":{"kind": "measure", "value": 1.0, "id": "2"}}]}',
                '{"indicator \\u00e2: x":[{"m":{"kind": "measure", "value": 1.0, "id": "6"}}]}']
    for message in messages:
        (name, matched), = json.loads(message).items()
        frames = matched if isinstance(matched, list) else [matched]
        assert durable_core.read_fired(message) == (name, [frame["m"]["id"] for frame in frames])


def test_a_rule_fires_once_per_call_with_every_fact_it_matched():
    """Rules are capped: one action per rule and call, whatever the number of facts (what makes asking cheap)."""
    compiled = rules.CompiledRules(CRITERIA, memo=False)
    seen = []
    original = durable_core.read_fired

    def spy(message):
        seen.append(original(message))
        return seen[-1]

    items = [(10, "value", 97.0 + i / 1000) for i in range(50)] + [(10, "value", 10.0)]
    import unittest.mock
    with unittest.mock.patch.object(durable_core, "read_fired", spy):
        decisions = compiled.bands(items)
    assert decisions[:50] == [BandDecision(1, 30)] * 50
    assert len(seen) == 2 and sorted(len(ids) for _, ids in seen) == [1, 50]
    assert facts_left(compiled) == []


def test_a_full_memo_starts_again_and_answers_the_same(monkeypatch):
    monkeypatch.setattr(decision_memo, "MEMO_LIMIT", 3)
    compiled = rules.CompiledRules(CRITERIA)
    items = [(10, "value", float(v)) for v in (89, 90, 94, 95, 97, 98, 100)]
    first = compiled.bands(items)
    again = compiled.bands(items[::-1] + items)  # the memo is cleared on the way; every answer still given
    assert [d.points for d in first] == [0, 10, 10, 30, 30, 50, 50]
    assert again == first[::-1] + first


def test_facts_are_written_as_the_json_the_rules_expect(monkeypatch):
    # Facts are built as text (not dicts) for speed: each must parse to exactly the typed fields its rules test.
    import json
    compiled = rules.CompiledRules(CRITERIA, memo=False)
    posted = []
    original = compiled._post
    monkeypatch.setattr(compiled, "_post", lambda part, bodies: posted.extend(bodies) or original(part, bodies))
    compiled.bands([(0, "value", 1.0), (10, "value", 97.25), (5, "empty", None), (3, "unscored", None)])
    compiled.criteria_outcomes([(True, 70), (False, 0)])
    compiled.units([(0, 0, "other", 1000, 0), (2, 1, None, 0, 13)])
    facts = [json.loads(body + "}") for body in posted]
    ids = [indicator.id for _, indicator in CRITERIA.indicators]
    assert facts == [
        {"kind": "measure", "indicator": ids[0], "value": 1.0}, {"kind": "measure", "indicator": ids[10], "value": 97.25},
        {"kind": "empty", "indicator": ids[5], "value": 0.0}, {"kind": "unscored", "indicator": ids[3], "value": 0.0},
        {"kind": "criterion", "complete": 1.0, "points": 70.0}, {"kind": "criterion", "complete": 0.0, "points": 0.0},
        {"kind": "unit", "errors": 0.0, "unscored": 0.0, "category": "other", "total": 1000.0, "not_met": 0.0},
        {"kind": "unit", "errors": 2.0, "unscored": 1.0, "category": "", "total": 0.0, "not_met": 13.0}]
    assert all(type(v) in (str, float) for fact in facts for v in fact.values())  # typed: no int/str coercion
    with pytest.raises(durable_core.EngineError, match="not a finite number"):
        compiled.bands([(0, "value", float("nan"))])


def test_measures_no_bound_separates_are_asked_once_and_answered_alike(monkeypatch):
    """A rate's measure is nearly always new; the memo keeps it by the class of values its rules cannot tell
    apart (between the same two bounds, or on the same bound), read from the compiled rules."""
    compiled = rules.CompiledRules(CRITERIA)
    assert compiled.memo.edges[10] == [90.0, 95.0, 98.0]
    posted = []
    original = compiled._post
    monkeypatch.setattr(compiled, "_post", lambda part, bodies: posted.extend(bodies) or original(part, bodies))
    values = [95.5, 97.99, 96.0, 98.0, 98.0, 100.0, 99.1, 95.0, 94.999, 0.0, 89.9]
    decisions = compiled.bands([(10, "value", v) for v in values])
    assert [d.points for d in decisions] == [30, 30, 30, 50, 50, 50, 50, 30, 10, 0, 0]
    assert [d.band for d in decisions] == [reference_band(10, v) for v in values]
    # One question per class: (95, 98), 98, (98, ∞), 95, (90, 95), (-∞, 90).
    assert len(posted) == 6
    assert compiled.bands([(10, "value", 97.3), (10, "value", 101.0)]) == [BandDecision(1, 30), BandDecision(0, 50)]
    assert len(posted) == 6
    with pytest.raises(durable_core.EngineError, match="not a finite number"):  # never answered from the memo
        compiled.bands([(10, "value", float("nan"))])


def test_unit_questions_are_asked_once_per_class_and_answered_as_each_alone(monkeypatch):
    """A unit's question is kept by its class, field by field (the counts against 0, the total against each
    category's threshold, the category by value, as the compiled unit rules compare them): every question of a
    grid around every bound gets the answer durable gives it asked without a memo, and durable is asked once per
    class."""
    compiled = rules.CompiledRules(CRITERIA)
    thresholds = sorted({category.threshold for category in CRITERIA.categories})
    assert compiled.memo.unit_edges == [[0.0], [0.0], None, [float(t) for t in thresholds], [0.0]]
    posted = []
    original = compiled._post
    monkeypatch.setattr(compiled, "_post", lambda part, bodies: posted.extend(bodies) or original(part, bodies))
    totals = sorted({0, 1, CRITERIA.instrument.total_points, *(t + d for t in thresholds for d in (-1, 0, 1))})
    grid = [(errors, unscored, category, total, not_met) for errors in (0, 1, 3) for unscored in (0, 2)
            for category in [c.id for c in CRITERIA.categories] + [None] for total in totals for not_met in (0, 1, 4)]
    random.Random(1).shuffle(grid)
    plain = rules.CompiledRules(CRITERIA, memo=False).units(grid)
    got = compiled.units(grid[:50]) + compiled.units(grid[50:])
    assert got == plain
    assert [compiled.unit(*item) for item in grid] == plain  # asked one at a time: read as asked
    classes = {compiled.memo._unit_class(item) for item in grid}
    assert len(posted) == len(classes) < len(grid) / 3
    alone = rules.CompiledRules(CRITERIA)  # one at a time on an empty memo: each class asked once, then read by it
    asked_alone = alone._post
    monkeypatch.setattr(alone, "_post", lambda part, bodies: posted.extend(bodies) or asked_alone(part, bodies))
    posted.clear()
    assert [alone.unit(*item) for item in grid] == plain
    assert len(posted) == len(classes)


def test_field_bounds_are_read_only_from_comparisons_with_constants():
    def ruleset(*conditions):
        return {"a rule": {"all": [{"m": {"$and": [{"kind": "unit"}, *conditions]}}]}}

    fields = ("total", "category")
    assert rules.field_bounds(ruleset({"$gte": {"total": 800.0}}, {"total": 5}, {"category": "x"}), fields) == [
        [5.0, 800.0], None]
    assert rules.field_bounds(ruleset({"$gte": {"total": 800.0}}), fields) == [[800.0], []]
    assert rules.field_bounds(ruleset({"total": "text"}), fields) == [None, []]  # kept by value
    for refused in ({"$ne": {"total": 1.0}}, {"$gte": {"total": 1.0, "category": 2.0}}, {"other": 1.0},
                    {"$lt": {"category": 3.0}, "category": "x"}):
        assert rules.field_bounds(ruleset(refused), fields) is None, refused
