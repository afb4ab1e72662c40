"""Renderers: results as a terminal table, JSON or CSV, in Vietnamese or English.

Each renderer works one unit at a time (head, one piece per unit, tail), so a national batch streams to its
output without holding every result in memory. The whole-batch functions at the end wrap them.
"""
from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field

from engine.messages import Message, both
from engine.results.model import DECIDED, STATUSES, BatchResult, Gap, UnitResult, localise
from engine.rules.criteria import CriteriaSet


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
    criteria: CriteriaSet | None = None  # its names, citations and bands go once at the top of the JSON


FORMAT_VERSION = 1  # of the JSON results: schema/v1/results.schema.json describes this version


class JsonRenderer:
    """{"criteria": what every unit was scored against (once), "units": [one unit per line], "summary": ...}

    By default a unit carries only what is its own: input values, points per criterion, the band each indicator
    reached, status, reasons, gaps (and its plan and criteria set when the engine gives them); names, citations and band
    wording are in "criteria" at the top, referred to by criterion number, indicator id and band index.
    `detail` keeps every unit's full explanation (each indicator with its name, band wording and citation).
    The shape is documented in schema/v1/results.schema.json."""

    def __init__(self, lang: str, detail: bool = False):
        self.lang = lang
        self.detail = detail
        self._bands: dict[str, dict[str, int]] = {}

    def head(self, meta: Meta) -> str:
        fields = {"format": "cfc-results", "format_version": FORMAT_VERSION, "criteria_id": meta.criteria_id,
                  "criteria_source": meta.criteria_source, "criteria_digest": meta.criteria_digest,
                  "lang": self.lang, "detail": self.detail}
        if meta.criteria is not None:
            fields["criteria"] = criteria_metadata(meta.criteria, self.lang)
            self._bands = _band_indexes(meta.criteria)  # a worker's renderer learns them here too (batch._setup)
        return _dumps(fields)[:-1] + ', "units": [\n'

    def unit(self, result: UnitResult, index: int) -> str:
        data = (localise(result.model_dump(mode="json", by_alias=True), self.lang) if self.detail
                else compact_unit(result, self.lang, self._bands))
        return (",\n" if index else "") + _dumps(data)

    def tail(self, summary: Summary) -> str:
        rest = _dumps({"summary": summary.counts, "file_errors": summary.file_errors,
                       "not_evaluated": summary.not_evaluated})
        return "\n], " + rest[1:] + "\n"


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def criteria_metadata(criteria: CriteriaSet, lang: str) -> dict:
    """What every unit of a batch shares: the criteria set's names, citations, categories and bands."""
    instrument = criteria.instrument
    return {
        "id": instrument.id, "title": instrument.title(lang), "citation": instrument.citation,
        "effective": instrument.effective.isoformat(), "total_points": instrument.total_points,
        "digest": criteria.digest,
        "categories": [{"id": c.id, "label": c.label(lang), "threshold": c.threshold} for c in criteria.categories],
        "recognition": {"min_points_per_criterion": criteria.recognition.min_points_per_criterion,
                        "citation": criteria.recognition.citation, "status": criteria.recognition.status},
        "criteria": [{
            "number": criterion.number, "name": criterion.name(lang), "max_points": criterion.max_points,
            "citation": criterion.citation,
            "indicators": [{
                "id": indicator.id, "name": indicator.name(lang), "max_points": indicator.max_points,
                "measure": indicator.measure.kind, "inputs": list(indicator.measure.inputs),
                "citation": indicator.scoring.citation, "status": indicator.scoring.status,
                "bands": [{"text": text(lang), "points": band.points, "status": indicator.scoring.band_status(i)}
                          for i, (band, text) in enumerate(zip(indicator.scoring.bands, indicator.band_texts))],
            } for indicator in criterion.indicators],
        } for criterion in criteria.criteria],
    }


def _band_indexes(criteria: CriteriaSet) -> dict[str, dict[str, int]]:
    """Per indicator: the band wording a result shows (plain, or as the empty-denominator band) → its index."""
    out = {}
    for _, indicator in criteria.indicators:
        texts = {}
        for index, text in enumerate(indicator.band_texts):
            texts[text.vi] = index
            texts[both("band_empty_denominator", band=text).vi] = index
        out[indicator.id] = texts
    return out


def compact_unit(result: UnitResult, lang: str, bands: dict[str, dict[str, int]]) -> dict:
    """A unit's own results, without what the criteria metadata says once for all (see criteria_metadata):
    per indicator only the index of the band it reached (its points and wording are in the metadata) and, when
    it was not simply scored, its state. Built from the model's attributes: dumping then localising the whole
    model costs more than scoring it."""
    values: dict = {}
    reached: dict[str, int | None] = {}
    states: dict[str, str] = {}
    for criterion in result.criteria:
        for ind in criterion.indicators:
            values.update(ind.inputs)
            reached[ind.id] = bands.get(ind.id, {}).get(ind.band.vi) if ind.band is not None else None
            if ind.state != "scored":
                states[ind.id] = ind.state
    data = {
        "unit_code": result.unit_code, "unit_name": result.unit_name, "district": result.district,
        "province": result.province, "period": result.period, "category": result.category,
        "source": result.source(lang), "status": result.status, "total": result.total,
        "max_total": result.max_total, "threshold": result.threshold, "shortfall": result.shortfall,
        "values": values,
        "criteria": [{"number": c.number, "points": c.points, "max_points": c.max_points, "complete": c.complete}
                     for c in result.criteria],
        "bands": reached, "states": states,
        "reasons": [{"code": r.code, "criterion": r.criterion, "message": r.message(lang)} for r in result.reasons],
        "gaps": [_gap(gap) for gap in result.gaps],
        "missing_inputs": result.missing_inputs,
        "errors": [error(lang) for error in result.errors],
        "error_details": [{"input": e.input, "value": _finite(e.value), "message": e.message(lang)}
                          for e in result.error_details],
        "ignored_inputs": result.ignored_inputs,
    }
    for extra in ("plan", "criteria_set"):  # added to UnitResult by the rules and by per-period criteria
        value = getattr(result, extra, None)
        if value is not None:
            data[extra] = localise(value.model_dump(mode="json", by_alias=True), lang)
    return data


def _finite(value):
    """A value as given, fit for JSON: NaN and infinity (a YAML .nan, say) are shown as the text they were."""
    return str(value) if isinstance(value, float) and not math.isfinite(value) else value


def _gap(gap: Gap) -> dict:
    """What it takes, as data: the input to change, to which value, for how many points, and whether that alone
    flips the decision. Its criterion, band wording and citation are in the metadata, its sentence in --detail."""
    return {"indicator": gap.indicator, "kind": gap.kind, "points_gain": gap.points_gain, "input": gap.input,
            "target_value": gap.target_value, "flips_decision": gap.flips_decision}


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
        self.json = JsonRenderer(lang, detail)
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


def render_batch(batch: BatchResult, fmt: str, lang: str, detail: bool | None = None,
                 criteria: CriteriaSet | None = None) -> str:
    """A whole BatchResult in one string (for small batches and tests; the CLI streams instead)."""
    detail = len(batch.units) == 1 if detail is None else detail
    renderer = RENDERERS[fmt](lang, detail)
    summary = Summary(file_errors=list(batch.file_errors))
    parts = [renderer.head(Meta(batch.criteria_id, batch.criteria_source, batch.criteria_digest, criteria))]
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
