"""Issue 21, class 6: `cfc criteria validate` refuses a criteria file that makes a decision impossible or a band
unreachable, naming the line a board must edit: a minimum per criterion above a criterion's maximum, an empty
band, a threshold above the most a unit can score, a band below the least value its input may take, a rate of
an input over itself — besides the gaps, overlaps and points above the indicator's maximum refused before."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "criteria"
SHIPPED = (ROOT / "criteria" / "qd06-2019-01-03.yaml").read_text(encoding="utf-8")
GOOD = ROOT / "tests" / "fixtures" / "robust" / "good.csv"


def validate(path: Path, lang: str = "en"):
    return CliRunner().invoke(main, ["criteria", "validate", str(path), "--lang", lang])


def line_holding(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def refused_at(path: Path, text_on_line: str, why: str, lang: str = "en") -> None:
    result = validate(path, lang)
    assert result.exit_code == 1, result.output
    assert f"{path}:{line_holding(path, text_on_line)}: " in result.stderr, result.stderr
    assert why in result.stderr, result.stderr
    assert "Traceback" not in result.output
    # evaluate refuses the file too, in one line and exit 2, rather than scoring by an impossible rule
    evaluate = CliRunner().invoke(main, ["evaluate", "--criteria", str(path), str(GOOD)])
    assert evaluate.exit_code == 2 and isinstance(evaluate.exception, SystemExit)


def test_a_minimum_per_criterion_above_every_criterions_maximum():
    path = FIXTURES / "min-points-above-every-criterion.yaml"
    refused_at(path, "min_points_per_criterion: 200",
               "every criterion must reach 200 points but every criterion can give at most 125: no unit can ever "
               "be recognised")
    refused_at(path, "min_points_per_criterion: 200", "không đơn vị nào có thể được công nhận", lang="vi")


def test_an_empty_band():
    path = FIXTURES / "empty-band.yaml"
    refused_at(path, "{min: 90, below: 90, points: 5}", "the band is empty: no value is both ≥ 90 and < 90")


def write(tmp_path: Path, text: str) -> Path:
    assert text != SHIPPED
    path = tmp_path / "criteria.yaml"
    path.write_text(text, encoding="utf-8")
    return path


CASES = {
    # the minimum above some criteria only: those are named
    "minimum above two criteria": (
        SHIPPED.replace("min_points_per_criterion: 1", "min_points_per_criterion: 60", 1),
        "min_points_per_criterion: 60", "but criteria 2, 7, 9, 11, 13 can give at most 50"),
    "empty band above, max": (
        SHIPPED.replace("- {min: 95, below: 100, points: 30}", "- {above: 95, max: 95, points: 30}", 1),
        "{above: 95, max: 95, points: 30}", "the band is empty: no value is both > 95 and ≤ 95"),
    "empty count band": (
        SHIPPED.replace("- {equals: 1, points: 15}", "- {min: 1, below: 1, points: 15}", 1),
        "{min: 1, below: 1, points: 15}", "the band is empty"),
    "threshold above the total": (
        SHIPPED.replace("threshold: 900", "threshold: 1200", 1), "threshold: 1200",
        "the threshold of 1200 points is above the most a unit can score, 1000"),
    "count band below its input's minimum": (
        SHIPPED.replace("{name: activities_held, role: action, type: count,",
                        "{name: activities_held, role: action, type: count, min: 1,", 1),
        "{equals: 0, points: 0}", "the band can never be reached: activities_held is declared with min: 1"),
    "rate of an input over itself": (
        SHIPPED.replace("numerator: births_registered, denominator: births,",
                        "numerator: births_registered, denominator: births_registered,", 1),
        "numerator: births_registered, denominator: births_registered",
        "numerator and denominator are both births_registered: the rate is always 100%"),
    # refused before this issue, kept: a gap, points above the indicator's maximum
    "gap between bands": (
        SHIPPED.replace("- {min: 90, below: 95, points: 10}\n            - {below: 90, points: 0}",
                        "- {min: 90, below: 95, points: 10}\n            - {below: 85, points: 0}", 1),
        "{min: 90, below: 95, points: 10}", "gap between bands: values from 85 to 90 match no band"),
    "points above the indicator's maximum": (
        SHIPPED.replace("- {min: 100, points: 50}", "- {min: 100, points: 60}", 1),
        "{min: 100, points: 60}", "60 points is above the indicator's max of 50"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_criteria_that_cannot_decide_are_refused_at_their_line(tmp_path, name):
    text, on_line, why = CASES[name]
    refused_at(write(tmp_path, text), on_line, why)


def test_the_shipped_criteria_pass():
    result = validate(ROOT / "criteria")
    assert result.exit_code == 0, result.output
