"""Provincial review: combine result files of `cfc evaluate` (JSON or CSV) into summary tables and charts.

Reads results, never inputs: every figure here is a count of decisions the engine already made. A unit is
recognised only when its result says so; incomplete and invalid units are counted in their own columns and in
the denominator of the recognition rate (they are units of the area that are not, or not yet, recognised).
Criterion statistics and the distribution of totals use decided units only (recognised or not recognised),
since an incomplete or invalid unit's total adds up only what could be scored.

The national targets come from engine/data/targets.yaml, with their citation.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from engine.aggregate.background import helper
from engine.aggregate.charts import CHART_AREA, CHART_CRITERIA, chart_criteria, chart_recognition
from engine.aggregate.load import (AggregateError, Results, Target, Targets, load_results, load_targets)
from engine.aggregate.tables import (ALL_AREAS, AREA, DISTRICT, NO_AREA, NO_CATEGORY, NO_DISTRICT, NO_PROVINCE, PERIOD,
                                     PROVINCE, RATE, RATE_BEFORE, SHEETS, STATUS_VI, UNITS, Summary, by_area,
                                     by_category, change_table, criteria_table, summarise, target_gaps,
                                     total_bins, totals_table, unit_change_table, units_needed, units_table)
from engine.aggregate.workbook import write_workbook
from engine.atomic import OutputError, atomic_directory, output_error
from engine.results.model import DECIDED, STATUSES
from engine.criteria.model import CriteriaSet

# The public names, re-exported so that reports and the CLI do not depend on how this package is split.
__all__ = ["AggregateError", "ALL_AREAS", "AREA", "CHART_AREA", "CHART_CRITERIA", "DECIDED", "DISTRICT", "NO_AREA",
           "NO_CATEGORY", "NO_DISTRICT", "NO_PROVINCE", "OUTPUTS", "PERIOD", "PROVINCE", "RATE", "RATE_BEFORE", "Results", "SHEETS",
           "STATUSES", "STATUS_VI", "Summary", "Target", "Targets", "UNITS", "aggregate", "by_area",
           "by_category", "change_table", "chart_criteria", "chart_recognition", "criteria_table", "load_results",
           "load_targets", "summarise", "target_gaps", "total_bins", "totals_table", "unit_change_table", "units_needed", "units_table",
           "write_workbook"]


OUTPUTS = ("summary.xlsx", CHART_AREA, CHART_CRITERIA)


def aggregate(paths: Iterable[str | Path], output: str | Path, criteria: CriteriaSet, by: str = "province",
              targets_path: str | Path | None = None, allow_mixed: bool = False,
              map_to: str | None = None) -> tuple[Summary, list[Path]]:
    """Read the results, compute every table, write summary.xlsx and the two charts into `output`.

    The three files are written into a temporary folder that takes `output`'s place only once all three are
    complete (engine.atomic.atomic_directory, as `cfc evaluate --output DIR` does): a failure part way (a full
    disk on the last chart) leaves the previous set whole, never a new workbook beside old charts, and no
    half-written file."""
    paths = [Path(p) for p in paths]
    results = load_results(paths, criteria, allow_mixed)
    summary = summarise(results, criteria, by, load_targets(targets_path), [str(p) for p in paths], map_to)
    output = Path(output)
    output.absolute().parent.mkdir(parents=True, exist_ok=True)
    charts = {CHART_AREA: chart_recognition, CHART_CRITERIA: chart_criteria}

    def write(name: str, writer) -> None:
        try:
            writer(summary, folder / name)
        except OutputError as error:  # named after the output, not its place in the temporary folder
            if not isinstance(error.__cause__, OSError):
                raise
            raise output_error(output / name, error.__cause__) from error.__cause__

    with atomic_directory(output, OUTPUTS) as folder:
        # the charts on the other core while this one writes the workbook
        with helper(lambda: [draw(summary, folder / name) for name, draw in charts.items()]) as charts_drawn:
            write("summary.xlsx", write_workbook)
            if not charts_drawn():
                for name, draw in charts.items():
                    write(name, draw)
    return summary, [output / name for name in OUTPUTS]
