"""Charts drawn on the second core while this process writes the workbook or draws the other charts.

A national review spends about a second in matplotlib; the machine has two cores. A forked child process draws
some of the PNGs into files while this process does the rest. The child is only a help: when it cannot be
started (one core, no fork), fails or is killed, this process draws those charts itself afterwards, and so meets
any error (a full disk, say) exactly as it would have alone. Forking gives the child the imported matplotlib
and the summary as they are; a spawned process would first spend a second importing them.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator

PATIENCE = 120.0  # seconds: a helper still drawing by then is stuck (never seen); this process draws instead


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _fork(task: Callable[[], object]) -> int | None:
    """The child's process id, or None when there is no second core or no fork. Never from a process running
    other threads: one of them could hold a lock the child would wait for forever."""
    if not hasattr(os, "fork") or _cores() < 2 or threading.active_count() > 1:
        return None
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: do the task and leave at once (no atexit handlers, no flushing the parent's files)
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it ends the child
            task()
            code = 0
        except BaseException:  # noqa: BLE001 - the parent does the task again and meets the error itself
            pass
        finally:
            os._exit(code)
    return pid


@contextmanager
def helper(task: Callable[[], object] | None) -> Iterator[Callable[[], bool]]:
    """Start task() in a forked child (if there is one) while the block runs. The block gets a function that
    waits for the child and says whether it completed the task; if it did not, the block does the task itself.
    Leaving the block early (an error, Ctrl-C) ends the child first, so nothing writes behind the caller's back."""
    pid = _fork(task) if task is not None else None
    finished: list[bool] = []

    def wait() -> bool:
        nonlocal pid
        if not finished:
            finished.append(pid is not None and _exit_code(pid) == 0)
            pid = None
        return finished[0]

    try:
        yield wait
    finally:
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _exit_code(pid: int) -> int | None:
    """The child's exit code; None when it was stuck past PATIENCE and has been ended."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None
