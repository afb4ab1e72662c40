"""Regenerate the parts of docs/ that derive from the criteria files and the command line, like `cog`.

    python docs/generate.py          rewrite docs/data-dictionary.md, docs/cli.md, the marked blocks of
                                     docs/legal-basis.md and schema/v1/criteria.schema.json from
                                     criteria/*.yaml, the criteria model and `cfc --help`
    python docs/generate.py --check  change nothing; exit 1 naming each file that is out of date
                                     (tests/test_docs.py runs the check)

Hand-written prose in legal-basis.md stays as written; only the text between
`<!-- BEGIN GENERATED name -->` and `<!-- END GENERATED name -->` is replaced.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cli import UI_LANG, main as cfc  # noqa: E402
from engine import click_words  # noqa: E402
from engine.criteria.model import CriteriaSet  # noqa: E402
from engine.criteria.schema import criteria_json_schema  # noqa: E402
from engine.criteria.versions import PERIOD_INPUT, CriteriaLibrary# noqa: E402
from engine.registry.maps import input_label  # noqa: E402

DOCS = ROOT / "docs"
SCHEMA = ROOT / "schema" / "v1" / "criteria.schema.json"  # for editors; generated from the criteria model
WIDTH = 100  # help text is wrapped at this width whatever the terminal, so the output is reproducible
KIND_WORDS = {"yes_no": "yes/no", "count": "count", "percent": "percent (numerator / denominator × 100)",
              "per_1000": "per 1,000 (numerator / denominator × 1,000)"}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path


def _in_force(cs: CriteriaSet) -> str:
    until = cs.instrument.valid_until
    return f"from {cs.instrument.effective.isoformat()}" + (f" to {until.isoformat()}" if until else " until replaced")


# ---------------------------------------------------------------- legal-basis.md: what the rules encode

def criteria_sets(library: CriteriaLibrary) -> str:
    return "\n".join(_criteria_set(cs) for cs in library.sets)


def _criteria_set(cs: CriteriaSet) -> str:
    ins = cs.instrument
    lines = [f"### {ins.id}: {ins.citation}", "",
             f"*{ins.title.vi}* ({ins.title.en}).", "",
             f"- File: `{_relative(cs.source)}`; in force {_in_force(cs)}"
             + (f"; replaces {ins.replaces}" if ins.replaces else "") + ".",
             f"- Total: {ins.total_points} points over {len(cs.criteria)} criteria and {len(cs.indicators)} indicators.",
             f"- Recognised when every criterion is met (scored from complete data and at least "
             f"{cs.recognition.min_points_per_criterion} point(s), so none is at 0) and the total reaches the "
             f"threshold of the unit's category. {cs.recognition.citation} ({cs.recognition.status}).", "",
             "| category | wording | threshold |", "|---|---|---|"]
    lines += [f"| `{c.id}` | {_cell(c.label.vi)} ({_cell(c.label.en)}) | {c.threshold} |" for c in cs.categories]
    for criterion in cs.criteria:
        statuses = {ind.scoring.band_status(b) for ind in criterion.indicators for b in range(len(ind.scoring.bands))}
        status = "confirmed" if statuses == {"confirmed"} else "provisional" if statuses == {"provisional"} \
            else "partly provisional"
        lines += ["", f"#### Criterion {criterion.number}: {criterion.name.vi} ({criterion.max_points} points, {status})",
                  "", f"{criterion.name.en}. Citation: {criterion.citation}.", ""]
        if criterion.text:
            lines += [f"> {criterion.text.vi}", ">", f"> *{criterion.text.en}*", ""]
        lines += ["| indicator | measure | band | points | status |", "|---|---|---|---|---|"]
        for ind in criterion.indicators:
            m = ind.measure
            how = f"`{m.input}`" if not m.is_rate else (f"`{m.numerator}` / `{m.denominator}`; denominator 0: "
                                                        f"{m.empty_denominator.replace('_', ' ')}")
            first = f"**{ind.id}** {_cell(ind.name.vi)} (max {ind.max_points})"
            for b, band in enumerate(ind.scoring.bands):
                lines.append(f"| {first if b == 0 else ''} | {KIND_WORDS[m.kind] + ': ' + how if b == 0 else ''} "
                             f"| {_cell(ind.band_text(b).vi)} | {band.points} | {ind.scoring.band_status(b)} |")
        citations = list(dict.fromkeys(ind.scoring.citation for ind in criterion.indicators))
        lines += ["", "Bands: " + "; ".join(citations) + "."]
    # Per indicator, the points of its provisional bands: how many bands, and the most a unit can get from one.
    provisional = [[band.points for b, band in enumerate(ind.scoring.bands)
                    if ind.scoring.band_status(b) == "provisional"] for _, ind in cs.indicators]
    provisional = [points for points in provisional if points]
    lines += ["", f"Provisional: {sum(map(len, provisional))} bands in {len(provisional)} indicators; up to "
                  f"{sum(map(max, provisional))} of a unit's {ins.total_points} points depend on them "
                  f"(`cfc criteria show --provisional` lists them).", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- data-dictionary.md: every input

def data_dictionary(library: CriteriaLibrary) -> str:
    lines = ["# Data dictionary / Từ điển dữ liệu", "",
             "<!-- Generated by `python docs/generate.py` from criteria/*.yaml; do not edit by hand. -->", "",
             "The inputs a unit's self-assessment provides: field names in YAML/JSON, column headers in CSV and "
             "spreadsheets (the Vietnamese label works as a header too). Counts are whole numbers ≥ 0 written as "
             "plain digits; yes/no accepts true/false, yes/no, 1/0, có/không. An empty value is missing, never zero: "
             "the indicators using it are unscored and the unit is incomplete. See docs/legal-basis.md §4.", ""]
    for cs in library.sets:
        used: dict[str, list[str]] = {}
        for _, ind in cs.indicators:
            for name in ind.measure.inputs:
                used.setdefault(name, []).append(ind.id)
        lines += [f"## {cs.instrument.id} ({_relative(cs.source)}, in force {_in_force(cs)})", "",
                  "| input | Vietnamese label | English label | type | unit | rules | used by |",
                  "|---|---|---|---|---|---|---|"]
        for decl in cs.inputs:
            rules = [r for r in ("required" if decl.required else "", f"≥ {decl.min}" if decl.min is not None else "") if r]
            if decl.name in used:
                use = "indicator " + ", ".join(used[decl.name])
            elif decl.name == PERIOD_INPUT:
                use = "the criteria set (in force on the period's last day)"
            elif decl.type == "category":
                use = "the threshold: " + ", ".join(f"`{c.id}`" for c in cs.categories)
            else:
                use = "identifies the unit in results and reports"
            unit = f"{decl.unit.vi} ({decl.unit.en})" if decl.unit else ""
            vi, en = decl.label.vi, decl.label.en
            after = input_label(decl, after=True)  # what the label is for units after the 1 July 2025 reform
            if after != decl.label:
                vi, en = f"{vi} (từ 01/7/2025: {after.vi})", f"{en} (from 1 July 2025: {after.en})"
            lines.append(f"| `{decl.name}` | {_cell(vi)} | {_cell(en)} | {decl.type} | "
                         f"{_cell(unit)} | {', '.join(rules)} | {use} |")
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------- cli.md: every command's --help

def commands(group: click.Group = cfc, parent: click.Context | None = None):
    """(context, command) for the group and every command below it, in order of definition."""
    ctx = click.Context(group, info_name=parent and group.name or "cfc", parent=parent, terminal_width=WIDTH,
                        max_content_width=WIDTH)
    yield ctx, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, ctx)
        else:
            yield click.Context(command, info_name=name, parent=ctx, terminal_width=WIDTH,
                                max_content_width=WIDTH), command


def cli_reference() -> str:
    lines = ["# Command line / Dòng lệnh", "",
             "<!-- Generated by `python docs/generate.py` from the commands' --help; do not edit by hand. -->", ""]
    click_words.set_language(UI_LANG)  # click's own words in the help's language, whatever ran before
    for ctx, command in commands():
        lines += [f"## {ctx.command_path}", "", "```", command.get_help(ctx), "```", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- writing and checking

def fill(text: str, name: str, content: str) -> str:
    pattern = re.compile(rf"(<!-- BEGIN GENERATED {name} -->\n).*?(<!-- END GENERATED {name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"docs: no block '{name}' (<!-- BEGIN GENERATED {name} --> ... END) to fill")
    return pattern.sub(lambda m: m.group(1) + content.rstrip("\n") + "\n" + m.group(2), text)


def criteria_schema() -> str:
    return json.dumps(criteria_json_schema(), ensure_ascii=False, indent=2) + "\n"


def expected() -> dict[Path, str]:
    library = CriteriaLibrary.load()
    legal = DOCS / "legal-basis.md"
    return {legal: fill(legal.read_text(encoding="utf-8"), "criteria-sets", criteria_sets(library)),
            DOCS / "data-dictionary.md": data_dictionary(library),
            DOCS / "cli.md": cli_reference(),
            SCHEMA: criteria_schema()}


def stale() -> list[Path]:
    return [path for path, text in expected().items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        out_of_date = stale()
        for path in out_of_date:
            print(f"{_relative(str(path))} is out of date: run python docs/generate.py", file=sys.stderr)
        return 1 if out_of_date else 0
    for path, text in expected().items():
        path.write_text(text, encoding="utf-8")
        print(_relative(str(path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
