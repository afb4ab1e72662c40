"""engine/rules.py: the compiled durable_rules ruleset and the ways around durable's known traps."""
from __future__ import annotations

import random
import threading

import pytest
import yaml

from engine.rules import compile as rules
from engine.rules.criteria import default_criteria_path, load_criteria

CRITERIA = load_criteria()


def test_one_rule_per_band_and_one_per_empty_denominator_all_from_the_yaml():
    definition = rules.compile_ruleset(CRITERIA)
    bands = sum(len(ind.scoring.bands) for _, ind in CRITERIA.indicators)
    rates = sum(1 for _, ind in CRITERIA.indicators if ind.measure.is_rate)
    assert len(definition) == bands + rates
    # Conditions carry only typed values: strings for kind/indicator, floats for bounds.
    for rule in definition.values():
        for condition in rule["all"][0]["m"]["$and"]:
            for key, value in condition.items():
                if key.startswith("$"):
                    assert all(isinstance(v, float) for v in value.values()), condition
                else:
                    assert isinstance(value, str), condition


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
    for _ in range(3 * rules.CHUNK + 17):
        position = rng.randrange(len(CRITERIA.indicators))
        indicator = CRITERIA.indicators[position][1]
        kind = indicator.measure.kind
        value = {"yes_no": lambda: float(rng.random() < 0.5), "count": lambda: float(rng.randrange(6)),
                 "percent": lambda: rng.choice([0.0, 90.0, 95.0, 98.0, 100.0, rng.uniform(0, 100)]),
                 "per_1000": lambda: rng.choice([0.0, 0.5, 1.0, 3.0, 5.0, rng.uniform(0, 10)])}[kind]()
        items.append((position, "value", value))
    bands = rules.rules_for(CRITERIA).match(items)
    assert bands == [CRITERIA.indicators[p][1].band_for(v) for p, _, v in items]


def test_empty_denominator_scores_by_the_declared_policy():
    positions = [p for p, (_, ind) in enumerate(CRITERIA.indicators) if ind.measure.is_rate]
    bands = rules.rules_for(CRITERIA).match([(p, "empty", None) for p in positions])
    for position, band in zip(positions, bands):
        indicator = CRITERIA.indicators[position][1]
        assert indicator.measure.empty_denominator == "full_points"
        assert indicator.scoring.bands[band].points == indicator.max_points


def test_no_fact_outlives_a_call():
    compiled = rules.rules_for(CRITERIA)
    compiled.match([(0, "value", 1.0), (10, "value", 97.0)])
    assert rules._host().get_facts(compiled.name, rules.SESSION) == []


def test_the_host_starts_no_background_threads():
    before = threading.active_count()
    rules.rules_for(CRITERIA).match([(0, "value", 1.0)])
    assert rules._host() is rules._host()
    assert threading.active_count() == before


def test_an_exception_inside_an_action_is_raised_not_swallowed(monkeypatch):
    class Exploding(list):
        def append(self, item):
            raise RuntimeError("boom in action")

    monkeypatch.setattr(rules, "_SINK", Exploding())
    with pytest.raises(rules.EngineError, match="boom in action"):
        rules.rules_for(CRITERIA).match([(0, "value", 1.0)])
    monkeypatch.undo()
    # The session is clean afterwards: the next call works and leaves nothing behind.
    assert rules.rules_for(CRITERIA).match([(0, "value", 0.0)]) == [1]
    assert rules._host().get_facts(rules.rules_for(CRITERIA).name, rules.SESSION) == []
