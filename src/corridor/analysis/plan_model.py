"""The simulation side of ``corridor plan``: a scenario with the lever at a level, run on shared
draws and reduced to the targets' statistics and the costs.

A level is a scenario file added on top of ``--scenario`` (``changes: {LEVER: {add|set:
{FROM: level}}}``), exactly what a user writes to test one level with ``corridor compare``; each
draw is reduced by compare's own reducer, so a statistic here is the number ``comparison.csv``
reports for the same scenario, seed and draw.

**Out of the lever's reach.** The lever acts from ``--from``: the days of the window before it are
the same at every level (the draws are shared, and nothing the lever changes acts earlier). A
draw whose target already fails on those days fails at every level, and no level can meet the
target in it; ``failed_before_lever`` finds such draws where those days settle the outcome (the
peak of a stock, or the sum of a never-negative flow, under an upper bound: ``<=``, ``<``).
The plan reports them rather than hiding them: with ``k`` of ``n`` such draws the probability can
be at most ``(n - k) / n`` whatever the level.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from corridor import worker
from corridor.analysis.targets import WHOLE_WINDOW, Target, check_targets
from corridor.errors import CorridorError
from corridor.parameters.schema import Source
from corridor.scenarios import loader as scenarios
from corridor.scenarios.schema import OPERATIONS, Change, ScenarioFile

LEVER_OPERATIONS = tuple(op for op in OPERATIONS if op in ("add", "set"))
COST_PREFIX = "cost_"


@dataclass(frozen=True)
class PlanSetup:
    """Everything a worker needs to build the simulation of one level (small and picklable)."""

    scenario: str
    lever: str
    op: str
    start_lever: dt.date
    start: dt.date
    end: dt.date
    seed: int
    draws: int
    params_dir: str | None = None

    def scenario_at(self, level: float | None) -> scenarios.Scenario:
        """``--scenario`` with the lever at ``level`` from ``--from`` on (None: unchanged)."""
        base = scenarios.load(self.scenario)
        if level is None:
            return base
        change = Change.model_validate({
            self.op: {self.start_lever: float(level)},
            "sources": [{"title": "corridor plan: a level of the lever being searched"}],
        })  # fmt: skip
        spec = ScenarioFile(
            name="plan-level",
            title=f"{self.lever} {self.op} {level:g} from {self.start_lever}",
            description="a level searched by corridor plan",
            changes={self.lever: change},
            sources=[Source(title="corridor plan")],
        )
        name = f"{base.name}, {self.lever} {self.op} {level:g}"
        # the level belongs to the first part, like a file whose base is --scenario
        return scenarios.Scenario(name, [*base.files, ("--lever", spec)], [*base.parts, 0])

    def simulation(self, level: float | None):
        from corridor.simulation import Simulation

        return Simulation(self.scenario_at(level), self.start, self.end, self.seed, self.draws,
                          None, self.params_dir, "sample")  # fmt: skip


@dataclass
class Evaluation:
    """One level on every draw: the targets' values and whether all hold, and the costs."""

    level: float | None
    values: np.ndarray  # [draw, target]
    met: np.ndarray  # [draw] bool: every target holds
    costs: dict[str, np.ndarray] = field(default_factory=dict)  # cost metric -> [draw], window
    # [draw, target] bool: the target already fails before the lever acts (at every level)
    before_lever: np.ndarray | None = None


@dataclass(frozen=True)
class _Task:
    """One draw of several levels: they run together (``corridor.shared_stages``), so the
    stages before the lever's are simulated once for all of them."""

    setup: PlanSetup
    levels: tuple[float | None, ...]
    draw: int
    targets: tuple[Target, ...] = ()


def _run_draw(task: _Task) -> list:
    """One draw of each of the task's levels, reduced like compare reduces it (top-level:
    picklable), with the targets each fails before the lever acts: one (reduced, periods,
    failed before the lever) per level, in the task's order."""
    from corridor.analysis.compare import Window, make_reducer
    from corridor.shared_stages import run_together

    sims = [
        worker.memo(("plan", task.setup, x), lambda x=x: task.setup.simulation(x))
        for x in task.levels
    ]
    out = []
    for sim, result in zip(sims, run_together(sims, task.draw), strict=True):
        red = make_reducer(sim.start)(sim, result)
        red.monthly = {}  # the charts' series are not needed here
        window = Window(sim.clock, sim.start)
        before = failed_before_lever(
            task.targets, result.metrics, window, sim.clock, task.setup.start_lever
        )
        out.append((red, window.periods, before))
    return out


def failed_before_lever(targets, metrics, window, clock, lever_from: dt.date) -> np.ndarray:
    """Per target: do the window's days before ``lever_from`` already make it fail? (False where
    those days do not settle it; see the module's docstring.) ``window``: compare's Window on
    ``clock``."""
    out = np.zeros(len(targets), dtype=bool)
    n_before = min(max(clock.day(lever_from) - window.first, 0), window.n)
    if n_before == 0:
        return out
    for j, t in enumerate(targets):
        if t.op not in ("<=", "<") or t.metric not in metrics.metrics:
            continue
        kind = metrics.metrics[t.metric].kind
        v = metrics.series(t.metric, t.group)[window.first :]
        days = np.arange(n_before)
        if t.period != WHOLE_WINDOW:  # that fiscal year's days only
            days = days[window.years[window.fy_idx[days]] == int(t.period)]
        if days.size == 0:
            continue
        if kind == "stock" and t.statistic == "peak":
            seen = float(v[days].max())
        elif kind == "flow" and t.statistic == "sum" and np.all(v >= 0):
            seen = float(v[days].sum())
        else:
            continue
        out[j] = not bool(t.met(np.array([seen]))[0])
    return out


def check_setup(setup: PlanSetup, levels: list[float]) -> None:
    """Fail before any work: the lever is a parameter, and both ends of the range are valid."""
    if setup.op not in LEVER_OPERATIONS:
        raise CorridorError("--op", f"'{setup.op}' is not one of {', '.join(LEVER_OPERATIONS)}")
    for level in (None, levels[0], levels[-1]):
        sim = setup.simulation(level)  # loads, applies and validates the scenario
        if setup.lever not in sim.base_params:
            raise CorridorError("--lever", f"unknown parameter '{setup.lever}' "
                                "(see corridor params)")  # fmt: skip


class Evaluator:
    """Runs levels on the setup's draws (on ``executor``: ``corridor.executor``) and keeps every
    evaluation (for the curve and the costs)."""

    def __init__(self, setup: PlanSetup, targets: list[Target], executor, progress=None):
        self.setup, self.targets = setup, targets
        self.executor, self.progress = executor, progress
        self.done: dict[float | None, Evaluation] = {}
        self._checked = False

    def __call__(self, levels: list[float | None]) -> dict[float, np.ndarray]:
        todo = [x for x in dict.fromkeys(levels) if x not in self.done]
        targets = tuple(self.targets)
        got = {}
        if todo and not self._checked:  # one draw here first: a bad target fails at once
            (first_run,) = _run_draw(_Task(self.setup, (todo[0],), 0, targets))
            check_targets(self.targets, set(first_run[0].keys), first_run[1])
            self._checked = True
            got[(todo[0], 0)] = first_run
        tasks = [_Task(self.setup, tuple(x for x in todo if (x, d) not in got), d, targets)
                 for d in range(self.setup.draws)]  # fmt: skip
        tasks = [t for t in tasks if t.levels]

        def step() -> None:  # progress counts a level's draw, as before the levels ran together
            for _ in todo:
                self.progress()

        done = self.executor.map(_run_draw, tasks, step if self.progress else None)
        for t, runs in zip(tasks, done, strict=True):
            for x, r in zip(t.levels, runs, strict=True):
                got[(x, t.draw)] = r
        for x in todo:
            self.done[x] = self._evaluation(x, [got[(x, d)] for d in range(self.setup.draws)])
        return {x: self.done[x].met for x in levels if x is not None}

    def _evaluation(self, level, reduced) -> Evaluation:
        n, n_t = len(reduced), len(self.targets)
        values = np.full((n, n_t), np.nan)
        costs: dict[str, np.ndarray] = {}
        before = np.zeros((n, n_t), dtype=bool)
        for d, (red, periods, early) in enumerate(reduced):
            before[d] = early
            index = {k: i for i, k in enumerate(red.keys)}
            for j, t in enumerate(self.targets):
                values[d, j] = red.values[index[t.key], periods.index(t.period)]
            for (m, g, s), i in index.items():
                if m.startswith(COST_PREFIX) and g == "all" and s == "sum":
                    costs.setdefault(m, np.zeros(n))[d] = red.values[i, -1]
        met = np.ones(n, dtype=bool)
        for j, t in enumerate(self.targets):
            met &= t.met(values[:, j])
        return Evaluation(level, values, met, costs, before)


@dataclass
class PlanResult:
    setup: PlanSetup
    targets: list[Target]
    search: object  # corridor.analysis.plan.Search
    evaluations: dict[float | None, Evaluation]
    seconds: float = 0.0

    @property
    def chosen(self) -> Evaluation:
        """The level found, or the top of the range when none meets the targets."""
        s = self.search
        return self.evaluations[s.level if s.level is not None else s.grid[-1]]

    @property
    def out_of_reach(self) -> np.ndarray:
        """[draw] bool: draws failing a target before the lever acts (the same at every level:
        taken from the top of the range, which every search evaluates)."""
        ev = self.evaluations[self.search.grid[-1]]
        return ev.before_lever.any(axis=1)

    @property
    def reference(self) -> Evaluation:
        """``--scenario`` without the lever's change (for ``add`` from 0 that is level 0)."""
        return self.evaluations[None]


def run_plan(setup: PlanSetup, targets: list[Target], grid: list[float], probability: float,
             workers: int | None = None, progress=None, cluster: str | None = None,
             executor=None) -> PlanResult:  # fmt: skip
    """Check the inputs, search the grid (``corridor.analysis.plan.search_levels``) and keep
    every evaluation, with the reference (``--scenario`` unchanged) for the cost of the level.
    The draws run on ``executor``, else on ``make_executor(cluster, workers)``, kept for every
    round of the search."""
    from corridor.executor import make_executor, worker_count

    check_setup(setup, grid)  # before any worker starts
    if executor is None:
        n = worker_count(workers, setup.draws)
        with make_executor(cluster, n) as ex:
            return _search(setup, targets, grid, probability, ex, progress)
    return _search(setup, targets, grid, probability, executor, progress)


def _search(setup, targets, grid, probability, executor, progress) -> PlanResult:
    import time

    from corridor.analysis.plan import search_levels

    t0 = time.perf_counter()
    ev = Evaluator(setup, targets, executor, progress)
    same_as_reference = setup.op == "add" and grid[0] == 0
    if not same_as_reference:
        ev([None, grid[0], grid[-1]])  # the reference runs with the first round
    s = search_levels(grid, ev, probability)
    done = dict(ev.done)
    if same_as_reference:
        done[None] = done[grid[0]]
    return PlanResult(setup, targets, s, done, time.perf_counter() - t0)
