"""What `pip install .` puts on a province's machine holds every file cfc reads at run time: each template,
stylesheet, script, font, data and criteria file in the source tree is in the built package. (The server's page
templates once stayed behind: every page of an installed `cfc serve --accounts` was a 500.) setuptools'
build_py is the step of a wheel build that copies the packages and their package data, so it is run here."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("engine", "criteria")


def _files(top: Path, under: tuple[str, ...]) -> set[str]:
    return {path.relative_to(top).as_posix() for folder in under for path in (top / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}


def test_the_built_package_holds_every_file_of_the_source_tree(tmp_path):
    built = tmp_path / "lib"
    run = subprocess.run([sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "build_py",
                          "--build-lib", str(built)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    missing = sorted(_files(ROOT, SHIPPED) - _files(built, SHIPPED))
    assert not missing, f"pyproject.toml's package data leaves out: {missing}"
    assert (built / "cli.py").is_file()
