"""The self-check form, generated from the criteria file, and the evaluation of what a person typed into it.

The form lists every declared input once, in the group of the first criterion whose indicators use it; inputs
no indicator uses (unit code, name, period, category...) come first under "general information". Nothing here
names an input or a criterion: edit the criteria YAML and the page follows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.messages import Message
from engine.criteria.model import CriteriaSet, InputDecl
from engine.registry.maps import PERIOD_LABELS, after_reform, input_label
from engine.text import without_surrogates

FORM_SOURCE = "web"  # where a unit typed into the page "comes from" in messages, as a file name would


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: str
    unit: str | None
    help: list[str]
    required: bool
    choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label) for selects


@dataclass(frozen=True)
class Group:
    title: str
    fields: list[Field]
    criterion: int | None = None  # the criterion whose inputs these are (None: general information)


def _say(key: str, lang: str, **params: Any) -> str:
    return Message(key, params).render(lang)


def _field(criteria: CriteriaSet, decl: InputDecl, used_by: list[str], lang: str, after: bool = False) -> Field:
    help_lines = []
    if after and decl.name in PERIOD_LABELS:  # what the label the new map gives it means ("Khu vực": no districts)
        help_lines.append(PERIOD_LABELS[decl.name][2](lang))
    if decl.required:
        help_lines.append(_say("web_help_required", lang))
    choices: list[tuple[str, str]] = []
    if decl.type == "count":
        help_lines.append(_say("web_help_count", lang, min=decl.min or 0))
    elif decl.type == "yes_no":
        help_lines.append(_say("web_help_yes_no", lang))
        # The values sent are the Vietnamese words, which validation accepts whatever the page's language.
        choices = [("có", _say("web_yes", lang)), ("không", _say("web_no", lang))]
    elif decl.type == "category":
        choices = [(c.id, c.label(lang)) for c in criteria.categories]
        thresholds = "; ".join(f"{c.label(lang)} {c.threshold}" for c in criteria.categories)
        help_lines.append(_say("web_help_category", lang, thresholds=thresholds))
    if used_by:
        help_lines.append(_say("web_used_by", lang, indicators="; ".join(used_by)))
    unit = decl.unit(lang) if decl.unit is not None else None
    return Field(decl.name, decl.type, input_label(decl, after)(lang), unit, help_lines, decl.required, choices)


_GROUPS: dict[tuple[str, str, bool], list[Group]] = {}


def form_groups(criteria: CriteriaSet, lang: str, period: Any = None) -> list[Group]:
    """The form's groups of fields, labelled for a unit of `period`: after the 1 July 2025 reform some fields
    are called as the new map has them (engine/registry/maps.py PERIOD_LABELS); the page's script relabels them
    when the period typed changes (period_labels)."""
    after = after_reform((period,))
    key = (criteria.digest, lang, after)
    if key not in _GROUPS:
        _GROUPS[key] = _groups(criteria, lang, after)
    return _GROUPS[key]


def period_labels(criteria: CriteriaSet, period: Any, lang: str) -> dict:
    """The fields whose label follows the period, as a unit of `period` has them: {"after_reform": bool,
    "fields": {name: {"label", "help"}}} (the help as the page shows it under the field)."""
    after = after_reform((period,))
    fields = {f.name: {"label": f.label, "help": " ".join(f.help)}
              for group in form_groups(criteria, lang, period) for f in group.fields if f.name in PERIOD_LABELS}
    return {"after_reform": after, "fields": fields}


def _groups(criteria: CriteriaSet, lang: str, after: bool) -> list[Group]:
    first_criterion: dict[str, int] = {}
    used_by: dict[str, list[str]] = {}
    for criterion, indicator in criteria.indicators:
        for name in indicator.measure.inputs:
            first_criterion.setdefault(name, criterion.number)
            used_by.setdefault(name, []).append(f"{indicator.id} {indicator.name(lang)}")
    general = [_field(criteria, d, [], lang, after) for d in criteria.inputs if d.name not in first_criterion]
    groups = [Group(_say("web_general", lang), general)] if general else []
    for criterion in criteria.criteria:
        fields = [_field(criteria, d, used_by[d.name], lang, after) for d in criteria.inputs
                  if first_criterion.get(d.name) == criterion.number]
        if fields:
            title = _say("web_criterion", lang, number=criterion.number, name=criterion.name(lang),
                         points=criterion.max_points)
            groups.append(Group(title, fields, criterion.number))
    return groups


def form_value(value: Any) -> str:
    """A value read from a file as the form shows it: numbers as digits, yes/no as có/không."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return without_surrogates(str(value))  # a lone surrogate (legal JSON) shown as its escape: no page carries one
