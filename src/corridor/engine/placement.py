"""The shelter placement kernel: children referred by Border Patrol wait, first in first out, for
a free bed; standard beds first, then influx beds, which open after a lead time when standard
occupancy passes a threshold and stop taking children when occupancy falls.

This is an exact continuous-time event simulation (referrals, bed releases, and a daily tick on
which capacities change), compiled with numba: the per-child Python object is the slow path
(see the benchmark in ``benchmarks/``), so state lives in arrays and heaps of floats.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numba
import numpy as np

STANDARD, INFLUX = 0, 1


@dataclass
class PlacementResult:
    assign: np.ndarray  # time a bed is assigned (child leaves the waiting queue), float days
    start: np.ndarray  # time the child arrives in ORR care (assign + transport)
    exit: np.ndarray  # time the child leaves ORR care
    bed: np.ndarray  # 0 standard, 1 influx
    aged_out: np.ndarray  # turned 18 in care, or waiting in CBP (start is inf): transfer to ICE
    influx_open: np.ndarray  # influx beds taking children, end of each day
    influx_in_use: np.ndarray  # influx beds occupied (or reserved), end of each day
    standard_in_use: np.ndarray  # standard beds occupied (or reserved), end of each day


@numba.njit(cache=True)
def _place(
    ref_t, transport, los_z, cat, t_age_out,
    cap_std, influx_avail, open_thr, close_thr, lead_days, log_mu, sigma,
):  # fmt: skip
    n = ref_t.shape[0]
    n_days = cap_std.shape[0]
    assign = np.full(n, np.inf)
    start = np.full(n, np.inf)
    exit_t = np.full(n, np.inf)
    bed = np.full(n, -1, dtype=np.int8)
    aged = np.zeros(n, dtype=np.bool_)
    influx_open_d = np.zeros(n_days, dtype=np.int64)
    influx_use_d = np.zeros(n_days, dtype=np.int64)
    std_use_d = np.zeros(n_days, dtype=np.int64)

    heap_std = [np.inf]  # release times of occupied beds; the sentinel keeps numba's types simple
    heap_inf = [np.inf]
    used_std = 0
    used_inf = 0
    open_inf = 0  # influx beds accepting children now
    opening_day = -1  # day on which requested influx beds open (-1: none requested)
    ptr = 0  # next referral not yet in the queue
    head = 0  # first child still waiting (queue is [head, ptr))

    for d in range(n_days):
        cap = cap_std[d]
        # daily decisions, on the state at the start of the day
        if influx_avail[d] <= 0:
            open_inf = 0
            opening_day = -1
        else:
            occ = used_std / cap if cap > 0 else 1.0
            if open_inf == 0 and opening_day < 0 and (occ >= open_thr[d] or head < ptr):
                opening_day = d + lead_days[d]
            if opening_day >= 0 and d >= opening_day:
                open_inf = influx_avail[d]
                opening_day = -1
            if open_inf > 0:
                open_inf = influx_avail[d]  # a dated change in the contracted beds applies at once
                total = used_std + used_inf
                if head == ptr and total < close_thr[d] * (cap + open_inf):
                    open_inf = 0  # stop admitting; occupied influx beds close as children leave
        t = float(d)
        end = d + 1.0
        while True:
            # admit as many waiting children as free beds allow, at time t
            while head < ptr:
                if t_age_out[head] <= t:
                    # turned 18 while waiting in CBP: goes to ICE from there, takes no bed
                    aged[head] = True
                    head += 1
                    continue
                if used_std < cap:
                    b = STANDARD
                elif used_inf < open_inf:
                    b = INFLUX
                else:
                    break
                i = head
                head += 1
                s = t + transport[i]
                day = min(int(s), n_days - 1)
                c = cat[i]
                los = math.exp(log_mu[day, c] + sigma[day, c] * los_z[i])
                e = s + los
                if t_age_out[i] <= e:
                    e = max(t_age_out[i], s)
                    aged[i] = True
                assign[i] = t
                start[i] = s
                exit_t[i] = e
                bed[i] = b
                if b == STANDARD:
                    used_std += 1
                    heapq.heappush(heap_std, e)
                else:
                    used_inf += 1
                    heapq.heappush(heap_inf, e)
            # next event: a referral or a bed release, whichever is first, within this day
            t_ref = ref_t[ptr] if ptr < n else np.inf
            t_rel = min(heap_std[0], heap_inf[0])
            if t_ref <= t_rel:
                if t_ref >= end:
                    break
                t = max(t, t_ref)
                ptr += 1
            else:
                if t_rel >= end:
                    break
                t = max(t, t_rel)
                if heap_std[0] <= heap_inf[0]:
                    heapq.heappop(heap_std)
                    used_std -= 1
                else:
                    heapq.heappop(heap_inf)
                    used_inf -= 1
        influx_open_d[d] = open_inf
        influx_use_d[d] = used_inf
        std_use_d[d] = used_std
    return assign, start, exit_t, bed, aged, influx_open_d, influx_use_d, std_use_d


def place(
    ref_t: np.ndarray,
    transport: np.ndarray,
    los_z: np.ndarray,
    cat: np.ndarray,
    t_age_out: np.ndarray,
    cap_std: np.ndarray,
    influx_avail: np.ndarray,
    open_thr: np.ndarray,
    close_thr: np.ndarray,
    lead_days: np.ndarray,
    log_mu: np.ndarray,
    sigma: np.ndarray,
) -> PlacementResult:
    """Place children (given in referral order, ``ref_t`` non-decreasing) into beds, FIFO.

    Length of care is lognormal: ``exp(log_mu[day, cat] + sigma[day, cat] * los_z)``, with the
    parameters of the day care starts; care ends earlier at ``t_age_out`` (the 18th birthday). A
    child who turns 18 while still waiting gets no bed (``aged_out`` with ``start`` = inf).
    Daily arrays (``cap_std``, ``influx_avail``, thresholds, ``lead_days``) cover every day.
    """
    if len(ref_t) > 1 and np.any(np.diff(ref_t) < 0):
        raise ValueError("referral times must be sorted (the queue is first in, first out)")
    out = _place(
        np.ascontiguousarray(ref_t, dtype=np.float64),
        np.ascontiguousarray(transport, dtype=np.float64),
        np.ascontiguousarray(los_z, dtype=np.float64),
        np.ascontiguousarray(cat, dtype=np.int64),
        np.ascontiguousarray(t_age_out, dtype=np.float64),
        np.ascontiguousarray(np.floor(cap_std), dtype=np.int64),
        np.ascontiguousarray(np.floor(influx_avail), dtype=np.int64),
        np.ascontiguousarray(open_thr, dtype=np.float64),
        np.ascontiguousarray(close_thr, dtype=np.float64),
        np.ascontiguousarray(np.round(lead_days), dtype=np.int64),
        np.ascontiguousarray(log_mu, dtype=np.float64),
        np.ascontiguousarray(sigma, dtype=np.float64),
    )
    return PlacementResult(*out)
