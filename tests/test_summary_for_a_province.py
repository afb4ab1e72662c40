"""The summary a province reads (issue 23, item 5): one row per area and period against the national target
in force for the period (a target is due from its year: a 2023 period is not measured against the 2025
target), areas in a reader's order (numbers as numbers, Đ after D), chart text at least 8 pt on paper."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

from engine.aggregate import load_results, load_targets, summarise
from engine.aggregate.charts import DPI, MAX_HEIGHT, MIN_FONT, PRINT_WIDTH, criteria_figure, recognition_figure
from engine.aggregate.tables import PROVINCE, period_year
from engine.collation import vi_sort_key
from engine.criteria.model import load_criteria

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_aggregate import unit_json, write_json  # noqa: E402  (the results files' shape, written once)

PROVINCES = ["Tỉnh 10", "Tỉnh 2", "Tỉnh 1", "Điện Biên", "Đắk Lắk", "Dak Nông", "An Giang"]


@pytest.fixture(scope="module")
def criteria():
    return load_criteria()


def results(tmp_path: Path, periods: tuple[str, ...], provinces=PROVINCES, per_area: int = 4) -> Path:
    units = []
    for period in periods:
        for p, province in enumerate(provinces):
            for k in range(per_area):
                status = "recognized" if (k + p) % 3 else "not_recognized"
                units.append(unit_json(period, f"{p:02d}{k}{period}", province, f"Huyện {k}", "other", status,
                                       {} if status == "recognized" else {3: 0}, ()))
    return write_json(tmp_path / f"{'-'.join(periods)}.json", units)


def test_a_target_is_due_from_its_year():
    targets = load_targets()
    assert [getattr(targets.in_force(year), "year", None) for year in (2023, 2024, 2025, 2029, 2030, 2040)] == [
        None, None, 2025, 2025, 2030, 2030]
    assert targets.in_force(None) is None
    assert [period_year(p) for p in ("2024", "2025-H1", "2026-03-31", "đợt 2")] == [2024, 2025, 2026, None]


def test_one_row_per_area_and_period_against_the_target_in_force(criteria, tmp_path):
    summary = summarise(load_results([results(tmp_path, ("2024", "2025", "2031"))], criteria), criteria)
    target = summary.tables["target"]
    areas = len(PROVINCES) + 1  # and the total
    assert len(target) == 2 * areas  # 2024 is measured against nothing, 2025 and 2031 once each
    assert target.groupby(["Kỳ đánh giá", PROVINCE]).size().max() == 1
    assert dict(zip(target["Kỳ đánh giá"], target["Mục tiêu năm"])) == {"2025": 2025, "2031": 2030}
    assert set(target.loc[target["Kỳ đánh giá"] == "2031", "Mục tiêu (%)"]) == {75}
    early = summarise(load_results([results(tmp_path, ("2023", "2024"))], criteria), criteria)
    assert early.tables["target"].empty


def test_areas_in_a_readers_order(criteria, tmp_path):
    summary = summarise(load_results([results(tmp_path, ("2025",))], criteria), criteria)
    listed = [p for p in summary.tables["area"][PROVINCE] if p != "Tổng cộng"]
    assert listed == ["An Giang", "Dak Nông", "Đắk Lắk", "Điện Biên", "Tỉnh 1", "Tỉnh 2", "Tỉnh 10"]
    assert sorted(["Tỉnh 10", "Tỉnh 9", "Hà Nội", "Hà Nam", "Hải Phòng"], key=vi_sort_key) == [
        "Hà Nam", "Hà Nội", "Hải Phòng", "Tỉnh 9", "Tỉnh 10"]


def printed_scale(fig) -> float:
    """How the summary document draws the chart: its PNG placed by the PDF renderer; the printed size of one
    point of the figure."""
    from engine.reports.to_pdf import _image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    image = _image(buffer.getvalue())
    return image.drawWidth / (fig.get_figwidth() * 72)


def texts(fig) -> list:
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


@pytest.mark.parametrize("provinces", [25, 63])
def test_chart_text_is_at_least_8_points_on_paper(criteria, tmp_path, provinces):
    import matplotlib.pyplot as plt

    names = [f"Tỉnh {n}" for n in range(1, provinces + 1)]
    summary = summarise(load_results([results(tmp_path, ("2024", "2025"), names, 2)], criteria), criteria)
    for figure in (recognition_figure(summary), criteria_figure(summary)):
        figure.canvas.draw()
        scale = printed_scale(figure)
        assert 0.99 <= scale <= 1.01  # drawn at the size it prints
        assert figure.get_figwidth() == PRINT_WIDTH and figure.get_figheight() <= MAX_HEIGHT
        sizes = {t.get_fontsize() * scale for t in texts(figure)}
        assert min(sizes) >= MIN_FONT >= 8, sorted(sizes)
        plt.close(figure)


def test_the_standalone_chart_of_63_provinces_is_one_page(criteria, tmp_path):
    from engine.aggregate import aggregate

    names = [f"Tỉnh {n}" for n in range(1, 64)]
    aggregate([results(tmp_path, ("2025",), names, 1)], tmp_path / "review", criteria)
    with Image.open(tmp_path / "review" / "recognition_by_area.png") as image:
        width, height = image.size
    assert width == PRINT_WIDTH * DPI and height <= MAX_HEIGHT * DPI


def test_the_document_compares_only_the_periods_a_target_is_due_for(criteria, tmp_path):
    import re

    from pypdf import PdfReader

    from engine.reports import render
    from engine.reports.summary import document

    summary = summarise(load_results([results(tmp_path, ("2024", "2025"))], criteria), criteria)
    pdf = render(document(summary, criteria), ".pdf")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert "Kỳ 2024: chưa đến hạn mục tiêu đầu tiên (65% vào năm 2025) nên chưa so sánh" in text
    section = text.split("III. SO VỚI MỤC TIÊU QUỐC GIA")[1].split("IV. CÁC TIÊU CHÍ")[0]
    assert section.count("65% (2025)") == len(PROVINCES) + 1 and "(2030)" not in section  # one row each
    assert "2024 An Giang" not in section and "2025 An Giang" in section


def test_the_legend_of_a_one_province_chart_stays_clear_of_its_title(criteria, tmp_path):
    """A province's own report: one area and the total. The bars' area is tall enough for the legend (periods
    and targets), which then never covers the title."""
    import matplotlib.pyplot as plt

    summary = summarise(load_results([results(tmp_path, ("2024", "2025"), ["Tỉnh Tuyên Quang"], 2)], criteria),
                        criteria)
    figure = recognition_figure(summary)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    ax = figure.axes[0]
    legend, title, plot = (ax.get_legend().get_window_extent(renderer), ax.title.get_window_extent(renderer),
                           ax.get_window_extent(renderer))
    assert legend.y1 <= plot.y1 + 1 and legend.y1 < title.y0, (legend, title, plot)
    plt.close(figure)
