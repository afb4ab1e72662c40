"""What a unit belongs to, as its period's map has it: "Huyện / khu vực" before the 1 July 2025 reform, "Khu vực"
after it (there are no districts since), in every file that shows the label — and every reader of those files
takes both wordings. A file whose units are not all after the reform keeps "Huyện / khu vực"."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import main
from engine.aggregate import AREA, DISTRICT, NO_AREA, load_results, summarise
from engine.criteria.model import load_criteria
from engine.forms.layout import LABEL_ROW, MANY_UNITS_SHEET, NAME_ROW, ONE_UNIT_SHEET
from engine.registry.maps import DISTRICT_AFTER, DISTRICT_AFTER_HELP, DISTRICT_BEFORE, after_reform, district_label

ROOT = Path(__file__).resolve().parents[2]
BEFORE = ROOT / "evaluations" / "sample-area" / "units.csv"
AFTER = ROOT / "evaluations" / "sample-area" / "units-2025.csv"
AREA_NAME = "Khu vực phía Tây"
# The results column's header: (before, after) in each language.
HEADERS = {"vi": ("Huyện / khu vực", "Khu vực"), "en": ("District", "Area")}
SHEETS = {"vi": ("Kết quả", "Lỗi dữ liệu"), "en": ("Results", "Data errors")}


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


def run(*args) -> None:
    done = CliRunner().invoke(main, [str(a) for a in args])
    assert done.exit_code in (0, 1), done.output


def test_a_period_is_after_the_reform_when_it_ends_on_or_after_1_july_2025():
    assert DISTRICT_AFTER.vi == "Khu vực" and len(DISTRICT_AFTER.en) <= 18  # a header that prints in its column
    assert "không còn cấp huyện" in DISTRICT_AFTER_HELP.vi and "no districts" in DISTRICT_AFTER_HELP.en
    for periods in (["2025"], ["2025-H2"], ["2025-Q3"], ["2025-07-01"], ["2025", "2026-H1"]):
        assert after_reform(periods) and district_label(periods) == DISTRICT_AFTER, periods
    # the day before the reform, a mixed file, and what cannot be dated keep today's wording
    for periods in (["2025-H1"], ["2025-06-30"], ["2024", "2025"], [], [None], [""], ["Q1-2025"]):
        assert not after_reform(periods) and district_label(periods) == DISTRICT_BEFORE, periods


@pytest.fixture(scope="module")
def area_csv(tmp_path_factory) -> Path:
    """The sample's six new units (2025), the first three in an area the board names."""
    rows = list(csv.DictReader(AFTER.open(encoding="utf-8")))
    for row in rows[:3]:
        row["district"] = AREA_NAME
    path = tmp_path_factory.mktemp("input") / "units-2025-areas.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, area_csv) -> dict:
    """Per language: the post-reform file as --output DIR, the pre-reform one as the CSV for people, both together
    as a workbook."""
    folder = tmp_path_factory.mktemp("outputs")
    made = {}
    for lang in ("vi", "en"):
        made[lang] = {"after": folder / f"after-{lang}", "before": folder / f"before-{lang}.csv",
                      "mixed": folder / f"mixed-{lang}.xlsx"}
        run("evaluate", area_csv, "--output", made[lang]["after"], "--lang", lang)
        run("evaluate", BEFORE, "-o", made[lang]["before"], "--lang", lang)
        run("evaluate", BEFORE, area_csv, "-o", made[lang]["mixed"], "--lang", lang)
    return made


def csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def xlsx_header(path: Path, sheet: str) -> list[str]:
    return [cell.value for cell in load_workbook(path, read_only=True)[sheet][1]]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_results_files_say_what_units_after_the_reform_belong_to(outputs, lang):
    before, after = HEADERS[lang]
    made = outputs[lang]
    people = csv_header(made["after"] / "results.csv")
    workbook = xlsx_header(made["after"] / "results.xlsx", SHEETS[lang][0])
    assert people == workbook and after in people and before not in people
    # the column holds the area each unit was given, under the header that says so
    with (made["after"] / "results.csv").open(encoding="utf-8-sig", newline="") as handle:
        areas = [row[after] for row in csv.DictReader(handle)]
    assert areas == [AREA_NAME] * 3 + [""] * 3
    # the old map, and a file holding both maps, keep the header as it always was (at the same place)
    for header in (csv_header(made["before"]), xlsx_header(made["mixed"], SHEETS[lang][0])):
        assert before in header and after not in header
        assert header.index(before) == people.index(after)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_cfc_aggregate_reads_either_header_back(outputs, criteria, lang):
    after_file = outputs[lang]["after"] / "results.csv"
    loaded = load_results([after_file], criteria)
    assert list(loaded.units["district"].fillna("")) == [AREA_NAME] * 3 + [""] * 3
    summary = summarise(loaded, criteria, "district")
    areas = summary.tables["area"]
    assert summary.keys[-1] == AREA and DISTRICT not in areas.columns
    assert set(areas[AREA]) == {AREA_NAME, NO_AREA, "Tổng cộng"}
    assert "Tổng hợp theo khu vực." in summary.notes
    # both periods together: the summary keeps "Huyện / khu vực" (2024's units had districts)
    both = summarise(load_results([outputs[lang]["before"], after_file], criteria), criteria, "district")
    assert both.keys[-1] == DISTRICT and "Tổng hợp theo huyện / khu vực." in both.notes
    assert {"Thị xã Sơn Tây", "Huyện Ba Vì", AREA_NAME} <= set(both.tables["area"][DISTRICT])


def test_a_units_data_errors_name_its_input_as_its_map_does(tmp_path):
    """One file, both maps: the header stays, and each unit's own rows in the errors sheet follow its period."""
    data = tmp_path / "two.yaml"
    data.write_text('units:\n  - {unit_code: "09652", period: "2024", district: [1, 2], category: other}\n'
                    '  - {unit_code: "09574", period: "2025", district: [1, 2], category: urban_ward_central_city}\n',
                    encoding="utf-8")
    for lang, (before, after) in (("vi", ("Huyện / khu vực", "Khu vực")), ("en", ("District or area", "Area"))):
        out = tmp_path / f"two-{lang}.xlsx"
        run("evaluate", data, "-o", out, "--lang", lang)
        book = load_workbook(out, read_only=True)
        named: dict[str, set] = {}
        for row in book[SHEETS[lang][1]].iter_rows(min_row=2, values_only=True):
            if row[2] in (before, after):
                named.setdefault(row[0], set()).add(row[2])
        assert named == {"09652": {before}, "09574": {after}}
        assert HEADERS[lang][0] in [cell.value for cell in book[SHEETS[lang][0]][1]]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_evaluate_reads_a_file_headed_with_the_new_label(tmp_path, criteria, area_csv, lang):
    """A table typed by hand with the labels a post-reform form shows: "Khu vực" / "Area" is the district input."""
    rows = list(csv.reader(area_csv.open(encoding="utf-8")))
    labels = {decl.name: decl.label(lang) for decl in criteria.inputs}
    labels["district"] = HEADERS[lang][1]
    typed = tmp_path / "typed.csv"
    with typed.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[labels[name] for name in rows[0]], *rows[1:]])
    out = tmp_path / "machine.csv"
    run("evaluate", typed, "--format", "csv", "-o", out)
    assert [row["district"] for row in csv.DictReader(out.open(encoding="utf-8"))] == [AREA_NAME] * 3 + [""] * 3


def test_a_provinces_form_on_the_new_map_says_khu_vuc_with_what_it_means(tmp_path):
    province = tmp_path / "ha-noi.xlsx"
    run("template", "-o", province, "--province", "Hà Nội")
    plain = tmp_path / "blank.xlsx"
    run("template", "-o", plain)
    for path, label, note in ((province, DISTRICT_AFTER.vi, DISTRICT_AFTER_HELP.vi), (plain, DISTRICT_BEFORE.vi, None)):
        book = load_workbook(path)
        many = book[MANY_UNITS_SHEET]
        column = [cell.value for cell in many[NAME_ROW]].index("district") + 1
        header = many.cell(LABEL_ROW, column)
        assert header.value == label and (header.comment.text if header.comment else None) == note
        one = book[ONE_UNIT_SHEET]
        cell = next(row[0] for row in one.iter_rows() if row[2].value == "district")
        assert cell.value == label and (cell.comment.text if cell.comment else None) == note
        said = [row[0].value for row in one.iter_rows(max_row=cell.row - 1) if isinstance(row[0].value, str)]
        assert (f"«{DISTRICT_AFTER.vi}»: {DISTRICT_AFTER_HELP.vi}" in said) == (note is not None)


def test_a_full_disk_while_the_held_back_lines_are_written_leaves_the_previous_results(tmp_path, area_csv,
                                                                                       monkeypatch):
    """The CSV for people of units all after the reform is written under its header at the end: failing there
    keeps the results that were in the folder, whole."""
    import errno

    from engine.results import directory

    out = tmp_path / "ket-qua"
    run("evaluate", area_csv, "--output", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full(source, target, length=0):
        target.write(source.read(100))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(directory.shutil, "copyfileobj", full)
    done = CliRunner().invoke(main, ["evaluate", str(AFTER), "--output", str(out)])
    assert done.exit_code == 2 and "đĩa đã đầy" in done.output and "Traceback" not in done.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["ket-qua"]  # no temporary folder left beside it
