"""The law beside the rules: every criterion carries its wording and citation, the repository documents its
own legal basis (and points nowhere outside itself), and `cfc criteria show` lets a board check the
provisional bands and correct them in the YAML alone."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml
from click.testing import CliRunner

from cli import main
from engine.criteria.model import load_criteria

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "criteria" / "qd06-2019-01-03.yaml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def provisional_bands(raw: dict) -> list[tuple[int, int, int, int]]:
    """(criterion index, indicator index, band index, points) of every provisional band, read from the raw
    YAML: a band's own status, else its band set's."""
    return [(ci, ii, bi, band["points"])
            for ci, criterion in enumerate(raw["criteria"]) for ii, ind in enumerate(criterion["indicators"])
            for bi, band in enumerate(ind["scoring"]["bands"])
            if band.get("status", ind["scoring"]["status"]) == "provisional"]


def test_every_shipped_criterion_carries_its_text_and_citation():
    for criterion in load_criteria(SHIPPED).criteria:
        assert criterion.text is not None, criterion.number
        assert criterion.text.vi.startswith(criterion.name.vi), criterion.number  # the name, verbatim, first
        assert re.search(r"Điều \d+ khoản \d+, tiêu chí %d$" % criterion.number, criterion.citation)


def test_confirmed_band_wording_is_in_the_text_with_its_points():
    """Where the text states points, they are the points the confirmed bands give."""
    cs = load_criteria(SHIPPED)
    for criterion in cs.criteria:
        stated = [int(p) for p in re.findall(r"\((\d+) điểm\)", criterion.text.vi)]
        confirmed_top = [ind.scoring.bands[0].points for ind in criterion.indicators
                         if ind.scoring.band_status(0) == "confirmed"]
        assert stated == confirmed_top, criterion.number


def test_nothing_in_the_repository_points_outside_it():
    needles = ("/work/" + "shared", "../" + "shared", "shared/" + "spec")
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for name in files:
        path = ROOT / name
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        offenders += [f"{name}: {needle}" for needle in needles if needle in text]
    assert files and offenders == []


def test_criteria_show_lists_every_band_with_its_status():
    out = run("criteria", "show", "--criteria", SHIPPED, "--lang", "en").stdout
    raw = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    total = sum(len(ind["scoring"]["bands"]) for c in raw["criteria"] for ind in c["indicators"])
    assert out.count("[confirmed]") + out.count("[PROVISIONAL]") == total
    assert out.count("[PROVISIONAL]") == len(provisional_bands(raw))


def test_show_provisional_lists_only_provisional_bands_with_points_and_total():
    raw = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    expected = provisional_bands(raw)
    out = run("criteria", "show", "--criteria", SHIPPED, "--provisional", "--lang", "en").stdout
    listed = [tuple(map(int, m)) for m in re.findall(
        r"→\s+(\d+)\s+criteria\[(\d+)\]\.indicators\[(\d+)\]\.scoring\.bands\[(\d+)\]", out)]
    assert [(c, i, b, p) for p, c, i, b in listed] == expected
    indicators = {(c, i) for c, i, _, _ in expected}
    assert (f"{len(expected)} provisional bands in {len(indicators)} indicators, carrying "
            f"{sum(p for *_, p in expected)} points in all") in out
    at_stake = sum(max(p for c, i, _, p in expected if (c, i) == key) for key in indicators)
    assert f"up to {at_stake} of a unit's 1000 points" in out
    assert "[confirmed]" not in out and "staff_assigned" not in out  # criterion 1a is wholly confirmed


def test_a_board_corrects_a_band_by_editing_yaml_alone(tmp_path):
    """Edit a provisional band's points in a copy of the YAML; show reflects it. Confirm another band; it
    leaves the provisional list and the counts follow."""
    text = SHIPPED.read_text(encoding="utf-8")
    edited = text.replace("            - {min: 95, below: 100, points: 30}\n",      # criterion 2, band 2
                          "            - {min: 95, below: 100, points: 40}\n", 1)
    edited = edited.replace("            - {min: 95, below: 98, points: 30}\n",      # criterion 7, band 2
                            "            - {min: 95, below: 98, points: 30, status: confirmed}\n", 1)
    assert edited.count("points: 40}") == text.count("points: 40}") + 1 and "30, status: confirmed" in edited
    path = tmp_path / "corrected.yaml"
    path.write_text(edited, encoding="utf-8")
    assert run("criteria", "validate", path).exit_code == 0
    before = run("criteria", "show", "--criteria", SHIPPED, "--provisional", "--lang", "en").stdout
    after = run("criteria", "show", "--criteria", path, "--provisional", "--lang", "en").stdout
    assert "→  40   criteria[1].indicators[0].scoring.bands[1]" in after
    assert "→  30   criteria[1].indicators[0].scoring.bands[1]" in before
    assert "criteria[6].indicators[0].scoring.bands[1]" in before
    assert "criteria[6].indicators[0].scoring.bands[1]" not in after
    expected = provisional_bands(yaml.safe_load(edited))
    assert len(expected) == len(provisional_bands(yaml.safe_load(text))) - 1
    assert f"{len(expected)} provisional bands" in after
    assert f"carrying {sum(p for *_, p in expected)} points" in after
    shown = run("criteria", "show", "--criteria", path, "--lang", "en").stdout
    assert re.search(r"≥ 95% and < 98%\s+→\s+30\s+\[confirmed\]", shown)
