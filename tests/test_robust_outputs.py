"""Issue 10, outputs: every output-path problem is one line and exit 2 (never a traceback, never half a set of
results), a results directory is all new or all old, and files get the user's usual permissions."""
from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

import engine.atomic
import engine.results.directory
from cli import main
from engine.atomic import OutputError, atomic_path, atomic_text

FIXTURES = Path(__file__).parent / "fixtures" / "robust"
GOOD = str(FIXTURES / "good.csv")
AREA = str(Path(__file__).resolve().parents[1] / "evaluations" / "sample-area" / "units.csv")


def cfc(*args):
    """In English: these tests read the English wording (tests/test_messages_files.py reads the Vietnamese)."""
    return CliRunner(env={"CFC_LANG": "en"}).invoke(main, [str(a) for a in args])


def one_clear_line(result, *words):
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # not a traceback
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.output, result.stderr
    for word in words:
        assert word in lines[0]


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


# ---------------------------------------------------------------- one line, exit 2, for every command

@pytest.mark.parametrize("args_for", [
    lambda out: ["evaluate", GOOD, "--format", "json", "-o", out / "missing" / "r.json"],
    lambda out: ["evaluate", GOOD, "-o", out / "missing" / "results"],
    lambda out: ["template", "-o", out / "missing" / "form.xlsx"],
    lambda out: ["report", "appraisal", GOOD, "-o", out / "missing" / "a.pdf"],
    lambda out: ["aggregate", FIXTURES / "numbers.json", "-o", out / "missing" / "summary"],
])
def test_missing_folder_is_one_line_and_nothing_is_created(tmp_path, args_for):
    result = cfc(*args_for(tmp_path))
    one_clear_line(result, "does not exist")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args_for", [
    lambda out: ["evaluate", GOOD, "--format", "csv", "-o", out / "file.txt" / "r.csv"],
    lambda out: ["evaluate", GOOD, "-o", out / "file.txt"],  # an existing file where a folder is wanted... as a file
    lambda out: ["template", "-o", out / "file.txt" / "form.xlsx"],
    lambda out: ["report", "self-assessment", GOOD, "-o", out / "file.txt" / "s.pdf"],
    lambda out: ["aggregate", FIXTURES / "numbers.json", "-o", out / "file.txt"],
])
def test_a_file_where_a_folder_belongs(tmp_path, args_for):
    (tmp_path / "file.txt").write_text("keep", encoding="utf-8")
    result = cfc(*args_for(tmp_path))
    if result.exit_code == 0:  # `-o file.txt` of evaluate writes the table into that file: allowed
        return
    if "Error: Invalid value for '--output'" in result.stderr:  # refused by click's own check: exit 2, no trace
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    else:
        one_clear_line(result)
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "keep"


def test_empty_output_name_and_devices_are_refused():
    one_clear_line(cfc("evaluate", GOOD, "-o", ""), "empty")
    one_clear_line(cfc("evaluate", GOOD, "--format", "json", "-o", "/dev/stdout"), "device or pipe")
    one_clear_line(cfc("evaluate", GOOD, "-o", "/dev/stdout"), "device or pipe")
    assert Path("/dev/stdout").is_symlink() or not Path("/dev/stdout").is_file()  # never replaced by a file


def test_read_only_place_is_one_line(tmp_path, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / ".r.x.tmp.json"))

    monkeypatch.setattr(engine.atomic, "_create", read_only)  # every temporary file and folder is made there
    one_clear_line(cfc("evaluate", GOOD, "--format", "json", "-o", tmp_path / "r.json"), "read-only")
    one_clear_line(cfc("evaluate", GOOD, "-o", tmp_path / "results"), "read-only")
    one_clear_line(cfc("template", "-o", tmp_path / "form.xlsx"), "read-only")


class _FullDisk:
    """A file handle on a disk that fills after a few writes."""

    def __init__(self, handle, room: int = 2):
        self.handle, self.room = handle, room

    def write(self, text):
        self.room -= 1
        if self.room < 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.handle.write(text)

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


def _full_disk_open(real=open):
    return lambda *args, **kwargs: _FullDisk(real(*args, **kwargs))


def test_disk_full_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr(engine.atomic, "open", _full_disk_open(), raising=False)
    one_clear_line(cfc("evaluate", AREA, "--format", "json", "-o", target), "the disk is full")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_results_directory_is_all_new_or_all_old(tmp_path, monkeypatch):
    out = tmp_path / "results"
    assert cfc("evaluate", GOOD, "-o", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(before) == {"results.json", "results.csv", "results.xlsx"}
    monkeypatch.setattr(engine.results.directory, "open", _full_disk_open(), raising=False)
    one_clear_line(cfc("evaluate", AREA, "-o", out), "the disk is full")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # all old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # no temporary directory left
    monkeypatch.undo()
    assert cfc("evaluate", AREA, "-o", out).exit_code in (0, 1)
    units = json.loads((out / "results.json").read_text(encoding="utf-8"))["units"]
    assert len(units) > 1 and {p.name for p in out.iterdir()} == set(before)  # all new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]


def test_results_into_a_folder_of_the_users_own_files_keeps_them(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert cfc("evaluate", GOOD, "-o", tmp_path).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "results.csv", "results.json", "results.xlsx"]
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_outputs_get_the_usual_permissions(tmp_path, umask_022):
    assert cfc("evaluate", GOOD, "--format", "csv", "-o", tmp_path / "r.csv").exit_code == 0
    assert cfc("evaluate", GOOD, "-o", tmp_path / "results").exit_code == 0
    assert cfc("template", "-o", tmp_path / "form.xlsx").exit_code == 0
    for path in (tmp_path / "r.csv", tmp_path / "form.xlsx", *(tmp_path / "results").iterdir()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    assert stat.S_IMODE((tmp_path / "results").stat().st_mode) == 0o755
    os.umask(0o027)
    with atomic_text(tmp_path / "private.txt") as handle:
        handle.write("x")
    assert stat.S_IMODE((tmp_path / "private.txt").stat().st_mode) == 0o640


def test_errors_unrelated_to_the_output_are_not_disguised(tmp_path):
    with pytest.raises(FileNotFoundError):
        with atomic_path(tmp_path / "x.pdf"):
            open(tmp_path / "no-such-font.ttf", "rb")
    with pytest.raises(OutputError, match="the folder .* does not exist"):
        with atomic_path(tmp_path / "no" / "x.pdf"):
            pass
    assert list(tmp_path.iterdir()) == []


def test_control_characters_in_names_do_not_break_the_results_workbook(tmp_path):
    from openpyxl import load_workbook

    result = cfc("evaluate", FIXTURES / "control-characters.csv", "-o", tmp_path / "results")
    assert result.exit_code == 1  # the unit with a NUL in a count is invalid; the workbook is still written
    sheet = load_workbook(tmp_path / "results" / "results.xlsx").worksheets[0]
    assert sheet["B2"].value == "Xã \\x1b[2J\\x1b[31mĐỏ\\x1b[0m"
