"""Asking a criteria set's rules: the three questions the engine asks, answered by durable_rules.

`rules_for(criteria)` gives the set's CompiledRules: its rulesets (engine/rules/rulesets.py), each registered in
this process's durable core the first time it is asked and probed for overlaps then (engine/rules/facts.py,
engine/rules/durable_core.py), and the answers already given (engine/rules/decision_memo.py). Each fact is asked
of the one ruleset that can decide it: an indicator's own, "criterion" or "unit" (one ruleset holding every rule
tested each fact against all of them: 4.3 µs per fact against 3.1 on a national run's questions).
"""
from __future__ import annotations

from typing import Sequence

from engine.criteria.model import CriteriaSet
from engine.rules import durable_core, memos
from engine.rules.decision_memo import DecisionMemo
from engine.rules.facts import UNIT_FIELDS, IndicatorFacts, criterion_fact, criterion_probes, unit_fact, unit_probes
from engine.rules.rulesets import BandDecision, UnitDecision, compile_rulesets, indicator_ruleset


class CompiledRules:
    """A criteria set's rulesets and their answers. Questions name an indicator by its position in
    `criteria.indicators`."""

    def __init__(self, criteria: CriteriaSet, memo: bool = True):
        self.criteria = criteria
        self.rulesets, self.decides = compile_rulesets(criteria)
        self.name = durable_core.ruleset_name(self.rulesets)
        self.facts = IndicatorFacts(criteria)
        self._parts = [indicator_ruleset(indicator) for _, indicator in criteria.indicators]
        self.memo = (DecisionMemo(criteria, [bounds(self.rulesets[part]) for part in self._parts],
                                  field_bounds(self.rulesets["unit"], UNIT_FIELDS)) if memo else None)
        self._handles: dict[str, int] = {}

    def handle(self, part: str) -> int:
        """durable's handle of one of the rulesets, registered (and probed) on first use."""
        handle = self._handles.get(part)
        if handle is None:
            handle = self._handles[part] = durable_core.register(self.rulesets[part], self.decides,
                                                                  self._probes(part))
        return handle

    def _probes(self, part: str) -> list[str]:
        if part == "criterion":
            return criterion_probes(self.criteria)
        if part == "unit":
            return unit_probes(self.criteria)
        position = self._parts.index(part)
        return self.facts.probes(position, self.criteria.indicators[position][1])

    # ------------------------------------------------------------------ the three questions

    # Each asks the memo first (engine/rules/decision_memo.py), then durable about what it does not know.
    def bands(self, items: Sequence[tuple[int, str, float | None]]) -> list[BandDecision]:
        """Band and points for each (indicator position, state, value); state is "value", "empty" or
        "unscored" (value None unless state is "value")."""
        memo = self._memo()
        if memo is None:
            return self._decide_bands(list(items))
        keys = memo.keys("indicator", items)
        known = memo.all_known("indicator", keys)
        if known is not None:
            return known
        keys, asked, asked_keys = memo.look_up("indicator", items, keys)
        if asked:
            memo.keep("indicator", asked_keys, self._decide_bands(asked))
        return memo.answers("indicator", keys)

    def criteria_outcomes(self, items: Sequence[tuple[bool, int]]) -> list[str]:
        """met / zero / below_minimum / unscored for each (every indicator scored, points)."""
        memo = self._memo()
        if memo is None:
            return self._post("criterion", [criterion_fact(item) for item in items])
        known = memo.all_known("criterion", items)
        if known is not None:
            return known
        keys, asked, asked_keys = memo.look_up("criterion", items)
        if asked:
            memo.keep("criterion", asked_keys, self._post("criterion", [criterion_fact(item) for item in asked]))
        return memo.answers("criterion", keys)

    def units(self, items: Sequence[tuple[int, int, str | None, int, int]]) -> list[UnitDecision]:
        """The decision for each (data errors, unscored indicators, category or None, total, criteria not met)."""
        memo = self._memo()
        if memo is None:
            return self._post("unit", [unit_fact(item) for item in items])
        keys, asked, asked_keys = memo.look_up("unit", items)
        if asked:
            memo.keep("unit", asked_keys, self._post("unit", [unit_fact(item) for item in asked]))
        return memo.answers("unit", keys)

    # One question at a time (gaps and plans ask about one candidate at a time): the memo first.
    def band_of(self, position: int, value: float) -> BandDecision:
        item = (position, "value", value)
        return self._known("indicator", item) or self.bands([item])[0]

    # A criterion's or unit's question is its own key in the memo: read directly (gaps and plans ask many).
    # (self._memo() inline, memos.on too: gaps' flips and plans ask thousands.)
    def criterion_outcome(self, complete: bool, points: int) -> str:
        item = (complete, points)
        memo = self.memo
        return ((memo is not None and "decisions" not in memos.OFF and memo.known["criterion"].get(item))
                or self.criteria_outcomes([item])[0])

    def unit(self, errors: int, unscored: int, category: str | None, total: int, not_met: int) -> UnitDecision:
        item = (errors, unscored, category, total, not_met)
        memo = self.memo
        return ((memo is not None and "decisions" not in memos.OFF and (memo.known["unit"].get(item)
                                                                 or memo.unit_by_class(item)))
                or self.units([item])[0])

    # ------------------------------------------------------------------ asking durable

    def _memo(self) -> DecisionMemo | None:
        return self.memo if self.memo is not None and memos.on("decisions") else None

    def _known(self, layer: str, item: tuple):
        memo = self._memo()
        return memo.get(layer, item) if memo is not None else None

    def _decide_bands(self, items: list[tuple]) -> list[BandDecision]:
        """Each indicator question asked of its indicator's ruleset, one call per indicator."""
        by_position: dict[int, list[int]] = {}
        for index, item in enumerate(items):
            by_position.setdefault(item[0], []).append(index)
        decisions: list = [None] * len(items)
        fact = self.facts.fact
        for position, indices in by_position.items():
            asked = self._post(self._parts[position], [fact(items[i]) for i in indices])
            for index, decision in zip(indices, asked):
                decisions[index] = decision
        return decisions

    def _post(self, part: str, bodies: list[str]) -> list:
        return durable_core.post(self.decides, self.handle(part), bodies)


def bounds(ruleset: dict[str, dict]) -> list[float] | None:
    """The constants an indicator's rules compare its measure with, sorted; None when some condition on the
    measure is not such a comparison (then no class of values can be trusted to match one rule)."""
    found = set()
    for rule in ruleset.values():
        for condition in rule["all"][0]["m"]["$and"]:
            for operator, operand in condition.items():
                if operator == "value":
                    found.add(float(operand))
                elif operator in ("$gte", "$gt", "$lte", "$lt") and set(operand) == {"value"}:
                    found.add(float(operand["value"]))
                elif operator.startswith("$") or operator not in ("kind", "indicator"):
                    return None
    return sorted(found)


def field_bounds(ruleset: dict[str, dict], fields: tuple[str, ...]) -> list[list[float] | None] | None:
    """Per field of a question (in `fields`' order), the constants the ruleset's rules compare it with, sorted, or
    None for a field only ever tested for equality with text (kept by value); None when some condition is neither
    (then no class of questions can be trusted to match one rule)."""
    numbers: dict[str, set] = {name: set() for name in fields}
    texts: set[str] = set()
    for rule in ruleset.values():
        for condition in rule["all"][0]["m"]["$and"]:
            for operator, operand in condition.items():
                if operator in ("$gte", "$gt", "$lte", "$lt") and len(operand) == 1:
                    (name, operand), = operand.items()
                elif operator.startswith("$"):
                    return None
                else:
                    name = operator
                if name == "kind":
                    continue
                if name not in numbers:
                    return None
                if isinstance(operand, str):
                    texts.add(name)
                elif isinstance(operand, (int, float)) and not isinstance(operand, bool):
                    numbers[name].add(float(operand))
                else:
                    return None
    if any(numbers[name] for name in texts):
        return None  # a field compared both with text and with numbers: not a class of either
    return [None if name in texts else sorted(numbers[name]) for name in fields]


_COMPILED: dict[str, CompiledRules] = {}


def rules_for(criteria: CriteriaSet) -> CompiledRules:
    """The set's compiled rules, one per set and process (their memo shared by every batch)."""
    key = criteria.digest or str(id(criteria))
    if key not in _COMPILED:
        _COMPILED[key] = CompiledRules(criteria)
    return _COMPILED[key]
