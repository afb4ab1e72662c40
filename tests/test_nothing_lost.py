"""When no input file can be read (a mistyped name, a damaged workbook), nothing is written: `-o results.json`,
`-o DIR`, a what-if's `-o` and a board document used to be replaced by an empty one, losing the last results."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "evaluations" / "sample-area" / "units.csv"
CORRUPT = ROOT / "tests" / "fixtures" / "robust" / "corrupt.xlsx"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], env={"CFC_LANG": "en"})


@pytest.mark.parametrize("output, options", [("results.json", ["--format", "json"]), ("results.csv", []),
                                             ("results.xlsx", []), ("results", []),
                                             ("what-if.json", ["--format", "json", "--set", "activities_held=2"])])
def test_no_readable_input_writes_nothing_over_the_last_results(tmp_path, output, options):
    out = tmp_path / output
    first = run("evaluate", SAMPLE, "-o", out, *options)
    assert first.exit_code == 1, first.output
    before = {p: p.read_bytes() for p in ([out] if out.is_file() else sorted(out.iterdir()))}
    again = run("evaluate", tmp_path / "units.csvv", CORRUPT, "-o", out, *options)
    assert again.exit_code == 2
    assert "units.csvv: unsupported file type .csvv" in again.stderr and "corrupt.xlsx: not a readable" in again.stderr
    assert f"Nothing written to {out}: no input file could be read" in again.stderr
    assert "Wrote" not in again.output
    assert {p: p.read_bytes() for p in before} == before and sorted(tmp_path.iterdir()) == [out]


def test_a_document_of_no_readable_input_is_not_written(tmp_path):
    out = tmp_path / "tham-dinh.pdf"
    out.write_bytes(b"%PDF- the one signed yesterday")
    for document in ("appraisal", "decision"):
        result = run("report", document, tmp_path / "missing.csv", "-o", out)
        assert result.exit_code == 2 and "Nothing written to" in result.stderr, result.output
        assert out.read_bytes() == b"%PDF- the one signed yesterday"


def test_one_readable_file_is_still_written(tmp_path):
    out = tmp_path / "results.json"
    result = run("evaluate", SAMPLE, tmp_path / "missing.csv", "-o", out, "--format", "json")
    assert result.exit_code == 2 and out.exists() and "Nothing written" not in result.stderr
