"""The terminal as a person reads it (issue 23, item 7): one error for a file with nothing to show, a header
that matched nothing repeated where the batch ends, an event's long explanation once per batch, the first word
of every message as click writes its own, and a README whose commands work as written."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from cli import main
from engine.messages import CATALOG

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CSV = ROOT / "evaluations" / "sample-area" / "units.csv"
SINGLE = ROOT / "evaluations" / "single-unit.yaml"
EVENT_WHY = "không phải con số để giảm trên báo cáo"


def run(*args: str, env: dict | None = None):
    return CliRunner(env=env).invoke(main, [str(a) for a in args])


def test_a_missing_file_is_one_error_and_no_empty_table(tmp_path):
    for lang, first in (("vi", "Lỗi: "), ("en", "Error: ")):
        result = run("evaluate", tmp_path / "khong-co.csv", "--lang", lang)
        assert result.exit_code == 2 and result.stdout == ""
        assert result.stderr.count(str(tmp_path / "khong-co.csv")) == 1
        assert result.stderr.splitlines()[0].startswith(first) and len(result.stderr.splitlines()) == 1


def test_a_blank_form_is_one_error_and_no_empty_table(tmp_path):
    form = tmp_path / "phieu.xlsx"
    assert run("template", "-o", form).exit_code == 0
    result = run("evaluate", form)
    assert result.exit_code == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Lỗi: ")
    assert "chưa điền đơn vị nào" in result.stderr


def test_a_header_that_matched_nothing_is_repeated_in_the_closing_lines(tmp_path):
    misspelt = tmp_path / "units.csv"
    misspelt.write_text(SAMPLE_CSV.read_text(encoding="utf-8").replace(",births,", ",birth,", 1), encoding="utf-8")
    result = run("evaluate", misspelt)
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Tổng hợp: 15 đơn vị"))
    assert "14 thiếu dữ liệu" in lines[at]
    assert lines[at + 1] == (f"Lưu ý: 14 đơn vị thiếu dữ liệu, và cột 'birth' của {misspelt} không khớp số liệu nào "
                             "nên bị bỏ qua (có phải births?)")
    # Results written to a file: the same line after the counts the command prints.
    written = run("evaluate", misspelt, "-o", tmp_path / "ket-qua.xlsx", "--lang", "en")
    assert written.stdout.splitlines()[-1] == (f"Note: 14 units have missing data, and the column 'birth' of "
                                               f"{misspelt} matched no input and was ignored (did you mean births?)")
    # A file whose headers all match says nothing more.
    assert "Lưu ý: 1 đơn vị thiếu dữ liệu" not in run("evaluate", SAMPLE_CSV).stdout


def test_the_event_explanation_is_said_once_per_batch():
    batch = run("evaluate", SAMPLE_CSV).stdout
    assert batch.count(EVENT_WHY) == 1
    events = [line for line in batch.splitlines() if re.match(r"\s+→ \[[345]\*?\] ", line)]
    assert len(events) > 5 and all(line.endswith("điểm.") for line in events)
    assert "  [3] phòng ngừa, phát hiện sớm và can thiệp kịp thời để trẻ em không bị xâm hại" in batch
    english = run("evaluate", SAMPLE_CSV, "--lang", "en").stdout
    assert english.count("not numbers to report lower") == 1 and "This counts events" not in english
    # One unit, in full: the sentence stays with its gap.
    single = run("evaluate", SINGLE).stdout
    assert single.count(EVENT_WHY) == 1 and "Chỉ tiêu 3, 4, 5 đếm" not in single


def test_the_short_event_line_is_the_full_sentence_cut_where_the_explanation_starts():
    vi, en = CATALOG["gap_event"]
    why_vi, why_en = CATALOG["gap_event_why"]
    assert vi.endswith(". " + why_vi) and en.endswith(". " + why_en)


def test_cfc_and_click_start_their_messages_with_the_same_word():
    for lang, error, warning in (("vi", "Lỗi: ", "Cảnh báo: "), ("en", "Error: ", "Warning: ")):
        from_click = run("evaluate", "--format", "xml", "x.csv", "--lang", lang).stderr.splitlines()[-1]
        from_cfc = run("evaluate", "/khong/co.csv", "--lang", lang).stderr.splitlines()[-1]
        assert from_click.startswith(error) and from_cfc.startswith(error), (from_click, from_cfc)
        warned = run("evaluate", ROOT / "tests" / "fixtures" / "robust" / "misspelt-column.csv", "--lang", lang)
        assert warned.stderr.startswith(warning)


def test_the_readme_says_how_to_reach_cfc_and_says_nothing_twice():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Self-check in the browser")[0]
    assert ". .venv/bin/activate" in setup and ".venv/bin/cfc" in setup
    prose = re.sub(r"\s+", " ", re.sub(r"```.*?```", "", readme, flags=re.S))
    sentences = Counter(s for s in re.split(r"(?<=[.!?])\s+", prose) if len(s) >= 60)
    assert [s for s, n in sentences.items() if n > 1] == []
