"""engine/batch.py: streaming evaluation in worker processes gives the same output as in one process, in the
same order, and a worker that dies costs nothing but the units that kill it, which are named."""
from __future__ import annotations

import io
import json
import os
import signal
from pathlib import Path

import pytest

from engine import batch
from engine.criteria.model import load_criteria
from engine.criteria.versions import CriteriaLibrary
from tests.faults import hooks

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "evaluations" / "sample-area" / "units.csv"
CRITERIA = load_criteria()


def run(paths, jobs, fmt="json"):
    out = io.StringIO()
    summary = batch.run(batch.plan(paths, CRITERIA), CRITERIA, fmt, "en", out, jobs=jobs)
    return out.getvalue(), summary


@pytest.fixture
def small_chunks(monkeypatch):
    # Several chunks even for 15 units, so that two workers really share the work.
    monkeypatch.setattr(batch, "CHUNK", 4)


def test_workers_give_the_same_output_in_the_same_order(small_chunks):
    alone, summary_alone = run([SAMPLE], jobs=1)
    shared, summary_shared = run([SAMPLE], jobs=2)
    assert shared == alone
    assert summary_shared.counts == summary_alone.counts
    codes = [unit["unit_code"] for unit in json.loads(shared)["units"]]
    in_file = [line.split(",")[0] for line in SAMPLE.read_text(encoding="utf-8").splitlines()[1:]]
    assert codes == in_file and len(codes) == 15  # input order


@pytest.mark.parametrize("how", ["kill", "segv", "exit", "raise"])
def test_a_unit_that_kills_its_worker_is_named_and_no_other_unit_is_lost(small_chunks, monkeypatch, how):
    whole, _ = run([SAMPLE], jobs=1)
    # 09592 is in the second chunk of four (rows 6 to 9): its three neighbours are retried alone and kept.
    monkeypatch.setattr(batch, "TASK", hooks.task(["09592"], how))
    output, summary = run([SAMPLE], jobs=2)
    assert len(summary.not_evaluated) == 1
    line = summary.not_evaluated[0]
    assert "row 6" in line and "09592" in line and "not evaluated" in line
    assert {"kill": "SIGKILL", "segv": "SIGSEGV", "exit": "exit code 70", "raise": "injected failure"}[how] in line
    kept = [u for u in json.loads(whole)["units"] if u["unit_code"] != "09592"]
    assert json.loads(output)["units"] == kept
    assert json.loads(output)["not_evaluated"] == summary.not_evaluated
    assert summary.total == 14


def test_a_worker_that_dies_once_costs_nothing(small_chunks, monkeypatch, tmp_path):
    whole, _ = run([SAMPLE], jobs=1)
    monkeypatch.setattr(batch, "TASK", hooks.task(["09592", "09706"], "kill", once_marker=str(tmp_path / "died")))
    output, summary = run([SAMPLE], jobs=2)
    assert summary.not_evaluated == []
    assert output == whole


def test_jobs_are_capped_at_the_cores_available():
    cores = len(__import__("os").sched_getaffinity(0))
    assert batch.workers_for(100_000, 64) == cores
    assert batch.workers_for(100_000, None) == cores
    assert batch.workers_for(300, None) == 1          # small batches stay in one process
    assert batch.workers_for(300, 2) == min(2, cores)  # ... unless asked; never more workers than chunks
    assert batch.workers_for(10, 2) == 1


def test_every_file_is_read_once_and_its_records_are_the_readers(tmp_path, monkeypatch):
    # A CSV is scanned once (its lines kept, its units found, their codes taken) and its records built later from
    # those lines, in parts, where they are scored: the same records as reading it row by row, repeated codes
    # (found across files, further down included) marked on every row holding them.
    import engine.loading as loading
    from engine.readers import read_records
    from engine.criteria.model import load_criteria
    criteria = load_criteria()
    paths = []
    for number in range(3):
        path = tmp_path / f"f{number}.csv"
        path.write_text("unit_code,births\n" + "".join(f"U{number}-{row},{row}\n" for row in range(5))
                        + ('U0-1,"a ""quoted""\nvalue"\n' if number == 2 else ""), encoding="utf-8")
        paths.append(path)
    reads = []
    original = loading.read_source
    monkeypatch.setattr(loading, "read_source", lambda path, c: reads.append(Path(path).name) or original(path, c))
    plan = loading.plan(paths, criteria)
    assert reads == ["f0.csv", "f1.csv", "f2.csv"] and plan.count == 16
    built = list(loading.records(plan))
    assert reads == ["f0.csv", "f1.csv", "f2.csv"]  # records are built from what was read: no file read again
    expected = [record for path in paths for record in read_records(path, criteria)]
    assert [(r.source, r.number, r.data) for r in built] == [(r.source, r.number, r.data) for r in expected]
    repeated = [r for r in built if any(e.message.key == "duplicate_unit" for e in r.problems)]
    assert [(Path(r.source).name, r.number) for r in repeated] == [("f0.csv", 3), ("f2.csv", 7)]
    in_parts = [r for first, part in loading.parts(plan, 2) for r in plan.records(part)]
    assert [(r.source, r.number, r.data) for r in in_parts] == [(r.source, r.number, r.data) for r in built]


def test_a_forked_worker_never_writes_what_its_parent_had_buffered(tmp_path, monkeypatch):
    """A worker is a fork of the process writing the output, so it starts with that output's buffer. Ending on
    its own (its pipe closed, as when the parent is done or gone), it must not write that buffer again, nor
    keep the parent's end of any pipe open."""
    import multiprocessing
    target = tmp_path / "stdout.txt"
    stdout = open(target, "w", encoding="utf-8", buffering=1 << 16)
    monkeypatch.setattr("sys.stdout", stdout)
    stdout.write("written before the worker started\n")  # buffered, not yet on disk
    context = multiprocessing.get_context("fork")
    job = batch.Job(CriteriaLibrary.of(CRITERIA), batch.plan([SAMPLE], CRITERIA), "json", "en", False)
    first = batch._Worker(context, job, batch.TASK, [])
    second = batch._Worker(context, job, batch.TASK, [first])
    stdout.write("written after\n")
    for worker in (second, first):  # the pipe closed: each worker ends by itself (not terminated)
        worker.connection.close()
        worker.process.join(timeout=60)
        assert worker.process.exitcode == 0
    stdout.close()
    assert target.read_text(encoding="utf-8") == "written before the worker started\nwritten after\n"


def test_giving_a_chunk_to_a_worker_that_has_just_died_keeps_the_chunk_for_the_next_one():
    import multiprocessing
    from engine.readers import read_records
    context = multiprocessing.get_context("fork")
    job = batch.Job(CriteriaLibrary.of(CRITERIA), batch.plan([SAMPLE], CRITERIA), "json", "en", False)
    worker = batch._Worker(context, job, batch.TASK, [])
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.join(timeout=60)
    chunk = list(read_records(SAMPLE))[:2]
    for first in range(0, 400, 2):  # past the pipe's buffer: a send that blocked would hang, one that raised fails
        worker.give(first, chunk, retry=False)
    assert len(worker.held) == 200 and worker.held[0][1] == chunk
    kind, why = batch._reply(worker)
    assert kind == "died" and "SIGKILL" in why
    worker.stop()


def test_a_worker_dying_while_the_parent_sends_it_work_loses_nothing(small_chunks, monkeypatch):
    """The parent fills a worker's queue before it looks for deaths: a worker killed in between breaks the pipe
    under the parent's send (found by the fault suite as an exit 141 with the output cut short). Here two
    workers are killed just before the parent sends them their next chunk."""
    monkeypatch.setattr(batch, "CHUNK", 2)
    alone, _ = run([SAMPLE], jobs=1)
    original = batch._Worker.give
    dying = {"left": 2}

    def give(self, first, chunk, retry):
        # (a worker holding a unit retried alone is spared: a unit whose worker dies twice is named, by design)
        if dying["left"] and self.held and not retry and not any(held[2] for held in self.held):
            dying["left"] -= 1
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.join(timeout=60)
        original(self, first, chunk, retry)

    monkeypatch.setattr(batch._Worker, "give", give)
    shared, summary = run([SAMPLE], jobs=2)
    assert dying["left"] == 0
    assert shared == alone and not summary.not_evaluated


def test_beside_other_threads_workers_are_new_interpreters_and_give_the_same_output(small_chunks):
    """A fork beside other threads could wait forever for a lock one of them held: a process running threads
    (a server) starts its workers as new interpreters instead, with the same results."""
    import threading
    forked, _ = run([SAMPLE], jobs=2)
    assert batch._start_method().get_start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert batch._start_method().get_start_method() == "spawn"
        spawned, summary = run([SAMPLE], jobs=2)
    finally:
        stop.set()
        other.join()
    assert spawned == forked and summary.total == 15


def test_workers_are_forks_only_on_linux(monkeypatch):
    monkeypatch.setattr("sys.platform", "darwin")
    assert batch._start_method().get_start_method() == "spawn"
    monkeypatch.setattr("sys.platform", "linux")
    assert batch._start_method().get_start_method() == "fork"


def test_chunks_cover_every_unit_once_in_order_and_end_small(small_chunks, tmp_path):
    """batch._parts: loading.parts' chunks (4 units here), the batch's last TAIL_CHUNKS × CHUNK units in quarter
    chunks (so that two workers end together), across files; every unit once, in order, numbered in the batch."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    second = tmp_path / "second.csv"
    second.write_text("".join(lines[:1] + [line.replace("0", "9", 1) for line in lines[1:9]]), encoding="utf-8")
    plan = batch.plan([SAMPLE, second], CRITERIA)
    assert plan.count == 23
    chunks = list(batch._parts(plan))
    units = [(source, unit) for _, (source, start, stop) in chunks for unit in range(start, stop)]
    assert units == [(0, unit) for unit in range(15)] + [(1, unit) for unit in range(8)]
    sizes = [stop - start for _, (_, start, stop) in chunks]
    assert [first for first, _ in chunks] == [sum(sizes[:i]) for i in range(len(chunks))]
    assert batch.TAIL_CHUNKS * batch.CHUNK == 8
    assert sizes == [4, 4, 4, 3] + [1] * 8  # the first file's chunks as loading.parts makes them, the last 8 alone


def test_small_last_chunks_give_the_same_output(small_chunks):
    """With CHUNK 4 the last eight units go one by one: in workers as in one process, every format the same."""
    for fmt in ("json", "csv", "table"):
        assert run([SAMPLE], jobs=2, fmt=fmt)[0] == run([SAMPLE], jobs=1, fmt=fmt)[0]


def test_a_json_chunk_crosses_as_the_utf8_of_its_units_text_and_as_text_when_utf8_cannot_carry_it(tmp_path):
    """--format json: a chunk's units come as UTF-8 from the renderer (JsonRenderer.unit_bytes) and are joined as
    bytes — exactly the text the units render to, encoded. A unit holding a lone surrogate (a file name this system
    could not decode) cannot be UTF-8: that chunk goes as text, for the output's own error handler, as before."""
    from engine import api
    from engine.results.render import RENDERERS, joined

    renderer = RENDERERS["json"]("vi", False)
    renderer.head(batch._meta(CriteriaLibrary.of(CRITERIA)))
    data = tmp_path / "đơn vị.csv"
    from bench.generate import write
    write(data, 60, 5)  # Vietnamese names, bad units among them
    results = api.evaluate_files(CRITERIA, [data]).units
    for first in (0, 7):
        text = joined([renderer.unit(result, first + offset) for offset, result in enumerate(results)])
        chunk = batch._rendered(renderer, results, first)
        assert type(chunk) is bytes and chunk == text
        assert "Xã".encode() in chunk or "Phường".encode() in chunk
    odd = results[3]
    odd.source = type(odd.source).of("t\udcffi.csv dòng 4", "t\udcffi.csv row 4")
    chunk = batch._rendered(renderer, results, 0)
    assert type(chunk) is str
    assert chunk == "".join(renderer.unit(result, offset) for offset, result in enumerate(results))
    assert "\udcff" in chunk


def _replies_sent(send) -> "multiprocessing.connection.Connection":
    """The parent's end of a pipe whose other end a forked process gives to `send`, then closes."""
    import multiprocessing
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    process = context.Process(target=lambda: (ours.close(), send(theirs), theirs.close()), daemon=True)
    process.start()
    theirs.close()
    return ours, process


def _reply_like_a_chunk(units: int) -> tuple:
    """A reply shaped as a chunk's of --output DIR: bytes of every kind (NULs, Vietnamese), rows as lists."""
    rows = [b'<row r="\0"><c r="A\0" t="inlineStr"><is><t>' + "Xã Đông %d 100%%".encode() % n + b"</t></is></c></row>"
            for n in range(units * 6)]
    text = {"sheets": {"a": rows, "b": rows[:units]}, "csv": b"x,\xc4\x90\r\n" * units, "json": b"{}" * units,
            "after": False}
    return "done", [batch.Evaluated(units, text, {"recognized": units}, 0, ["cảnh báo"] * (units % 3))]


def test_replies_reach_the_parent_whole_in_order_whatever_their_size():
    """A worker's replies (batch._send) read by the parent (batch._Inbox) into one buffer it grows and reuses: each
    equal to what was sent, small after large (the buffer larger than the reply), large after small."""
    replies = [_reply_like_a_chunk(units) for units in (1, 3000, 2, 12000, 0, 5)] + [("failed", "ValueError: x")]
    ours, process = _replies_sent(lambda end: [batch._send(end, reply) for reply in replies])
    inbox = batch._Inbox()
    got = [inbox.read(ours) for _ in replies]
    assert got == replies
    assert len(inbox.buffer) >= len(__import__("pickle").dumps(replies[3], 5))  # grown once, to the largest
    with pytest.raises(EOFError):  # the writer is done: end of file, not a reply
        inbox.read(ours)
    process.join(timeout=60)


def test_a_reply_written_and_read_in_small_pieces_is_the_same(monkeypatch):
    """The system may take part of a write (a full socket, a signal) and give part of a reply in a read: each
    side goes on where it stopped."""
    original_write, original_readv = os.write, os.readv
    monkeypatch.setattr(os, "write", lambda fd, data: original_write(fd, bytes(data[:997])))  # the forked writer
    reply = _reply_like_a_chunk(500)
    ours, process = _replies_sent(lambda end: (batch._send(end, reply), batch._send(end, ("failed", "why"))))
    monkeypatch.setattr(os, "write", original_write)
    reads = []

    def readv(fd, buffers):  # the parent: at most 4,099 bytes a read
        reads.append(1)
        with memoryview(buffers[0]) as view, view[:4099] as part:
            return original_readv(fd, [part])

    monkeypatch.setattr(os, "readv", readv)
    inbox = batch._Inbox()
    assert inbox.read(ours) == reply and inbox.read(ours) == ("failed", "why")
    assert len(reads) > 60  # ~270 kB at most 4,099 bytes a read
    process.join(timeout=60)


def test_a_worker_gone_in_the_middle_of_a_reply_is_end_of_file_and_then_a_death(monkeypatch):
    """A worker killed while it writes a reply: the parent reads what came, then end of file (not a reply made of
    half of one), which _reply reports as the worker's death."""
    import pickle
    reply = _reply_like_a_chunk(2000)

    def half(end):
        payload = pickle.dumps(reply, pickle.HIGHEST_PROTOCOL)
        os.write(end.fileno(), batch._SIZE.pack(len(payload)))
        os.write(end.fileno(), payload[: len(payload) // 2])
        os._exit(3)

    ours, process = _replies_sent(half)
    with pytest.raises(EOFError):
        batch._Inbox().read(ours)
    process.join(timeout=60)
    ours, process = _replies_sent(half)

    class Worker:  # what _reply reads of a worker
        connection, inbox = ours, batch._Inbox()

    Worker.process = process
    assert ours.poll(60)  # as the parent calls _reply: when the worker has written something, or is gone
    assert batch._reply(Worker) == ("died", "worker process died: exit code 3")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_chunk_is_read_and_scored_with_the_collector_paused_and_it_runs_again_after(small_chunks, monkeypatch, jobs):
    """Building a chunk's records, validating and scoring them make no reference cycles: the collector is paused
    over a chunk's whole task (in a worker and in one process), and running again once the batch is done."""
    import gc
    from engine import loading
    seen = []
    records, evaluate = loading.Plan.records, batch._evaluate_chunk

    def built(self, part):  # where a chunk's records are made (in the process that scores them)
        if gc.isenabled():
            raise RuntimeError("the collector ran while the records were built")
        return records(self, part)

    def task(first, records_):
        if gc.isenabled():
            raise RuntimeError("the collector ran while the chunk was scored")
        seen.append(first)
        return evaluate(first, records_)

    monkeypatch.setattr(loading.Plan, "records", built)
    monkeypatch.setattr(batch, "TASK", task)
    if jobs == 1:
        monkeypatch.setattr(batch, "_evaluate_chunk", task)
    whole, summary = run([SAMPLE], jobs=jobs)
    assert not summary.not_evaluated and summary.total == 15
    assert gc.isenabled()
    if jobs == 1:  # (in workers, the task's checks raise there: a failed chunk's units would be named)
        assert seen == [first for first, _ in batch._parts(batch.plan([SAMPLE], CRITERIA))]
