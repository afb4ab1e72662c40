"""Long work of `cfc serve` that must never outlive its purpose: documents and the server itself.

A document (an appraisal of a board of thousands of units) is laid out in a worker thread for seconds to
minutes. Here such work is bounded and cancelled:
- at most JOBS run at once (the others wait their turn, and give it up if their client goes away); uploads
  are read the same way, READS at once, so that many at once cannot hold many times their memory;
- a board larger than DOCUMENT_UNITS is refused on the page with a sentence pointing to `cfc report`,
  which a board runs on its own computer and can stop with Ctrl-C;
- when the client goes away (the browser closed, the download cancelled), the job is cancelled at its next
  page or table row (engine/reports/cancel.py);
- when the server is asked to stop (SIGTERM, Ctrl-C), every job is cancelled at once and uvicorn waits at most
  SHUTDOWN_GRACE seconds for requests still open; a worker thread that still runs after that (a step between
  two checks) does not keep the process alive: it exits.
"""
from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from typing import Callable, TypeVar

import uvicorn
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from engine.reports.cancel import Cancelled, cancellable

JOBS = 2               # documents laid out at once (the machine a board uses has a few cores)
READS = 2              # uploads read at once: reading a 10 MB file holds several hundred MB for a while
DOCUMENT_UNITS = 3000  # units in one document made by the page (~1 minute of layout here); more: `cfc report`
SHUTDOWN_GRACE = 3     # seconds uvicorn waits for open requests once told to stop

T = TypeVar("T")


class Jobs:
    """The document jobs of one server."""

    def __init__(self, limit: int = JOBS):
        self.limit = limit
        self.stopping = False
        self._running: dict[threading.Event, threading.Event] = {}  # cancel → done
        self._lock = threading.Lock()
        self._slots: asyncio.Semaphore | None = None

    def stop(self) -> None:
        """Cancel every job (the server is stopping); new ones are refused."""
        with self._lock:
            self.stopping = True
            for cancel in self._running:
                cancel.set()

    def wait(self, timeout: float) -> bool:
        """Wait for running jobs to end; whether they all did."""
        deadline = time.monotonic() + timeout
        with self._lock:
            done = list(self._running.values())
        return all(event.wait(max(deadline - time.monotonic(), 0)) for event in done)

    async def run(self, request: Request, work: Callable[[], T]) -> T | None:
        """`work()` in a worker thread, or None when it was cancelled (its client went away, the server is
        stopping) before it finished."""
        if self.stopping:
            return None
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        gone = asyncio.ensure_future(_client_gone(request))
        try:
            turn = asyncio.ensure_future(self._slots.acquire())
            await asyncio.wait({turn, gone}, return_when=asyncio.FIRST_COMPLETED)
            if not turn.done():
                turn.cancel()
                return None
            try:
                return await self._work(work, gone)
            finally:
                self._slots.release()
        finally:
            gone.cancel()

    async def _work(self, work: Callable[[], T], gone: asyncio.Future) -> T | None:
        cancel, done = threading.Event(), threading.Event()
        with self._lock:
            if self.stopping:
                return None
            self._running[cancel] = done

        def call() -> T:
            try:
                with cancellable(cancel):
                    return work()
            finally:
                done.set()

        worker = asyncio.ensure_future(run_in_threadpool(call))
        try:
            await asyncio.wait({worker, gone}, return_when=asyncio.FIRST_COMPLETED)
            if not worker.done():
                cancel.set()  # the client went away: the thread stops at its next page or row
            try:
                return await worker
            except Cancelled:
                return None
        finally:
            with self._lock:
                self._running.pop(cancel, None)


async def _client_gone(request: Request) -> None:
    """Returns when the client disconnects (the request's body has been read already, or is empty)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


class _Server(uvicorn.Server):
    """uvicorn's server, which also cancels the document jobs the moment it is told to stop."""

    def __init__(self, config: uvicorn.Config, jobs: list[Jobs]):
        super().__init__(config)
        self.jobs = jobs

    def handle_exit(self, sig, frame) -> None:
        for jobs in self.jobs:
            jobs.stop()
        super().handle_exit(sig, frame)


def serve(app, host: str, port: int, grace: int = SHUTDOWN_GRACE, **options) -> None:
    """Run the app until SIGTERM or Ctrl-C, and stop promptly: jobs cancelled, open requests given `grace`
    seconds, and a worker thread still running after that does not keep the process alive. `options`: more of
    uvicorn's (the province server's proxy headers)."""
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=grace, **options)
    jobs = [app.state.jobs] + ([app.state.readings] if hasattr(app.state, "readings") else [])
    server = _Server(config, jobs)
    server.run()
    for each in jobs:
        each.stop()
    app.state.jobs.wait(grace)
    # Idle worker threads end with the event loop; one still busy (a step between two checks, the reading of a
    # large upload) would keep the interpreter open until it finishes: nothing it does is kept, so exit.
    deadline = time.monotonic() + 1
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join(max(deadline - time.monotonic(), 0))
            if thread.is_alive():
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(0)
