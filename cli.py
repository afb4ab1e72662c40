"""cfc command line: parse, call the engine, render, set the exit code. Heavy imports happen inside commands."""
from __future__ import annotations

import os
import signal
import sys
from contextlib import nullcontext
from pathlib import Path

import click

LANGS = click.Choice(["vi", "en"])
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_ENGINE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a program stopped by Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the program reading the output closed it
PROGRESS_FROM = 2000    # units: about a second of work; shorter batches finish before a bar would help


def _load(criteria_path: str | None):
    from engine.rules.criteria import CriteriaError, load_criteria

    try:
        return load_criteria(criteria_path)
    except CriteriaError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_USAGE)


@click.group()
@click.version_option(package_name="cfc")
def main() -> None:
    """cfc — chấm điểm xã, phường, thị trấn phù hợp với trẻ em (QĐ 06/QĐ-TTg ngày 03/01/2019).

    Scores child-friendly communes under Decision 06/QĐ-TTg of 03/01/2019."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(),
              help="Write here (atomically) instead of stdout. A directory (existing, or a name without an "
                   "extension) receives results.json, results.csv and results.xlsx.")
@click.option("--lang", type=LANGS, default="vi", show_default=True, help="Language of labels and messages.")
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False), help="Criteria YAML (default: newest shipped).")
@click.option("--detail/--no-detail", default=None, help="Per-indicator breakdown (default: only for one unit).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per core for large batches).")
@click.option("--set", "assignments", multiple=True, metavar="INPUT=VALUE",
              help="What-if: re-score with this input changed and show what changes (repeatable).")
def evaluate(files, fmt, output, lang, criteria_path, detail, jobs, assignments):
    """Evaluate units' self-assessment data (CSV, XLSX, YAML or JSON).

    Exit code: 0 every unit evaluated, 1 some unit has invalid data, 2 usage error or unreadable file,
    3 some unit could not be evaluated (its worker process died; the units are named), 130 interrupted
    (Ctrl-C or SIGTERM: nothing written)."""
    from engine import batch
    from engine.atomic import atomic_text
    from engine.results.directory import NAMES, DirectoryWriter

    to_dir = output is not None and (Path(output).is_dir() or not Path(output).suffix)
    targets = [Path(output) / name for name in NAMES] if to_dir else [Path(output)] if output else []
    if any(t.resolve() == Path(f).resolve() for t in targets for f in files):
        raise click.UsageError(f"--output {output} would overwrite an input file; refusing")
    criteria = _load(criteria_path)
    if assignments:
        _what_if(criteria, files, assignments, fmt, output, lang)
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        plan = batch.plan(files, criteria)
        # A bar only for batches long enough to wait for, only on a terminal, never over a table being printed.
        show_progress = (plan.count >= PROGRESS_FROM and sys.stderr.isatty()
                         and (output is not None or not sys.stdout.isatty()))
        bar = click.progressbar(length=plan.count, file=sys.stderr, label="cfc") if show_progress else nullcontext()
        sink = DirectoryWriter(output) if to_dir else atomic_text(output) if output else nullcontext(sys.stdout)
        with sink as out, bar as progress:
            summary = batch.run(plan, criteria, "bundle" if to_dir else fmt, lang, out, detail=detail, jobs=jobs,
                                progress=progress.update if show_progress else None)
    except KeyboardInterrupt:
        # Workers are stopped and temporary files removed on the way out; one line, no traceback.
        from engine.messages import Message

        click.echo(Message("interrupted").render(lang), err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:  # the reader of stdout stopped reading (`| head`): nothing to say to anyone
        sys.stdout = open(os.devnull, "w")  # so that flushing at exit does not fail again
        sys.exit(EXIT_BROKEN_PIPE)
    except OSError as error:  # disk full, a place that vanished: the previous results stay as they were
        from engine.messages import Message

        click.echo(Message("cannot_write", {"path": output or "stdout", "reason": error.strerror or error})
                   .render(lang), err=True)
        sys.exit(EXIT_USAGE)
    finally:
        signal.signal(signal.SIGTERM, previous)
    for error in summary.file_errors + summary.not_evaluated:
        click.echo(f"error: {error}", err=True)
    if summary.not_evaluated:
        sys.exit(EXIT_ENGINE)
    if summary.file_errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if summary.counts["invalid"] else EXIT_OK)


def _terminated(signum, frame):
    """SIGTERM (kill, a job scheduler) ends a batch like Ctrl-C: workers stopped, temporary files removed."""
    raise KeyboardInterrupt


def _what_if(criteria, files, assignments, fmt, output, lang) -> None:
    import json

    from engine.atomic import atomic_text
    from engine.results.model import localise
    from engine.rules.whatif import WhatIfError, compare, describe, parse_changes

    try:
        changes = parse_changes(criteria, assignments)
    except WhatIfError as error:
        raise click.UsageError(str(error)) from None
    comparisons, file_errors = compare(criteria, files, changes)
    if fmt == "json":
        content = json.dumps({"changes": changes, "units": [
            {"unit_code": c.after.unit_code, "before": localise(c.before.model_dump(mode="json"), lang),
             "after": localise(c.after.model_dump(mode="json"), lang)} for c in comparisons],
            "file_errors": file_errors}, ensure_ascii=False) + "\n"
    elif fmt == "table":
        content = "\n".join(line for c in comparisons for line in describe(c, changes, lang) + [""])
    else:
        raise click.UsageError("--set works with --format table or json")
    if output:
        with atomic_text(output) as handle:
            handle.write(content)
    else:
        click.echo(content, nl=False)
    for error in file_errors:
        click.echo(f"error: {error}", err=True)
    invalid = any(c.after.status == "invalid" for c in comparisons)
    sys.exit(EXIT_USAGE if file_errors else EXIT_INVALID if invalid else EXIT_OK)


@main.group()
def criteria():
    """Inspect and check criteria files."""


@criteria.command("show")
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False), help="Criteria YAML (default: newest shipped).")
@click.option("--lang", type=LANGS, default="vi", show_default=True)
def criteria_show(criteria_path, lang):
    """Print every criterion, indicator and band, with its status and citation."""
    from engine.rules.explain import describe_criteria

    click.echo(describe_criteria(_load(criteria_path), lang), nl=False)


@criteria.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def criteria_validate(file):
    """Check a criteria file; print every problem with its line and path. Exit 1 if any."""
    from engine.rules.criteria import CriteriaError, load_criteria

    try:
        cs = load_criteria(file)
    except CriteriaError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_INVALID)
    provisional = sum(1 for _, i in cs.indicators for b in range(len(i.scoring.bands)) if i.scoring.band_status(b) == "provisional")
    click.echo(f"OK {file}: {len(cs.criteria)} criteria, {len(cs.indicators)} indicators, "
               f"{cs.instrument.total_points} points, {provisional} provisional band(s)")


@main.group()
def report():
    """Printable PDF documents in Vietnamese (báo cáo tự đánh giá, báo cáo thẩm định, báo cáo tổng hợp).

    Exit code: 0 PDF written, 1 PDF written but some unit has invalid data, 2 usage error or unreadable file."""


def _report_inputs(files, output, criteria_path):
    """Refuse to overwrite an input, load the criteria, evaluate. Returns (criteria, batch)."""
    if any(Path(output).resolve() == Path(f).resolve() for f in files):
        raise click.UsageError(f"--output {output} is one of the input files; refusing to overwrite it")
    from engine.batch import evaluate_files

    criteria = _load(criteria_path)
    return criteria, evaluate_files(criteria, files)


def _report_exit(batch, units) -> None:
    for error in batch.file_errors:
        click.echo(f"error: {error}", err=True)
    if batch.file_errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if any(u.status == "invalid" for u in units) else EXIT_OK)


@report.command("self-assessment")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--unit", "unit_code", help="Unit code (mã đơn vị); optional when the file holds one unit.")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="PDF to write (atomically).")
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False), help="Criteria YAML (default: newest shipped).")
def report_self_assessment(file, unit_code, output, criteria_path):
    """Báo cáo tự đánh giá of one unit: points per criterion, decision, gaps, missing data, signatures."""
    from engine.reports import write_pdf
    from engine.reports.self_assessment import self_assessment_pdf

    criteria, batch = _report_inputs([file], output, criteria_path)
    if batch.file_errors:
        _report_exit(batch, [])
    if unit_code is None:
        if len(batch.units) != 1:
            codes = ", ".join(u.unit_code or "?" for u in batch.units[:10]) + (" ..." if len(batch.units) > 10 else "")
            raise click.UsageError(f"{file} holds {len(batch.units)} units; choose one with --unit ({codes})")
        unit = batch.units[0]
    else:
        found = [u for u in batch.units if u.unit_code == unit_code.strip()]
        if not found:
            raise click.UsageError(f"no unit {unit_code!r} in {file}")
        unit = found[0]
    write_pdf(output, self_assessment_pdf(unit, criteria))
    click.echo(f"{output}: {unit.unit_code} {unit.unit_name or ''}".rstrip(), err=True)
    _report_exit(batch, [unit])


@report.command("appraisal")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="PDF to write (atomically).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
              help="Board YAML: reviewing office, recognising authority, signers, area, period, place "
                   "(see evaluations/board-config.example.yaml).")
@click.option("--reviewing-office", help="Cơ quan thẩm định (overrides the config file).")
@click.option("--authority", help="Cơ quan có thẩm quyền công nhận (overrides the config file).")
@click.option("--area", help="Địa bàn (default: the units' common district and province).")
@click.option("--period", help="Kỳ đánh giá (default: the units' period).")
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False), help="Criteria YAML (default: newest shipped).")
def report_appraisal(files, output, config_path, reviewing_office, authority, area, period, criteria_path):
    """Báo cáo thẩm định of a batch: summary, list proposed for recognition, units not recognised and why,
    data problems, and a draft recognition decision. Names not given print as [placeholders]."""
    from engine.reports import write_pdf
    from engine.reports.appraisal import appraisal_pdf
    from engine.reports.board import BoardConfigError, load_board_config

    try:
        board = load_board_config(config_path).merged(reviewing_office=reviewing_office, authority=authority,
                                                      area=area, period=period)
    except BoardConfigError as error:
        raise click.UsageError(str(error))
    criteria, batch = _report_inputs(files, output, criteria_path)
    write_pdf(output, appraisal_pdf(batch, criteria, board))
    counts = batch.counts()
    click.echo(f"{output}: {len(batch.units)} units, {counts['recognized']} proposed for recognition", err=True)
    _report_exit(batch, batch.units)


@report.command("summary")
@click.argument("results", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="PDF to write (atomically).")
@click.option("--by", type=click.Choice(["province", "district"]), default="province", show_default=True,
              help="Areas compared in the tables and the chart.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
              help="Board YAML: reporting_office, report_recipient, signer, area, period, place.")
@click.option("--issuer", help="Cơ quan báo cáo (overrides reporting_office of the config file).")
@click.option("--recipient", help="Cơ quan nhận báo cáo (overrides report_recipient of the config file).")
@click.option("--area", help="Địa bàn (default: the provinces in the results).")
@click.option("--period", help="Kỳ báo cáo (default: the periods in the results).")
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False),
              help="Criteria YAML the results were scored with (default: newest shipped).")
def report_summary(results, output, by, config_path, issuer, recipient, area, period, criteria_path):
    """Báo cáo tổng hợp for the level above: results of `cfc evaluate --format json|csv` (as for
    `cfc aggregate`) by area, against the national target, the criteria failed most, with charts."""
    if any(Path(output).resolve() == Path(f).resolve() for f in results):
        raise click.UsageError(f"--output {output} is one of the input files; refusing to overwrite it")
    from engine.aggregate import AggregateError, load_results, summarise
    from engine.reports import write_pdf
    from engine.reports.board import BoardConfigError, load_board_config
    from engine.reports.summary import summary_pdf

    try:
        board = load_board_config(config_path).merged(reporting_office=issuer, report_recipient=recipient,
                                                      area=area, period=period)
    except BoardConfigError as error:
        raise click.UsageError(str(error))
    criteria = _load(criteria_path)
    try:
        summary = summarise(load_results(results, criteria), criteria, by, sources=[Path(r).name for r in results])
    except AggregateError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    write_pdf(output, summary_pdf(summary, criteria, board))
    click.echo(str(output), err=True)



@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="phieu-tu-danh-gia.xlsx", show_default=True,
              help="Where to write the form (.xlsx, written atomically).")
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False), help="Criteria YAML (default: newest shipped).")
@click.option("--force", is_flag=True, help="Overwrite an existing file (it may hold a filled-in form).")
def template(output, criteria_path, force):
    """Write the .xlsx self-assessment form generated from the criteria file.

    Sheet "Một đơn vị": one unit, a row per input. Sheet "Nhiều đơn vị": a row per unit. Fill either, then
    run `cfc evaluate FILE.xlsx`."""
    path = Path(output)
    if path.suffix.lower() != ".xlsx":
        raise click.UsageError(f"--output {output}: the form is an .xlsx file")
    if path.exists() and not force:
        raise click.UsageError(f"{output} exists (it may be a filled-in form); use --force to overwrite it")
    from engine.forms.template import write_template

    write_template(_load(criteria_path), path)
    click.echo(f"{path}")


@main.command()
@click.argument("results", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False),
              help="Directory for summary.xlsx and the charts (PNG).")
@click.option("--by", type=click.Choice(["province", "district"]), default="province", show_default=True,
              help="Areas compared in the tables and the chart.")
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False),
              help="Criteria YAML the results were scored with (default: newest shipped).")
def aggregate(results, output, by, criteria_path):
    """Combine result files of `cfc evaluate --format json|csv` (several areas, several periods).

    Writes summary.xlsx (by area, by category, national targets, criteria, totals, change from the previous
    period, units) and two charts into OUTPUT. Exit code: 0 done, 2 a results file cannot be used."""
    from engine.aggregate import ALL_AREAS, PERIOD, RATE, STATUS_VI, UNITS, AggregateError
    from engine.aggregate import aggregate as run_aggregate

    criteria = _load(criteria_path)
    try:
        summary, written = run_aggregate(results, output, criteria, by)
    except AggregateError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    areas = summary.tables["area"]
    for _, row in areas[areas[summary.keys[0]] == ALL_AREAS].iterrows():
        click.echo(f"{PERIOD} {row[PERIOD]}: {row[STATUS_VI['recognized']]}/{row[UNITS]} đơn vị đạt chuẩn "
                   f"({row[RATE]:.2f}%)")
    for path in written:
        click.echo(str(path))

if __name__ == "__main__":
    main()
