"""A unit as compact JSON: what is its own, without what the criteria metadata at the top of the file says once
for all (engine/results/render.py, criteria_metadata) — per indicator only the index of the band it reached and,
when it was not simply scored, its state; gaps and plan as data (their sentences are in --detail).

The text is exactly what `dumps` gives for the same keys and values in the same order (tests check it), but
written directly from the result's attributes: each value by `value_text`, without the encoder's set-up per call
(which costs more than a unit's small values) or a dict built to be encoded.
"""
from __future__ import annotations

import json
import math

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


CRITERIA_KEPT = 5_000  # criterion results whose pieces are kept (see compact_unit); past it, it starts again


def criterion_pieces(criterion: CriterionResult, bands: dict[str, tuple[str, dict[str, str]]]) -> tuple:
    """What a criterion's result gives a compact unit: its entry under "criteria", and per indicator its entries
    under "values" (name → `"name":value`), "bands" and "states"."""
    values, reached, states = {}, [], []
    for indicator in criterion.indicators:
        for name, value in indicator.inputs.items():  # an input read by several indicators keeps its first place
            if name not in values:
                values[name] = f"{_string(name)}:{value_text(value)}"
        unreached, by_text = bands.get(indicator.id) or (_string(indicator.id) + ":null", {})
        band = indicator.band
        reached.append(unreached if band is None else by_text.get(band.vi, unreached))
        if indicator.state != "scored":
            states.append(f"{_string(indicator.id)}:{_string(indicator.state)}")
    entry = (f'{{"number":{criterion.number:d},"points":{criterion.points:d},"complete":'
             f'{"true" if criterion.complete else "false"}}}')
    return entry, tuple(values.items()), reached, states


def compact_unit(result: UnitResult, lang: str, bands: dict[str, tuple[str, dict[str, str]]],
                 kept: dict | None = None) -> str:
    """A unit's own results as compact JSON; `bands`: band_indexes of the set that scored it. `kept`: each
    criterion result's pieces (criterion_pieces) by its identity, for a renderer's units: the engine shares one
    criterion result between the units whose indicators gave the same (engine/rules/views.py), so most of a
    unit's criteria are written once for many units. Each is kept beside its result (so its identity is never
    another's while kept)."""
    values: dict = {}
    criteria, reached, states = [], [], []
    for criterion in result.criteria:
        pieces = None if kept is None else kept.get(id(criterion))
        if pieces is None or pieces[0] is not criterion:
            pieces = (criterion, *criterion_pieces(criterion, bands))
            if kept is not None:
                if len(kept) >= CRITERIA_KEPT:
                    kept.clear()
                kept[id(criterion)] = pieces
        _, entry, named, bands_of, states_of = pieces
        criteria.append(entry)
        if values:
            for name, text in named:
                if name not in values:
                    values[name] = text
        else:
            values.update(named)
        reached += bands_of
        if states_of:
            states += states_of
    ref, plan = result.criteria_set, result.plan
    reasons = [f'{{"code":{_string(r.code)},"criterion":{value_text(r.criterion)},"message":'
               f'{_string(r.message(lang))}}}' for r in result.reasons]
    gaps = [f'{{"indicator":{_string(g.indicator)},"kind":{_string(g.kind)},"points_gain":{value_text(g.points_gain)},'
            f'"input":{value_text(g.input)},"target_value":{value_text(g.target_value)},"flips_decision":'
            f'{"true" if g.flips_decision else "false"}}}' for g in result.gaps]
    details = [f'{{"input":{value_text(e.input)},"value":{value_text(_finite(e.value))},"message":'
               f'{_string(e.message(lang))}}}' for e in result.error_details]
    # As data: each input's label is in the metadata's inputs, each sentence in --detail. Null as in --detail
    # (invalid data or an unknown category: nothing to plan against).
    if plan is None:
        planned = "null"
    else:
        changes = ",".join([f'{{"input":{_string(c.input)},"from":{value_text(c.from_)},"to":{value_text(c.to)},'
                            f'"points":{c.points:d},"criterion":{c.criterion:d},"indicator":{_string(c.indicator)}}}'
                            for c in plan.changes])
        blocks = ",".join([f'{{"criterion":{b.criterion:d},"indicator":{value_text(b.indicator)}}}'
                           for b in plan.blocked_by])
        planned = (f'{{"reaches_recognition":{"true" if plan.reaches_recognition else "false"},"changes":[{changes}],'
                   f'"blocked_by":[{blocks}]}}')
    # Always said, null included: a unit whose period picks no set was scored by none.
    scored_by = "null" if ref is None else _string(set_key(ref.id, ref.effective, ref.digest))
    # What the official list of units says of the unit (engine/registry/checks.py), only when there is something
    # to say: a unit that matches the list and had nothing filled is written as before.
    notes = ""
    if result.warnings:
        notes += ',"warnings":[' + ",".join([
            f'{{"input":{value_text(w.input)},"value":{value_text(_finite(w.value))},"message":'
            f'{_string(w.message(lang))}}}' for w in result.warnings]) + "]"
    if result.filled:
        notes += ',"filled":[' + ",".join([_string(name) for name in result.filled]) + "]"
    return "".join((
        '{"unit_code":', value_text(result.unit_code), ',"unit_name":', value_text(result.unit_name),
        ',"district":', value_text(result.district), ',"province":', value_text(result.province),
        ',"period":', value_text(result.period), ',"category":', value_text(result.category),
        ',"source":', _string(result.source(lang)), ',"status":', _string(result.status),
        ',"total":', value_text(result.total), ',"max_total":', value_text(result.max_total),
        ',"threshold":', value_text(result.threshold), ',"shortfall":', value_text(result.shortfall),
        ',"values":{', ",".join(values.values()),
        '},"criteria":[', ",".join(criteria), '],"bands":{', ",".join(reached), '},"states":{', ",".join(states),
        '},"reasons":[', ",".join(reasons), '],"gaps":[', ",".join(gaps),
        '],"missing_inputs":[', ",".join([_string(name) for name in result.missing_inputs]),
        '],"errors":[', ",".join([_string(error(lang)) for error in result.errors]),
        '],"error_details":[', ",".join(details),
        '],"ignored_inputs":[', ",".join([_string(name) for name in result.ignored_inputs]),
        '],"plan":', planned, ',"criteria_set":', scored_by, notes, "}"))


def _finite(value):
    """A value as given, fit for JSON: NaN and infinity (a YAML .nan, say) are shown as the text they were."""
    return str(value) if isinstance(value, float) and not math.isfinite(value) else value
