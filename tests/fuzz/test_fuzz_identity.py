"""Fuzz a unit's identity through whole files (issue 21, classes 1–3): period spellings (case, full-width,
dashes of every kind, invisible characters, spaces) and unit codes that only look alike (full-width digits,
zero-width and soft-hyphen marks, a byte-order mark), in CSV and JSON batches read and scored as `cfc evaluate`
reads them (api.evaluate_files), with lone surrogates in JSON. Each unit keeps the canonical period and the
folded code; codes that fold to one are duplicates, each naming the other; a period that cannot be dated is a
data error of its unit; nothing else raises; every result serialises to UTF-8 JSON. And cfc aggregate, given
the same units under other spellings in a second file, counts them once (it refuses the pair as a duplicate)."""
from __future__ import annotations

import csv
import io
import json

from hypothesis import given, strategies as st

from engine import api
from engine.aggregate import AggregateError, load_results
from engine.results.model import to_data
from fuzz_support import CRITERIA, INPUTS, UNIT, examples

LIBRARY = api.load_criteria()
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"]
DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63"]


def _wide(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def periods(draw) -> tuple[str, str | None]:
    """(as written, canonical or None when it cannot be dated)."""
    year = draw(st.integers(2020, 2060))  # in force: the shipped set, from 2019-01-03
    kind = draw(st.sampled_from(["year", "half", "quarter", "day", "undatable"]))
    if kind == "undatable":
        written = draw(st.sampled_from([f"Q1-{year}", f"6/30/{year}", f"{year}-13-01", f"{year}-H3", f"{year}-Q5",
                                        f"H1 {year}", "năm nay", f"{year}/H1"]))
        return written, None
    if kind == "year":
        canonical, parts = f"{year}", [f"{year}"]
    elif kind == "day":
        month = draw(st.integers(1, 12))
        canonical = f"{year}-{month:02d}-{[31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]:02d}"
        parts = [canonical]
    else:
        letter, top = ("H", 2) if kind == "half" else ("Q", 4)
        number = draw(st.integers(1, top))
        canonical = f"{year}-{letter}{number}"
        dash = draw(st.sampled_from(DASHES))
        space = draw(st.sampled_from(["", " "]))
        letter = draw(st.sampled_from([letter, letter.lower()]))
        parts = [f"{year}{space}{dash}{space}{letter}{number}"]
    written = parts[0]
    if draw(st.booleans()):
        written = _wide(written)
    for mark in draw(st.lists(st.sampled_from(INVISIBLE), max_size=2)):
        at = draw(st.integers(0, len(written)))
        written = written[:at] + mark + written[at:]
    return written, canonical


@st.composite
def codes(draw, digits: str) -> str:
    """A spelling of the code `digits` that only looks like it."""
    written = _wide(digits) if draw(st.booleans()) else digits
    for mark in draw(st.lists(st.sampled_from(INVISIBLE), max_size=2)):
        at = draw(st.integers(0, len(written)))
        written = written[:at] + mark + written[at:]
    return written


@st.composite
def batches(draw):
    """Units with distinct codes, each spelt its own way, some given twice under two spellings."""
    count = draw(st.integers(1, 6))
    units = []
    for number in range(count):
        digits = f"{number + 1:05d}"
        period, canonical = draw(periods())
        units.append((digits, draw(codes(digits)), period, canonical))
    twice = draw(st.lists(st.integers(0, count - 1), max_size=2, unique=True))
    for index in twice:
        digits, _, period, canonical = units[index]
        units.append((digits, draw(codes(digits)), period, canonical))
    return units, {units[i][0] for i in twice}


def _rows(units) -> list[dict[str, str]]:
    return [{**UNIT, "unit_code": code, "period": period} for _, code, period, _ in units]


def _check(results, units, repeated: set[str]) -> None:
    assert len(results) == len(units)
    for result, (digits, _, _, canonical) in zip(results, units):
        assert result.unit_code in (digits, None)
        if digits in repeated:
            assert result.status == "invalid" and any("duplicates" in e.en for e in result.errors)
        elif canonical is None:
            assert result.status == "invalid" and any("period" in e.en for e in result.errors)
        else:
            assert result.period == canonical, (result.period, canonical)
            assert result.status in ("recognized", "not_recognized", "incomplete")
        json.dumps(to_data(result), allow_nan=False, ensure_ascii=False).encode("utf-8")


@examples(100)
@given(batch=batches(), delimiter=st.sampled_from([",", ";"]), bom=st.booleans())
def test_periods_and_codes_in_a_csv(tmp_path_factory, batch, delimiter, bom):
    units, repeated = batch
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=INPUTS, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(_rows(units))
    path = tmp_path_factory.mktemp("identity") / "units.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8"))
    batch_result = api.evaluate_files(LIBRARY, [path])
    assert not batch_result.file_errors
    _check(batch_result.units, units, repeated)


@examples(100)
@given(batch=batches(), wrapped=st.booleans(), surrogate=st.sampled_from([None, "unit_name", "district", "key"]))
def test_periods_and_codes_in_json_with_lone_surrogates(tmp_path_factory, batch, wrapped, surrogate):
    units, repeated = batch
    rows = _rows(units)
    if surrogate == "key":
        rows[0]["\ud83dbirths"] = "1"
    elif surrogate:
        rows[0][surrogate] = "Xã \udc80 " + rows[0][surrogate]
    path = tmp_path_factory.mktemp("identity") / "units.json"
    path.write_text(json.dumps({"units": rows} if wrapped else rows, ensure_ascii=True), encoding="ascii")
    batch_result = api.evaluate_files(LIBRARY, [path])
    assert not batch_result.file_errors
    results = batch_result.units
    if surrogate:
        first = results[0]
        assert first.status == "invalid" and any("lone surrogate" in e.en for e in first.errors)
        results, units = results[1:], units[1:]  # (its code still counts: a code given twice stays a duplicate)
    _check(results, units, repeated)


@examples(50, share=0.25)
@given(batch=batches())
def test_aggregate_counts_one_unit_and_period_once_whatever_their_spelling(tmp_path_factory, batch):
    units, _ = batch
    units = [u for u in dict((u[0], u) for u in units).values() if u[3] is not None]  # distinct, datable
    if not units:
        return
    folder = tmp_path_factory.mktemp("identity")
    maxima = [{"number": c.number, "max_points": c.max_points} for c in CRITERIA.criteria]
    paths = []
    for name, spelling in (("a", lambda u: (u[1], u[2])), ("b", lambda u: (u[0], u[3]))):
        rows = [{**UNIT, "unit_code": code, "period": period} for code, period in map(spelling, units)]
        objects = [api.unit_object(LIBRARY, e.result, "en") for e in api.evaluate(LIBRARY, rows)]
        path = folder / f"{name}.json"
        path.write_text(json.dumps({"criteria_id": CRITERIA.instrument.id, "criteria": {"criteria": maxima},
                                    "units": objects}, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    alone = load_results(paths[:1], CRITERIA)
    assert sorted(alone.units["period"]) == sorted(u[3] for u in units)
    assert sorted(alone.units["unit_code"]) == sorted(u[0] for u in units)
    try:
        load_results(paths, CRITERIA)
    except AggregateError as error:
        assert error.message.key == "agg_duplicate_unit", error
    else:
        raise AssertionError("the same units and periods in two files were counted twice")
