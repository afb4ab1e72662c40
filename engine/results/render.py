"""Renderers: results as a terminal table, JSON or CSV, in Vietnamese or English.

Each renderer works one unit at a time (head, one piece per unit, tail), so a national batch streams to its
output without holding every result in memory. The whole-batch functions at the end wrap them.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from engine.messages import Message
from engine.results.model import DECIDED, STATUSES, BatchResult, UnitResult, localise


def _say(key: str, lang: str, **params) -> str:
    return Message(key, params).render(lang)


@dataclass
class Summary:
    """What the tail of an output needs: gathered while units stream past."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    provisional: int = 0
    file_errors: list[str] = field(default_factory=list)
    not_evaluated: list[str] = field(default_factory=list)

    def add(self, status: str, provisional: int) -> None:
        self.counts[status] += 1
        self.provisional += provisional

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Meta:
    criteria_id: str
    criteria_source: str
    criteria_digest: str


class JsonRenderer:
    """{"criteria_id": ..., "units": [one unit per line], "summary": ..., "file_errors": [...]}"""

    def __init__(self, lang: str, detail: bool = False):
        self.lang = lang

    def head(self, meta: Meta) -> str:
        fields = json.dumps({"criteria_id": meta.criteria_id, "criteria_source": meta.criteria_source,
                             "criteria_digest": meta.criteria_digest, "lang": self.lang}, ensure_ascii=False)
        return fields[:-1] + ', "units": [\n'

    def unit(self, result: UnitResult, index: int) -> str:
        text = json.dumps(localise(result.model_dump(mode="json"), self.lang), ensure_ascii=False)
        return (",\n" if index else "") + text

    def tail(self, summary: Summary) -> str:
        rest = json.dumps({"summary": summary.counts, "file_errors": summary.file_errors,
                           "not_evaluated": summary.not_evaluated}, ensure_ascii=False)
        return "\n], " + rest[1:] + "\n"


CSV_FIXED = ["unit_code", "unit_name", "district", "province", "period", "category", "status", "total",
             "threshold", "shortfall"]


class CsvRenderer:
    """One row per unit: identity, decision, points per criterion (blank when unscored), reasons, gaps."""

    def __init__(self, lang: str, detail: bool = False, numbers: range = range(1, 14)):
        self.lang = lang
        self.numbers = list(numbers)

    def _row(self, cells: list) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(cells)
        return out.getvalue()

    def head(self, meta: Meta) -> str:
        return self._row(CSV_FIXED + [f"criterion_{n}" for n in self.numbers]
                         + ["reasons", "gaps", "missing_inputs", "provisional_rules", "errors", "source"])

    def unit(self, result: UnitResult, index: int) -> str:
        lang = self.lang
        # An unscored criterion is left blank: missing is not zero.
        points = {c.number: c.points for c in result.criteria if c.complete}
        return self._row([getattr(result, name) if getattr(result, name) is not None else "" for name in CSV_FIXED]
                         + [points.get(n, "") for n in self.numbers]
                         + ["; ".join(r.message(lang) for r in result.reasons), len(result.gaps),
                            " ".join(result.missing_inputs), " ".join(p.indicator for p in result.provisional),
                            "; ".join(e(lang) for e in result.errors), result.source(lang)])

    def tail(self, summary: Summary) -> str:
        return ""


class TableRenderer:
    """For people at a terminal: a line per unit with what it lacks below it; one unit gets every indicator."""

    def __init__(self, lang: str, detail: bool = False):
        self.lang = lang
        self.detail = detail

    def head(self, meta: Meta) -> str:
        lang = self.lang
        header = (f"{_say('header_unit', lang):<34} {_say('header_total', lang):>13}  "
                  f"{_say('header_status', lang):<16} {_say('header_zero', lang)}")
        return f"{header}\n{'-' * len(header)}\n"

    def unit(self, result: UnitResult, index: int) -> str:
        lang = self.lang
        name = f"{result.unit_code or '?'} {result.unit_name or ''}".strip()[:34]
        threshold = result.threshold if result.threshold is not None else "?"
        # A total over partial data decides nothing: shown in brackets.
        total = result.total if result.status in DECIDED else f"({result.total})"
        zeros = ", ".join(str(c.number) for c in result.criteria if c.complete and c.points == 0) or "-"
        lines = [f"{name:<34} {f'{total}/{threshold}':>13}  {_say('status_' + result.status, lang):<16} {zeros}"]
        lines += _notes(result, lang)
        lines += _plan(result, lang)
        if self.detail:
            lines += [""] + _indicators(result, lang)
        return "\n".join(lines) + "\n"

    def tail(self, summary: Summary) -> str:
        lines = ["", _say("summary", self.lang, total=summary.total, **summary.counts)]
        if summary.provisional:
            lines.append(_say("provisional_note", self.lang, count=summary.provisional))
        lines += [f"! {error}" for error in summary.file_errors + summary.not_evaluated]
        return "\n".join(lines) + "\n"


class BundleRenderer:
    """Everything `--output DIR` writes, rendered per unit in the workers: the JSON and CSV pieces, and the
    rows of the workbook's three sheets (units, gaps, data errors)."""

    HEADERS = {
        "units": [("Mã đơn vị", "Unit code"), ("Tên đơn vị", "Unit name"), ("Huyện / khu vực", "District"),
                  ("Tỉnh", "Province"), ("Kỳ", "Period"), ("Loại đơn vị", "Category"), ("Kết quả", "Result"),
                  ("Tổng điểm", "Total"), ("Ngưỡng", "Threshold"), ("Còn thiếu", "Shortfall")]
                 + [(f"TC {n}", f"C {n}") for n in range(1, 14)]
                 + [("Lý do", "Reasons"), ("Số điểm cần cải thiện", "Gaps"), ("Số liệu còn thiếu", "Missing data"),
                    ("Quy tắc tạm tính", "Provisional rules"), ("Nguồn", "Source")],
        "gaps": [("Mã đơn vị", "Unit code"), ("Tên đơn vị", "Unit name"), ("Tiêu chí", "Criterion"),
                 ("Chỉ tiêu", "Indicator"), ("Điểm hiện tại", "Points now"), ("Điểm nếu đạt", "Points if reached"),
                 ("Tăng", "Gain"), ("Số liệu", "Input"), ("Hiện tại", "Now"), ("Cần đạt", "Needed"),
                 ("Thay đổi", "Change"), ("Đủ để đạt chuẩn", "Flips the decision"),
                 ("Quy tắc", "Rule status"), ("Nội dung", "What it takes")],
        "errors": [("Mã đơn vị", "Unit code"), ("Nguồn", "Source"), ("Số liệu", "Input"), ("Giá trị", "Value"),
                   ("Lỗi", "Error")],
    }
    SHEETS = {"units": ("Kết quả", "Results"), "gaps": ("Cần cải thiện", "Gaps"), "errors": ("Lỗi dữ liệu", "Data errors")}

    def __init__(self, lang: str, detail: bool = False):
        self.lang = lang
        self.json = JsonRenderer(lang)
        self.csv = CsvRenderer(lang)

    def _pick(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.lang == "vi" else pair[1]

    def head(self, meta: Meta) -> dict:
        return {"json": self.json.head(meta), "csv": self.csv.head(meta),
                "sheets": {self._pick(self.SHEETS[key]): [[self._pick(h) for h in headers]]
                           for key, headers in self.HEADERS.items()}}

    def unit(self, result: UnitResult, index: int) -> dict:
        lang = self.lang
        points = {c.number: c.points for c in result.criteria if c.complete}
        status = _say("status_" + result.status, lang)
        unit_row = ([result.unit_code, result.unit_name, result.district, result.province, result.period,
                     result.category, status, result.total, result.threshold, result.shortfall]
                    + [points.get(n) for n in range(1, 14)]
                    + ["; ".join(r.message(lang) for r in result.reasons), len(result.gaps),
                       " ".join(result.missing_inputs), " ".join(p.indicator for p in result.provisional),
                       result.source(lang)])
        yes, no = ("có", "không") if lang == "vi" else ("yes", "no")
        gap_rows = [[result.unit_code, result.unit_name, g.criterion, g.indicator, g.current_points, g.next_points,
                     g.points_gain, g.input, _cell(g.current_value), _cell(g.target_value), g.change,
                     yes if g.flips_decision else no, g.status, g.message(lang)] for g in result.gaps]
        error_rows = [[result.unit_code, result.source(lang), e.input, _cell(e.value), e.message(lang)]
                      for e in result.error_details]
        sheets = {self._pick(self.SHEETS["units"]): [unit_row], self._pick(self.SHEETS["gaps"]): gap_rows,
                  self._pick(self.SHEETS["errors"]): error_rows}
        return {"json": self.json.unit(result, index), "csv": self.csv.unit(result, index), "sheets": sheets}

    def tail(self, summary: Summary) -> dict:
        return {"json": self.json.tail(summary), "csv": self.csv.tail(summary), "sheets": {}}


def _cell(value):
    """A value as a spreadsheet cell takes it: numbers stay numbers, the rest becomes text."""
    return value if value is None or isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


RENDERERS = {"json": JsonRenderer, "csv": CsvRenderer, "table": TableRenderer, "bundle": BundleRenderer}


def _notes(unit: UnitResult, lang: str) -> list[str]:
    lines = [f"    ✗ {error(lang)}" for error in unit.errors]
    lines += [f"    • {reason.message(lang)}" for reason in unit.reasons if reason.code != "invalid"]
    for gap in unit.gaps:
        mark = "*" if gap.status == "provisional" else ""
        flip = f"  {_say('flips', lang)}" if gap.flips_decision else ""
        lines.append(f"    → [{gap.indicator}{mark}] {gap.message(lang)}{flip}")
    return lines


def _plan(unit: UnitResult, lang: str) -> list[str]:
    """The improvement plan under a unit that is not recognised: its changes cheapest first, or what blocks it."""
    plan = unit.plan
    if plan is None or unit.status == "recognized":
        return []
    lines = [f"    {_say('plan_heading', lang)}:"]
    if plan.reaches_recognition:
        for number, change in enumerate(plan.changes, start=1):
            shown = {value: _value(value, lang) for value in (change.from_, change.to)}
            lines.append(f"      {number}. " + _say("plan_change", lang, label=change.label(lang),
                                                    from_=shown[change.from_], to=shown[change.to],
                                                    points=change.points, criterion=change.criterion))
    else:
        lines.append(f"      {_say('plan_blocked', lang)}")
        lines += [f"      ✗ {block.reason(lang)}" for block in plan.blocked_by]
    return lines


def _value(value, lang: str) -> str:
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else ("yes" if value else "no")
    return str(value)


def _indicators(unit: UnitResult, lang: str) -> list[str]:
    lines = []
    for criterion in unit.criteria:
        lines.append(f"{criterion.number:>2}. {criterion.name(lang)[:70]:<70} {criterion.points:>4}/{criterion.max_points}")
        for ind in criterion.indicators:
            mark = "*" if ind.status == "provisional" else " "
            measure = ind.measure_display(lang) if ind.measure_display else ("0/0" if ind.state == "empty_denominator" else "—")
            band = ind.band(lang) if ind.band else ", ".join(ind.missing_inputs) or ind.state
            points = "?" if ind.points is None else ind.points
            lines.append(f"    {ind.id:<4}{mark} {measure:>10}  {band[:48]:<48} {points:>4}/{ind.max_points}")
    return lines


def render_batch(batch: BatchResult, fmt: str, lang: str, detail: bool | None = None) -> str:
    """A whole BatchResult in one string (for small batches and tests; the CLI streams instead)."""
    detail = len(batch.units) == 1 if detail is None else detail
    renderer = RENDERERS[fmt](lang, detail)
    summary = Summary(file_errors=list(batch.file_errors))
    parts = [renderer.head(Meta(batch.criteria_id, batch.criteria_source, batch.criteria_digest))]
    for index, unit in enumerate(batch.units):
        parts.append(renderer.unit(unit, index))
        summary.add(unit.status, len(unit.provisional))
    parts.append(renderer.tail(summary))
    return "".join(parts)


def to_json(batch: BatchResult, lang: str) -> str:
    return render_batch(batch, "json", lang)


def to_csv(batch: BatchResult, lang: str) -> str:
    return render_batch(batch, "csv", lang)


def to_table(batch: BatchResult, lang: str, detail: bool | None = None) -> str:
    return render_batch(batch, "table", lang, detail)
