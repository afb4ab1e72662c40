"""validate_records (a batch read input by input, engine/units/validate.py) gives each record exactly what
validate_record gives it: the same values, errors, warnings, ignored and filled inputs, in the same order — on
every file the tests and examples ship, and on records drawn from the spellings that break parsers."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generate import write
from engine.criteria.model import load_criteria
from engine.loading import plan, records
from engine.readers.records import Record, reading
from engine.units.validate import validate_record, validate_records

ROOT = Path(__file__).resolve().parent.parent
CRITERIA = load_criteria()
NAMES = [decl.name for decl in CRITERIA.inputs]


def _said(problems) -> list[tuple]:
    return [(p.input, repr(p.value), p.message.render("vi"), p.message.render("en")) for p in problems]


def _same(batch, one_by_one) -> None:
    assert len(batch) == len(one_by_one)
    for fast, slow in zip(batch, one_by_one):
        assert fast.record is slow.record
        assert list(fast.values.items()) == list(slow.values.items())
        assert [type(v) for v in fast.values.values()] == [type(v) for v in slow.values.values()]
        assert _said(fast.errors) == _said(slow.errors)
        assert _said(fast.warnings) == _said(slow.warnings)
        assert (fast.ignored, fast.filled) == (slow.ignored, slow.filled)


def _files() -> list[Path]:
    found = [p for folder in (ROOT / "tests" / "fixtures", ROOT / "evaluations") for p in folder.rglob("*")
             if p.suffix in (".csv", ".xlsx", ".yaml", ".json") and "criteria" not in p.parts]
    return sorted(found)


def test_every_shipped_file_validates_the_same_in_a_batch():
    checked = 0
    for path in _files():
        with reading():
            found = plan([path], CRITERIA)
            rows = list(records(found)) if found.count else []
        for strict in (False, True):
            _same(validate_records(CRITERIA, rows, strict), [validate_record(CRITERIA, r, strict) for r in rows])
        checked += len(rows)
    assert checked > 100  # the examples' and fixtures' units, bad ones included


def test_a_synthetic_country_validates_the_same_in_a_batch(tmp_path):
    data = tmp_path / "country.csv"
    write(data, 3000, 7)  # bench/generate.py: as the national bench's units, a few bad ones among them
    rows = list(records(plan([data], CRITERIA)))
    units = validate_records(CRITERIA, rows)
    _same(units, [validate_record(CRITERIA, r) for r in rows])
    assert sum(1 for unit in units if unit.errors) > 0 and sum(1 for unit in units if not unit.errors) > 2000


# What officials' files hold, and what breaks parsers: each input drawn from these, whatever its type.
SPELLINGS = ["12", " 12 ", "0", "007", "12.0", "-1", "+3", "1,5", "1.500", "٣", "50%", "2024-01-02", "nan",
             "có", "Có", "CÓ", "khong", "x", "yes", "1", "không ", "", "   ", "urban_ward_central_city",
             "Xã, phường, thị trấn còn lại", "00004", "０００４", "2024", "2024-H1", "2024 – H1", "Ngọc\u200bĐường",
             "a\x00b", "\ud800", "9" * 20, "Phường Phúc Xá"]
VALUE = st.one_of(st.sampled_from(SPELLINGS), st.none(), st.booleans(), st.integers(-2, 3000),
                  st.sampled_from([1.0, 2.5, float("nan")]), st.text(max_size=6), st.just([1]))
RECORD = st.fixed_dictionaries({}, optional={name: VALUE for name in NAMES})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RECORD, min_size=1, max_size=30), st.booleans())
def test_drawn_records_validate_the_same_in_a_batch(drawn, strict):
    rows = [Record(source="drawn.csv", kind="row", number=n, data=data) for n, data in enumerate(drawn, start=2)]
    _same(validate_records(CRITERIA, rows, strict), [validate_record(CRITERIA, r, strict) for r in rows])
    # read again: the values remembered by the first batch give the same units
    _same(validate_records(CRITERIA, rows, strict), [validate_record(CRITERIA, r, strict) for r in rows])


def test_good_records_with_any_value_changed_validate_the_same_in_a_batch():
    """Good units, as files hold them, each with one input given each spelling that breaks parsers (every input ×
    every spelling): the batch's shortcut is taken for the good ones and must give way for each changed one."""
    rows = []
    for name in NAMES:
        for value in SPELLINGS + [None, True, 1, 1.0, 2.5, [1]]:
            data = dict(GOOD[len(rows) % len(GOOD)].data)
            data[name] = value
            rows.append(Record(source="changed.csv", kind="row", number=len(rows) + 2, data=data))
    rows += GOOD
    units = validate_records(CRITERIA, rows)
    _same(units, [validate_record(CRITERIA, r) for r in rows])
    assert sum(1 for unit in units if unit.errors) > len(NAMES) * 10


def _good() -> list[Record]:
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "good.csv"
        write(data, 300, 3)
        rows = list(records(plan([data], CRITERIA)))
    return [row for row in rows if not validate_record(CRITERIA, row).errors]


GOOD = _good()


def test_values_repeated_within_one_batch_validate_the_same(monkeypatch):
    """A chunk's units share their province, district and small counts: a value met again later in the same
    column is read by its parser once (then looked up), and a count in plain digits is read without its parser
    (as validate_record reads it). (A count below its input's minimum, which its parser refuses: SPELLINGS' "0"
    above.)"""
    from engine.units import validate as validation
    from engine.units.values import parsers

    monkeypatch.setattr(validation, "_READ", {})  # nothing read before this batch
    calls: dict[str, int] = {}
    counted = [(name, _counting(parse, name, calls), kind, minimum)
               for name, parse, kind, minimum in parsers(CRITERIA)]
    rows = []
    for number, villages in enumerate(["300", " 300", "300", " 300"] * 3, start=2):
        data = dict(GOOD[number % len(GOOD)].data)
        data.update(province="Tỉnh Hà Giang", villages_total=villages)
        rows.append(Record(source="same.csv", kind="row", number=number, data=data))
    monkeypatch.setattr(validation, "parsers", lambda criteria: counted)
    units = validation.validate_records(CRITERIA, rows)
    monkeypatch.setattr(validation, "parsers", parsers)
    _same(units, [validate_record(CRITERIA, r) for r in rows])
    assert not any(unit.errors for unit in units)  # every one taken by the batch's own path
    assert calls["province"] == 1  # read once, then found
    assert calls["villages_total"] == 1  # " 300" once; "300" needs no parser
    assert [unit.values["villages_total"] for unit in units] == [300] * len(rows)


def _counting(parse, name, calls):
    def counted(value):
        calls[name] = calls.get(name, 0) + 1
        return parse(value)
    return counted


def test_a_workbooks_number_cells_validate_the_same_in_a_batch(tmp_path):
    # A workbook gives its counts as ints (the text memo never holds them: 1 and True hash alike), read in a batch
    # without the parser: a column of ints at once, else each int. Batches whose count columns are ints, as a
    # workbook's, some with one value at an edge (negative, below a minimum, too many digits, a bool, a float, a
    # text, missing), validate as record by record; and so does a synthetic country written as a workbook.
    import random

    from bench.generate import write_xlsx
    from engine import limits

    pick = random.Random(2412)
    counts = [decl for decl in CRITERIA.inputs if decl.type == "count"]
    assert any(decl.min for decl in counts)  # a minimum to fall below
    edges = [-1, 0, True, False, 10 ** limits.MAX_DIGITS, 10 ** limits.MAX_DIGITS - 1, -10 ** limits.MAX_DIGITS,
             2.0, 1.5, "12", None]
    write(tmp_path / "country.csv", 400, 3)
    country = [record.data for record in records(plan([tmp_path / "country.csv"], CRITERIA))]
    whole_columns = fine = 0
    for batch in range(200):
        rows = []
        for number in range(pick.randrange(1, 20)):
            data = dict(pick.choice(country))  # a unit as the synthetic country has it, its counts as ints
            data.update({decl.name: int(data[decl.name]) for decl in counts if str(data[decl.name]).isdigit()})
            rows.append(Record(source="drawn.xlsx", kind="row", number=number + 2, data=data))
        for _ in range(pick.randrange(0, 5)):  # a column at an edge (the one with a minimum often), once or twice
            decl = pick.choice(counts + [decl for decl in counts if decl.min] * 6)
            for _ in range(pick.randrange(1, 3)):
                row = pick.choice(rows)
                row.data[decl.name] = pick.choice(edges + [decl.min - 1 if decl.min else 0] * 2)
                for numerator, denominator in CRITERIA.rate_pairs:  # below its minimum, not below its numerator
                    if denominator == decl.name and pick.random() < 0.5:
                        row.data[numerator] = 0
        whole_columns += sum(all(type(r.data[decl.name]) is int for r in rows) for decl in counts)
        for strict in (False, True):
            units = validate_records(CRITERIA, rows, strict)
            _same(units, [validate_record(CRITERIA, r, strict) for r in rows])
        fine += sum(not unit.errors for unit in units)
    assert whole_columns > 3000 and fine > 500

    data = tmp_path / "country.xlsx"
    write_xlsx(data, 1500, 7)
    rows = list(records(plan([data], CRITERIA)))
    assert sum(type(value) is int for value in rows[0].data.values()) > 20
    units = validate_records(CRITERIA, rows)
    _same(units, [validate_record(CRITERIA, r) for r in rows])
    assert sum(1 for unit in units if unit.errors) > 0 and sum(1 for unit in units if not unit.errors) > 1000


def test_a_column_of_ints_is_told_from_the_first_value_on():
    """_int_counts looks no further than a first value that is no int (a CSV's text), and answers as the whole
    column's types do otherwise: an int column mixed with text or a bool anywhere is not one."""
    from engine.units.validate import _int_counts

    assert _int_counts([3, 0, 12], None) and _int_counts([3, 0, 12], 0)
    assert not _int_counts(["3", "0", "12"], None)
    assert not _int_counts([3, "0", 12], None) and not _int_counts([3, 12, True], None)
    assert not _int_counts(["3", 0, 12], None) and not _int_counts([], None)
    assert not _int_counts([3, 0, 12], 1) and not _int_counts([3, -1], None)
