"""How `cfc evaluate` ends, as a process: its collector frozen at exit (cli._exit_without_collecting) skips the
interpreter's final collections, and nothing else — every byte of output through a pipe, the exit code, no
temporary file left, atexit handlers run."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

ROOT = Path(__file__).resolve().parent.parent

# The command as the console script runs it, with a handler registered before it: atexit runs handlers last in,
# first out, so this one runs after every handler the command registers, and says what it found.
RUN = """
import atexit, gc, sys
atexit.register(lambda: print("frozen" if gc.get_freeze_count() else "not frozen", file=sys.stderr))
sys.argv = ["cfc", *sys.argv[1:]]
from cli import main
main()
"""


def cfc(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN, *map(str, args)], capture_output=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def batch_file(tmp_path_factory) -> Path:
    """Enough units for the batch to go to worker processes, invalid ones among them (exit code 1)."""
    from bench.generate import write

    path = tmp_path_factory.mktemp("exit") / "units.csv"
    write(path, 600, 3)
    return path


def test_json_through_a_pipe_is_whole_and_the_collector_frozen_at_exit(batch_file):
    done = cfc("evaluate", batch_file, "--format", "json", "--jobs", "2")
    in_process = CliRunner().invoke(main, ["evaluate", str(batch_file), "--format", "json", "--jobs", "2"])
    assert done.returncode == in_process.exit_code == 1, done.stderr  # invalid units on purpose
    assert json.loads(done.stdout) == json.loads(in_process.stdout)
    assert len(json.loads(done.stdout)["units"]) == 600
    assert done.stderr.decode().splitlines()[-1] == "frozen"


def test_a_directory_is_written_whole_and_nothing_temporary_is_left(batch_file, tmp_path):
    out = tmp_path / "results"
    done = cfc("evaluate", batch_file, "--output", out, "--jobs", "2")
    assert done.returncode == 1, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # no temporary directory or file beside it
    assert sorted(p.name for p in out.iterdir()) == ["results.csv", "results.json", "results.xlsx"]
    assert len(json.loads((out / "results.json").read_text(encoding="utf-8"))["units"]) == 600
    said = done.stdout.decode().splitlines()
    assert [line for line in said if "results." in line] and len(said) >= 4  # written ×3, the summary
    assert done.stderr.decode().splitlines()[-1] == "frozen"


def test_a_command_that_fails_on_the_way_ends_as_before(batch_file, tmp_path):
    done = cfc("evaluate", batch_file, "--criteria", tmp_path / "missing.yaml", "--output", tmp_path / "results")
    assert done.returncode == 2
    assert not (tmp_path / "results").exists()
    assert done.stderr.decode().splitlines()[-1] == "not frozen"  # it never reached its outputs


def test_an_unreadable_input_keeps_its_exit_code(tmp_path):
    done = cfc("evaluate", tmp_path / "missing.csv", "--format", "json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["units"] == []
    assert "missing.csv" in done.stderr.decode()


def test_save_leaves_the_database_to_the_interpreters_teardown(tmp_path):
    single = ROOT / "evaluations" / "single-unit.yaml"
    done = cfc("evaluate", single, "--save", "--db", tmp_path / "h.sqlite3", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().splitlines()[-1] == "not frozen"
