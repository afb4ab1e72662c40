"""A readable listing of a criteria set: what `cfc criteria show` prints."""
from __future__ import annotations

from engine.messages import Message
from engine.criteria.model import CriteriaSet


def _say(key: str, lang: str, **params) -> str:
    return Message(key, params).render(lang)


def _status(status: str, lang: str) -> str:
    return _say("band_" + status, lang)


def describe_criteria(cs: CriteriaSet, lang: str) -> str:
    vi = lang == "vi"
    lines = [cs.instrument.title(lang), f"{cs.instrument.citation} — {_in_force(cs, lang)}",
             f"{cs.source} (sha256 {cs.digest[:12]})", ""]
    lines.append("Ngưỡng điểm theo loại đơn vị:" if vi else "Thresholds by unit category:")
    for category in cs.categories:
        lines.append(f"  {category.threshold:>5}  {category.id}: {category.label(lang)}")
    lines.append("")
    for criterion in cs.criteria:
        lines.append(f"{criterion.number:>2}. {criterion.name(lang)} — {criterion.max_points} "
                     f"{'điểm' if vi else 'points'}   [{criterion.citation}]")
        if criterion.text:
            lines.append(f"    « {criterion.text(lang)} »")
        for indicator in criterion.indicators:
            m = indicator.measure
            how = m.input if not m.is_rate else f"{m.numerator} / {m.denominator} ({m.kind}; "\
                  f"{'mẫu số 0' if vi else 'empty denominator'}: {m.empty_denominator})"
            lines.append(f"    {indicator.id:<4} {indicator.name(lang)} — {indicator.max_points}: {how}")
            for index in range(len(indicator.scoring.bands)):
                reference = indicator.scoring.bands[index].reference
                lines.append(f"           {indicator.band_text(index)(lang):<22} → "
                             f"{indicator.scoring.bands[index].points:>3}  "
                             f"[{_status(indicator.scoring.band_status(index), lang)}]"
                             + (f"  [{reference}]" if reference else ""))
    return "\n".join(lines) + "\n"


def describe_provisional(cs: CriteriaSet, lang: str) -> str:
    """Only the provisional bands, with the points each carries, where to find it in the YAML, and totals:
    what a board holding the official text checks, then corrects in the criteria file."""
    lines = [cs.instrument.title(lang), f"{cs.instrument.citation} — {cs.source}", ""]
    count = carried = at_stake = 0
    indicators = 0
    for ci, criterion in enumerate(cs.criteria):
        for ii, indicator in enumerate(criterion.indicators):
            bands = [b for b in range(len(indicator.scoring.bands))
                     if indicator.scoring.band_status(b) == "provisional"]
            if not bands:
                continue
            indicators += 1
            lines.append(f"{indicator.id:<4} {indicator.name(lang)} — {indicator.max_points}   "
                         f"[{indicator.scoring.citation}]")
            for b in bands:
                points = indicator.scoring.bands[b].points
                reference = indicator.scoring.bands[b].reference
                lines.append(f"       {indicator.band_text(b)(lang):<22} → {points:>3}   "
                             f"criteria[{ci}].indicators[{ii}].scoring.bands[{b}]"
                             + (f"   [{reference}]" if reference else ""))
                count += 1
                carried += points
            at_stake += max(indicator.scoring.bands[b].points for b in bands)
    lines += ["", _say("provisional_totals", lang, bands=count, indicators=indicators, points=carried,
                       at_stake=at_stake, total=cs.instrument.total_points)]
    return "\n".join(lines) + "\n"


def describe_versions(sets: list[CriteriaSet], current: CriteriaSet, lang: str) -> str:
    """The sets of a criteria directory with the days each is in force; the current one marked."""
    lines = [_say("versions_header", lang)]
    for cs in sets:
        mark = "*" if cs is current else " "
        lines.append(f" {mark} {cs.instrument.id:<16} {_in_force(cs, lang):<40} {cs.source}")
    return "\n".join(lines + [_say("versions_current", lang, id=current.instrument.id), ""]) + "\n"


def _in_force(cs: CriteriaSet, lang: str) -> str:
    until = cs.instrument.valid_until
    if until is None:
        return _say("in_force_from", lang, effective=cs.instrument.effective.isoformat())
    return _say("in_force_between", lang, effective=cs.instrument.effective.isoformat(), until=until.isoformat())
