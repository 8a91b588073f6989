"""Monte Carlo sampling of assumptions: every draw of a run takes each assumed number from its
range, the same way in every scenario.

**Which numbers.** Every parameter file with an ``assumption`` (a range and a reason) and every
scenario change with one. Sourced numbers without an assumption range, dates, and policy
quantities that a scenario states (money, judges, switches) are not sampled.

**The distribution: split-uniform around the stated value.** For a draw's uniform number ``u``
in [0, 1), a value ``v`` with range [low, high] becomes ``low + (v - low) * 2u`` when ``u < 1/2``
and ``v + (high - v) * (2u - 1)`` otherwise: half the draws fall below the stated value and half
above it, each half spread evenly to its end of the range. The stated value is therefore the
median of the draws, and the range is the whole support (no draw goes outside it), whatever the
asymmetry of the range. A ``relative`` range gives multipliers: the multiplier is sampled around
1 (clipped into the range) and multiplies every dated value. An absolute range applies to every
dated value, each moved to the same quantile ``u`` of its own split-uniform (a stated value
outside the range widens the range to include it). Results are clipped to the unit's allowed
range (a share stays within [0, 1]).

**Shares of one whole are drawn together.** Files that declare ``joint_shares`` (the merits
outcome shares, the relief tracks, sponsor categories, age bands) are then redrawn jointly from
a Dirichlet distribution around their stated values, so that a draw's parts always add up to
the whole (``corridor.parameters.joint_shares`` documents the concentration).

**One number per parameter per draw.** ``u`` comes from the named random stream
``assumption:<parameter path>`` of (seed, draw) (``corridor.engine.rng``): every group and every
dated value of a parameter move together (a parameter is either high or low in a draw), the
parameters are independent of each other, and the same draw gives the same ``u`` in every
scenario, so two scenarios in one draw differ only by their policies. A scenario change with its
own range uses the stream ``assumption:scenario:<parameter path>``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from corridor.engine.rng import stream
from corridor.parameters.joint_shares import sample_joint
from corridor.parameters.schema import Assumption, Value
from corridor.parameters.tree import Parameter, ParameterSet


def uniform(seed: int, draw: int, key: str) -> float:
    """The draw's uniform number for an assumption key."""
    return float(stream(seed, draw, f"assumption:{key}").random())


def split_uniform(u: float, low: float, centre: float, high: float) -> float:
    """The value at quantile ``u`` of the split-uniform with median ``centre`` on [low, high]."""
    low, high = min(low, centre), max(high, centre)
    if u < 0.5:
        return low + (centre - low) * (2.0 * u)
    return centre + (high - centre) * (2.0 * u - 1.0)


def _per_group(side: Value, group: str | None) -> float:
    if isinstance(side, dict):
        return float(side[group]) if group in side else float("nan")
    return float(side)


def sample_value(v: Value, a: Assumption, u: float) -> Value:
    def one(x: float, g: str | None) -> float:
        lo, hi = _per_group(a.low, g), _per_group(a.high, g)
        if np.isnan(lo) or np.isnan(hi):  # a group the range does not name keeps its value
            return float(x)
        if a.relative:
            return float(x) * split_uniform(u, lo, min(max(1.0, lo), hi), hi)
        return split_uniform(u, lo, float(x), hi)

    if isinstance(v, dict):
        return {g: one(x, g) for g, x in v.items()}
    return one(v, None)


def sample_values(values: dict[dt.date, Value], a: Assumption, u: float) -> dict[dt.date, Value]:
    return {d: sample_value(v, a, u) for d, v in values.items()}


def sample_parameter(p: Parameter, u: float) -> Parameter:
    a = p.spec.assumption
    if a is None:
        return p
    lo, hi = p.spec.allowed_range()

    def clip(v: Value) -> Value:
        if isinstance(v, dict):
            return {g: float(np.clip(x, lo, hi)) for g, x in v.items()}
        return float(np.clip(v, lo, hi))

    values = {d: clip(v) for d, v in sample_values(p.spec.values, a, u).items()}
    return Parameter(p.path, p.file, p.spec.model_copy(update={"values": values}))


def sample_tree(params: ParameterSet, seed: int, draw: int) -> ParameterSet:
    """The parameter tree of one Monte Carlo draw: every assumption sampled within its range,
    then the shares that are parts of one whole drawn together (``parameters/joint_shares``)."""
    sampled = ParameterSet(
        {p.path: sample_parameter(p, uniform(seed, draw, p.path)) for p in params}
    )
    return sample_joint(sampled, params, seed, draw)


def assumption_table(params: ParameterSet) -> list[dict]:
    """What is sampled: one row per parameter with an assumption (for manifests and docs)."""
    rows = []
    for p in params:
        a = p.spec.assumption
        if a is not None:
            rows.append(
                {
                    "parameter": p.path,
                    "low": a.low,
                    "high": a.high,
                    "relative": a.relative,
                    "reason": " ".join(a.reason.split()),
                }
            )
    return rows
