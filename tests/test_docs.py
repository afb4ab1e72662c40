"""Documentation that cannot go stale (in the style of sqlite-utils' test_docs.py): docs/ is regenerated from
the criteria files and the commands' --help and compared; every command has help text and is documented."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("docs_generate", ROOT / "docs" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

COMMANDS = [(ctx.command_path, command) for ctx, command in generate.commands()]


def test_docs_are_up_to_date():
    """In a fresh process, as a person runs the check: click keeps the first wording of its --help option per
    process, so a command run earlier in this process with --lang en would change the reference."""
    check = subprocess.run([sys.executable, str(ROOT / "docs" / "generate.py"), "--check"], capture_output=True,
                           text=True, cwd=ROOT, env={**os.environ, "CFC_LANG": ""})
    assert check.returncode == 0, check.stderr


def test_the_check_notices_a_stale_document(tmp_path, monkeypatch):
    """The freshness check compares content: a hand edit inside a generated file is caught."""
    original = generate.DOCS
    for name in ("legal-basis.md", "data-dictionary.md", "cli.md"):
        (tmp_path / name).write_text((original / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(generate, "DOCS", tmp_path)
    dictionary = tmp_path / "data-dictionary.md"
    assert dictionary not in generate.stale()  # (cli.md is checked in a fresh process: see above)
    dictionary.write_text(dictionary.read_text(encoding="utf-8").replace("indicator 1a", "indicator 1b"), encoding="utf-8")
    assert dictionary in generate.stale()


def test_every_command_is_found():
    paths = [path for path, _ in COMMANDS]
    assert {"cfc evaluate", "cfc criteria show", "cfc criteria validate", "cfc template", "cfc aggregate",
            "cfc report appraisal"} <= set(paths)


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_help(path, command):
    assert command.help and command.help.strip(), f"{path} has no help text"


@pytest.mark.parametrize("path, command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_is_documented(path, command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    cli = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"## {path}\n" in cli or path in readme, f"{path} is in neither README.md nor docs/cli.md"


def test_the_data_dictionary_names_every_input_and_its_use():
    from engine.criteria.versions import CriteriaLibrary

    text = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    for cs in CriteriaLibrary.load().sets:
        for decl in cs.inputs:
            assert f"| `{decl.name}` | {decl.label.vi} " in text  # then "|", or what it is from 1 July 2025
        for _, indicator in cs.indicators:
            for name in indicator.measure.inputs:
                row = next(line for line in text.splitlines() if line.startswith(f"| `{name}` |"))
                used_by = row.rsplit("|", 2)[1].strip().removeprefix("indicator ").split(", ")
                assert indicator.id in used_by, (name, row)
