"""Daily metrics computed from the per-child records (never from counters inside the engine).

Each metric is a flow (events per day, summed over a fiscal year), a stock (end of day; a fiscal
year reports its end-of-year value and its mean) or an average (weighted by a flow, e.g. length
of care by discharges). Values are by country of citizenship and for ``all``; system-wide
quantities such as capacity exist only for ``all``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numba
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


# The tallies below are branch-free: a child whose time falls outside the simulated days (NaN,
# inf: the event did not happen) or outside the mask is counted in an extra last column that is
# thrown away. An unpredictable branch per child cost more than the addition it skipped (a pass
# took about twice as long on columns where some children have the event and some not).


@numba.njit(cache=True, inline="always")
def _column(t, counted, n_days):
    """The tally column of an event at time ``t``: its day if ``counted`` and ``t`` is in
    [0, n_days) (NaN and inf are not), else the extra last column ``n_days``."""
    ok = (t >= 0.0) & (t < float(n_days)) & counted
    return int(t) if ok else n_days


@numba.njit(cache=True)
def _count_by_day(t, country, mask, n_days, out):
    """out[country, day] += 1 for every event at a time ``t`` in [0, n_days) (NaN and inf are
    not) where ``mask`` holds (an empty mask: every child); ``out`` has n_days + 1 columns, the
    last one collecting the rest. One pass, no temporaries."""
    use_mask = mask.shape[0] > 0
    for i in range(t.shape[0]):
        out[country[i], _column(t[i], mask[i] if use_mask else True, n_days)] += 1


@numba.njit(cache=True)
def _sum_by_day(t, country, mask, weights, n_days, out):
    """out[country, day] += weight, as ``_count_by_day`` (each day's additions in the children's
    order, as numpy's bincount makes them)."""
    use_mask = mask.shape[0] > 0
    for i in range(t.shape[0]):
        out[country[i], _column(t[i], mask[i] if use_mask else True, n_days)] += weights[i]


@numba.njit(cache=True)
def _net_by_day(t_in, t_out, country, mask, n_days, out):
    """out[country, day(t_in)] += 1 and out[country, day(t_out)] -= 1, as two
    ``_count_by_day`` passes would (integers: the difference is the same), in one pass: a
    stock reads each child once."""
    use_mask = mask.shape[0] > 0
    for i in range(t_in.shape[0]):
        m = mask[i] if use_mask else True
        out[country[i], _column(t_in[i], m, n_days)] += 1
        out[country[i], _column(t_out[i], m, n_days)] -= 1


@numba.njit(cache=True)
def _counts_and_sums_by_day(t_in, t_out, country, mask, n_days, n_in, n_out, s_in, s_out):
    """The four tallies of ``child_days`` in one pass: counts and sums of times of the events
    at ``t_in`` and at ``t_out`` per [country, day], each sum added in the children's order
    (as ``_sum_by_day`` adds it, so the result is the same to the last bit)."""
    use_mask = mask.shape[0] > 0
    for i in range(t_in.shape[0]):
        m = mask[i] if use_mask else True
        a, b = t_in[i], t_out[i]
        da, db = _column(a, m, n_days), _column(b, m, n_days)
        k = country[i]
        n_in[k, da] += 1
        s_in[k, da] += a
        n_out[k, db] += 1
        s_out[k, db] += b


@numba.njit(cache=True)
def _count_by_code_and_day(t, code, country, n_days, out):
    """out[code, country, day] += 1 for every event at a time ``t`` in [0, n_days): the flows of
    every outcome code in one pass (an event with a negative code is not counted)."""
    for i in range(t.shape[0]):
        k = code[i]
        out[max(k, 0), country[i], _column(t[i], k >= 0, n_days)] += 1


@numba.njit(cache=True)
def _row_events_by_day(t, weights, n_per_row, country, n_days, count, total):
    """For each row i, its first ``n_per_row[i]`` events at times ``t[i, :]``: count[country,
    day] += 1 and total[country, day] += weight, in the order of the raveled [row, event] arrays
    (so the sums are those of ``_sum_by_day`` on them, to the last bit: the events it skips are
    those of the extra column)."""
    for i in range(t.shape[0]):
        k = country[i]
        for h in range(n_per_row[i]):
            d = _column(t[i, h], True, n_days)
            count[k, d] += 1
            total[k, d] += weights[i, h]


_NO_MASK = np.zeros(0, dtype=np.bool_)


class Tally:
    """Counts events and stocks by day and country from per-child times: each count is one
    compiled pass over the children (no masks or index arrays are built)."""

    def __init__(self, country: np.ndarray, n_days: int):
        self.country = np.ascontiguousarray(country, dtype=np.int8)  # less to read per pass
        self.n_days = n_days
        self.k = len(COUNTRIES)

    def _mask(self, mask: np.ndarray | None) -> np.ndarray:
        return _NO_MASK if mask is None else np.asarray(mask, dtype=np.bool_)

    def _with_all(self, out: np.ndarray) -> np.ndarray:
        """[country, day + 1] -> [group, day]: the extra column dropped, the row 'all' added."""
        out = out[:, : self.n_days]
        out[self.k] = out[: self.k].sum(axis=0)
        return out

    def _by_day(self, t: np.ndarray, mask: np.ndarray | None, weights: np.ndarray | None = None):
        """Sum of ``weights`` (or 1) of events at times ``t`` per [country, day], plus 'all'."""
        m = self._mask(mask)
        shape = (self.k + 1, self.n_days + 1)  # the last column: events on no simulated day
        if weights is None:
            out = np.zeros(shape, dtype=np.int64)
            _count_by_day(t, self.country, m, self.n_days, out)
        else:
            out = np.zeros(shape, dtype=np.float64)
            w = np.asarray(weights, dtype=np.float64)
            _sum_by_day(t, self.country, m, w, self.n_days, out)
        return self._with_all(out)

    def weighted_flow(
        self, t: np.ndarray, weights: np.ndarray, mask: np.ndarray | None = None
    ) -> np.ndarray:
        """Sum of ``weights`` of the events at times ``t`` per [group, day]."""
        return self._by_day(t, mask, weights)

    def flow(self, t: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        return self._by_day(t, mask)

    def flows_by_code(self, t: np.ndarray, code: np.ndarray, n_codes: int) -> np.ndarray:
        """The flow of the events at times ``t`` for each code 0 .. n_codes - 1 (``code`` per
        child), [code, group, day], in one pass: the same counts as ``flow(t, code == k)``."""
        out = np.zeros((n_codes, self.k + 1, self.n_days + 1), dtype=np.int64)
        codes = np.ascontiguousarray(code, dtype=np.int64)
        if len(codes) and (codes.max() >= n_codes):
            raise ValueError(f"codes must be below {n_codes}")
        _count_by_code_and_day(np.ascontiguousarray(t, dtype=np.float64), codes, self.country,
                               self.n_days, out)  # fmt: skip
        return np.stack([self._with_all(x) for x in out])

    def row_events(
        self, t: np.ndarray, weights: np.ndarray, n_per_row: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each child's first ``n_per_row`` events at times ``t[child, :]`` (e.g. hearings):
        their count and the sum of their ``weights`` per [group, day], in one pass over the
        events that happened (the same numbers as ``flow`` and ``weighted_flow`` on the raveled
        arrays, the country repeated per event)."""
        shape = (self.k + 1, self.n_days + 1)
        count, total = np.zeros(shape, dtype=np.int64), np.zeros(shape)
        _row_events_by_day(np.ascontiguousarray(t, dtype=np.float64),
                           np.ascontiguousarray(weights, dtype=np.float64),
                           np.ascontiguousarray(n_per_row, dtype=np.int64), self.country,
                           self.n_days, count, total)  # fmt: skip
        return self._with_all(count), self._with_all(total)

    def stock(
        self, t_in: np.ndarray, t_out: np.ndarray, mask: np.ndarray | None = None
    ) -> np.ndarray:
        """Children with t_in < d+1 <= t_out at the end of each day d."""
        net = np.zeros((self.k + 1, self.n_days + 1), dtype=np.int64)
        _net_by_day(t_in, t_out, self.country, self._mask(mask), self.n_days, net)
        return np.cumsum(self._with_all(net), axis=1)

    def child_days(
        self, t_in: np.ndarray, t_out: np.ndarray, mask: np.ndarray | None = None
    ) -> np.ndarray:
        """Exact child-days spent in [t_in, t_out) during each day (for costs)."""

        # integral of the count over [0, x] is sum_i max(0, x - t_in) - max(0, x - t_out); at
        # integer x it needs, for each boundary, the count and the sum of times before x (the
        # four tallies in one pass over the children)
        shape = (self.k + 1, self.n_days + 1)
        n_in, n_out = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
        s_in, s_out = np.zeros(shape), np.zeros(shape)
        _counts_and_sums_by_day(t_in, t_out, self.country, self._mask(mask), self.n_days,
                                n_in, n_out, s_in, s_out)  # fmt: skip
        x = np.arange(1, self.n_days + 1)[None, :]

        def integral(n, s):
            return np.cumsum(self._with_all(n), axis=1) * x - np.cumsum(self._with_all(s), axis=1)

        cum = integral(n_in, s_in) - integral(n_out, s_out)
        return np.diff(np.concatenate([np.zeros((cum.shape[0], 1)), cum], axis=1), axis=1)
