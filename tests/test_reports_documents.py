"""The documents as an official receives them: the parts Nghị định 30/2020 requires, the draft decision, the
watermark on invalid data, the annex derived from the criteria file, .docx with the same content, documents
for any unit (blank, N/A, a 1,500-character name), and the provincial summary for 2 periods and 63 provinces."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from cli import main
from engine.reports import FormatError, appraisal, decision, output_format, render, self_assessment
from engine.reports.board import load_board_config
from engine.reports.document import WATERMARK_INVALID
from engine.results.model import Plan, PlanBlock, PlanChange
from engine.criteria.model import load_criteria
from engine.api import evaluate_files
from engine.text import Text

ROOT = Path(__file__).resolve().parent.parent
SINGLE = str(ROOT / "evaluations" / "single-unit.yaml")
AREA = str(ROOT / "evaluations" / "sample-area" / "units.csv")
BOARD = str(ROOT / "evaluations" / "board-config.example.yaml")
FOURTEEN = str(ROOT / "tests" / "fixtures" / "criteria" / "with-14th-criterion.yaml")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def pdf_pages(data: bytes) -> list[str]:
    return [squash(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def docx_text(data: bytes) -> str:
    """Body paragraphs, every table cell (nested too), and the page header."""
    document = docx.Document(io.BytesIO(data))
    parts = []

    def walk(container):
        for block in container.iter_inner_content():
            if isinstance(block, docx.table.Table):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                parts.append(block.text)

    walk(document)
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return squash(" ".join(parts))


def docx_header(data: bytes) -> str:
    return " ".join(p.text for s in docx.Document(io.BytesIO(data)).sections for p in s.header.paragraphs).strip()


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


@pytest.fixture(scope="module")
def board():
    return load_board_config(BOARD)


@pytest.fixture(scope="module")
def area(criteria):
    return evaluate_files(criteria, [AREA])


@pytest.fixture(scope="module")
def single(criteria):
    return evaluate_files(criteria, [SINGLE]).units[0]


def _valid_only(area):
    return replace(area, units=[u for u in area.units if u.status != "invalid"])


# ---------------------------------------------------------------- the parts of an administrative document

COMMON = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: ........", "ngày ...... tháng",
          "Nơi nhận:", "Lưu: VT."]


@pytest.mark.parametrize("fmt", [".pdf", ".docx"])
def test_every_document_has_the_required_parts(criteria, board, area, single, fmt):
    documents = {
        "self": self_assessment.document(single, criteria, board),
        "appraisal": appraisal.document(area, criteria, board),
        "decision": decision.document(area, criteria, board),
    }
    for name, doc in documents.items():
        data = render(doc, fmt)
        text = " ".join(pdf_pages(data)) if fmt == ".pdf" else docx_text(data)
        for part in COMMON:
            assert part in text, (name, part)
    self_text = (" ".join(pdf_pages(render(documents["self"], fmt))) if fmt == ".pdf"
                 else docx_text(render(documents["self"], fmt)))
    for part in ["ỦY BAN NHÂN DÂN XÃ THÁI HÒA", "Kính gửi: Phòng Văn hóa - Xã hội.", "NGƯỜI LẬP BIỂU",
                 "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Xã Thái Hòa chưa đủ điều kiện đề nghị công nhận",
                 "- Phòng Văn hóa - Xã hội;"]:
        assert part in self_text, part
    assert "single-unit.yaml" not in self_text and "/" + "work" not in self_text  # no machine paths


def test_tieu_ngu_is_underlined_in_docx(criteria, single):
    document = docx.Document(io.BytesIO(render(self_assessment.document(single, criteria), ".docx")))
    runs = [r for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs
            if r.text == "Độc lập - Tự do - Hạnh phúc"]
    assert runs and all(r.underline and r.bold for r in runs)


def test_self_assessment_proposes_recognition_when_recognised(criteria, board, area):
    unit = next(u for u in area.units if u.status == "recognized")
    text = " ".join(pdf_pages(render(self_assessment.document(unit, criteria, board), ".pdf")))
    assert (f"Ủy ban nhân dân {unit.unit_name} đề nghị Phòng Văn hóa - Xã hội thẩm định, trình Ủy ban nhân dân thị "
            f"xã Sơn Tây xem xét, công nhận {unit.unit_name} đạt chuẩn") in text


def test_self_assessment_footer_has_a_checksum_not_a_path(criteria, single):
    pages = pdf_pages(render(self_assessment.document(single, criteria), ".pdf"))
    codes = {m.group(1) for page in pages for m in [re.search(r"mã số liệu ([0-9a-f]{10})", page)] if m}
    assert len(codes) == 1  # on every page, the same code
    assert all("mã số liệu" in page for page in pages)


# ---------------------------------------------------------------- draft decision


@pytest.mark.parametrize("fmt", [".pdf", ".docx"])
def test_decision_lists_only_recognised_units_with_legal_bases_and_articles(criteria, board, area, fmt):
    data = render(decision.document(area, criteria, board), fmt)
    text = " ".join(pdf_pages(data)) if fmt == ".pdf" else docx_text(data)
    for part in ["DỰ THẢO", "QUYẾT ĐỊNH", "Về việc công nhận xã, phường, thị trấn phù hợp với trẻ em năm 2024",
                 "CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ SƠN TÂY",
                 "Căn cứ Luật Tổ chức chính quyền địa phương", "Căn cứ Luật Trẻ em ngày 05 tháng 4 năm 2016;",
                 "Căn cứ Quyết định 06/QĐ-TTg ngày 03/01/2019 của Thủ tướng Chính phủ",
                 "Căn cứ Báo cáo thẩm định số", "của Phòng Văn hóa - Xã hội;", "Theo đề nghị của Phòng Văn hóa - Xã hội.",
                 "QUYẾT ĐỊNH:", "Điều 1. Công nhận 7 xã, phường, thị trấn", "Điều 2. Quyết định này có hiệu lực",
                 "Điều 3.", "Như Điều 3;"]:
        assert part in text, part
    assert text.index("Điều 1.") < text.index("Điều 2.") < text.index("Điều 3.") < text.index("Nơi nhận:")
    for unit in area.units:
        assert (unit.unit_name in text) == (unit.status == "recognized"), unit.unit_name


def test_decision_without_recognised_units(criteria, area):
    none = replace(area, units=[u for u in area.units if u.status == "not_recognized"])
    text = " ".join(pdf_pages(render(decision.document(none, criteria), ".pdf")))
    assert "Điều 1. (Không có đơn vị nào đủ điều kiện công nhận.)" in text
    assert "[CƠ QUAN CÓ THẨM QUYỀN CÔNG NHẬN]" in text and WATERMARK_INVALID not in text


def test_cli_decision_pdf_and_docx(tmp_path):
    runner = CliRunner()
    for name in ("quyet-dinh.pdf", "quyet-dinh.docx"):
        out = tmp_path / name
        result = runner.invoke(main, ["report", "decision", AREA, "-o", str(out), "--config", BOARD])
        assert result.exit_code == 1, result.output  # written; two sample units have invalid data
        assert "7 đơn vị được công nhận" in result.output
        data = out.read_bytes()
        text = " ".join(pdf_pages(data)) if name.endswith(".pdf") else docx_text(data)
        assert "Điều 1. Công nhận 7 xã" in text and WATERMARK_INVALID in text
    result = runner.invoke(main, ["report", "decision", AREA, "-o", str(tmp_path / "quyet-dinh.txt")])
    assert result.exit_code == 2 and ".pdf hoặc .docx" in result.output
    assert not (tmp_path / "quyet-dinh.txt").exists()


def test_output_format_by_extension(tmp_path):
    assert output_format("a.PDF") == ".pdf" and output_format(tmp_path / "b.docx") == ".docx"
    with pytest.raises(FormatError):
        output_format("c.doc")


# ---------------------------------------------------------------- watermark and footnote


@pytest.mark.parametrize("fmt", [".pdf", ".docx"])
def test_watermark_iff_data_has_errors(criteria, board, area, fmt):
    valid = _valid_only(area)
    invalid_unit = next(u for u in area.units if u.status == "invalid")
    good_unit = next(u for u in area.units if u.status == "not_recognized")
    cases = [
        (appraisal.document(area, criteria, board), True),
        (appraisal.document(valid, criteria, board), False),
        (decision.document(area, criteria, board), True),
        (decision.document(valid, criteria, board), False),
        (self_assessment.document(invalid_unit, criteria, board), True),
        (self_assessment.document(good_unit, criteria, board), False),
    ]
    for doc, marked in cases:
        data = render(doc, fmt)
        if fmt == ".pdf":
            pages = pdf_pages(data)
            assert all((WATERMARK_INVALID in page) == marked for page in pages), doc.title
        else:
            assert (docx_header(data) == WATERMARK_INVALID) == marked, doc.title
            assert (docx_header(data) == "") == (not marked)


def test_one_footnote_for_provisional_bands_in_the_appraisal_none_in_the_decision(criteria, board, area):
    for fmt in (".pdf", ".docx"):
        data = render(appraisal.document(area, criteria, board), fmt)
        text = " ".join(pdf_pages(data)) if fmt == ".pdf" else docx_text(data)
        assert text.count("có dùng mức chấm điểm tạm tính (chưa đối chiếu được với văn bản gốc)") == 1
        assert text.count("(*)") == 2  # the mark in the text and the footnote's own
        assert "Đề nghị công nhận (đạt chuẩn) (*)" in text
        assert "provisional" not in text and "TẠM TÍNH" not in text
        # The draft decision is a legal act: it carries no footnote (the appraisal it rests on does).
        data = render(decision.document(area, criteria, board), fmt)
        text = " ".join(pdf_pages(data)) if fmt == ".pdf" else docx_text(data)
        assert "tạm tính" not in text and "(*)" not in text


def test_no_footnote_when_nothing_rests_on_provisional_bands(criteria, area):
    units = [replace(u, provisional=[]) for u in area.units if u.status == "recognized"]
    batch = replace(area, units=units)
    text = " ".join(pdf_pages(render(appraisal.document(batch, criteria), ".pdf")))
    assert "tạm tính" not in text and "(*)" not in text


# ---------------------------------------------------------------- annex and results/difficulties


def test_appraisal_annex_columns_come_from_the_criteria_file(tmp_path):
    fourteen = load_criteria(FOURTEEN)
    assert len(fourteen.criteria) == 14
    batch = evaluate_files(fourteen, [AREA])
    for fmt in (".pdf", ".docx"):
        data = render(appraisal.document(batch, fourteen), fmt)
        text = " ".join(pdf_pages(data)) if fmt == ".pdf" else docx_text(data)
        annex = text[text.index("PHỤ LỤC"):]
        assert all(f"TC {n}" in annex for n in range(1, 15)) and "TC 15" not in annex
        assert "đạt đủ 14 tiêu chí" in text or "0 đơn vị" in text
        assert "tổng 1.050 điểm" in annex
        for unit in batch.units:
            assert unit.unit_name in annex
    document = docx.Document(io.BytesIO(render(appraisal.document(batch, fourteen), ".docx")))
    annex_table = document.tables[-1]
    assert len(annex_table.columns) == 2 + 14 + 2
    assert [c.text for c in annex_table.rows[0].cells][2:16] == [f"TC {n}" for n in range(1, 15)]


def test_appraisal_results_and_difficulties_from_the_data(criteria, board, area):
    for fmt in (".pdf", ".docx"):
        data = render(appraisal.document(area, criteria, board), fmt)
        text = " ".join(pdf_pages(data)) if fmt == ".pdf" else docx_text(data)
        section = text[text.index("VI. KẾT QUẢ ĐẠT ĐƯỢC, KHÓ KHĂN, BẤT CẬP"):text.index("VII. ĐỀ XUẤT")]
        assert "7/15 đơn vị (46,7%) đạt đủ 13 tiêu chí" in section
        assert "Tiêu chí đạt 0 điểm nhiều nhất: tiêu chí 3 (Trẻ em bị xâm hại) (1 đơn vị)" in section
        assert "Số liệu còn thiếu nhiều nhất: Số trẻ em được khám sức khỏe định kỳ (1 đơn vị)" in section
        assert "Số trẻ em 5 tuổi đi học mẫu giáo" in section  # invalid input, by its label
        assert "mục tiêu" not in section  # 2024: no national target is due yet (65% by 2025)
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", section), "a field code in the section"
    # The same units a year later are measured against the target due in 2025.
    later = replace(area, units=[replace(u, period="2025") for u in area.units])
    text = " ".join(pdf_pages(render(appraisal.document(later, criteria, board), ".pdf")))
    assert "so với mục tiêu 65% vào năm 2025: Huyện Ba Vì (40,0%); Thị xã Sơn Tây (50,0%)" in text


# ---------------------------------------------------------------- any unit renders


def _unit_rows(path: Path, rows: list[dict]) -> None:
    with open(AREA, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in header})


@pytest.fixture(scope="module")
def odd_units(criteria, tmp_path_factory):
    with open(AREA, encoding="utf-8", newline="") as handle:
        good = next(csv.DictReader(handle))
    fixed = ("unit_code", "unit_name", "district", "province", "period", "category")
    long_name = "Xã " + " ".join(["Hòa Sơn Thượng Nguyễn"] * 70) + " X" * 40
    long_name = (long_name + " Kết") [:1500]
    rows = [
        {"unit_code": "70001", "unit_name": "Xã Trống Trơn"},  # every input blank
        {**{k: "N/A" for k in good}, "unit_code": "70002", "unit_name": "Xã Không Áp Dụng"},
        {**good, "unit_code": "70003", "unit_name": long_name, "district": "Huyện " + "Dài " * 200},
        {k: "" for k in fixed},  # nothing at all but a row
    ]
    path = tmp_path_factory.mktemp("odd") / "odd.csv"
    _unit_rows(path, rows)
    batch = evaluate_files(criteria, [path])
    return batch, long_name


def test_documents_render_for_any_unit(criteria, odd_units):
    batch, long_name = odd_units
    assert len(batch.units) >= 3
    for unit in batch.units:
        for fmt in (".pdf", ".docx"):
            data = render(self_assessment.document(unit, criteria), fmt)
            text = " ".join(pdf_pages(data)) if fmt == ".pdf" else docx_text(data)
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "NGƯỜI LẬP BIỂU" in text
            assert (WATERMARK_INVALID in text) == (unit.status == "invalid")
    for module in (appraisal, decision):
        for fmt in (".pdf", ".docx"):
            assert render(module.document(batch, criteria), fmt)
    long_unit = next(u for u in batch.units if u.unit_code == "70003")
    text = " ".join(pdf_pages(render(self_assessment.document(long_unit, criteria), ".pdf")))
    assert squash(long_name) in text.replace("- ", "-")  # wrapped, never cut


# ---------------------------------------------------------------- the improvement plan


def test_plan_section_when_the_result_carries_one(criteria, single):
    change = PlanChange(input="activities_held", label=Text(vi="Số hoạt động văn hóa, thể thao", en="Activities"),
                        from_=1, to=2, points=25, criterion=12, indicator="12b")
    switch = PlanChange(input="play_place", label=Text(vi="Có điểm vui chơi", en="Play place"), from_=False,
                        to=True, points=10, criterion=12, indicator="12a")
    block = PlanBlock(criterion=3, indicator="3", reason=Text(vi="số vụ đã xảy ra không thay đổi được", en="x"))
    reaching = replace(single, plan=Plan(reaches_recognition=True, changes=[change, switch],
                                       blocked_by=[]))
    text = " ".join(pdf_pages(render(self_assessment.document(reaching, criteria), ".pdf")))
    section = text[text.index("KẾ HOẠCH ĐỂ ĐẠT CHUẨN"):text.index("SỐ LIỆU CÒN THIẾU")]
    assert "thì đơn vị đạt chuẩn" in section
    assert "Số hoạt động văn hóa, thể thao: 1 → 2 +25" in section and "Có điểm vui chơi: không → có +10" in section
    blocked = replace(single, plan=Plan(reaches_recognition=False, changes=[], blocked_by=[block]))
    text = " ".join(pdf_pages(render(self_assessment.document(blocked, criteria), ".pdf")))
    assert "Tiêu chí 3, chỉ tiêu 3: số vụ đã xảy ra không thay đổi được" in text
    without = replace(single, plan=None)
    assert "KẾ HOẠCH" not in " ".join(pdf_pages(render(self_assessment.document(without, criteria), ".pdf")))


# ---------------------------------------------------------------- bytes


def test_docx_is_deterministic_and_dated_fixed(criteria, board, area, single):
    for doc in (self_assessment.document(single, criteria, board), appraisal.document(area, criteria, board)):
        first, second = render(doc, ".docx"), render(doc, ".docx")
        assert first == second
        with zipfile.ZipFile(io.BytesIO(first)) as archive:
            assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        props = docx.Document(io.BytesIO(first)).core_properties
        assert props.created.year == 2000 and props.modified.year == 2000


# ---------------------------------------------------------------- provincial summary at scale


@pytest.fixture(scope="module")
def national_results(criteria, tmp_path_factory):
    """63 provinces × 2 units × 2 periods, scored by `cfc evaluate`."""
    with open(AREA, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    units = []
    for period in ("2023", "2024"):
        for p in range(63):
            for k in range(2):
                row = dict(rows[(p + k + (period == "2024")) % len(rows)])
                row.update(unit_code=f"{p:02d}{k}{period[-1]}", unit_name=f"Xã Số {k} tỉnh {p + 1}",
                           province=f"Tỉnh Thử Nghiệm {p + 1:02d}", district=f"Huyện {k}", period=period)
                units.append(row)
    folder = tmp_path_factory.mktemp("national")
    _unit_rows(folder / "units.csv", units)
    out = folder / "results.json"
    result = CliRunner().invoke(main, ["evaluate", str(folder / "units.csv"), "--format", "json", "-o", str(out)])
    assert out.exists(), result.output
    return out


def test_summary_for_two_periods_and_63_provinces(criteria, national_results, tmp_path):
    for name in ("tong-hop.pdf", "tong-hop.docx"):
        out = tmp_path / name
        result = CliRunner().invoke(main, ["report", "summary", str(national_results), "-o", str(out),
                                           "--config", BOARD, "--area", "Toàn quốc"])
        assert result.exit_code == 0, result.output
        data = out.read_bytes()
        text = " ".join(pdf_pages(data)) if name.endswith(".pdf") else docx_text(data)
        assert "Tỉnh Thử Nghiệm 63" in text and "VI. SO VỚI KỲ TRƯỚC" in text and "2023 → 2024" in text
        assert "1. Kết quả đạt được" in text and "2. Khó khăn, bất cập" in text
        assert "So với kỳ 2023, tỷ lệ đạt chuẩn" in text
        assert re.search(r"\d+,\d{2}%", text) and not re.search(r"\d+\.\d{2}%", text)  # decimal comma
        assert WATERMARK_INVALID in text  # the sample rows include units with invalid data
    # 63 areas: three recognition charts of at most 25 areas (each fits a page), then the criteria chart
    assert _images(tmp_path / "tong-hop.pdf") == 4
    # One row per area and period (2023 and 2024 are measured against no target yet: none is due before 2025),
    # and nothing twice: 19 pages before issue 23, 12 now.
    pages = pdf_pages((tmp_path / "tong-hop.pdf").read_bytes())
    assert len(pages) <= 12, len(pages)
    assert "Các kỳ 2023, 2024: chưa đến hạn mục tiêu đầu tiên (65% vào năm 2025)" in " ".join(pages)
    assert len(docx.Document(tmp_path / "tong-hop.docx").inline_shapes) == 4
    out = tmp_path / "huyen.pdf"
    result = CliRunner().invoke(main, ["report", "summary", str(national_results), "-o", str(out), "--by", "district"])
    assert result.exit_code == 0, result.output
    assert "75 địa bàn có tỷ lệ đạt chuẩn thấp nhất trong 126 địa bàn" in " ".join(pdf_pages(out.read_bytes()))
    assert _images(out) == 4


def _images(path) -> int:
    """Images drawn in a PDF (soft masks are part of their image)."""
    return sum(1 for page in PdfReader(path).pages for x in page["/Resources"].get("/XObject", {}).values()
               if x.get_object()["/Subtype"] == "/Image")


# ---------------------------------------------------------------- font and signer


def _os2_family_class(program: bytes) -> int:
    """The IBM font family class (high byte of sFamilyClass in the OS/2 table) of an embedded TrueType program."""
    tables = int.from_bytes(program[4:6], "big")
    for i in range(tables):
        record = program[12 + 16 * i: 28 + 16 * i]
        if record[:4] == b"OS/2":
            offset = int.from_bytes(record[8:12], "big")
            return program[offset + 30]
    raise AssertionError("no OS/2 table")


def test_pdf_fonts_are_embedded_serif_faces(criteria, board, area):
    reader = PdfReader(io.BytesIO(render(appraisal.document(area, criteria, board), ".pdf")))
    seen = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object() \
                if "/DescendantFonts" in font else font["/FontDescriptor"].get_object()
            seen.add(re.sub(r"^/[A-Z]{6}\+", "", str(font["/BaseFont"])))
            assert "/FontFile2" in descriptor  # the TrueType program is in the file
            family_class = _os2_family_class(descriptor["/FontFile2"].get_object().get_data())
            assert 1 <= family_class <= 7, (font["/BaseFont"], family_class)  # IBM font class: serif (8 = sans)
    assert seen == {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic", "LiberationSerif-BoldItalic"}


def test_docx_names_times_new_roman(criteria, single):
    document = docx.Document(io.BytesIO(render(self_assessment.document(single, criteria), ".docx")))
    assert document.styles["Normal"].font.name == "Times New Roman"
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.left_margin.mm) == 30


def test_signer_name_under_the_signature(criteria, board, area):
    text = " ".join(pdf_pages(render(appraisal.document(area, criteria, board), ".pdf")))
    assert "TRƯỞNG PHÒNG (Ký, ghi rõ họ tên, đóng dấu) Nguyễn Văn An" in text


def test_unwritable_output_is_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    for command in (["self-assessment", SINGLE], ["appraisal", AREA], ["decision", AREA]):
        result = CliRunner().invoke(main, ["report", *command, "-o", str(blocker / "out.docx")])
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"Lỗi: không ghi được {blocker / 'out.docx'}" in result.output
    assert list(tmp_path.iterdir()) == [blocker]  # nothing half-written


def test_docx_identical_across_processes(criteria, board, single, tmp_path):
    """Another process (other hash seed) writes the same .docx bytes."""
    import subprocess
    import sys

    out = tmp_path / "tu-danh-gia.docx"
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "report", "self-assessment", SINGLE, "-o", str(out),
                    "--config", BOARD], check=True, cwd=ROOT, capture_output=True)
    assert out.read_bytes() == render(self_assessment.document(single, criteria, board), ".docx")
