"""Daily metrics computed from the per-child records (never from counters inside the engine).

Each metric is a flow (events per day, summed over a fiscal year), a stock (end of day; a fiscal
year reports its end-of-year value and its mean) or an average (weighted by a flow, e.g. length
of care by discharges). Values are by country of citizenship and for ``all``; system-wide
quantities such as capacity exist only for ``all``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from corridor.stages.children import COUNTRIES

GROUPS = (*COUNTRIES, "all")


@dataclass
class Metric:
    kind: str  # "flow", "stock" or "average"
    values: np.ndarray  # [group, day]; one row when the metric exists only for "all"
    weight: str | None = None  # for averages: the flow that weights them
    unit: str = ""


@dataclass
class DailyMetrics:
    n_days: int
    metrics: dict[str, Metric] = field(default_factory=dict)

    def add(
        self, name: str, kind: str, values: np.ndarray, weight: str | None = None, unit: str = ""
    ):
        if values.ndim == 1:
            values = values[None, :]
        self.metrics[name] = Metric(kind, values.astype(np.float64), weight, unit)

    def groups_of(self, name: str) -> tuple[str, ...]:
        return GROUPS if self.metrics[name].values.shape[0] == len(GROUPS) else ("all",)

    def series(self, name: str, group: str = "all") -> np.ndarray:
        return self.metrics[name].values[self.groups_of(name).index(group)]


class Tally:
    """Counts events and stocks by day and country from per-child times, with bincount."""

    def __init__(self, country: np.ndarray, n_days: int):
        self.country = country.astype(np.int64)
        self.n_days = n_days
        self.k = len(COUNTRIES)

    def _by_day(self, t: np.ndarray, mask: np.ndarray | None, weights: np.ndarray | None = None):
        """Sum of ``weights`` (or 1) of events at times ``t`` per [country, day], plus 'all'."""
        ok = np.isfinite(t) & (t < self.n_days) & (t >= 0)
        if mask is not None:
            ok &= mask
        day = t[ok].astype(np.int64)
        idx = self.country[ok] * self.n_days + day
        w = None if weights is None else weights[ok]
        by = np.bincount(idx, weights=w, minlength=self.k * self.n_days).reshape(
            self.k, self.n_days
        )
        return np.vstack([by, by.sum(axis=0, keepdims=True)])

    def flow(self, t: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        return self._by_day(t, mask)

    def stock(
        self, t_in: np.ndarray, t_out: np.ndarray, mask: np.ndarray | None = None
    ) -> np.ndarray:
        """Children with t_in < d+1 <= t_out at the end of each day d."""
        return np.cumsum(self._by_day(t_in, mask), axis=1) - np.cumsum(
            self._by_day(t_out, mask), axis=1
        )

    def child_days(
        self, t_in: np.ndarray, t_out: np.ndarray, mask: np.ndarray | None = None
    ) -> np.ndarray:
        """Exact child-days spent in [t_in, t_out) during each day (for costs)."""

        # integral of the count over [0, x] is sum_i max(0, x - t_in) - max(0, x - t_out); at
        # integer x it needs, for each boundary, the count and the sum of times before x
        def integral(t):
            n = np.cumsum(self._by_day(t, mask), axis=1)
            s = np.cumsum(self._by_day(t, mask, weights=t), axis=1)
            x = np.arange(1, self.n_days + 1)[None, :]
            return n * x - s

        cum = integral(t_in) - integral(t_out)
        return np.diff(np.concatenate([np.zeros((cum.shape[0], 1)), cum], axis=1), axis=1)
