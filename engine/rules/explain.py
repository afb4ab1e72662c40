"""A readable listing of a criteria set: what `cfc criteria show` prints."""
from __future__ import annotations

from engine.rules.criteria import CriteriaSet


def describe_criteria(cs: CriteriaSet, lang: str) -> str:
    vi = lang == "vi"
    lines = [cs.instrument.title(lang), f"{cs.instrument.citation} — {'hiệu lực từ' if vi else 'in force from'} "
             f"{cs.instrument.effective.isoformat()}", f"{cs.source} (sha256 {cs.digest[:12]})", ""]
    lines.append("Ngưỡng điểm theo loại đơn vị:" if vi else "Thresholds by unit category:")
    for category in cs.categories:
        lines.append(f"  {category.threshold:>5}  {category.id}: {category.label(lang)}")
    lines.append("")
    for criterion in cs.criteria:
        lines.append(f"{criterion.number:>2}. {criterion.name(lang)} — {criterion.max_points} "
                     f"{'điểm' if vi else 'points'}   [{criterion.citation}]")
        for indicator in criterion.indicators:
            m = indicator.measure
            how = m.input if not m.is_rate else f"{m.numerator} / {m.denominator} ({m.kind}; "\
                  f"{'mẫu số 0' if vi else 'empty denominator'}: {m.empty_denominator})"
            lines.append(f"    {indicator.id:<4} {indicator.name(lang)} — {indicator.max_points}: {how}")
            for index in range(len(indicator.scoring.bands)):
                status = indicator.scoring.band_status(index)
                flag = "" if status == "confirmed" else ("  [TẠM TÍNH]" if vi else "  [PROVISIONAL]")
                lines.append(f"           {indicator.band_text(index)(lang):<22} → "
                             f"{indicator.scoring.bands[index].points:>3}{flag}")
    return "\n".join(lines) + "\n"
