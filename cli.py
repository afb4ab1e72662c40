"""cfc command line: parse, call the engine, render, set the exit code. Heavy imports happen inside commands."""
from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path

import click

LANGS = click.Choice(["vi", "en"])
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_ENGINE = 0, 1, 2, 3


def _ui_lang(argv: list[str]) -> str:
    """The language of help and usage errors, known before click parses anything: --lang on the command line,
    else the CFC_LANG environment variable, else Vietnamese."""
    for index, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "vi"
        if arg == "--lang" and index + 1 < len(argv):
            return "en" if argv[index + 1] == "en" else "vi"
    return "en" if os.environ.get("CFC_LANG", "").strip().lower() == "en" else "vi"


UI_LANG = _ui_lang(sys.argv[1:])


def H(vi: str, en: str) -> str:
    """Help text in the language of the session (help is printed before options are parsed)."""
    return en if UI_LANG == "en" else vi


def _say(key: str, lang: str | None = None, **params) -> str:
    from engine.messages import Message

    return Message(key, params).render(lang or UI_LANG)


LANG_OPTION = click.option("--lang", type=LANGS, default="vi", show_default=True, envvar="CFC_LANG",
                           help=H("Ngôn ngữ của nhãn và thông báo (hoặc biến môi trường CFC_LANG).",
                                  "Language of labels and messages (or the CFC_LANG environment variable)."))
ALLOW_MIXED_OPTION = click.option(
    "--allow-mixed-criteria", "allow_mixed", is_flag=True,
    help=H("Vẫn tổng hợp khi các đơn vị được chấm theo các bộ tiêu chí khác nhau (báo cáo ghi rõ điều này).",
           "Combine units scored by different criteria sets anyway (the summary says so)."))
CRITERIA_OPTION = click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False),
                               help=H("Tệp bộ tiêu chí YAML (mặc định: tệp mới nhất đi kèm).",
                                      "Criteria YAML (default: newest shipped)."))


def _load(criteria_path: str | None):
    from engine.rules.criteria import CriteriaError, load_criteria

    try:
        return load_criteria(criteria_path)
    except CriteriaError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_USAGE)


@click.group(help=H(
    """cfc — chấm điểm xã, phường, thị trấn phù hợp với trẻ em (Quyết định 06/QĐ-TTg ngày 03/01/2019).

    Trợ giúp và thông báo bằng tiếng Việt; tiếng Anh với --lang en hoặc biến môi trường CFC_LANG=en.""",
    """cfc — scores child-friendly communes under Decision 06/QĐ-TTg of 03/01/2019.

    Help and messages in Vietnamese by default; English with --lang en or the CFC_LANG=en environment variable."""))
@click.version_option(package_name="cfc")
def main() -> None:
    pass


FORMATS_BY_SUFFIX = {".json": "json", ".csv": "people-csv", ".xlsx": "xlsx"}


def _output_format(fmt: str | None, output: str | None) -> str:
    """What to write: --format when given, else the -o file's extension (.json, .csv for people, .xlsx), else
    the terminal table. A --format that contradicts the extension is refused rather than guessed."""
    suffix = Path(output).suffix.lower() if output else ""
    implied = FORMATS_BY_SUFFIX.get(suffix)
    if fmt is None:
        return implied or "table"
    if implied and implied != fmt and not (fmt == "csv" and implied == "people-csv"):
        raise click.UsageError(_say("format_contradicts_suffix", fmt=fmt, output=output))
    if fmt == "xlsx" and not output:
        raise click.UsageError(_say("xlsx_needs_output"))
    return fmt


@main.command(help=H(
    """Chấm điểm số liệu tự đánh giá của các đơn vị (CSV, XLSX, YAML hoặc JSON).

    Kết quả: bảng trên màn hình; -o TỆP chọn định dạng theo phần mở rộng (.xlsx bảng tính, .csv cho Excel
    có BOM và tiêu đề tiếng Việt, .json); --format csv là định dạng CSV cho máy (ổn định, xem README);
    -o THƯ_MỤC ghi results.json, results.csv và results.xlsx.

    Mã thoát: 0 mọi đơn vị đã được chấm, 1 có đơn vị dữ liệu lỗi, 2 dùng sai lệnh hoặc tệp không đọc được,
    3 có đơn vị chưa chấm được (tiến trình chấm bị dừng; các đơn vị được nêu tên).""",
    """Evaluate units' self-assessment data (CSV, XLSX, YAML or JSON).

    Output: a table on the terminal; -o FILE picks the format by its extension (.xlsx workbook, .csv for
    Excel with a BOM and headers in --lang, .json); --format csv is the machine CSV (stable, see README);
    -o DIRECTORY writes results.json, results.csv and results.xlsx.

    Exit code: 0 every unit evaluated, 1 some unit has invalid data, 2 usage error or unreadable file,
    3 some unit could not be evaluated (its worker process died; the units are named)."""))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default=None,
              help=H("Định dạng (mặc định: theo phần mở rộng của -o, nếu không thì bảng). csv: định dạng cho máy.",
                     "Format (default: from the -o extension, else table). csv: the machine format."))
@click.option("--output", "-o", type=click.Path(),
              help=H("Ghi vào đây (trọn vẹn hoặc không ghi gì) thay vì màn hình. Một thư mục (có sẵn, hoặc tên "
                     "không có phần mở rộng) nhận results.json, results.csv và results.xlsx.",
                     "Write here (atomically) instead of stdout. A directory (existing, or a name without an "
                     "extension) receives results.json, results.csv and results.xlsx."))
@LANG_OPTION
@CRITERIA_OPTION
@click.option("--detail/--no-detail", default=None,
              help=H("Chi tiết từng chỉ tiêu (mặc định: chỉ khi có một đơn vị).",
                     "Per-indicator breakdown (default: only for one unit)."))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=H("Số tiến trình chấm song song (mặc định: một cho mỗi nhân với lô lớn).",
                     "Worker processes (default: one per core for large batches)."))
@click.option("--set", "assignments", multiple=True, metavar="INPUT=VALUE",
              help=H("Giả định: chấm lại với số liệu này thay đổi và cho biết kết quả thay đổi thế nào (lặp lại được).",
                     "What-if: re-score with this input changed and show what changes (repeatable)."))
def evaluate(files, fmt, output, lang, criteria_path, detail, jobs, assignments):
    from engine import batch
    from engine.atomic import atomic_text
    from engine.results.directory import NAMES, DirectoryWriter, SpreadsheetWriter
    from engine.results.render import summary_line

    to_dir = output is not None and (Path(output).is_dir() or not Path(output).suffix)
    fmt = "bundle" if to_dir else _output_format(fmt, output)
    targets = [Path(output) / name for name in NAMES] if to_dir else [Path(output)] if output else []
    if any(t.resolve() == Path(f).resolve() for t in targets for f in files):
        raise click.UsageError(_say("output_is_input", output=output))
    criteria = _load(criteria_path)
    if assignments:
        _what_if(criteria, files, assignments, fmt, output, lang)
    plan = batch.plan(files, criteria)
    show_progress = output is not None and sys.stderr.isatty() and plan.count > 20
    bar = click.progressbar(length=plan.count, file=sys.stderr, label="cfc") if show_progress else nullcontext()
    if to_dir:
        sink = DirectoryWriter(output)
    elif fmt in ("xlsx", "people-csv"):
        sink = SpreadsheetWriter(output)
    else:
        sink = atomic_text(output) if output else nullcontext(sys.stdout)
    renderer = "sheets" if fmt in ("xlsx", "people-csv") else fmt
    with sink as out, bar as progress:
        summary = batch.run(plan, criteria, renderer, lang, out, detail=detail, jobs=jobs,
                            progress=progress.update if show_progress else None)
    if output:
        for path in getattr(sink, "written", [Path(output)]):
            click.echo(_say("written", lang, path=path))
        click.echo(summary_line(summary, lang))
    for error in summary.file_errors + summary.not_evaluated:
        click.echo(_say("error_line", lang, error=error), err=True)
    if summary.not_evaluated:
        sys.exit(EXIT_ENGINE)
    if summary.file_errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if summary.counts["invalid"] else EXIT_OK)


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


@main.group(help=H("Xem và kiểm tra tệp bộ tiêu chí.", "Inspect and check criteria files."))
def criteria():
    pass


@criteria.command("show")
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False), help="Criteria YAML (default: newest shipped).")
@click.option("--lang", type=LANGS, default="vi", show_default=True)
def criteria_show(criteria_path, lang):
    """In mọi tiêu chí, chỉ tiêu và mức điểm, kèm trạng thái và căn cứ. / Print every criterion, indicator and
    band, with its status and citation."""
    from engine.rules.explain import describe_criteria

    click.echo(describe_criteria(_load(criteria_path), lang), nl=False)


@criteria.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def criteria_validate(file):
    """Kiểm tra một tệp bộ tiêu chí; in mọi lỗi kèm dòng và vị trí; mã thoát 1 nếu có lỗi. / Check a criteria
    file; print every problem with its line and path. Exit 1 if any."""
    from engine.rules.criteria import CriteriaError, load_criteria

    try:
        cs = load_criteria(file)
    except CriteriaError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_INVALID)
    provisional = sum(1 for _, i in cs.indicators for b in range(len(i.scoring.bands)) if i.scoring.band_status(b) == "provisional")
    click.echo(f"OK {file}: {len(cs.criteria)} criteria, {len(cs.indicators)} indicators, "
               f"{cs.instrument.total_points} points, {provisional} provisional band(s)")


@main.group(help=H(
    """Văn bản in được (PDF) bằng tiếng Việt: báo cáo tự đánh giá, báo cáo thẩm định, báo cáo tổng hợp.

    Mã thoát: 0 đã ghi, 1 đã ghi nhưng có đơn vị dữ liệu lỗi, 2 dùng sai lệnh hoặc tệp không đọc được.""",
    """Printable PDF documents in Vietnamese (self-assessment, appraisal, summary reports).

    Exit code: 0 PDF written, 1 PDF written but some unit has invalid data, 2 usage error or unreadable file."""))
def report():
    pass


def _report_inputs(files, output, criteria_path):
    """Refuse to overwrite an input, load the criteria, evaluate. Returns (criteria, batch)."""
    if any(Path(output).resolve() == Path(f).resolve() for f in files):
        raise click.UsageError(f"--output {output} is one of the input files; refusing to overwrite it")
    from engine.rules.evaluate import evaluate_files

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
@ALLOW_MIXED_OPTION
def report_summary(results, output, by, config_path, issuer, recipient, area, period, criteria_path, allow_mixed):
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
        summary = summarise(load_results(results, criteria, allow_mixed), criteria, by,
                            sources=[Path(r).name for r in results])
    except AggregateError as error:
        click.echo(_say("error_line", error=error.render(UI_LANG)), err=True)
        sys.exit(EXIT_USAGE)
    write_pdf(output, summary_pdf(summary, criteria, board))
    click.echo(str(output), err=True)



@main.command(help=H(
    """Ghi phiếu tự đánh giá (.xlsx) lập từ tệp bộ tiêu chí.

    Trang "Một đơn vị": một đơn vị, mỗi số liệu một dòng. Trang "Nhiều đơn vị": mỗi đơn vị một dòng. Điền một
    trong hai trang rồi chạy `cfc evaluate TỆP.xlsx`.""",
    """Write the .xlsx self-assessment form generated from the criteria file.

    Sheet "Một đơn vị": one unit, a row per input. Sheet "Nhiều đơn vị": a row per unit. Fill either, then
    run `cfc evaluate FILE.xlsx`."""))
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="phieu-tu-danh-gia.xlsx", show_default=True,
              help=H("Nơi ghi phiếu (.xlsx, trọn vẹn hoặc không ghi gì).", "Where to write the form (.xlsx, written atomically)."))
@CRITERIA_OPTION
@click.option("--force", is_flag=True, help=H("Ghi đè tệp đã có (có thể là phiếu đã điền).",
                                              "Overwrite an existing file (it may hold a filled-in form)."))
def template(output, criteria_path, force):
    path = Path(output)
    if path.suffix.lower() != ".xlsx":
        raise click.UsageError(f"--output {output}: the form is an .xlsx file")
    if path.exists() and not force:
        raise click.UsageError(f"{output} exists (it may be a filled-in form); use --force to overwrite it")
    from engine.forms.template import write_template

    write_template(_load(criteria_path), path)
    click.echo(f"{path}")


@main.command(help=H(
    """Tổng hợp các tệp kết quả của `cfc evaluate` (.json, .csv cho máy hoặc cho người; nhiều địa bàn, nhiều kỳ).

    Ghi summary.xlsx (theo địa bàn, theo loại đơn vị, mục tiêu quốc gia, tiêu chí, phân bố tổng điểm, so với
    kỳ trước theo địa bàn và theo từng đơn vị, danh sách đơn vị) và hai biểu đồ vào THƯ_MỤC. Một tệp đưa vào
    hai lần, hoặc một đơn vị cùng kỳ có ở hai tệp, là lỗi. Mã thoát: 0 xong, 2 có tệp kết quả không dùng được.""",
    """Combine result files of `cfc evaluate` (.json, machine or people's .csv; several areas and periods).

    Writes summary.xlsx (by area, by category, national targets, criteria, totals, change from the previous
    period by area and by commune, units) and two charts into OUTPUT. A file given twice, or one unit and
    period in two files, is an error. Exit code: 0 done, 2 a results file cannot be used."""))
@click.argument("results", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False),
              help=H("Thư mục ghi summary.xlsx và các biểu đồ (PNG).", "Directory for summary.xlsx and the charts (PNG)."))
@click.option("--by", type=click.Choice(["province", "district"]), default="province", show_default=True,
              help=H("Địa bàn so sánh trong các bảng và biểu đồ.", "Areas compared in the tables and the chart."))
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False),
              help=H("Bộ tiêu chí YAML đã dùng để chấm (mặc định: tệp mới nhất đi kèm).",
                     "Criteria YAML the results were scored with (default: newest shipped)."))
@ALLOW_MIXED_OPTION
def aggregate(results, output, by, criteria_path, allow_mixed):
    from engine.aggregate import ALL_AREAS, PERIOD, RATE, STATUS_VI, UNITS, AggregateError
    from engine.aggregate import aggregate as run_aggregate
    from engine.messages import number, percent

    criteria = _load(criteria_path)
    try:
        summary, written = run_aggregate(results, output, criteria, by, allow_mixed=allow_mixed)
    except AggregateError as error:
        click.echo(_say("error_line", error=error.render(UI_LANG)), err=True)
        sys.exit(EXIT_USAGE)
    areas = summary.tables["area"]
    for _, row in areas[areas[summary.keys[0]] == ALL_AREAS].iterrows():
        click.echo(_say("agg_period_line", period=row[PERIOD], recognised=number(row[STATUS_VI["recognized"]], UI_LANG),
                        units=number(row[UNITS], UI_LANG), rate=percent(row[RATE], UI_LANG)))
    for path in written:
        click.echo(_say("written", path=path))


if __name__ == "__main__":
    main()
