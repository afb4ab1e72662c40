"""The JSON Schema of criteria files (schema/v1/criteria.schema.json, generated from the criteria model): the
shipped files match it, it refuses what the loader refuses by shape, and a band's own `reference` becomes the
citation of every result scored in it."""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from engine import api
from engine.criteria.model import CriteriaError, load_criteria
from engine.criteria.versions import SHIPPED

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schema" / "v1" / "criteria.schema.json").read_text(encoding="utf-8"))
SHIPPED_FILES = sorted(SHIPPED.glob("*.yaml"))
UNIT = yaml.safe_load((ROOT / "evaluations" / "single-unit.yaml").read_text(encoding="utf-8"))


def as_json(value):
    """A YAML document as an editor's schema check sees it: dates are text."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def shipped(path: Path = SHIPPED_FILES[0]) -> dict:
    return as_json(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.name)
def test_every_shipped_criteria_file_matches_the_schema(path):
    jsonschema.Draft202012Validator(SCHEMA).validate(shipped(path))


@pytest.mark.parametrize("change, where", [
    (lambda d: d["criteria"][0]["indicators"][0]["scoring"]["bands"][0].update(pionts=10), "pionts"),
    (lambda d: d["criteria"][0]["indicators"][0]["scoring"]["bands"][0].update(points="10"), "'10'"),
    (lambda d: d["criteria"][0]["indicators"][0]["scoring"].update(status="draft"), "'draft'"),
    (lambda d: d["categories"][0].update(threshold=-1), "-1"),
    (lambda d: d["inputs"][0].update(type="number"), "'number'"),
    (lambda d: d.pop("recognition"), "recognition"),
])
def test_the_schema_refuses_what_the_loader_refuses(tmp_path, change, where):
    data = shipped()
    change(data)
    with pytest.raises(jsonschema.ValidationError) as refused:
        jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert where in str(refused.value)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CriteriaError):
        load_criteria(path)


def test_a_band_reference_is_the_citation_of_results_scored_in_it(tmp_path):
    """A board that knows the clause of one band writes it on the band alone; results in that band cite it,
    results in the indicator's other bands keep the indicator's citation."""
    data = yaml.safe_load(SHIPPED_FILES[0].read_text(encoding="utf-8"))
    criterion = next(c for c in data["criteria"] if any(i["measure"].get("numerator") == "births_registered"
                                                         for i in c["indicators"]))
    indicator = next(i for i in criterion["indicators"] if i["measure"].get("numerator") == "births_registered")
    top = max(range(len(indicator["scoring"]["bands"])), key=lambda b: indicator["scoring"]["bands"][b]["points"])
    indicator["scoring"]["bands"][top]["reference"] = "Điều 2, khoản 2, điểm a (thử)"
    path = tmp_path / "with-reference.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    jsonschema.Draft202012Validator(SCHEMA).validate(as_json(data))
    library = api.load_criteria(path)

    def citation(births_registered):
        unit = api.evaluate_inputs(library, {**copy.deepcopy(UNIT), "births": 50,
                                             "births_registered": births_registered})
        found = [i for c in unit.result.criteria for i in c.indicators if i.id == indicator["id"]]
        return found[0].citation, api.unit_object(library, unit.result, "en", detail=True)

    in_band, detail = citation(50)
    assert in_band == "Điều 2, khoản 2, điểm a (thử)"
    elsewhere, _ = citation(40)
    assert elsewhere == indicator["scoring"]["citation"]
    assert detail["criteria_set"]["digest"] == library.current().digest
    metadata = json.loads(_head(path))["criteria"]
    described = [i for c in metadata["criteria"] for i in c["indicators"] if i["id"] == indicator["id"]][0]
    assert described["bands"][top]["reference"] == "Điều 2, khoản 2, điểm a (thử)"
    assert all("reference" not in band for b, band in enumerate(described["bands"]) if b != top)


def _head(criteria_path: Path) -> str:
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, ["evaluate", str(ROOT / "evaluations" / "single-unit.yaml"), "--criteria",
                                       str(criteria_path), "--format", "json"], catch_exceptions=False)
    return result.stdout
