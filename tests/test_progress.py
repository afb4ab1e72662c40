"""The progress bar: on stderr, for long batches, only when stderr is a terminal and the results do not go to
that same terminal."""
from __future__ import annotations

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
    return stdout, b"".join(chunks).decode("utf-8", "replace")


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
