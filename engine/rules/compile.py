"""The only module that touches durable_rules: compile a criteria set into the rulesets that decide everything
the law decides, and ask them.

There are three layers of rules, each over its own kind of fact; Python computes measures and sums between
them and never decides:

- indicator facts (an indicator's measure, or that its denominator is empty, or that it is unscored), one
  ruleset per indicator: one rule per band on the measure's interval, one for an empty denominator (its
  declared policy), one for unscored (a missing or invalid input gives no points). The rule's action carries
  the band and its points, compiled from the YAML.
- criterion facts (a criterion's points, and whether every indicator was scored): met, zero, below the
  minimum, or unscored, by the recognition section's minimum per criterion.
- unit facts (data errors, unscored indicators, category, total, criteria not met): invalid, incomplete,
  recognised or not — one rule per category with its threshold compiled into the condition.

The criteria and the units each have a ruleset too. Each fact is asked of the one ruleset that can decide it,
so durable tests it against a handful of rules, not all of them.

Decisions are memoised per (layer, fact values) for the life of the process: durable decides each distinct
value once (most counts repeat across a batch) and gaps and plans, which post candidate values through the
same calls, mostly hit the memo.

durable is driven through its C core (durable_rules_engine), not its Python Host: the host runs every fired
rule through a Python closure that serialises the session state and re-parses each message (measured: three
times the cost of the facts themselves). Here a call asserts a chunk of events, walks the fired rules with
start_action_for_state / complete_and_start_action, reading only each rule's name and the ids of the events it
matched (every rule is capped, so it fires once per call with all of them). An event is consumed by the rule it
matches and never stored, so nothing is retracted (facts, stored then retracted, cost a tenth more on a national
run's questions). Everything about durable's known behaviour is handled here:

- facts carry only typed values (str ids, floats) and a `kind`, and every fact carries every field the rules
  of its kind test (no rule tests whether a field is absent); facts stay small: durable's cost per fact grows
  with its size (padding every fact with every field of every kind doubled it, measured);
- one session (durable's default, no `sid` in the facts); events leave no state behind a call;
- no Host: no background dispatch or timer threads, nothing runs outside our own call;
- ruleset names are a hash of their content, each created once per process;
- an event stops at the first rule it matches, so overlapping rules would decide silently: when a ruleset is
  created, probe facts (which reach every rule they match) at every edge of every condition and between them
  must each match at most one rule, or EngineError (see _probe);
- an event no rule matches, or a failure while reading the fired rules, raises EngineError after every
  queued action is completed (the session stays clean); one lock per call (the C core is not thread-safe);
- facts are posted in chunks of at most CHUNK (past ~10,000 pending actions durable's host completed only
  part of a batch synchronously; chunks keep every call far from that).
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import threading
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Sequence

from engine.criteria.model import CriteriaSet, Indicator

SESSION = "0"  # durable's default session: facts name none
CHUNK = 2000
PROBE_CHUNK = 100  # probes are facts, stored until retracted: durable keeps the memory a chunk took (6.5 MB at 972)
MEMO_LIMIT = 100_000  # decisions kept per layer (~15 MB); past it the memo starts again (bounded memory at any size)
_LOCK = threading.Lock()
# A worker process is a fork (engine/batch.py): the lock is held across the fork, so the durable core is never
# copied in the middle of a call, and both processes go on with it free.
os.register_at_fork(before=_LOCK.acquire, after_in_parent=_LOCK.release, after_in_child=_LOCK.release)
_HANDLES: dict[str, int] = {}  # ruleset name -> durable's handle, created once per process

# Criterion outcomes and unit statuses, as the rules name them.
CRITERION_OUTCOMES = ("met", "zero", "below_minimum", "unscored")


class EngineError(RuntimeError):
    """durable_rules did not behave as the compiled rules require; results would be wrong, so stop."""


@dataclass(frozen=True)
class BandDecision:
    """What the rules decided for one indicator: the band (None: unscored) and the points it gives."""

    band: int | None
    points: int | None


@dataclass(frozen=True)
class UnitDecision:
    status: str            # invalid, incomplete, recognized, not_recognized
    below_threshold: bool  # the total is below the category's threshold (a reason when not recognised)


def _interval_conditions(indicator: Indicator, band_index: int) -> list[dict]:
    interval = indicator.intervals[band_index]
    conditions = []
    if interval.low is not None:
        conditions.append({"$gte" if interval.low_inclusive else "$gt": {"value": float(interval.low)}})
    if interval.high is not None:
        conditions.append({"$lte" if interval.high_inclusive else "$lt": {"value": float(interval.high)}})
    return conditions


def empty_band(indicator: Indicator) -> int:
    """The band an empty denominator scores as, by the indicator's declared policy."""
    points = [band.points for band in indicator.scoring.bands]
    if indicator.measure.empty_denominator == "full_points":
        return points.index(max(points))
    return points.index(min(points))


def _rule(*conditions: dict) -> dict:
    # "cap": a rule fires once per call with every fact it matched (up to CHUNK, the most a call asserts),
    # instead of once per fact: one action to read and complete per rule, not per fact (measured: asking
    # costs 5.0 µs per fact instead of 6.5).
    return {"all": [{"m": {"$and": list(conditions)}}], "cap": CHUNK}


def compile_rulesets(criteria: CriteriaSet) -> tuple[dict[str, dict[str, dict]], dict[str, Any]]:
    """durable's JSON rulesets, one per question (ruleset -> rule name -> {"all": [condition]}): each
    indicator's bands ("indicator 3"), a criterion's outcome ("criterion"), a unit's decision ("unit"); and what
    each rule decides (rule names are unique across them). A fact is asked of the one ruleset that can decide it:
    one ruleset holding every rule tested each fact against all of them (4.3 µs per fact against 3.1 on a national
    run's questions)."""
    rulesets: dict[str, dict[str, dict]] = {}
    decides: dict[str, Any] = {}
    for position, (_, indicator) in enumerate(criteria.indicators):
        rules = rulesets[f"indicator {position}"] = {}
        same = {"indicator": indicator.id}
        for band_index, band in enumerate(indicator.scoring.bands):
            name = f"indicator {position} band {band_index}"
            rules[name] = _rule({"kind": "measure"}, same, *_interval_conditions(indicator, band_index))
            decides[name] = BandDecision(band_index, band.points)
        if indicator.measure.is_rate:
            band_index = empty_band(indicator)
            name = f"indicator {position} empty"
            rules[name] = _rule({"kind": "empty"}, same)
            decides[name] = BandDecision(band_index, indicator.scoring.bands[band_index].points)
        name = f"indicator {position} unscored"  # a missing or invalid input: the indicator gives no points
        rules[name] = _rule({"kind": "unscored"}, same)
        decides[name] = BandDecision(None, None)

    minimum = float(criteria.recognition.min_points_per_criterion)
    rules = rulesets["criterion"] = {}
    criterion = ({"kind": "criterion"},)
    rules["criterion met"] = _rule(*criterion, {"complete": 1.0}, {"$gte": {"points": minimum}})
    rules["criterion zero"] = _rule(*criterion, {"complete": 1.0}, {"$lt": {"points": minimum}}, {"points": 0.0})
    rules["criterion below minimum"] = _rule(*criterion, {"complete": 1.0}, {"$lt": {"points": minimum}},
                                             {"$gt": {"points": 0.0}})
    rules["criterion unscored"] = _rule(*criterion, {"complete": 0.0})
    decides.update({f"criterion {o.replace('_', ' ')}": o for o in CRITERION_OUTCOMES})

    rules = rulesets["unit"] = {}
    unit = ({"kind": "unit"},)
    decided = (*unit, {"errors": 0.0}, {"unscored": 0.0})
    rules["unit invalid"] = _rule(*unit, {"$gt": {"errors": 0.0}})
    rules["unit incomplete data"] = _rule(*unit, {"errors": 0.0}, {"$gt": {"unscored": 0.0}})
    rules["unit incomplete category"] = _rule(*decided, {"category": ""})
    decides["unit invalid"] = UnitDecision("invalid", False)
    decides["unit incomplete data"] = decides["unit incomplete category"] = UnitDecision("incomplete", False)
    for category in criteria.categories:
        same = ({"category": category.id},)
        threshold = float(category.threshold)
        name = f"unit {category.id}"
        rules[f"{name} recognized"] = _rule(*decided, *same, {"not_met": 0.0}, {"$gte": {"total": threshold}})
        rules[f"{name} criteria not met"] = _rule(*decided, *same, {"$gt": {"not_met": 0.0}},
                                                  {"$gte": {"total": threshold}})
        rules[f"{name} below threshold"] = _rule(*decided, *same, {"$lt": {"total": threshold}})
        decides[f"{name} recognized"] = UnitDecision("recognized", False)
        decides[f"{name} criteria not met"] = UnitDecision("not_recognized", False)
        decides[f"{name} below threshold"] = UnitDecision("not_recognized", True)
    return rulesets, decides


class CompiledRules:
    """A criteria set's rulesets, each registered once in this process's durable core, and their memoised answers."""

    def __init__(self, criteria: CriteriaSet, memo: bool = True):
        self.criteria = criteria
        self.rulesets, self.decides = compile_rulesets(criteria)
        self.names = {part: _name(rules) for part, rules in self.rulesets.items()}  # durable's, per ruleset
        self.name = _name(self.rulesets)
        self.memo = memo
        self._memos: dict[str, dict] = {"indicator": {}, "criterion": {}, "unit": {}}
        self._ids = [indicator.id for _, indicator in criteria.indicators]

    def handle(self, part: str) -> int:
        """durable's handle of one of the rulesets (see compile_rulesets), created and probed on first use."""
        name = self.names[part]
        if name not in _HANDLES:
            handle = _core().create_ruleset(name, json.dumps(self.rulesets[part]))
            self._probe(part, handle)  # refused: EngineError, and the ruleset is never used
            _HANDLES[name] = handle
        return _HANDLES[name]

    # ------------------------------------------------------------------ the three questions

    def bands(self, items: Sequence[tuple[int, str, float | None]]) -> list[BandDecision]:
        """Band and points for each (indicator position, state, value); state is "value", "empty" or
        "unscored" (value None unless state is "value")."""
        return self._ask("indicator", items, self._indicator_fact)

    def criteria_outcomes(self, items: Sequence[tuple[bool, int]]) -> list[str]:
        """met / zero / below_minimum / unscored for each (every indicator scored, points)."""
        return self._ask("criterion", items, _criterion_fact)

    def units(self, items: Sequence[tuple[int, int, str | None, int, int]]) -> list[UnitDecision]:
        """The decision for each (data errors, unscored indicators, category or None, total, criteria not met)."""
        return self._ask("unit", items, _unit_fact)

    # Facts are written as JSON text without the closing brace (_post adds the id): building dicts and
    # serialising them was a fifth of the cost of asking.
    def _indicator_fact(self, item: tuple[int, str, float | None]) -> str:
        position, state, value = item
        if state != "value":
            return f'{self._heads[position][state]}0.0'
        if not math.isfinite(value):  # never from validated inputs; JSON could not carry it
            raise EngineError(f"indicator {self._ids[position]}: measure {value!r} is not a finite number")
        return f'{self._heads[position]["value"]}{float(value)!r}'

    @cached_property
    def _heads(self) -> list[dict[str, str]]:
        """Each indicator's fact as JSON text up to its value, per state."""
        kinds = {"value": "measure", "empty": "empty", "unscored": "unscored"}
        return [{state: f'{{"kind": "{kind}", "indicator": {json.dumps(indicator_id)}, "value": '
                 for state, kind in kinds.items()} for indicator_id in self._ids]

    def _probe(self, part: str, handle: int) -> None:
        """Check that no two rules of a ruleset overlap, once, before it decides anything. Every condition is
        an interval of one field (or an equality), so two rules overlap only if they share an edge of one of
        them or the stretch between two neighbouring edges: probing each edge, each midpoint between edges and
        a value beyond both ends of every field, as facts (which reach every rule they match), finds any
        overlap. Probes that match no rule are fine here (a yes/no measure of 2; an unknown category): what
        is asked is checked for that on every call."""
        if part.startswith("indicator "):
            position = int(part.split()[1])
            indicator = self.criteria.indicators[position][1]
            probes = [self._indicator_fact((position, "value", value))
                      for value in _around(float(edge) for interval in indicator.intervals
                                           for edge in (interval.low, interval.high) if edge is not None)]
            probes += [self._indicator_fact((position, "empty", None)), self._indicator_fact((position, "unscored", None))]
        elif part == "criterion":
            minimum = self.criteria.recognition.min_points_per_criterion
            top = max(criterion.max_points for criterion in self.criteria.criteria)
            probes = [_criterion_fact((complete, points)) for complete in (True, False)
                      for points in _around([0, minimum, top])]
        else:
            categories = [category.id for category in self.criteria.categories] + [None]
            totals = _around([0, self.criteria.instrument.total_points,
                              *(category.threshold for category in self.criteria.categories)])
            probes = [_unit_fact((errors, unscored, category, total, not_met)) for errors in _around([0])
                      for unscored in _around([0]) for category in categories for total in totals
                      for not_met in _around([0])]
        _post(self.decides, handle, probes, events=False, unmatched_ok=True, size=PROBE_CHUNK)

    def band_of(self, position: int, value: float) -> BandDecision:
        """bands() for one measure value (gaps and plans ask one candidate at a time)."""
        known = self._memos["indicator"].get((position, "value", value)) if self.memo else None
        return known or self.bands([(position, "value", value)])[0]

    def criterion_outcome(self, complete: bool, points: int) -> str:
        known = self._memos["criterion"].get((complete, points)) if self.memo else None
        return known or self.criteria_outcomes([(complete, points)])[0]

    def unit(self, errors: int, unscored: int, category: str | None, total: int, not_met: int) -> UnitDecision:
        item = (errors, unscored, category, total, not_met)
        known = self._memos["unit"].get(item) if self.memo else None
        return known or self.units([item])[0]

    # ------------------------------------------------------------------ asking durable

    def _ask(self, layer: str, items: Sequence[tuple], fact) -> list:
        if not self.memo:
            return self._decide(layer, items, fact)
        memo = self._memos[layer]
        if len(memo) > MEMO_LIMIT:  # cleared before looking: every item asked now is answered below
            memo.clear()
        try:
            return [memo[item] for item in items]  # the usual case for criteria and units: all known
        except KeyError:
            pass
        unknown = list(dict.fromkeys(item for item in items if item not in memo))
        if unknown and layer in self._ROWS:
            unknown = self._ROWS[layer](self, unknown)
        if unknown:
            memo.update(zip(unknown, self._decide(layer, unknown, fact)))
        return [memo[item] for item in items]

    def _decide(self, layer: str, items: Sequence[tuple], fact) -> list:
        """The rules' decision on each item, each asked of its ruleset (an indicator's own, for a band)."""
        if layer != "indicator":
            return self._post(layer, [fact(item) for item in items])
        by_position: dict[int, list[int]] = {}
        for index, item in enumerate(items):
            by_position.setdefault(item[0], []).append(index)
        decisions: list = [None] * len(items)
        for position, indices in by_position.items():
            for index, decision in zip(indices, self._post(f"indicator {position}", [fact(items[i]) for i in indices])):
                decisions[index] = decision
        return decisions

    # Gaps and plans ask about units one candidate at a time. A miss on a decidable unit (no errors, nothing
    # unscored) asks the rules about its whole row at once: every total a unit can score from the lowest asked
    # up (gaps and plans only ever add points), for that category and number of criteria not met — one durable
    # call instead of one per candidate. Criteria likewise.
    def _unit_rows(self, unknown: list[tuple]) -> list[tuple]:
        lowest: dict[tuple, int] = {}
        for errors, unscored, category, total, not_met in unknown:
            if errors == 0 and unscored == 0 and total < lowest.get((category, not_met), total + 1):
                lowest[(category, not_met)] = total
        known = self._memos["unit"]
        expanded = [(0, 0, category, total, not_met) for (category, not_met), low in lowest.items()
                    for total in self.totals if total >= low]
        return list(dict.fromkeys(unknown + [item for item in expanded if item not in known]))

    def _criterion_rows(self, unknown: list[tuple]) -> list[tuple]:
        top = max(c.max_points for c in self.criteria.criteria)
        expanded = [(complete, p) for complete in {c for c, _ in unknown} for p in range(top + 1)]
        return list(dict.fromkeys(unknown + [i for i in expanded if i not in self._memos["criterion"]]))

    _ROWS = {"unit": _unit_rows, "criterion": _criterion_rows}

    @cached_property
    def totals(self) -> list[int]:
        """Every total a unit can score: sums of one band's points per indicator (201 values for 2019)."""
        sums = {0}
        for _, indicator in self.criteria.indicators:
            points = {band.points for band in indicator.scoring.bands}
            sums = {total + p for total in sums for p in points}
        return sorted(sums)

    def _post(self, part: str, bodies: list[str]) -> list:
        """Ask one ruleset about each fact (JSON text without its closing brace; see bands()): the decision of
        the one rule it fires."""
        with _LOCK:
            return _post(self.decides, self.handle(part), bodies)


def _name(definition: dict) -> str:
    """A ruleset's name in durable, which can never be redefined in a process: a hash of its content."""
    return f"cfc_{hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:16]}"


def _criterion_fact(item: tuple[bool, int]) -> str:
    return f'{{"kind": "criterion", "complete": {float(item[0])!r}, "points": {float(item[1])!r}'


def _unit_fact(item: tuple[int, int, str | None, int, int]) -> str:
    return (f'{{"kind": "unit", "errors": {float(item[0])!r}, "unscored": {float(item[1])!r}, '
            f'"category": {_json_string(item[2] or "")}, "total": {float(item[3])!r}, "not_met": {float(item[4])!r}')


@functools.lru_cache(maxsize=256)  # a criteria set's few category ids, written once each
def _json_string(text: str) -> str:
    return json.dumps(text)


def _around(edges) -> list[float]:
    """Each edge, each midpoint between neighbouring edges, and a value beyond both ends."""
    edges = sorted(set(edges)) or [0.0]
    return [*edges, *((low + high) / 2 for low, high in zip(edges, edges[1:])), edges[0] - 1, edges[-1] + 1]


def _post(decides: dict, handle: int, bodies: list[str], events: bool = True, unmatched_ok: bool = False,
          size: int = CHUNK) -> list:
    """Assert the bodies (as events, or as facts retracted afterwards), `size` at a time, and read the rule each
    fires: its decision, in order. Call under _LOCK. A body two rules match, or (unless `unmatched_ok`, where it
    stays None) one no rule matches, raises EngineError."""
    core = _core()
    decisions: list = [None] * len(bodies)
    for start in range(0, len(bodies), size):
        chunk = bodies[start:start + size]
        text = "[" + ", ".join(f'{body}, "id": "{start + offset}"}}' for offset, body in enumerate(chunk)) + "]"
        if events:
            fired = _fire(core, handle, core.assert_events(handle, text)[1])
        else:
            try:
                fired = _fire(core, handle, core.assert_facts(handle, text)[1])
            finally:
                core.retract_facts(handle, text)
        for rule_name, fact_ids in fired:
            decided = decides[rule_name]
            for fact_id in fact_ids:
                index = int(fact_id)
                if decisions[index] is not None:
                    raise EngineError(f"fact {chunk[index - start]}}} matched two rules: overlapping rules")
                decisions[index] = decided
        undecided = [chunk[i - start] for i in range(start, start + len(chunk)) if decisions[i] is None]
        if undecided and not unmatched_ok:
            raise EngineError(f"{len(undecided)} fact(s) matched no rule, e.g. {undecided[0]}}}")
    return decisions


def _core():
    import durable_rules_engine
    return durable_rules_engine


def _fire(core, handle: int, state: int) -> list[tuple[str, list[str]]]:
    """(rule name, fact ids) for every rule the facts just asserted fire. durable queues one action per fired
    rule; each is read and completed in turn, all of them even after a failure, so nothing is left pending."""
    # Assertion returns code 1 when some fact matched no rule; the others' actions are queued all the same, so
    # they are always drained (and the unmatched facts reported by the caller).
    fired, failure = [], None
    action = core.start_action_for_state(handle, state)
    message = action[1] if action else None
    while message:
        if failure is None:
            try:
                fired.append(read_fired(message))
            except Exception as error:  # keep draining: an action left pending would reach the next call
                failure = error
        message = core.complete_and_start_action(handle, state)
    if failure is not None:
        raise EngineError(f"reading a fired rule from durable_rules failed: {failure}") from failure
    return fired


_FRAME = '{"m":'
_IDS = re.compile(r'"id": "([0-9]+)"\}\}')


def read_fired(message: str) -> tuple[str, list[str]]:
    """durable's message for one fired rule -> (rule name, ids of the facts it matched). A capped rule's
    message is {"rule name": [{"m": fact}, ...]}; one fact's is {"rule name": {"m": fact}}.

    The facts come back as the JSON we asserted, `"id"` last (see _post), so the ids are read from the text when
    there is one per frame (a string value cannot hold `"id": "` unescaped); anything else is parsed as JSON."""
    end = message.find('":')
    if message.startswith('{"') and end > 2:
        ids = _IDS.findall(message, end)
        if ids and len(ids) == message.count(_FRAME, end):
            return message[2:end], ids
    (rule_name, matched), = json.loads(message).items()
    return rule_name, [frame["m"]["id"] for frame in (matched if isinstance(matched, list) else [matched])]


_COMPILED: dict[str, CompiledRules] = {}


def rules_for(criteria: CriteriaSet) -> CompiledRules:
    key = criteria.digest or str(id(criteria))
    if key not in _COMPILED:
        _COMPILED[key] = CompiledRules(criteria)
    return _COMPILED[key]
