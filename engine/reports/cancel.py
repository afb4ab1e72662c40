"""Stopping a document that is no longer wanted. Laying out an appraisal of thousands of units takes minutes;
when the person who asked has gone (the browser closed) or the server is stopping, the work must end at once,
not when the last page is drawn. The renderers call `check()` at every page (PDF) and every table row and block
(.docx); within `cancellable(event)`, once `event` is set, check() raises Cancelled and the half-made document
is dropped. Outside such a block (the command line) check() costs one attribute lookup and does nothing."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

_LOCAL = threading.local()


class Cancelled(Exception):
    """The document is no longer wanted: its request was cancelled."""


@contextmanager
def cancellable(event: threading.Event) -> Iterator[None]:
    """Within the block, in this thread, `check()` raises Cancelled once `event` is set."""
    previous = getattr(_LOCAL, "event", None)
    _LOCAL.event = event
    try:
        yield
    finally:
        _LOCAL.event = previous


def check() -> None:
    event = getattr(_LOCAL, "event", None)
    if event is not None and event.is_set():
        raise Cancelled
