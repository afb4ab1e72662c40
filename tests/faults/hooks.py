"""Test-only faults for engine.batch: a task a worker runs instead of the real one, which makes the worker die
(or raise) on chosen units and otherwise evaluates as usual. Production code never imports this: a test puts
it into engine.batch.TASK (in the test's process, or in a CLI started through `python -m tests.faults.hooks`)."""
from __future__ import annotations

import os
import signal
import sys
import time
from functools import partial
from pathlib import Path

from engine import batch
from engine.units.duplicates import unit_code_of


def faulty(codes: frozenset[str], how: str, once_marker: str | None, pause: float, first: int, records: list):
    """Evaluate like a worker does, except: sleep `pause` seconds first on a chunk (a slow batch to interrupt),
    and when the chunk holds one of `codes`, end this process `how` ("exit", "kill", "segv") or raise.
    With `once_marker`, fail only while that file does not exist (it is created on the first failure)."""
    if pause and len(records) > 1:  # chunks only: a unit retried alone goes at full speed
        time.sleep(pause)
    if any(unit_code_of(record) in codes for record in records):
        if once_marker is None or not os.path.exists(once_marker):
            if once_marker is not None:
                Path(once_marker).touch()
            if how == "raise":
                raise RuntimeError("injected failure")
            if how == "exit":
                os._exit(70)
            os.kill(os.getpid(), {"kill": signal.SIGKILL, "segv": signal.SIGSEGV}[how])
    return batch._evaluate_chunk(first, records)


def task(codes=(), how: str = "kill", once_marker: str | None = None, pause: float = 0.0):
    return partial(faulty, frozenset(codes), how, once_marker, pause)


def main(argv: list[str]) -> None:
    """python -m tests.faults.hooks [--die-on CODE]... [--how kill] [--once FILE] [--pause S]
    [--progress-from UNITS] -- cfc args"""
    split = argv.index("--")
    options, rest = argv[:split], argv[split + 1:]
    codes, how, once, pause, progress_from = [], "kill", None, 0.0, None
    while options:
        name, value, options = options[0], options[1], options[2:]
        if name == "--die-on":
            codes.append(value)
        elif name == "--how":
            how = value
        elif name == "--once":
            once = value
        elif name == "--pause":
            pause = float(value)
        elif name == "--progress-from":
            progress_from = int(value)
    batch.TASK = task(codes, how, once, pause)
    import cli

    if progress_from is not None:
        cli.PROGRESS_FROM = progress_from
    cli.main(rest, prog_name="cfc")


if __name__ == "__main__":
    main(sys.argv[1:])
