"""cfc evaluate FILE --set input=value: re-score with changed inputs and show what changed."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from click.testing import CliRunner

from cli import main

SINGLE = str(Path(__file__).resolve().parent.parent / "evaluations" / "single-unit.yaml")  # 835 of 850


def run(*args):
    return CliRunner().invoke(main, ["evaluate", SINGLE, *args])


def test_reaching_the_next_band_flips_the_decision_and_says_so():
    result = run("--set", "births_registered=46", "--lang", "en")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "09652 Xã Thái Hòa: 835 → 855  (Not recognised → Recognised)"
    assert "    births_registered: 45 → 46" in lines
    assert "    criterion 2: 30 → 50" in lines
    assert "        2: 97.83% → 100.00%, 30 → 50" in lines


def test_vietnamese_by_default_and_nfc():
    result = run("--set", "births_registered=46")
    assert "Không đạt → Đạt chuẩn" in result.output and "tiêu chí 2: 30 → 50" in result.output
    assert unicodedata.is_normalized("NFC", result.output)


def test_json_has_before_and_after():
    result = run("--set", "births_registered=46", "--set", "survey_satisfied=150", "--format", "json")
    data = json.loads(result.output)
    assert data["changes"] == {"births_registered": "46", "survey_satisfied": "150"}
    unit = data["units"][0]
    assert (unit["before"]["total"], unit["after"]["total"]) == (835, 855)
    assert (unit["before"]["status"], unit["after"]["status"]) == ("not_recognized", "recognized")


def test_a_changed_value_is_validated_like_any_input():
    result = run("--set", "births_registered=98,5", "--lang", "en")
    assert result.exit_code == 1
    assert "births_registered = '98,5'" in result.output and "Invalid data" in result.output


def test_unknown_input_or_bad_syntax_is_a_usage_error():
    assert run("--set", "birth_registered=46").exit_code == 2
    assert run("--set", "births_registered").exit_code == 2
    assert run("--set", "births_registered=46", "--format", "csv").exit_code == 2


def test_the_input_file_is_not_changed(tmp_path):
    before = Path(SINGLE).read_bytes()
    run("--set", "births_registered=46")
    assert Path(SINGLE).read_bytes() == before
