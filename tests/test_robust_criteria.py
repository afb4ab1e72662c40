"""Issue 10: `cfc criteria validate` refuses every criteria file that evaluate would misread or crash on, naming
the line: NaN, infinity, non-numeric or quoted bounds, overlapping or unordered bands, repeated keys, YAML 1.1
octal and sexagesimal numbers, impossible dates, absurdly long numbers, alias bombs."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

SHIPPED = next((Path(__file__).resolve().parents[1] / "criteria").glob("qd06-*.yaml")).read_text(encoding="utf-8")
BAND = "- {min: 100, points: 15}"
LOWER = "- {below: 100, points: 0, status: provisional"

CASES = {
    "nan bound": (SHIPPED.replace(BAND, "- {min: .nan, points: 15}", 1), "min: Input should be a finite number"),
    "infinite bound": (SHIPPED.replace(BAND, "- {min: .inf, points: 15}", 1), "min: Input should be a finite number"),
    "text bound": (SHIPPED.replace(BAND, "- {min: abc, points: 15}", 1), "min: Input should be a valid number"),
    "yes as a bound": (SHIPPED.replace(BAND, "- {min: yes, points: 15}", 1), "min: Input should be a valid number"),
    "quoted bound": (SHIPPED.replace(BAND, "- {min: '100', points: 15}", 1), "min: Input should be a valid number"),
    "nan points": (SHIPPED.replace(BAND, "- {min: 100, points: .nan}", 1), "points: Input should be a valid integer"),
    "overlapping bands": (SHIPPED.replace(BAND, "- {min: 90, points: 15}", 1).replace(LOWER, "- {below: 95, points: 0, status: provisional", 1),
                          "bands overlap"),
    "gap between bands": (SHIPPED.replace(LOWER, "- {below: 90, points: 0, status: provisional", 1), "gap between bands"),
    # A band with no bound on the side where the next one starts (found by tests/fuzz: it used to be a traceback).
    "lower band without an upper end": (SHIPPED.replace(LOWER, "- {points: 0, status: provisional", 1),
                                        "the band below it has no upper end"),
    "upper band without a lower end": (SHIPPED.replace(BAND, "- {points: 15}", 1), "this band has no lower end"),
    "unordered bands": (SHIPPED.replace("- {min: 100, points: 50}\n            - {min: 95, below: 100, points: 30}",
                                        "- {min: 95, below: 100, points: 30}\n            - {min: 100, points: 50}", 1),
                        "list the bands in order"),
    "repeated key": (SHIPPED.replace(BAND, "- {min: 100, min: 90, points: 15}", 1), "key 'min' is written twice"),
    "octal": (SHIPPED.replace("total_points: 1000", "total_points: 01750", 1), "total_points"),
    "sexagesimal": (SHIPPED.replace("total_points: 1000", "total_points: 16:40", 1), "total_points: Input should be a valid integer"),
    "impossible date": (SHIPPED.replace("effective: 2019-01-03", "effective: 2019-13-45", 1), "instrument.effective"),
    "5,000 digits": (SHIPPED.replace("total_points: 1000", "total_points: " + "9" * 5000, 1), "has 5000 digits"),
    "alias bomb": ("a: &a [" + ",".join(["x"] * 9) + "]\n" + "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi")) + SHIPPED,
        "once aliases are expanded"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_criteria_validate_refuses(tmp_path, name):
    text, why = CASES[name]
    assert text != SHIPPED
    path = tmp_path / "criteria.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["criteria", "validate", str(path), "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert why in result.stderr and f"{path}:" in result.stderr
    assert "Traceback" not in result.output
    evaluate = CliRunner().invoke(main, ["evaluate", "--criteria", str(path),
                                         str(Path(__file__).parent / "fixtures" / "robust" / "good.csv")])
    assert evaluate.exit_code == 2 and isinstance(evaluate.exception, SystemExit)


def test_sexagesimal_and_octal_never_read_as_numbers_in_base_60_or_8(tmp_path):
    path = tmp_path / "criteria.yaml"
    path.write_text(SHIPPED.replace("total_points: 1000", "total_points: 01000", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["criteria", "validate", str(path), "--lang", "en"])
    assert result.exit_code == 1 and "valid integer" in result.stderr  # 01000 is not 512: it is refused
