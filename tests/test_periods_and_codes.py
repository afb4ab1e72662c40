"""One period, one spelling; one unit, one code (engine/periods.py, engine/units/codes.py): every reader and
every comparison sees the same canonical form, and a period that cannot be dated is the same data error
everywhere."""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings, strategies as st

from cli import main
from engine import api
from engine.periods import Period, PeriodError, canonical_period, parse_period
from engine.units.codes import code_key, normalise_code

ROOT = Path(__file__).resolve().parent.parent
UNIT = yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"))
LIBRARY = api.load_criteria()


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


# ---------------------------------------------------------------- periods

@pytest.mark.parametrize("written, canonical", [
    ("2024", "2024"), (2024, "2024"), (2024.0, "2024"), (" 2024 ", "2024"),
    ("2024-H1", "2024-H1"), ("2024-h1", "2024-H1"), ("２０２４-H1", "2024-H1"), ("２０２４－ｈ１", "2024-H1"),
    ("2024 - H2", "2024-H2"), ("2024–H2", "2024-H2"), ("2024\u200b-H1", "2024-H1"), ("\ufeff2024-Q3", "2024-Q3"),
    ("2024-q4", "2024-Q4"), ("2024-06-30", "2024-06-30"), (dt.date(2024, 6, 30), "2024-06-30"),
    (dt.datetime(2024, 6, 30, 0, 0), "2024-06-30"),
])
def test_every_spelling_of_a_period_has_one_canonical_form(written, canonical):
    assert canonical_period(written) == canonical


@pytest.mark.parametrize("written", ["Q1-2024", "6/30/2024", "2024-13-01", "2023-02-29", "H1-2024", "2024-H3",
                                     "2024H1", "24", "năm 2024", "", True, 2024.5, [2024], None])
def test_a_period_that_cannot_be_dated_is_refused(written):
    with pytest.raises(PeriodError) as caught:
        parse_period(written)
    assert caught.value.key == "period_format"


def test_periods_order_by_the_day_they_end_shorter_first():
    written = ["2025", "2024", "2024-H2", "2024-H1", "2024-Q3", "2024-12-31", "2024-Q1", "2025-03-31"]
    ordered = [p.text for p in sorted(map(parse_period, written))]
    assert ordered == ["2024-Q1", "2024-H1", "2024-Q3", "2024-12-31", "2024-H2", "2024", "2025-03-31", "2025"]


def test_a_period_knows_its_first_and_last_day():
    assert parse_period("2024-H2") == Period("2024-H2", dt.date(2024, 7, 1), dt.date(2024, 12, 31))
    assert parse_period("2024-Q1").start == dt.date(2024, 1, 1) and parse_period("2024-Q1").end == dt.date(2024, 3, 31)


_spellings = st.builds(
    lambda year, kind, n, case, wide, space: _spell(year, kind, n, case, wide, space),
    st.integers(1900, 2100), st.sampled_from(["year", "half", "quarter"]), st.integers(1, 4), st.booleans(),
    st.booleans(), st.booleans())


def _spell(year: int, kind: str, n: int, lower: bool, wide: bool, space: bool) -> tuple[str, str]:
    letter = {"half": "H", "quarter": "Q"}.get(kind)
    n = min(n, 2) if kind == "half" else n
    canonical = f"{year}" if letter is None else f"{year}-{letter}{n}"
    written = canonical if letter is None else f"{year}{' - ' if space else '-'}{letter.lower() if lower else letter}{n}"
    if wide:  # full-width: what a Vietnamese IME in full-width mode types
        written = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in written)
    return written, canonical


@settings(max_examples=300, deadline=None)
@given(_spellings)
def test_fuzzed_spellings_fold_to_the_canonical_period(pair):
    written, canonical = pair
    assert canonical_period(written) == canonical
    assert canonical_period(canonical) == canonical  # canonical is a fixed point


# ---------------------------------------------------------------- unit codes

@pytest.mark.parametrize("written", ["09916", "０９９１６", "09916\u200b", "\u200b09916", " 09916 ", "099\u00ad16",
                                     "\ufeff09916", "09916\u2060"])
def test_codes_that_only_look_alike_are_one_code(written):
    assert normalise_code(written) == "09916"
    assert code_key(written) == "09916"


def test_codes_that_differ_stay_different():
    assert normalise_code("099 16") != "09916"
    assert normalise_code("O9916") != "09916"  # a letter O is not a zero: cfc never guesses
    assert code_key(None) is None and code_key("") is None and code_key(9916) == "9916"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=6),
       st.lists(st.sampled_from(["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad"]), max_size=3),
       st.booleans())
def test_fuzzed_look_alike_codes_fold_to_one(digits, invisible, wide):
    written = "".join(chr(ord(c) + 0xFEE0) for c in digits) if wide else digits
    for mark in invisible:
        written = mark + written
    assert normalise_code(written) == digits


# ---------------------------------------------------------------- everywhere a unit is read

def _unit(**changes) -> dict:
    return {**copy.deepcopy(UNIT), **changes}


def test_validation_keeps_the_canonical_period_and_code():
    evaluation = api.evaluate_inputs(LIBRARY, _unit(unit_code="０９９１６\u200b", period="２０２４-h1"))
    assert evaluation.values["unit_code"] == "09916" and evaluation.values["period"] == "2024-H1"
    assert evaluation.result.unit_code == "09916" and evaluation.result.period == "2024-H1"


def test_look_alike_codes_in_one_batch_are_duplicates():
    evaluations = api.evaluate(LIBRARY, [_unit(unit_code="09916"), _unit(unit_code="０９９１６"),
                                         _unit(unit_code="09916\u200b")])
    assert [e.result.status for e in evaluations] == ["invalid"] * 3
    assert all(any(d.input == "unit_code" for d in e.result.error_details) for e in evaluations)


def test_an_undatable_period_is_the_same_data_error_with_a_file_or_a_directory(tmp_path):
    path = tmp_path / "unit.yaml"
    path.write_text(yaml.safe_dump(_unit(period="Q1-2024"), allow_unicode=True), encoding="utf-8")
    for criteria in ([], ["--criteria", ROOT / "criteria" / "qd06-2019-01-03.yaml"]):
        result = run("evaluate", path, "--format", "json", "--lang", "en", *criteria)
        assert result.exit_code == 1, result.output
        unit = json.loads(result.stdout)["units"][0]
        assert unit["status"] == "invalid"
        details = [d for d in unit["error_details"] if d["input"] == "period"]
        assert len(details) == 1 and "unknown period format" in details[0]["message"], details


def test_the_web_api_checks_the_period_as_evaluate_does(tmp_path):
    from starlette.testclient import TestClient

    from engine.history import History
    from engine.web.app import create_app

    client = TestClient(create_app(LIBRARY, History(tmp_path / "h.sqlite3")))
    answer = client.post("/api/evaluate?lang=en", json=_unit(period="6/30/2024"))
    assert answer.status_code == 422
    assert any(d["input"] == "period" for d in answer.json()["error_details"])
    saved = client.post("/api/history", json={"inputs": _unit(period="6/30/2024")})
    assert saved.status_code == 422
    good = client.post("/api/evaluate", json=_unit(period="２０２４-h2"))
    assert good.status_code == 200


def test_aggregate_counts_two_spellings_of_one_period_and_code_once(tmp_path):
    """Two result files holding the same unit and period, spelt differently, are the same unit counted
    twice: refused, naming both files (they were two periods before)."""
    for name, code, period in (("a.json", "09916", "2024-H1"), ("b.json", "０９９１６", "2024-h1")):
        result = run("evaluate", _yaml(tmp_path, f"{name}.yaml", _unit(unit_code=code, period=period)),
                     "--format", "json", "-o", tmp_path / name)
        assert result.exit_code == 0, result.output
    raw = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    raw["units"][0]["period"], raw["units"][0]["unit_code"] = "2024-h1", "０９９１６"  # as an older cfc kept it
    (tmp_path / "b.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    combined = run("aggregate", tmp_path / "a.json", tmp_path / "b.json", "-o", tmp_path / "out", "--lang", "en")
    assert combined.exit_code == 2
    assert "09916" in combined.output and "2024-H1" in combined.output and "twice" in combined.output


def test_aggregate_refuses_a_period_it_cannot_date(tmp_path):
    result = run("evaluate", _yaml(tmp_path, "u.yaml", _unit()), "--format", "json", "-o", tmp_path / "r.json")
    assert result.exit_code == 0
    raw = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    raw["units"][0]["period"] = "Q1-2024"
    (tmp_path / "r.json").write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    combined = run("aggregate", tmp_path / "r.json", "-o", tmp_path / "out", "--lang", "en")
    assert combined.exit_code == 2 and "'Q1-2024' cannot be dated" in combined.output


def _yaml(folder: Path, name: str, data) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_what_if_says_the_period_it_scored_in_its_one_spelling():
    """--set period=２０２４-h1 scores the unit for 2024-H1; the lines said so as "? → ２０２４-h1" (the period is
    no indicator's input, so its value before was unknown to them, and the one after was shown as typed)."""
    shown = run("evaluate", ROOT / "evaluations" / "single-unit.yaml", "--set", "period=２０２４-h1", "--lang", "en")
    assert shown.exit_code == 0, shown.output
    assert "    period: 2024 → 2024-H1\n" in shown.stdout, shown.stdout
    undatable = run("evaluate", ROOT / "evaluations" / "single-unit.yaml", "--set", "period=Q1-2024", "--lang", "en")
    assert undatable.exit_code == 1 and "    period: 2024 → Q1-2024\n" in undatable.stdout  # as typed: no period
    assert "period = 'Q1-2024': unknown period format" in undatable.stdout


@pytest.mark.parametrize("asked", ["０９５７７", "09577\u200b", " 09577 "])
def test_a_report_finds_its_unit_by_a_look_alike_code(tmp_path, asked):
    """`cfc report self-assessment FILE --unit ０９５７７` said "no unit" of a file holding 09577."""
    out = tmp_path / "tu-danh-gia.pdf"
    made = run("report", "self-assessment", ROOT / "evaluations" / "sample-area" / "units.csv", "--unit", asked,
               "-o", out)
    assert made.exit_code == 0, made.output
    assert out.read_bytes().startswith(b"%PDF") and "09577 Phường Phú Thịnh" in made.stderr


def test_the_readme_says_what_the_code_does():
    """README's "Periods and unit codes": each spelling it says is read, and each it says is refused, is so."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Periods and unit codes")[1].split("\n### ")[0]
    read = {"２０２４-ｈ１": "2024-H1", "2024–H1": "2024-H1", "2024.0": "2024", "2024-06-30": "2024-06-30"}
    refused = ["Q1-2024", "6/30/2024", "2024-6-30", "2024-02-30", "2024H1"]
    for written, canonical in read.items():
        assert f"`{written}`" in section and canonical_period(float(written) if written == "2024.0" else written) == canonical
    for written in refused:
        assert f"`{written}`" in section
        with pytest.raises(PeriodError):
            parse_period(written)
    assert "full-width `０９９１６` is `09916`" in section and normalise_code("０９９１６") == "09916"
    for invisible in ("\u200b", "\u200d", "\u200e", "\u00ad", "\ufeff"):  # named in the section, each dropped
        assert normalise_code(f"099{invisible}16") == "09916"
    assert normalise_code("AB\u2013C") == "AB-C" and normalise_code("099 16") == "099 16"


def test_a_code_that_is_not_text_is_looked_up_as_no_code(tmp_path):
    """A command-line argument holding bytes that are not UTF-8 reaches Python as lone surrogates ('09\\udcff'):
    `cfc history` sent it to the database and died with a traceback."""
    assert code_key("09\udcff") is None and code_key("\ud800") is None
    result = CliRunner().invoke(main, ["history", "09\udcff", "--db", str(tmp_path / "h.sqlite3"), "--lang", "en"])
    assert result.exit_code == 1 and "No saved period for 09\\udcff" in result.output
    assert not isinstance(result.exception, UnicodeError)
