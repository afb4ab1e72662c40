"""cfc command line: parse, call the engine, render, set the exit code. Heavy imports happen inside commands."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

LANGS = click.Choice(["vi", "en"])
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def write_atomically(path: Path, content: str) -> None:
    """Write to a temporary file beside the target, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
def evaluate(files, fmt, output, lang, criteria_path, detail):
    """Evaluate units' self-assessment data (CSV, YAML or JSON).

    Exit code: 0 every unit evaluated, 1 some unit has invalid data, 2 usage error or unreadable file."""
    if output and any(Path(output).resolve() == Path(f).resolve() for f in files):
        raise click.UsageError(f"--output {output} is one of the input files; refusing to overwrite it")
    from engine.evaluate import evaluate_files
    from engine import render

    criteria = _load(criteria_path)
    batch = evaluate_files(criteria, files)
    if fmt == "json":
        content = render.to_json(batch, lang)
    elif fmt == "csv":
        content = render.to_csv(batch, lang)
    else:
        content = render.to_table(batch, lang, detail)
    if output:
        write_atomically(Path(output), content)
    else:
        click.echo(content, nl=False)
    for error in batch.file_errors:
        click.echo(f"error: {error}", err=True)
    if batch.file_errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if batch.counts()["invalid"] else EXIT_OK)


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
