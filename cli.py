"""cfc command line: parse, call the engine, render, set the exit code. Heavy imports happen inside commands."""
from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

LANGS = click.Choice(["vi", "en"])
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_ENGINE = 0, 1, 2, 3


def _load(criteria_path: str | None):
    from engine.criteria import CriteriaError, load_criteria

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
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here (atomically) instead of stdout.")
@click.option("--lang", type=LANGS, default="vi", show_default=True, help="Language of labels and messages.")
@click.option("--criteria", "criteria_path", type=click.Path(dir_okay=False), help="Criteria YAML (default: newest shipped).")
@click.option("--detail/--no-detail", default=None, help="Per-indicator breakdown (default: only for one unit).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per core for large batches).")
@click.option("--set", "assignments", multiple=True, metavar="INPUT=VALUE",
              help="What-if: re-score with this input changed and show what changes (repeatable).")
def evaluate(files, fmt, output, lang, criteria_path, detail, jobs, assignments):
    """Evaluate units' self-assessment data (CSV, YAML or JSON).

    Exit code: 0 every unit evaluated, 1 some unit has invalid data, 2 usage error or unreadable file,
    3 some unit could not be evaluated (its worker process died; the units are named)."""
    if output and any(Path(output).resolve() == Path(f).resolve() for f in files):
        raise click.UsageError(f"--output {output} is one of the input files; refusing to overwrite it")
    from engine import batch
    from engine.atomic import atomic_text

    criteria = _load(criteria_path)
    if assignments:
        _what_if(criteria, files, assignments, fmt, output, lang)
    plan = batch.plan(files)
    show_progress = output is not None and sys.stderr.isatty() and plan.count > 20
    bar = click.progressbar(length=plan.count, file=sys.stderr, label="cfc") if show_progress else nullcontext()
    with (atomic_text(output) if output else nullcontext(sys.stdout)) as out, bar as progress:
        summary = batch.run(plan, criteria, fmt, lang, out, detail=detail, jobs=jobs,
                            progress=progress.update if show_progress else None)
    for error in summary.file_errors + summary.not_evaluated:
        click.echo(f"error: {error}", err=True)
    if summary.not_evaluated:
        sys.exit(EXIT_ENGINE)
    if summary.file_errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if summary.counts["invalid"] else EXIT_OK)


def _what_if(criteria, files, assignments, fmt, output, lang) -> None:
    import json

    from engine.atomic import atomic_text
    from engine.results import localise
    from engine.whatif import WhatIfError, compare, describe, parse_changes

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
    from engine.explain import describe_criteria

    click.echo(describe_criteria(_load(criteria_path), lang), nl=False)


@criteria.command("validate")
@click.argument("file", type=click.Path(dir_okay=False))
def criteria_validate(file):
    """Check a criteria file; print every problem with its line and path. Exit 1 if any."""
    from engine.criteria import CriteriaError, load_criteria

    try:
        cs = load_criteria(file)
    except CriteriaError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_INVALID)
    provisional = sum(1 for _, i in cs.indicators for b in range(len(i.scoring.bands)) if i.scoring.band_status(b) == "provisional")
    click.echo(f"OK {file}: {len(cs.criteria)} criteria, {len(cs.indicators)} indicators, "
               f"{cs.instrument.total_points} points, {provisional} provisional band(s)")


if __name__ == "__main__":
    main()
