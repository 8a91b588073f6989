"""The simulation as a model for sensitivity analysis: factor rows in, a metric statistic out.

Every parameter with an ``assumption`` (a range) is a factor, and so is every change of the
scenario that carries its own range (``scenario:<path>``). A row gives each factor's quantile
``u``; the run samples each assumption at that quantile (the same transformation Monte Carlo
draws use) and keeps every other number as stated. All rows run with the random streams of one
draw (``--seed``, draw 0): common random numbers, so the indices measure the assumptions and not
the noise of the arrivals, stays and hearings. The output is the statistic ``comparison.csv``
reports for the same run (compare's reducer), over the whole window.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from corridor import worker
from corridor.analysis.targets import WHOLE_WINDOW, check_series

SCENARIO_PREFIX = "scenario:"
# the draw whose random streams every row uses (common random numbers across rows)
STREAM_DRAW = 0


@dataclass(frozen=True)
class SensitivitySetup:
    """What a worker needs to build the simulation (small and picklable)."""

    scenario: str
    metric: str
    statistic: str
    start: dt.date
    end: dt.date
    seed: int
    params_dir: str | None = None

    def simulation(self):
        from corridor.simulation import Simulation

        return Simulation(self.scenario, self.start, self.end, self.seed, 1, None,
                          self.params_dir, "central")  # fmt: skip


PROVENANCE = ("sourced", "calibrated", "judgement")


@dataclass(frozen=True)
class Factor:
    """One assumption. ``provenance``: *calibrated* when its file records facts the value was
    fitted or chosen to (``calibrated_to``), else *sourced* when the file cites sources for the
    value, else *judgement* (an assumption with a range and a reason only). The range itself is
    always an assumption."""

    name: str  # a parameter path, or scenario:<path> for a scenario change's own range
    provenance: str
    calibrated: bool  # the value was fitted or chosen to a fact (calibrated_to)
    low: object
    high: object
    relative: bool
    reason: str


def _provenance(sources, calibrated) -> str:
    return "calibrated" if calibrated else "sourced" if sources else "judgement"


def factors(sim, pattern: str | None = None) -> list[Factor]:
    """Every assumption the runs sample (those whose name matches the glob ``pattern``, if
    given), with where its value comes from."""
    import fnmatch

    out = []
    for p in sim.base_params:
        a = p.spec.assumption
        if a is None:
            continue
        cal = bool(p.spec.calibrated_to)
        out.append(Factor(p.path, _provenance(p.spec.sources, cal), cal, a.low, a.high,
                          a.relative, " ".join(a.reason.split())))  # fmt: skip
    for _, path, ch in sim.scenario.changes():
        a = ch.assumption
        if a is not None:
            out.append(Factor(f"{SCENARIO_PREFIX}{path}", _provenance(ch.sources, False), False,
                              a.low, a.high, a.relative, " ".join(a.reason.split())))  # fmt: skip
    if pattern:
        out = [f for f in out if fnmatch.fnmatch(f.name, pattern)]
    return out


def row_parameters(sim, u: dict[str, float]):
    """The parameters of one row: each factor's assumption sampled at its quantile ``u``."""
    from corridor.parameters.sampling import sample_parameter
    from corridor.parameters.tree import ParameterSet

    base = ParameterSet(
        {p.path: sample_parameter(p, u[p.path]) if p.path in u else p for p in sim.base_params}
    )
    return sim.scenario.apply(base, draw_u=lambda key: u.get(key, 0.5), validate=False)


@dataclass(frozen=True)
class _Row:
    setup: SensitivitySetup
    names: tuple[str, ...]
    u: tuple[float, ...]


def _statistic(sim, result, metric: str, statistic: str) -> float:
    from corridor.analysis.compare import make_reducer

    red = make_reducer(sim.start)(sim, result)
    return float(red.values[red.keys.index((metric, "all", statistic)), -1])


def _run_row(row: _Row) -> float:
    """One row: the simulation with the row's assumptions (top-level: picklable)."""
    s = row.setup
    sim = worker.memo(("sensitivity", s), s.simulation)
    params = row_parameters(sim, dict(zip(row.names, row.u, strict=True)))
    return _statistic(sim, sim.run_draw(STREAM_DRAW, params=params), s.metric, s.statistic)


def check_setup(setup: SensitivitySetup):
    """Fail before any work: the metric and statistic exist (one run at the stated values)."""
    from corridor.analysis.compare import Window, make_reducer

    sim = setup.simulation()
    red = make_reducer(sim.start)(sim, sim.run_draw(STREAM_DRAW))
    check_series(setup.metric, setup.statistic, WHOLE_WINDOW, set(red.keys),
                 Window(sim.clock, sim.start).periods, "--metric")  # fmt: skip
    return sim


class SimulationModel:
    """``model(X) -> Y``: every factor row run on ``executor`` (``corridor.executor``)."""

    def __init__(self, setup: SensitivitySetup, names: list[str], executor, progress=None):
        self.setup, self.names = setup, tuple(names)
        self.executor, self.progress = executor, progress

    def __call__(self, X: np.ndarray) -> np.ndarray:
        rows = [_Row(self.setup, self.names, tuple(float(x) for x in r)) for r in X]
        return np.array(self.executor.map(_run_row, rows, self.progress))
