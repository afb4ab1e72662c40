"""Evaluate files of any size: records stream in, rendered results stream out, in input order.

A pass over the files first collects unit codes (duplicates must name every row holding one) and counts the
units; nothing else is kept. Then chunks of records go to worker processes, each with its own durable_rules
host (the C core is single-threaded and per process), a bounded number at a time so memory stays flat. A
worker that dies takes only its chunks with it: they are retried one by one in a fresh worker, and a chunk
that kills its worker again is reported unit by unit as not evaluated.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from engine.rules.criteria import CriteriaSet, load_criteria
from engine.rules.evaluate import evaluate_units
from engine.readers import iter_records
from engine.readers.records import InputFileError, Record
from engine.units.duplicates import group_duplicates, mark_duplicate, unit_code_of
from engine.units.validate import validate_record
from engine.results.render import RENDERERS, Meta, Summary

CHUNK = 250            # units per task: large enough to amortise the hand-off, small enough to stream
PARALLEL_FROM = 400    # below this many units a worker's start-up costs more than it saves
FAULT_ENV = "CFC_FAULT_EXIT_ON_UNIT"  # fault injection for tests: a worker dies on this unit code


@dataclass(frozen=True)
class Job:
    criteria_path: str
    fmt: str
    lang: str
    detail: bool


@dataclass
class Evaluated:
    status: str
    provisional: int
    text: str


# ---------------------------------------------------------------- work done inside a process

_STATE: dict = {}


def _setup(job: Job) -> None:
    _STATE["job"] = job
    _STATE["criteria"] = load_criteria(job.criteria_path)
    _STATE["renderer"] = RENDERERS[job.fmt](job.lang, job.detail)
    # The parent writes the head; a worker's renderer reads it too, so that its units refer to the same
    # criteria metadata (band indexes) as the head says.
    _STATE["renderer"].head(_meta(_STATE["criteria"]))


def _meta(criteria: CriteriaSet) -> Meta:
    return Meta(criteria.instrument.id, criteria.source, criteria.digest, criteria)


def _evaluate_chunk(first_index: int, records: list[Record], in_worker: bool = True) -> list[Evaluated]:
    criteria: CriteriaSet = _STATE["criteria"]
    renderer = _STATE["renderer"]
    fault = os.environ.get(FAULT_ENV) if in_worker else None
    units = [validate_record(criteria, record) for record in records]
    if fault and any(unit.code == fault for unit in units):
        os._exit(70)
    return [Evaluated(result.status, len(result.provisional), renderer.unit(result, first_index + offset))
            for offset, result in enumerate(evaluate_units(criteria, units))]


def _worker_chunk(job: Job, first_index: int, records: list[Record]) -> list[Evaluated]:
    if _STATE.get("job") != job:
        _setup(job)
    return _evaluate_chunk(first_index, records)


# ---------------------------------------------------------------- the orchestration

@dataclass
class Plan:
    """What the first pass learnt: how many units, which codes repeat, which files cannot be read."""

    count: int
    duplicates: dict[str, list[Record]]
    readable: list[str]
    file_errors: list[str]
    criteria: CriteriaSet | None = None  # whose input names and labels workbook headers are matched against


def plan(paths: Iterable[str | Path], criteria: CriteriaSet | None = None) -> Plan:
    """Read every file once, keeping only each record's place and unit code. A file that fails part-way is
    left out whole (and reported), so no unit of it is half-evaluated."""
    count, readable, file_errors, places = 0, [], [], []
    for path in paths:
        try:
            found = [(unit_code_of(record), record.location()) for record in iter_records(path, criteria)]
        except InputFileError as error:
            file_errors.append(str(error))
            continue
        count += len(found)
        readable.append(str(path))
        places.extend(found)
    return Plan(count, group_duplicates(places), readable, file_errors, criteria)


def _chunks(plan_: Plan) -> Iterator[tuple[int, list[Record]]]:
    records = (mark_duplicate(record, plan_.duplicates)
               for path in plan_.readable for record in iter_records(path, plan_.criteria))
    index = 0
    while chunk := list(islice(records, CHUNK)):
        yield index, chunk
        index += len(chunk)


def run(plan_: Plan, criteria: CriteriaSet, fmt: str, lang: str, out: TextIO, detail: bool | None = None,
        jobs: int | None = None, progress: Callable[[int], None] | None = None) -> Summary:
    """Evaluate every unit the plan found, writing the rendered output to `out`. Returns the summary.

    jobs: worker processes (None: one per core for batches of PARALLEL_FROM units or more, else in-process)."""
    if detail is None:  # a single unit at a terminal gets every indicator; files get the compact results
        detail = plan_.count == 1 and fmt == "table"
    job = Job(criteria.source, fmt, lang, detail)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    workers = max(1, min(workers, -(-plan_.count // CHUNK)))
    if jobs is None and plan_.count < PARALLEL_FROM:
        workers = 1
    renderer = RENDERERS[fmt](lang, detail)
    summary = Summary(file_errors=plan_.file_errors)
    out.write(renderer.head(_meta(criteria)))
    results = _in_process(job, plan_) if workers == 1 else _in_workers(job, plan_, workers, summary)
    for evaluated in results:
        out.write(evaluated.text)
        summary.add(evaluated.status, evaluated.provisional)
        if progress:
            progress(1)
    out.write(renderer.tail(summary))
    return summary


def _in_process(job: Job, plan_: Plan) -> Iterator[Evaluated]:
    _setup(job)
    for first, records in _chunks(plan_):
        yield from _evaluate_chunk(first, records, in_worker=False)


def _pool(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: a worker must never inherit a durable host (or its lock) from its parent.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def _in_workers(job: Job, plan_: Plan, workers: int, summary: Summary) -> Iterator[Evaluated]:
    chunks = _chunks(plan_)
    pool = _pool(workers)
    pending: deque = deque()
    try:
        while True:
            while len(pending) < 2 * workers and (chunk := next(chunks, None)) is not None:
                pending.append((chunk, pool.submit(_worker_chunk, job, *chunk)))
            if not pending:
                return
            chunk, future = pending.popleft()
            try:
                yield from future.result()
                continue
            except BrokenProcessPool:
                pass
            # A worker died: every chunk in flight is lost with it. Retry each alone in a fresh worker, so a
            # chunk that kills its worker again is identified, reported, and the rest go on.
            pool.shutdown(wait=False, cancel_futures=True)
            for lost in [chunk] + [c for c, _ in pending]:
                yield from _retry_alone(job, lost, summary)
            pending.clear()
            pool = _pool(workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _retry_alone(job: Job, chunk: tuple[int, list[Record]], summary: Summary) -> Iterator[Evaluated]:
    with _pool(1) as pool:
        try:
            yield from pool.submit(_worker_chunk, job, *chunk).result()
            return
        except BrokenProcessPool:
            pass
    for record in chunk[1]:
        summary.not_evaluated.append(f"{record.where()}: not evaluated, the worker process evaluating it died "
                                     f"(unit {unit_code_of(record) or '?'})")
