"""A unit as compact JSON: what is its own, without what the criteria metadata at the top of the file says once
for all (engine/results/render.py, criteria_metadata) — per indicator only the index of the band it reached and,
when it was not simply scored, its state; gaps and plan as data (their sentences are in --detail).

The text is exactly what `dumps` gives for the same keys and values in the same order (tests check it), but
written directly from the result's attributes: each value by `value_text`, without the encoder's set-up per call
(which costs more than a unit's small values) or a dict built to be encoded; and what repeats between units (a
criterion result's entries, a band, a gap; the reasons, a plan's blocks and the set's reference the engine
shares) is written once and kept.
"""
from __future__ import annotations

import json
import math
import re

from engine.messages import both
from engine.results.model import CriterionResult, UnitResult

# json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")), without building an encoder per
# call or tracking containers for cycles (results hold none): the same bytes, for a fraction less per unit.
dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"), check_circular=False).encode
_string = json.encoder.encode_basestring  # a string as the encoder writes it (ensure_ascii=False), in C


def value_text(value) -> str:
    """One value as `dumps` writes it: whole numbers, yes/no, text and None directly, anything else by the
    encoder."""
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is str:
        return _string(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    return dumps(value)


def set_key(id_: str, effective: str, digest: str) -> str:
    """How results name a criteria set: its id, the day it took effect and the start of its file's sha256."""
    return f"{id_}@{effective} sha256:{digest[:12]}"


def band_indexes(criteria) -> dict[str, tuple[str, dict[str, str]]]:
    """Per indicator, what a compact unit writes for it under "bands", as JSON text: `"id":null` when it reached
    no band, and for each band wording a result shows (plain, or as the empty-denominator band) `"id":index`."""
    out = {}
    for _, indicator in criteria.indicators:
        key = _string(indicator.id) + ":"
        texts = {}
        for index, text in enumerate(indicator.band_texts):
            texts[text.vi] = texts[both("band_empty_denominator", band=text).vi] = f"{key}{index}"
        out[indicator.id] = (key + "null", texts)
    return out


class Layout:
    """Where each piece of a compact unit scored by one criteria set comes from, worked out once, so that a unit's
    "values", "criteria", "bands" and "states" are each read from its result in one pass over the criteria or the
    indicators (a comprehension: Python 3.11 reads a slotted attribute in its loop, cheaper than `map` over an
    attrgetter, which calls out of the loop for each), each repeated piece of text looked up.

    Per criterion of the set: its number and its entries by (points, complete); per indicator (in the set's order,
    across criteria): its id, its entries under "bands" by the Vietnamese text of the band wording the result holds
    (a string that keeps its hash: no call per indicator, as id() was) and under "states" by state; per input of
    "values", in order (each at its first place): the indicator it is read from first. Whatever a result holds that
    the set does not say (another number of criteria or indicators, an indicator that reads other inputs) is written
    by `_criteria_one_by_one`, as the set's metadata cannot place it."""

    KEPT = 256  # combinations of the indicators' states kept (a handful; past it, they start again)

    def __init__(self, criteria):
        self.bands = band_indexes(criteria)
        self.numbers = [criterion.number for criterion in criteria.criteria]
        # Per criterion: its entries by points, when not complete and when complete (a list indexed by the flag
        # as its entry writes it, then a dict: cheaper than a (points, complete) key built and hashed).
        self.entries: list[tuple[dict, dict]] = [({}, {}) for _ in self.numbers]
        self.ids: list[str] = []
        self.lengths: list[int] = []  # per indicator: how many inputs it reads
        self.unreached: list[str] = []  # per indicator: its entry under "bands" when it reached none
        self.reached: list[dict[str, str]] = []  # per indicator: a band wording's Vietnamese → its entry
        self.states: list[dict] = []  # per indicator: state → its entry under "states" ("" when scored)
        read_from, names = [], []
        for criterion in criteria.criteria:
            for indicator in criterion.indicators:
                declared = list(indicator.measure.inputs)
                for name in declared:
                    if name not in names:
                        names.append(name)
                        read_from.append(len(self.ids))
                self.ids.append(indicator.id)
                self.lengths.append(len(declared))
                unreached, texts = self.bands[indicator.id]
                self.unreached.append(unreached)
                self.reached.append(texts)
                self.states.append({state: "" if state == "scored" else f"{_string(indicator.id)}:{_string(state)}"
                                    for state in ("scored", "empty_denominator", "missing", "invalid")})
        self.names = names
        self.read_from = read_from
        self.places = list(zip(read_from, names))  # per input of "values": (the indicator it is read from, name)
        # Every value in one formatting: repr writes whole numbers as JSON does, and yes/no and nothing as True,
        # False and None, which no input's name holds when names are [a-z][a-z0-9_]* (as the schema says).
        plain = all(_NAME.fullmatch(name) for name in names)
        self.template = ",".join([f'"{name}":%r' for name in names]) if plain else None
        self.keys = [f"{_string(name)}:" for name in names]
        self.gaps: dict[tuple, str] = {}  # gaps already written, by what they say (see _gap)
        # "states" by the indicators' states in order: a national batch has a handful of combinations (16 in
        # 5,350 units), so one lookup replaces a lookup per indicator, a filter and a join (~17k instructions of
        # a unit's ~210k in _criteria, callgrind).
        self.state_texts: dict[tuple, str] = {}
        self.said: dict[str, Said] = {}  # per language: what is written from objects shared between units


_NAME = re.compile("[a-z][a-z0-9_]*")
_NONE = type(None)
_REPR_KINDS = {int, bool, type(None)}  # what `repr` writes as JSON does, but for the words above


def _criteria(result: UnitResult, layout: Layout) -> tuple[str, str, str, str]:
    """A unit's "values", "criteria", "bands" and "states" (the text inside each)."""
    criteria = result.criteria
    if [criterion.number for criterion in criteria] != layout.numbers:
        return _criteria_one_by_one(result, layout)
    indicators = [indicator for criterion in criteria for indicator in criterion.indicators]
    if [indicator.id for indicator in indicators] != layout.ids:
        return _criteria_one_by_one(result, layout)
    inputs = [indicator.inputs for indicator in indicators]
    values = None
    if list(map(len, inputs)) == layout.lengths:  # each reads as many inputs as it declares: in their order
        try:
            found = tuple([inputs[index][name] for index, name in layout.places])
        except KeyError:  # an indicator that reads other inputs than it declares
            found = None
        if found is not None:
            kinds = set(map(type, found))
            if layout.template is not None and kinds <= _REPR_KINDS:
                values = layout.template % found
                if bool in kinds:  # yes/no as JSON writes them (no name holds the words: see Layout.template)
                    values = values.replace("True", "true").replace("False", "false")
                if _NONE in kinds:
                    values = values.replace("None", "null")
            else:
                values = ",".join(map(str.__add__, layout.keys, map(value_text, found)))
    if values is None:
        values = _values(result)
    entries = [kept[1 if criterion.complete else 0].get(criterion.points)
               for kept, criterion in zip(layout.entries, criteria)]
    if None in entries:
        for position, text in enumerate(entries):
            if text is None:
                criterion = criteria[position]
                kept = layout.entries[position][1 if criterion.complete else 0]
                entries[position] = kept[criterion.points] = _entry(criterion)
    # A band wording the set does not hold (none reached, or a wording of its own) is written as none reached.
    reached = [unreached if (band := indicator.band) is None else texts.get(band.vi, unreached)
               for unreached, texts, indicator in zip(layout.unreached, layout.reached, indicators)]
    key = tuple([indicator.state for indicator in indicators])
    states = layout.state_texts.get(key)
    if states is None:
        texts = list(map(dict.get, layout.states, key))
        states = ",".join([text if text is not None else f"{_string(indicator.id)}:{_string(indicator.state)}"
                           for text, indicator in zip(texts, indicators) if text != ""])
        if len(layout.state_texts) >= Layout.KEPT:
            layout.state_texts.clear()
        layout.state_texts[key] = states
    return values, ",".join(entries), ",".join(reached), states


def _entry(criterion: CriterionResult) -> str:
    return (f'{{"number":{criterion.number:d},"points":{criterion.points:d},"complete":'
            f'{"true" if criterion.complete else "false"}}}')


def _values(result: UnitResult) -> str:
    """A unit's "values", gathered from its indicators' inputs one by one: each input at its first place."""
    values: dict[str, str] = {}
    for criterion in result.criteria:
        for indicator in criterion.indicators:
            for name, value in indicator.inputs.items():
                if name not in values:
                    values[name] = f"{_string(name)}:{value_text(value)}"
    return ",".join(values.values())


def _criteria_one_by_one(result: UnitResult, layout: Layout) -> tuple[str, str, str, str]:
    """_criteria for a result that does not follow its set's layout: each indicator's band by its id (none when
    the set has no such indicator)."""
    reached, states = [], []
    for criterion in result.criteria:
        for indicator in criterion.indicators:
            unreached, by_text = layout.bands.get(indicator.id) or (_string(indicator.id) + ":null", {})
            band = indicator.band
            reached.append(unreached if band is None else by_text.get(band.vi, unreached))
            if indicator.state != "scored":
                states.append(f"{_string(indicator.id)}:{_string(indicator.state)}")
    return (_values(result), ",".join([_entry(criterion) for criterion in result.criteria]), ",".join(reached),
            ",".join(states))


SAID_KEPT = 8_192  # objects whose text a Said keeps (see Said); past it, they start again


class Said:
    """The text of what the engine shares between units — a criterion's reasons, a plan's blocks, the reference of
    the set that scored — kept by the identity of the object it is written from, in one language (a reason's
    sentence). Each object is held beside its text, so that its identity is never another's while kept."""

    def __init__(self):
        self.texts: dict[int, str] = {}  # id of an object held below → its text
        self.held: list = []

    def _kept(self, thing, text: str) -> str:
        if len(self.held) >= SAID_KEPT:
            self.texts.clear()
            self.held.clear()
        self.texts[id(thing)] = text
        self.held.append(thing)
        return text

    def reason(self, reason, lang: str) -> str:
        return self._kept(reason, f'{{"code":{_string(reason.code)},"criterion":{value_text(reason.criterion)},'
                                  f'"message":{_string(reason.message(lang))}}}')

    def block(self, block) -> str:
        return self._kept(block, f'{{"criterion":{block.criterion:d},"indicator":{value_text(block.indicator)}}}')

    def scored_by(self, ref) -> str:
        return self._kept(ref, _string(set_key(ref.id, ref.effective, ref.digest)))


GAPS_KEPT = 5_000  # gaps' text kept per criteria set (see _gap); past it, they start again


def _gap(gap, kept: dict) -> str:
    """A gap as compact JSON (its sentence is in --detail), kept by what it says: many units lack the same."""
    target = gap.target_value
    key = (gap.indicator, gap.kind, gap.points_gain, gap.input, target, type(target), gap.flips_decision)
    try:
        text = kept.get(key)
    except TypeError:  # a value that cannot be a key
        key, text = None, None
    if text is None:
        text = (f'{{"indicator":{_string(gap.indicator)},"kind":{_string(gap.kind)},"points_gain":'
                f'{value_text(gap.points_gain)},"input":{value_text(gap.input)},"target_value":{value_text(target)},'
                f'"flips_decision":{"true" if gap.flips_decision else "false"}}}')
        if key is not None:
            if len(kept) >= GAPS_KEPT:
                kept.clear()
            kept[key] = text
    return text


def compact_unit(result: UnitResult, lang: str, layout: Layout) -> str:
    """A unit's own results as compact JSON; `layout`: the Layout of the set that scored it."""
    return "".join(compact_parts(result, lang, layout))


def compact_unit_bytes(result: UnitResult, lang: str, layout: Layout, before: bytes = b"") -> bytes:
    """`before` then compact_unit as UTF-8, its parts encoded one by one: most of a unit's text (values, criteria,
    bands, states, gaps) is ASCII, which encodes as a copy, while the whole unit, holding a Vietnamese name, is
    encoded character by character (~30k instructions a unit of ~2,900 characters, callgrind)."""
    head, values, reasons, rest = compact_parts(result, lang, layout)
    return b"".join((before, head.encode(), values.encode(), reasons.encode(), rest.encode()))


def compact_parts(result: UnitResult, lang: str, layout: Layout) -> tuple[str, str, str, str]:
    """A unit's compact JSON in four parts, joined in order: its identity and decision (names, source: text in
    any script), its values, criteria, bands and states (ASCII when its values are numbers and yes/no), its
    reasons (sentences), the rest (gaps and plan as data, and what went wrong)."""
    values, criteria, reached, states = _criteria(result, layout)
    said = layout.said.get(lang) or layout.said.setdefault(lang, Said())
    # Reasons, a plan's blocks and the set that scored are objects the engine shares between units (729 reasons
    # of 13,209 in the national batch are distinct): each written once and looked up by its identity. (Gaps are
    # kept by what they say, see _gap: by identity, 45% of them are shared, 75% by what they say.)
    texts = said.texts
    reasons = ",".join([texts.get(id(reason)) or said.reason(reason, lang) for reason in result.reasons])
    kept = layout.gaps
    gaps = ",".join([_gap(gap, kept) for gap in result.gaps])
    ref, plan = result.criteria_set, result.plan
    # As data: each input's label is in the metadata's inputs, each sentence in --detail. Null as in --detail
    # (invalid data or an unknown category: nothing to plan against).
    if plan is None:
        planned = "null"
    else:
        changes, blocked = plan.changes, plan.blocked_by
        if changes or blocked:
            planned = _planned(plan, said)
        else:
            planned = _REACHES if plan.reaches_recognition else _FALLS_SHORT
    # Always said, null included: a unit whose period picks no set was scored by none.
    scored_by = "null" if ref is None else texts.get(id(ref)) or said.scored_by(ref)
    # What went wrong: nothing, for most units (four empty lists, written without a comprehension each).
    if result.missing_inputs or result.errors or result.error_details or result.ignored_inputs:
        wrong = "".join((
            '],"missing_inputs":[', ",".join([_string(name) for name in result.missing_inputs]),
            '],"errors":[', ",".join([_string(error(lang)) for error in result.errors]),
            '],"error_details":[', ",".join([_detail(e, lang) for e in result.error_details]),
            '],"ignored_inputs":[', ",".join([_string(name) for name in result.ignored_inputs])))
    else:
        wrong = _NOTHING_WRONG
    # What the official list of units says of the unit (engine/registry/checks.py), only when there is something
    # to say: a unit that matches the list and had nothing filled is written as before.
    notes = ""
    if result.warnings:
        notes += ',"warnings":[' + ",".join([_detail(w, lang) for w in result.warnings]) + "]"
    if result.filled:
        notes += ',"filled":[' + ",".join([_string(name) for name in result.filled]) + "]"
    # The unit's own fields, each written in line when it is what it mostly is (text; a whole number) and by
    # value_text otherwise: a call of a Python function per field was ~3k of a unit's instructions (callgrind).
    code, name, district, province = result.unit_code, result.unit_name, result.district, result.province
    period, category = result.period, result.category
    total, most, bar, short = result.total, result.max_total, result.threshold, result.shortfall
    return ("".join((
        '{"unit_code":', _string(code) if code.__class__ is str else value_text(code),
        ',"unit_name":', _string(name) if name.__class__ is str else value_text(name),
        ',"district":', _string(district) if district.__class__ is str else value_text(district),
        ',"province":', _string(province) if province.__class__ is str else value_text(province),
        ',"period":', _string(period) if period.__class__ is str else value_text(period),
        ',"category":', _string(category) if category.__class__ is str else value_text(category),
        ',"source":', _string(result.source(lang)), ',"status":', _string(result.status),
        ',"total":', int.__repr__(total) if total.__class__ is int else value_text(total),
        ',"max_total":', int.__repr__(most) if most.__class__ is int else value_text(most),
        ',"threshold":', int.__repr__(bar) if bar.__class__ is int else value_text(bar),
        ',"shortfall":', int.__repr__(short) if short.__class__ is int else value_text(short))),
        "".join((',"values":{', values, '},"criteria":[', criteria, '],"bands":{', reached, '},"states":{', states)),
        '},"reasons":[' + reasons,
        "".join(('],"gaps":[', gaps, wrong, '],"plan":', planned, ',"criteria_set":', scored_by, notes, "}")))


# A plan with nothing to change and nothing in the way: most units' (59% of the national batch).
_REACHES = '{"reaches_recognition":true,"changes":[],"blocked_by":[]}'
_FALLS_SHORT = '{"reaches_recognition":false,"changes":[],"blocked_by":[]}'
_NOTHING_WRONG = '],"missing_inputs":[],"errors":[],"error_details":[],"ignored_inputs":['


def _planned(plan, said: Said) -> str:
    """A plan with changes or blocks: each change written out (4,787 of 4,787 distinct in the national batch),
    each block looked up by its identity (331 of 6,347)."""
    texts = said.texts
    changes = ",".join([f'{{"input":{_string(c.input)},"from":{value_text(c.from_)},"to":{value_text(c.to)},'
                        f'"points":{c.points:d},"criterion":{c.criterion:d},"indicator":{_string(c.indicator)}}}'
                        for c in plan.changes])
    blocks = ",".join([texts.get(id(block)) or said.block(block) for block in plan.blocked_by])
    return (f'{{"reaches_recognition":{"true" if plan.reaches_recognition else "false"},"changes":[{changes}],'
            f'"blocked_by":[{blocks}]}}')


def _detail(detail, lang: str) -> str:
    """An error detail or a warning: the input, its value (NaN and infinity as text: _finite) and the sentence."""
    return (f'{{"input":{value_text(detail.input)},"value":{value_text(_finite(detail.value))},"message":'
            f'{_string(detail.message(lang))}}}')


def _finite(value):
    """A value as given, fit for JSON: NaN and infinity (a YAML .nan, say) are shown as the text they were."""
    return str(value) if isinstance(value, float) and not math.isfinite(value) else value
