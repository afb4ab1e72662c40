"""cfc evaluate FILES --output DIR: results.json, results.csv and results.xlsx, whole or not at all."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import main
from engine.results import directory as results_dir

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = str(ROOT / "evaluations" / "sample-area" / "units.csv")


def evaluate(*args):
    return CliRunner().invoke(main, ["evaluate", *args])


def test_a_board_batch_writes_three_files_that_agree(tmp_path):
    out = tmp_path / "ket-qua"
    result = evaluate(SAMPLE, "--output", str(out))
    assert result.exit_code == 1  # two sample units have invalid data on purpose; the rest are scored
    assert sorted(p.name for p in out.iterdir()) == ["results.csv", "results.json", "results.xlsx"]
    people_csv = tmp_path / "ket-qua.csv"
    assert evaluate(SAMPLE, "-o", str(people_csv)).exit_code == 1
    assert (out / "results.csv").read_bytes() == people_csv.read_bytes()  # the CSV for people, as -o NAME.csv
    assert (out / "results.csv").read_bytes().startswith(b"\xef\xbb\xbfM\xc3\xa3 \xc4\x91\xc6\xa1n v\xe1\xbb\x8b,")
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data == json.loads(evaluate(SAMPLE, "--format", "json").output)

    workbook = load_workbook(out / "results.xlsx")
    assert workbook.sheetnames == ["Kết quả", "Cần cải thiện", "Lỗi dữ liệu", "Bộ tiêu chí"]
    units = list(workbook["Kết quả"].iter_rows(values_only=True))
    # In the order a printed page is read: the unit, its decision and points, the reasons; then the rest.
    assert units[0][:7] == ("Mã đơn vị", "Tên đơn vị", "Kết quả", "Tổng điểm", "Ngưỡng", "Còn thiếu", "TC 1")
    assert units[0][19:23] == ("Lý do", "Huyện / khu vực", "Tỉnh", "Kỳ")
    assert [row[0] for row in units[1:]] == [u["unit_code"] for u in data["units"]]
    # an undecided unit (incomplete or invalid data) shows no total: its partial sum is not a score
    assert [row[3] for row in units[1:]] == [u["total"] if u["status"] in ("recognized", "not_recognized") else None
                                             for u in data["units"]]
    by_code = {row[0]: row for row in units[1:]}
    assert by_code["09598"][2] == "Không đạt" and by_code["09598"][6 + 2] == 0  # criterion 3 at 0
    assert by_code["09610"][6 + 8] is None  # unscored criterion 9 is blank, not 0
    gaps = list(workbook["Cần cải thiện"].iter_rows(values_only=True))[1:]
    assert len(gaps) == sum(len(u["gaps"]) for u in data["units"])
    flips = {(row[0], row[3]) for row in gaps if row[11] == "có"}
    assert flips == {(u["unit_code"], g["indicator"]) for u in data["units"] for g in u["gaps"] if g["flips_decision"]}
    errors = list(workbook["Lỗi dữ liệu"].iter_rows(values_only=True))[1:]
    assert sorted((row[0], row[2], row[3]) for row in errors) == [
        ("09613", "Số trẻ em 5 tuổi đi học mẫu giáo", "98,5"),  # the input's label from the criteria file
        ("09697", "Số trẻ em được đăng ký khai sinh đúng quy định", 64)]
    assert sorted(row[1].rsplit(" ", 2)[1:] for row in errors) == [["dòng", "10"], ["dòng", "14"]]  # in Vietnamese


def test_english_sheets(tmp_path):
    evaluate(SAMPLE, "--output", str(tmp_path), "--lang", "en")
    workbook = load_workbook(tmp_path / "results.xlsx")
    assert workbook.sheetnames == ["Results", "Gaps", "Data errors", "Criteria"]


def test_a_failure_leaves_earlier_results_untouched(tmp_path, monkeypatch):
    for name in results_dir.NAMES:
        (tmp_path / name).write_text("earlier results", encoding="utf-8")
    calls = []

    def fail_after_the_head(self, piece):
        calls.append(piece)
        if len(calls) == 2:  # the head, then the units (one piece per chunk of units)
            raise RuntimeError("disk full")
        return original(self, piece)

    original = results_dir.DirectoryWriter.write
    monkeypatch.setattr(results_dir.DirectoryWriter, "write", fail_after_the_head)
    result = evaluate(SAMPLE, "--output", str(tmp_path))
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    for name in results_dir.NAMES:
        assert (tmp_path / name).read_text(encoding="utf-8") == "earlier results"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(results_dir.NAMES)  # no temporary files left


def test_refuses_to_overwrite_an_input_named_like_a_result(tmp_path):
    data = tmp_path / "results.csv"
    data.write_text(Path(SAMPLE).read_text(encoding="utf-8"), encoding="utf-8")
    result = evaluate(str(data), "--output", str(tmp_path))
    assert result.exit_code == 2 and "overwrite" in result.output
    assert data.read_text(encoding="utf-8") == Path(SAMPLE).read_text(encoding="utf-8")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_workers_write_the_same_files(tmp_path, jobs, monkeypatch):
    from engine import batch

    monkeypatch.setattr(batch, "CHUNK", 4)
    evaluate(SAMPLE, "--output", str(tmp_path / jobs), "--jobs", jobs)
    reference = tmp_path / "reference"
    evaluate(SAMPLE, "--output", str(reference), "--jobs", "1")
    for name in ("results.json", "results.csv"):
        assert (tmp_path / jobs / name).read_bytes() == (reference / name).read_bytes()


@pytest.mark.parametrize("target", ["dir", "xlsx"])
def test_a_package_failing_halfway_leaves_no_half_file(tmp_path, monkeypatch, target):
    """The workbook's package fails in the middle of a sheet's deflated rows (disk full): the earlier results stay
    as they were, and no half-written workbook or temporary file is left beside them."""
    from engine.results import deflated_zip

    original = deflated_zip.DeflatedZip.add

    def fail_inside_the_second_sheet(self, name, crc, size, pieces, compressed):
        if name == "xl/worksheets/sheet2.xml":
            self.handle.write(b"PK\003\004 half a header")
            raise OSError(28, "No space left on device")
        return original(self, name, crc, size, pieces, compressed)

    monkeypatch.setattr(deflated_zip.DeflatedZip, "add", fail_inside_the_second_sheet)
    names = results_dir.NAMES if target == "dir" else ("results.xlsx",)
    for name in names:
        (tmp_path / name).write_text("earlier results", encoding="utf-8")
    output = tmp_path if target == "dir" else tmp_path / "results.xlsx"
    result = evaluate(SAMPLE, "--output", str(output))
    assert result.exit_code != 0
    for name in names:
        assert (tmp_path / name).read_text(encoding="utf-8") == "earlier results"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
