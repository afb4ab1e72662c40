"""Fuzz runs are short by default (CI); `pytest tests/fuzz --fuzz-examples 100000` (or CFC_FUZZ_EXAMPLES=...)
runs each fuzz test that many times."""
from __future__ import annotations

import os


def pytest_addoption(parser):
    parser.addoption("--fuzz-examples", type=int, default=None,
                     help="hypothesis examples per fuzz test (default: a short run for CI)")


def pytest_configure(config):
    examples = config.getoption("--fuzz-examples", default=None)
    if examples:
        os.environ["CFC_FUZZ_EXAMPLES"] = str(examples)
