"""engine/batch.py: streaming evaluation in worker processes gives the same output as in one process, in the
same order, and a worker that dies costs only the units it held, which are named."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine import batch
from engine.rules.criteria import load_criteria

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "evaluations" / "sample-area" / "units.csv"
CRITERIA = load_criteria()


def run(paths, jobs, fmt="json"):
    out = io.StringIO()
    summary = batch.run(batch.plan(paths), CRITERIA, fmt, "en", out, jobs=jobs)
    return out.getvalue(), summary


@pytest.fixture
def small_chunks(monkeypatch):
    # Several chunks even for 15 units, so that two workers really share the work.
    monkeypatch.setattr(batch, "CHUNK", 4)


def test_workers_give_the_same_output_in_the_same_order(small_chunks):
    alone, summary_alone = run([SAMPLE], jobs=1)
    shared, summary_shared = run([SAMPLE], jobs=2)
    assert shared == alone
    assert summary_shared.counts == summary_alone.counts
    codes = [unit["unit_code"] for unit in json.loads(shared)["units"]]
    assert codes == sorted(codes) and len(codes) == 15


def test_a_dead_worker_costs_only_its_units_and_names_them(small_chunks, monkeypatch):
    whole, _ = run([SAMPLE], jobs=1)
    monkeypatch.setenv(batch.FAULT_ENV, "09905")  # the 5th unit: the second chunk of four (rows 6 to 9)
    output, summary = run([SAMPLE], jobs=2)
    lost = ["09905", "09906", "09907", "09908"]
    assert len(summary.not_evaluated) == 4
    for code, row, line in zip(lost, range(6, 10), summary.not_evaluated):
        assert f"row {row}" in line and code in line and "not evaluated" in line
    kept = [u for u in json.loads(whole)["units"] if u["unit_code"] not in lost]
    assert json.loads(output)["units"] == kept
    assert json.loads(output)["not_evaluated"] == summary.not_evaluated


def test_cli_exit_code_when_units_were_not_evaluated(tmp_path):
    # Enough units for the CLI to use workers with its own chunk size: the sample area repeated.
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    body = []
    for copy in range(40):
        for row in rows:
            body.append(f"{copy:02d}{row[2:]}")  # unique codes: the copy number replaces the first two digits
    data = tmp_path / "many.csv"
    data.write_text("\n".join([header] + body) + "\n", encoding="utf-8")
    env = {**os.environ, batch.FAULT_ENV: "03903"}  # copy 03 of unit 09903
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "evaluate", str(data), "--format", "csv",
                             "--jobs", "2"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "03903" in result.stderr and "not evaluated" in result.stderr
    evaluated = result.stdout.strip().splitlines()[1:]
    assert len(evaluated) == 600 - batch.CHUNK  # one chunk lost, everything else written
