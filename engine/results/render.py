"""Renderers: results as a terminal table, JSON, CSV or spreadsheet rows, in Vietnamese or English.

Each renderer works one unit at a time (head, one piece per unit, tail), so a national batch streams to its
output without holding every result in memory. The whole-batch functions at the end wrap them.

Every column that depends on the law comes from the criteria file: one column per criterion it defines, named
by its number, so a criteria file with a 14th criterion gets a 14th column without a change here.

Two CSV formats:
- `--format csv` is the machine format: stable English column names (unit_code, ..., criterion_1 ...
  criterion_N, ...), status and category codes, UTF-8 without a BOM. Documented in README.md.
- the CSV for people (`-o NAME.csv`, and results.csv of `--output DIR`) has the columns of the workbook's
  results sheet, in --lang, with labels instead of codes, UTF-8 with a BOM so that Excel reads it as UTF-8.
"""
from __future__ import annotations

import codecs
import io
import os
import re
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from operator import attrgetter
from typing import TYPE_CHECKING, TextIO

from engine.version import __version__
from engine.messages import CATALOG, Message, number
from engine.results.cells import csv_writer
from engine.results.xlsx_writer import PLAIN, ROW_START, WHOLE_KINDS, WHOLE_LIMIT, data_rows, filled
from engine.results.compact import Layout, compact_unit, compact_unit_bytes, dumps as _dumps, set_key as _set_key
from engine.results.model import DECIDED, STATUSES, BatchResult, CriteriaSetRef, UnitResult, localise, to_data
from engine.registry.maps import DISTRICT_AFTER, after_reform, input_label
from engine.text import printable

if TYPE_CHECKING:
    from engine.criteria.model import CriteriaSet


def _say(key: str, lang: str, **params) -> str:
    return Message(key, params).render(lang)


_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def _decimal_comma(text: str, lang: str) -> str:
    """Measures and bands in Vietnamese take a decimal comma: 97.83% → 97,83%, ≤ 0.5‰ → ≤ 0,5‰."""
    return _DECIMAL_POINT.sub(",", text) if lang == "vi" and "." in text else text


@dataclass
class Summary:
    """What the tail of an output needs: gathered while units stream past."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    provisional: int = 0
    file_errors: list[str] = field(default_factory=list)
    not_evaluated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what the official list of units says, one line each

    def add(self, status: str, provisional: int) -> None:
        self.counts[status] += 1
        self.provisional += provisional

    def add_counts(self, statuses: dict[str, int], provisional: int) -> None:
        """Several units at once: how many of each status, and their provisional bands."""
        for status, count in statuses.items():
            self.counts[status] += count
        self.provisional += provisional

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def summary_line(summary: Summary, lang: str) -> str:
    """"Tổng hợp: 10.600 đơn vị — 6.129 đạt chuẩn, ..." with the reader's thousands separator."""
    counts = {status: number(count, lang) for status, count in summary.counts.items()}
    return _say("summary", lang, total=number(summary.total, lang), **counts)


@dataclass
class Meta:
    criteria_id: str
    criteria_source: str
    criteria_digest: str
    criteria: CriteriaSet | None = None
    # The other sets of a --criteria directory: a unit of another period is scored by one of them.
    others: tuple[CriteriaSet, ...] = ()

    def criteria_set(self) -> CriteriaSet:
        """The criteria the batch was scored with: given, or loaded again from its file."""
        return self.criteria if self.criteria is not None else _load_criteria(self.criteria_source,
                                                                              self.criteria_digest)


@lru_cache(maxsize=4)
def _load_criteria(source: str, digest: str) -> CriteriaSet:
    from engine.criteria.model import load_criteria

    return load_criteria(source or None)


FORMAT_VERSION = 1  # of the JSON results: schema/v1/results.schema.json describes this version


class JsonRenderer:
    """{"criteria": what the units were scored against (once), "units": [one unit per line], "summary": ...}

    By default a unit carries only what is its own: input values, points per criterion, the band each indicator
    reached, status, reasons, gaps, its plan, and the key of its criteria set; names, citations, band and input
    wording are in "criteria" at the top (and, for the other sets of a --criteria directory, in
    "criteria_sets" under their keys), referred to by criterion number, indicator id, band index and input name.
    `detail` keeps every unit's full explanation (each indicator with its name, band wording and citation, every
    gap and plan sentence). The shape is documented in schema/v1/results.schema.json."""

    def __init__(self, lang: str, detail: bool = False):
        self.lang = lang
        self.detail = detail
        self._layouts: dict[str, Layout] = {}  # criteria set digest → what its compact units write (compact.py)
        self._digest: str | None = None  # the header's set: what scored a unit whose period picks none

    def head(self, meta: Meta) -> str:
        fields = {"format": "cfc-results", "format_version": FORMAT_VERSION, "cfc_version": __version__,
                  "criteria_id": meta.criteria_id,
                  "criteria_source": meta.criteria_source, "criteria_digest": meta.criteria_digest,
                  "lang": self.lang, "detail": self.detail}
        criteria = meta.criteria_set()
        others = [other for other in meta.others if other.digest != criteria.digest]
        fields["criteria"] = criteria_metadata(criteria, self.lang)
        fields["criteria_sets"] = {set_key(other): criteria_metadata(other, self.lang) for other in others}
        # A worker's renderer learns the band indexes here too (batch._setup), so that its units refer to the
        # same metadata as the head the parent writes.
        self._layouts = {cs.digest: Layout(cs) for cs in [criteria, *others]}
        self._digest = criteria.digest
        return _dumps(fields)[:-1] + ', "units": [\n'

    def unit(self, result: UnitResult, index: int) -> str:
        ref = result.criteria_set
        layout = self._layouts.get(self._digest if ref is None else ref.digest)
        # A unit scored by a set the head does not describe cannot point into it: it explains itself in full.
        if self.detail or layout is None:
            dumped = to_data(result)
            for key in ("warnings", "filled"):  # said only when there are some (as compact.py says them)
                if not dumped[key]:
                    del dumped[key]
            text = _dumps(localise(dumped, self.lang))
        else:
            text = compact_unit(result, self.lang, layout)
        return (",\n" if index else "") + text

    def unit_bytes(self, result: UnitResult, index: int) -> bytes:
        """`unit` as UTF-8 (what results.json holds): a compact unit encoded part by part (compact_unit_bytes)."""
        ref = result.criteria_set
        layout = self._layouts.get(self._digest if ref is None else ref.digest)
        if self.detail or layout is None:
            return self.unit(result, index).encode()
        return compact_unit_bytes(result, self.lang, layout, b",\n" if index else b"")

    def tail(self, summary: Summary) -> str:
        rest = _dumps({"summary": summary.counts, "file_errors": summary.file_errors,
                       "not_evaluated": summary.not_evaluated})
        return "\n], " + rest[1:] + "\n"




def set_key(criteria: CriteriaSet) -> str:
    """How results name a criteria set: its id, the day it took effect and the start of its file's sha256, as
    in the criteria_set column of the CSV and workbook."""
    return _set_key(criteria.instrument.id, criteria.instrument.effective.isoformat(), criteria.digest)


def criteria_metadata(criteria: CriteriaSet, lang: str) -> dict:
    """What every unit of a batch shares: the criteria set's names, citations, categories, bands and inputs."""
    instrument = criteria.instrument
    return {
        "id": instrument.id, "key": set_key(criteria), "title": instrument.title(lang),
        "citation": instrument.citation, "effective": instrument.effective.isoformat(),
        "total_points": instrument.total_points, "digest": criteria.digest,
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
                "bands": [_band_metadata(indicator, i, band, text, lang)
                          for i, (band, text) in enumerate(zip(indicator.scoring.bands, indicator.band_texts))],
            } for indicator in criterion.indicators],
        } for criterion in criteria.criteria],
        "inputs": [{"name": decl.name, "label": decl.label(lang)} for decl in criteria.inputs],
    }


def _band_metadata(indicator, index: int, band, text, lang: str) -> dict:
    described = {"text": text(lang), "points": band.points, "status": indicator.scoring.band_status(index)}
    if band.reference:  # only a band that cites its own clause says so (the indicator's citation is above)
        described["reference"] = band.reference
    return described


def warning_lines(result: UnitResult, lang: str) -> list[str]:
    """Each warning of a unit as one line naming where it came from and the unit: what stderr shows."""
    where = result.source(lang) + (f", {'đơn vị' if lang == 'vi' else 'unit'} {result.unit_code}"
                                   if result.unit_code else "")
    return [f"{where}: {w.message(lang)}" for w in result.warnings]


CSV_FIXED = ["unit_code", "unit_name", "district", "province", "period", "category", "status", "total",
             "threshold", "shortfall"]
CSV_AFTER = ["reasons", "gaps", "missing_inputs", "provisional_rules", "errors", "source", "criteria_set", "cfc_version"]
_csv_fixed = attrgetter(*CSV_FIXED)
_TOTAL = CSV_FIXED.index("total")


def _criterion_points(result: UnitResult) -> list[int | None]:
    """Points per criterion in the criteria file's order; None where a criterion could not be scored (missing
    is not zero)."""
    return [c.points if c.complete else None for c in result.criteria]


def criteria_set_cell(result: UnitResult) -> str | None:
    """The set that scored a unit, in one cell: id@effective and the start of its file's sha256."""
    ref = result.criteria_set
    return None if ref is None else _set_key(ref.id, ref.effective, ref.digest)


class CsvRenderer:
    """The machine format: one row per unit, identity, decision, points per criterion (blank when unscored),
    reasons, gaps. Column names and codes stay stable across versions; text cells are CSV-injection safe."""

    def __init__(self, lang: str, detail: bool = False):
        self.lang = lang
        # one writer for every row: building one per row cost more than the row
        self._row = csv_writer(None, lineterminator="\n").line

    def head(self, meta: Meta) -> str:
        numbers = [c.number for c in meta.criteria_set().criteria]
        return self._row(CSV_FIXED + [f"criterion_{n}" for n in numbers] + CSV_AFTER)

    def unit(self, result: UnitResult, index: int) -> str:
        lang = self.lang
        fixed = _csv_fixed(result)
        if result.status not in DECIDED:  # a sum over incomplete or invalid data is not a score: no total
            fixed = fixed[:_TOTAL] + (None,) + fixed[_TOTAL + 1:]
        return self._row(["" if value is None else value for value in fixed]
                         + ["" if p is None else p for p in _criterion_points(result)]
                         + ["; ".join(r.message(lang) for r in result.reasons), len(result.gaps),
                            " ".join(result.missing_inputs), " ".join(p.indicator for p in result.provisional),
                            "; ".join(e(lang) for e in result.errors), result.source(lang),
                            criteria_set_cell(result) or "", __version__])

    def tail(self, summary: Summary) -> str:
        return ""


NAME_WIDTH = 34


class TableRenderer:
    """For people at a terminal: a line per unit with what it lacks below it; one unit gets every indicator.
    Nothing is cut short: a long name takes its own line."""

    def __init__(self, lang: str, detail: bool = False):
        self.lang = lang
        self.detail = detail
        self._status = _status_labels(lang)
        self._events: list[tuple[str, str]] = []  # (indicator, what it is about preventing)
        self._input_labels: dict[bool, dict[str, str]] = {False: {}, True: {}}  # set by head

    def head(self, meta: Meta) -> str:
        lang = self.lang
        # Indicators that count past events: a batch says why their count is not to be lowered once, at its end.
        from engine.criteria.model import CriteriaError

        try:
            criteria = meta.criteria_set()
            indicators, declared = criteria.indicators, criteria.inputs
        except CriteriaError:  # results rendered without their criteria file at hand: no closing note
            indicators, declared = [], []
        self._events = [(indicator.id, indicator.prevention(lang)) for _, indicator in indicators
                        if indicator.prevention is not None]
        # The inputs' labels before and after the reform (a unit's period picks which), for the filled names.
        self._input_labels = {after: {d.name: input_label(d, after)(lang) for d in declared}
                              for after in (False, True)}
        header = (f"{_say('header_unit', lang):<{NAME_WIDTH}} {_say('header_total', lang):>13}  "
                  f"{_say('header_status', lang):<16} {_say('header_zero', lang)}")
        return f"{header}\n{'-' * len(header)}\n"

    def unit(self, result: UnitResult, index: int) -> str:
        lang = self.lang
        name = f"{result.unit_code or '?'} {result.unit_name or ''}".strip()
        threshold = result.threshold if result.threshold is not None else "?"
        # A total over partial data decides nothing: shown in brackets.
        total = result.total if result.status in DECIDED else f"({result.total})"
        zeros = ", ".join(str(c.number) for c in result.criteria if c.complete and c.points == 0) or "-"
        lines = []
        if len(name) > NAME_WIDTH:
            lines.append(name)
            name = ""
        lines.append(f"{name:<{NAME_WIDTH}} {f'{total}/{threshold}':>13}  "
                     f"{self._status[result.status]:<16} {zeros}")
        labels = self._input_labels[after_reform((result.period,))] if result.filled else None
        lines += _notes(result, lang, short_events=not self.detail, labels=labels)
        lines += _plan(result, lang)
        if self.detail:
            lines += [""] + _indicators(result, lang)
        return _printable_lines(lines) + "\n"  # names never drive the terminal

    def tail(self, summary: Summary) -> str:
        lines = ["", summary_line(summary, self.lang)]
        lines += closing_notes(summary, self.lang)
        if summary.counts["incomplete"] or summary.counts["invalid"]:  # what "(950)/850" above means
            lines.append(_say("partial_total_note", self.lang))
        if summary.provisional:
            lines.append(_say("provisional_note", self.lang, count=summary.provisional))
        if not self.detail and summary.total > 1 and self._events:
            lines.append(_say("gap_events_heading", self.lang,
                              indicators=", ".join(indicator for indicator, _ in self._events)))
            lines += [f"  [{indicator}] {prevention}" for indicator, prevention in self._events]
        # Files that could not be read and units not evaluated are said once, on stderr, by the command.
        return _printable_lines(lines) + "\n"


def _printable_lines(lines: list[str]) -> str:
    """The lines joined, each made printable with nothing kept (a line break inside a name is shown as \\n).
    When no line holds a line break, one pass over the joined text that keeps the joins does the same."""
    text = "\n".join(lines)
    if text.count("\n") == len(lines) - 1:
        return printable(text, keep="\n")
    return "\n".join(printable(line, keep="") for line in lines)


def _status_labels(lang: str) -> dict[str, str]:
    return {status: _say("status_" + status, lang) for status in STATUSES}


# ---------------------------------------------------------------- spreadsheet rows

@dataclass(frozen=True)
class Column:
    key: str
    vi: str
    en: str
    width: float
    translate: str | None = None  # "category" or "input": the sink replaces codes by the criteria file's labels
    # (vi, en) when every unit of the file is after the 1 July 2025 reform (engine/registry/maps.py PERIOD_LABELS)
    after: tuple[str, str] | None = None

    def label(self, lang: str, after: bool = False) -> str:
        vi, en = self.after if after and self.after else (self.vi, self.en)
        return vi if lang == "vi" else en

    @property
    def labels(self) -> tuple[str, ...]:
        """Every wording of the header, in both languages: what a reader of the file takes for this column."""
        return (self.vi, self.en, *(self.after or ()))


# The results sheet (and the people's CSV) in the order a page is read: what a board prints first — the unit,
# its decision and points, one column per criterion, the reasons — then the rest, outside the print area.
UNIT_BEFORE = [
    Column("unit_code", "Mã đơn vị", "Unit code", 10), Column("unit_name", "Tên đơn vị", "Unit name", 24),
    Column("status", "Kết quả", "Result", 13), Column("total", "Tổng điểm", "Total", 7),
    Column("threshold", "Ngưỡng", "Threshold", 8), Column("shortfall", "Còn thiếu", "Shortfall", 7)]
UNIT_AFTER = [
    Column("reasons", "Lý do", "Reasons", 44),
    Column("district", "Huyện / khu vực", "District", 18, after=(DISTRICT_AFTER.vi, DISTRICT_AFTER.en)),
    Column("province", "Tỉnh", "Province", 16),
    Column("period", "Kỳ", "Period", 9), Column("category", "Loại đơn vị", "Category", 28, "category"),
    Column("gaps", "Số chỉ tiêu cần cải thiện", "Indicators to improve", 12),
    Column("missing_inputs", "Số liệu còn thiếu", "Missing data", 36, "input"),
    Column("provisional", "Chỉ tiêu chấm theo thang tạm tính", "Indicators scored on provisional bands", 16),
    Column("source", "Nguồn", "Source", 24), Column("criteria_set", "Bộ tiêu chí", "Criteria set", 14),
    Column("cfc_version", "Phiên bản cfc", "cfc version", 9)]
CRITERION_WIDTH = 5  # "TC 10" on two lines, points up to 3 digits
GAP_COLUMNS = [
    Column("unit_code", "Mã đơn vị", "Unit code", 11), Column("unit_name", "Tên đơn vị", "Unit name", 26),
    Column("criterion", "Tiêu chí", "Criterion", 8), Column("indicator", "Chỉ tiêu", "Indicator", 8),
    Column("current_points", "Điểm hiện tại", "Points now", 9),
    Column("next_points", "Điểm nếu đạt", "Points if reached", 9), Column("gain", "Tăng", "Gain", 7),
    Column("input", "Số liệu", "Input", 36, "input"), Column("now", "Hiện tại", "Now", 9),
    Column("needed", "Cần đạt", "Needed", 9), Column("change", "Thay đổi", "Change", 9),
    Column("flips", "Đủ để đạt chuẩn", "Flips the decision", 10),
    Column("rule_status", "Thang điểm", "Band status", 12), Column("message", "Nội dung", "What it takes", 70)]
ERROR_COLUMNS = [
    Column("unit_code", "Mã đơn vị", "Unit code", 11), Column("source", "Nguồn", "Source", 24),
    Column("input", "Số liệu", "Input", 36, "input"), Column("value", "Giá trị", "Value", 14),
    Column("error", "Lỗi", "Error", 80)]
CRITERIA_COLUMNS = [
    Column("number", "Tiêu chí", "Criterion", 8), Column("name", "Tên tiêu chí", "Name", 80),
    Column("max_points", "Điểm tối đa", "Maximum points", 10), Column("citation", "Căn cứ", "Citation", 30)]
SHEETS = {"units": ("Kết quả", "Results"), "gaps": ("Cần cải thiện", "Gaps"), "errors": ("Lỗi dữ liệu", "Data errors"),
          "criteria": ("Bộ tiêu chí", "Criteria")}
BAND_STATUS = {"confirmed": ("đã đối chiếu", "confirmed"), "provisional": ("tạm tính", "provisional")}


def unit_columns(criteria: CriteriaSet) -> list[Column]:
    """The results sheet's columns: identity and decision, one per criterion of the file, then the reasons."""
    return (UNIT_BEFORE
            + [Column(f"criterion_{c.number}", f"TC {c.number}", f"C {c.number}", CRITERION_WIDTH)
               for c in criteria.criteria]
            + UNIT_AFTER)


def printed_columns(criteria: CriteriaSet) -> int:
    """How many of the results sheet's first columns a printed page holds: through the reasons."""
    return len(UNIT_BEFORE) + len(criteria.criteria) + 1


GAPS_KEPT = 5_000  # gaps whose encoded cells a SheetsRenderer keeps (see _gap_rows); past it, it starts again
PARTS_KEPT = 4_096  # gaps' steps, and figures, whose encoded cells it keeps (see _gap_encoded)
ROWS_KEPT = 64  # a step's rows templates, one per sentence template (_whole_row: a step has one or two)
# A gap's fields its step fixes (the cells of the gaps sheet's columns criterion to input, flips and band status),
# those of its figures (now, needed, change), and where those and its sentence are in the sheet's row (_gap_cells).
_GAP_STEP = attrgetter("criterion", "indicator", "current_points", "next_points", "points_gain", "input",
                       "flips_decision", "status")
_GAP_FIGURES = attrgetter("current_value", "target_value", "change")
_INDICATOR = attrgetter("indicator")
_GAP_NOW, _GAP_FLIPS, _GAP_MESSAGE = 8, 11, 13
# Figures kept by value and type (_gap_encoded): those whose equal values of one type are written alike, as the types
# of a gap's now, needed and change.
_KEPT_FIGURES = frozenset(product((int, bool, str, type(None)), repeat=3))


class SheetsRenderer:
    """Rows of the results workbook (results, gaps, data errors, the criteria), and with `with_json` the JSON
    pieces too: everything `--output DIR` writes. The people's CSV is the results sheet.

    The head holds each sheet's spec and its rows raw (category and input codes where the criteria file has
    labels: the head says which columns to translate and how). A unit's rows are finished here, in the process
    that renders the unit (a worker, for a batch): labels in place of codes, each row of the workbook encoded but
    for its number (xlsx_writer.RowEncoder), the people's CSV line written (`with_xlsx`, `with_csv`): the process
    writing the files only numbers rows and copies text (engine/results/directory.py). A sheet's rows are bytes
    alone: each has as many cells as the sheet's header, so the writer needs no width per row."""

    with_json = True
    with_xlsx = True
    with_csv = True

    def __init__(self, lang: str, detail: bool = False):
        self.lang = lang
        self.json = JsonRenderer(lang, detail) if self.with_json else None
        self._specs: dict = {}
        self._encoders: dict = {}  # per sheet: its data rows' RowEncoder
        self._gaps_kept: dict[bool, dict] = {False: {}, True: {}}  # after the reform or not: see _gap_rows
        self._gap_steps: dict[bool, dict] = {False: {}, True: {}}  # ... and their parts (_gap_encoded)
        self._gap_values: dict[tuple, bytes] = {}
        self._sentence_cells: dict[str, tuple] = {}  # a sentence's template → its cell's (RowEncoder.template; ()
        # when written out)
        self._gap_translated: dict[int, list] = {}  # id of the labels (before, after) → the step's columns to word
        self._translated: dict[int, dict] = {}  # ... → per sheet, its columns to word (_finished)
        self._gap_numbers = b""  # the cells of a gap's figures when whole numbers, as a template (head)
        self._labels: dict = {}
        self._csv_sheet: str | None = None
        self._csv_line = csv_writer(None, encoded=True, lineterminator="\r\n").line  # UTF-8, as its file holds
        # What every unit's rows repeat, worded once.
        self._status = _status_labels(lang)
        self._names = [self._pick(SHEETS[sheet]) for sheet in ("units", "gaps", "errors")]
        self._yes_no = ("có", "không") if lang == "vi" else ("yes", "no")
        self._band_status = {status: self._pick(pair) for status, pair in BAND_STATUS.items()}
        self._warning = self._pick(("cảnh báo", "warning"))
        self._after: dict = {}  # period → whether it ends on or after 1 July 2025
        self._criteria_set: tuple = ((), None)  # the last unit's criteria set and its cell (_criteria_set_cell)
        self._set_ref: object = self  # ... the last unit's reference to it (no unit's: nothing found before the first)
        self._set_cell: str | None = None

    def _pick(self, pair: tuple[str, str]) -> str:
        return pair[0] if self.lang == "vi" else pair[1]

    def _sheet(self, columns: list[Column], rows: list | None = None, printed: int | None = None) -> dict:
        """A sheet's spec: its columns, and for the printed page the columns it holds (None: all) — rows are
        wrapped, so that long text prints on several lines of a readable size rather than shrink the page."""
        spec = {"header": [c.label(self.lang) for c in columns], "widths": [c.width for c in columns],
                "translate": {i: c.translate for i, c in enumerate(columns) if c.translate}, "rows": rows or [],
                "printed": printed}
        if any(c.after for c in columns):  # the header the writer uses when every unit is after the reform
            spec["header_after"] = [c.label(self.lang, after=True) for c in columns]
        return spec

    def head(self, meta: Meta) -> dict:
        criteria = meta.criteria_set()
        lang = self.lang
        criteria_rows = [[c.number, c.name(lang), c.max_points, c.citation] for c in criteria.criteria]
        sheets = {self._pick(SHEETS["units"]): self._sheet(unit_columns(criteria),
                                                           printed=printed_columns(criteria)),
                  self._pick(SHEETS["gaps"]): self._sheet(GAP_COLUMNS),
                  self._pick(SHEETS["errors"]): self._sheet(ERROR_COLUMNS),
                  self._pick(SHEETS["criteria"]): self._sheet(CRITERIA_COLUMNS, criteria_rows)}
        labels = {"category": {c.id: c.label(lang) for c in criteria.categories},
                  "input": {d.name: d.label(lang) for d in criteria.inputs}}
        piece = {"sheets": sheets, "labels": labels, "csv_sheet": self._pick(SHEETS["units"]),
                 "criteria_id": criteria.instrument.id}
        self._specs, self._labels, self._csv_sheet = sheets, labels, piece["csv_sheet"]
        self._encoders = {name: data_rows(spec["widths"], spec["printed"]) for name, spec in sheets.items()}
        # A unit after the 1 July 2025 reform names its inputs as its map does ("Khu vực", not "Huyện / khu vực").
        self._labels_after = {**labels, "input": {d.name: input_label(d, True)(lang) for d in criteria.inputs}}
        # The gaps sheet's columns to word with labels, as places in a gap's step cells (_gap_encoded); a column to
        # word outside them would need a plain row, as no gap's other cells are worded.
        translate = sheets[self._names[1]]["translate"]
        assert all(2 <= index < _GAP_NOW for index in translate), "a gaps sheet column to label outside the step"
        self._gap_numbers = self._encoders[self._names[1]].numbers(_GAP_NOW, 3)  # now, needed, change
        self._gap_translated = {id(each): [(index - 2, each.get(kind, {})) for index, kind in translate.items()]
                                for each in (labels, self._labels_after)}
        # Every sheet's columns to word, with their labels, per labels (before the reform, after): _finished.
        self._translated = {id(each): {name: [(index, each.get(kind, {})) for index, kind in spec["translate"].items()]
                                       for name, spec in sheets.items()} for each in (labels, self._labels_after)}
        if self.json:
            piece["json"] = self.json.head(meta)
        return piece

    def unit(self, result: UnitResult, index: int) -> dict:
        lang = self.lang
        decided = result.status in DECIDED
        # An undecided unit (incomplete or invalid data) has no total to show: its sum covers only part of
        # the criteria, and a number in the total column would read as a score.
        reasons = result.reasons
        ref = result.criteria_set
        unit_row = [result.unit_code, result.unit_name, self._status[result.status], result.total if decided else None,
                    result.threshold, result.shortfall if decided else None,
                    *[c.points if c.complete else None for c in result.criteria],  # _criterion_points, in line
                    "; ".join([r.message(lang) for r in reasons]) if reasons else "", result.district,
                    result.province, result.period, result.category, len(result.gaps), list(result.missing_inputs),
                    ", ".join(map(_INDICATOR, result.provisional)), result.source(lang),
                    self._set_cell if ref is self._set_ref else self._criteria_set_cell(ref), __version__]
        units, gaps, errors = self._names
        after = self._after.get(result.period)
        if after is None:  # a batch holds few periods: each is dated once
            after = self._after[result.period] = after_reform((result.period,))
        labels = self._labels_after if after else self._labels
        for column, mapping in self._translated[id(labels)][units]:  # _finished, in line: the row is the unit's
            unit_row[column] = _label(unit_row[column], mapping)
        if not self.with_xlsx:  # the people's CSV alone: the results sheet is all it writes
            # The writer words the header after the reform only when every unit says so (engine/results/directory.py).
            piece = {"sheets": {}, "csv": self._csv_line(unit_row), "after": after}
            if self.json:
                piece["json"] = self.json.unit_bytes(result, index)
            return piece
        error_rows = [[result.unit_code, result.source(lang), e.input, _cell(e.value), e.message(lang)]
                      for e in result.error_details]
        if result.warnings or result.filled:  # the official list's say: warnings, and the names filled from it
            word = self._warning
            error_rows += [[result.unit_code, result.source(lang), w.input, _cell(w.value), f"{word}: {w.message(lang)}"]
                           for w in result.warnings]
            error_rows += [[result.unit_code, result.source(lang), name, getattr(result, name, None),
                            _filled(result, name, lang, labels["input"])] for name in result.filled]
        encoded = {units: [self._encoders[units](unit_row)[0]],
                   gaps: self._gap_rows(result, after, labels) if result.gaps else [],
                   errors: [row for row, _ in map(self._encoders[errors], self._finished(errors, error_rows, labels))]
                   if error_rows else []}  # most units: no data error
        # The writer words the header after the reform only when every unit says so (engine/results/directory.py).
        piece = {"sheets": encoded, "csv": self._csv_line(unit_row) if self.with_csv else b"", "after": after}
        if self.json:
            piece["json"] = self.json.unit_bytes(result, index)
        return piece

    def _criteria_set_cell(self, ref: CriteriaSetRef | None) -> str | None:
        """criteria_set_cell of a unit scored by `ref`, written once for the set a batch's units share (the same text:
        the encoder's and the CSV writer's memos find it without hashing a new one); the last unit's `ref` kept, so
        that the next unit scored by the same object finds its cell at once."""
        key = None if ref is None else (ref.id, ref.effective, ref.digest)
        if key != self._criteria_set[0]:
            self._criteria_set = (key, None if ref is None else _set_key(ref.id, ref.effective, ref.digest))
        self._set_ref, self._set_cell = ref, self._criteria_set[1]
        return self._set_cell

    def _gap_rows(self, result: UnitResult, after: bool, labels: dict) -> list[bytes]:
        """The unit's rows of the gaps sheet, encoded. A gap shared by several units (the engine builds one per
        distinct shortfall and shares it) is encoded once: its cells, after the unit's code and name, are kept by
        its identity, beside it (so the identity is never another's while kept)."""
        name = self._names[1]
        encoder = self._encoders[name]
        lang, (yes, no), band_status = self.lang, self._yes_no, self._band_status
        if encoder.style != PLAIN:  # a gaps sheet with a print layout: each row whole (its height is its own)
            rows = [[result.unit_code, result.unit_name, *self._gap_cells(g, lang, yes, no, band_status)]
                    for g in result.gaps]
            return [row for row, _ in map(encoder, self._finished(name, rows, labels))]
        kept, steps, encoded = self._gaps_kept[after], self._gap_steps[after], self._gap_encoded
        head = ROW_START + b">" + encoder.written([result.unit_code, result.unit_name])
        out = []
        for gap in result.gaps:
            key = id(gap)
            known = kept.get(key)
            if known is None:
                if len(kept) >= GAPS_KEPT:
                    kept.clear()
                known = kept[key] = (gap, encoded(gap, labels, steps, encoder))
            out.append(head + known[1])
        return out

    def _gap_encoded(self, gap, labels: dict, steps: dict, encoder) -> bytes:
        """A gap's cells after the unit's code and name, and the row's end, encoded: _gap_cells labelled, as
        encoder.cells writes them. Most gaps are a unit's own (its figures, and so its sentence, differ), so each
        part is kept by what it is made of: the step's cells (criterion to input, flips and band status: a few
        dozen), the figures' cells (now, needed, change), and the sentence's cell made from its wording's template
        with the figures put in (RowEncoder.template) rather than worded, then written out. Most gaps' figures and
        sentence figures are whole numbers: their cells are one bytes %-template per step and sentence template
        (_whole_row), filled at once."""
        try:
            step = _GAP_STEP(gap)
            parts = steps.get(step)
            if parts is None:
                criterion, indicator, points, next_points, gain, name, flips, status = step
                cells = self._step_labelled([criterion, indicator, points, next_points, gain, name], labels)
                yes, no = self._yes_no
                parts = (encoder.cells(cells, 2), encoder.cells(
                    [yes if flips else no, self._band_status[status] if status else None], _GAP_FLIPS), {})
                if len(steps) >= PARTS_KEPT:
                    steps.clear()
                steps[step] = parts
            now, needed, change = figures = _GAP_FIGURES(gap)
            # Most gaps' figures are counts: each a whole number (an int, not a bool) short of 16 digits, what a %d
            # template writes as its cell's digits; the three comparisons in line (a call and a set of the types cost
            # ~2.4k instructions a gap more, callgrind).
            whole = (type(now) is int and type(needed) is int and type(change) is int
                     and -WHOLE_LIMIT < now < WHOLE_LIMIT and -WHOLE_LIMIT < needed < WHOLE_LIMIT
                     and -WHOLE_LIMIT < change < WHOLE_LIMIT)
            if not whole:
                kinds = (type(now), type(needed), type(change))
                if kinds not in _KEPT_FIGURES:  # 0.0 and -0.0 are one key, and written apart ("0", "-0")
                    values = encoder.cells([_cell(now), _cell(needed), change], _GAP_NOW)
                else:
                    key = (*figures, *kinds)
                    values = self._gap_values.get(key)
                    if values is None:
                        if len(self._gap_values) >= PARTS_KEPT:
                            self._gap_values.clear()
                        values = self._gap_values[key] = encoder.cells([_cell(now), _cell(needed), change], _GAP_NOW)
        except TypeError:  # a value that cannot be a key: the row the plain way
            return encoder.cells(self._step_labelled(self._gap_cells(gap, self.lang, *self._yes_no, self._band_status),
                                                     labels), 2) + b"</row>"
        cell = None
        sentence = getattr(gap, "sentence", None)  # a gap worded when read (engine/rules/worded.py)
        found = sentence(self.lang) if sentence is not None else None
        if found is not None:
            template, words = found
            # ... and so are most sentences' figures (any number of them: their types as a set; in line, as above)
            if whole and WHOLE_KINDS.issuperset(map(type, words)) and (
                    not words or -WHOLE_LIMIT < min(words) and max(words) < WHOLE_LIMIT):
                row = parts[2].get(template)
                if row is None:
                    row = self._whole_row(parts, template, encoder)
                if row:
                    return row % (now, needed, change, *words)
            made = self._sentence_made(template, encoder)
            if made:
                cell = filled(made, words)
        if cell is None:
            cell = encoder.cells([gap.message(self.lang)], _GAP_MESSAGE)
        if whole:
            values = self._gap_numbers % figures
        return b"".join((parts[0], values, parts[1], cell, b"</row>"))

    def _whole_row(self, parts: tuple, template: str, encoder) -> bytes:
        """The gap's cells after the unit's and the row's end as one bytes %-template of its figures (now, needed,
        change) and its sentence's figures, all whole numbers short of 16 digits: its step's cells, the figures'
        cells (RowEncoder.numbers), the sentence's cell (RowEncoder.template's whole numbers' template); kept in
        the step's parts by the sentence's template (b"" when that cell is written otherwise). What filling the
        parts one by one and joining them writes (tests/test_render.py)."""
        made = self._sentence_made(template, encoder)
        rows = parts[2]
        if len(rows) >= ROWS_KEPT:
            rows.clear()
        rows[template] = row = (b"".join((parts[0].replace(b"%", b"%%"), self._gap_numbers,
                                          parts[1].replace(b"%", b"%%"), made[0], b"</row>")) if made else b"")
        return row

    def _sentence_made(self, template: str, encoder) -> tuple:
        """The sentence cell's templates for its wording's `template` (RowEncoder.template), made once; () when the
        cell is written out."""
        made = self._sentence_cells.get(template)
        if made is None:
            made = self._sentence_cells[template] = encoder.template(_GAP_MESSAGE, template) or ()
        return made

    def _step_labelled(self, cells: list, labels: dict) -> list:
        """A gap's cells after the unit's (its step's first), the columns the sheet words with `labels` worded."""
        for index, mapping in self._gap_translated[id(labels)]:
            cells[index] = _label(cells[index], mapping)
        return cells

    @staticmethod
    def _gap_cells(gap, lang: str, yes: str, no: str, band_status: dict) -> list:
        """A gap's row of the gaps sheet after the unit's code and name (_gap_encoded writes it in parts: its
        columns _GAP_NOW and _GAP_FLIPS start the figures and the flip, _GAP_MESSAGE is the sentence's)."""
        return [gap.criterion, gap.indicator, gap.current_points, gap.next_points, gap.points_gain, gap.input,
                _cell(gap.current_value), _cell(gap.target_value), gap.change, yes if gap.flips_decision else no,
                band_status[gap.status] if gap.status else None, gap.message(lang)]

    def _finished(self, name: str, rows: list[list], labels: dict) -> list[list]:
        """A sheet's rows with labels in place of codes (the columns its spec says), as `labelled` words them: in
        place, each row being a list made for this unit."""
        for index, mapping in self._translated[id(labels)][name]:
            for row in rows:
                row[index] = _label(row[index], mapping)
        return rows

    def _csv_lines(self, rows: list[list]) -> bytes:
        return b"".join(map(self._csv_line, rows))

    def tail(self, summary: Summary) -> dict:
        piece = {"sheets": {}}
        if self.json:
            piece["json"] = self.json.tail(summary)
        return piece


class BundleRenderer(SheetsRenderer):
    """`--output DIR`: results.json, results.csv (for people) and results.xlsx."""


class SpreadsheetRenderer(SheetsRenderer):
    """`-o NAME.xlsx`: the sheets alone."""

    with_json = False
    with_csv = False


class PeopleCsvRenderer(SheetsRenderer):
    """`-o NAME.csv`: the results sheet alone, as the CSV for people."""

    with_json = False
    with_xlsx = False


def joined(pieces: list) -> object:
    """Several units' pieces as one, written as those pieces one after the other would be: text joined (and
    encoded), units already UTF-8 (JsonRenderer.unit_bytes) joined as bytes; the spreadsheet renderers' pieces
    (SheetsRenderer.unit) merged, each sheet's rows in order, and each file's bytes joined: a unit's JSON and CSV
    lines come as UTF-8 already, the bytes their files hold. Encoded where the units are rendered (a worker): text
    sent to the writing process as str was encoded to cross the pipe, decoded there and encoded again by its file,
    ~0.6 G instructions of that process for 10,600 units (--output DIR); bytes cross as they are."""
    if not pieces or isinstance(pieces[0], str):
        text = "".join(pieces)
        try:  # the stream formats' text too (JSON, CSV, table): write_chunk gives it to its output as it is
            return text.encode()
        except UnicodeEncodeError:  # a lone surrogate: left to the output's own error handler, as before
            return text
    if type(pieces[0]) is bytes:  # units written as UTF-8 by their renderer (JsonRenderer.unit_bytes)
        return b"".join(pieces)
    sheets: dict[str, list] = {}
    for piece in pieces:
        for name, rows in piece["sheets"].items():
            sheets.setdefault(name, []).extend(rows)
    out = {"sheets": sheets, "csv": b"".join([piece["csv"] for piece in pieces])}  # UTF-8 already (_csv_lines)
    if "after" in pieces[0]:  # after the 1 July 2025 reform: every unit of them (engine/results/directory.py)
        out["after"] = all(piece["after"] for piece in pieces)
    if "json" in pieces[0]:  # each unit's JSON as UTF-8 already (JsonRenderer.unit_bytes)
        out["json"] = b"".join([piece["json"] for piece in pieces])
    return out


def write_chunk(out: TextIO, text: str | bytes) -> None:
    """A chunk of a stream format (joined) written to `out`: as bytes straight to the file under a UTF-8 text
    output that writes a line break as it is given (stdout or a file on this system: newline translation is a
    no-op where the line separator is \n), what is pending in it written first; decoded for any other output (a
    StringIO, another encoding). The parent of a national batch to JSON decoded the workers' 31.7 MB and encoded it
    again, ~0.5 G instructions of its 2.3 G (callgrind, 10,600 units)."""
    if type(text) is bytes:
        if (isinstance(out, io.TextIOWrapper) and os.linesep == "\n"
                and codecs.lookup(out.encoding).name == "utf-8"):
            out.flush()
            out.buffer.write(text)
            return
        text = text.decode()
    out.write(text)


def labelled(row: list, translate: dict[int, str], labels: dict[str, dict]) -> list:
    """A row with the codes of its `translate` columns (a category, input names) replaced by their labels."""
    row = list(row)
    for index, kind in translate.items():
        row[index] = _label(row[index], labels.get(kind, {}))
    return row


def _label(value, mapping: dict):
    """A cell's code (or codes, joined) as its label says it; a code without a label as it is."""
    if isinstance(value, (list, tuple)):  # most units' missing inputs: none
        return ("; ".join([mapping.get(item, item) for item in value]) or None) if value else None
    return mapping.get(value, value) if value is not None else None


def _cell(value):
    """A value as a spreadsheet cell takes it: numbers stay numbers, the rest becomes text."""
    return value if value is None or isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


RENDERERS = {"json": JsonRenderer, "csv": CsvRenderer, "table": TableRenderer, "bundle": BundleRenderer,
             "sheets": SpreadsheetRenderer, "people-csv": PeopleCsvRenderer}


def _notes(unit: UnitResult, lang: str, short_events: bool = False, labels: dict[str, str] | None = None) -> list[str]:
    """A unit's errors, reasons and gaps. `short_events`: an event gap gives its count and band only, the
    sentence on why the count is not to be lowered being said once at the end of the batch. `labels`: each
    input's label in `lang`, for the names filled from the official list."""
    lines = [f"    ✗ {error(lang)}" for error in unit.errors]
    lines += [f"    ! {warning.message(lang)}" for warning in unit.warnings]
    lines += [f"    ~ {_filled(unit, name, lang, labels or {})}" for name in unit.filled]
    lines += [f"    • {reason.message(lang)}" for reason in unit.reasons if reason.code != "invalid"]
    for gap in unit.gaps:
        mark = "*" if gap.status == "provisional" else ""
        flip = f"  {_say('flips', lang)}" if gap.flips_decision else ""
        message = gap.message(lang)
        if short_events and gap.kind == "event":
            message = _event_head(message, lang)
        lines.append(f"    → [{gap.indicator}{mark}] {_decimal_comma(message, lang)}{flip}")
    return lines


def _event_head(message: str, lang: str) -> str:
    """An event gap's sentence without its closing explanation (gap_event is its head, then gap_event_why)."""
    vi, en = CATALOG["gap_event_why"]
    start = (vi if lang == "vi" else en).split("{", 1)[0]
    head, found, _ = message.partition(". " + start)
    return head + "." if found else message


def closing_notes(summary: Summary, lang: str) -> list[str]:
    """What must not be missed at the end of a batch with incomplete units: a column header that matched no
    input (warned once before the results, where it scrolls away), which may be why data is missing."""
    if not summary.counts["incomplete"]:
        return []
    from engine.readers.records import read_options  # the reading of this command (the parent's context)

    warnings = (read_options().warnings or {}).values()
    return [_say("unmatched_header_summary", lang, count=number(summary.counts["incomplete"], lang),
                 column=warning.message.params["column"], file=warning.source, hint=warning.message.params["hint"])
            for warning in warnings if warning.message.key == "unknown_column"]


def _filled(unit: UnitResult, name: str, lang: str, labels: dict[str, str]) -> str:
    """An input filled from the official list, named by its label (people never read a field name); the field
    name only when the criteria file is not at hand to label it."""
    return _say("registry_filled", lang, input=labels.get(name, name), value=getattr(unit, name, None) or "")


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


NAME_COLUMN = 70
BAND_COLUMN = 48


def _indicators(unit: UnitResult, lang: str) -> list[str]:
    """Every criterion and indicator; a name or band longer than its column wraps onto the next lines."""
    lines = []
    for criterion in unit.criteria:
        # A criterion that could not be scored shows "?": its partial sum is not its score.
        points = criterion.points if criterion.complete else "?"
        name = textwrap.wrap(criterion.name(lang), NAME_COLUMN) or [""]
        lines.append(f"{criterion.number:>2}. {name[0]:<{NAME_COLUMN}} {f'{points}/{criterion.max_points}':>9}")
        lines += [f"    {more}" for more in name[1:]]
        for ind in criterion.indicators:
            mark = "*" if ind.status == "provisional" else " "
            measure = ind.measure_display(lang) if ind.measure_display else ("0/0" if ind.state == "empty_denominator" else "—")
            band = ind.band(lang) if ind.band else ", ".join(ind.missing_inputs) or ind.state
            band_lines = textwrap.wrap(_decimal_comma(band, lang), BAND_COLUMN) or [""]
            points = "?" if ind.points is None else ind.points
            lines.append(f"    {ind.id:<4}{mark} {_decimal_comma(measure, lang):>10}  {band_lines[0]:<{BAND_COLUMN}} "
                         f"{f'{points}/{ind.max_points}':>9}")
            lines += [f"{'':<22}{more}" for more in band_lines[1:]]
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
