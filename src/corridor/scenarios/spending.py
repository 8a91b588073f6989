"""Scenario spending as cost metrics.

Each spending line of a scenario (``agency, item, amount, start, end, cost, source``) is spread
evenly over its days, from ``start`` to ``end`` inclusive, into the cost metric it names
(``cost_aid``, ``cost_ice``, ``cost_guard`` ...; see ``schema.OUTLAY_METRICS``). Lines marked
``cost: modelled`` buy capacity (beds, judges, lawyers, interviews) that the scenario's parameter
changes add; the model costs that capacity from its use (bed-days, judge team-years, represented
children), so the line is listed but not added again. Outlay metrics exist only for ``all`` (the
money is not split by the children's country); ``cost_total`` includes them. ``cost_aid``
exists in every run, zero when a scenario gives no aid.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np

from corridor.engine.clock import Clock
from corridor.outputs.metrics import DailyMetrics
from corridor.scenarios.loader import LIBRARY

ALWAYS = ("cost_aid",)


def outlays(scenario, clock: Clock) -> dict[str, np.ndarray]:
    """Daily U.S. dollars by outlay metric over the simulated days."""
    out: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(clock.n_days))
    for name in ALWAYS:
        out[name]
    for _, line in scenario.spending():
        if line.cost == "modelled":
            continue
        first, last = clock.day(line.start), clock.day(line.end)
        per_day = line.amount / (last - first + 1)
        lo, hi = max(first, 0), min(last + 1, clock.n_days)
        if hi > lo:
            out[line.cost][lo:hi] += per_day
    return dict(out)


def add_outlays(scenario, clock: Clock, out: DailyMetrics) -> None:
    for name, values in outlays(scenario, clock).items():
        out.add(name, "flow", values, unit="USD")


def scenario_file_label(where: str) -> str:
    """How an output names a scenario file: a shipped scenario by its place in the package
    (``corridor/scenarios/library/house-2014.yaml``, the same on every machine, so two runs'
    outputs compare byte for byte), a user's file as the user named it."""
    try:
        inside = Path(where).resolve().relative_to(LIBRARY.resolve())
    except (ValueError, OSError):
        return where
    return f"corridor/scenarios/library/{inside.as_posix()}"


def lines_table(scenario) -> list[dict]:
    """The spending lines, one dict each, for outputs and checks."""
    return [
        {
            "file": scenario_file_label(where),
            "agency": line.agency,
            "item": line.item or "",
            "amount": line.amount,
            "start": str(line.start),
            "end": str(line.end),
            "cost": line.cost,
            "source": line.source,
        }
        for where, line in scenario.spending()
    ]
