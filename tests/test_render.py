"""The renderers' shortcuts give exactly what the plain way gives: the compact JSON unit written partly by hand is
what the JSON encoder writes for the same data, the table made printable in one pass is the table made printable
line by line, and one CSV writer reused for every row writes what a fresh writer per row writes."""
from __future__ import annotations

import csv
import io
import json
import math
import sys
from copy import copy
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.api import evaluate_files
from engine.criteria.model import load_criteria
from engine.readers.records import Record
from engine.messages import both
from engine.results.model import ErrorDetail, Plan, PlanBlock, UnitResult
from engine.text import Text
from engine.results import compact, xlsx_writer
from engine.results.cells import csv_safe, csv_writer, is_formula_like
from engine.results.render import RENDERERS, Meta, _dumps, _printable_lines
from engine.rules.evaluate import evaluate_units
from engine.text import printable
from engine.units.validate import validate_record

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "evaluations" / "sample-area" / "units.csv", ROOT / "evaluations" / "single-unit.yaml",
         ROOT / "tests" / "fixtures" / "robust" / "control-characters.csv",
         ROOT / "tests" / "fixtures" / "robust" / "one-bad-value-per-unit.csv"]


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


@pytest.fixture(scope="module")
def units(criteria) -> list[UnitResult]:
    found = evaluate_files(criteria, FILES).units
    assert {u.status for u in found} == {"recognized", "not_recognized", "incomplete", "invalid"}
    return found


def _renderer(fmt: str, lang: str, criteria):
    renderer = RENDERERS[fmt](lang, False)
    renderer.head(Meta(criteria.instrument.id, criteria.source, criteria.digest, criteria))
    return renderer


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_compact_unit_is_what_the_encoder_writes(units, criteria, lang):
    renderer = _renderer("json", lang, criteria)
    for index, unit in enumerate(units):
        text = renderer.unit(unit, index).removeprefix(",\n")
        data = json.loads(text)  # keeps key order
        assert _dumps(data) == text
        assert list(data)[:13] == ["unit_code", "unit_name", "district", "province", "period", "category", "source",
                                   "status", "total", "max_total", "threshold", "shortfall", "values"]
        # what the official list of units says comes last, and only when there is something to say
        notes = [key for key in ("warnings", "filled") if getattr(unit, key)]
        assert list(data)[13:] == ["criteria", "bands", "states", "reasons", "gaps", "missing_inputs", "errors",
                                   "error_details", "ignored_inputs", "plan", "criteria_set"] + notes
        assert [c["points"] for c in data["criteria"]] == [c.points for c in unit.criteria]
        assert list(data["bands"]) == [i.id for c in unit.criteria for i in c.indicators]


def _plain_compact(unit: UnitResult, lang: str, criteria) -> dict:
    """The compact unit as schema/v1 describes it, built the plain way: what compact.py must write."""
    values = {}
    for criterion in unit.criteria:
        for indicator in criterion.indicators:
            for name, value in indicator.inputs.items():
                values.setdefault(name, value)
    wordings = {}  # indicator id → band wording → index, as the metadata at the top numbers them
    for _, indicator in criteria.indicators:
        wordings[indicator.id] = {}
        for index, text in enumerate(indicator.band_texts):
            wordings[indicator.id][text.vi] = wordings[indicator.id][both("band_empty_denominator", band=text).vi] = index
    ref, plan = unit.criteria_set, unit.plan
    data = {"unit_code": unit.unit_code, "unit_name": unit.unit_name, "district": unit.district,
            "province": unit.province, "period": unit.period, "category": unit.category, "source": unit.source(lang),
            "status": unit.status, "total": unit.total, "max_total": unit.max_total, "threshold": unit.threshold,
            "shortfall": unit.shortfall, "values": values,
            "criteria": [{"number": c.number, "points": c.points, "complete": c.complete} for c in unit.criteria],
            "bands": {i.id: None if i.band is None else wordings.get(i.id, {}).get(i.band.vi)
                      for c in unit.criteria for i in c.indicators},
            "states": {i.id: i.state for c in unit.criteria for i in c.indicators if i.state != "scored"},
            "reasons": [{"code": r.code, "criterion": r.criterion, "message": r.message(lang)} for r in unit.reasons],
            "gaps": [{"indicator": g.indicator, "kind": g.kind, "points_gain": g.points_gain, "input": g.input,
                      "target_value": g.target_value, "flips_decision": g.flips_decision} for g in unit.gaps],
            "missing_inputs": unit.missing_inputs, "errors": [e(lang) for e in unit.errors],
            "error_details": [{"input": e.input, "value": _shown(e.value), "message": e.message(lang)}
                              for e in unit.error_details],
            "ignored_inputs": unit.ignored_inputs,
            "plan": None if plan is None else {
                "reaches_recognition": plan.reaches_recognition,
                "changes": [{"input": c.input, "from": c.from_, "to": c.to, "points": c.points,
                             "criterion": c.criterion, "indicator": c.indicator} for c in plan.changes],
                "blocked_by": [{"criterion": b.criterion, "indicator": b.indicator} for b in plan.blocked_by]},
            "criteria_set": None if ref is None else f"{ref.id}@{ref.effective} sha256:{ref.digest[:12]}"}
    if unit.warnings:
        data["warnings"] = [{"input": w.input, "value": _shown(w.value), "message": w.message(lang)}
                            for w in unit.warnings]
    if unit.filled:
        data["filled"] = unit.filled
    return data


def _shown(value):
    """A value of an error or a warning as results show it: NaN and infinity (which JSON cannot hold) as text."""
    return str(value) if isinstance(value, float) and not math.isfinite(value) else value


class _Name(str):
    """Text of a class of its own (what a caller's own string type may be)."""


def _reshaped(unit: UnitResult, how: str) -> UnitResult:
    """The unit with its criteria changed as its criteria set does not lay them out (compact.py, Layout), or with
    what the compact unit writes in line (its own fields, its plan, what went wrong) of another kind."""
    odd = Text("Xã \"Đặc\" \\ biệt\u2028\x07 ✓", "Odd \"commune\"")
    if how == "own fields of every kind":
        return replace(unit, unit_code=None, unit_name=_Name("Xã Ngọc \"Lặc\"\t"), district="Huyện \x1b\u2029",
                       province=None, period=None, category=None, source=odd, total=True, threshold=None,
                       shortfall=None, criteria_set=None)
    if how == "what went wrong of every kind":
        details = [ErrorDetail("births", float("nan"), odd), ErrorDetail(None, float("-inf"), odd),
                   ErrorDetail("births", 2.5, odd), ErrorDetail("births", "=1+1 \"ý\"", odd)]
        return replace(unit, missing_inputs=["births", "ý"], errors=[odd], error_details=details,
                       ignored_inputs=["cột lạ", "x\"y"], warnings=details[:2], filled=["unit_name", "district"])
    if how == "complete or not at the same points":  # every other unit's criteria flipped: both, kept apart
        if len(unit.reasons) % 2:
            return replace(unit, criteria=[replace(c, complete=not c.complete) for c in unit.criteria])
        return unit
    if how == "plans of every kind":
        plan = unit.plan or Plan(False, [], [])
        falls_short = replace(plan, reaches_recognition=False, changes=[], blocked_by=[])
        blocked = replace(plan, blocked_by=[PlanBlock(3, None, odd), PlanBlock(4, "4", odd)])
        return replace(unit, plan=(falls_short, blocked, None)[len(unit.reasons) % 3])
    criteria = list(unit.criteria)
    first = criteria[0]
    indicator = first.indicators[-1]
    if how == "an input less":
        indicator = replace(indicator, inputs=dict(list(indicator.inputs.items())[1:]))
    elif how == "an input more":
        indicator = replace(indicator, inputs={"extra_input": 7, **indicator.inputs})
    elif how == "another indicator":
        indicator = replace(indicator, id="9z", band=Text("một mức khác", "another band"))
    elif how == "a wording built again":  # equal to the set's, not the same object
        indicator = replace(indicator, band=None if indicator.band is None else Text(indicator.band.vi,
                                                                                    indicator.band.en))
    elif how == "a state of its own":  # not one the set's layout names: written, then kept with the others
        indicator = replace(indicator, state="estimated")
    elif how == "values of every kind":
        names = list(indicator.inputs)
        indicator = replace(indicator, inputs=dict(zip(names, ["=1+1 \"ý\"", 2.5, True, None][:len(names)])))
    if how == "a criterion less":
        criteria = criteria[1:]
    elif how == "a criterion more":
        criteria.append(replace(first, number=99, indicators=[replace(i, id=f"99{i.id}") for i in first.indicators]))
    else:
        criteria[0] = replace(first, indicators=[*first.indicators[:-1], indicator])
    return replace(unit, criteria=criteria)


@pytest.mark.parametrize("how", ["as scored", "an input less", "an input more", "another indicator",
                                 "a wording built again", "a state of its own", "values of every kind",
                                 "a criterion less",
                                 "a criterion more", "own fields of every kind", "what went wrong of every kind",
                                 "plans of every kind", "complete or not at the same points"])
def test_a_compact_unit_says_what_its_result_holds(units, criteria, how):
    """Each unit, scored or reshaped as its set would not lay it out, written twice (the second time from what the
    renderer kept): the plain way's JSON, byte for byte."""
    for lang in ("vi", "en"):
        renderer = _renderer("json", lang, criteria)
        for _ in range(2):
            for index, unit in enumerate(units):
                unit = unit if how == "as scored" else _reshaped(unit, how)
                assert renderer.unit(unit, index).removeprefix(",\n") == _dumps(_plain_compact(unit, lang, criteria))
                # as the bundle writes it (results.json): the same text as UTF-8, encoded part by part
                assert renderer.unit_bytes(unit, index) == renderer.unit(unit, index).encode()


def test_what_a_compact_renderer_keeps_is_bounded(units, criteria, monkeypatch):
    """Past their bounds the renderer's memos start again (the text kept by identity with the objects held beside
    it, so that no identity is another's while kept): units whose shared parts (reasons, a plan's blocks, the
    set's reference, band wordings: these looked up by their text) are fresh copies each time, written far past the
    bounds, are still the plain way's JSON, and what is kept stays within them."""
    monkeypatch.setattr(compact, "SAID_KEPT", 3)
    monkeypatch.setattr(compact, "GAPS_KEPT", 2)
    monkeypatch.setattr(compact.Layout, "KEPT", 2)
    renderer = _renderer("json", "vi", criteria)
    for round_ in range(4):
        for index, unit in enumerate(units):
            if round_ % 2:  # copies: objects equal to the engine's, each with an identity of its own
                plan = unit.plan and replace(unit.plan, blocked_by=[copy(b) for b in unit.plan.blocked_by])
                unit = replace(unit, reasons=[copy(r) for r in unit.reasons], plan=plan,
                               criteria_set=copy(unit.criteria_set), gaps=[copy(g) for g in unit.gaps],
                               criteria=[replace(c, indicators=[replace(i, band=i.band and Text(i.band.vi, i.band.en))
                                                                for i in c.indicators]) for c in unit.criteria])
            assert renderer.unit(unit, index).removeprefix(",\n") == _dumps(_plain_compact(unit, "vi", criteria))
    layout = renderer._layouts[criteria.digest]
    said = layout.said["vi"]
    assert 0 < len(said.held) <= 3 and len(said.texts) == len(said.held)
    assert 0 < len(layout.gaps) <= 2 and len(layout.state_texts) <= 2


def test_a_value_json_cannot_hold_fails_as_the_encoder_fails(units, criteria):
    """NaN among a unit's values: refused as json.dumps(allow_nan=False) refuses it, not written as NaN."""
    unit = _reshaped(units[0], "values of every kind")
    first = unit.criteria[0]
    indicator = replace(first.indicators[0], inputs={name: float("nan") for name in first.indicators[0].inputs})
    unit = replace(unit, criteria=[replace(first, indicators=[indicator, *first.indicators[1:]]), *unit.criteria[1:]])
    renderer = _renderer("json", "en", criteria)
    for write in (lambda: renderer.unit(unit, 0), lambda: renderer.unit_bytes(unit, 0),
                  lambda: _dumps(_plain_compact(unit, "en", criteria))):
        with pytest.raises(ValueError, match="JSON compliant"):
            write()


@pytest.mark.parametrize("detail", [False, True])
def test_a_unit_as_bytes_is_its_text_encoded(units, criteria, detail):
    """JsonRenderer.unit_bytes (compact or in full, and a unit of a set the head does not describe) is unit's text
    as UTF-8; a lone surrogate, which UTF-8 cannot hold, fails both ways alike."""
    for lang in ("vi", "en"):
        renderer = RENDERERS["json"](lang, detail)
        renderer.head(Meta(criteria.instrument.id, criteria.source, criteria.digest, criteria))
        for index, unit in enumerate(units):
            assert renderer.unit_bytes(unit, index) == renderer.unit(unit, index).encode()
        renderer._layouts.clear()  # no set described: every unit explains itself in full
        assert renderer.unit_bytes(units[0], 1) == renderer.unit(units[0], 1).encode()
    odd = replace(units[0], unit_name="Xã \ud800")
    for write in (lambda: renderer.unit(odd, 0).encode(), lambda: renderer.unit_bytes(odd, 0)):
        with pytest.raises(UnicodeEncodeError):
            write()


def test_an_indicator_reads_its_declared_inputs_in_order(units, criteria):
    """What lets a compact unit's values be laid out once per criteria set (compact.py, Layout): each indicator's
    inputs are the ones the criteria file declares for it, in that order."""
    declared = {indicator.id: list(indicator.measure.inputs) for _, indicator in criteria.indicators}
    for unit in units:
        for criterion in unit.criteria:
            for indicator in criterion.indicators:
                assert list(indicator.inputs) == declared[indicator.id]


def test_a_floating_value_in_an_error_is_written_as_the_encoder_writes_it(criteria):
    # Values as a JSON body or a workbook cell can give them (file readers keep text as text).
    record = Record(source="web", kind="", number=0,
                    data={"unit_code": "1", "births": 98.5, "births_registered": 1e-5, "children_total": 1e16})
    unit = next(evaluate_units(criteria, [validate_record(criteria, record)]))
    assert sorted(e.value for e in unit.error_details) == [1e-5, 98.5, 1e16]
    text = _renderer("json", "en", criteria).unit(unit, 0)
    assert _dumps(json.loads(text)) == text
    assert '"value":1e-05' in text and '"value":1e+16' in text


@pytest.mark.parametrize("lines", [
    ["plain", "Xã \x1b[2JĐỏ", "→ gap"],                      # one pass over the joined lines
    ["Xã Hai\nDòng", "\x1b[31m", "", "last\r"],              # a line break inside a name: line by line
    [""], ["\n"], ["a", "\n", "b"]])
def test_the_table_is_made_printable_as_line_by_line(lines):
    assert _printable_lines(lines) == "\n".join(printable(line, keep="") for line in lines)
    assert _printable_lines(lines).count("\n") == len(lines) - 1  # a name never adds a line


def test_a_name_with_a_line_break_stays_on_its_line_of_the_table(units, criteria):
    unit = replace(units[0], unit_name="Xã\nGiả\x1b[2J")
    text = _renderer("table", "vi", criteria).unit(unit, 0)
    assert "Xã\\nGiả\\x1b[2J" in text and "\x1b" not in text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_csv_rows_are_what_a_fresh_writer_writes(units, criteria, lang):
    renderer = _renderer("csv", lang, criteria)
    for index, unit in enumerate(units):
        row = renderer.unit(unit, index)
        cells = next(csv.reader(io.StringIO(row)))
        fresh = io.StringIO()
        csv.writer(fresh, lineterminator="\n").writerow([csv_safe(cell) for cell in cells])
        assert row == fresh.getvalue()
        assert cells[0] == (unit.unit_code or "") and cells[6] == unit.status


# ---------------------------------------------------------------- spreadsheet cells and CSV lines

def _plain_tail(value, style: int) -> str:
    """A cell's XML after its reference, the plain way (every text through _SPECIAL's search)."""
    if type(value) is str and value:
        attrs = xlsx_writer._STYLE_ATTR[xlsx_writer._QUOTED[style] if is_formula_like(value) else style]
        value = xlsx_writer.storable(value)
        space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
        return f'"{attrs} t="inlineStr"><is><t{space}>{xlsx_writer._markup(value)}</t></is></c>'
    return xlsx_writer._cell_tail(value, style)


def _plain_row(values: list, widths: list, style: int, upto) -> bytes:
    """A row as the sheet writes it without remembering any cell: each cell on its own, the height from every
    wrapped text's lines."""
    cells, lines = [], 1
    for index, value in enumerate(values):
        wrapped = upto is None or index < upto
        tail = _plain_tail(value, style if wrapped else xlsx_writer.PLAIN)
        if tail:
            cells.append(f'<c r="{xlsx_writer.column_letter(index + 1)}\0{tail}')
        if (style != xlsx_writer.PLAIN and wrapped and index < len(widths) and type(value) is str
                and (len(value) > widths[index] or "\n" in value)):
            lines = max(lines, xlsx_writer._lines(value, widths[index]))
    height = f' ht="{lines * 15}" customHeight="1"' if lines > 1 else ""
    return f'<row r="\0"{height}>{"".join(cells)}</row>'.encode()


CELL = st.one_of(
    st.sampled_from([0, 1, True, False, -0.0, 0.0, 1.0, 2, 2.0, 10 ** 15, 10 ** 15 + 1, float("nan"), float("inf"),
                     None, "", "0", "1", "True", "=1+1", "-2", " lề ", "a\nb", "x < y & z", "_x0041_", "a\rb",
                     "\x1b[2J", "\ud800", "Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng thể thấp còi giảm mạnh",
                     "\u00a0ngắt\u202fdòng", "ạ" * 40]),
    st.integers(-3, 3), st.floats(allow_nan=False, width=16), st.text(max_size=50))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=7), min_size=1, max_size=12),
       st.sampled_from([(xlsx_writer.PLAIN, None), (xlsx_writer.WRAP, None), (xlsx_writer.WRAP, 3),
                        (xlsx_writer.HEADER, None)]))
def test_a_row_encoder_writes_each_row_as_the_plain_way(rows, layout):
    """Rows encoded by one encoder (whose columns remember their cells, 0 and 1 apart from yes/no and fractions)
    are the rows written cell by cell, however the values repeat, and a row's cells from a column on are its
    end."""
    style, upto = layout
    widths = [4, 12, 30, 8, 6]
    encoder = xlsx_writer.RowEncoder(widths, style, upto)
    for row in rows + rows:
        expected = _plain_row(row, widths, style, upto)
        assert encoder(row) == (expected, len(row))
        if style == xlsx_writer.PLAIN:
            start = expected.index(b">") + 1
            head = encoder.cells(row[:1])
            assert head + encoder.cells(row[1:], 1) == expected[start:-len(b"</row>")]
            # ... and written out, not looked up (a unit's code and name before each of its gaps)
            assert encoder.written(row[:2]) + encoder.cells(row[2:], 2) == expected[start:-len(b"</row>")]


def test_printable_text_holds_no_white_space_but_the_space():
    """What a text cell's xml:space reads of printable text (xlsx_writer._text_cell): its ends' spaces alone."""
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if c.isprintable() and c.isspace()] == [" "]


def test_a_row_encoder_refuses_what_a_cell_cannot_hold():
    encoder = xlsx_writer.RowEncoder([10])
    for value in ([1, 2], object()):
        with pytest.raises(TypeError, match="cannot hold"):
            encoder([value])
        with pytest.raises(TypeError, match="cannot hold"):
            encoder.written([value])


class _Shown(str):
    def __str__(self) -> str:  # shows other text than it holds
        return "harmless"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(CELL, st.builds(_Shown, st.sampled_from(["=1+1", "ok"]))), max_size=8))
@example(["=1+1", "a"]).via("a formula first")
@example(["a", 2, "@x"]).via("a formula last")
@example(["\tq", -1, 2.5, None]).via("a tab first, a negative number")
@example(["a\0=b", "c"]).via("a NUL inside a text")
@example([_Shown("=1+1")]).via("text showing other text")
def test_a_csv_row_is_each_cell_made_safe(row):
    """The safe writer's one search per row writes what csv_safe on each cell writes."""
    ours, plain = io.StringIO(), io.StringIO()
    csv_writer(ours, lineterminator="\r\n").writerow(row)
    csv.writer(plain, lineterminator="\r\n").writerow([csv_safe(cell) for cell in row])
    assert ours.getvalue() == plain.getvalue()
    csv_writer(ours, lineterminator="\r\n").writerow(iter(row))  # any iterable, as csv.writer takes
    assert ours.getvalue() == plain.getvalue() * 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.one_of(CELL, st.sampled_from(['a "quoted" word', 'ends with "', '"', ",", "a,b", "'=x"])),
                         min_size=1, max_size=6), min_size=1, max_size=15),
       st.sampled_from(["\r\n", "\n"]))
@example([["=1+1", "a"], ["a", "=1+1"], ["=1+1", "a"]], "\r\n").via("a formula kept, then met again")
@example([[None], [""], ["", None]], "\n").via("a lone empty field, quoted by csv")
def test_rows_written_by_one_safe_writer_are_each_row_made_safe(rows, terminator):
    """One writer for many rows (each column remembering the fields it wrote, as a renderer's does), rows repeating:
    each line is what csv.writer writes for csv_safe of each cell, whatever the row holds (text, whole numbers,
    None, yes/no, floats, quotes, delimiters, line breaks, formula starts)."""
    ours = csv_writer(None, lineterminator=terminator)
    encoded = csv_writer(None, encoded=True, lineterminator=terminator)
    for row in rows + rows:
        plain = io.StringIO()
        csv.writer(plain, lineterminator=terminator).writerow([csv_safe(cell) for cell in row])
        assert ours.line(row) == plain.getvalue()
        try:
            text = plain.getvalue().encode()
        except UnicodeEncodeError:  # a lone surrogate: no UTF-8 of it, from either
            with pytest.raises(UnicodeEncodeError):
                encoded.line(row)
        else:
            assert encoded.line(row) == text


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.one_of(CELL, st.sampled_from(["Xã Đông Hải", "\0", "=1+1", 'Ấp "Mới", xã A', None])),
                         min_size=2, max_size=5), min_size=1, max_size=30))
def test_an_encoded_writer_whose_columns_start_again_writes_each_line_as_the_plain_one(rows):
    """An encoded writer (UTF-8 lines, the people's CSV of a worker) whose columns forget their fields every few rows
    (memo eviction) and meet the text its memos give for a field not seen ("\\0") as a value: each line is the
    plain writer's, encoded."""
    from engine.results import cells

    def encodable(cell) -> bool:
        try:
            return not isinstance(cell, str) or bool(cell.encode() or True)
        except UnicodeEncodeError:  # a lone surrogate (the test above)
            return False

    rows = [row for row in rows if all(map(encodable, row))]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cells, "FIELDS_KEPT", 3)
        ours = csv_writer(None, encoded=True, lineterminator="\r\n")
        for row in rows + rows[::-1]:
            plain = io.StringIO()
            csv.writer(plain, lineterminator="\r\n").writerow([csv_safe(cell) for cell in row])
            assert ours.line(row) == plain.getvalue().encode()
        assert all(len(memo) <= 3 for memo in ours._fields)


@pytest.mark.parametrize("terminator", ["\r\n", "\n"])
def test_the_safe_writer_quotes_the_characters_csv_quotes(terminator):
    """The characters that make csv.writer quote a field (as SafeCsvWriter writes fields itself): the delimiter, the
    quote character and those of the line terminator; every other character is written as it is."""
    import sys

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=terminator)
    quoted = set()
    for code in range(sys.maxunicode + 1):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["a" + chr(code) + "b", "x"])
        if buffer.getvalue() != "a" + chr(code) + "b,x" + terminator:
            quoted.add(chr(code))
    special = csv_writer(None, lineterminator=terminator)._special
    assert quoted == {chr(code) for code in range(sys.maxunicode + 1) if special.search(chr(code))}
    # ... and the writer's fields written one by one (_fill: the comma searched in every field, the terminator's
    # characters only in a field that is not printable) are quoted for exactly those
    line = csv_writer(None, lineterminator=terminator).line
    assert {chr(code) for code in range(sys.maxunicode + 1)
            if line(["a" + chr(code) + "b", "x"]) != "a" + chr(code) + "b,x" + terminator} == quoted


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "ư", " ", "\n", "\r", "\t", "\x0b", "\x1b", "\x7f", "\x85", "\u200b", "\u2028",
                                         "\u202e", "\u2066", "\ufeff", "\ud800", ".", "5"])), st.sampled_from(["\n", "", "\t"]))
def test_printable_returns_text_with_nothing_to_escape_as_it_is_and_escapes_the_rest(text, keep):
    """printable's shortcut (one search, then the text as it is) gives what escaping every match gives."""
    escaped = "".join(c if c in keep or c not in UNSAFE_CHARACTERS else c.encode("unicode_escape").decode("ascii")
                      for c in text)
    assert printable(text, keep=keep) == escaped


UNSAFE_CHARACTERS = {chr(c) for c in [*range(0x00, 0x20), *range(0x7f, 0xa0), *range(0x200b, 0x2010), 0x2028, 0x2029,
                                      *range(0x202a, 0x202f), *range(0x2060, 0x206a), 0xfeff, *range(0xd800, 0xe000)]}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_units_gap_rows_are_each_row_written_whole(units, criteria, lang):
    """The gaps sheet's rows, whose cells after the unit's are kept per gap and labelled cell by cell, are each row
    labelled whole (render.labelled) and written cell by cell, the plain way; twice, so kept gaps are met again."""
    from engine.results.render import labelled

    renderer = _renderer("bundle", lang, criteria)
    name = renderer._names[1]
    spec = renderer._specs[name]
    with_gaps = [unit for unit in units if unit.gaps]
    assert with_gaps
    for index, unit in enumerate(with_gaps + with_gaps):
        rows = renderer.unit(unit, index)["sheets"][name]
        labels = renderer._labels_after if renderer._after[unit.period] else renderer._labels
        expected = [_plain_row(labelled([unit.unit_code, unit.unit_name, *renderer._gap_cells(
            gap, lang, *renderer._yes_no, renderer._band_status)], spec["translate"], labels), spec["widths"],
            xlsx_writer.PLAIN, None) for gap in unit.gaps]
        assert rows == expected


def _plain_lines(text: str, width: float) -> int:
    """Lines of `text` wrapped greedily by words in a column `width` wide, word by word (a word longer than the
    column broken inside it)."""
    room, count = max(int(width), 1), 0
    for paragraph in text.split("\n"):
        count += 1
        used = 0
        for word in paragraph.split():
            if used and used + 1 + len(word) > room:
                count += 1
                used = 0
            used += len(word) + (1 if used else 0)
            count += (used - 1) // room
            used = (used - 1) % room + 1
    return count


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["a", "ư", " ", " ", " ", "\n", "\t", "\xa0", "\u3000", "\x1c", "x" * 9, "long" * 13,
                                 "bb", "c" * 24, "d" * 45]), max_size=60).map("".join),
       st.sampled_from([1, 2, 3.5, 8, 12, 24, 44]))
@example("ab cd", 2).via("a line ending exactly at the column's width")
@example("abcd efgh", 4).via("a word as long as the column")
@example("abcdefghij k", 4).via("a word broken inside, the next word after its last part")
@example("abcdefgh ij", 4).via("a word of two full lines, the next word on a line of its own")
def test_wrapped_lines_are_counted_as_word_by_word(text, width):
    """_lines, counting line by line, against the greedy wrapping word by word; white space of every kind (runs of
    spaces, tabs, no-break and ideographic spaces, separators) splits words as str.split does."""
    assert xlsx_writer._lines.__wrapped__(text, width) == _plain_lines(text, width)


@pytest.mark.parametrize("output", ["utf-8 file", "UTF8 file", "text in memory", "cp1258 file", "utf-8-sig file"])
def test_a_chunk_written_as_bytes_is_what_writing_its_text_gives(output):
    """A stream format's chunks cross from the workers as UTF-8 bytes (joined) and are written under the output's
    text (write_chunk): the same bytes, or text, as writing each unit's text to that output, between a head and a
    tail written as text. A chunk holding a lone surrogate stays text, for the output's own error handler."""
    from engine.results.render import joined, write_chunk

    def opened():
        if output == "text in memory":
            return io.StringIO()
        encoding = output.removesuffix(" file")
        return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="replace", newline="")

    def content(out):
        out.flush()
        return out.getvalue() if isinstance(out, io.StringIO) else out.buffer.getvalue()

    chunks = [["Xã Đông Hải,\n", "đạt chuẩn \"1\"\n"], [], ["x\ud800y\n"], ["ư" * 5000]]
    ours, plain = opened(), opened()
    ours.write("đầu\n")
    plain.write("đầu\n")
    for pieces in chunks:
        text = joined(pieces)
        assert text == ("".join(pieces).encode() if "\ud800" not in "".join(pieces) else "".join(pieces))
        write_chunk(ours, text)
        for piece in pieces:
            plain.write(piece)
    ours.write("cuối\n")
    plain.write("cuối\n")
    assert content(ours) == content(plain)


# ---------------------------------------------------------------- sentences written straight into their cells

def test_a_figure_character_never_joins_a_neighbour_under_nfc():
    """A figure put into a sentence's cell (xlsx_writer.filled) leaves the text around it as it was under NFC:
    each of its characters is a starter that is NFC alone and no canonical composition pairs it with another."""
    import sys
    import unicodedata

    paired = set()
    for code in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            paired.update(chr(int(part, 16)) for part in parts)
    for character in xlsx_writer.FIGURE_CHARACTERS:
        assert unicodedata.combining(character) == 0 and unicodedata.is_normalized("NFC", character)
        assert character not in paired and character.isprintable() and not character.isspace()
        assert character not in "&<>_\r"


LITERAL = st.sampled_from(["cần thêm ", " trẻ em (", ": ", " → ", ") để đạt ≥ 95% (+", " điểm)", "x < y & z > w",
                           "_x0041_", "_", "=", "-", " lề ", "a\nb", "a\rb", "\x1b[2J", "\ud800", "e\u0301", "\u0301",
                           "Số trẻ em", "‰", "%", "ạ" * 300, "", "\t"])
FIGURE = st.one_of(st.integers(-10 ** 6, 10 ** 6), st.sampled_from([
    0, 1, True, False, None, 2.5, -0.0, float("nan"), 10 ** 200, "", "0,28‰", "1.25‰", "97,83%", "-", "abc", "e",
    "\u0301", "<", "_x0041_", " ", "=1", "1\ud800", "1" * 200]))


@settings(max_examples=400, deadline=None)
@given(st.lists(LITERAL, min_size=1, max_size=6), st.data())
@example(["cần thêm ", " trẻ em (Số trẻ em: ", " → ", ") để đạt > 5% (+", " điểm)"], None).via("a rate's gap")
def test_a_sentence_written_from_its_template_is_the_cell_of_its_text(literals, data):
    """A cell made from a sentence's template (RowEncoder.template) with its figures put in (filled) is the cell
    the encoder writes for the sentence as worded — the template filled, normalised to NFC — whenever either
    says it can be made so; templates and figures of every kind (markup, _xHHHH_, formula starts, white space,
    control characters, a lone surrogate, combining marks, per cent signs, long text; numbers, yes/no, None,
    text)."""
    from engine.text import nfc

    template = "%s".join(literal.replace("%", "%%") for literal in literals)
    figures = (tuple(data.draw(FIGURE) for _ in range(len(literals) - 1)) if data is not None
               else (21, 76, 55, 15))
    encoder = xlsx_writer.RowEncoder([10] * 14)
    made = encoder.template(13, template)
    cell = xlsx_writer.filled(made, figures) if made is not None else None
    if cell is not None:
        assert cell == encoder.cells([nfc(template % figures)], 13)
        assert cell == xlsx_writer.RowEncoder([10] * 14).cells([nfc(template % figures)], 13)  # nothing kept
    if data is None:  # what cfc's gap sentences are like: made so
        assert cell is not None


@pytest.mark.parametrize("figures", [
    (21, 76, 55, 15), (0, 1, -1, 10 ** 15 - 1), (-(10 ** 15 - 1), 2, 3, 4), (21, "97,83%", 55, 15),
    (21, "0,28‰", 55, 15), (2.5, 76, -0.0, 15), (10 ** 15, 1, 2, 3), (10 ** 15, "1", 2, 3), ("1" * 200, 1, 2, 3),
    (True, 1, 2, 3), (None, 1, 2, 3), (21, "", 55, 15), (21, "=1+1", 55, 15), (21, "<", 55, 15),
    (float("nan"), 1, 2, 3), (1e300, 1, 2, 3), (21, "1\ud800", 55, 15)])
def test_a_sentence_filled_as_whole_numbers_or_as_texts_is_the_cell_of_its_text(figures):
    """filled's two ways (whole numbers into the %d template, anything else by its text into the %b one) against the
    cell the encoder writes for the sentence worded: the same bytes whenever filled gives a cell, a cell for whole
    numbers short of 16 digits and figure texts (decimal commas, per cent and per mille signs), none for a yes/no,
    None, an empty text, markup, a formula start or a number of 16 digits and more."""
    from engine.text import nfc

    template = "cần thêm %s trẻ em (Số trẻ em: %s → %s) để đạt ≥ 95%% (+%s điểm)"
    encoder = xlsx_writer.RowEncoder([10] * 14)
    cell = xlsx_writer.filled(encoder.template(13, template), figures)
    plain = xlsx_writer.RowEncoder([10] * 14).cells([nfc(template % figures)], 13)
    texts = [str(figure) for figure in figures]
    if all(type(figure) is int for figure in figures):
        readable = all(abs(figure) < 10 ** 15 for figure in figures)
    else:
        readable = all(text and not text.strip(xlsx_writer.FIGURE_CHARACTERS) for text in texts) \
            and len("".join(texts)) <= xlsx_writer.FIGURES_MAX
    assert (cell is not None) == readable
    if cell is not None:
        assert cell == plain
    assert xlsx_writer.filled(xlsx_writer.RowEncoder([10, 70]).template(1, "không có số 100%%"), ()) == \
        xlsx_writer.RowEncoder([10, 70]).cells(["không có số 100%"], 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([0, 1, -1, 2, 10 ** 15 - 1, -(10 ** 15 - 1)]), st.integers()), min_size=3,
                max_size=3), st.integers(0, 10))
def test_whole_numbers_written_from_a_template_are_their_cells(numbers, first):
    """RowEncoder.numbers: cells of whole numbers short of 16 digits (the gaps sheet's now, needed and change) filled
    into a template are the cells the encoder writes for them (0 and 1 included: numbers, not yes/no)."""
    numbers = [number if -10 ** 15 < number < 10 ** 15 else 7 for number in numbers]
    encoder = xlsx_writer.RowEncoder([10] * 14)
    assert encoder.numbers(first, 3) % tuple(numbers) == encoder.cells(numbers, first)


def test_a_wrapped_column_has_no_sentence_template():
    assert xlsx_writer.RowEncoder([10, 70], xlsx_writer.WRAP).template(1, "cần thêm %s trẻ em") is None
    assert xlsx_writer.RowEncoder([10, 70]).template(1, "cần thêm %d trẻ em") is None
    assert xlsx_writer.RowEncoder([10, 70]).template(1, "%s trẻ em") is None
    assert xlsx_writer.RowEncoder([10, 70]).template(1, "cần thêm %s") is None
    assert xlsx_writer.RowEncoder([10, 70]).template(1, "cần thêm %s trẻ em %") is None


def _fresh_results(criteria, tmp_path, seed: int) -> list[UnitResult]:
    """Results as a worker renders them: just evaluated, no sentence read (generated units before and after the 1 July
    2025 reform, and the test files: names with control characters, formula-like and bad values). The engine shares
    gaps between batches: another seed, other gaps."""
    from bench.generate import write
    from engine.readers import read_records

    units = []
    for count, map_id in ((120, "old"), (100, "2025")):
        path = tmp_path / f"{map_id}.csv"
        write(path, count, seed, map_id)
        units += [validate_record(criteria, record) for record in read_records(path)]
    return list(evaluate_units(criteria, units)) + evaluate_files(criteria, FILES).units


def _plain_gap_rows(renderer, unit, lang) -> list[bytes]:
    from engine.results.render import labelled

    spec = renderer._specs[renderer._names[1]]
    labels = renderer._labels_after if renderer._after[unit.period] else renderer._labels
    return [_plain_row(labelled([unit.unit_code, unit.unit_name, *renderer._gap_cells(
        gap, lang, *renderer._yes_no, renderer._band_status)], spec["translate"], labels), spec["widths"],
        xlsx_writer.PLAIN, None) for gap in unit.gaps]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_gap_rows_of_fresh_results_are_each_row_written_whole(criteria, tmp_path, lang):
    """The gaps sheet's rows of results not yet worded (each gap's parts kept by what they are made of, its sentence
    written into its cell from its template) are the rows labelled whole and written cell by cell; rendered twice
    over, so kept gaps, steps and figures are met again."""
    results = _fresh_results(criteria, tmp_path, 11 if lang == "vi" else 12)
    assert {unit.period for unit in results} >= {"2024", "2025"}
    templated = sum(gap.sentence(lang) is not None for unit in results for gap in unit.gaps
                    if hasattr(gap, "sentence"))
    assert templated > 300
    renderer = _renderer("bundle", lang, criteria)
    name = renderer._names[1]
    rendered = [renderer.unit(unit, index)["sheets"][name] for index, unit in enumerate(results + results)]
    assert sum(map(len, rendered)) > 1000
    for unit, rows in zip(results + results, rendered):
        assert rows == _plain_gap_rows(renderer, unit, lang)


@pytest.mark.parametrize("figures", [
    {"points_gain": -10 ** 15}, {"points_gain": 10 ** 15}, {"points_gain": -(10 ** 15 - 1)}, {"points_gain": True},
    {"points_gain": 2.0}, {"change": -(10 ** 15 - 1), "current_value": 10 ** 15 - 1},
    {"change": 10 ** 15}, {"current_value": -10 ** 15}])
def test_gap_rows_of_fresh_gaps_with_figures_at_the_edges_are_each_row_written_whole(criteria, tmp_path, figures):
    """A gap not yet worded whose figures or sentence's figures are whole numbers at the edge of 16 digits, or a yes/no
    or a fraction among them: its row (from one %-template only when every figure is a whole number short of 16
    digits) is the row labelled whole and written cell by cell."""
    from engine.rules.worded import PENDING

    renderer = _renderer("bundle", "vi", criteria)
    said = 0  # edge figures in a sentence's figures
    for index, unit in enumerate(_fresh_results(criteria, tmp_path, 14)[:80]):
        gaps = []
        for gap in unit.gaps:
            if getattr(gap, "sentence", None) and gap.sentence("vi"):
                edge = replace(gap, message=PENDING, current_measure=PENDING, **figures)
                edge._wording, edge._result = gap._wording, gap._result
                words = edge.sentence("vi")[1]
                said += any(type(word) is type(value) and abs(word) == abs(value) for word in words
                            for value in figures.values())
                gap = edge
            gaps.append(gap)
        unit = replace(unit, gaps=gaps)
        rows = renderer.unit(unit, index)["sheets"][renderer._names[1]]
        assert rows == _plain_gap_rows(renderer, unit, "vi")
    assert said > 20


def _plain_unit_row(renderer, criteria, unit, lang) -> tuple[bytes, bytes]:
    """A unit's row of the results sheet and its line of the people's CSV, the plain way: each column's value by its
    key, labelled whole (render.labelled), written cell by cell and by csv.writer of csv_safe cells."""
    from engine.results.model import DECIDED
    from engine.results.render import criteria_set_cell, labelled, unit_columns
    from engine.version import __version__

    decided = unit.status in DECIDED
    values = {"unit_code": unit.unit_code, "unit_name": unit.unit_name, "status": renderer._status[unit.status],
              "total": unit.total if decided else None, "threshold": unit.threshold,
              "shortfall": unit.shortfall if decided else None,
              "reasons": "; ".join(reason.message(lang) for reason in unit.reasons), "district": unit.district,
              "province": unit.province, "period": unit.period, "category": unit.category, "gaps": len(unit.gaps),
              "missing_inputs": list(unit.missing_inputs),
              "provisional": ", ".join(use.indicator for use in unit.provisional), "source": unit.source(lang),
              "criteria_set": criteria_set_cell(unit), "cfc_version": __version__,
              **{f"criterion_{c.number}": c.points if c.complete else None for c in unit.criteria}}
    spec = renderer._specs[renderer._names[0]]
    labels = renderer._labels_after if renderer._after[unit.period] else renderer._labels
    row = labelled([values[column.key] for column in unit_columns(criteria)], spec["translate"], labels)
    line = io.StringIO()
    csv.writer(line, lineterminator="\r\n").writerow([csv_safe(cell) for cell in row])
    return _plain_row(row, spec["widths"], xlsx_writer.WRAP, spec["printed"]), line.getvalue().encode()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_results_rows_and_lines_of_fresh_results_are_each_written_whole(criteria, tmp_path, lang):
    """The results sheet's row and the people's CSV line of each unit (written with the row's cells in place, the set's
    cell kept for the last unit's set) are the row labelled whole and written cell by cell, and csv.writer's line:
    units scored by the set, by another set and by none, in turns, rendered twice over."""
    from engine.results.model import CriteriaSetRef

    results = _fresh_results(criteria, tmp_path, 15 if lang == "vi" else 16)
    other = CriteriaSetRef("other", "2030-01-01", "f" * 64)
    results += [replace(unit, criteria_set=(None, other, unit.criteria_set)[index % 3])
                for index, unit in enumerate(results[:60])]
    renderer = _renderer("bundle", lang, criteria)
    name = renderer._names[0]
    for index, unit in enumerate(results + results):
        piece = renderer.unit(unit, index)
        assert (piece["sheets"][name][0], piece["csv"]) == _plain_unit_row(renderer, criteria, unit, lang)


def test_gap_rows_templates_keep_a_per_cent_sign_of_a_label(criteria, tmp_path):
    """A gap's row filled from one bytes %-template (_whole_row) holds its step's cells as they are: an input's
    label with per cent signs in it (%, %d, %% read literally) is written as the row written cell by cell."""
    results = _fresh_results(criteria, tmp_path, 13)
    renderer = _renderer("bundle", "vi", criteria)
    for labels in (renderer._labels, renderer._labels_after):  # the very dicts the renderer words with
        for name in labels["input"]:
            labels["input"][name] += " (%, %d, %%)"
    name = renderer._names[1]
    rendered = [renderer.unit(unit, index)["sheets"][name] for index, unit in enumerate(results)]
    assert sum(b"(%, %d, %%)" in row for rows in rendered for row in rows) > 300
    for unit, rows in zip(results, rendered):
        assert rows == _plain_gap_rows(renderer, unit, "vi")


GAP_VALUE = st.one_of(CELL, st.sampled_from([[1, 2], "=HYPERLINK(\"x\")", "<b>đậm</b>"]),
                      st.integers(32_760, 32_780).map(lambda length: "ư" * length))  # about a cell's limit


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "criterion": st.sampled_from([1, 2, 13]), "indicator": st.sampled_from(["1", "8a", "=x", "<i>"]),
    "current_points": st.sampled_from([0, 1, 50, None]), "next_points": st.sampled_from([1, 100, None]),
    "points_gain": st.sampled_from([0, 1, 50, None]),
    "input": st.sampled_from([None, "births_registered", "children_abused", "unknown_input", "=cmd"]),
    "current_value": GAP_VALUE, "target_value": GAP_VALUE, "change": st.sampled_from([None, 0, 1, -3, 4, True]),
    "flips_decision": st.booleans(), "status": st.sampled_from([None, "confirmed", "provisional"]),
    "message": st.sampled_from([Text.of("cần thêm 4 trẻ em", "4 more children"), Text.of("=1+1 ", "\x1b \ud800")])}),
    min_size=1, max_size=6), st.sampled_from(["vi", "en"]), st.sampled_from(["2024", "2025"]))
@example([{"criterion": 1, "indicator": "1", "current_points": 0, "next_points": 1, "points_gain": 0, "input": None,
           "current_value": value, "target_value": "ư", "change": None, "flips_decision": False, "status": None,
           "message": Text.of("cần thêm 4 trẻ em", "4 more children")} for value in (-0.0, 0.0, 0, False)],
         "vi", "2024").via("equal figures written apart: -0.0 and 0.0 (found by hypothesis), 0 and no")
def test_gap_rows_of_any_gap_are_each_row_written_whole(criteria, units, gaps, lang, period):
    """Gaps of every kind of value (yes/no and numbers alike, None, floats, lists, markup, formula-like, control
    characters, a lone surrogate, text beyond a cell's length, an input without a label) before and after the
    reform: their parts kept by value are the rows written the plain way, the same gaps twice."""
    from engine.results.model import Gap

    unit = replace(next(u for u in units if u.gaps), period=period)
    made = [Gap(indicator_name=Text.of("x", "x"), kind="band", current_measure=None, target=None, **fields)
            for fields in gaps]
    renderer = _renderer("sheets", lang, criteria)  # no JSON: a gap's NaN is not JSON's
    name = renderer._names[1]
    for index in range(2):
        unit = replace(unit, gaps=[Gap(**{f: getattr(g, f) for f in Gap.__dataclass_fields__}) for g in made])
        assert renderer.unit(unit, index)["sheets"][name] == _plain_gap_rows(renderer, unit, lang)
