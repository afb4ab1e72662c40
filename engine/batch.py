"""Evaluate files of any size: records stream in, rendered results stream out, in input order.

Files are read once by engine.loading (a CSV scanned: its units found, their codes taken, no record built;
other files parsed whole). Chunks of units — (file, first, last) — go to worker processes, each with its own durable_rules host (the C core is single-threaded and per
process), a bounded number at a time so memory stays flat. Each worker is fed through its own pipe, so the
parent always knows which chunk a worker holds: a worker that dies (killed, out of memory, crashed in the C
core) costs only that chunk, a fresh worker takes its place, and the chunk's units are retried one by one; a
unit that kills its worker again is named as not evaluated and every other unit is written. Workers ignore
Ctrl-C (the parent stops them) and exit by themselves when the parent dies (their pipe closes).
"""
from __future__ import annotations

import faulthandler
import gc
import os
import pickle
import queue
import signal
import struct
import sys
import threading
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, TextIO

from engine import api
from engine.loading import Plan, parts, plan
from engine.messages import Message
from engine.readers.records import Record
from engine.results.model import UnitResult
from engine.results.render import RENDERERS, Meta, Summary, joined, warning_lines, write_chunk
from engine.criteria.model import CriteriaSet
from engine.rules.evaluate import collector_paused
from engine.criteria.versions import CriteriaLibrary
from engine.units.duplicates import unit_code_of

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["Plan", "plan", "run"]

CHUNK = 250            # units per task: large enough to amortise the hand-off, small enough to stream
PARALLEL_FROM = 400    # below this many units a worker's start-up costs more than it saves
QUEUED = 2             # chunks a worker holds: the one it evaluates and the next, so it never waits for one
AHEAD = 3              # chunks dispatched or done but not yet written, per worker: bounds memory
TAIL_CHUNKS = 2        # the batch's last TAIL_CHUNKS × CHUNK units go in quarter chunks (see _parts)


@dataclass(frozen=True)
class Job:
    # The criteria, loaded once by the parent, and the files as read (engine/loading.py): a forked worker has
    # them already (a new interpreter receives them pickled); no worker reads a file or the criteria again.
    library: CriteriaLibrary
    plan: Plan
    fmt: str
    lang: str
    detail: bool
    strict_units: bool = False  # --strict-units: a unit not matching the official list of units is invalid


@dataclass
class Evaluated:
    """What a chunk of units gave, as a worker sends it to the parent: their rendered output joined in one piece
    (one string, or for the spreadsheet renderers one dict of pieces: engine/results/render.py, joined), and
    what the summary counts. One object per chunk, not one per unit: pickling, sending and unpickling 250
    objects per chunk, then writing them one by one, cost the parent and the workers ~10 µs per unit (JSON) to
    ~27 µs (--output DIR)."""

    units: int
    text: object  # what the renderer made of the units, joined
    statuses: dict[str, int]  # how many units of each status
    provisional: int  # provisional bands used, over the units
    warnings: list[str] | None = None  # what the official list of units says of them, in the job's language


# ---------------------------------------------------------------- work done inside a process

_STATE: dict = {}


def _setup(job: Job) -> None:
    _STATE["job"] = job
    _STATE["plan"] = job.plan
    _STATE["library"] = job.library  # a file's set, or a directory's: a set per period
    _STATE["renderer"] = RENDERERS[job.fmt](job.lang, job.detail)
    # The parent writes the head; a worker's renderer reads it too, so that its units refer to the same
    # criteria metadata (band indexes) as the head says.
    _STATE["renderer"].head(_meta(_STATE["library"]))


def _meta(library: CriteriaLibrary) -> Meta:
    # The head describes the set in force today and, for a directory of sets, every other set under its key:
    # a unit of another period names its set (criteria_set), and its band indexes refer to that set.
    return Meta(library.id, library.source, library.digest, library.current(), library.sets)


def _evaluate_chunk(first_index: int, records_: list[Record]) -> list[Evaluated]:
    renderer, job = _STATE["renderer"], _STATE["job"]
    results = api.score(_STATE["library"], records_, job.strict_units)
    if _STATE.get("keep"):  # in the parent only (run's keep): the caller reuses these results
        _STATE["keep"](records_, results)
    # Rendering makes no cycles either: with the collector running, the chunk's results would be promoted to the
    # oldest generation while rendered, only to die, and every few chunks trigger a walk of the whole process.
    with collector_paused(len(records_)):
        statuses: dict[str, int] = {}
        provisional, warnings = 0, []
        for result in results:
            statuses[result.status] = statuses.get(result.status, 0) + 1
            provisional += len(result.provisional)
            if result.warnings:
                warnings += warning_lines(result, job.lang)
        text = _rendered(renderer, results, first_index)
        return [Evaluated(len(results), text, statuses, provisional, warnings or None)]


def _rendered(renderer, results: list[UnitResult], first_index: int) -> object:
    """The chunk's units rendered and joined (render.joined). A renderer that writes a unit as UTF-8 itself
    (JsonRenderer.unit_bytes: a compact unit encoded part by part, its ASCII parts copied) gives the chunk's bytes
    as they are: its units joined as text were encoded whole, the Vietnamese of each character by character
    (~25–30k instructions a unit of --format json). A chunk holding a unit whose text UTF-8 cannot carry (a lone
    surrogate, as a file name this system cannot decode brings) is rendered as text, left to the output's own
    error handler as before."""
    unit_bytes = getattr(renderer, "unit_bytes", None)
    if unit_bytes is not None:
        try:
            return joined([unit_bytes(result, first_index + offset) for offset, result in enumerate(results)])
        except UnicodeEncodeError:
            pass
    return joined([renderer.unit(result, first_index + offset) for offset, result in enumerate(results)])


# What a worker runs for each task. Tests put a function of their own here (in the parent, before run) to
# make a worker die on chosen units; production code never changes it.
TASK: Callable[[int, list[Record]], list[Evaluated]] = _evaluate_chunk


def _serve(connection: Connection, job: Job, task: Callable, foreign: list[Connection]) -> None:
    """A worker's life: set up once, then evaluate each chunk it is sent until the parent closes the pipe.
    A thread takes chunks off the pipe as they come, so the parent can queue the next chunk while this one
    is evaluated (and never blocks sending it while this worker is sending a result).

    The worker is a fork of the parent (see _Worker): it takes its own signal dispositions before any signal
    can reach it, and closes the parent's ends of the pipes (its own and the other workers'), so that each
    worker reads end-of-file as soon as the parent goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent stops a worker with SIGTERM: it just ends
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _GUARDED)
    faulthandler.disable()  # a crash is reported by the parent (unit and signal), not dumped over the output
    for other in foreign:
        other.close()
    _setup(job)
    inbox: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_receive, args=(connection, inbox), daemon=True).start()
    while (item := inbox.get()) is not None:
        first, part = item
        try:  # the chunk's records built here, where they are scored (a CSV's from its lines)
            with collector_paused(job.plan.count):  # see _in_process
                reply = ("done", task(first, job.plan.records(part)))
        except Exception as error:  # noqa: BLE001 - a bug on some unit must not end the batch; it is named
            reply = ("failed", f"{type(error).__name__}: {error}")
        try:
            _send(connection, reply)
        except (BrokenPipeError, OSError):
            return


def _receive(connection: Connection, inbox: queue.SimpleQueue) -> None:
    while True:
        try:
            inbox.put(connection.recv())
        except (EOFError, OSError):
            inbox.put(None)  # the parent is gone, or done with us
            return


# ---------------------------------------------------------------- a reply's way from a worker to the parent
#
# A chunk's reply is a few megabytes (a national --output DIR batch sends ~95 MB in 52 replies). Connection.send
# pickles it into a growing BytesIO, and Connection.recv reads it in pieces of at most what the socket holds, each
# into a new bytes object the size of what is left (fresh memory: page faults), copied again into a BytesIO before
# it is unpickled. Here a reply is pickled to bytes once (pickle.dumps) and written after its size; the parent reads
# it into one buffer it keeps for the worker (_Inbox) and unpickles it from there (the objects are copies: the buffer is
# free again as soon as loads returns). Measured on the national batch's replies: the parent's receiving and
# unpickling 0.085–0.098 s of processor -> 0.046–0.055 s, the worker's pickling 0.024–0.035 s -> 0.014 s (both
# workers together). Where a Connection is not a descriptor of this system (Windows' pipes), send and recv as before.
_SIZE = struct.Struct("<Q")  # a reply's size in bytes, before it
_FRAMED = sys.platform != "win32"


def _send(connection: Connection, reply: object) -> None:
    """A reply of a worker, as _read reads it."""
    if not _FRAMED:
        connection.send(reply)
        return
    payload = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
    fd = connection.fileno()
    for part in (_SIZE.pack(len(payload)), payload):
        with memoryview(part) as rest:
            while rest:  # a write may take part of it (the socket full, a signal): the rest follows
                rest = rest[os.write(fd, rest):]


class _Inbox:
    """Where the parent reads a worker's replies (as _send writes them): one buffer, grown to the largest reply."""

    def __init__(self):
        self.buffer = bytearray(_SIZE.size)

    def read(self, connection: Connection) -> object:
        """The worker's next reply; EOFError when the worker is gone before its end."""
        if not _FRAMED:
            return connection.recv()
        fd = connection.fileno()
        _fill(fd, self.buffer, _SIZE.size)
        size = _SIZE.unpack_from(self.buffer)[0]
        if size > len(self.buffer):  # a quarter more, so that the next reply a little larger finds room: a new
            self.buffer = bytearray(size + (size >> 2))  # buffer is zeroed (national: 25.0 MB zeroed -> 5.3 MB)
        _fill(fd, self.buffer, size)
        with memoryview(self.buffer) as whole, whole[:size] as reply:
            return pickle.loads(reply)


def _fill(fd: int, buffer: bytearray, size: int) -> None:
    """The first `size` bytes of `buffer` read from `fd`, however many reads they take."""
    got = 0
    with memoryview(buffer) as view:
        while got < size:
            with view[got:size] as rest:
                read = os.readv(fd, [rest])
            if not read:
                raise EOFError
            got += read


# ---------------------------------------------------------------- the orchestration

def workers_for(count: int, jobs: int | None) -> int:
    """How many worker processes: never more than the cores this process may use, nor than chunks."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if jobs is None and count < PARALLEL_FROM:
        return 1
    return max(1, min(jobs or cores, cores, -(-count // CHUNK)))


def run(plan_: Plan, criteria: CriteriaSet | CriteriaLibrary, fmt: str, lang: str, out: TextIO, detail: bool | None = None,
        jobs: int | None = None, progress: Callable[[int], None] | None = None,
        keep: Callable[[list[Record], list[UnitResult]], None] | None = None, strict_units: bool = False) -> Summary:
    """Evaluate every unit the plan found, writing the rendered output to `out`. Returns the summary.

    jobs: worker processes (None: one per core for batches of PARALLEL_FROM units or more, else in-process);
    never more than the cores available. keep: given each chunk's records and their results as they are
    evaluated (cfc evaluate --save keeps them instead of reading and evaluating the files again); the batch
    is then evaluated in this process, where the results are."""
    if detail is None:  # a single unit at a terminal gets every indicator; files get the compact results
        detail = plan_.count == 1 and fmt == "table"
    criteria = CriteriaLibrary.of(criteria)
    job = Job(criteria, plan_, fmt, lang, detail, strict_units)
    workers = 1 if keep else workers_for(plan_.count, jobs)
    renderer = RENDERERS[fmt](lang, detail)
    summary = Summary(file_errors=plan_.file_errors)
    out.write(renderer.head(_meta(criteria)))
    results = _in_process(job, plan_, keep) if workers == 1 else _in_workers(job, plan_, workers, summary)
    for evaluated in results:
        write_chunk(out, evaluated.text)
        summary.add_counts(evaluated.statuses, evaluated.provisional)
        if evaluated.warnings:
            summary.warnings.extend(evaluated.warnings)
        if progress:
            progress(evaluated.units)
    out.write(renderer.tail(summary))
    return summary


def _in_process(job: Job, plan_: Plan, keep: Callable | None = None) -> Iterator[Evaluated]:
    _setup(job)
    _STATE["keep"] = keep
    try:
        for first, part in _parts(plan_):
            # The collector paused over a chunk's whole task, in a worker too (_serve): building its records,
            # validating, scoring and rendering them; what outlives a chunk of a batch of PROMOTE_FROM units or more
            # goes to the oldest generation (collector_paused). Scoring and rendering paused it already; building and
            # validating the records did not, and their objects (a record, its values) made a worker walk its young
            # generations ~90 times a national batch, 27–32 ms of processor a worker (gc.callbacks; 65–72 ms from
            # the national workbook), and a tail chunk's survivors were walked when it ended (under PROMOTE_FROM
            # units): 3–5 ms a worker left. None of those collections found garbage: what a chunk makes, reference
            # counting frees.
            with collector_paused(plan_.count):
                evaluated = _evaluate_chunk(first, plan_.records(part))
            yield from evaluated
    finally:
        _STATE["keep"] = None


def _parts(plan_: Plan) -> Iterator[tuple[int, tuple[int, int, int]]]:
    """The plan's units in chunks of CHUNK (loading.parts), the batch's last TAIL_CHUNKS × CHUNK units in quarter
    chunks. A worker is given its next chunk while it evaluates one (QUEUED): when the chunks run out, one worker
    may still hold two whole chunks while the other has nothing left, a core idle for up to ~0.15 s of a national
    --output DIR. With small chunks last, the workers end within a small chunk of each other. The chunks depend on
    the plan alone, never on how many workers there are: in one process or in several, a sheet's rows come in the
    same pieces (its deflated bytes depend on them)."""
    quarter = max(1, CHUNK // 4)
    tail_from = plan_.count - TAIL_CHUNKS * CHUNK
    for first, (source, start, stop) in parts(plan_, CHUNK):
        if first + stop - start <= tail_from:
            yield first, (source, start, stop)
            continue
        for at in range(start, stop, quarter):
            yield first + at - start, (source, at, min(at + quarter, stop))


@dataclass
class _Lost:
    """A unit whose worker died twice (once with its chunk, once alone)."""

    part: tuple[int, int, int]
    why: str
    units = 1


# Signals held back while a worker is forked: the child takes its own dispositions (see _serve) before they can
# reach it, and one sent to the parent meanwhile is delivered to the parent's handler right after.
_GUARDED = {signal.SIGINT, signal.SIGTERM}


class _Worker:
    """A worker process, forked from this one (see _start_method): it starts in milliseconds with the engine
    already imported and the criteria already read (a new interpreter takes ~0.35 s of processor per worker
    to import and load them again). What a fork inherits is taken care of:

    - signals: held back across the fork until the worker has set its own (see _serve);
    - pipes: the worker closes this process's ends of its own pipe and of the other workers';
    - buffered output: multiprocessing flushes stdout and stderr before it forks, and a worker ends with
      os._exit, so nothing this process had buffered is written twice (a test checks it);
    - the durable core: never copied mid-call (engine/rules/durable_core.py holds its lock across a fork);
    - the collector: this process's objects are frozen across the fork (gc.freeze, as Python's documentation
      advises), so the worker starts with them out of its collector's way instead of walking them, and
      copying the pages it shares with this process, at its first collection.
    """

    def __init__(self, context, job: Job, task: Callable, others: list["_Worker"]):
        self.connection, child = context.Pipe()
        forked = context.get_start_method() == "fork"
        # A fork holds copies of this process's ends of its own pipe and of the others': it closes them.
        foreign = [self.connection] + [other.connection for other in others] if forked else []
        self.process = context.Process(target=_serve, args=(child, job, task, foreign), daemon=True)
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _GUARDED)  # a new interpreter inherits the mask too
        if forked:
            gc.freeze()
        try:
            self.process.start()
        finally:
            if forked:
                gc.unfreeze()
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        child.close()  # only the worker holds its end: when the parent dies, the worker reads end-of-file
        self.held: deque[tuple[int, tuple, bool]] = deque()  # (first index, units, is a retry), in order
        self.inbox = _Inbox()

    def give(self, first: int, chunk: tuple, retry: bool) -> None:
        """Units (source, start, stop) of the plan to evaluate, the first being unit `first` of the batch."""
        self.held.append((first, chunk, retry))
        try:
            self.connection.send((first, chunk))
        except (BrokenPipeError, ConnectionResetError):
            # It died since the parent last looked (killed, crashed): the chunk stays held, the parent's wait
            # sees the death, and what it held is given again. (Left to rise, this error reached the command as
            # "the reader of stdout went away": exit 141, the rest of the output lost.)
            pass

    def stop(self) -> None:
        self.connection.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _in_workers(job: Job, plan_: Plan, count: int, summary: Summary) -> Iterator[Evaluated]:
    """Results in input order from `count` workers. Output order never depends on timing: pieces are written
    by index, and units not evaluated are named in input order too."""
    from multiprocessing.connection import wait  # here: a single unit, evaluated in-process, starts faster without it

    context = _start_method()
    task = TASK
    chunks = _parts(plan_)
    workers: list[_Worker] = []
    for _ in range(count):
        workers.append(_Worker(context, job, task, workers))
    retries: deque[tuple[int, tuple]] = deque()  # units of a chunk whose worker died, one per task
    again: deque[tuple[int, tuple]] = deque()    # chunks a dead worker held but had not begun
    done: dict[int, list] = {}  # first index → what its task gave (Evaluated), or [_Lost] for a unit not evaluated
    next_index, exhausted = 0, False
    try:
        while True:
            # Keep every worker's queue full: retries first, then new chunks while not too far ahead of the writer.
            for worker in workers:
                while len(worker.held) < QUEUED:
                    if retries:
                        worker.give(*retries.popleft(), retry=True)
                    elif again:
                        worker.give(*again.popleft(), retry=False)
                    elif not exhausted and len(done) + _held(workers) < AHEAD * count:
                        chunk = next(chunks, None)
                        if chunk is None:
                            exhausted = True
                            break
                        worker.give(*chunk, retry=False)
                    else:
                        break
            # Write whatever is next in input order.
            while next_index in done:
                pieces = done.pop(next_index)
                next_index += sum(piece.units for piece in pieces)
                for piece in pieces:
                    if isinstance(piece, _Lost):
                        summary.not_evaluated.append(_not_evaluated(plan_, piece, job.lang))
                    else:
                        yield piece
            if exhausted and not retries and not again and not _held(workers) and not done:
                return
            if not _held(workers):
                continue
            busy = [w for w in workers if w.held]
            ready = set(wait([w.connection for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                if worker.connection not in ready and worker.process.sentinel not in ready:
                    continue
                kind, payload = _reply(worker)
                first, chunk, retry = worker.held.popleft()  # a worker answers in the order it was given
                if kind == "done":
                    done[first] = payload
                    continue
                if kind == "died":  # the process is gone: a fresh one takes its place, and what it held but
                    worker.stop()  # had not begun is given again as it was (it did not fail)
                    for held in reversed(worker.held):
                        (retries if held[2] else again).appendleft(held[:2])
                    workers[workers.index(worker)] = _Worker(context, job, task, [w for w in workers if w is not worker])
                if retry:  # failed alone too: this unit is named, never guessed
                    done[first] = [_Lost(chunk, payload)]
                else:  # the chunk's units are tried again one by one, so the others are not lost with one
                    index, start, stop = chunk
                    retries.extend((first + offset, (index, unit, unit + 1))
                                   for offset, unit in enumerate(range(start, stop)))
    finally:
        for worker in workers:
            worker.stop()


def _start_method():
    """Workers are forks of this process (see _Worker) on Linux, except in a process running other threads (a
    server): one of them could hold a lock the fork would wait for forever, so there each worker is a new
    interpreter. So it is on Windows (no fork) and macOS (whose system libraries may start threads of their
    own: Python itself no longer forks there by default)."""
    import multiprocessing  # here: a single unit, evaluated in-process, starts faster without it
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _held(workers: list[_Worker]) -> int:
    return sum(len(worker.held) for worker in workers)


def _reply(worker: _Worker) -> tuple[str, object]:
    """The answer of a worker that has one or has died: ("done", pieces), ("failed", why) when its task
    raised, ("died", why) when its process ended."""
    try:
        if worker.connection.poll():
            return worker.inbox.read(worker.connection)
    except (EOFError, OSError):
        pass
    worker.process.join(timeout=5)
    return "died", _exit_reason(worker.process.exitcode)


def _exit_reason(code: int | None) -> str:
    """How a worker process ended, as its operating system says it (SIGKILL is what the out-of-memory killer
    sends; SIGSEGV a crash in the C core)."""
    if code is not None and code < 0:
        try:
            return f"worker process died: {signal.Signals(-code).name}"
        except ValueError:
            return f"worker process died: signal {-code}"
    return f"worker process died: exit code {code}"


def _not_evaluated(plan_: Plan, lost: _Lost, lang: str) -> str:
    record = plan_.records(lost.part)[0]
    return Message("not_evaluated", {"where": record.where(lang), "unit": unit_code_of(record) or "?",
                                     "why": lost.why}).render(lang)
