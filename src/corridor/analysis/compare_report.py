"""report.html of a comparison: the headline table and one chart per headline metric, in one
self-contained file (see ``corridor.analysis.report``).

Each chart shows every scenario's monthly median with its 10th-90th percentile band over draws,
the sourced observations of the same monthly quantity from the shipped facts where there are
any (black points), and a dotted vertical line, in the scenario's colour, on the first day a
scenario's parameter changes or spending take effect inside the window. A chart whose series are
all zero (a cost no scenario incurs) is left out and listed as such.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from corridor.analysis import report
from corridor.analysis.quantiles import nan_percentile
from corridor.outputs.dictionary import label_with_unit
from corridor.outputs.format import number, span

if TYPE_CHECKING:
    from corridor.analysis.compare import Headline

HOW = {
    "sum": "monthly total",
    "max": "monthly peak",
    "mean": "monthly mean",
    "cumulative": "cumulative from the window's start",
}
# the fact statistics that read as each monthly chart (a fact covering one calendar month)
FACT_STATS = {"sum": ("sum",), "max": ("max", "peak", "end"), "mean": ("mean",)}


@functools.cache
def _shipped_facts() -> tuple:
    """The shipped facts, read (and validated) once per process, not once per chart."""
    from corridor.analysis.backtest import DEFAULT_FACTS, read_facts

    return tuple(read_facts([DEFAULT_FACTS]))


def observed_monthly(metric: str, how: str, months: pd.PeriodIndex) -> pd.DataFrame:
    """Sourced observations (group ``all``) of the monthly quantity a chart shows: columns
    month, observed, fact. Empty when the facts have none."""
    rows = []
    if how not in FACT_STATS:
        return pd.DataFrame(columns=["month", "observed", "fact"])
    for f in _shipped_facts():
        if f.metric != metric or f.group != "all" or f.statistic not in FACT_STATS[how]:
            continue
        m = pd.Period(f.start, freq="M")
        one_month = f.start == m.start_time.date() and f.end == m.end_time.date()
        if f.statistic == "end" and f.start == f.end:  # a count on one day: its month's value
            one_month = True
        if one_month and months[0] <= m <= months[-1]:
            rows.append((m, f.observed, f.id))
    df = pd.DataFrame(rows, columns=["month", "observed", "fact"])
    return df.drop_duplicates("month").sort_values("month").reset_index(drop=True)


def change_start(sim, reference) -> dt.date | None:
    """The first day a scenario's own changes (parameters or spending) take effect: files the
    reference scenario does not share."""
    shared = {w for w, _ in reference.scenario.files}
    dates = [d for w, _, ch in sim.scenario.changes() if w not in shared for d in ch.values]
    dates += [line.start for w, line in sim.scenario.spending() if w not in shared]
    return min(dates) if dates else None


def marks(comp) -> list[tuple[int, str, dt.date]]:
    sims = list(comp.sims.values())
    out = []
    for s, (name, sim) in enumerate(comp.sims.items()):
        if s == 0 or not sims:
            continue
        d = change_start(sim, sims[0])
        if d is not None and comp.start <= d <= comp.end:
            out.append((s, name, d))
    return out


def draw(comp, h, q: np.ndarray, obs: pd.DataFrame, marks):
    """One headline's chart: q[quantile (50, 10, 90), scenario, month]; a matplotlib Figure.
    ``comp`` needs only ``months`` and ``scenarios`` (a Comparison or a ``_ChartJob``)."""
    pyplot = report.plt()
    x = comp.months.to_timestamp()
    fig, ax = pyplot.subplots(figsize=(9, 4.4), dpi=100)
    for s, scenario in enumerate(comp.scenarios):
        c = report.colour(s)
        ax.fill_between(x, q[1, s], q[2, s], color=c, alpha=0.16, lw=0)
        ax.plot(x, q[0, s], color=c, lw=1.7, ls=report.linestyle(s), label=scenario)
    if len(obs):
        ax.plot(obs["month"].dt.to_timestamp(), obs["observed"], "o", ms=3.5,
                color=report.OBSERVED_COLOUR, label="observed (sourced facts)", zorder=4)  # fmt: skip
    for s, name, d in marks:
        ax.axvline(pd.Timestamp(d), color=report.colour(s), ls=":", lw=1.3,
                   label=f"{name}: changes from {d}")  # fmt: skip
    ax.set_title(f"{h.label}: {HOW.get(h.chart, h.chart)}", fontsize=10)
    ax.set_ylabel(label_with_unit(h.metric), fontsize=9)
    report.format_axis(ax, h.metric)
    low = np.nanmin(q[1]) if np.isfinite(q[1]).any() else 0.0
    ax.set_ylim(bottom=min(0.0, float(low)))
    ax.grid(alpha=0.3)
    ax.margins(x=0.01)
    report.legend_below(fig, ax, len(comp.scenarios) + bool(len(obs)) + len(marks))
    return fig


def quantiles(comp, label: str) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return nan_percentile(comp.monthly[label], (50, 10, 90), axis=1)


@dataclass(frozen=True)
class _ChartJob:
    """What one chart needs, small enough to send to a process that draws it."""

    headline: Headline
    q: np.ndarray  # [quantile (50, 10, 90), scenario, month]
    observed: pd.DataFrame
    marks: list
    months: pd.PeriodIndex
    scenarios: list[str]


def _render(job: _ChartJob) -> tuple[str, bytes]:
    """One chart as (inline SVG, PNG bytes): a task of ``map_locally``."""
    fig = draw(job, job.headline, job.q, job.observed, job.marks)
    png = io.BytesIO()
    svg = report.svg(fig, png)
    return svg, png.getvalue()


def charts(comp, workers: int | None = None) -> tuple[list[report.Chart], list[str]]:
    """The charts, and the titles of those left out because every series is zero. The charts
    are drawn in ``workers`` local processes (default: every core): matplotlib takes a third
    of a second a chart, and they are independent."""
    from corridor.executor import map_locally

    marks_ = marks(comp)
    jobs, meta, empty, seen = [], [], [], set()
    for h in comp.headlines:
        arr = comp.monthly.get(h.label)
        key = f"{h.metric}_{h.statistic}"
        if arr is None or key in seen:
            continue
        seen.add(key)
        q = quantiles(comp, h.label)
        title = f"{h.label}: {HOW.get(h.chart, h.chart)}"
        if report.all_zero(q):
            empty.append(title)
            continue
        obs = observed_monthly(h.metric, h.chart, comp.months)
        jobs.append(_ChartJob(h, q, obs, marks_, comp.months, list(comp.scenarios)))
        caption = (f"Median and 10th-90th percentile band over {comp.draws} draw(s), seed "
                   f"{comp.seed}; {HOW.get(h.chart, h.chart)} of {h.metric} (group all).")  # fmt: skip
        if len(obs):
            caption += f" Points: {len(obs)} sourced monthly observation(s) ({', '.join(obs['fact'][:3])}{'...' if len(obs) > 3 else ''})."
        meta.append((key, title, _numbers(comp, q, obs, h.metric), caption))
    images = map_locally(_render, jobs, workers)
    drawn = [
        report.Chart(key, title, svg, numbers, caption, png)
        for (key, title, numbers, caption), (svg, png) in zip(meta, images, strict=True)
    ]
    return drawn, empty


def _numbers(comp, q: np.ndarray, obs: pd.DataFrame, metric: str) -> pd.DataFrame:
    rows = []
    months = [str(m) for m in comp.months]
    for s, scenario in enumerate(comp.scenarios):
        for k, m in enumerate(months):
            rows.append((m, scenario, q[0, s, k], q[1, s, k], q[2, s, k]))
    df = pd.DataFrame(rows, columns=["month", "scenario", "median", "p10", "p90"])
    df.insert(2, "metric", metric)
    if len(obs):
        o = obs.assign(month=obs["month"].astype(str))[["month", "observed", "fact"]]
        df = df.merge(o, on="month", how="left")
    return df


def _headline_table(comp) -> str:
    e = html.escape
    head = "".join(f"<th>{e(s)}</th>" for s in comp.scenarios)
    body = []
    for r in comp.headline_rows():
        m = r["metric"]
        cells = []
        for s in range(len(comp.scenarios)):
            med, lo, hi = r["values"][s]
            c = f"{e(number(med, m))}<br><small>{e(span(lo, hi, m))}</small>"
            if s > 0:
                dm, dlo, dhi = r["diffs"][s]
                c += (f'<br><span class="diff">Δ {e(number(dm, m))} '
                      f"<small>({e(span(dlo, dhi, m))})</small></span>")  # fmt: skip
                pb = r.get("p_better", [np.nan] * len(comp.scenarios))[s]
                if pb == pb:  # defined: the metric has a better direction
                    c += f'<br><small class="diff">P(better) {pb:.2f}</small>'
            cells.append(f"<td>{c}</td>")
        body.append(f"<tr><td>{e(r['label'])}<br><small>{e(m)} ({e(r['statistic'])})</small>"
                    f"</td>{''.join(cells)}</tr>")  # fmt: skip
    return f"<table><tr><th>metric (whole window)</th>{head}</tr>{''.join(body)}</table>"


CLEAR_P = 0.9  # a probability of being better this high (or this low, 1 - it) is shown in bold


def _p_cell(p: float) -> str:
    if p != p:  # undefined: no draw has both values
        return "&ndash;"
    return f"<b>{p:.2f}</b>" if p >= CLEAR_P or 1 - p >= CLEAR_P else f"{p:.2f}"


def _p_better_table(comp) -> str:
    """Per headline metric with a better direction and per fiscal year: the probability that each
    scenario beats the first (``corridor.analysis.better.headline_by_period``)."""
    from corridor.analysis.better import headline_by_period
    from corridor.analysis.compare import TOTAL

    e = html.escape
    rows = headline_by_period(comp)
    if not rows:
        return ""
    names = [("whole window" if p == TOTAL else f"FY{p}") for p in comp.periods]
    head = "".join(f"<th>{e(n)}</th>" for n in names)
    body = []
    for r in rows:
        cells = "".join(f"<td>{_p_cell(r['p'][p])}</td>" for p in comp.periods)
        body.append(f"<tr><td>{e(r['label'])}<br><small>{e(r['metric'])} ({e(r['statistic'])})"
                    f"</small></td><td>{e(r['scenario'])}</td>{cells}</tr>")  # fmt: skip
    return (
        "<h2>Probability that a scenario is better, by fiscal year</h2>"
        "<p class='note'>The share of the paired draws in which the scenario beats "
        f"<b>{e(comp.scenarios[0])}</b> in the direction the metric dictionary gives (lower or "
        "higher is better), a tie counting half: 0.5 is no evidence either way (as when both "
        "are zero in every draw), values of 0.9 or more and 0.1 or less are in bold. Fiscal "
        "years are cut to the window; the statistic is the one of the headline table (peak, "
        f"sum, ...) within each year. Over {comp.draws} draw(s), so steps of "
        f"{0.5 / max(comp.draws, 1):.2g}; the same numbers are the <code>p_better</code> column "
        "of <code>comparison.csv</code> (group all).</p>"
        f"<table><tr><th>metric</th><th>scenario</th>{head}</tr>{''.join(body)}</table>"
    )


def _scenarios(comp) -> str:
    e = html.escape
    sims = list(comp.sims.values())
    items = []
    for name, sim in comp.sims.items():
        spec = sim.scenario.files[-1][1]
        d = change_start(sim, sims[0]) if sim is not sims[0] else None
        when = f" Changes take effect from {d}." if d else ""
        notes = "".join(f"<br><small>override: {e(t)}</small>" for t in sim.scenario.overrides)
        items.append(f"<li><b>{e(name)}</b>: {e(spec.title)}{e(when)}<br>"
                     f"<small>{e(' '.join(spec.description.split()))}</small>{notes}</li>")  # fmt: skip
    return f"<ul>{''.join(items)}</ul>"


def write_report(comp, path: Path) -> int:
    """Write report.html (self-contained), ``index.html`` beside it (the same file, for those
    who open a directory's index) and each chart as ``charts/KEY.png``; returns the number of
    charts drawn."""
    e = html.escape
    drawn, empty = charts(comp, getattr(comp, "workers", None))
    first = next(iter(comp.sims.values()))
    arrivals = first.arrivals_note or "the shipped history and projection"
    body = [
        f"<h1>corridor compare: {e(' vs '.join(comp.scenarios))}</h1>",
        f"<p class='note'>{e(str(comp.start))} to {e(str(comp.end))}; {comp.draws} Monte Carlo "
        f"draw(s), seed {comp.seed}; arrivals: {e(arrivals)}. Each cell: median and, below it, "
        f"the 10th to 90th percentile over draws for the whole window; Δ is the per-draw "
        f"difference from <b>{e(comp.scenarios[0])}</b> (the same draw has the same sampled "
        "assumptions and random numbers in every scenario); P(better) is the share of draws in "
        f"which the scenario beats {e(comp.scenarios[0])} where the metric has a better "
        "direction (ties count half). Costs are nominal U.S. dollars. These are model estimates "
        "under stated assumptions, not forecasts; every parameter's source or range is in "
        "<code>corridor params</code>, every metric's definition in <code>metrics.csv</code> "
        "(<code>corridor metrics</code>); per fiscal year: <code>comparison.csv</code> in the "
        "same directory.</p>",
        "<h2>Headline</h2>",
        _headline_table(comp),
        _p_better_table(comp),
        "<h2>Scenarios</h2>",
        _scenarios(comp),
        "<h2>Charts</h2>",
        "<p class='note'>Every chart: lines are medians, shaded bands the 10th-90th percentile "
        "over draws; black points are sourced observations of the same monthly quantity; dotted "
        "vertical lines mark the first day a scenario's changes take effect. Each chart's "
        "numbers can be downloaded below it.</p>",
        *[c.html() for c in drawn],
    ]
    if empty:
        body.append("<p class='note'>Not drawn (every scenario is zero throughout): "
                    f"{e('; '.join(empty))}.</p>")  # fmt: skip
    text = report.page(f"corridor compare: {' vs '.join(comp.scenarios)}", body)
    path.write_text(text, encoding="utf-8")
    (path.parent / "index.html").write_text(text, encoding="utf-8")
    if drawn:
        (path.parent / "charts").mkdir(exist_ok=True)
    for c in drawn:
        (path.parent / "charts" / f"{c.key}.png").write_bytes(c.png)
    return len(drawn)
