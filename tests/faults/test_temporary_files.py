"""Issue 21, class 7: temporary files say unambiguously whose they are, and both kinds a killed run leaves (a
`-o FILE` temporary file, an `--output DIR` hidden partial folder) are removed by a later run — never the live
temporary file of a concurrent run, whatever the user's file names look like."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.atomic import _temporary_name, atomic_directory, atomic_path, remove_stale
from tests.faults.test_faults import SAMPLE, cfc, leftovers, many, start, wait_for_workers  # noqa: F401


def dead_pid() -> int:
    """The id of a process that has ended (and was reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("never happened")
        time.sleep(0.05)


def test_a_run_never_removes_the_live_temporary_file_of_a_concurrent_run(many, tmp_path):
    """The reported case: `-o results.json` read the '2024' of `-o results.2024.json`'s temporary file as a
    dead process id and removed it. Both runs write whole results."""
    other = tmp_path / "results.2024.json"
    process = start("evaluate", many, "--format", "json", "-o", other, "--jobs", "2", hooks=["--pause", "3"])
    wait_for_workers(process)
    live = [name for name in leftovers(tmp_path) if name.startswith(".results.2024.json.cfc-")]
    assert len(live) == 1, leftovers(tmp_path)
    mine = cfc("evaluate", SAMPLE, "--format", "json", "-o", tmp_path / "results.json")
    assert mine.returncode == 1, mine.stderr
    assert (tmp_path / live[0]).exists()  # still there: it belongs to the run still going
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stderr
    assert len(json.loads(other.read_text(encoding="utf-8"))["units"]) == 600
    assert len(json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["units"]) == 15
    assert leftovers(tmp_path) == []


def test_a_killed_output_dir_run_leaves_a_folder_the_next_run_removes(many, tmp_path):
    target = tmp_path / "ket-qua"
    process = start("evaluate", many, "--output", target, "--jobs", "2", hooks=["--pause", "3"])
    wait_for_workers(process)
    os.killpg(process.pid, signal.SIGKILL)  # the whole job: nothing can clean up
    process.communicate(timeout=60)
    partial = leftovers(tmp_path)
    assert len(partial) == 1 and partial[0].startswith(".ket-qua.cfc-") and (tmp_path / partial[0]).is_dir()
    again = cfc("evaluate", SAMPLE, "--output", target)
    assert again.returncode == 1, again.stderr
    assert sorted(p.name for p in target.iterdir()) == ["results.csv", "results.json", "results.xlsx"]
    assert leftovers(tmp_path) == []


def test_a_killed_run_into_a_folder_of_the_users_files_is_cleaned_inside_it(tmp_path):
    """With the user's own files in DIR, the partial folder is inside DIR; a later run removes it and keeps
    every file of the user's."""
    target = tmp_path / "ket-qua"
    target.mkdir()
    (target / "ghi-chu.txt").write_text("của tôi", encoding="utf-8")
    stale = target / _temporary_name("", ".tmp").replace(f"-{os.getpid()}-", f"-{dead_pid()}-")
    stale.mkdir()
    (stale / "results.json").write_text("{half", encoding="utf-8")
    result = cfc("evaluate", SAMPLE, "--output", target)
    assert result.returncode == 1, result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["ghi-chu.txt", "results.csv", "results.json", "results.xlsx"]


def _stale_file_of(target: Path, pid: int) -> Path:
    name = _temporary_name(target.name, f".tmp{target.suffix}").replace(f"-{os.getpid()}-", f"-{pid}-")
    path = target.parent / name
    path.write_text("half", encoding="utf-8")
    return path


def test_only_exactly_cfcs_own_stale_names_are_removed(tmp_path):
    target = tmp_path / "results.json"
    dead = _stale_file_of(target, dead_pid())
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = _stale_file_of(target, sleeper.pid)                        # a live writer of the same target
        other = _stale_file_of(tmp_path / "results.2024.json", dead_pid())  # a dead writer of another target
        users = [tmp_path / name for name in (
            ".results.2024.123.abc.tmp.json",          # the old ambiguous shape: never parsed as ours
            ".results.json.cfc-notes.tmp.json",        # the marker without an owner
            ".results.json.cfc-elsewhere-1-0123456789ab.tmp.json",  # another computer's (a shared folder)
            "results.2024.json")]
        for path in users:
            path.write_text("keep", encoding="utf-8")
        with atomic_path(target) as tmp:
            tmp.write_text("{}", encoding="utf-8")
        assert not dead.exists()
        assert live.exists() and other.exists() and all(path.exists() for path in users)
        assert target.read_text(encoding="utf-8") == "{}"
    finally:
        sleeper.kill()
        sleeper.wait()


def test_previous_results_set_aside_by_a_killed_swap_are_put_back(tmp_path):
    """Killed between moving the old folder aside and moving the new one in: the next run puts the previous
    results back before anything else, so a failure of that run still leaves them whole."""
    target = tmp_path / "ket-qua"
    aside = tmp_path / _temporary_name("ket-qua", ".old").replace(f"-{os.getpid()}-", f"-{dead_pid()}-")
    (aside / "ket-qua").mkdir(parents=True)
    (aside / "ket-qua" / "results.json").write_text('{"units": []}', encoding="utf-8")
    assert remove_stale(target) == [aside]
    assert (target / "results.json").read_text(encoding="utf-8") == '{"units": []}'
    assert not aside.exists()
    with pytest.raises(RuntimeError):
        with atomic_directory(target, ["results.json"]) as tmp:
            (tmp / "results.json").write_text("new", encoding="utf-8")
            raise RuntimeError("the run fails")
    assert (target / "results.json").read_text(encoding="utf-8") == '{"units": []}'
    assert leftovers(tmp_path) == []


def test_temporary_names_hold_the_owner_and_a_random_part():
    first, second = _temporary_name("results.2024.json", ".tmp.json"), _temporary_name("results.2024.json", ".tmp.json")
    assert first != second
    assert first.startswith(".results.2024.json.cfc-") and f"-{os.getpid()}-" in first and first.endswith(".tmp.json")
