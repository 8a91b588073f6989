"""When an event with a dated hazard happens to items already waiting: one compiled pass.

An item that starts waiting at ``t0`` with unit exponential ``e`` has its event at the time t
solving H(t) = H(t0) + e, where H is the cumulative hazard of the daily rates (constant within a
day). A change of the rate on some day thus also changes when the items already waiting have
their event (an inhomogeneous Poisson clock). This is the vectorised numpy definition
(cumulative rates, ``searchsorted``), computed in one pass without temporaries, with the same
floating-point operations in the same order, so the times are the same to the last bit
(tests/test_hazard.py).
"""

from __future__ import annotations

import math

import numba
import numpy as np


def cumulative(rate: np.ndarray) -> np.ndarray:
    """H at the start of each day, and after the last one: [0, r0, r0 + r1, ...]."""
    return np.concatenate([[0.0], np.cumsum(np.asarray(rate, dtype=np.float64))])


@numba.njit(cache=True)
def _event_times(t0, e, rate, cum, out):
    n_days = rate.shape[0]
    for i in range(t0.shape[0]):
        t = t0[i]
        if not t == t:  # NaN: the wait never started
            out[i] = np.inf
            continue
        d = min(max(math.floor(t), 0.0), n_days - 1.0)  # the day the wait starts (clamped)
        day = int(d)
        target = cum[day] + (t - d) * rate[day] + e[i]
        if not target == target:  # NaN: numpy's search puts it after every day
            out[i] = np.inf
            continue
        # the last k with cum[k] <= target (searchsorted(cum, target, "right") - 1)
        lo, hi = 0, n_days + 1
        while lo < hi:
            mid = (lo + hi) >> 1
            if cum[mid] <= target:
                lo = mid + 1
            else:
                hi = mid
        k = lo - 1
        if k < 0 or k >= n_days or not rate[k] > 0:
            out[i] = np.inf
        else:
            out[i] = k + (target - cum[k]) / rate[k]


def event_times(t0: np.ndarray, e: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """For each item waiting from ``t0`` (days), with its unit exponential ``e``, the time of
    its event under the daily hazard ``rate`` (per day; 0 allowed); inf if not within the
    simulated days."""
    rate = np.ascontiguousarray(rate, dtype=np.float64)
    t0 = np.ascontiguousarray(t0, dtype=np.float64)
    e = np.ascontiguousarray(e, dtype=np.float64)
    out = np.empty(t0.shape[0])
    _event_times(t0, e, rate, cumulative(rate), out)
    return out
