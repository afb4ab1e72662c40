"""cfc command line: parse, call the engine, render, set the exit code. Heavy imports happen inside commands."""
from __future__ import annotations

import atexit
import gc
import os
import signal
import sys
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click

from engine import click_words
from engine.version import __version__

LANGS = click.Choice(["vi", "en"])
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_ENGINE = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a program stopped by Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the program reading the output closed it
PROGRESS_FROM = 2000    # units: about a second of work; shorter batches finish before a bar would help


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
click_words.install()  # click's own words (usage errors, help headings) in the session's language too
click_words.set_language(UI_LANG)


def H(vi: str, en: str) -> str:
    """Help text in the language of the session (help is printed before options are parsed)."""
    return en if UI_LANG == "en" else vi


def _lang() -> str:
    """The language of this command's messages: its --lang, else CFC_LANG, else Vietnamese (read by the command
    group from the command's own arguments, so that it holds however cfc was started)."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get("cfc_lang", UI_LANG) if ctx else UI_LANG


def _say(key: str, lang: str | None = None, **params) -> str:
    from engine.messages import Message

    return Message(key, params).render(lang or _lang())


def _error(error, lang: str | None = None) -> str:
    """An error as the one line people read: "Lỗi: ..." / "Error: ...", in their language."""
    from engine.messages import localised

    lang = lang or _lang()
    return _say("error_line", lang, error=localised(error, lang))


LANG_OPTION = click.option("--lang", type=LANGS, default="vi", show_default=True, envvar="CFC_LANG",
                           help=H("Ngôn ngữ của nhãn và thông báo (hoặc biến môi trường CFC_LANG).",
                                  "Language of labels and messages (or the CFC_LANG environment variable)."))
MAP_OPTION = click.option(
    "--map", "map_to", type=click.Choice(["2025"]),
    help=H("Đặt kết quả các kỳ trước 01/7/2025 lên danh mục mới (34 tỉnh): mỗi đơn vị cũ vào đơn vị mới mà nó được "
           "sáp nhập (đơn vị bị chia: vào đơn vị kế thừa chính), địa bàn là tỉnh mới; thêm trang so sánh từng đơn vị "
           "mới qua các kỳ.",
           "Place results of periods before 1 July 2025 on the new map (34 provinces): each old unit on the new unit "
           "it went into (a split unit: its main successor), areas are the new provinces; adds a comparison of each "
           "new commune across periods."))
ALLOW_MIXED_OPTION = click.option(
    "--allow-mixed-criteria", "allow_mixed", is_flag=True,
    help=H("Vẫn tổng hợp khi các đơn vị được chấm theo các bộ tiêu chí khác nhau (báo cáo ghi rõ điều này).",
           "Combine units scored by different criteria sets anyway (the summary says so)."))


# A password given on the command line was chosen by the administrator, so by default its owner must change it at
# the first sign-in to the province server (engine/web/server/auth.py); --final for one's own account.
TEMPORARY_OPTION = click.option(
    "--temporary/--final", default=True,
    help=H("Mật khẩu tạm (mặc định): người dùng phải đổi khi đăng nhập lần đầu. --final: mật khẩu dùng luôn "
           "(tài khoản của chính bạn).",
           "Temporary password (the default): its owner must change it at the first sign-in. --final: the password "
           "stays (your own account)."))
DB_OPTION = click.option(
    "--db", metavar="URL|PATH",
    help=H("Cơ sở dữ liệu: một tệp SQLite (mặc định: history.sqlite3 trong thư mục dữ liệu của người dùng, tạo khi "
           "dùng lần đầu) hoặc địa chỉ postgresql://người_dùng:mật_khẩu@máy/tên của máy chủ cấp tỉnh.",
           "Database: an SQLite file (default: history.sqlite3 in the user's data directory, made on first use) "
           "or a province server's postgresql://user:password@host/name."))


def _err(text: str) -> None:
    """A line on stderr; control characters in names read from files are shown as escapes, never obeyed."""
    from engine.text import printable

    click.echo(printable(str(text)), err=True)


def _warnings(options, lang: str) -> None:
    """Rows skipped and columns ignored by the readers: said once each, so nothing is dropped unseen."""
    word = "Cảnh báo" if lang == "vi" else "Warning"  # capitalised, as click's "Lỗi:" / "Error:"
    for warning in (options.warnings or {}).values():
        _err(f"{word}: {warning.render(lang)}")


class _Cfc(click.Group):
    """Every command: an output that cannot be written, or any other error cfc words for people (a file that
    cannot be read), is one line in the command's language and exit 2, never a traceback."""

    def parse_args(self, ctx, args):
        ctx.meta["cfc_lang"] = _ui_lang(args)  # before click parses: a usage error is said in --lang too
        click_words.set_language(ctx.meta["cfc_lang"])
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        from engine.atomic import PLACE_ERRORS
        from engine.messages import Message, MessageError, os_reason

        try:
            return super().invoke(ctx)
        except MessageError as error:
            _err(_error(error))
            sys.exit(EXIT_USAGE)
        except OSError as error:
            if error.errno not in PLACE_ERRORS:
                raise
            _err(_error(Message("place_error", {"file": error.filename or "", "reason": os_reason(error)})))
            sys.exit(EXIT_USAGE)
        except Exception as error:
            # The rules misbehaving (never with validated criteria: an internal fault) is said in one line too.
            # Its module is loaded whenever it raised: looked up, not imported, so --help stays quick.
            core = sys.modules.get("engine.rules.durable_core")
            if core is None or not isinstance(error, core.EngineError):
                raise
            _err(_error(Message("engine_error", {"error": str(error)})))
            sys.exit(EXIT_ENGINE)


CRITERIA_HELP = H("Tệp bộ tiêu chí YAML, hoặc một thư mục các tệp: mỗi đơn vị được chấm theo bộ có hiệu lực vào "
                  "ngày cuối kỳ đánh giá của đơn vị (mặc định: thư mục criteria/ đi kèm).",
                  "Criteria YAML file, or a directory of them: each unit is then scored by the set in force on the "
                  "last day of its period (default: the shipped criteria/).")


STRICT_UNITS_OPTION = click.option(
    "--strict-units", is_flag=True,
    help=H("Mã đơn vị không có trong danh mục đơn vị hành chính của kỳ, hoặc tên, tỉnh, huyện không khớp "
           "với mã, là lỗi dữ liệu (mặc định: cảnh báo).",
           "A unit code not in the official list of its period, or a name, province or district that does "
           "not match the code, is a data error (default: a warning)."))


def criteria_option(command):
    """--criteria, the same for every command that takes it."""
    return click.option("--criteria", "criteria_path", type=click.Path(), help=CRITERIA_HELP)(command)


def _library(criteria_path: str | None):
    from engine.criteria.model import CriteriaError
    from engine.criteria.versions import CriteriaLibrary

    try:
        return CriteriaLibrary.load(criteria_path)
    except CriteriaError as error:
        _err(error.render(_lang()))
        sys.exit(EXIT_USAGE)


@contextmanager
def _collector_paused_while_starting():
    """The collector paused while a batch starts: importing the engine and pydantic, reading the criteria and
    the plan of the files only build objects that live as long as the process (modules, classes, the criteria,
    the plan), so every collection meanwhile walks them for nothing — ~15–25 ms of processor a command,
    measured (bench/README.md, Session 12). Yields what to call once started (the batch runs with the collector
    as before); leaving the block calls it too, so a command that fails on the way never leaves it paused.
    What start-up built is moved to the oldest generation before the collector resumes (gc.freeze, then
    gc.unfreeze, as engine/rules/evaluate.collector_paused does): left in the youngest, all of it was walked by
    the batch's first collection, ~20 ms of processor (Session 13). Objects a caller froze stay frozen."""
    paused = gc.isenabled()
    gc.disable()

    def started() -> None:
        nonlocal paused
        if paused:
            paused = False
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()

    try:
        yield started
    finally:
        started()


def _exit_without_collecting() -> None:
    """At the exit of a command whose outputs are written and closed, the collector is frozen before the
    interpreter's teardown, which otherwise runs three full collections over every object the process still
    holds (modules, classes, pydantic's validators, the criteria) and frees the cyclic ones one by one: ~35 ms
    of processor a batch, measured (bench/README.md, Session 13), for memory the system takes back at once.
    Only the collector is skipped: atexit handlers, flushing stdout and stderr, and objects freed by their last
    reference are as before; what is left is cyclic garbage, whose finalisers Python never promises to run at
    exit. Run at exit (atexit, registered once): a program calling the command in its own process keeps its
    collector until then."""
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def _load(criteria_path: str | None):
    """The one set a command works with: the file given, or the current set of a directory."""
    return _library(criteria_path).current()


@click.group(cls=_Cfc, help=H(
    """cfc — chấm điểm xã, phường, thị trấn phù hợp với trẻ em (Quyết định 06/QĐ-TTg ngày 03/01/2019).

    Trợ giúp và thông báo bằng tiếng Việt; tiếng Anh với --lang en hoặc biến môi trường CFC_LANG=en.""",
    """cfc — scores child-friendly communes under Decision 06/QĐ-TTg of 03/01/2019.

    Help and messages in Vietnamese by default; English with --lang en or the CFC_LANG=en environment variable."""))
@click.version_option(version=__version__, package_name="cfc")
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
    3 có đơn vị chưa chấm được (tiến trình chấm bị dừng; các đơn vị được nêu tên), 130 bị ngắt (Ctrl-C hoặc
    SIGTERM: không ghi gì).""",
    """Evaluate units' self-assessment data (CSV, XLSX, YAML or JSON).

    Output: a table on the terminal; -o FILE picks the format by its extension (.xlsx workbook, .csv for
    Excel with a BOM and headers in --lang, .json); --format csv is the machine CSV (stable, see README);
    -o DIRECTORY writes results.json, results.csv and results.xlsx.

    Exit code: 0 every unit evaluated, 1 some unit has invalid data, 2 usage error or unreadable file,
    3 some unit could not be evaluated (its worker process died; the units are named), 130 interrupted
    (Ctrl-C or SIGTERM: nothing written)."""))
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
@criteria_option
@click.option("--detail/--no-detail", default=None,
              help=H("Chi tiết từng chỉ tiêu (mặc định: chỉ khi có một đơn vị).",
                     "Per-indicator breakdown (default: only for one unit)."))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=H("Số tiến trình chấm song song (mặc định: một cho mỗi nhân với lô lớn).",
                     "Worker processes (default: one per core for large batches)."))
@click.option("--set", "assignments", multiple=True, metavar="INPUT=VALUE",
              help=H("Giả định: chấm lại với số liệu này thay đổi và cho biết kết quả thay đổi thế nào (lặp lại được).",
                     "What-if: re-score with this input changed and show what changes (repeatable)."))
@click.option("--hidden-sheets", is_flag=True,
              help=H("Đọc cả các trang tính bị ẩn (mặc định: bỏ qua, có cảnh báo).",
                     "Read hidden workbook sheets too (default: skipped, with a warning)."))
@STRICT_UNITS_OPTION
@click.option("--save", is_flag=True, help=H("Lưu kết quả của mỗi đơn vị hợp lệ vào lịch sử (xem `cfc history`).",
                                             "Keep each valid unit's result in the history (see `cfc history`)."))
@DB_OPTION
@click.option("--yes", "-y", is_flag=True,
              help=H("Với --save: thay thế kết quả đã lưu của cùng đơn vị và kỳ mà không hỏi.",
                     "With --save: replace a unit and period saved before without asking."))
def evaluate(files, fmt, output, lang, criteria_path, detail, jobs, assignments, hidden_sheets, strict_units, save, db,
             yes):
    with _collector_paused_while_starting() as started:
        _evaluate(started, files, fmt, output, lang, criteria_path, detail, jobs, assignments, hidden_sheets,
                  strict_units, save, db, yes)


def _evaluate(started, files, fmt, output, lang, criteria_path, detail, jobs, assignments, hidden_sheets,
              strict_units, save, db, yes):
    from engine import batch
    from engine.atomic import atomic_text, check_directory_target, check_file_target
    from engine.readers.records import reading
    from engine.results.directory import NAMES, DirectoryWriter, SpreadsheetWriter
    from engine.results.render import Summary, closing_notes, summary_line

    to_dir = output is not None and (Path(output).is_dir() or not Path(output).suffix)
    fmt = "bundle" if to_dir else _output_format(fmt, output)
    if output is not None:  # before any work: a national batch must not run for nothing
        (check_directory_target if to_dir else check_file_target)(output)
    targets = [Path(output) / name for name in NAMES] if to_dir else [Path(output)] if output else []
    if any(t.resolve() == Path(f).resolve() for t in targets for f in files):
        raise click.UsageError(_say("output_is_input", output=output))
    if save and assignments:
        raise click.UsageError(_say("save_with_set", lang))
    library = _library(criteria_path)
    evaluated = []  # --save: (record, result) of every unit, as the batch evaluated them
    keep = (lambda records, results: evaluated.extend(zip(records, results))) if save else None
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        with reading(hidden_sheets=hidden_sheets) as options:
            if assignments:
                _what_if(library, files, assignments, fmt, output, lang, strict_units)
            plan = batch.plan(files, library.current())
            _warnings(options, lang)
            # A bar only for batches long enough to wait for, only on a terminal, never over a table being printed.
            show_progress = (plan.count >= PROGRESS_FROM and sys.stderr.isatty()
                             and (output is not None or not sys.stdout.isatty()))
            bar = click.progressbar(length=plan.count, file=sys.stderr, label="cfc") if show_progress else nullcontext()
            if to_dir:
                sink = DirectoryWriter(output)
            elif fmt in ("xlsx", "people-csv"):
                sink = SpreadsheetWriter(output)
            else:
                sink = atomic_text(output) if output else nullcontext(sys.stdout)
            renderer = "sheets" if fmt == "xlsx" else fmt  # "people-csv" has its own
            written = not (plan.count == 0 and output is not None)
            if plan.count == 0 and (fmt == "table" or output is not None):
                # Nothing to show: no empty table, only the error (below) saying why; and no empty results in
                # place of the last ones (`-o results.json` with a mistyped input name).
                summary = Summary(file_errors=list(plan.file_errors))
            else:
                started()
                with sink as out, bar as progress:
                    summary = batch.run(plan, library, renderer, lang, out, detail=detail, jobs=jobs,
                                        progress=progress.update if show_progress else None, keep=keep,
                                        strict_units=strict_units)
            closing = closing_notes(summary, lang)  # inside the reading: its warnings are known here
    except KeyboardInterrupt:
        # Workers are stopped and temporary files removed on the way out; one line, no traceback.
        _err(_say("interrupted", lang))
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:  # the reader of stdout stopped reading (`| head`): nothing to say to anyone
        sys.stdout = open(os.devnull, "w")  # so that flushing at exit does not fail again
        sys.exit(EXIT_BROKEN_PIPE)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if output and written:
        for path in getattr(sink, "written", [Path(output)]):
            click.echo(_say("written", lang, path=path))
        click.echo(summary_line(summary, lang))
        for line in closing:
            click.echo(line)
    if fmt in ("csv", "people-csv"):  # the other outputs carry them with each unit (table, JSON, workbook)
        _unit_warnings(summary.warnings, lang)
    for error in summary.file_errors + summary.not_evaluated:
        _err(_error(error, lang))
    if output and not written:
        _err(_say("nothing_written", lang, output=output))
    if save:
        _save(library, evaluated, db, yes, lang)
    else:  # --save's database connections are closed by the interpreter's teardown, as before
        _exit_without_collecting()
    if summary.not_evaluated:
        sys.exit(EXIT_ENGINE)
    if summary.file_errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if summary.counts["invalid"] else EXIT_OK)


WARNINGS_SHOWN = 50  # on stderr; every one is in the results (JSON, the workbook's data-errors sheet)


def _unit_warnings(lines: list[str], lang: str) -> None:
    """What the official list of units says of the units, one line each, the first WARNINGS_SHOWN of them."""
    for line in lines[:WARNINGS_SHOWN]:
        _err(_say("warning_line", lang, text=line))
    if len(lines) > WARNINGS_SHOWN:
        _err(_say("warnings_more", lang, count=len(lines) - WARNINGS_SHOWN))


def _terminated(signum, frame):
    """SIGTERM (kill, a job scheduler) ends a batch like Ctrl-C: workers stopped, temporary files removed."""
    raise KeyboardInterrupt


def _save(library, evaluated, db, yes, lang) -> None:
    """cfc evaluate --save: keep each valid unit in the history, from the results of the one evaluation (no
    file is read, no unit evaluated, a second time), each under the set that scored it; a unit and period
    saved before is replaced only when the user agrees (or gave --yes). Messages go to stderr: stdout holds
    the results."""
    from engine.history import AlreadySaved, History, NotSavable, check_savable
    from engine.messages import Message
    from engine.units.validate import validate_record

    history = History(db)
    sets = {cs.digest: cs for cs in library.sets}
    for record, result in evaluated:
        try:
            check_savable(result)  # before anything else: an invalid unit may have been scored by no set
            criteria = sets[result.criteria_set.digest]
            # The inputs as validated for the evaluation (validation alone: the rules are not run again).
            inputs = validate_record(criteria, record).values
            saved = history.save(criteria, result, inputs)
        except NotSavable as error:
            click.echo(error.message.render(lang), err=True)
            continue
        except AlreadySaved as error:
            old = error.saved
            from engine.when import local_time

            params = {"unit": old.unit_code, "period": old.period, "saved_at": local_time(old.saved_at, lang)}
            try:
                replace = yes or click.confirm(Message("history_exists", params).render(lang), err=True)
            except click.Abort:  # no answer (stdin closed): keep what was saved
                replace = False
            if not replace:
                click.echo(Message("history_kept", params).render(lang), err=True)
                continue
            saved = history.save(criteria, result, inputs, replace=True)
        click.echo(Message("history_saved", {"unit": saved.unit_code, "period": saved.period,
                                             "path": history.path}).render(lang), err=True)


def _what_if(library, files, assignments, fmt, output, lang, strict_units=False) -> None:
    import json

    from engine import api
    from engine.atomic import atomic_text
    from engine.results.model import localise, to_data
    from engine.rules.whatif import WhatIfError, describe, parse_changes

    try:
        changes = parse_changes(library, assignments)
    except WhatIfError as error:
        raise click.UsageError(error.render(lang)) from None
    read = api.read_files(library, files)
    comparisons, file_errors = api.what_if(library, read.records, changes, strict_units), read.file_errors
    if fmt == "json":
        content = json.dumps({"changes": changes, "units": [
            {"unit_code": c.after.unit_code, "before": localise(to_data(c.before), lang),
             "after": localise(to_data(c.after), lang)} for c in comparisons],
            "file_errors": file_errors}, ensure_ascii=False) + "\n"
    elif fmt == "table":
        content = "\n".join(line for c in comparisons for line in describe(c, changes, lang) + [""])
    else:
        raise click.UsageError(_say("set_formats", lang))
    written = not (output and not read.records)  # no input readable: the last results stay as they were
    if output and written:
        with atomic_text(output) as handle:
            handle.write(content)
    elif not output:
        click.echo(content, nl=False)
    from engine.readers.records import read_options

    _warnings(read_options(), lang)
    for error in file_errors:
        _err(_error(error, lang))
    if not written:
        _err(_say("nothing_written", lang, output=output))
    invalid = any(c.after.status == "invalid" for c in comparisons)
    sys.exit(EXIT_USAGE if file_errors else EXIT_INVALID if invalid else EXIT_OK)


@main.group(help=H("Xem và kiểm tra tệp bộ tiêu chí.", "Inspect and check criteria files."))
def criteria():
    pass


@criteria.command("show", help=H(
    "In mọi tiêu chí, chỉ tiêu và mức điểm, kèm trạng thái (đã đối chiếu hoặc tạm tính) và căn cứ. Với một thư "
    "mục: trước hết là các bộ tiêu chí trong đó và thời gian mỗi bộ có hiệu lực.",
    "Print every criterion, indicator and band, with its status (confirmed or provisional) and citation. With a "
    "directory, first the sets it holds and the days each is in force."))
@criteria_option
@LANG_OPTION
@click.option("--provisional", is_flag=True,
              help=H("Chỉ các mức điểm tạm tính, với số điểm của từng mức và tổng cộng (để đối chiếu với văn bản "
                     "chính thức và sửa trong tệp YAML).",
                     "Only the provisional bands, with the points they carry and their total (to check against "
                     "the official text and correct in the YAML)."))
def criteria_show(criteria_path, lang, provisional):
    from engine.rules.explain import describe_criteria, describe_provisional, describe_versions

    library = _library(criteria_path)
    current = library.current()
    if not library.explicit:
        click.echo(describe_versions(list(library.sets), current, lang), nl=False)
    click.echo((describe_provisional if provisional else describe_criteria)(current, lang), nl=False)


@criteria.command("validate", help=H(
    "Kiểm tra một tệp bộ tiêu chí, hoặc một thư mục các tệp (kể cả việc không có hai bộ cùng hiệu lực trong một "
    "ngày); in mọi lỗi kèm dòng và vị trí. Mã thoát 1 nếu có lỗi.",
    "Check a criteria file, or a directory of them (also that no two are in force on the same day); print every "
    "problem with its line and path. Exit 1 if any."))
@click.argument("path", type=click.Path())
@LANG_OPTION
def criteria_validate(path, lang):
    from engine.criteria.model import CriteriaError
    from engine.criteria.versions import CriteriaLibrary

    try:
        library = CriteriaLibrary.load(path)
    except CriteriaError as error:
        _err(error.render(_lang()))
        sys.exit(EXIT_INVALID)
    for cs in library.sets:
        provisional = sum(1 for _, i in cs.indicators for b in range(len(i.scoring.bands))
                          if i.scoring.band_status(b) == "provisional")
        click.echo(_say("criteria_ok", file=cs.source, id=cs.instrument.id, criteria=len(cs.criteria),
                        indicators=len(cs.indicators), points=cs.instrument.total_points, provisional=provisional))


@main.group(help=H(
    "Văn bản in và sửa được (PDF hoặc .docx, theo đuôi tên tệp -o): báo cáo tự đánh giá, báo cáo thẩm định, dự "
    "thảo quyết định công nhận, báo cáo tổng hợp.\n\nMã thoát: 0 đã ghi, 1 đã ghi nhưng có đơn vị dữ liệu lỗi (văn "
    "bản khi đó mang dấu DỰ THẢO), 2 dùng sai lệnh hoặc tệp không đọc được.",
    "Printable and editable documents in Vietnamese (-o NAME.pdf or NAME.docx): self-assessment report, "
    "appraisal report, draft recognition decision, summary report.\n\nExit code: 0 written, 1 written but some "
    "unit has invalid data (the document then carries a DỰ THẢO watermark), 2 usage error or unreadable file."))
def report():
    pass


DOCUMENT_HELP = H("Văn bản cần ghi (trọn vẹn hoặc không ghi gì): TÊN.pdf hoặc TÊN.docx.",
                  "Document to write (atomically): NAME.pdf or NAME.docx.")
CONFIG_HELP = H("Tệp YAML của hội đồng: cơ quan thẩm định, cơ quan công nhận, người ký, địa bàn, kỳ đánh giá, "
                "địa danh (xem evaluations/board-config.example.yaml).",
                "Board YAML: reviewing office, recognising authority, signers, area, period, place "
                "(see evaluations/board-config.example.yaml).")


def _document_format(output) -> None:
    from engine.reports import FormatError, output_format

    try:
        output_format(output)
    except FormatError as error:
        raise click.UsageError(error.render(_lang()))


def _write_document(output, doc) -> None:
    """Render and write atomically. A place that cannot be written raises OutputError, which the command group
    turns into one line and exit 2 like every other output."""
    from engine.reports import write

    write(output, doc)


def _board(config_path, **overrides):
    from engine.reports.board import BoardConfigError, load_board_config

    try:
        return load_board_config(config_path).merged(**overrides)
    except BoardConfigError as error:
        raise click.UsageError(error.render(_lang()))


def _report_inputs(files, output, criteria_path, strict_units=False):
    """Check the output name, refuse to overwrite an input, evaluate each unit by its period's set. Returns
    (the set that scored the units, batch): a document speaks of one set."""
    from engine.atomic import check_file_target
    from engine import api
    from engine.readers.records import reading

    _document_format(output)
    check_file_target(output)
    if any(Path(output).resolve() == Path(f).resolve() for f in files):
        raise click.UsageError(_say("output_is_input_file", output=output))
    library = _library(criteria_path)
    with reading() as options:
        try:
            result = api.document_batch(library, files, strict_units=strict_units)
        except ValueError as error:
            from engine.messages import localised

            raise click.UsageError(localised(error, _lang())) from None
    _warnings(options, _lang())  # CFC_LANG, as the file errors after it
    return result


def _report_exit(batch, units) -> None:
    for error in batch.file_errors:
        _err(_error(error))
    if batch.file_errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if any(u.status == "invalid" for u in units) else EXIT_OK)


@report.command("self-assessment", help=H(
    "Báo cáo tự đánh giá của một đơn vị: điểm từng tiêu chí, kết quả, việc cần khắc phục, kế hoạch, số liệu còn "
    "thiếu, đề nghị của xã, người lập biểu và chữ ký của chủ tịch, nơi nhận.",
    "Self-assessment report (báo cáo tự đánh giá) of one unit: points per criterion, decision, what to fix, the "
    "plan, missing data, the commune's proposal, the preparer and the chairperson's signature, recipients."))
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--unit", "unit_code", help=H("Mã đơn vị; không cần khi tệp chỉ có một đơn vị.",
                                            "Unit code (mã đơn vị); optional when the file holds one unit."))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help=DOCUMENT_HELP)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True), help=CONFIG_HELP)
@criteria_option
@STRICT_UNITS_OPTION
def report_self_assessment(file, unit_code, output, config_path, criteria_path, strict_units):
    from engine.reports.self_assessment import document

    board = _board(config_path)
    criteria, batch = _report_inputs([file], output, criteria_path, strict_units)
    if batch.file_errors:
        _report_exit(batch, [])
    if unit_code is None:
        if len(batch.units) != 1:
            codes = ", ".join(u.unit_code or "?" for u in batch.units[:10]) + (" ..." if len(batch.units) > 10 else "")
            raise click.UsageError(_say("report_choose_unit", file=file, count=len(batch.units), codes=codes))
        unit = batch.units[0]
    else:
        from engine.units.codes import code_key

        found = [u for u in batch.units if u.unit_code == code_key(unit_code)]  # ０９９１６ is 09916, as in the file
        if not found:
            raise click.UsageError(_say("report_no_unit", code=unit_code, file=file))
        unit = found[0]
    _write_document(output, document(unit, criteria, board))
    _err(f"{output}: {unit.unit_code} {unit.unit_name or ''}".rstrip())
    _report_exit(batch, [unit])


def board_document_options(command):
    """The options of the board's documents about a batch (appraisal, draft decision), declared once."""
    for option in reversed([
            click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help=DOCUMENT_HELP),
            click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True), help=CONFIG_HELP),
            click.option("--reviewing-office", help=H("Cơ quan thẩm định (thay cho tệp cấu hình).",
                                                      "Reviewing office (overrides the config file).")),
            click.option("--authority", help=H("Cơ quan có thẩm quyền công nhận (thay cho tệp cấu hình).",
                                               "Recognising authority (overrides the config file).")),
            click.option("--area", help=H("Địa bàn (mặc định: huyện và tỉnh chung của các đơn vị).",
                                          "Area (default: the units' common district and province).")),
            click.option("--period", help=H("Kỳ đánh giá (mặc định: kỳ của các đơn vị).",
                                            "Evaluation period (default: the units' period).")),
            criteria_option, STRICT_UNITS_OPTION]):
        command = option(command)
    return command


def _batch_document(module, files, output, config_path, criteria_path, strict_units=False, **overrides):
    """Appraisal and decision: evaluate the files, build the document, write it. Returns the batch."""
    board = _board(config_path, **overrides)
    criteria, batch = _report_inputs(files, output, criteria_path, strict_units)
    if batch.file_errors and not batch.units:  # no file readable: no empty document over the last one
        for error in batch.file_errors:
            _err(_error(error))
        _err(_say("nothing_written", output=output))
        sys.exit(EXIT_USAGE)
    _write_document(output, module.document(batch, criteria, board))
    return batch


@report.command("appraisal", help=H(
    "Báo cáo thẩm định của một đợt: tóm tắt, danh sách đề nghị công nhận, các đơn vị chưa đạt và lý do, số liệu "
    "có vấn đề, kết quả và khó khăn, đề xuất, và phụ lục điểm từng tiêu chí của mọi đơn vị. Tên chưa có được in "
    "thành [chỗ trống].",
    "Appraisal report (báo cáo thẩm định) of a batch: summary, list proposed for recognition, units not "
    "recognised and why, data problems, results and difficulties, proposal, and an annex of every unit's points "
    "per criterion. Names not given print as [placeholders]."))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@board_document_options
def report_appraisal(files, output, config_path, reviewing_office, authority, area, period, criteria_path,
                     strict_units):
    from engine.reports import appraisal

    batch = _batch_document(appraisal, files, output, config_path, criteria_path, strict_units,
                            reviewing_office=reviewing_office,
                            authority=authority, area=area, period=period)
    counts = batch.counts()
    _err(_say("report_appraisal_written", output=output, units=len(batch.units), recognized=counts["recognized"]))
    _report_exit(batch, batch.units)


@report.command("summary", help=H(
    "Báo cáo tổng hợp gửi cấp trên: từ kết quả của `cfc evaluate --format json|csv` (như `cfc aggregate`), một "
    "hay nhiều kỳ, theo địa bàn, so với mục tiêu quốc gia, các tiêu chí chưa đạt nhiều nhất, kết quả và khó "
    "khăn, kèm biểu đồ.",
    "Summary report (báo cáo tổng hợp) for the level above: results of `cfc evaluate --format json|csv` (as for "
    "`cfc aggregate`), one period or several, by area, against the national target, the criteria failed most, "
    "results and difficulties, with charts."))
@click.argument("results", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help=DOCUMENT_HELP)
@click.option("--by", type=click.Choice(["province", "district"]), default="province", show_default=True,
              help=H("Địa bàn so sánh trong các bảng và biểu đồ.", "Areas compared in the tables and the chart."))
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
              help=H("Tệp YAML của hội đồng: reporting_office, report_recipient, reporting_office_signer, "
                     "reporting_area, reporting_place, period.",
                     "Board YAML: reporting_office, report_recipient, reporting_office_signer, reporting_area, "
                     "reporting_place, period."))
@click.option("--issuer", help=H("Cơ quan báo cáo (thay cho reporting_office của tệp cấu hình).",
                                 "Reporting office (overrides reporting_office of the config file)."))
@click.option("--recipient", help=H("Cơ quan nhận báo cáo (thay cho report_recipient của tệp cấu hình).",
                                    "Recipient (overrides report_recipient of the config file)."))
@click.option("--area", help=H("Địa bàn (mặc định: các tỉnh trong kết quả).",
                               "Area (default: the provinces in the results)."))
@click.option("--period", help=H("Kỳ báo cáo (mặc định: các kỳ trong kết quả).",
                                 "Reporting period (default: the periods in the results)."))
@criteria_option
@ALLOW_MIXED_OPTION
@MAP_OPTION
def report_summary(results, output, by, config_path, issuer, recipient, area, period, criteria_path, allow_mixed,
                   map_to):
    from engine.atomic import check_file_target

    _document_format(output)
    check_file_target(output)
    if any(Path(output).resolve() == Path(f).resolve() for f in results):
        raise click.UsageError(_say("output_is_input_file", output=output))
    from engine.aggregate import AggregateError, load_results, summarise
    from engine.reports.summary import document

    board = _board(config_path, reporting_office=issuer, report_recipient=recipient, reporting_area=area,
                   period=period)
    criteria = _load(criteria_path)
    try:
        summary = summarise(load_results(results, criteria, allow_mixed), criteria, by,
                            sources=[Path(r).name for r in results], map_to=map_to)
    except AggregateError as error:
        _err(_error(error))
        sys.exit(EXIT_USAGE)
    _write_document(output, document(summary, criteria, board))
    _err(str(output))


@report.command("decision", help=H(
    "Dự thảo quyết định công nhận: chỉ các đơn vị đạt chuẩn, với căn cứ, Điều 1–3, nơi nhận và người ký của cơ "
    "quan có thẩm quyền công nhận.",
    "Draft recognition decision (dự thảo quyết định công nhận): the recognised units only, with the legal "
    "grounds (căn cứ), Articles 1–3, recipients and the signer of the recognising authority."))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@board_document_options
def report_decision(files, output, config_path, reviewing_office, authority, area, period, criteria_path,
                     strict_units):
    from engine.reports import decision

    batch = _batch_document(decision, files, output, config_path, criteria_path, strict_units,
                            reviewing_office=reviewing_office,
                            authority=authority, area=area, period=period)
    _err(_say("report_decision_written", output=output, recognized=batch.counts()["recognized"]))
    _report_exit(batch, batch.units)


@main.command(help=H(
    """Ghi phiếu tự đánh giá (.xlsx) lập từ tệp bộ tiêu chí.

    Trang "Một đơn vị": một đơn vị, mỗi số liệu một dòng. Trang "Nhiều đơn vị": mỗi đơn vị một dòng. Điền một
    trong hai trang rồi chạy `cfc evaluate TỆP.xlsx`.""",
    """Write the .xlsx self-assessment form generated from the criteria file.

    Sheet "Một đơn vị": one unit, a row per input. Sheet "Nhiều đơn vị": a row per unit. Fill either, then
    run `cfc evaluate FILE.xlsx`."""))
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="phieu-tu-danh-gia.xlsx", show_default=True,
              help=H("Nơi ghi phiếu (.xlsx, trọn vẹn hoặc không ghi gì).", "Where to write the form (.xlsx, written atomically)."))
@criteria_option
@click.option("--force", is_flag=True, help=H("Ghi đè tệp đã có (có thể là phiếu đã điền).",
                                              "Overwrite an existing file (it may hold a filled-in form)."))
@click.option("--province", help=H(
    "Điền sẵn trang «Nhiều đơn vị» với mọi xã, phường, đặc khu của tỉnh này theo danh mục hiện hành (mã, tên, "
    "tỉnh; loại đơn vị của phường), mỗi đơn vị một dòng.",
    "Pre-fill the several-units sheet with every unit of this province in the current list (code, name, "
    "province; a ward's category), one row each."))
@LANG_OPTION
def template(output, criteria_path, force, province, lang):
    from engine.atomic import check_file_target

    path = check_file_target(output)
    if path.suffix.lower() != ".xlsx":
        raise click.UsageError(_say("template_not_xlsx", output=output))
    if path.exists() and not force:
        raise click.UsageError(_say("template_exists", output=output))
    from engine.forms.template import write_template

    units = _province_units(province, lang) if province else ()
    write_template(_load(criteria_path), path, units)
    click.echo(f"{path}")
    if province:
        click.echo(_say("template_province", lang, count=len(units), province=units[0].province), err=True)


def _province_units(province: str, lang: str):
    """Every unit of a province on today's map, in code order; a province the map does not know is a usage
    error listing those it does."""
    from engine.registry import map_for

    current = map_for()
    code = current.find_province(province)
    if code is None:
        raise click.UsageError(_say("template_no_province", lang, province=province, map=current.label(lang),
                                    known=", ".join(sorted(current.provinces.values()))))
    return current.in_province(code)


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
@criteria_option
@ALLOW_MIXED_OPTION
@MAP_OPTION
@LANG_OPTION
def aggregate(results, output, by, criteria_path, allow_mixed, map_to, lang):
    from engine.aggregate import ALL_AREAS, PERIOD, RATE, STATUS_VI, UNITS, AggregateError
    from engine.aggregate import aggregate as run_aggregate
    from engine.atomic import check_directory_target
    from engine.messages import number, percent

    check_directory_target(output)

    criteria = _load(criteria_path)
    try:
        summary, written = run_aggregate(results, output, criteria, by, allow_mixed=allow_mixed, map_to=map_to)
    except AggregateError as error:
        _err(_error(error))
        sys.exit(EXIT_USAGE)
    areas = summary.tables["area"]
    for _, row in areas[areas[summary.keys[0]] == ALL_AREAS].iterrows():
        click.echo(_say("agg_period_line", period=row[PERIOD], recognised=number(row[STATUS_VI["recognized"]], lang),
                        units=number(row[UNITS], lang), rate=percent(row[RATE], lang)))
    for path in written:
        click.echo(_say("written", path=path))


@main.command(help=H(
    """Các kết quả đã lưu (cfc evaluate --save, nút Lưu trên trang web): các kỳ của MÃ_ĐƠN_VỊ đặt cạnh nhau với
    thay đổi theo từng tiêu chí, hoặc --export TỆP.csv. Mã thoát 1 khi chưa có kỳ nào được lưu cho MÃ_ĐƠN_VỊ.""",
    """Saved evaluations (cfc evaluate --save, the web page's Save button): UNIT_CODE's periods side by side
    with the change per criterion, or --export FILE.csv. Exit code 1 when nothing is saved for UNIT_CODE."""))
@click.argument("unit_code", required=False)
@click.option("--export", "export_path", type=click.Path(dir_okay=False),
              help=H("Ghi các kết quả đã lưu (của MÃ_ĐƠN_VỊ, hoặc tất cả) ra tệp CSV này.", "Write the saved evaluations (of UNIT_CODE, or all) to this CSV file (atomically)."))
@DB_OPTION
@LANG_OPTION
def history(unit_code, export_path, db, lang):
    from engine.atomic import atomic_text
    from engine.history import History, compare, export_csv, format_comparison
    from engine.messages import Message

    if not unit_code and not export_path:
        raise click.UsageError(_say("history_needs_unit", lang))
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


@main.group(help=H(
    """Tài khoản của máy chủ cấp tỉnh (cfc serve --accounts): xã, hội đồng thẩm định, tỉnh, quản trị. Mật khẩu
    được hỏi (không hiện khi gõ) hoặc đọc từ dòng đầu của đầu vào chuẩn, không bao giờ từ dòng lệnh.""",
    """Accounts of the province server (cfc serve --accounts): communes, evaluation boards, provinces, admins.
    Passwords are asked for (not shown as typed) or read from the first line of standard input, never from the
    command line."""))
def users():
    pass


def _password(lang: str) -> str:
    """A password from the terminal (asked twice, not echoed) or from the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt(_say("user_password_prompt", lang), hide_input=True,
                            confirmation_prompt=_say("user_password_again", lang), err=True)
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        from engine.messages import MessageError

        raise MessageError("user_password_stdin_empty")
    return line


@users.command("add", help=H(
    """Tạo tài khoản TÊN_ĐĂNG_NHẬP. Vai trò và phạm vi: --role commune --unit MÃ (thêm --unit-name, --district,
    --province: nơi đơn vị thuộc về, quyết định hội đồng và tỉnh nào thấy đơn vị); --role board --area ĐỊA_BÀN
    (mã đơn vị hoặc tên huyện/tỉnh như đơn vị ghi; lặp lại hoặc cách nhau bằng dấu phẩy); --role province
    --province TÊN; --role admin.

    Ví dụ: printf '%s\\n' "$MAT_KHAU" | cfc users add xa.ngocduong --role commune --unit 00700
    """,
    """Create the account LOGIN. Role and scope: --role commune --unit CODE (with --unit-name, --district,
    --province: where the unit belongs, which decides the board and province that see it); --role board --area
    AREA (unit codes or district/province names as units carry them; repeat it or separate with commas);
    --role province --province NAME; --role admin.

    Example: printf '%s\\n' "$PASSWORD" | cfc users add xa.ngocduong --role commune --unit 00700
    """))
@click.argument("login")
@click.option("--role", required=True, type=click.Choice(["commune", "board", "province", "admin"]))
@click.option("--unit", "unit", metavar="CODE", help=H("Mã đơn vị của tài khoản xã.", "The commune account's unit code."))
@click.option("--unit-name", help=H("Tên đơn vị (tài khoản xã).", "The unit's name (commune account)."))
@click.option("--district", help=H("Huyện của đơn vị (tài khoản xã).", "The unit's district (commune account)."))
@click.option("--area", multiple=True, help=H("Địa bàn của hội đồng: mã đơn vị hoặc tên huyện/tỉnh.",
                                              "The board's area: unit codes or district/province names."))
@click.option("--province", help=H("Tỉnh của tài khoản tỉnh, hoặc tỉnh của đơn vị (tài khoản xã).",
                                   "The province account's province, or the unit's province (commune account)."))
@TEMPORARY_OPTION
@DB_OPTION
@LANG_OPTION
def users_add(login, role, unit, unit_name, district, area, province, temporary, db, lang):
    from engine.store import Store
    from engine.store.users import add_user

    from engine.store.users import official_place

    if role == "commune" and unit:
        _check_account_unit(unit, {"unit_name": unit_name, "district": district, "province": province}, lang)
    store = Store.open(db)
    place = None
    if role == "commune":  # where the unit is decides who sees it: from the official list unless given
        from engine.registry import admin_map

        place, found = official_place(unit, {"name": unit_name, "district": district, "province": province})
        shown = ", ".join(part for part in (place["name"], place["district"], place["province"]) if part)
        click.echo(_say("user_unit_found", lang, unit=found.code, place=shown, list=admin_map(found.map_id).label))
    account = add_user(store, login, _password(lang), role, unit=unit, area=area, province=province, unit_place=place,
                       temporary=temporary)
    click.echo(_say("user_added", lang, login=account.login, role=_role_words(account.role)))
    if temporary:
        click.echo(_say("user_password_temporary_note", lang))


def _check_account_unit(code: str, names: dict, lang: str) -> None:
    """A commune account's unit must be in the official list, today's or the one before 1 July 2025 (an account
    may file periods before the reform); a name, district or province given that is not the code's is warned."""
    from engine.messages import Message
    from engine.registry import map_for, normalise_code
    from engine.registry.maps import other
    from engine.registry.names import same_name

    now = map_for()
    found = now.get(normalise_code(code)) or other(now).get(normalise_code(code))
    if found is None:
        raise click.UsageError(_say("registry_account_unknown", lang, code=code, now=now.label(lang),
                                    before=other(now).label(lang)))
    label = (now if found.map_id == now.id else other(now)).label
    for name, official, key in (("unit_name", found.name, "registry_name_mismatch"),
                                ("province", found.province, "registry_province_mismatch"),
                                ("district", found.district, "registry_district_mismatch")):
        given = names.get(name)
        if given and official and not same_name(given, official):
            text = Message(key, {"code": found.code, "unit": found.full_name, "map": label, "official": official,
                                 "given": given}).render(lang)
            _err(_say("warning_line", lang, text=text))


@users.command("add-communes", help=H(
    """Tạo một tài khoản xã cho mỗi xã, phường của TỈNH theo danh mục đơn vị hành chính hiện hành: tên đăng nhập
    xa.MÃ (ví dụ xa.00700), mật khẩu ngẫu nhiên ghi vào TỆP (.csv, chỉ người tạo đọc được) để gửi riêng cho từng
    xã. Xã đã có tài khoản được bỏ qua. TỆP chưa được có sẵn.

    Ví dụ: cfc users add-communes --province "Tuyên Quang" -o mat-khau-xa.csv""",
    """Create a commune account for every commune and ward of PROVINCE in today's official list: login xa.CODE
    (e.g. xa.00700), a random password written to FILE (.csv, readable by you only) to hand to each commune.
    Communes that already have an account are skipped. FILE must not exist yet.

    Example: cfc users add-communes --province "Tuyên Quang" -o mat-khau-xa.csv"""))
@click.option("--province", required=True, help=H("Tên tỉnh, như danh mục ghi hoặc như người ta gõ.",
                                                  "The province's name, as the list writes it or as people type it."))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help=H("Tệp .csv nhận các mật khẩu.", "The .csv file that receives the passwords."))
@DB_OPTION
@LANG_OPTION
def users_add_communes(province, output, db, lang):
    from engine.results.cells import csv_writer
    from engine.store import Store
    from engine.store.communes import add_communes
    from engine.store.users import UserError

    path = Path(output).expanduser().absolute()
    if path.exists():
        raise UserError("users_output_exists", path=str(path))
    store = Store.open(db)
    # The file is made first, private, and each password written as soon as its account exists: nothing is lost
    # if a later account fails.
    handle = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8-sig",
                       newline="")
    written = []
    with handle:
        writer = csv_writer(handle, lineterminator="\n")
        writer.writerow(_say("users_passwords_header", lang).split(","))

        def keep(account, name, password):
            writer.writerow([account.login, account.unit_code, name, password])
            handle.flush()
            written.append(account.login)
            click.echo(f"  {account.login}  {name}")  # a hundred password hashes take a minute: show the way

        try:
            added = add_communes(store, province, on_created=keep)
        except Exception:
            if not written:  # nothing to hand out: no file left behind
                handle.close()
                path.unlink()
            raise
    if added.skipped:
        units = ", ".join(f"{code} ({login})" for code, login in added.skipped[:20])
        click.echo(_say("users_communes_skipped", lang, count=len(added.skipped),
                        units=units + (" …" if len(added.skipped) > 20 else "")))
    if not added.created:
        path.unlink()
        click.echo(_say("users_communes_none", lang, province=added.province))
        return
    click.echo(_say("users_communes_added", lang, count=len(added.created), province=added.province, path=str(path)))


@users.command("list", help=H("Mọi tài khoản: vai trò, phạm vi, trạng thái.", "Every account: role, scope, state."))
@DB_OPTION
@LANG_OPTION
def users_list(db, lang):
    from engine.messages import Message
    from engine.store import Store
    from engine.store.users import list_users

    store = Store.open(db)
    accounts = list_users(store)
    if not accounts:
        click.echo(_say("users_none", lang, db=store.location))
        return
    rows = [_say("users_header", lang).split("\t")]
    for a in accounts:
        scope = a.unit_code or ", ".join(a.area) or a.province or "*"
        rows.append([a.login, _say("user_role_shown", lang, label=Message("srv_role_" + a.role), role=a.role), scope,
                     _say("user_state_disabled" if a.disabled else "user_state_active", lang)
                     + (f" ({_say('user_state_temporary', lang)})" if a.password_temporary and not a.disabled else ""),
                     a.created_at.strftime("%Y-%m-%d %H:%M")])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        _echo_row(row, widths)


def _role_words(role: str):
    """A role as the admin reads it: its name in the language, and the word --role takes."""
    from engine.messages import Message

    return Message("user_role_shown", {"label": Message("srv_role_" + role), "role": role})


def _echo_row(row, widths) -> None:
    from engine.text import printable

    click.echo("  ".join(printable(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())


@users.command("disable", help=H("Khóa tài khoản: không đăng nhập được nữa; lịch sử vẫn được giữ.",
                                 "Disable an account: it can no longer sign in; its history is kept."))
@click.argument("login")
@DB_OPTION
@LANG_OPTION
def users_disable(login, db, lang):
    from engine.store import Store
    from engine.store.users import set_disabled

    account = set_disabled(Store.open(db), login)
    click.echo(_say("user_disabled", lang, login=account.login))


@users.command("enable", help=H("Mở khóa tài khoản đã khóa.", "Enable a disabled account again."))
@click.argument("login")
@DB_OPTION
@LANG_OPTION
def users_enable(login, db, lang):
    from engine.store import Store
    from engine.store.users import set_disabled

    account = set_disabled(Store.open(db), login, disabled=False)
    click.echo(_say("user_enabled", lang, login=account.login))


@users.command("passwd", help=H("Đặt mật khẩu mới cho tài khoản (hỏi, hoặc đọc từ đầu vào chuẩn).",
                                "Set an account's new password (asked for, or read from standard input)."))
@click.argument("login")
@TEMPORARY_OPTION
@DB_OPTION
@LANG_OPTION
def users_passwd(login, temporary, db, lang):
    from engine.store import Store
    from engine.store.users import get_user, set_password, UserError

    store = Store.open(db)
    if get_user(store, login) is None:  # before asking for a password nobody will use
        raise UserError("user_unknown", login=login)
    account = set_password(store, login, _password(lang), temporary=temporary)
    click.echo(_say("user_password_set_temporary" if temporary else "user_password_set", lang, login=account.login))


@main.group(help=H("Cơ sở dữ liệu của cfc (lịch sử, tài khoản, hồ sơ): SQLite hoặc PostgreSQL.",
                   "cfc's database (history, accounts, submissions): SQLite or PostgreSQL."))
def db():
    pass


@db.command("upgrade", help=H(
    """Đưa cấu trúc cơ sở dữ liệu lên phiên bản mới nhất mà bản cfc này biết (tạo các bảng khi cơ sở dữ liệu còn
    trống; tệp lịch sử của bản cfc cũ được chuyển đổi tại chỗ). Cần chạy với PostgreSQL sau mỗi lần cài bản cfc
    mới; tệp SQLite được nâng cấp tự động khi mở. Mã thoát: 0 xong, 2 cơ sở dữ liệu không dùng được.""",
    """Bring the database's schema up to the newest revision this cfc knows (the tables are made in an empty
    database; a history file of an older cfc is converted in place). Run it for PostgreSQL after installing
    each new cfc; an SQLite file is upgraded when opened. Exit code: 0 done, 2 the database cannot be used."""))
@DB_OPTION
@LANG_OPTION
def db_upgrade(db, lang):
    from engine.store import Store

    store = Store.open(db, upgrade=True)
    click.echo(_say("db_at_revision", lang, db=store.location, revision=store.revision()))


@db.command("backup", help=H(
    """Sao lưu tệp SQLite của cfc vào TỆP — an toàn khi cfc đang chạy (bản chụp nhất quán; người dùng vẫn làm
    việc bình thường). TỆP chưa được có sẵn. Khôi phục: dừng cfc, chép TỆP về chỗ của tệp cơ sở dữ liệu (đường
    dẫn in ra khi cfc serve khởi động). PostgreSQL: dùng pg_dump. Mã thoát: 0 xong, 2 không sao lưu được.""",
    """Back up cfc's SQLite file to FILE — safe while cfc runs (a consistent snapshot; people keep working). FILE
    must not exist yet. Restore: stop cfc, copy FILE back to the database file's place (the path cfc serve prints
    when it starts). PostgreSQL: use pg_dump. Exit code: 0 done, 2 the backup could not be made."""))
@click.argument("target", metavar="FILE", type=click.Path(dir_okay=False))
@DB_OPTION
@LANG_OPTION
def db_backup(target, db, lang):
    from engine.store.backup import backup
    from engine.store.database import database_url

    written = backup(db, target)
    click.echo(_say("db_backed_up", lang, db=database_url(db).database, path=str(written)))


@main.command(help=H(
    """Trang tự đánh giá trên trình duyệt: biểu mẫu lập từ bộ tiêu chí; điểm, kết quả và kế hoạch cập nhật ngay
    khi gõ; tải tệp lên, tải văn bản về, lịch sử đã lưu. Dừng bằng Ctrl+C.

    Với --accounts (hoặc khi cơ sở dữ liệu đã có tài khoản): máy chủ cấp tỉnh, cần đăng nhập — xã nộp hồ sơ và
    minh chứng, hội đồng thẩm định, tỉnh công nhận và theo dõi (README, "Máy chủ cấp tỉnh").""",
    """The self-check page in the browser: a form generated from the criteria, the score, the decision and the
    plan updating as you type, uploads, documents and the saved history. Stop with Ctrl+C.

    With --accounts (or when the database holds accounts): the province server, sign-in required — communes
    submit files and evidence, boards appraise, the province recognises and follows (README, "The province
    server")."""))
@click.option("--host", default="127.0.0.1", show_default=True,
              help=H("Địa chỉ lắng nghe. Địa chỉ khác máy này cần mã truy cập được in ra khi khởi động (trừ khi có tài khoản).", "Address to listen on. Any address other than this computer's own needs the printed token (unless accounts are on)."))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@DB_OPTION
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True),
              help=H("Tệp YAML của hội đồng, như của cfc report --config: nơi nhận, người ký, địa danh in trên văn "
                     "bản tải về (trang cho sửa, bổ sung trước khi tải).",
                     "Board YAML, as for cfc report --config: the recipient, signers and place printed on the "
                     "documents the page offers (the page lets a person complete them before downloading)."))
@click.option("--accounts", is_flag=True,
              help=H("Máy chủ cấp tỉnh: cần đăng nhập (tài khoản tạo bằng cfc users add).",
                     "The province server: sign-in required (accounts made with cfc users add)."))
@click.option("--deadlines", "deadlines_path", type=click.Path(dir_okay=False, exists=True),
              help=H("Tệp YAML các hạn nộp theo kỳ (mặc định: engine/data/deadlines.yaml).",
                     "YAML of the due dates per period (default: engine/data/deadlines.yaml)."))
@click.option("--secret-file", type=click.Path(dir_okay=False),
              help=H("Tệp khóa ký cookie phiên (hoặc biến CFC_SECRET_KEY / CFC_SECRET_FILE); mặc định tạo trong thư mục dữ liệu.",
                     "File of the session cookies' signing key (or CFC_SECRET_KEY / CFC_SECRET_FILE); made in the data directory by default."))
@click.option("--proxy", metavar="ADDRESS",
              help=H("Chạy sau reverse proxy HTTPS tại địa chỉ này (vd. 127.0.0.1): tin X-Forwarded-For/-Proto của nó, cookie chỉ gửi qua HTTPS.",
                     "Behind an HTTPS reverse proxy at this address (e.g. 127.0.0.1): trust its X-Forwarded-For/-Proto, cookies sent over HTTPS only."))
@click.option("--keep-mb", type=click.IntRange(min=1), default=512, show_default=True,
              help=H("Bộ nhớ tối đa (MB) dành giữ bảng kết quả của các tệp đã tải lên; quá thì quên tệp cũ nhất.",
                     "Memory (MB) the uploads' results tables may keep; past it the oldest is forgotten."))
@criteria_option
@STRICT_UNITS_OPTION
def serve(host, port, db, config_path, accounts, deadlines_path, secret_file, proxy, keep_mb, criteria_path,
          strict_units):
    import secrets

    from engine.history import History
    from engine.messages import Message
    from engine.store import Store
    from engine.store.users import list_users
    from engine.web.security import is_loopback

    store = Store.open(db)
    shown = f"[{host}]" if ":" in host else host
    users = list_users(store)
    if accounts or users:
        from engine.web.server.app import create_server_app
        from engine.web.server.secret import session_secret
        from engine.workflow.deadlines import load_deadlines

        app = create_server_app(_library(criteria_path), store, session_secret(secret_file),
                                deadlines=load_deadlines(deadlines_path), board=_board(config_path),
                                secure_cookies=proxy is not None)
        app.state.strict_units = strict_units
        for lang in ("vi", "en"):
            click.echo(Message("web_serving_accounts", {"address": f"http://{shown}:{port}/", "db": store.location}).render(lang))
        if not users:
            click.echo(Message("web_no_accounts", {"db": store.location}).render(_lang()), err=True)
        if proxy is None and not is_loopback(host):  # passwords over the office network in clear text
            click.echo(Message("web_plain_http", {"host": host}).render(_lang()), err=True)
        # Behind a proxy, the client's address (for the login limits) and scheme come from its headers; else
        # nobody's headers are trusted.
        from engine.web.jobs import serve as run_server

        run_server(app, host, port, grace=10, proxy_headers=proxy is not None, forwarded_allow_ips=proxy)
        return
    from engine.web.app import create_app

    token = None if is_loopback(host) else secrets.token_urlsafe(24)
    app = create_app(_library(criteria_path), History(store), token=token, loopback_only=token is None,
                     board=_board(config_path), keep_bytes=keep_mb * 1024 * 1024)
    app.state.strict_units = strict_units
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    for lang in ("vi", "en"):
        click.echo(Message("web_serving", {"address": address}).render(lang))
        if token:
            click.echo(Message("web_token_note").render(lang))
    from engine.web.jobs import serve as run_server

    run_server(app, host, port)  # SIGTERM or Ctrl-C: documents cancelled, stopped within seconds


if __name__ == "__main__":
    main()
