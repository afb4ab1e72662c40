"""cfc command line: parse, call the engine, render, set the exit code. Heavy imports happen inside commands."""
from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

LANGS = click.Choice(["vi", "en"])
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_ENGINE = 0, 1, 2, 3


def _err(text: str) -> None:
    """A line on stderr; control characters in names read from files are shown as escapes, never obeyed."""
    from engine.text import printable

    click.echo(printable(str(text)), err=True)


def _warnings(options, lang: str) -> None:
    """Rows skipped and columns ignored by the readers: said once each, so nothing is dropped unseen."""
    word = "cảnh báo" if lang == "vi" else "warning"
    for warning in (options.warnings or {}).values():
        _err(f"{word}: {warning.render(lang)}")


class _Cfc(click.Group):
    """Every command: an output that cannot be written is one line and exit 2, never a traceback."""

    def invoke(self, ctx):
        from engine.atomic import PLACE_ERRORS, OutputError

        try:
            return super().invoke(ctx)
        except OutputError as error:
            _err(f"error: {error}")
            sys.exit(EXIT_USAGE)
        except OSError as error:
            if error.errno not in PLACE_ERRORS:
                raise
            _err(f"error: {error.filename or ''}: {error.strerror or error}")
            sys.exit(EXIT_USAGE)


CRITERIA_HELP = ("Criteria YAML file, or a directory of them: each unit is then scored by the set in force on the "
                 "last day of its period (default: the shipped criteria/).")


def criteria_option(command):
    """--criteria, the same for every command that takes it."""
    return click.option("--criteria", "criteria_path", type=click.Path(), help=CRITERIA_HELP)(command)


def _library(criteria_path: str | None):
    from engine.rules.criteria import CriteriaError
    from engine.rules.versions import CriteriaLibrary

    try:
        return CriteriaLibrary.load(criteria_path)
    except CriteriaError as error:
        _err(str(error))
        sys.exit(EXIT_USAGE)


def _load(criteria_path: str | None):
    """The one set a command works with: the file given, or the current set of a directory."""
    return _library(criteria_path).current()


@click.group(cls=_Cfc)
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
@criteria_option
@click.option("--detail/--no-detail", default=None, help="Per-indicator breakdown (default: only for one unit).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per core for large batches).")
@click.option("--set", "assignments", multiple=True, metavar="INPUT=VALUE",
              help="What-if: re-score with this input changed and show what changes (repeatable).")
@click.option("--hidden-sheets", is_flag=True, help="Read hidden workbook sheets too (default: skipped, with a warning).")
@click.option("--save", is_flag=True, help="Keep each valid unit's result in the history (see `cfc history`).")
@click.option("--db", type=click.Path(dir_okay=False), help="History file for --save (default: in the user's data directory).")
@click.option("--yes", "-y", is_flag=True, help="With --save: replace a unit and period saved before without asking.")
def evaluate(files, fmt, output, lang, criteria_path, detail, jobs, assignments, hidden_sheets, save, db, yes):
    """Evaluate units' self-assessment data (CSV, XLSX, YAML or JSON).

    Exit code: 0 every unit evaluated, 1 some unit has invalid data, 2 usage error or unreadable file,
    3 some unit could not be evaluated (its worker process died; the units are named)."""
    from engine import batch
    from engine.atomic import atomic_text, check_directory_target, check_file_target
    from engine.readers.records import reading
    from engine.results.directory import NAMES, DirectoryWriter

    to_dir = output is not None and (Path(output).is_dir() or not Path(output).suffix)
    if output is not None:  # before any work: a national batch must not run for nothing
        (check_directory_target if to_dir else check_file_target)(output)
    targets = [Path(output) / name for name in NAMES] if to_dir else [Path(output)] if output else []
    if any(t.resolve() == Path(f).resolve() for t in targets for f in files):
        raise click.UsageError(f"--output {output} would overwrite an input file; refusing")
    if save and assignments:
        raise click.UsageError("--save keeps evaluations as they are; it cannot be combined with --set (what-if)")
    library = _library(criteria_path)
    with reading(hidden_sheets=hidden_sheets) as options:
        if assignments:
            _what_if(_for_files(library, files), files, assignments, fmt, output, lang)
        plan = batch.plan(files, library.current())
        _warnings(options, lang)
        show_progress = output is not None and sys.stderr.isatty() and plan.count > 20
        bar = click.progressbar(length=plan.count, file=sys.stderr, label="cfc") if show_progress else nullcontext()
        sink = DirectoryWriter(output) if to_dir else atomic_text(output) if output else nullcontext(sys.stdout)
        with sink as out, bar as progress:
            summary = batch.run(plan, library, "bundle" if to_dir else fmt, lang, out, detail=detail, jobs=jobs,
                                progress=progress.update if show_progress else None)
    for error in summary.file_errors + summary.not_evaluated:
        _err(f"error: {error}")
    if save:
        _save(_for_files(library, files), files, db, yes, lang)
    if summary.not_evaluated:
        sys.exit(EXIT_ENGINE)
    if summary.file_errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if summary.counts["invalid"] else EXIT_OK)


def _for_files(library, files):
    """The one set scoring the units of these files (what-if compares units under one set)."""
    from engine.rules.versions import set_for_paths

    try:
        return set_for_paths(library, files)
    except ValueError as error:  # a period that picks no set, or periods under different sets
        raise click.UsageError(str(error)) from None


def _save(criteria, files, db, yes, lang) -> None:
    """cfc evaluate --save: keep each valid unit in the history; a unit and period saved before is replaced
    only when the user agrees (or gave --yes). Messages go to stderr: stdout holds the results."""
    from engine.history import AlreadySaved, History, NotSavable
    from engine.messages import Message
    from engine.rules.evaluate import evaluate_units, load_units

    history = History(db)
    units, _ = load_units(criteria, files)
    for unit, result in zip(units, evaluate_units(criteria, units)):
        try:
            saved = history.save(criteria, result, unit.values)
        except NotSavable as error:
            click.echo(error.message.render(lang), err=True)
            continue
        except AlreadySaved as error:
            old = error.saved
            params = {"unit": old.unit_code, "period": old.period, "saved_at": old.saved_at}
            try:
                replace = yes or click.confirm(Message("history_exists", params).render(lang), err=True)
            except click.Abort:  # no answer (stdin closed): keep what was saved
                replace = False
            if not replace:
                click.echo(Message("history_kept", params).render(lang), err=True)
                continue
            saved = history.save(criteria, result, unit.values, replace=True)
        click.echo(Message("history_saved", {"unit": saved.unit_code, "period": saved.period,
                                             "path": history.path}).render(lang), err=True)


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
    from engine.readers.records import read_options

    _warnings(read_options(), lang)
    for error in file_errors:
        _err(f"error: {error}")
    invalid = any(c.after.status == "invalid" for c in comparisons)
    sys.exit(EXIT_USAGE if file_errors else EXIT_INVALID if invalid else EXIT_OK)


@main.group()
def criteria():
    """Inspect and check criteria files."""


@criteria.command("show")
@criteria_option
@click.option("--lang", type=LANGS, default="vi", show_default=True, help="Language of labels and messages.")
@click.option("--provisional", is_flag=True,
              help="Only the provisional bands, with the points they carry and their total (to check against the "
                   "official text and correct in the YAML).")
def criteria_show(criteria_path, lang, provisional):
    """Print every criterion, indicator and band, with its status (confirmed or provisional) and citation.
    With a directory, first the sets it holds and the days each is in force."""
    from engine.rules.explain import describe_criteria, describe_provisional, describe_versions

    library = _library(criteria_path)
    current = library.current()
    if not library.explicit:
        click.echo(describe_versions(list(library.sets), current, lang), nl=False)
    click.echo((describe_provisional if provisional else describe_criteria)(current, lang), nl=False)


@criteria.command("validate")
@click.argument("path", type=click.Path())
def criteria_validate(path):
    """Check a criteria file, or a directory of them (also that no two are in force on the same day); print
    every problem with its line and path. Exit 1 if any."""
    from engine.rules.criteria import CriteriaError
    from engine.rules.versions import CriteriaLibrary

    try:
        library = CriteriaLibrary.load(path)
    except CriteriaError as error:
        _err(str(error))
        sys.exit(EXIT_INVALID)
    for cs in library.sets:
        provisional = sum(1 for _, i in cs.indicators for b in range(len(i.scoring.bands))
                          if i.scoring.band_status(b) == "provisional")
        click.echo(f"OK {cs.source}: {cs.instrument.id}, {len(cs.criteria)} criteria, {len(cs.indicators)} "
                   f"indicators, {cs.instrument.total_points} points, {provisional} provisional band(s)")


@main.group()
def report():
    """Văn bản in và sửa được (PDF hoặc .docx, theo đuôi tên tệp -o): báo cáo tự đánh giá, báo cáo thẩm định,
    dự thảo quyết định công nhận, báo cáo tổng hợp.

    Printable and editable documents in Vietnamese (-o NAME.pdf or NAME.docx). Exit code: 0 written, 1 written
    but some unit has invalid data (the document then carries a DỰ THẢO watermark), 2 usage error or
    unreadable file."""


DOCUMENT_HELP = "Document to write (atomically): NAME.pdf or NAME.docx."
CONFIG_HELP = ("Board YAML: reviewing office, recognising authority, signers, area, period, place "
               "(see evaluations/board-config.example.yaml).")


def _document_format(output) -> None:
    from engine.reports import FormatError, output_format

    try:
        output_format(output)
    except FormatError as error:
        raise click.UsageError(str(error))


def _write_document(output, doc) -> None:
    """Render and write atomically; a place that cannot be written is one line and exit 2, never a traceback."""
    from engine.reports import write

    try:
        write(output, doc)
    except OSError as error:
        click.echo(f"error: cannot write {output}: {error.strerror or error}", err=True)
        sys.exit(EXIT_USAGE)


def _board(config_path, **overrides):
    from engine.reports.board import BoardConfigError, load_board_config

    try:
        return load_board_config(config_path).merged(**overrides)
    except BoardConfigError as error:
        raise click.UsageError(str(error))


def _report_inputs(files, output, criteria_path):
    """Check the output name, refuse to overwrite an input, evaluate each unit by its period's set. Returns
    (the set that scored the units, batch): a document speaks of one set."""
    from engine.atomic import check_file_target
    from engine.readers.records import reading
    from engine.rules.versions import evaluate_paths

    _document_format(output)
    check_file_target(output)
    if any(Path(output).resolve() == Path(f).resolve() for f in files):
        raise click.UsageError(f"--output {output} is one of the input files; refusing to overwrite it")
    library = _library(criteria_path)
    with reading() as options:
        try:
            result = evaluate_paths(library, files)
        except ValueError as error:
            raise click.UsageError(str(error)) from None
    _warnings(options, "vi")
    return result


def _report_exit(batch, units) -> None:
    for error in batch.file_errors:
        _err(f"error: {error}")
    if batch.file_errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if any(u.status == "invalid" for u in units) else EXIT_OK)


@report.command("self-assessment")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--unit", "unit_code", help="Unit code (mã đơn vị); optional when the file holds one unit.")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help=DOCUMENT_HELP)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True), help=CONFIG_HELP)
@criteria_option
def report_self_assessment(file, unit_code, output, config_path, criteria_path):
    """Báo cáo tự đánh giá of one unit: points per criterion, decision, what to fix, the plan, missing data,
    the commune's proposal, Người lập biểu and the chairperson's signature, Nơi nhận."""
    from engine.reports.self_assessment import document

    board = _board(config_path)
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
    _write_document(output, document(unit, criteria, board))
    _err(f"{output}: {unit.unit_code} {unit.unit_name or ''}".rstrip())
    _report_exit(batch, [unit])


def _batch_document(module, files, output, config_path, criteria_path, **overrides):
    """Appraisal and decision: evaluate the files, build the document, write it. Returns the batch."""
    board = _board(config_path, **overrides)
    criteria, batch = _report_inputs(files, output, criteria_path)
    _write_document(output, module.document(batch, criteria, board))
    return batch


@report.command("appraisal")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help=DOCUMENT_HELP)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True), help=CONFIG_HELP)
@click.option("--reviewing-office", help="Cơ quan thẩm định (overrides the config file).")
@click.option("--authority", help="Cơ quan có thẩm quyền công nhận (overrides the config file).")
@click.option("--area", help="Địa bàn (default: the units' common district and province).")
@click.option("--period", help="Kỳ đánh giá (default: the units' period).")
@criteria_option
def report_appraisal(files, output, config_path, reviewing_office, authority, area, period, criteria_path):
    """Báo cáo thẩm định of a batch: summary, list proposed for recognition, units not recognised and why,
    data problems, results and difficulties, proposal, and an annex of every unit's points per criterion.
    Names not given print as [placeholders]."""
    from engine.reports import appraisal

    batch = _batch_document(appraisal, files, output, config_path, criteria_path, reviewing_office=reviewing_office,
                            authority=authority, area=area, period=period)
    counts = batch.counts()
    _err(f"{output}: {len(batch.units)} units, {counts['recognized']} proposed for recognition")
    _report_exit(batch, batch.units)


@report.command("summary")
@click.argument("results", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help=DOCUMENT_HELP)
@click.option("--by", type=click.Choice(["province", "district"]), default="province", show_default=True,
              help="Areas compared in the tables and the chart.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
              help="Board YAML: reporting_office, report_recipient, signer, area, period, place.")
@click.option("--issuer", help="Cơ quan báo cáo (overrides reporting_office of the config file).")
@click.option("--recipient", help="Cơ quan nhận báo cáo (overrides report_recipient of the config file).")
@click.option("--area", help="Địa bàn (default: the provinces in the results).")
@click.option("--period", help="Kỳ báo cáo (default: the periods in the results).")
@criteria_option
def report_summary(results, output, by, config_path, issuer, recipient, area, period, criteria_path):
    """Báo cáo tổng hợp for the level above: results of `cfc evaluate --format json|csv` (as for
    `cfc aggregate`), one period or several, by area, against the national target, the criteria failed most,
    results and difficulties, with charts."""
    from engine.atomic import check_file_target

    _document_format(output)
    check_file_target(output)
    if any(Path(output).resolve() == Path(f).resolve() for f in results):
        raise click.UsageError(f"--output {output} is one of the input files; refusing to overwrite it")
    from engine.aggregate import AggregateError, load_results, summarise
    from engine.reports.summary import document

    board = _board(config_path, reporting_office=issuer, report_recipient=recipient, area=area, period=period)
    criteria = _load(criteria_path)
    try:
        summary = summarise(load_results(results, criteria), criteria, by, sources=[Path(r).name for r in results])
    except AggregateError as error:
        _err(f"error: {error}")
        sys.exit(EXIT_USAGE)
    _write_document(output, document(summary, criteria, board))
    _err(str(output))


@report.command("decision")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help=DOCUMENT_HELP)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True), help=CONFIG_HELP)
@click.option("--reviewing-office", help="Cơ quan thẩm định (overrides the config file).")
@click.option("--authority", help="Cơ quan có thẩm quyền công nhận (overrides the config file).")
@click.option("--area", help="Địa bàn (default: the units' common district and province).")
@click.option("--period", help="Kỳ đánh giá (default: the units' period).")
@criteria_option
def report_decision(files, output, config_path, reviewing_office, authority, area, period, criteria_path):
    """Dự thảo quyết định công nhận: the recognised units only, with Căn cứ, Điều 1-3, Nơi nhận and the
    signer of the recognising authority."""
    from engine.reports import decision

    batch = _batch_document(decision, files, output, config_path, criteria_path, reviewing_office=reviewing_office,
                            authority=authority, area=area, period=period)
    _err(f"{output}: {batch.counts()['recognized']} units recognised")
    _report_exit(batch, batch.units)


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="phieu-tu-danh-gia.xlsx", show_default=True,
              help="Where to write the form (.xlsx, written atomically).")
@criteria_option
@click.option("--force", is_flag=True, help="Overwrite an existing file (it may hold a filled-in form).")
def template(output, criteria_path, force):
    """Write the .xlsx self-assessment form generated from the criteria file.

    Sheet "Một đơn vị": one unit, a row per input. Sheet "Nhiều đơn vị": a row per unit. Fill either, then
    run `cfc evaluate FILE.xlsx`."""
    from engine.atomic import check_file_target

    path = check_file_target(output)
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
@criteria_option
def aggregate(results, output, by, criteria_path):
    """Combine result files of `cfc evaluate --format json|csv` (several areas, several periods).

    Writes summary.xlsx (by area, by category, national targets, criteria, totals, change from the previous
    period, units) and two charts into OUTPUT. Exit code: 0 done, 2 a results file cannot be used."""
    from engine.aggregate import ALL_AREAS, PERIOD, RATE, STATUS_VI, UNITS, AggregateError
    from engine.aggregate import aggregate as run_aggregate
    from engine.atomic import check_directory_target

    check_directory_target(output)

    criteria = _load(criteria_path)
    try:
        summary, written = run_aggregate(results, output, criteria, by)
    except AggregateError as error:
        _err(f"error: {error}")
        sys.exit(EXIT_USAGE)
    areas = summary.tables["area"]
    for _, row in areas[areas[summary.keys[0]] == ALL_AREAS].iterrows():
        click.echo(f"{PERIOD} {row[PERIOD]}: {row[STATUS_VI['recognized']]}/{row[UNITS]} đơn vị đạt chuẩn "
                   f"({row[RATE]:.2f}%)")
    for path in written:
        click.echo(str(path))


@main.command()
@click.argument("unit_code", required=False)
@click.option("--export", "export_path", type=click.Path(dir_okay=False),
              help="Write the saved evaluations (of UNIT_CODE, or all) to this CSV file (atomically).")
@click.option("--db", type=click.Path(dir_okay=False), help="History file (default: in the user's data directory).")
@click.option("--lang", type=LANGS, default="vi", show_default=True)
def history(unit_code, export_path, db, lang):
    """Saved evaluations (cfc evaluate --save, the web page's Save button): UNIT_CODE's periods side by side
    with the change per criterion, or --export FILE.csv. Exit code 1 when nothing is saved for UNIT_CODE."""
    from engine.atomic import atomic_text
    from engine.history import History, compare, export_csv, format_comparison
    from engine.messages import Message

    if not unit_code and not export_path:
        raise click.UsageError("give a UNIT_CODE, or --export FILE.csv")
    store = History(db)
    rows = store.periods(unit_code.strip()) if unit_code else list(store.all())
    if export_path:
        with atomic_text(export_path) as handle:
            count = export_csv(rows, handle)
        click.echo(Message("history_exported", {"count": count, "path": export_path}).render(lang), err=True)
        return
    if not rows:
        click.echo(Message("history_empty", {"unit": unit_code, "path": store.path}).render(lang), err=True)
        sys.exit(EXIT_INVALID)
    click.echo(format_comparison(compare(rows), lang), nl=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Any address other than this computer's own needs the printed token.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--db", type=click.Path(dir_okay=False), help="History file (default: in the user's data directory).")
@criteria_option
def serve(host, port, db, criteria_path):
    """The self-check page in the browser: a form generated from the criteria, the score, the decision and the
    plan updating as you type, uploads, documents and the saved history. Stop with Ctrl+C."""
    import secrets

    import uvicorn

    from engine.history import History
    from engine.messages import Message
    from engine.web.app import create_app
    from engine.web.security import is_loopback

    token = None if is_loopback(host) else secrets.token_urlsafe(24)
    app = create_app(_load(criteria_path), History(db), token=token, loopback_only=token is None)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    for lang in ("vi", "en"):
        click.echo(Message("web_serving", {"address": address}).render(lang))
        if token:
            click.echo(Message("web_token_note").render(lang))
    uvicorn.run(app, host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
