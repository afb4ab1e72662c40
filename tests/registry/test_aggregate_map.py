"""Last year's results on the old map and this year's on the new one, compared per new commune (--map 2025)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from engine.aggregate import AggregateError, load_results, summarise
from engine.criteria.model import load_criteria
from engine.registry import NEW, admin_map, merge

ROOT = Path(__file__).resolve().parents[2]
BEFORE = ROOT / "evaluations" / "sample-area" / "units.csv"
AFTER = ROOT / "evaluations" / "sample-area" / "units-2025.csv"


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("results")
    paths = []
    for source, name in ((BEFORE, "2024.json"), (AFTER, "2025.json")):
        out = folder / name
        done = CliRunner().invoke(main, ["evaluate", str(source), "--format", "json", "-o", str(out)])
        assert done.exit_code in (0, 1), done.output
        paths.append(out)
    return paths


def codes(path: Path) -> list[str]:
    return [row["unit_code"] for row in csv.DictReader(path.open(encoding="utf-8"))]


def test_areas_are_the_new_provinces_on_both_sides(criteria, results):
    summary = summarise(load_results(results, criteria), criteria, "province", map_to="2025")
    areas = summary.tables["area"]
    named = areas[areas["Tỉnh, thành phố"] != "Tổng cộng"]
    provinces = {admin_map(NEW).get(merge.main_successor(c)).province for c in codes(BEFORE)}
    assert set(named["Tỉnh, thành phố"]) == provinces == {"Thành phố Hà Nội"}
    assert list(named["Số đơn vị được đánh giá"]) == [len(codes(BEFORE)), len(codes(AFTER))]


def test_each_new_unit_lists_its_old_units_and_how_many_were_recognised(criteria, results):
    loaded = load_results(results, criteria)
    table = summarise(loaded, criteria, map_to="2025").tables["new_units"]
    before = table[table["Danh mục"] == "trước 01/7/2025"]
    old = loaded.units[loaded.units["period"] == "2024"]
    old_status = dict(zip(old["unit_code"], old["status"]))
    expected = {}
    for code in codes(BEFORE):
        expected.setdefault(merge.main_successor(code), []).append(code)
    assert set(before["Mã đơn vị mới"]) == set(expected)
    for _, row in before.iterrows():
        olds = expected[row["Mã đơn vị mới"]]
        assert row["Số đơn vị cũ hợp thành"] == len(merge.mapped_onto(row["Mã đơn vị mới"]))
        assert row["Số có kết quả"] == len(olds)
        assert row["Số đạt chuẩn"] == sum(old_status[c] == "recognized" for c in olds)
        assert [part.split(" ")[0] for part in row["Đơn vị cũ có kết quả"].split("; ")] == olds
        splits = [c for c in olds if merge.is_split(c)]
        listed = row["Đơn vị cũ chia tách (tính vào đơn vị kế thừa chính)"]
        assert (listed if isinstance(listed, str) else "") == "; ".join(sorted(splits))


def test_one_comparison_per_new_commune_across_the_reform(criteria, results):
    summary = summarise(load_results(results, criteria), criteria, map_to="2025")
    change = summary.tables["new_unit_change"]
    assert sorted(change["Mã đơn vị mới"]) == sorted(codes(AFTER))
    assert set(change["Kỳ trước"]) == {"2024"} and set(change["Kỳ đánh giá"]) == {"2025"}
    assert all(text.endswith("đơn vị cũ đạt chuẩn") for text in change["Kết quả kỳ trước"])
    assert set(change["Biến động"]) <= {"mới đạt chuẩn", "không còn đạt chuẩn", "vẫn đạt chuẩn", "vẫn chưa đạt chuẩn"}


def test_the_summary_says_how_split_units_were_assigned(criteria, results):
    notes = " ".join(summarise(load_results(results, criteria), criteria, map_to="2025").notes)
    splits = [c for c in codes(BEFORE) if merge.is_split(c)]
    assert splits
    for code in splits:
        main_, *others = merge.successors(code)
        assert f"{code} → {main_} (cũng chia cho {', '.join(others)})" in notes
    assert "đơn vị kế thừa chính" in notes and "isDefaultNewWard" in notes


def test_a_code_kept_across_the_reform_is_not_compared_as_the_same_unit(criteria, results):
    kept = set(codes(BEFORE)) & set(codes(AFTER))
    assert kept  # e.g. 09574: Phường Ngô Quyền before, Phường Sơn Tây after
    plain = summarise(load_results(results, criteria), criteria).tables["unit_change"]
    assert not set(plain["Mã đơn vị"]) & kept


def test_without_map_nothing_changes(criteria, results):
    summary = summarise(load_results(results, criteria), criteria)
    assert "new_units" not in summary.tables and "new_unit_change" not in summary.tables


def test_map_has_no_districts_said_in_both_languages(criteria, results, tmp_path):
    with pytest.raises(AggregateError):
        summarise(load_results(results, criteria), criteria, "district", map_to="2025")
    for lang, words in (("vi", "không còn cấp huyện"), ("en", "which has no districts")):
        done = CliRunner().invoke(main, ["aggregate", *map(str, results), "-o", str(tmp_path / lang), "--by",
                                         "district", "--map", "2025", "--lang", lang])
        assert done.exit_code == 2 and words in done.output


def test_aggregate_and_summary_report_on_the_new_map(results, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    done = CliRunner().invoke(main, ["aggregate", *map(str, results), "-o", str(tmp_path / "review"), "--map", "2025"])
    assert done.exit_code == 0, done.output
    sheets = load_workbook(tmp_path / "review" / "summary.xlsx").sheetnames
    assert "Theo đơn vị mới" in sheets and "Đơn vị mới so với kỳ trước" in sheets
    pdf = tmp_path / "tong-hop.pdf"
    done = CliRunner().invoke(main, ["report", "summary", *map(str, results), "-o", str(pdf), "--map", "2025"])
    assert done.exit_code == 0, done.output
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages).replace("\n", " ")
    assert "Thành phố Hà Nội" in text and "kế thừa chính" in text
