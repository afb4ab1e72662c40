"""Bad input gets a clear error and loses nothing.

Every error must name, in Vietnamese and in English, where the unit came from (file and row), the unit's
code, the input and the offending value. Missing data is never read as zero. A bad row never stops the
rest of a file from being evaluated. (Law: docs/legal-basis.md §4; inputs: docs/data-dictionary.md.)
"""
from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.criteria.model import load_criteria
from engine.api import evaluate_files
from engine.readers import read_records
from engine.readers.records import InputFileError

DECIDED = {"recognized", "not_recognized"}


def valid_unit(**changes) -> dict:
    """A complete, valid unit (mountain commune, 790/800: not recognised). Values as a CSV would hold them."""
    unit = {
        "unit_code": "26734",
        "unit_name": "Xã Đường Lâm",
        "province": "Phú Thọ",
        "district": "Thanh Sơn",
        "period": "2024",
        "category": "mountain_island_disadvantaged",
        "staff_assigned": "có",
        "villages_total": 12,
        "villages_with_collaborator": 12,
        "board_meets_regularly": "yes",
        "has_funding": "yes",
        "births": 80,
        "births_registered": 78,
        "children_total": 2150,
        "children_abused": 1,
        "children_offending": 0,
        "children_injured": 3,
        "special_children": 40,
        "special_children_supported": 38,
        "protection_cases": 1,
        "protection_cases_with_plan": 1,
        "under1_total": 82,
        "under1_fully_vaccinated": 79,
        "under5_weighed": 410,
        "under5_underweight": 30,
        "under5_measured": 410,
        "under5_stunted": 70,
        "checkup_due": 1800,
        "checkup_done": 1500,
        "age5_total": 95,
        "age5_in_preschool": 94,
        "primary_age_total": 700,
        "primary_age_in_school": 699,
        "lower_secondary_age_total": 520,
        "lower_secondary_age_in_school": 500,
        "children_forum_held": "yes",
        "children_clubs_active": "yes",
        "play_place": "yes",
        "activities_held": 1,
        "survey_respondents": 200,
        "survey_satisfied": 150,
    }
    unit.update(changes)
    return unit


def recognised_unit(**changes) -> dict:
    """The same unit with every birth registered: 810/800, recognised."""
    return valid_unit(births_registered=80, **changes)


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def write_yaml(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def evaluate_one(criteria, path: Path):
    batch = evaluate_files(criteria, [path])
    assert batch.file_errors == []
    assert len(batch.units) == 1
    return batch.units[0]


def indicator(unit_result, indicator_id: str):
    for criterion in unit_result.criteria:
        for result in criterion.indicators:
            if result.id == indicator_id:
                return result
    raise AssertionError(f"no indicator {indicator_id} in result")


def criterion_points(unit_result) -> dict[int, int]:
    return {c.number: c.points for c in unit_result.criteria}


def _token(text: str, word: str) -> bool:
    """`word` appears in `text` as a whole token (so '0' is not found inside '10002', nor 'city' in 'central_city')."""
    return re.search(rf"(?<![\w.,]){re.escape(word)}(?![\w.,])", text) is not None


def assert_error_names(unit_result, path: Path, *, row: int, code: str | None, input_name: str | None,
                       value: str | None, also: tuple[str, ...] = (), other_row: int | None = None) -> None:
    """Some error, in each language, names the file, the row, the unit code, the input and the value."""
    assert unit_result.status == "invalid"
    assert unit_result.errors, "an invalid unit must carry at least one error"
    for lang, row_word in (("en", "row"), ("vi", "dòng")):
        texts = [getattr(error, lang) for error in unit_result.errors]
        matching = []
        for text in texts:
            if str(path) not in text:
                continue
            rest = text.replace(str(path), " ")  # the tmp path holds the test's name: never match inside it
            if not re.search(rf"\b{row_word} {row}\b", rest):
                continue
            if other_row is not None and not re.search(rf"\b{row_word} {other_row}\b", rest):
                continue
            if code is not None and not _token(rest, code):
                continue
            if input_name is not None and not _token(rest, input_name):
                continue
            if value is not None and not _token(rest, value):
                continue
            if not all(_token(rest, extra) for extra in also):
                continue
            matching.append(text)
        assert matching, (f"no {lang} error names {path.name} {row_word} {row}"
                          f"{f' and {row_word} {other_row}' if other_row else ''}, unit {code}, "
                          f"input {input_name}, value {value!r} {also}; errors were: {texts}")


# ---------------------------------------------------------------- one error class per case

BAD_VALUES = [
    # (input, value written in the CSV, the value as the message must show it)
    pytest.param("children_injured", "98,5", "98,5", id="decimal-comma"),
    pytest.param("children_injured", "1.234", "1.234", id="thousands-separator"),
    pytest.param("children_injured", "N/A", "N/A", id="not-a-number"),
    pytest.param("children_injured", "-1", "-1", id="negative-count"),
    pytest.param("children_injured", "2.5", "2.5", id="fractional-count"),
    pytest.param("villages_total", "0", "0", id="no-villages"),
    pytest.param("staff_assigned", "maybe", "maybe", id="yes-no-maybe"),
    pytest.param("category", "city", "city", id="unknown-category"),
]


@pytest.mark.parametrize("input_name, raw, shown", BAD_VALUES)
def test_bad_value_is_invalid_and_named(criteria, tmp_path, input_name, raw, shown):
    path = write_csv(tmp_path / "units.csv", [
        valid_unit(unit_code="26701"),
        valid_unit(unit_code="26702", **{input_name: raw}),
        valid_unit(unit_code="26703"),
    ])
    batch = evaluate_files(criteria, [path])
    assert batch.file_errors == []
    first, bad, last = batch.units
    assert bad.unit_code == "26702"
    assert_error_names(bad, path, row=3, code="26702", input_name=input_name, value=shown)
    # The rows around it lose nothing.
    assert first.status in DECIDED and first.errors == []
    assert last.status in DECIDED and last.errors == []


def test_numerator_above_denominator(criteria, tmp_path):
    path = write_csv(tmp_path / "units.csv", [
        valid_unit(unit_code="26701"),
        valid_unit(unit_code="26702", births=80, births_registered=81),
    ])
    bad = evaluate_files(criteria, [path]).units[1]
    # Names the numerator with its value and the denominator with its value; never clipped to 100%.
    assert_error_names(bad, path, row=3, code="26702", input_name="births_registered", value="81",
                       also=("births", "80"))
    assert indicator(bad, "2").points is None


def test_missing_unit_code_is_invalid_and_named(criteria, tmp_path):
    path = write_csv(tmp_path / "units.csv", [
        valid_unit(unit_code="26701"),
        valid_unit(unit_code=""),
        valid_unit(unit_code="26703"),
    ])
    batch = evaluate_files(criteria, [path])
    first, bad, last = batch.units
    assert bad.unit_code is None
    assert_error_names(bad, path, row=3, code=None, input_name="unit_code", value=None)
    assert first.status in DECIDED and last.status in DECIDED


def test_duplicate_unit_code_names_both_rows(criteria, tmp_path):
    path = write_csv(tmp_path / "units.csv", [
        valid_unit(unit_code="26701"),
        valid_unit(unit_code="26701", unit_name="Xã Đường Lâm (bản sao)"),
        valid_unit(unit_code="26703"),
    ])
    batch = evaluate_files(criteria, [path])
    first, duplicate, last = batch.units
    # Which row is right is unknown: both are invalid, each naming the other (in each language's own words).
    assert_error_names(duplicate, path, row=3, other_row=2, code="26701", input_name=None, value=None)
    assert_error_names(first, path, row=2, other_row=3, code="26701", input_name=None, value=None)
    assert last.status in DECIDED


def test_duplicate_unit_code_across_files_names_both_files(criteria, tmp_path):
    a = write_csv(tmp_path / "a.csv", [valid_unit(unit_code="26701")])
    b = write_yaml(tmp_path / "b.yaml", valid_unit(unit_code="26701"))
    batch = evaluate_files(criteria, [a, b])
    assert [u.status for u in batch.units].count("invalid") >= 1
    invalid = [u for u in batch.units if u.status == "invalid"]
    for lang in ("vi", "en"):
        texts = [getattr(e, lang) for u in invalid for e in u.errors]
        assert any(str(a) in t and str(b) in t and "26701" in t for t in texts), texts


def test_yaml_list_item_is_named(criteria, tmp_path):
    path = write_yaml(tmp_path / "units.yaml", [valid_unit(unit_code="26701"),
                                                valid_unit(unit_code="26702", children_injured=2.5)])
    bad = evaluate_files(criteria, [path]).units[1]
    assert bad.status == "invalid"
    assert any(str(path) in e.en and re.search(r"\bitem 2\b", e.en) and "26702" in e.en
               and "children_injured" in e.en and "2.5" in e.en for e in bad.errors), bad.errors
    assert any(str(path) in e.vi and re.search(r"\bmục 2\b", e.vi) and "26702" in e.vi
               and "children_injured" in e.vi and "2.5" in e.vi for e in bad.errors), bad.errors


def test_invalid_unit_keeps_its_good_values(criteria, tmp_path):
    path = write_csv(tmp_path / "units.csv", [valid_unit(children_injured="N/A")])
    unit = evaluate_one(criteria, path)
    assert unit.status == "invalid"
    assert unit.unit_name == "Xã Đường Lâm" and unit.province == "Phú Thọ" and unit.category == "mountain_island_disadvantaged"
    assert indicator(unit, "1a").inputs == {"staff_assigned": True}
    assert indicator(unit, "2").inputs == {"births_registered": 78, "births": 80}
    # Only the bad input is dropped: it is reported, not read as zero.
    assert indicator(unit, "5").points is None


def test_every_error_in_a_row_is_reported(criteria, tmp_path):
    path = write_csv(tmp_path / "units.csv", [valid_unit(children_injured="-1", staff_assigned="maybe",
                                                         births_registered="98,5")])
    unit = evaluate_one(criteria, path)
    assert unit.status == "invalid"
    for name in ("children_injured", "staff_assigned", "births_registered"):
        assert any(name in e.en for e in unit.errors), (name, unit.errors)
        assert any(name in e.vi for e in unit.errors), (name, unit.errors)


# ---------------------------------------------------------------- missing is not zero

def test_missing_input_is_not_zero(criteria, tmp_path):
    unit = recognised_unit()
    assert evaluate_one(criteria, write_yaml(tmp_path / "full.yaml", unit)).status == "recognized"
    del unit["children_abused"]  # read as 0 it would score criterion 3 at full points
    result = evaluate_one(criteria, write_yaml(tmp_path / "unit.yaml", unit))
    assert result.status == "incomplete"
    assert result.errors == []
    assert "children_abused" in result.missing_inputs
    gaps = [g for g in result.gaps if g.kind == "missing"]
    assert any(g.criterion == 3 and "children_abused" in (g.input or "") for g in gaps), result.gaps
    ind = indicator(result, "3")
    assert ind.state == "missing" and ind.points is None
    assert not next(c for c in result.criteria if c.number == 3).complete


@pytest.mark.parametrize("blank", ["", "-", "   "], ids=["empty", "dash", "spaces"])
def test_empty_cell_and_dash_are_missing(criteria, tmp_path, blank):
    path = write_csv(tmp_path / "units.csv", [recognised_unit(children_abused=blank),
                                              recognised_unit(unit_code="26702")])
    result, other = evaluate_files(criteria, [path]).units
    assert result.status == "incomplete"
    assert result.errors == []
    assert "children_abused" in result.missing_inputs
    assert any(g.kind == "missing" and "children_abused" in (g.input or "") for g in result.gaps)
    assert indicator(result, "3").points is None
    assert other.status == "recognized"


@pytest.mark.parametrize("fmt", ["csv-empty", "yaml-absent"])
def test_missing_category_makes_unit_incomplete(criteria, tmp_path, fmt):
    if fmt == "csv-empty":
        path = write_csv(tmp_path / "units.csv", [recognised_unit(category="")])
    else:
        unit = recognised_unit()
        del unit["category"]
        path = write_yaml(tmp_path / "unit.yaml", unit)
    result = evaluate_one(criteria, path)
    assert result.status == "incomplete"
    assert result.errors == []
    assert "category" in result.missing_inputs
    assert result.threshold is None
    # Every criterion could still be scored: only the threshold is unknown.
    assert all(c.complete for c in result.criteria)


# ---------------------------------------------------------------- good rows are not lost

def test_good_rows_in_same_csv_are_still_evaluated(criteria, tmp_path):
    good_a = valid_unit(unit_code="26701")                  # 790/800: not recognised
    bad = valid_unit(unit_code="26702", births="abc")
    good_b = recognised_unit(unit_code="26703")             # 810/800: recognised
    path = write_csv(tmp_path / "units.csv", [good_a, bad, good_b])
    batch = evaluate_files(criteria, [path])
    assert batch.file_errors == []
    assert [u.unit_code for u in batch.units] == ["26701", "26702", "26703"]
    assert [u.status for u in batch.units] == ["not_recognized", "invalid", "recognized"]
    # Same results as each good row evaluated alone.
    alone_a = evaluate_one(criteria, write_csv(tmp_path / "a.csv", [good_a]))
    alone_b = evaluate_one(criteria, write_csv(tmp_path / "b.csv", [good_b]))
    assert (batch.units[0].total, criterion_points(batch.units[0])) == (alone_a.total, criterion_points(alone_a))
    assert (batch.units[2].total, criterion_points(batch.units[2])) == (alone_b.total, criterion_points(alone_b))
    assert batch.units[0].total == 790 and batch.units[2].total == 810


def test_unreadable_file_does_not_stop_other_files(criteria, tmp_path):
    bad = tmp_path / "cp1258.csv"
    bad.write_bytes("unit_code,unit_name\n26799,Xa Tân\n".encode("cp1258"))
    good = write_yaml(tmp_path / "good.yaml", valid_unit())
    batch = evaluate_files(criteria, [bad, good])
    assert [u.unit_code for u in batch.units] == ["26734"]
    assert batch.units[0].status == "not_recognized"
    assert len(batch.file_errors) == 1 and str(bad) in batch.file_errors[0]


# ---------------------------------------------------------------- accepted spellings

YES_SPELLINGS = ["true", "True", "TRUE", "yes", "Yes", "YES", "1", "có", "Có", "CÓ", " có ", "\tyes ",
                 unicodedata.normalize("NFD", "có"), unicodedata.normalize("NFD", "Có")]
NO_SPELLINGS = ["false", "False", "FALSE", "no", "No", "NO", "0", "không", "Không", "KHÔNG", " không ", " no\t",
                unicodedata.normalize("NFD", "không"), unicodedata.normalize("NFD", "KHÔNG")]


@pytest.mark.parametrize("spelling, meaning", [(s, True) for s in YES_SPELLINGS] + [(s, False) for s in NO_SPELLINGS],
                         ids=[f"yes-{i}-{s.strip().encode('unicode_escape').decode()}" for i, s in enumerate(YES_SPELLINGS)]
                         + [f"no-{i}-{s.strip().encode('unicode_escape').decode()}" for i, s in enumerate(NO_SPELLINGS)])
def test_yes_no_spellings_parse(criteria, tmp_path, spelling, meaning):
    path = write_csv(tmp_path / "units.csv", [valid_unit(staff_assigned=spelling)])
    result = evaluate_one(criteria, path)
    assert result.status in DECIDED, result.errors
    assert result.errors == []
    ind = indicator(result, "1a")
    assert ind.inputs == {"staff_assigned": meaning}
    assert ind.points == (50 if meaning else 0)


@pytest.mark.parametrize("value, meaning", [(True, True), (False, False), (1, True), (0, False)])
def test_yes_no_native_yaml_values_parse(criteria, tmp_path, value, meaning):
    result = evaluate_one(criteria, write_yaml(tmp_path / "unit.yaml", valid_unit(staff_assigned=value)))
    assert result.errors == []
    assert indicator(result, "1a").inputs == {"staff_assigned": meaning}


def test_count_written_as_12_point_0_in_csv_is_12(criteria, tmp_path):
    path = write_csv(tmp_path / "units.csv", [valid_unit(villages_total="12.0", villages_with_collaborator="12.0")])
    result = evaluate_one(criteria, path)
    assert result.errors == [] and result.status in DECIDED
    inputs = indicator(result, "1b").inputs
    assert inputs == {"villages_with_collaborator": 12, "villages_total": 12}
    assert all(type(v) is int for v in inputs.values())
    assert indicator(result, "1b").points == 15


def test_count_given_as_float_12_0_is_12(criteria, tmp_path):
    for suffix, writer in ((".yaml", write_yaml),
                           (".json", lambda p, d: p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8") or p)):
        path = tmp_path / f"unit{suffix}"
        writer(path, valid_unit(villages_total=12.0, villages_with_collaborator=12.0))
        result = evaluate_one(criteria, path)
        assert result.errors == [] and result.status in DECIDED, suffix
        inputs = indicator(result, "1b").inputs
        assert inputs == {"villages_with_collaborator": 12, "villages_total": 12}, suffix
        assert all(type(v) is int for v in inputs.values()), suffix


# ---------------------------------------------------------------- file formats

def test_bom_prefixed_utf8_csv_reads(criteria, tmp_path):
    path = write_csv(tmp_path / "excel.csv", [valid_unit()], encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    result = evaluate_one(criteria, path)
    assert result.unit_code == "26734"
    assert result.ignored_inputs == []
    assert result.errors == []
    assert result.status == "not_recognized" and result.total == 790


def test_yaml_single_unit(criteria, tmp_path):
    result = evaluate_one(criteria, write_yaml(tmp_path / "unit.yaml", valid_unit()))
    assert (result.unit_code, result.status, result.total) == ("26734", "not_recognized", 790)


def test_yml_extension(criteria, tmp_path):
    result = evaluate_one(criteria, write_yaml(tmp_path / "unit.yml", valid_unit()))
    assert (result.unit_code, result.status) == ("26734", "not_recognized")


def _two_units():
    return [valid_unit(unit_code="26701"), recognised_unit(unit_code="26702")]


@pytest.mark.parametrize("name, content", [
    ("list.yaml", lambda units: yaml.safe_dump(units, allow_unicode=True)),
    ("list.json", lambda units: json.dumps(units, ensure_ascii=False)),
    ("wrapped.json", lambda units: json.dumps({"units": units}, ensure_ascii=False)),
    ("wrapped.yaml", lambda units: yaml.safe_dump({"units": units}, allow_unicode=True)),
])
def test_lists_of_units(criteria, tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content(_two_units()), encoding="utf-8")
    batch = evaluate_files(criteria, [path])
    assert batch.file_errors == []
    assert [(u.unit_code, u.status, u.total) for u in batch.units] == [
        ("26701", "not_recognized", 790), ("26702", "recognized", 810)]


def test_non_utf8_file_raises_input_file_error_naming_it(tmp_path):
    path = tmp_path / "windows.csv"
    path.write_bytes("unit_code,unit_name\n26734,Xa Tân\n".encode("cp1258"))
    with pytest.raises(InputFileError) as error:
        read_records(path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize("name", ["units.xlsx", "units.txt", "units"])
def test_unsupported_extension_raises_input_file_error_naming_it(tmp_path, name):
    path = tmp_path / name
    path.write_text("unit_code: '26734'\n", encoding="utf-8")
    with pytest.raises(InputFileError) as error:
        read_records(path)
    assert str(path) in str(error.value)


def test_unknown_columns_are_listed_as_ignored(criteria, tmp_path):
    path = write_csv(tmp_path / "units.csv", [valid_unit(ghi_chu="số liệu quý IV", birth_registered="78")])
    result = evaluate_one(criteria, path)
    assert set(result.ignored_inputs) == {"ghi_chu", "birth_registered"}
    assert result.errors == []
    assert result.status == "not_recognized"


def test_row_with_more_cells_than_headers_is_an_invalid_unit_not_a_lost_file(criteria, tmp_path):
    path = write_csv(tmp_path / "units.csv", [valid_unit(unit_code="26701"), valid_unit(unit_code="26702"),
                                              valid_unit(unit_code="26703")])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",lạc cột"  # row 3 has one value more than there are headers
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, bad, last = evaluate_files(criteria, [path]).units
    assert first.status in DECIDED and last.status in DECIDED
    assert bad.status == "invalid"
    assert any("row 3" in e.en and "26702" in e.en and "lạc cột" in e.en for e in bad.errors), bad.errors
    assert any("dòng 3" in e.vi and "lạc cột" in e.vi for e in bad.errors), bad.errors


@settings(max_examples=300, deadline=None, database=None)
@given(digits=st.text(alphabet="0123456789", min_size=1, max_size=40), pad=st.sampled_from(["", " ", "\t", "  "]),
       sign=st.sampled_from(["", "+", "-"]))
def test_a_count_typed_as_digits_reads_as_that_number_or_a_clear_error(criteria, digits, pad, sign):
    # Plain digits take a fast path; signs, padding, leading zeros and over-long numbers must end exactly as
    # the general rules say: the number itself, or an error naming the input, never a different number.
    from engine.limits import MAX_DIGITS
    from engine.readers.records import Record
    from engine.units.validate import validate_record
    unit = validate_record(criteria, Record("t.csv", "row", 2, {"unit_code": "X", "births": f"{pad}{sign}{digits}{pad}"}))
    errors = [e.message.key for e in unit.errors if e.input == "births"]
    number = int(sign + digits)
    if len(digits) > MAX_DIGITS:  # leading zeros count: such a cell is not a real count
        assert unit.values["births"] is None and errors == ["number_too_large"]
    elif number < 0:
        assert unit.values["births"] is None and errors == ["negative_count"]
    else:
        assert (unit.values["births"], errors) == (number, [])
