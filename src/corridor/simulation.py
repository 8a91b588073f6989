"""The simulation object: a scenario, a period, a seed and draws in; tidy tables out.

The simulated period always starts at the first month of arrivals (October 2008 for the shipped
history, or the first month of a user's file), whatever the reporting window: shelters and
border stations are then filled by the children who really came before the window opens, and a
day's result does not depend on which window was asked for.

Monte Carlo: with more than one draw (or ``assumptions="sample"``), every draw samples each
assumption within its range (``corridor.parameters.sampling``) and then applies the scenario's
changes; with one draw every assumption keeps its stated value. A draw's sampled values and
random numbers depend only on (seed, draw), never on the scenario.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from corridor import limits, worker
from corridor.engine.clock import Clock
from corridor.engine.rng import Streams
from corridor.errors import CorridorError
from corridor.limits import parse_date  # the one date parser (also checked up front by limits)
from corridor.outputs import resources
from corridor.outputs.metrics import GROUPS, DailyMetrics, Tally
from corridor.outputs.tables import fiscal_year_table, long_table, peak_table
from corridor.parameters.tree import ParameterSet, load_parameters
from corridor.scenarios import loader as scenarios
from corridor.scenarios import spending
from corridor.stages import arrivals, border, court, in_country, origin, shelter
from corridor.stages.children import Children
from corridor.stages.context import RunContext

HISTORY_START = limits.FIRST_DAY  # the first month of the shipped arrivals
# Stages after arrivals, in the order a child meets them. Each is a module with
# run(ctx) (adds its columns to ctx.children) and metrics(ctx, tally, out).
# origin (levers) and in_country act on departures, so they come before the border.
PIPELINE = (origin, in_country, border, shelter, court)
ASSUMPTIONS = ("auto", "central", "sample")
# the parameters the arrivals stage reads (besides the history file)
ARRIVAL_INPUTS = ("origin.demographics.", "origin.projection.", "origin.ports.")
STAGES = ("arrivals", *(m.__name__.rsplit(".", 1)[-1] for m in PIPELINE), "metrics")


@dataclass
class DrawResult:
    draw: int
    children: Children | None  # None when a parallel run did not keep per-child records
    metrics: DailyMetrics
    n_children: int = 0


@dataclass
class Result:
    """The outputs of a run: tidy daily and fiscal-year tables, and per-child records."""

    scenario: str
    start: dt.date
    end: dt.date
    seed: int
    draws: list[DrawResult]
    clock: Clock
    params: ParameterSet
    meta: dict = field(default_factory=dict)

    @cached_property
    def daily(self) -> pd.DataFrame:
        """Tidy daily table (built once; copy it before changing it in place)."""
        return long_table(self)

    @cached_property
    def fiscal_years(self) -> pd.DataFrame:
        """Metrics per U.S. fiscal year (built once)."""
        return fiscal_year_table(self)

    @cached_property
    def peaks(self) -> pd.DataFrame:
        """Every stock's peak over the window and the first day it was reached, per draw."""
        return peak_table(self)

    def save(self, out: str | Path, overwrite: bool = False, records: bool = False) -> Path:
        """Write the run directory (daily.parquet, fiscal_years.csv, peaks.csv, metrics.csv,
        run.json; children.parquet with ``records``), atomically, as ``corridor run`` does."""
        from corridor.outputs.save import save_run

        arrivals_file = self.meta.get("arrivals_file")
        save_run(self, Path(out), Path(arrivals_file) if arrivals_file else None, records,
                 overwrite)  # fmt: skip
        return Path(out)

    def plot(self, metric: str, group: str = "all", ax=None):
        """One matplotlib Figure of a daily metric over the window: the value with one draw; the
        median and the 10th-90th percentile band over draws with several."""
        from corridor.outputs.plot import plot_result

        return plot_result(self, metric, group, ax)

    def records(self) -> pd.DataFrame:
        """One row per child per draw (the children apprehended up to the window's end)."""
        frames = []
        for d in self.draws:
            f = d.children.to_frame(self.clock.origin)
            f.insert(0, "draw", d.draw)
            f.insert(0, "scenario", self.scenario)
            frames.append(f)
        return pd.concat(frames, ignore_index=True)


class Simulation:
    """A configured run. ``Simulation(...).run()`` gives a :class:`Result`."""

    def __init__(
        self,
        scenario: str | scenarios.Scenario = "baseline",
        start: str | dt.date = "2013-10-01",
        end: str | dt.date = "2016-09-30",
        seed: int = 1,
        draws: int = 1,
        arrivals_file: str | Path | None = None,
        params_dir: str | Path | None = None,
        assumptions: str = "auto",
        arrivals_mode: str = "merge",
    ):
        # what rebuilds this simulation in a worker process (corridor.executor)
        self.args = dict(
            scenario=scenario if isinstance(scenario, scenarios.Scenario) else str(scenario),
            start=str(start), end=str(end), seed=int(seed),
            draws=int(draws), arrivals_file=str(arrivals_file) if arrivals_file else None,
            params_dir=str(params_dir) if params_dir else None, assumptions=assumptions,
            arrivals_mode=arrivals_mode,
        )  # fmt: skip
        self.start = parse_date(start, "--start")
        self.end = parse_date(end, "--end")
        if self.end < self.start:
            raise CorridorError("--end", f"{self.end} is before --start {self.start}")
        limits.check_window(
            self.start, self.end, first_day=None if arrivals_file else HISTORY_START
        )
        limits.check_draws(draws)
        if seed < 0:
            raise CorridorError("--seed", f"{seed} must be 0 or more")
        self.seed, self.n_draws = int(seed), int(draws)
        self.arrivals_file = Path(arrivals_file) if arrivals_file else None
        if arrivals_mode not in arrivals.ARRIVALS_MODES:
            raise CorridorError(
                "--arrivals-mode", f"'{arrivals_mode}' is not one of {arrivals.ARRIVALS_MODES}"
            )
        self.arrivals_mode = arrivals_mode
        if assumptions not in ASSUMPTIONS:
            raise CorridorError("--assumptions", f"'{assumptions}' is not one of {ASSUMPTIONS}")
        self.sample = assumptions == "sample" or (assumptions == "auto" and draws > 1)
        # a name, a file or a+b; or an already resolved Scenario (corridor plan builds its levels)
        self.scenario = (
            scenario if isinstance(scenario, scenarios.Scenario) else scenarios.load(scenario)
        )
        self.base_params = load_parameters(Path(params_dir) if params_dir else None)
        self.params = self.scenario.apply(self.base_params)  # validated: fails before any work
        # validated now, so a bad file fails before any work is done
        self._user_arrivals = (
            arrivals.read_arrivals_csv(self.arrivals_file) if self.arrivals_file else None
        )
        origin = HISTORY_START
        if self._user_arrivals is not None:
            first = min(self._user_arrivals["month"])
            origin = first if arrivals_mode == "replace" else min(first, HISTORY_START)
        limits.check_window(self.start, self.end, first_day=min(origin, HISTORY_START))
        self.clock = Clock.between(min(origin, self.start), self.end)
        if self._user_arrivals is None or arrivals_mode != "replace":
            # history and projection (a merged file's own rows were checked when it was read)
            most = max(most_children(p, self.end) for p in (self.base_params, self.params))
            if self._user_arrivals is not None:
                most += float(self._user_arrivals["children"].sum())
            limits.check_children(most, "--end")

    @property
    def arrivals_note(self) -> str | None:
        """What a user's arrivals file changed, in a sentence (None without one)."""
        if self._user_arrivals is None:
            return None
        return arrivals.describe_override(
            self._user_arrivals, self.arrivals_mode, self.clock, self.arrivals_file
        )

    def draw_params(self, draw: int, sampled_base: ParameterSet | None = None) -> ParameterSet:
        """The parameters of one draw: every assumption sampled, then the scenario applied (or
        the stated values when not sampling). ``sampled_base``: ``sampled_base(draw)`` already
        computed (by a simulation with the same seed and parameter tree)."""
        if not self.sample:
            return self.params
        from corridor.parameters.sampling import uniform

        base = sampled_base if sampled_base is not None else self.sampled_base(draw)
        return self.scenario.apply(
            base, draw_u=lambda key: uniform(self.seed, draw, key), validate=False
        )

    def sampled_base(self, draw: int) -> ParameterSet:
        """The parameter tree of draw ``draw`` before the scenario: every assumption sampled
        from (seed, draw), so the same in every scenario."""
        from corridor.parameters.sampling import sample_tree

        return sample_tree(self.base_params, self.seed, draw)

    def arrival_counts(self, params: ParameterSet, streams: Streams) -> pd.DataFrame:
        """Children per month and country over the simulated period: history and projection,
        with a user's file merged in (or alone, with ``arrivals_mode="replace"``)."""
        if self._user_arrivals is not None and self.arrivals_mode == "replace":
            return self._user_arrivals
        table = arrivals.arrivals_table(params, self.end, streams, None)
        if self._user_arrivals is not None:  # the file's months and countries only
            table = arrivals.merge_arrivals(table, self._user_arrivals)
        return table

    def _arrivals(self, draw: int, params: ParameterSet, streams: Streams, memo: dict | None):
        """The children apprehended (the arrivals stage). ``memo`` lets several scenarios of one
        draw share them when the inputs of arrivals are the same."""
        key = None
        if memo is not None:
            inputs = [(p.path, p.spec.values) for p in params if p.path.startswith(ARRIVAL_INPUTS)]
            key = (self.seed, draw, self.clock, str(self.arrivals_file), self.arrivals_mode,
                   repr(inputs))  # fmt: skip
            if key in memo:
                t, country, male, age, port = memo[key]
                children = Children(t.copy(), country.copy())
                children.male, children.age, children.port = male.copy(), age.copy(), port.copy()
                return children
        table = self.arrival_counts(params, streams)
        children = arrivals.make_children(table, params, self.clock, streams)
        if key is not None:
            memo[key] = tuple(
                x.copy()
                for x in (
                    children.t_arrival,
                    children.country,
                    children.male,
                    children.age,
                    children.port,
                )
            )
        return children

    def start_draw(self, draw: int, params: ParameterSet, memo: dict | None = None) -> RunContext:
        """A draw's context after the arrivals stage: its children apprehended, with the random
        streams of (seed, draw)."""
        streams = Streams(self.seed, draw)
        children = self._arrivals(draw, params, streams, memo)
        return RunContext(children, params, self.clock, streams)

    def finish_draw(self, draw: int, ctx: RunContext) -> DrawResult:
        """A draw's daily metrics, once every stage has run on ``ctx``."""
        out = DailyMetrics(self.clock.n_days)
        tally = Tally(ctx.children.country, self.clock.n_days)
        for stage in PIPELINE:
            stage.metrics(ctx, tally, out)
        resources.metrics(ctx, tally, out)  # beds, attorneys, judge-years the flows use
        spending.add_outlays(self.scenario, self.clock, out)
        add_cost_total(out)
        return DrawResult(draw, ctx.children, out, ctx.children.n)

    def context_key(self, draw: int) -> tuple:
        """What, besides the parameters the stages read, a draw's stages depend on: two
        simulations with the same key and the same parameters give the same children."""
        return (self.seed, draw, self.clock, self.end, str(self.arrivals_file),
                self.arrivals_mode)  # fmt: skip

    def run_draw(
        self,
        draw: int,
        step: Callable[[str], None] | None = None,
        memo: dict | None = None,
        params: ParameterSet | None = None,
    ) -> DrawResult:
        """One draw: its parameters (``draw_params``, unless the caller gives the parameters it
        sampled itself, as sensitivity analysis does) with the random streams of (seed, draw)."""
        step = step or (lambda _: None)
        params = params if params is not None else self.draw_params(draw)
        ctx = self.start_draw(draw, params, memo)
        step("arrivals")
        for stage in PIPELINE:
            stage.run(ctx)
            step(stage.__name__.rsplit(".", 1)[-1])
        result = self.finish_draw(draw, ctx)
        step("metrics")
        return result

    @classmethod
    def shared(cls, args: dict) -> Simulation:
        """The Simulation of constructor ``args``, built once per process (for workers)."""
        return worker.memo(("simulation", _key(args)), lambda: cls(**args))

    def share(self) -> dict:
        """Keep this Simulation for :meth:`shared` in this process (forked local workers
        inherit it rather than rebuild it) and give the arguments that rebuild it elsewhere."""
        worker.remember(("simulation", _key(self.args)), self)
        return self.args

    def run(
        self,
        progress: Callable[[str], None] | None = None,
        workers: int = 1,
        keep_children: bool = True,
        executor=None,
    ) -> Result:
        """Run every draw. With an ``executor`` (``corridor.executor.make_executor``), or
        ``workers > 1`` local processes, the draws run in parallel and ``progress`` hears of each
        finished draw; per-child records are then kept only if ``keep_children``."""
        if executor is None and workers > 1 and self.n_draws > 1:
            from corridor.executor import make_executor

            with make_executor(None, min(workers, self.n_draws)) as ex:
                return self.run(progress, keep_children=keep_children, executor=ex)
        if executor is not None and self.n_draws > 1:
            args = self.share()
            items = [(args, d, keep_children) for d in range(self.n_draws)]
            step = (lambda: progress("draw")) if progress else None
            results = executor.map(run_draw_task, items, step)
        else:
            results = [self.run_draw(d, progress) for d in range(self.n_draws)]
        return Result(
            scenario=self.scenario.name,
            start=self.start,
            end=self.end,
            seed=self.seed,
            draws=results,
            clock=self.clock,
            params=self.params,
            meta={
                "scenario_files": self.scenario.as_data(),
                "scenario_overrides": self.scenario.overrides,
                "assumptions": "sampled per draw" if self.sample else "stated values",
                "arrivals_mode": self.arrivals_mode if self.arrivals_file else None,
                "arrivals_file": str(self.arrivals_file) if self.arrivals_file else None,
                "arrivals_note": self.arrivals_note,
            },
        )


def _key(args: dict) -> str:
    return repr(sorted(args.items()))


def run_draw_task(item: tuple[dict, int, bool]) -> DrawResult:
    """One draw of the Simulation of ``args`` (an executor's task): (args, draw, keep_children)."""
    args, draw, keep_children = item
    result = Simulation.shared(args).run_draw(draw)
    if not keep_children:
        result.children = None
    return result


def add_cost_total(out: DailyMetrics) -> None:
    """cost_total: the sum of every cost_* metric, by group (nominal U.S. dollars)."""
    total = np.zeros((len(GROUPS), out.n_days))
    for name, m in out.metrics.items():
        if not name.startswith("cost_"):
            continue
        if m.values.shape == total.shape:
            total += m.values
        else:  # a cost that exists only for "all" (e.g. aid spending)
            total[-1] += m.values[0]
    out.add("cost_total", "flow", total, unit="USD")


def most_children(params: ParameterSet, end: dt.date) -> float:
    """An upper bound on the children of one draw up to ``end``: the shipped history plus, for
    every month past history, the projection's base month (both inflows) times the
    projection level's largest value (stated or assumed high) times the peak seasonal index."""
    hist = arrivals.history_monthly()
    last = arrivals.history_end()
    total = float(hist["children"].sum())
    if end > last:
        spec = params["origin.projection.level"].spec
        candidates = [float(v) for v in spec.values.values()]
        if spec.assumption is not None:
            high = float(np.max(_flat(spec.assumption.high)))
            candidates.append(high * max(candidates) if spec.assumption.relative else high)
        n = arrivals.base_months(params, last)
        per_month = float(arrivals.projection_base(hist, n).sum()) * max(candidates)
        season = float(np.max(arrivals.seasonal_index()))
        months = ((end - last).days + 31) / (365.25 / 12)
        total += per_month * season * months
    return total


def _flat(v) -> list[float]:
    return [float(x) for x in v.values()] if isinstance(v, dict) else [float(v)]
