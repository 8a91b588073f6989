"""Tidy output tables: daily long format, and per U.S. fiscal year.

Daily: ``scenario, draw, date, metric, group, value`` (group: a country code or ``all``).
Fiscal years: ``scenario, draw, fiscal_year, metric, group, statistic, value, days,
peak_date`` where flows have statistic ``sum``; stocks ``end`` (last day of the year in the
window), ``mean`` and ``peak`` (the year's highest end-of-day value, with ``peak_date`` the first
day it was reached; empty for the other statistics); averages ``mean`` weighted by their flow
(length of care by discharges). ``days`` says how many days of that fiscal year lie in the
window, so a partial year is visible as such.

Peaks: ``scenario, draw, metric, group, peak, peak_date`` for every stock over the whole window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from corridor.simulation import Result


def _window(result: Result) -> slice:
    return slice(result.clock.day(result.start), result.clock.n_days)


def long_table(result: Result) -> pd.DataFrame:
    win = _window(result)
    dates = result.clock.dates()[win]
    n = len(dates)
    parts = {k: [] for k in ("draw", "metric", "group", "value")}
    for d in result.draws:
        m = d.metrics
        for name, metric in m.metrics.items():
            for g, group in enumerate(m.groups_of(name)):
                parts["value"].append(metric.values[g, win])
                parts["metric"].append((name, n))
                parts["group"].append((group, n))
                parts["draw"].append((d.draw, n))
    n_series = len(parts["value"])

    def expand(pairs):
        labels = [p for p, _ in pairs]
        cats = list(dict.fromkeys(labels))
        codes = np.repeat(np.array([cats.index(x) for x in labels], dtype=np.int32), n)
        return pd.Categorical.from_codes(codes, categories=cats)

    return pd.DataFrame(
        {
            "scenario": pd.Categorical.from_codes(
                np.zeros(n_series * n, dtype=np.int8), categories=[result.scenario]
            ),
            "draw": np.repeat(np.array([d for d, _ in parts["draw"]], dtype=np.int32), n),
            "date": np.tile(dates.to_numpy(), n_series),
            "metric": expand(parts["metric"]),
            "group": expand(parts["group"]),
            "value": np.concatenate(parts["value"]) if parts["value"] else np.array([]),
        }
    )


def fiscal_year_table(result: Result) -> pd.DataFrame:
    win = _window(result)
    fy = result.clock.fiscal_years()[win]
    years, idx = np.unique(fy, return_inverse=True)
    days = np.bincount(idx)
    last = np.array([np.flatnonzero(idx == k)[-1] for k in range(len(years))])
    first = np.r_[0, last[:-1] + 1]
    dates = result.clock.dates()[win]
    rows = []
    for d in result.draws:
        m = d.metrics
        for name, metric in m.metrics.items():
            for g, group in enumerate(m.groups_of(name)):
                v = metric.values[g, win]
                if metric.kind == "flow":
                    stats = {"sum": np.bincount(idx, weights=v)}
                elif metric.kind == "stock":
                    spans = zip(first, last, strict=True)
                    at = np.array([a + int(np.argmax(v[a : b + 1])) for a, b in spans])
                    peak_dates = [str(dates[i].date()) for i in at]
                    stats = {"end": v[last], "mean": np.bincount(idx, weights=v) / days,
                             "peak": v[at]}  # fmt: skip
                else:
                    w = m.metrics[metric.weight].values
                    w = (w[g] if w.shape[0] > g else w[0])[win]
                    ok = np.isfinite(v) & (w > 0)
                    num = np.bincount(idx, weights=np.where(ok, v * w, 0.0))
                    den = np.bincount(idx, weights=np.where(ok, w, 0.0))
                    with np.errstate(invalid="ignore", divide="ignore"):
                        stats = {"mean": np.where(den > 0, num / den, np.nan)}
                for stat, values in stats.items():
                    for k, year in enumerate(years):
                        when = peak_dates[k] if stat == "peak" else ""
                        rows.append(
                            (d.draw, int(year), name, group, stat, values[k], int(days[k]), when)
                        )
    df = pd.DataFrame(rows, columns=["draw", "fiscal_year", "metric", "group", "statistic",
                                     "value", "days", "peak_date"])  # fmt: skip
    df.insert(0, "scenario", result.scenario)
    return df


def peak_table(result: Result) -> pd.DataFrame:
    """Every stock's highest end-of-day value over the window and the first day it was reached,
    per draw, metric and group."""
    win = _window(result)
    dates = result.clock.dates()[win]
    rows = []
    for d in result.draws:
        m = d.metrics
        for name, metric in m.metrics.items():
            if metric.kind != "stock":
                continue
            v = metric.values[:, win]
            at = np.argmax(v, axis=1)
            for g, group in enumerate(m.groups_of(name)):
                rows.append((d.draw, name, group, v[g, at[g]], str(dates[at[g]].date())))
    df = pd.DataFrame(rows, columns=["draw", "metric", "group", "peak", "peak_date"])
    df.insert(0, "scenario", result.scenario)
    return df
