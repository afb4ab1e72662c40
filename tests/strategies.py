"""Hypothesis strategies shared by the property tests: random units biased toward band edges.

Everything is read from the shipped criteria file (raw YAML, not the engine's models), so the generator
follows the file: inputs by role, where each indicator's band edges are, which end of each measure is best.
"""
from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import strategies as st

import reference
from engine.criteria.model import default_criteria_path

RAW = reference.load(default_criteria_path())
INDICATORS = [ind for criterion in RAW["criteria"] for ind in criterion["indicators"]]
CATEGORIES = [category["id"] for category in RAW["categories"]]
MIN_OF = {decl["name"]: decl.get("min", 0) for decl in RAW["inputs"]}

# Inputs by role, read from the criteria file so that the generator follows it.
RATES = [ind["measure"] for ind in INDICATORS if ind["measure"]["kind"] in reference.SCALE]
DENOMINATORS = list(dict.fromkeys(m["denominator"] for m in RATES))
YES_NO = [ind["measure"]["input"] for ind in INDICATORS if ind["measure"]["kind"] == "yes_no"]
COUNTS = [ind["measure"]["input"] for ind in INDICATORS if ind["measure"]["kind"] == "count"]
# Numerator -> (scale, every band bound of every indicator it feeds): where the edges are.
EDGES: dict[str, tuple[int, list[Fraction]]] = {}
for ind in INDICATORS:
    m = ind["measure"]
    if m["kind"] in reference.SCALE:
        bounds = [reference.exact(band[key]) for band in ind["scoring"]["bands"]
                  for key in ("min", "above", "max", "below", "equals") if key in band]
        scale, known = EDGES.get(m["numerator"], (reference.SCALE[m["kind"]], []))
        EDGES[m["numerator"]] = (scale, known + bounds)
NUMERATOR_OF = {m["numerator"]: m["denominator"] for m in RATES}
# Numerators whose best band is at the top of the measure (a share reached); the others are best at 0.
HIGH_IS_BEST = {ind["measure"]["numerator"] for ind in INDICATORS if ind["measure"]["kind"] in reference.SCALE
                and {"min", "above"} & set(max(ind["scoring"]["bands"], key=lambda b: b["points"]))}
ALL_INPUTS = DENOMINATORS + list(NUMERATOR_OF) + YES_NO + COUNTS + ["category"]

# Denominators: 0 often (empty-denominator policy), tiny, medium, large, and "round" ones on which the
# thresholds are exact counts (e.g. 19 of 20 = 95%, 1 of 2000 = 0.5 per 1,000). Strategies are built once:
# building them inside the draw made generation several times slower.
denominator = st.one_of(
    st.just(0), st.integers(1, 3), st.integers(4, 120), st.integers(121, 5000),
    st.sampled_from([10, 20, 40, 50, 100, 200, 1000, 2000, 4000]),
)
# An input with a declared minimum (villages_total >= 1) is raised to it: mapping, not filtering, which
# hypothesis's health check rejects (its first draws are all zeros).
DENOMINATOR_OF = {name: denominator.map(lambda d, low=MIN_OF.get(name, 0): max(d, low)) for name in DENOMINATORS}
QUARTER = st.integers(0, 3)      # 0..3, used as "1 in 4"
PICK = st.integers(0, 1 << 16)   # an index into a list built per draw (taken modulo its length)
FRACTION = st.floats(0, 1)       # a uniformly random numerator, as a share of its denominator


def edge_numerators(numerator: str, den: int) -> list[int]:
    """Counts at, just under and just over every band edge for this denominator, clipped to 0..den."""
    scale, bounds = EDGES[numerator]
    out = set()
    for bound in bounds:
        exact_count = bound * den / scale
        for base in (math.floor(exact_count), math.ceil(exact_count)):
            out.update(n for n in (base - 1, base, base + 1) if 0 <= n <= den)
    return sorted(out) or [0]


@st.composite
def unit(draw) -> dict:
    # Half the units are "good": most measures at their best value, the rest on an edge. Purely random
    # units are almost never recognised, so without these the recognition decision and the category
    # thresholds would hardly be exercised.
    good = draw(st.booleans())
    values: dict = {}
    for name in DENOMINATORS:
        values[name] = draw(DENOMINATOR_OF[name])
    for name, den_name in NUMERATOR_OF.items():
        den = values[den_name]
        edges = edge_numerators(name, den)
        choice = draw(QUARTER)
        if good and choice > 0:      # good unit: 3 in 4 at the best value
            values[name] = den if name in HIGH_IS_BEST else 0
        elif good or choice > 0:     # on or next to an edge
            values[name] = edges[draw(PICK) % len(edges)]
        else:                        # anywhere in 0..den
            values[name] = round(draw(FRACTION) * den)
    for name in YES_NO:
        values[name] = draw(QUARTER) > 0 if good else draw(st.booleans())
    for name in COUNTS:
        values[name] = draw(st.integers(0, 5))
    values["category"] = draw(st.sampled_from(CATEGORIES))
    if draw(st.integers(0, 9)) == 0:  # ~10%: one input missing, as an absent key or an explicit None
        dropped = draw(st.sampled_from(ALL_INPUTS))
        if draw(st.booleans()):
            del values[dropped]
        else:
            values[dropped] = None
    return values
