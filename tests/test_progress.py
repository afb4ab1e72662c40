"""The progress bar: on stderr, for long batches, only when stderr is a terminal and the results do not go to
that same terminal."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "evaluations" / "sample-area" / "units.csv"


def run(args: list[str], stderr_tty: bool, progress_from: int = 1) -> tuple[str, str]:
    command = [sys.executable, "-m", "tests.faults.hooks", "--progress-from", str(progress_from), "--", *args]
    if not stderr_tty:
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
        return result.stdout, result.stderr
    main, child = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=child, cwd=ROOT, text=True)
    os.close(child)
    stdout = process.stdout.read()
    process.wait(timeout=120)
    return stdout, read_terminal(main)


def read_terminal(main: int) -> str:
    """Everything written to a pseudo-terminal, read from its main side until the other side is closed."""
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal's other side is closed: everything has been read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_long_batch_shows_progress_on_a_terminal(tmp_path):
    stdout, stderr = run(["evaluate", str(SAMPLE), "--format", "csv"], stderr_tty=True)
    assert "cfc" in stderr and "100%" in stderr
    assert stdout.count("\n") == 16  # the results themselves are untouched: a header and 15 units


def test_no_progress_when_stderr_is_not_a_terminal():
    _, stderr = run(["evaluate", str(SAMPLE), "--format", "csv"], stderr_tty=False)
    assert "100%" not in stderr and "cfc" not in stderr


def test_no_progress_for_a_short_batch():
    _, stderr = run(["evaluate", str(SAMPLE), "--format", "csv"], stderr_tty=True, progress_from=2000)
    assert "100%" not in stderr


def run_on_one_terminal(args: list[str], progress_from: int = 1) -> str:
    """stdout and stderr on the same terminal, as a person running cfc at a prompt sees them."""
    command = [sys.executable, "-m", "tests.faults.hooks", "--progress-from", str(progress_from), "--", *args]
    main, child = pty.openpty()
    process = subprocess.Popen(command, stdout=child, stderr=child, cwd=ROOT)
    os.close(child)
    text = read_terminal(main)
    process.wait(timeout=120)
    return text


def test_no_progress_over_a_table_printed_to_the_same_terminal():
    shown = run_on_one_terminal(["evaluate", str(SAMPLE)])
    assert "cfc  [" not in shown and "#" not in shown  # the bar; "100%" alone is in gaps (≥ 100%)
    assert "09577" in shown and "Tổng hợp: 15 đơn vị" in shown  # the table itself was printed there


def test_progress_on_the_terminal_while_results_go_to_a_file(tmp_path):
    out = tmp_path / "results.json"
    shown = run_on_one_terminal(["evaluate", str(SAMPLE), "-o", str(out)])
    assert "cfc  [#" in shown and "]  100%" in shown
    assert len(json.loads(out.read_text(encoding="utf-8"))["units"]) == 15
