"""PDF reports: the Vietnamese text is there exactly, the font is embedded, big batches render, output is
byte-identical for identical input, and the command line behaves."""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from cli import main
from engine.criteria.model import load_criteria
from engine.api import evaluate_files
from engine.reports import appraisal, render, self_assessment
from engine.reports import decision as decision_module
from engine.reports.board import PLACEHOLDERS, BoardConfig, BoardConfigError, load_board_config
from engine.reports.common import gaps_worst_first
from engine.reports.fonts import BOLD, REGULAR, missing_glyphs
from engine.reports.fonts import BOLD_ITALIC, ITALIC

ROOT = Path(__file__).resolve().parent.parent
SINGLE = str(ROOT / "evaluations" / "single-unit.yaml")
AREA = str(ROOT / "evaluations" / "sample-area" / "units.csv")
BOARD = str(ROOT / "evaluations" / "board-config.example.yaml")


def self_assessment_pdf(unit, criteria, board=None) -> bytes:
    return render(self_assessment.document(unit, criteria, board), ".pdf")


def appraisal_pdf(batch, criteria, board=None) -> bytes:
    return render(appraisal.document(batch, criteria, board), ".pdf")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def pages_text(pdf: bytes) -> list[str]:
    """Each page's text, NFC, whitespace collapsed (a wrapped cell reads as one line)."""
    return [re.sub(r"\s+", " ", nfc(page.extract_text())) for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return " ".join(pages_text(pdf))


def between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i:text.index(end, i)]


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


@pytest.fixture(scope="module")
def single(criteria):
    return evaluate_files(criteria, [SINGLE]).units[0]


@pytest.fixture(scope="module")
def area(criteria):
    return evaluate_files(criteria, [AREA])


@pytest.fixture(scope="module")
def single_pdf(criteria, single):
    return self_assessment_pdf(single, criteria)


@pytest.fixture(scope="module")
def area_pdf(criteria, area):
    return appraisal_pdf(area, criteria, load_board_config(BOARD))


def test_documents_name_the_district_column_as_the_units_map_has_it(criteria, single_pdf, area, area_pdf):
    """Before the 1 July 2025 reform "Huyện / khu vực"; after it "Khu vực" (no districts since), in each document
    that shows it."""
    after = evaluate_files(criteria, [str(ROOT / "evaluations" / "sample-area" / "units-2025.csv")])
    board = BoardConfig()
    header = "TT Mã đơn vị Đơn vị {} Tỉnh, thành phố Điểm / ngưỡng"
    before_area = text_of(render(decision_module.document(area, criteria, board), ".pdf"))
    for text in (text_of(area_pdf), before_area):
        assert header.format("Huyện / khu vực") in text
    assert "Mã đơn vị hành chính 09652 Huyện / khu vực Huyện Ba Vì" in text_of(single_pdf)
    for text in (text_of(appraisal_pdf(after, criteria, board)),
                 text_of(render(decision_module.document(after, criteria, board), ".pdf"))):
        assert header.format("Khu vực") in text and "Huyện / khu vực" not in text
    own = text_of(self_assessment_pdf(after.units[0], criteria, board))
    assert "Mã đơn vị hành chính 09574 Khu vực — Tỉnh, thành phố" in own and "Huyện" not in own


# ---------------------------------------------------------------- self-assessment


def test_self_assessment_has_the_expected_vietnamese_text(single_pdf, criteria):
    text = text_of(single_pdf)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN XÃ THÁI HÒA",
        "Kết quả tự đánh giá xã, phường, thị trấn phù hợp với trẻ em năm 2024",
        "Tên đơn vị Xã Thái Hòa", "Mã đơn vị hành chính 09652", "Huyện / khu vực Huyện Ba Vì",
        "Tỉnh, thành phố Hà Nội", "Loại đơn vị Xã, phường, thị trấn còn lại", "từ 850 điểm trở lên",
        "Tổng cộng 835 1.000", "Tổng điểm 835 / 1.000 điểm", "Còn thiếu 15 điểm",
        "KHÔNG ĐẠT CHUẨN xã, phường, thị trấn phù hợp với trẻ em",
        "Tổng điểm 835 thấp hơn ngưỡng 850 của loại đơn vị: thiếu 15 điểm",
        # a gap, in words, with the input's label and the exact counts
        "Số hoạt động văn hóa, thể thao tổ chức cho trẻ em trong kỳ: 1 → 2 (thêm 1 hoạt động), đạt mức ≥ 2",
        # measures and bands with a decimal comma
        "0,43‰ > 0‰ và ≤ 0,5‰ 60(*) 100", "97,83% ≥ 95% và < 100% 30(*) 50",
        "NGƯỜI LẬP BIỂU", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "(Ký tên, đóng dấu)",
    ]:
        assert expected in text, expected
    assert "giảm 1 trẻ em" not in text  # past abuse cases are never a number to report lower
    for criterion in criteria.criteria:
        assert f"{criterion.number} {criterion.name.vi}" in text, criterion.name.vi
        for indicator in criterion.indicators:
            assert indicator.name.vi in text, indicator.name.vi


def test_provisional_bands_get_one_footnote_in_plain_words(single_pdf, single):
    text = text_of(single_pdf)
    assert len(single.provisional) == 15
    assert text.count("(*) Kết quả trên có dùng mức chấm điểm tạm tính") == 1
    footnote = between(text, "(*) Kết quả trên có dùng mức chấm điểm tạm tính", "NGƯỜI LẬP BIỂU")
    names = {ind.id: ind.name.vi for c in single.criteria for ind in c.indicators}
    for use in single.provisional:
        assert names[use.indicator] in footnote, use
    assert "provisional" not in footnote and "_" not in footnote  # no status or field codes


def test_gaps_come_worst_first(single):
    order = [g.indicator for g in gaps_worst_first(single.gaps)]
    # alone enough to be recognised first, by points gained; then the rest (8b: +10, not enough).
    # Criterion 3 counts past abuse cases: explained, never a gap to close.
    assert order == ["2", "12b", "8a", "10a", "10b", "10c", "8b"]


def test_gap_table_follows_that_order(single_pdf):
    # Section numbers follow the parts a unit has (a plan adds one): find the sections by their titles.
    section = between(text_of(single_pdf), "CÁC ĐIỂM CẦN KHẮC PHỤC", "SỐ LIỆU CÒN THIẾU")
    positions = [section.index(f"{i}. Tỷ") for i in ["2", "8a", "10a", "10b", "10c", "8b"]]
    assert positions == sorted(positions)


def test_page_numbers(single_pdf):
    pages = pages_text(single_pdf)
    for number, text in enumerate(pages, 1):
        assert f"Trang {number}/{len(pages)}" in text


def test_incomplete_and_invalid_units(criteria, area):
    by_code = {u.unit_code: u for u in area.units}
    incomplete = text_of(self_assessment_pdf(by_code["09610"], criteria))
    missing = between(incomplete, "SỐ LIỆU CÒN THIẾU", "ĐỀ NGHỊ")
    assert "Số trẻ em được khám sức khỏe định kỳ 9" in missing
    assert "checkup_done" not in incomplete
    assert "Tổng cộng (số liệu chưa đầy đủ) (950)" in incomplete
    assert "CHƯA KẾT LUẬN ĐƯỢC: thiếu dữ liệu" in incomplete
    invalid = text_of(self_assessment_pdf(by_code["09697"], criteria))
    assert "CHƯA KẾT LUẬN ĐƯỢC: dữ liệu không hợp lệ" in invalid
    problems = between(invalid, "SỐ LIỆU CÒN THIẾU", "ĐỀ NGHỊ")
    assert "Số trẻ em được đăng ký khai sinh đúng quy định = 64 lớn hơn Số trẻ em sinh ra trong kỳ = 62" in problems
    assert "births_registered" not in invalid and "units.csv" not in invalid


def test_text_is_nfc_and_markup_is_escaped(criteria, tmp_path):
    decomposed = unicodedata.normalize("NFD", "Xã Hòa & <Sơn>")
    assert decomposed != nfc(decomposed)
    source = Path(SINGLE).read_text(encoding="utf-8").replace("unit_name: Xã Thái Hòa", f'unit_name: "{decomposed}"')
    path = tmp_path / "nfd.yaml"
    path.write_text(source, encoding="utf-8")
    unit = evaluate_files(criteria, [path]).units[0]
    raw = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(self_assessment_pdf(unit, criteria))).pages)
    assert "Xã Hòa & <Sơn>" in raw  # composed characters in the PDF itself, not only after normalising
    assert "o\u0300" not in raw


# ---------------------------------------------------------------- appraisal


def test_appraisal_has_every_unit_and_the_board_names(area_pdf, area):
    text = text_of(area_pdf)
    for expected in [
        "BÁO CÁO THẨM ĐỊNH", "ỦY BAN NHÂN DÂN THỊ XÃ SƠN TÂY", "PHÒNG VĂN HÓA - XÃ HỘI",
        "Kính gửi: Ủy ban nhân dân thị xã Sơn Tây.", "Địa bàn: Thị xã Sơn Tây, Hà Nội",
        "Số đơn vị thẩm định 15", "Đề nghị công nhận (đạt chuẩn) (*) 7 (46,7%)",
        "Tiêu chí đạt 0 điểm tiêu chí 3: 1 đơn vị; tiêu chí 5: 1 đơn vị",
        # the sample's units are in two districts, so each row names its area
        "6 09598 Xã Xuân Sơn Thị xã Sơn Tây, Hà Nội 880 850 3 Không đạt",
        "8 09610 Xã Kim Sơn Thị xã Sơn Tây, Hà Nội (950) 850 — Thiếu dữ liệu",
        "TRƯỞNG PHÒNG", "Nơi nhận: - Ủy ban nhân dân thị xã Sơn Tây; - Lưu: VT.",
        "7 đơn vị đạt đủ 13 tiêu chí",
    ]:
        assert expected in text, expected
    summary = between(text, "II. BẢNG TỔNG HỢP KẾT QUẢ", "III. DANH SÁCH")
    for unit in area.units:
        assert f"{unit.unit_code} {unit.unit_name}" in summary


def test_appraisal_lists(area_pdf, area, criteria):
    text = text_of(area_pdf)
    proposed = between(text, "III. DANH SÁCH ĐỀ NGHỊ CÔNG NHẬN", "IV. DANH SÁCH")
    rejected = between(text, "IV. DANH SÁCH KHÔNG ĐẠT CHUẨN VÀ LÝ DO", "V. CÁC VẤN ĐỀ")
    problems = between(text, "V. CÁC VẤN ĐỀ VỀ SỐ LIỆU", "VI. KẾT QUẢ ĐẠT ĐƯỢC")
    decision = text_of(render(decision_module.document(area, criteria, load_board_config(BOARD)), ".pdf"))
    decision = decision[decision.index("Điều 1."):]
    for unit in area.units:
        name = f"{unit.unit_code} {unit.unit_name}"
        assert (name in proposed) == (name in decision) == (unit.status == "recognized"), name
        assert (name in rejected) == (unit.status == "not_recognized"), name
        assert (name in problems) == (unit.status in ("incomplete", "invalid")), name
        if unit.status == "recognized":
            assert f"{name} {unit.district} Hà Nội {unit.total}/{unit.threshold}" in proposed
        for reason in unit.reasons if unit.status == "not_recognized" else []:
            assert reason.message.vi in rejected
    assert "Tiêu chí 3 (Trẻ em bị xâm hại) đạt 0 điểm" in rejected
    assert "thiếu Số trẻ em được khám sức khỏe định kỳ" in problems and "checkup_done" not in problems
    assert "Số trẻ em 5 tuổi đi học mẫu giáo = '98,5'" in problems and "age5_in_preschool" not in problems
    assert ("Số trẻ em được đăng ký khai sinh đúng quy định = 64 lớn hơn Số trẻ em sinh ra trong kỳ = 62" in problems
            and "births_registered" not in problems)
    assert "units.csv" not in text  # no machine paths in the body


def test_appraisal_without_names_prints_placeholders(criteria, area):
    text = text_of(appraisal_pdf(area, criteria))
    for name in ("reviewing_office", "authority", "place"):
        assert PLACEHOLDERS[name].upper() in text or PLACEHOLDERS[name] in text, name
    assert "[Cơ quan thẩm định]" in text and "[CƠ QUAN THẨM ĐỊNH]" in text
    assert "Địa bàn: Hà Nội" in text  # inferred: the units' common province (they are in two districts)
    assert "năm 2024" in text


def test_board_config(tmp_path):
    assert load_board_config(BOARD).authority == "Ủy ban nhân dân thị xã Sơn Tây"
    merged = load_board_config(BOARD).merged(authority="Ủy ban nhân dân tỉnh X", area=None, period=" ")
    assert merged.authority == "Ủy ban nhân dân tỉnh X" and merged.period == "2024"
    assert BoardConfig().get("reviewing_office") == "[Cơ quan thẩm định]"
    bad = tmp_path / "bad.yaml"
    bad.write_text("reviewing_ofice: Phòng X\n", encoding="utf-8")
    with pytest.raises(BoardConfigError, match="reviewing_ofice: unknown key"):
        load_board_config(bad)
    year = tmp_path / "year.yaml"
    year.write_text("period: 2024\n", encoding="utf-8")
    assert load_board_config(year).period == "2024"


def _write_units(path: Path, count: int) -> None:
    """`count` units made from the sample area's rows: new codes, numbered names, three districts."""
    with open(AREA, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    districts = ["Thị xã Đoài Sơn", "Huyện Mỹ Đức", "Huyện Ứng Hòa"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for i in range(count):
            row = dict(rows[i % len(rows)])
            row.update(unit_code=f"{30000 + i}", unit_name=f"{row['unit_name']} {i // len(rows) + 1}",
                       district=districts[i % len(districts)])
            if row["children_injured"]:
                row["children_injured"] = str(int(row["children_injured"]) + (i // len(rows)) % 2)
            writer.writerow(row)


def test_500_unit_appraisal_renders(criteria, tmp_path):
    path = tmp_path / "units-500.csv"
    _write_units(path, 500)
    batch = evaluate_files(criteria, [path])
    pdf = appraisal_pdf(batch, criteria, BoardConfig(reviewing_office="Phòng Y tế"))
    assert len(batch.units) == 500
    pages = pages_text(pdf)
    assert len(pages) > 20
    assert f"Trang {len(pages)}/{len(pages)}" in pages[-1]
    text = " ".join(pages)
    assert "500 30499 Xã Đường Lâm 34 Huyện Mỹ Đức, Hà Nội" in text  # several districts: shown under the name
    assert "Địa bàn: Hà Nội" in text  # three districts, one province
    # the summary table runs over many pages, its header row repeated on each
    summary_pages = [p for p in pages if "Tổng điểm Ngưỡng Tiêu chí 0 điểm Kết quả" in p]
    assert len(summary_pages) >= 10


# ---------------------------------------------------------------- font and bytes


def _fonts(pdf: bytes) -> dict[str, bool]:
    """Every font the PDF's pages use → whether its TrueType program is embedded (FontFile2)."""
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            fonts[str(font["/BaseFont"])] = descriptor is not None and "/FontFile2" in descriptor.get_object()
    return fonts


@pytest.mark.parametrize("which", ["single_pdf", "area_pdf"])
def test_font_is_embedded(which, request):
    fonts = _fonts(request.getfixturevalue(which))
    assert {re.sub(r"^[A-Z]{6}\+", "", name.lstrip("/")) for name in fonts} >= {
        "LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}
    assert all(re.fullmatch(r"/[A-Z]{6}\+LiberationSerif(-Bold|-Italic|-BoldItalic)?", name) for name in fonts), fonts
    assert all(fonts.values()), fonts


@pytest.mark.parametrize("which", ["single_pdf", "area_pdf"])
def test_every_character_has_a_glyph(which, request, criteria):
    text = text_of(request.getfixturevalue(which))
    labels = " ".join(t.vi for t in [c.name for c in criteria.criteria] + [i.name for _, i in criteria.indicators]
                      + [i.label for i in criteria.inputs] + [c.label for c in criteria.categories])
    for font in (REGULAR, BOLD, ITALIC, BOLD_ITALIC):
        assert missing_glyphs(text + labels, font) == set()


def test_identical_input_gives_identical_bytes(criteria, single, area, single_pdf, area_pdf, tmp_path):
    assert self_assessment_pdf(single, criteria) == single_pdf
    assert appraisal_pdf(area, criteria, load_board_config(BOARD)) == area_pdf
    # another process (other hash seed, fresh font registration) gives the same bytes too
    out = tmp_path / "sa.pdf"
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "report", "self-assessment", SINGLE, "-o", str(out)],
                   check=True, cwd=ROOT, capture_output=True)
    assert out.read_bytes() == single_pdf
    assert b"/CreationDate" not in single_pdf or b"D:20000101000000" in single_pdf


# ---------------------------------------------------------------- command line


def test_cli_self_assessment(tmp_path):
    runner = CliRunner()
    out = tmp_path / "out.pdf"
    result = runner.invoke(main, ["report", "self-assessment", AREA, "--unit", "09598", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Xã Xuân Sơn" in text_of(out.read_bytes())
    result = runner.invoke(main, ["report", "self-assessment", AREA, "-o", str(out)])
    assert result.exit_code == 2 and "có 15 đơn vị" in result.output
    result = runner.invoke(main, ["report", "self-assessment", AREA, "--unit", "nope", "-o", str(out)])
    assert result.exit_code == 2 and "không có đơn vị 'nope'" in result.output
    result = runner.invoke(main, ["report", "self-assessment", AREA, "--unit", "09613", "-o", str(out)])
    assert result.exit_code == 1  # written, but the unit's data is invalid
    result = runner.invoke(main, ["report", "self-assessment", str(tmp_path / "missing.csv"), "-o", str(out)])
    assert result.exit_code == 2


def test_cli_appraisal(tmp_path):
    runner = CliRunner()
    out = tmp_path / "appraisal.pdf"
    result = runner.invoke(main, ["report", "appraisal", AREA, SINGLE, "-o", str(out), "--config", BOARD,
                                  "--reviewing-office", "Phòng Y tế", "--period", "6 tháng đầu năm 2024"])
    assert result.exit_code == 1, result.output  # two sample units are invalid on purpose
    text = text_of(out.read_bytes())
    assert "PHÒNG Y TẾ" in text and "Phòng Văn hóa - Xã hội" not in text
    assert "kỳ 6 tháng đầu năm 2024" in text and "Số đơn vị thẩm định 16" in text
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a list\n", encoding="utf-8")
    result = runner.invoke(main, ["report", "appraisal", AREA, "-o", str(out), "--config", str(bad)])
    assert result.exit_code == 2
    result = runner.invoke(main, ["report", "appraisal", AREA, "-o", str(tmp_path / "units.csv.pdf"), AREA])
    assert result.exit_code == 1
    copy = tmp_path / "units.pdf"
    copy.write_bytes(Path(AREA).read_bytes())
    result = runner.invoke(main, ["report", "appraisal", str(copy), "-o", str(copy)])
    assert result.exit_code == 2 and "không ghi đè" in result.output


def test_recognised_unit_self_assessment(criteria, area):
    unit = next(u for u in area.units if u.unit_code == "09694")
    text = text_of(self_assessment_pdf(unit, criteria))
    assert "Kết luận ĐẠT CHUẨN xã, phường, thị trấn phù hợp với trẻ em" in text
    assert "IV. CÁC CHỈ TIÊU CHƯA ĐẠT ĐIỂM TỐI ĐA (ĐỂ NÂNG ĐIỂM)" in text
    assert "Loại đơn vị Xã, thị trấn thuộc miền núi, hải đảo; xã đặc biệt khó khăn" in text
    assert "Tổng cộng 835 1.000" in text


# ---------------------------------------------------------------- provincial summary


@pytest.fixture(scope="module")
def results_json(tmp_path_factory):
    path = tmp_path_factory.mktemp("results") / "results.json"
    result = CliRunner().invoke(main, ["evaluate", AREA, "--format", "json", "-o", str(path)])
    assert result.exit_code == 1 and path.exists(), result.output  # two sample units are invalid on purpose
    return path


def test_provincial_summary(criteria, results_json, tmp_path):
    pytest.importorskip("pandas")
    from engine.aggregate import load_results, summarise
    from engine.reports.summary import document

    def summary_pdf(summary, criteria, board):
        return render(document(summary, criteria, board), ".pdf")

    summary = summarise(load_results([results_json], criteria), criteria, "district", sources=["results.json"])
    board = load_board_config(BOARD)
    pdf = summary_pdf(summary, criteria, board)
    text = text_of(pdf)
    for expected in [
        "SỞ Y TẾ", "Kính gửi: Bộ Y tế.", "Kết quả xây dựng xã, phường, thị trấn phù hợp với trẻ em năm 2024",
        "Số đơn vị được đánh giá 15", "Đạt chuẩn 7 (46,67%)",
        "2024 Huyện Ba Vì (Hà Nội) 5 2 2 0 1 40,00%", "2024 Thị xã Sơn Tây (Hà Nội) 10 5 3 1 1 50,00%",
        "2024 Tổng cộng 15 7 5 1 2 46,67%",
        # 2024: no national target is due yet (65% by 2025), so the period is named, not compared
        "III. SO VỚI MỤC TIÊU QUỐC GIA", "Kỳ 2024: chưa đến hạn mục tiêu đầu tiên (65% vào năm 2025)",
        "IV. CÁC TIÊU CHÍ KHÔNG ĐẠT NHIỀU NHẤT", "Trẻ em bị xâm hại 1 (8,33%)", "Trẻ em bị tai nạn, thương tích 1 (8,33%)",
        "VII. KẾT QUẢ ĐẠT ĐƯỢC, KHÓ KHĂN, BẤT CẬP", "1. Kết quả đạt được", "2. Khó khăn, bất cập", "GIÁM ĐỐC",
    ]:
        assert expected in text, expected
    pages = PdfReader(io.BytesIO(pdf)).pages
    images = [x for page in pages for x in page["/Resources"].get("/XObject", {}).values()
              if x.get_object()["/Subtype"] == "/Image"]
    assert len(images) == 2  # the recognition-rate chart and the criteria chart
    assert all(_fonts(pdf).values())
    assert summary_pdf(summarise(load_results([results_json], criteria), criteria, "district",
                                 sources=["results.json"]), criteria, board) == pdf

    out = tmp_path / "summary.pdf"
    result = CliRunner().invoke(main, ["report", "summary", str(results_json), "-o", str(out),
                                       "--recipient", "Bộ Y tế", "--issuer", "Sở Y tế tỉnh X"])
    assert result.exit_code == 0, result.output
    text = text_of(out.read_bytes())
    assert "SỞ Y TẾ TỈNH X" in text and "[Chức danh người ký]".upper() in text
    result = CliRunner().invoke(main, ["report", "summary", AREA, "-o", str(out)])
    assert result.exit_code == 2 and "không phải tệp kết quả" in result.output  # Vietnamese by default
