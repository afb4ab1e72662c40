"""Renderers: the same BatchResult as a terminal table, JSON or CSV, in Vietnamese or English."""
from __future__ import annotations

import csv
import io
import json

from engine.messages import Message
from engine.results import BatchResult, UnitResult, localise


def _say(key: str, lang: str, **params) -> str:
    return Message(key, params).render(lang)


def to_json(batch: BatchResult, lang: str) -> str:
    data = localise(batch.model_dump(mode="json"), lang)
    data["summary"] = batch.counts()
    data["lang"] = lang
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


CSV_FIXED = ["unit_code", "unit_name", "district", "province", "period", "category", "status", "total",
             "threshold", "shortfall"]


def to_csv(batch: BatchResult, lang: str) -> str:
    numbers = sorted({c.number for unit in batch.units for c in unit.criteria})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIXED + [f"criterion_{n}" for n in numbers]
                    + ["reasons", "gaps", "missing_inputs", "provisional_rules", "errors", "source"])
    for unit in batch.units:
        # An unscored criterion is left blank: missing is not zero.
        points = {c.number: c.points for c in unit.criteria if c.complete}
        writer.writerow([getattr(unit, name) if getattr(unit, name) is not None else "" for name in CSV_FIXED]
                        + [points.get(n, "") for n in numbers]
                        + ["; ".join(r.message(lang) for r in unit.reasons), len(unit.gaps),
                           " ".join(unit.missing_inputs), " ".join(p.indicator for p in unit.provisional),
                           "; ".join(e(lang) for e in unit.errors), unit.source])
    return out.getvalue()


def to_table(batch: BatchResult, lang: str, detail: bool | None = None) -> str:
    """A summary line per unit, then what each unit lacks. One unit alone gets its full breakdown."""
    detail = len(batch.units) == 1 if detail is None else detail
    lines = []
    header = (f"{_say('header_unit', lang):<34} {_say('header_total', lang):>13}  "
              f"{_say('header_status', lang):<16} {_say('header_zero', lang)}")
    lines += [header, "-" * len(header)]
    for unit in batch.units:
        name = f"{unit.unit_code or '?'} {unit.unit_name or ''}".strip()[:34]
        threshold = unit.threshold if unit.threshold is not None else "?"
        # A total over partial data decides nothing: shown in brackets.
        total = unit.total if unit.status in ("recognized", "not_recognized") else f"({unit.total})"
        zeros = ", ".join(str(c.number) for c in unit.criteria if c.complete and c.points == 0) or "-"
        lines.append(f"{name:<34} {f'{total}/{threshold}':>13}  "
                     f"{_say('status_' + unit.status, lang):<16} {zeros}")
    for unit in batch.units:
        lines += [""] + (_unit_detail(unit, lang) if detail else _unit_notes(unit, lang))
    counts = batch.counts()
    lines += ["", _say("summary", lang, total=len(batch.units), **counts)]
    provisional = sum(len(u.provisional) for u in batch.units)
    if provisional:
        lines.append(_say("provisional_note", lang, count=provisional))
    for error in batch.file_errors:
        lines.append(f"! {error}")
    return "\n".join(lines) + "\n"


def _unit_notes(unit: UnitResult, lang: str) -> list[str]:
    if unit.status == "recognized" and not unit.gaps:
        return []
    lines = [f"{unit.unit_code or unit.source} {unit.unit_name or ''} — {_say('status_' + unit.status, lang)}"]
    lines += [f"  ✗ {error(lang)}" for error in unit.errors]
    lines += [f"  • {reason.message(lang)}" for reason in unit.reasons if reason.code != "invalid"]
    for gap in unit.gaps:
        mark = "*" if gap.status == "provisional" else ""
        flip = f"  {_say('flips', lang)}" if gap.flips_decision else ""
        lines.append(f"  → [{gap.indicator}{mark}] {gap.message(lang)}{flip}")
    return lines


def _unit_detail(unit: UnitResult, lang: str) -> list[str]:
    lines = _unit_notes(unit, lang) or [f"{unit.unit_code} {unit.unit_name or ''} — {_say('status_' + unit.status, lang)}"]
    lines.append("")
    for criterion in unit.criteria:
        lines.append(f"{criterion.number:>2}. {criterion.name(lang)[:70]:<70} {criterion.points:>4}/{criterion.max_points}")
        for ind in criterion.indicators:
            mark = "*" if ind.status == "provisional" else " "
            measure = ind.measure_display(lang) if ind.measure_display else ("0/0" if ind.state == "empty_denominator" else "—")
            band = ind.band(lang) if ind.band else ", ".join(ind.missing_inputs) or ind.state
            points = "?" if ind.points is None else ind.points
            lines.append(f"    {ind.id:<4}{mark} {measure:>10}  {band[:48]:<48} {points:>4}/{ind.max_points}")
    return lines
