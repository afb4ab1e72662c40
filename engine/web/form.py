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


def _field(criteria: CriteriaSet, decl: InputDecl, used_by: list[str], lang: str) -> Field:
    help_lines = []
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
    return Field(decl.name, decl.type, decl.label(lang), unit, help_lines, decl.required, choices)


_GROUPS: dict[tuple[str, str], list[Group]] = {}


def form_groups(criteria: CriteriaSet, lang: str) -> list[Group]:
    key = (criteria.digest, lang)
    if key not in _GROUPS:
        _GROUPS[key] = _groups(criteria, lang)
    return _GROUPS[key]


def _groups(criteria: CriteriaSet, lang: str) -> list[Group]:
    first_criterion: dict[str, int] = {}
    used_by: dict[str, list[str]] = {}
    for criterion, indicator in criteria.indicators:
        for name in indicator.measure.inputs:
            first_criterion.setdefault(name, criterion.number)
            used_by.setdefault(name, []).append(f"{indicator.id} {indicator.name(lang)}")
    general = [_field(criteria, d, [], lang) for d in criteria.inputs if d.name not in first_criterion]
    groups = [Group(_say("web_general", lang), general)] if general else []
    for criterion in criteria.criteria:
        fields = [_field(criteria, d, used_by[d.name], lang) for d in criteria.inputs
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
