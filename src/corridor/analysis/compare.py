"""Compare scenarios side by side with uncertainty: ``corridor compare A B C ...``.

Every scenario runs the same draws (0 .. N-1) of the same seed: a draw samples the same
assumptions and the same random numbers in every scenario, so the per-draw difference from the
first scenario is the effect of the policies alone. Each draw is reduced in its worker to
statistics per U.S. fiscal year and for the whole window (flows: ``sum``; stocks: ``mean``,
``peak`` and ``end``; averages: their flow-weighted ``mean``) and to monthly series of the
headline metrics (for charts). Across draws the values reduce to the median and the 10th and
90th percentiles, and so do the per-draw differences (``diff_median``, ``diff_p10``,
``diff_p90``). ``p_better`` is the share of draws in which a scenario beats the first one in the
metric's better direction, ties counting half (``corridor.analysis.better``).
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.analysis.better import direction_signs, p_better
from corridor.analysis.quantiles import nan_percentile
from corridor.errors import CorridorError

TOTAL = "total"  # the fiscal_year label of statistics over the whole window
STATS = {"flow": ("sum",), "stock": ("mean", "peak", "end"), "average": ("mean",)}
QUANTILES = (50, 10, 90)


@dataclass(frozen=True)
class Headline:
    metric: str
    statistic: str
    label: str
    chart: str  # how the monthly chart reads it: sum, max, mean or cumulative


# The headline table and charts: arrivals, custody peaks, the court, outcomes and costs. Metrics
# a run does not produce are skipped; every cost_* metric is added after these.
HEADLINES = (
    Headline("arrivals", "sum", "children apprehended at the border", "sum"),
    Headline("journeys_avoided", "sum", "journeys avoided (in-country processing)", "sum"),
    Headline("cam_arrivals", "sum", "safe arrivals by in-country processing", "sum"),
    Headline("departures_deterred", "sum", "departures deterred by levers", "sum"),
    Headline("interdicted_mexico_added", "sum", "added interdictions in Mexico", "sum"),
    Headline("cbp_census", "peak", "peak children in Border Patrol custody", "max"),
    Headline("cbp_over_72h", "peak", "peak children held past 72 hours", "max"),
    Headline("orr_census", "peak", "peak children in ORR shelters", "max"),
    Headline("beds_needed", "peak", "peak beds needed (in care or waiting)", "max"),
    Headline("court_pending_uac", "end", "children's court backlog at the end", "max"),
    Headline("court_pending_uac", "peak", "children's court backlog, peak", "max"),
    Headline("court_wait_days_median", "mean", "median wait, filing to decision (days)", "mean"),
    Headline("court_judge_years_uac", "sum", "judge-years on the children's docket", "sum"),
    Headline("legal_aid_attorneys_in_use", "peak", "peak legal-aid attorneys in use", "max"),
    Headline("removal_in_absentia", "sum", "removal orders in absentia", "sum"),
    Headline("relief_granted", "sum", "relief granted", "sum"),
    Headline("removal_ordered", "sum", "removal orders", "sum"),
    Headline("removals_executed", "sum", "removals carried out", "sum"),
)


@dataclass
class Reduced:
    """One draw of one scenario, reduced: values[series, period] and monthly headline series."""

    keys: list[tuple[str, str, str]]  # (metric, group, statistic)
    values: np.ndarray
    monthly: dict[str, np.ndarray] = field(default_factory=dict)


class Window:
    """The reporting window's day indices, fiscal years and months."""

    def __init__(self, clock, start: dt.date):
        self.first = clock.day(start)
        self.n = clock.n_days - self.first
        dates = clock.dates()[self.first :]
        fy = (dates.year + (dates.month >= 10)).to_numpy()
        self.years, self.fy_idx = np.unique(fy, return_inverse=True)
        self.fy_starts = np.r_[0, np.flatnonzero(np.diff(self.fy_idx)) + 1]
        self.fy_ends = np.r_[self.fy_starts[1:], self.n] - 1
        month = ((dates.year - 1970) * 12 + dates.month - 1).to_numpy()  # Period ordinals
        self.months = pd.PeriodIndex.from_ordinals(np.unique(month), freq="M")
        self.m_starts = np.r_[0, np.flatnonzero(np.diff(month)) + 1]
        self.periods = [str(int(y)) for y in self.years] + [TOTAL]

    def sums(self, v: np.ndarray, starts: np.ndarray) -> np.ndarray:
        return np.add.reduceat(v, starts, axis=-1)


def _period_stats(kind: str, v: np.ndarray, w: np.ndarray | None, win: Window):
    """{statistic: array[group, period]} for one metric's values v[group, window day]."""
    fy = win.fy_starts
    if kind == "flow":
        s = win.sums(v, fy)
        return {"sum": np.concatenate([s, s.sum(axis=1, keepdims=True)], axis=1)}
    if kind == "stock":
        days = np.diff(np.r_[fy, win.n])
        mean = win.sums(v, fy) / days
        peak = np.maximum.reduceat(v, fy, axis=1)
        end = v[:, win.fy_ends]
        return {
            "mean": np.c_[mean, v.mean(axis=1)],
            "peak": np.c_[peak, v.max(axis=1)],
            "end": np.c_[end, v[:, -1]],
        }
    ok = np.isfinite(v) & (w > 0)
    num = np.where(ok, v * w, 0.0)
    den = np.where(ok, w, 0.0)
    n_, d_ = win.sums(num, fy), win.sums(den, fy)
    n_ = np.c_[n_, n_.sum(axis=1)]
    d_ = np.c_[d_, d_.sum(axis=1)]
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"mean": np.where(d_ > 0, n_ / d_, np.nan)}


def _monthly(h: Headline, kind: str, v: np.ndarray, w: np.ndarray | None, win: Window):
    ms = win.m_starts
    if h.chart == "max":
        return np.maximum.reduceat(v, ms)
    if h.chart == "mean" and kind == "average":
        ok = np.isfinite(v) & (w > 0)
        num, den = win.sums(np.where(ok, v * w, 0.0), ms), win.sums(np.where(ok, w, 0.0), ms)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan)
    if h.chart == "mean":
        return win.sums(v, ms) / np.diff(np.r_[ms, win.n])
    s = win.sums(v, ms)
    return np.cumsum(s) if h.chart == "cumulative" else s


def headlines_for(metric_names) -> list[Headline]:
    have = set(metric_names)
    out = [h for h in HEADLINES if h.metric in have]
    costs = sorted(m for m in have if m.startswith("cost_") and m != "cost_total")
    out += [
        Headline(m, "sum", f"cost: {m.removeprefix('cost_')} (USD)", "cumulative") for m in costs
    ]
    if "cost_total" in have:
        out.append(Headline("cost_total", "sum", "cost: total (USD)", "cumulative"))
    return out


def make_reducer(start: dt.date):
    """The function a worker applies to a finished draw (picklable by reference)."""
    return _Reducer(start)


class _Reducer:
    """Reduces a finished draw, in the worker that ran it."""

    def __init__(self, start: dt.date):
        self.start = start

    def __call__(self, sim, result) -> Reduced:
        m = result.metrics
        win = Window(sim.clock, self.start)
        sl = slice(win.first, None)
        keys, rows, monthly = [], [], {}
        heads = headlines_for(m.metrics)
        for name, metric in m.metrics.items():
            groups = m.groups_of(name)
            v = metric.values[:, sl]
            w = None
            if metric.kind == "average":
                wm = m.metrics[metric.weight].values[:, sl]
                w = wm if wm.shape[0] == v.shape[0] else np.broadcast_to(wm[-1], v.shape)
            for stat, arr in _period_stats(metric.kind, v, w, win).items():
                for g, group in enumerate(groups):
                    keys.append((name, group, stat))
                    rows.append(arr[g])
            for h in heads:
                if h.metric == name and h.label not in monthly:
                    monthly[h.label] = _monthly(
                        h, metric.kind, v[-1], None if w is None else w[-1], win
                    )
        return Reduced(keys, np.vstack(rows), monthly)


@dataclass
class Comparison:
    scenarios: list[str]
    draws: int
    seed: int
    start: dt.date
    end: dt.date
    periods: list[str]
    keys: list[tuple[str, str, str]]
    values: np.ndarray  # [scenario, draw, series, period]
    months: pd.PeriodIndex
    monthly: dict[str, np.ndarray]  # label -> [scenario, draw, month]
    headlines: list[Headline]
    sims: dict = field(default_factory=dict)
    seconds: float = 0.0
    workers: int | None = None  # the --workers asked for (None: every core); charts use it too

    def table(self) -> pd.DataFrame:
        """comparison.csv: one row per scenario, fiscal year (or total), metric, group, statistic."""
        q = nan_percentile(self.values, QUANTILES, axis=1) if self.draws else None
        diff = self.values - self.values[:1]
        dq = nan_percentile(diff, QUANTILES, axis=1)
        n_s, n_k, n_p = len(self.scenarios), len(self.keys), len(self.periods)
        metric, group, stat = (np.array([k[i] for k in self.keys], dtype=object) for i in range(3))
        better = p_better(self.values, direction_signs(metric))

        def tile(a):  # [series] -> [scenario, series, period] flattened
            return np.broadcast_to(a[None, :, None], (n_s, n_k, n_p)).ravel()

        return pd.DataFrame(
            {
                "scenario": np.repeat(np.array(self.scenarios, dtype=object), n_k * n_p),
                "fiscal_year": np.broadcast_to(
                    np.array(self.periods, dtype=object)[None, None, :], (n_s, n_k, n_p)
                ).ravel(),
                "metric": tile(metric),
                "group": tile(group),
                "statistic": tile(stat),
                "median": q[0].ravel(),
                "p10": q[1].ravel(),
                "p90": q[2].ravel(),
                "diff_median": dq[0].ravel(),
                "diff_p10": dq[1].ravel(),
                "diff_p90": dq[2].ravel(),
                "p_better": better.ravel(),
                "draws": self.draws,
            }
        )

    def plot(self, metric: str, statistic: str | None = None):
        """One matplotlib Figure: every scenario's monthly median and 10-90% band of a headline
        metric (e.g. ``"orr_census"``; ``statistic`` picks between headlines of one metric)."""
        from corridor.analysis import compare_report

        for h in self.headlines:
            if h.metric == metric and statistic in (None, h.statistic) and h.label in self.monthly:
                q = compare_report.quantiles(self, h.label)
                obs = compare_report.observed_monthly(h.metric, h.chart, self.months)
                return compare_report.draw(self, h, q, obs, compare_report.marks(self))
        known = sorted({h.metric for h in self.headlines})
        raise CorridorError("plot", f"no chart of '{metric}' (charted: {', '.join(known)})")

    def save(self, out: str | Path, overwrite: bool = False) -> Path:
        """Write comparison.csv, metrics.csv, spending.csv, report.html (and index.html, the same
        file; charts/*.png) and run.json to ``out``."""
        write_comparison(self, Path(out), overwrite, command="corridor.compare (Python)")
        return Path(out)

    def headline_rows(self) -> list[dict]:
        """Whole-window headline values: per scenario, median/p10/p90 and the difference."""
        index = {k: i for i, k in enumerate(self.keys)}
        rows = []
        for h in self.headlines:
            i = index.get((h.metric, "all", h.statistic))
            if i is None:
                continue
            v = self.values[:, :, i, -1]
            d = v - v[:1]
            q = nan_percentile(v, QUANTILES, axis=1)
            dq = nan_percentile(d, QUANTILES, axis=1)
            pb = p_better(v[:, :, None], direction_signs([h.metric]))[:, 0]
            rows.append(
                {
                    "metric": h.metric,
                    "statistic": h.statistic,
                    "label": h.label,
                    "values": [tuple(q[:, s]) for s in range(len(self.scenarios))],
                    "diffs": [tuple(dq[:, s]) for s in range(len(self.scenarios))],
                    "p_better": [float(x) for x in pb],
                }
            )
        return rows


def compare(
    names: list[str],
    start: str | dt.date,
    end: str | dt.date,
    draws: int,
    seed: int = 1,
    workers: int | None = None,
    advance=None,
    params_dir: str | Path | None = None,
    assumptions: str = "auto",
    cluster: str | None = None,
    executor=None,
    arrivals_file: str | Path | None = None,
    arrivals_mode: str = "merge",
) -> Comparison:
    """Run every scenario's draws (in parallel: on ``executor``, else on
    ``make_executor(cluster, workers)``) and gather the reduced draws."""
    import time

    from corridor.executor import make_executor, worker_count
    from corridor.simulation import Simulation

    if len(names) < 1:
        raise CorridorError("compare", "name at least one scenario")
    t0 = time.perf_counter()
    labels = _labels(names)
    # every scenario is loaded and validated before any work: a bad file fails at once
    sims = {
        label: Simulation(
            name, start, end, seed, draws, arrivals_file, params_dir, assumptions, arrivals_mode
        )  # fmt: skip
        for label, name in zip(labels, names, strict=True)
    }
    first = next(iter(sims.values()))
    # one task per draw: the scenarios of a draw run together and share its arrivals
    scenario_args = tuple((label, sims[label].share()) for label in labels)
    items = [(scenario_args, d, first.start) for d in range(draws)]

    def step() -> None:  # progress counts scenario-draws
        for _ in labels:
            if advance:
                advance()

    if executor is None:
        n = worker_count(workers, draws)
        with make_executor(cluster, n) as ex:
            per_draw = ex.map(compare_draw, items, step)
    else:
        per_draw = executor.map(compare_draw, items, step)
    got: dict[tuple[str, int], Reduced] = {
        (label, d): red for d, reds in enumerate(per_draw) for label, red in reds
    }
    comp = _assemble(labels, draws, got, first)
    comp.sims = sims
    comp.seconds = time.perf_counter() - t0
    comp.workers = workers
    return comp


def compare_draw(item) -> list[tuple[str, Reduced]]:
    """One draw of every scenario, reduced (an executor's task): (scenario args, draw, start)."""
    from corridor.shared_stages import run_together
    from corridor.simulation import Simulation

    scenario_args, draw, start = item
    reduce = _Reducer(start)
    sims = [Simulation.shared(args) for _, args in scenario_args]
    # the scenarios of one draw share the stages whose inputs they have in common
    results = run_together(sims, draw)
    return [
        (label, reduce(sim, result))
        for (label, _), sim, result in zip(scenario_args, sims, results, strict=True)
    ]


def _labels(names: list[str]) -> list[str]:
    """Scenario labels for the table: the names, numbered if one is repeated."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        label = Path(n).stem if n.endswith((".yaml", ".yml")) else n
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label}#{seen[label]}")
    return out


def _assemble(labels, draws, got, first_sim) -> Comparison:
    keys: list[tuple[str, str, str]] = []
    index: dict[tuple[str, str, str], int] = {}
    for red in got.values():
        for k in red.keys:
            if k not in index:
                index[k] = len(keys)
                keys.append(k)
    win = Window(first_sim.clock, first_sim.start)
    n_p = len(win.periods)
    values = np.full((len(labels), draws, len(keys), n_p), np.nan)
    for s, label in enumerate(labels):
        for d in range(draws):
            red = got[(label, d)]
            rows = [index[k] for k in red.keys]
            values[s, d, rows] = red.values
    # a cost a scenario does not incur (an outlay metric only some scenarios have) is 0, not
    # unknown; the same for flows of a stage that did nothing
    missing = np.isnan(values).all(axis=(1, 3))
    for s, i in zip(*np.nonzero(missing), strict=True):
        if keys[i][0].startswith("cost_"):
            values[s, :, i, :] = 0.0
    heads = headlines_for({k[0] for k in keys})
    labels_m = {h.label for h in heads}
    n_m = len(win.months)
    monthly = {}
    for h in heads:
        arr = np.full((len(labels), draws, n_m), np.nan)
        for s, label in enumerate(labels):
            for d in range(draws):
                series = got[(label, d)].monthly.get(h.label)
                if series is not None:
                    arr[s, d] = series
                elif h.metric.startswith("cost_"):
                    arr[s, d] = 0.0
        if h.label in labels_m:
            monthly[h.label] = arr
    return Comparison(
        scenarios=list(labels),
        draws=draws,
        seed=first_sim.seed,
        start=first_sim.start,
        end=first_sim.end,
        periods=win.periods,
        keys=keys,
        values=values,
        months=win.months,
        monthly=monthly,
        headlines=heads,
    )


def manifest(comp: Comparison, command: str) -> dict:
    from corridor import __version__
    from corridor.parameters.sampling import assumption_table
    from corridor.scenarios.spending import lines_table

    return {
        "corridor_version": __version__,
        "command": command,
        "scenarios": comp.scenarios,
        "seed": comp.seed,
        "draws": comp.draws,
        "start": str(comp.start),
        "end": str(comp.end),
        "simulated_from": str(next(iter(comp.sims.values())).clock.origin),
        "arrivals": next(iter(comp.sims.values())).arrivals_note
        or "shipped history and projection",
        "assumptions": (
            "every assumption sampled per draw (split-uniform around the stated value; see "
            "corridor.parameters.sampling); the same draw has the same sampled values and random "
            "numbers in every scenario"
            if next(iter(comp.sims.values())).sample
            else "stated values (one draw)"
        ),
        "sampled_parameters": assumption_table(next(iter(comp.sims.values())).base_params),
        "scenario_files": {k: s.scenario.as_data() for k, s in comp.sims.items()},
        "scenario_overrides": {k: s.scenario.overrides for k, s in comp.sims.items()},
        "parameters_fingerprint": {k: s.params.fingerprint() for k, s in comp.sims.items()},
        "spending": {k: lines_table(s.scenario) for k, s in comp.sims.items()},
        "seconds": round(comp.seconds, 2),
        "python": platform.python_version(),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_comparison(
    comp: Comparison, out: Path, overwrite: bool = False, command: str = "", inputs=()
) -> None:
    """comparison.csv, spending.csv, metrics.csv, report.html (self-contained: charts and their
    numbers inside; index.html is the same file, charts/*.png the charts as images) and
    run.json, written atomically."""
    from corridor.analysis.compare_report import write_report
    from corridor.outputs.dictionary import describe
    from corridor.outputs.writer import atomic_directory, sha256
    from corridor.scenarios.spending import lines_table

    table = comp.table()
    with atomic_directory(Path(out), overwrite, inputs) as tmp:
        table.to_csv(tmp / "comparison.csv", index=False)
        spend = [
            {"scenario": k, **row} for k, s in comp.sims.items() for row in lines_table(s.scenario)
        ]
        pd.DataFrame(
            spend,
            columns=[
                "scenario",
                "file",
                "agency",
                "item",
                "amount",
                "start",
                "end",
                "cost",
                "source",
            ],
        ).to_csv(tmp / "spending.csv", index=False)
        describe(dict.fromkeys(k[0] for k in comp.keys)).to_csv(tmp / "metrics.csv", index=False)
        write_report(comp, tmp / "report.html")
        meta = manifest(comp, command or " ".join(["corridor", *sys.argv[1:]]))
        meta["files"] = {
            str(p.relative_to(tmp)): sha256(p) for p in sorted(tmp.rglob("*")) if p.is_file()
        }
        with open(tmp / "run.json", "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=2, default=str)
