"""The shelter kernel: children referred by Border Patrol wait, first in first out, for a free bed
and a transfer; in care, each is released when its release hazard says so and a case manager is
free to release it.

Beds. Standard beds first, then influx beds, which open after a lead time when standard
occupancy passes a threshold (or children wait) and stop taking children when occupancy falls.

Transfers. At most ``transfer_cap[d]`` children leave CBP for a bed on day ``d`` (the surge
ceiling of transport and intake), and below it a surge limit: on a day that starts with children
waiting, the limit is the previous day's times ``1 + transfer_growth[d]`` (transport and intake
are added day by day while children wait); on a day when none waits, ``1 + transfer_growth[d]``
times the most moved on one of the last ``transfer_window[d]`` days; never below
``transfer_floor[d]``. The others keep waiting, first in first out, to the next day.
A child given a bed at its referral (a free bed, a transfer left that day) is moved so that it
arrives by its ``deadline`` (the TVPRA 72 hours, set by the border stage): its transport delay is
cut to what is left. A child who waited (the "exceptional circumstances": no bed, or the day's
transfers used up) takes its whole transport delay from the bed's assignment.

Release as a hazard on every child in care. A child's release hazard at time ``t`` depends on
its progress ``theta`` through the case (time in care measured in the release pace of each day
it spent in care) and on the calendar regime in force at ``t``::

    d theta / dt = pace[c, day(t)]          (pace = 1 / mean length of care of the regime)
    h(t)          = pace[c, day(t)] * h_W(theta)

where ``h_W`` is the hazard of the child's unit-mean stay distribution (its shape). With one
regime the stay is that distribution scaled to the regime's mean; a dated change of pace changes
the release rate of every child already in care at once. Common random numbers: each child has
one number ``work`` = the progress at which its cumulative hazard exceeds ``-log(u)``, for its
one uniform ``u`` (drawn by the shelter stage); the child is ready for release when ``theta``
reaches ``work``. As the daily paces are known in advance, the ready time is found exactly when
care starts, by a binary search on the cumulative pace.

Case-management throughput. Releases of day ``d`` (to sponsors; a transfer to ICE at 18 needs no
release) are at most ``K[d]``, the whole part of ``max(floor[d], (1 + growth[d]) * the most
released on one of the last window days)``, where a day whose releases the limit held counts at
its limit before rounding (so a growth of less than one child a day accumulates): releases per
day cannot grow faster than case managers can be added. A child
ready when the day's releases are used up waits (in care, in its bed), first ready first
released, to the next day's start.

A court's rule. A child may also carry a time ``court_from`` from which a court order, not the
release hazard, decides when its care ends, and the time ``court`` it ends then (the Ms. L v.
ICE reunifications of 2018, ``stages/separation.py``): a child the hazard makes ready before
``court_from`` is released as any other; otherwise its care ends at ``court`` (not before it
arrives in care), without waiting for a case manager and without counting among the releases
that set the limit (``by_court``). Every other child has ``court_from`` = inf, and nothing
changes for it.

This is an exact continuous-time event simulation (referrals, ready times, and a daily tick on
which capacities change), compiled with numba: state lives in arrays and heaps of floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np

from corridor.engine import judge_heap

STANDARD, INFLUX = 0, 1
MAX_WINDOW = 64  # the longest case-management look-back the kernel keeps (days)


@dataclass
class PlacementResult:
    assign: np.ndarray  # time a bed is assigned (child leaves the waiting queue), float days
    start: np.ndarray  # time the child arrives in ORR care (assign + transport)
    exit: np.ndarray  # time the child leaves ORR care
    bed: np.ndarray  # 0 standard, 1 influx
    aged_out: np.ndarray  # turned 18 in care, or waiting in CBP (start is inf): transfer to ICE
    ready: np.ndarray  # time the release hazard made the child ready (exit later if CM-limited)
    by_court: np.ndarray  # care ended under a court's rule (``court``), not the release hazard
    influx_open: np.ndarray  # influx beds taking children, end of each day
    influx_in_use: np.ndarray  # influx beds occupied (or reserved), end of each day
    standard_in_use: np.ndarray  # standard beds occupied (or reserved), end of each day
    release_capacity: np.ndarray  # case-management release limit of each day (children)
    transfers: np.ndarray  # children leaving CBP for a bed each day
    transfer_capacity: np.ndarray  # the day's transfer limit (children)


@numba.njit(cache=True, inline="always")
def ready_time(s, work, c, pace, cum, n_days):
    """The time at which a child whose care starts at ``s`` has made ``work`` progress:
    ``cum[c, d]`` is the progress of a clock started at day 0, at the start of day ``d``; after
    the last day the last day's pace continues."""
    d0 = min(int(s), n_days - 1)
    target = cum[c, d0] + (s - d0) * pace[c, d0] + work
    lo, hi = d0, n_days - 1  # the last day d in [d0, n_days - 1] with cum[c, d] <= target
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if cum[c, mid] <= target:
            lo = mid
        else:
            hi = mid - 1
    return lo + (target - cum[c, lo]) / pace[c, lo]


_FREE = -1  # the last entry of _Later.first: its free entries


class _Later(NamedTuple):
    """The events of later days. ``first[d]`` starts the list of day ``d`` (then ``next``),
    ``first[n_days]`` the list of events after the simulated days, ``first[_FREE]`` the entries
    free again. On its day an event joins the heap of that day's events, so the heap holds one
    day's events rather than every child in care (that heap took three quarters of this kernel's
    time); events still come out by (time, child). An entry is reused once its day has come, so
    the lists hold at most the children in care, not every event of the run."""

    first: np.ndarray
    time: np.ndarray
    child: np.ndarray
    next: np.ndarray


@numba.njit(cache=True, inline="always")
def _push(heap_time, heap_child, n_today, later, n_later, e, i, end, n_days):
    """Put the event (time e, child i) on today's heap if it is before ``end``, else on the list
    of its day; returns the sizes of both."""
    if e < end:
        return judge_heap.push(heap_time, heap_child, n_today, e, i), n_later
    d = min(int(e), n_days)
    k = later.first[_FREE]
    if k >= 0:
        later.first[_FREE] = later.next[k]
    else:  # none free: a new entry
        k = n_later
        n_later += 1
    later.time[k] = e
    later.child[k] = i
    later.next[k] = later.first[d]
    later.first[d] = k
    return n_today, n_later


class _Work(NamedTuple):
    """The kernel's outputs and working arrays, allocated before it runs (the kernel allocates
    nothing, so it is compiled without reference counting: with it, each call of an inlined
    helper on these arrays counted references, and the kernel took about twice as long)."""

    assign: np.ndarray
    start: np.ndarray
    exit_t: np.ndarray
    bed: np.ndarray
    aged: np.ndarray
    ready: np.ndarray
    by_court: np.ndarray
    influx_open: np.ndarray  # per day
    influx_in_use: np.ndarray
    standard_in_use: np.ndarray
    release_capacity: np.ndarray
    transfers: np.ndarray
    transfer_capacity: np.ndarray  # per day: the transfer limit (whole children)
    released: np.ndarray  # per day: releases to sponsors
    release_raw: np.ndarray  # per day: the release limit before rounding to whole children
    heap_time: np.ndarray  # today's events: a heap of (time ready or aging out, child)
    heap_child: np.ndarray  # ... (engine/judge_heap.py: by time, then child)
    later: _Later  # later days' events
    backlog: np.ndarray  # ready children waiting for a case manager (first in, first out)
    held: np.ndarray  # in the backlog, still in care

    @staticmethod
    def empty(n: int, n_days: int) -> _Work:
        inf = np.inf
        events = 2 * n + 1  # a child's release, and its 18th birthday if it waits
        return _Work(
            assign=np.full(n, inf), start=np.full(n, inf), exit_t=np.full(n, inf),
            bed=np.full(n, -1, dtype=np.int8), aged=np.zeros(n, dtype=np.bool_),
            ready=np.full(n, inf), by_court=np.zeros(n, dtype=np.bool_),
            influx_open=np.zeros(n_days, dtype=np.int64),
            influx_in_use=np.zeros(n_days, dtype=np.int64),
            standard_in_use=np.zeros(n_days, dtype=np.int64), release_capacity=np.zeros(n_days),
            transfers=np.zeros(n_days, dtype=np.int64), transfer_capacity=np.zeros(n_days),
            released=np.zeros(n_days, dtype=np.int64), release_raw=np.zeros(n_days),
            heap_time=np.empty(events), heap_child=np.empty(events, np.int64),
            later=_Later(np.full(n_days + 2, -1, np.int64), np.empty(events),
                         np.empty(events, np.int64), np.empty(events, np.int64)),
            backlog=np.empty(n, dtype=np.int64), held=np.zeros(n, dtype=np.bool_),
        )  # fmt: skip


@numba.njit(cache=True, _nrt=False)
def _place(
    ref_t, transport, work, cat, t_age_out,
    cap_std, influx_avail, open_thr, close_thr, lead_days,
    pace, cum, transfer_cap, release_floor, release_growth, release_window, deadline,
    transfer_floor, transfer_growth, transfer_window, court_from, court, w,
):  # fmt: skip
    n = ref_t.shape[0]
    n_days = cap_std.shape[0]
    assign, start, exit_t, ready, bed, aged = w.assign, w.start, w.exit_t, w.ready, w.bed, w.aged
    by_court = w.by_court
    influx_open_d, influx_use_d, std_use_d = w.influx_open, w.influx_in_use, w.standard_in_use
    cap_rel_d, moved_d, released_d = w.release_capacity, w.transfers, w.released
    raw_rel_d, cap_move_d = w.release_raw, w.transfer_capacity
    # (time ready or aging out, child) of children in care: today's on a heap, later days' on a
    # list per day (_Later)
    heap_time, heap_child, later = w.heap_time, w.heap_child, w.later
    n_today = 0
    n_later = 0
    backlog, held = w.backlog, w.held
    b_head = 0
    b_tail = 0
    used_std = 0
    used_inf = 0
    open_inf = 0  # influx beds accepting children now
    opening_day = -1  # day on which requested influx beds open (-1: none requested)
    move_limit = 0.0  # the transfer limit (not rounded), carried from day to day in a surge
    ptr = 0  # next referral not yet in the queue
    head = 0  # first child still waiting (queue is [head, ptr))

    for d in range(n_days):
        t = float(d)
        end = d + 1.0
        k = later.first[d]  # the events of today join today's heap
        while k >= 0:
            n_today = judge_heap.push(heap_time, heap_child, n_today, later.time[k],
                                      later.child[k])  # fmt: skip
            k_next = later.next[k]
            later.next[k] = later.first[_FREE]  # the entry is free again
            later.first[_FREE] = k
            k = k_next
        later.first[d] = -1
        # the day's release limit, from the releases of the last window days; a day whose
        # releases the limit held counts at its unrounded limit, so that a growth of less than
        # one child a day still accumulates (rounded each day, it never would: a draw with a
        # low growth and floor stayed at the floor for years while children piled up)
        best = 0.0
        for k in range(max(0, d - release_window[d]), d):
            level = raw_rel_d[k] if released_d[k] >= cap_rel_d[k] else float(released_d[k])
            best = max(best, level)
        raw_rel_d[d] = max(release_floor[d], (1.0 + release_growth[d]) * best)
        limit = np.floor(raw_rel_d[d])
        cap_rel_d[d] = limit
        # the day's transfer limit (transport and intake): while children wait in CBP it grows
        # by the growth share a day; when none waits it follows the transfers needed (the most
        # moved on one of the last window days, times 1 + growth); never below the floor, never
        # above the surge ceiling
        while head < ptr and t_age_out[head] <= t:  # turned 18 while waiting: to ICE, no bed
            aged[head] = True
            head += 1
        if head < ptr:
            grown = move_limit * (1.0 + transfer_growth[d])
        else:
            most = 0
            for k in range(max(0, d - transfer_window[d]), d):
                most = max(most, moved_d[k])
            grown = (1.0 + transfer_growth[d]) * most
        move_limit = min(transfer_cap[d], max(transfer_floor[d], grown))
        cap_move_d[d] = np.floor(move_limit)
        # children made ready earlier and still waiting for a case manager go first
        while b_head < b_tail:
            i = backlog[b_head]
            if held[i]:
                if released_d[d] >= limit:
                    break
                released_d[d] += 1
                held[i] = False
            else:  # turned 18 while waiting: already gone to ICE
                b_head += 1
                continue
            b_head += 1
            exit_t[i] = t
            if bed[i] == STANDARD:
                used_std -= 1
            else:
                used_inf -= 1
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
        while True:
            # admit as many waiting children as free beds and the day's transfers allow, at t
            while head < ptr:
                if t_age_out[head] <= t:
                    # turned 18 while waiting in CBP: goes to ICE from there, takes no bed
                    aged[head] = True
                    head += 1
                    continue
                if moved_d[d] >= cap_move_d[d]:
                    break
                if used_std < cap:
                    b = STANDARD
                elif used_inf < open_inf:
                    b = INFLUX
                else:
                    break
                i = head
                head += 1
                moved_d[d] += 1
                s = t + transport[i]
                if t <= ref_t[i] and t < deadline[i]:  # placed at its referral: by the deadline
                    s = min(s, deadline[i])
                e = ready_time(s, work[i], cat[i], pace, cum, n_days)
                if e >= court_from[i]:  # from then the court's rule decides (not the hazard)
                    e = max(court[i], s)
                    by_court[i] = True
                ready[i] = e
                if t_age_out[i] <= e:
                    e = max(t_age_out[i], s)
                    aged[i] = True
                    by_court[i] = False
                assign[i] = t
                start[i] = s
                bed[i] = b
                if b == STANDARD:
                    used_std += 1
                else:
                    used_inf += 1
                n_today, n_later = _push(heap_time, heap_child, n_today, later, n_later, e, i,
                                         end, n_days)  # fmt: skip
            # next event: a referral or a child ready to leave, whichever is first, in this day
            t_ref = ref_t[ptr] if ptr < n else np.inf
            t_rel = heap_time[0] if n_today > 0 else np.inf
            if t_ref <= t_rel:
                if t_ref >= end:
                    break
                t = max(t, t_ref)
                ptr += 1
            else:
                if t_rel >= end:
                    break
                t = max(t, t_rel)
                i = heap_child[0]
                n_today = judge_heap.pop(heap_time, heap_child, n_today)
                if exit_t[i] < np.inf:
                    continue  # the 18th birthday of a child released from the backlog
                if held[i]:  # turned 18 while waiting for a case manager: to ICE now
                    held[i] = False
                    aged[i] = True
                elif not aged[i] and not by_court[i]:
                    if released_d[d] >= limit:
                        # no case manager free today: waits, first ready first released
                        backlog[b_tail] = i
                        b_tail += 1
                        held[i] = True
                        if t_age_out[i] < np.inf:
                            n_today, n_later = _push(heap_time, heap_child, n_today, later,
                                                     n_later, t_age_out[i], i, end, n_days)  # fmt: skip
                        continue
                    released_d[d] += 1
                exit_t[i] = t
                if bed[i] == STANDARD:
                    used_std -= 1
                else:
                    used_inf -= 1
        influx_open_d[d] = open_inf
        influx_use_d[d] = used_inf
        std_use_d[d] = used_std
    # children still in the heap or the backlog leave after the last day: their exit is the time
    # the hazard made them ready (or the 18th birthday), or the next day's start if they waited
    k = later.first[n_days]
    while k >= 0:
        e, i = later.time[k], later.child[k]
        if not held[i] and exit_t[i] == np.inf:
            exit_t[i] = e
        k = later.next[k]
    for k in range(b_head, b_tail):
        if held[backlog[k]]:
            exit_t[backlog[k]] = float(n_days)


def cumulative_pace(pace: np.ndarray) -> np.ndarray:
    """``cum[c, d]``: progress at the start of day ``d`` of a clock started at day 0 (``pace`` is
    [category, day], progress per day)."""
    cum = np.zeros((pace.shape[0], pace.shape[1] + 1))
    np.cumsum(pace, axis=1, out=cum[:, 1:])
    return cum


def _daily(x, n_days: int, fill: float) -> np.ndarray:
    if x is None:
        return np.full(n_days, fill)
    return np.broadcast_to(np.asarray(x, dtype=np.float64), (n_days,))


def place(
    ref_t: np.ndarray,
    transport: np.ndarray,
    work: np.ndarray,
    cat: np.ndarray,
    t_age_out: np.ndarray,
    cap_std: np.ndarray,
    influx_avail: np.ndarray,
    open_thr: np.ndarray,
    close_thr: np.ndarray,
    lead_days: np.ndarray,
    pace: np.ndarray,
    transfer_cap: np.ndarray | float | None = None,
    release_floor: np.ndarray | float | None = None,
    release_growth: np.ndarray | float | None = None,
    release_window: np.ndarray | float | None = None,
    deadline: np.ndarray | None = None,
    transfer_floor: np.ndarray | float | None = None,
    transfer_growth: np.ndarray | float | None = None,
    transfer_window: np.ndarray | float | None = None,
    court_from: np.ndarray | None = None,
    court: np.ndarray | None = None,
) -> PlacementResult:
    """Place children (given in referral order, ``ref_t`` non-decreasing) into beds, FIFO, and
    release them by their hazard (see the module's docstring).

    ``work``: each child's unit-free progress to release (its stay in a regime of mean 1);
    ``pace[day, category]``: the release pace (1 / mean days) of each day's regime;
    ``transfer_cap``: children moved from CBP per day (None: no limit); ``release_floor``,
    ``release_growth``, ``release_window``: the case-management limit (None: no limit);
    ``deadline``: per child, the time by which a child placed at its referral arrives in care
    (None: no deadline, every child takes its whole transport delay); ``transfer_floor``,
    ``transfer_growth``, ``transfer_window``: the surge limit on transfers below
    ``transfer_cap`` (None: no surge limit); ``court_from``, ``court``: per child, the time
    from which a court's rule decides its release and the time it ends care then (None: no
    such rule; see the module docstring). Care
    ends earlier at ``t_age_out`` (the 18th birthday); a child who turns 18 while still waiting
    gets no bed (``aged_out`` with ``start`` = inf). Daily arrays cover every day.
    """
    if len(ref_t) > 1 and np.any(np.diff(ref_t) < 0):
        raise ValueError("referral times must be sorted (the queue is first in, first out)")
    n_days = len(cap_std)
    pace_c = np.ascontiguousarray(np.asarray(pace, dtype=np.float64).T)
    if not np.all(np.isfinite(pace_c) & (pace_c > 0)):
        raise ValueError("release pace must be positive and finite on every day")
    window = np.round(_daily(release_window, n_days, 0.0)).astype(np.int64)
    if np.any(window < 0) or np.any(window > MAX_WINDOW):
        raise ValueError(f"release window must be 0..{MAX_WINDOW} days")
    t_window = np.round(_daily(transfer_window, n_days, 0.0)).astype(np.int64)
    if np.any(t_window < 0) or np.any(t_window > MAX_WINDOW):
        raise ValueError(f"transfer window must be 0..{MAX_WINDOW} days")
    w = _Work.empty(len(ref_t), n_days)
    _place(
        np.ascontiguousarray(ref_t, dtype=np.float64),
        np.ascontiguousarray(transport, dtype=np.float64),
        np.ascontiguousarray(work, dtype=np.float64),
        np.ascontiguousarray(cat, dtype=np.int64),
        np.ascontiguousarray(t_age_out, dtype=np.float64),
        np.ascontiguousarray(np.floor(cap_std), dtype=np.int64),
        np.ascontiguousarray(np.floor(influx_avail), dtype=np.int64),
        np.ascontiguousarray(open_thr, dtype=np.float64),
        np.ascontiguousarray(close_thr, dtype=np.float64),
        np.ascontiguousarray(np.round(lead_days), dtype=np.int64),
        pace_c,
        cumulative_pace(pace_c),
        np.ascontiguousarray(np.floor(_daily(transfer_cap, n_days, np.inf))),
        np.ascontiguousarray(_daily(release_floor, n_days, np.inf)),
        np.ascontiguousarray(_daily(release_growth, n_days, 0.0)),
        np.ascontiguousarray(window),
        np.full(len(ref_t), np.inf)
        if deadline is None
        else np.ascontiguousarray(deadline, dtype=np.float64),
        np.ascontiguousarray(_daily(transfer_floor, n_days, np.inf)),
        np.ascontiguousarray(_daily(transfer_growth, n_days, 0.0)),
        np.ascontiguousarray(t_window),
        np.full(len(ref_t), np.inf)
        if court_from is None
        else np.ascontiguousarray(court_from, dtype=np.float64),
        np.full(len(ref_t), np.inf)
        if court is None
        else np.ascontiguousarray(court, dtype=np.float64),
        w,
    )
    return PlacementResult(
        w.assign, w.start, w.exit_t, w.bed, w.aged, w.ready, w.by_court, w.influx_open,
        w.influx_in_use,
        w.standard_in_use, w.release_capacity, w.transfers, w.transfer_capacity,
    )  # fmt: skip
