"""The immigration-court docket kernel: children's cases as agents, the rest of the court's
docket as a fluid queue, both served by the same immigration judges.

One loop over days, compiled with numba. Each day:

1. **Filings.** Cases whose Notice to Appear is filed that day join the juvenile docket; the
   first master-calendar hearing may not be held before its ready time (notice period).
2. **Counsel.** Legal-aid capacity (new representations per day, fractional capacity carried
   over) goes to the unrepresented pending cases in order of filing; private counsel arrives at
   a time fixed per child in advance. A child is represented from the earlier of the two.
3. **Judges.** ``judges x share`` judges hear children's cases, where the juvenile share is
   ``w P_j / (w P_j + P_o)``: pending children's cases ``P_j`` weighted by the docket-priority
   weight ``w`` against the other pending cases ``P_o``. They are ``K = ceil(judges x share)``
   servers, each working at speed ``judges x share / K`` (exactly ``c`` unit-speed servers
   when the share gives a whole number), so with exponential hearing times the docket is an
   M/M/c queue. A free judge takes the next hearing request in docket order:

   - first in, first out: earliest filing first;
   - priority (the 2014 docket): cases filed while the priority order was in force first
     (earliest of them first), then the others, earliest first;
   - last in, first out: latest filing first.

   The order is read every day; when it changes the waiting requests are re-sorted.
   Under a hearing-deadline rule (H.R. 5230) a case's first hearing does not wait on this
   docket: it is held when due, with judge time taken from the other docket.
4. **Hearings.** At each hearing the child attends or not (probability by representation); a
   missed hearing ends the case with a removal order in absentia when notice can be proven
   (a dated share), else the hearing is reset. The first master-calendar hearing a child
   attends may end in a change of venue (a dated share) to the court near the sponsor, which
   calendars a new first hearing. At a master-calendar hearing an unrepresented child who
   attends may have the case decided there (a dated share), else gets a continuance to find
   counsel (up to a dated maximum), then a merits hearing. Represented children pursue their
   relief track: asylum at USCIS (initial
   jurisdiction; none for a youth who turned 18 before filing when the dated rule says so),
   Special Immigrant Juvenile status (state-court order before the state's age limit, then
   USCIS approval, then an EB-4 visa number by country), or a T/U visa. While the petition is
   pending the judge administratively closes the case (dated share) or continues it to a status
   hearing after the decision. A grant ends the case with relief (for SIJ, once a visa is
   available, else the judge may close it); a denial, or no track, leads to a merits hearing with
   relief, termination, voluntary departure or a removal order.
5. **The other docket.** Judges' time not used by children's hearings completes other cases
   at the dated rate per judge-year; other receipts arrive as a daily flow.

Hearing times are in judge-days: each hearing's time is exponential with its type's dated mean.
The daily inputs are one ``DocketDay`` (``engine/docket_inputs.py``). Random numbers are
counter-based (``engine/counter_rng.py``): a hash of (stream key, child, column), so a child gets
the same numbers in every scenario; the ``COL_*`` constants below say which column decides what.
The docket is a binary heap of integer keys (``engine/int_heap.py``; cases are numbered in filing
order, so the number is the first-in-first-out key). Outputs are per-case times and daily series.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np

from corridor.engine import int_heap
from corridor.engine.counter_rng import exponential, uniform
from corridor.engine.docket_inputs import DocketDay

# docket orders (the values of the court.docket.order parameter)
FIFO, PRIORITY, LIFO = 0, 1, 2
ORDER_NAMES = {FIFO: "first-in-first-out", PRIORITY: "priority", LIFO: "last-in-first-out"}
# hearing types
MASTER, STATUS, MERITS = 0, 1, 2
# relief tracks (for represented children)
NO_TRACK, ASYLUM, SIJS, T_U = 0, 1, 2, 3
TRACKS = ("none", "asylum", "sijs", "t_u")
# outcomes
PENDING, RELIEF, CLOSED, VOLUNTARY_DEPARTURE, REMOVAL_IN_ABSENTIA, REMOVAL_AFTER_HEARING = range(6)
OUTCOMES = (
    "pending",
    "relief_granted",
    "terminated_or_closed",
    "voluntary_departure",
    "removal_in_absentia",
    "removal_after_hearing",
)
# counsel
NO_COUNSEL, PRIVATE, LEGAL_AID = 0, 1, 2
COUNSEL = ("none", "private", "legal_aid")

# The most hearings a case can have: the first master-calendar hearing, a first hearing at the
# court the case moves to after a change of venue, up to MAX_CONTINUANCES continuances to find
# counsel, up to MAX_RESETS hearings reset because a missed hearing's notice could not be proven,
# two status hearings (after the USCIS decision, after the visa date) and a merits hearing. The
# parameter court.hearing.counsel_continuances is bounded by MAX_CONTINUANCES in its file.
MAX_CONTINUANCES = 3
MAX_RESETS = 2
MAX_HEARINGS = 1 + 1 + MAX_CONTINUANCES + MAX_RESETS + 2 + 1

# Columns of the per-hearing counter-based draws (stream key, child, column): hearing h of a
# child uses column COL_x + h of the stream named in the kernel.
COL_ATTEND = 0  # attendance stream: attends hearing h
COL_MASTER_DECISION = MAX_HEARINGS  # attendance stream: unrepresented case decided at a master
COL_NOTICE = 2 * MAX_HEARINGS  # attendance stream: the missed hearing's notice was proven
COL_VENUE = 3 * MAX_HEARINGS  # attendance stream: the case changes venue (once)

# columns of the per-case uniform draws and exponential factors
U_COLS = ("grant", "close_pending", "close_visa", "merits_outcome", "sijs_approval")
E_COLS = ("prep", "uscis", "state_court", "i360", "merits_lag", "status_lag", "venue")
U_GRANT, U_CLOSE_PENDING, U_CLOSE_VISA, U_MERITS_OUTCOME, U_SIJS_APPROVAL = range(len(U_COLS))
E_PREP, E_USCIS, E_STATE_COURT, E_I360, E_MERITS_LAG, E_STATUS_LAG, E_VENUE = range(len(E_COLS))


class Cases(NamedTuple):
    """Per-case inputs, one row per case, in order of filing time."""

    t_file: np.ndarray  # NTA filed (float days)
    t_ready: np.ndarray  # earliest time of the first master-calendar hearing
    t_private: np.ndarray  # private counsel retained (inf: never)
    country: np.ndarray  # country code (row of visa_wait_years)
    t_18: np.ndarray  # 18th birthday
    t_sij_limit: np.ndarray  # birthday at which the state court can no longer make an SIJ order
    track: np.ndarray  # relief track pursued if represented (NO_TRACK, ASYLUM, SIJS, T_U)
    u: np.ndarray  # [case, U_COLS] uniforms
    e: np.ndarray  # [case, E_COLS] unit-mean duration factors
    child: np.ndarray  # the child's index (apprehension order): keys its per-hearing draws
    t_deadline: np.ndarray  # first hearing due by then under a hearing-deadline rule (inf: none)

    @property
    def n(self) -> int:
        return len(self.t_file)

    def checked(self) -> Cases:
        """The dtypes the compiled kernel expects."""

        def f8(x):
            return np.ascontiguousarray(x, dtype=np.float64)

        def i8(x):
            return np.ascontiguousarray(x, dtype=np.int64)

        return Cases(
            f8(self.t_file), f8(self.t_ready), f8(self.t_private), i8(self.country),
            f8(self.t_18), f8(self.t_sij_limit), i8(self.track), f8(self.u), f8(self.e),
            i8(self.child), f8(self.t_deadline),
        )  # fmt: skip


class HearingKeys(NamedTuple):
    """Keys of the counter-based streams of per-hearing draws."""

    attendance: int  # attends; decided at a master hearing; notice proven; venue change
    continuance: int  # length of a continuance or a reset
    hearing_time: int  # judge time of the hearing


class CaseState(NamedTuple):
    """What the kernel records about each case as it runs (one row per case)."""

    t_legal_aid: np.ndarray  # legal-aid counsel assigned (inf: never)
    t_hearing: np.ndarray  # [case, MAX_HEARINGS] hearing start times (inf: none)
    work: np.ndarray  # [case, MAX_HEARINGS] judge-days of each hearing
    n_hearings: np.ndarray
    t_decision: np.ndarray  # inf while pending
    outcome: np.ndarray  # OUTCOMES code
    track: np.ndarray  # relief track actually pursued
    track_planned: np.ndarray  # the relief track was fixed (counsel appeared in court)
    t_petition: np.ndarray  # USCIS (or I-360) decision on the relief track (inf: none)
    petition_granted: np.ndarray
    t_visa: np.ndarray  # SIJ: visa number available (inf: none)
    priority: np.ndarray  # filed while the priority docket was in force
    venue_settled: np.ndarray  # the case has had its one chance of a change of venue
    next_stage: np.ndarray  # MASTER, STATUS or MERITS: the kind of the next hearing
    n_continuances: np.ndarray  # continuances to find counsel so far
    n_resets: np.ndarray  # hearings reset for want of proof of notice so far
    t_requested: np.ndarray  # the next hearing may not be held before this time
    next_ready: np.ndarray  # next case in the same day's list of ready requests (-1: none)

    @staticmethod
    def empty(n: int) -> CaseState:
        inf = np.inf
        return CaseState(
            t_legal_aid=np.full(n, inf), t_hearing=np.full((n, MAX_HEARINGS), inf),
            work=np.zeros((n, MAX_HEARINGS)), n_hearings=np.zeros(n, np.int64),
            t_decision=np.full(n, inf), outcome=np.zeros(n, np.int8),
            track=np.zeros(n, np.int8), track_planned=np.zeros(n, np.bool_),
            t_petition=np.full(n, inf), petition_granted=np.zeros(n, np.bool_),
            t_visa=np.full(n, inf), priority=np.zeros(n, np.bool_),
            venue_settled=np.zeros(n, np.bool_), next_stage=np.zeros(n, np.int8),
            n_continuances=np.zeros(n, np.int64), n_resets=np.zeros(n, np.int64),
            t_requested=np.full(n, inf), next_ready=np.full(n, -1, np.int64),
        )  # fmt: skip


@dataclass
class DocketResult:
    t_counsel: np.ndarray  # representation starts (inf: never before the case ended)
    counsel: np.ndarray  # NO_COUNSEL, PRIVATE, LEGAL_AID
    t_hearing: np.ndarray  # [case, MAX_HEARINGS] hearing start times (inf: none)
    work: np.ndarray  # [case, MAX_HEARINGS] judge-days used by each hearing
    n_hearings: np.ndarray
    t_decision: np.ndarray  # inf while pending
    outcome: np.ndarray  # OUTCOMES code
    track: np.ndarray  # relief track actually pursued (NO_TRACK if none or not eligible)
    t_petition: np.ndarray  # USCIS (or I-360) decision on the relief track (inf: none)
    petition_granted: np.ndarray
    t_visa: np.ndarray  # SIJ: visa number available (inf: none)
    priority: np.ndarray  # filed while the priority docket was in force
    other_pending: np.ndarray  # other (non-juvenile) pending cases, end of each day
    other_completions: np.ndarray  # per day
    juvenile_judges: np.ndarray  # judges assigned to the juvenile docket, each day
    juvenile_judge_days: np.ndarray  # judge-days used by hearings started that day
    deadline_judge_days: np.ndarray  # of which taken from the other docket by a deadline rule


def run(
    cases: Cases,
    days: DocketDay,
    visa_wait_years: np.ndarray,
    other_pending0: float,
    keys: HearingKeys | tuple[int, int, int],
) -> DocketResult:
    """Run the docket. ``days`` holds the per-day inputs; ``visa_wait_years`` is
    [country, n_days]; ``keys`` key the per-hearing draws (attendance, continuance, judge time)."""
    if cases.n and np.any(np.diff(cases.t_file) < 0):
        raise ValueError("cases must be in order of filing time")
    days = days.checked()
    cases = cases.checked()
    state = CaseState.empty(cases.n)
    series = _docket(
        cases, days, np.ascontiguousarray(visa_wait_years, dtype=np.float64),
        float(other_pending0), np.array(tuple(keys), dtype=np.uint64), state,
    )  # fmt: skip
    t_counsel, counsel = _counsel_before_decision(cases, state, days.n_days)
    return DocketResult(
        t_counsel, counsel, state.t_hearing, state.work, state.n_hearings, state.t_decision,
        state.outcome, state.track, state.t_petition, state.petition_granted, state.t_visa,
        state.priority, *series,
    )  # fmt: skip


def _counsel_before_decision(cases: Cases, s: CaseState, n_days: int):
    """Counsel counts if it came before the decision (and inside the simulated days)."""
    first = np.minimum(cases.t_private, s.t_legal_aid)
    has = (first <= s.t_decision) & (first < n_days)
    t_counsel = np.where(has, first, np.inf)
    kind = np.where(s.t_legal_aid < cases.t_private, LEGAL_AID, PRIVATE)
    counsel = np.where(has, kind, NO_COUNSEL).astype(np.int8)
    return t_counsel, counsel


@numba.njit(cache=True)
def _key(i, order, priority, n):
    """The docket key of case i (smallest first). Cases are numbered in order of filing, so
    the number itself orders by filing time; a backlog case under the priority order sorts
    after every priority case."""
    if order == LIFO:
        return -i
    if order == PRIORITY and not priority[i]:
        return i + n
    return i


@numba.njit(cache=True)
def _case(key, order, n):
    """The case of a docket key (the inverse of ``_key``)."""
    if order == LIFO:
        return -key
    if key >= n:
        return key - n
    return key


@numba.njit(cache=True, inline="always")
def _add_to_day(i, day, first_of_day, next_in_day):
    """Put case i on the list of requests that join the docket on ``day``."""
    next_in_day[i] = first_of_day[day]
    first_of_day[day] = i


@numba.njit(cache=True, inline="always")
def _schedule(i, stage, ready, d, n_days, s, first_ready):
    """A hearing request for case i, ready at ``ready``, joins the docket on its day (never
    the current day, whose requests are already on the docket)."""
    s.next_stage[i] = stage
    s.t_requested[i] = ready
    b = max(int(math.floor(ready)), d + 1)
    if b < n_days:
        _add_to_day(i, b, first_ready, s.next_ready)


@numba.njit(cache=True)
def _docket(cases, days, visa, other_pending0, keys, s):
    n = cases.t_file.shape[0]
    n_days = days.judges.shape[0]
    first_ready = np.full(n_days + 1, -1, dtype=np.int64)  # per day: a list of ready requests
    first_due = np.full(n_days + 1, -1, dtype=np.int64)  # per day: first hearings due by a rule
    next_due = np.full(max(n, 1), -1, dtype=np.int64)

    other_pending = np.zeros(n_days)
    other_done = np.zeros(n_days)
    juvenile_judges = np.zeros(n_days)
    judge_days_used = np.zeros(n_days)
    deadline_judge_days = np.zeros(n_days)

    docket = np.empty(max(n, 1), dtype=np.int64)  # a min-heap of keys (see _key)
    n_waiting = 0  # at most one request per case is ever waiting
    # judges hearing children's cases: (free from, judge); judge k exists while k < n_judges,
    # a judge no longer needed leaves the heap when next taken (lazy deletion)
    judge_free = [(0.0, 0)]
    judge_free.pop()
    most_judges = 1
    for d in range(n_days):
        most_judges = max(most_judges, int(math.ceil(days.judges[d])) + 1)
    on_heap = np.zeros(most_judges, dtype=np.bool_)
    order = int(days.order[0])
    pending_children = 0
    pending_other = other_pending0
    next_to_file = 0
    next_for_legal_aid = 0
    legal_aid_budget = 0.0

    for d in range(n_days):
        day_end = d + 1.0
        # 1. filings: the first master hearing joins the docket when ready or, under a
        # hearing-deadline rule, is held when ready with judge time taken from the other docket
        while next_to_file < n and cases.t_file[next_to_file] < day_end:
            i = next_to_file
            next_to_file += 1
            pending_children += 1
            s.priority[i] = int(days.order[d]) == PRIORITY
            s.next_stage[i] = MASTER
            s.t_requested[i] = max(cases.t_ready[i], cases.t_file[i])
            b = max(int(math.floor(s.t_requested[i])), d)
            if b < n_days:
                if cases.t_deadline[i] < np.inf:
                    _add_to_day(i, b, first_due, next_due)
                else:
                    _add_to_day(i, b, first_ready, s.next_ready)

        # 2. legal aid, in order of filing, to unrepresented pending cases
        legal_aid_budget += days.legal_aid[d]
        while legal_aid_budget >= 1.0 and next_for_legal_aid < next_to_file:
            i = next_for_legal_aid
            next_for_legal_aid += 1
            if s.t_decision[i] < day_end or cases.t_private[i] <= d:
                continue
            s.t_legal_aid[i] = max(float(d), cases.t_file[i])
            legal_aid_budget -= 1.0
        if next_for_legal_aid >= next_to_file:  # nobody left waiting: unused capacity lapses
            legal_aid_budget = legal_aid_budget - math.floor(legal_aid_budget)

        # 3. the docket order of the day; requests ready today join the docket
        new_order = int(days.order[d])
        if new_order != order:
            for k in range(n_waiting):
                docket[k] = _key(_case(docket[k], order, n), new_order, s.priority, n)
            order = new_order
            int_heap.heapify(docket, n_waiting)
        i = first_ready[d]
        while i >= 0:
            n_waiting = int_heap.push(docket, n_waiting, _key(i, order, s.priority, n))
            i = s.next_ready[i]

        # 4a. first hearings due under a deadline rule: heard when ready, by judges taken from
        # the other docket (they do not wait for the children's docket)
        taken = 0.0
        i = first_due[d]
        while i >= 0:
            start = max(float(d), s.t_requested[i])
            taken += _hearing(i, start, d, n_days, cases, days, visa, keys, s, first_ready)
            if s.t_decision[i] < np.inf:
                pending_children -= 1
            i = next_due[i]
        deadline_judge_days[d] = taken

        # 4b. judges for the juvenile docket, and hearings: weight x pending children against
        # the other pending cases gives the children's share of the judges
        judges = days.judges[d]
        w = days.juvenile_weight[d]
        den = w * pending_children + pending_other
        share = w * pending_children / den if den > 0 else 0.0
        c = judges * share
        n_judges = int(math.ceil(c - 1e-9)) if c > 1e-9 else 0
        used = 0.0
        for k in range(n_judges):
            if not on_heap[k]:
                heapq.heappush(judge_free, (float(d), k))
                on_heap[k] = True
        if n_judges > 0 and n_waiting > 0:
            speed = c / n_judges
            while n_waiting > 0:
                free_from, k = judge_free[0]
                if k >= n_judges:  # this judge went back to the other docket
                    heapq.heappop(judge_free)
                    on_heap[k] = False
                    continue
                if free_from >= day_end:
                    break
                i = _case(int_heap.pop(docket, n_waiting), order, n)
                n_waiting -= 1
                start = max(free_from, float(d), s.t_requested[i])
                wk = _hearing(i, start, d, n_days, cases, days, visa, keys, s, first_ready)
                used += wk
                if s.t_decision[i] < np.inf:
                    pending_children -= 1
                heapq.heapreplace(judge_free, (start + wk / speed, k))
        juvenile_judges[d] = c + taken
        judge_days_used[d] = used + taken

        # 5. the other docket, with the judges' time the children's hearings left
        free_judges = max(judges - used - taken, 0.0)
        capacity = free_judges * days.other_per_judge_day[d]
        inflow = days.other_receipts[d]
        done = min(pending_other + inflow, capacity)
        pending_other = pending_other + inflow - done
        other_pending[d] = pending_other
        other_done[d] = done

    return other_pending, other_done, juvenile_judges, judge_days_used, deadline_judge_days


@numba.njit(cache=True, inline="always")
def _hearing(i, start, d, n_days, cases, days, visa, keys, s, first_ready):
    """Hold the next hearing of case i at ``start``: record it, decide what happens, and
    return the judge-days it took."""
    h = s.n_hearings[i]
    mean_work = days.work_merits[d] if s.next_stage[i] == MERITS else days.work_master[d]
    wk = mean_work * exponential(keys[2], cases.child[i], h)
    s.t_hearing[i, h] = start
    s.work[i, h] = wk
    s.n_hearings[i] = h + 1
    result = _hear(i, h, start, d, n_days, cases, days, visa, keys, s, first_ready)
    if result > 0:
        s.t_decision[i] = start
        s.outcome[i] = result
    return wk


@numba.njit(cache=True, inline="always")
def _on(series, t, n_days):
    """A daily input's value at time t (clamped to the simulated days)."""
    d = min(max(int(math.floor(t)), 0), n_days - 1)
    return series[d]


@numba.njit(cache=True, inline="always")
def _plan(i, t_counsel, n_days, cases, days, visa, s):
    """The relief track of a represented child, fixed when counsel first appears in court.
    Events after the hearing (application, decision, visa) are dated here, but what happens at
    a hearing depends only on events up to it: a simulation that ends earlier gives the same
    days."""
    planned = cases.track[i]
    e, u = cases.e, cases.u
    if planned == ASYLUM or planned == T_U:
        t_applied = t_counsel + _on(days.prep_days, t_counsel, n_days) * e[i, E_PREP]
        if planned == ASYLUM:
            turned_18 = t_applied >= cases.t_18[i]
            if turned_18 and _on(days.asylum_after_18, t_applied, n_days) < 0.5:
                # no USCIS jurisdiction over a youth who turned 18: the application goes back
                # to the court when filed, and the judge hears the claim at a merits hearing
                s.track[i] = ASYLUM
                s.t_petition[i] = t_applied
                s.petition_granted[i] = False
                return
            t_decided = t_applied + _on(days.asylum_days, t_applied, n_days) * e[i, E_USCIS]
            grant = _on(days.asylum_grant, t_decided, n_days)
        else:
            t_decided = t_applied + _on(days.t_u_days, t_applied, n_days) * e[i, E_USCIS]
            grant = _on(days.t_u_grant, t_decided, n_days)
        s.track[i] = planned
        s.t_petition[i] = t_decided
        s.petition_granted[i] = u[i, U_GRANT] < grant
    elif planned == SIJS:
        t_order = t_counsel + _on(days.state_court_days, t_counsel, n_days) * e[i, E_STATE_COURT]
        if t_order >= cases.t_sij_limit[i]:
            return  # aged out of the state court's jurisdiction before an order
        t_decided = t_order + _on(days.i360_days, t_order, n_days) * e[i, E_I360]
        s.track[i] = SIJS
        s.t_petition[i] = t_decided
        s.petition_granted[i] = u[i, U_SIJS_APPROVAL] < _on(days.sijs_approval, t_decided, n_days)
        d = min(max(int(math.floor(t_decided)), 0), n_days - 1)
        s.t_visa[i] = t_decided + visa[cases.country[i], d] * 365.25


@numba.njit(cache=True, inline="always")
def _merits_outcome(i, represented, d, days, u):
    """The judge's decision for an attending child: relief, termination, voluntary departure,
    or a removal order after a hearing."""
    x = u[i, U_MERITS_OUTCOME]
    if represented:
        relief = days.relief_represented[d]
        terminated = days.termination_represented[d]
        departure = days.voluntary_departure_represented[d]
    else:
        relief = days.relief_unrepresented[d]
        terminated = days.termination_unrepresented[d]
        departure = days.voluntary_departure_unrepresented[d]
    if x < relief:
        return RELIEF
    if x < relief + terminated:
        return CLOSED
    if x < relief + terminated + departure:
        return VOLUNTARY_DEPARTURE
    return REMOVAL_AFTER_HEARING


@numba.njit(cache=True, inline="always")
def _hear(i, h, tau, d, n_days, cases, days, visa, keys, s, first_ready):
    """What happens at hearing ``h`` of case ``i`` at time ``tau``: returns the outcome if the
    case is decided (> 0), else 0 after scheduling the next hearing."""
    child = cases.child[i]
    t_counsel = min(cases.t_private[i], s.t_legal_aid[i])
    represented = t_counsel <= tau
    stage = s.next_stage[i]
    last = h + 1 >= MAX_HEARINGS  # cannot happen with the bounded parameters; a safe end
    p_attend = days.attend_represented[d] if represented else days.attend_unrepresented[d]
    if uniform(keys[0], child, COL_ATTEND + h) >= p_attend:
        # a missed hearing: an order in absentia needs proof of written notice (INA
        # 240(b)(5)(A)); without it the judge resets the hearing
        proven = uniform(keys[0], child, COL_NOTICE + h) < days.notice_proven[d]
        if proven or last or s.n_resets[i] >= MAX_RESETS:
            return REMOVAL_IN_ABSENTIA
        s.n_resets[i] += 1
        ready = tau + days.continuance_days[d] * exponential(keys[1], child, MAX_HEARINGS + h)
        _schedule(i, stage, ready, d, n_days, s, first_ready)
        return PENDING
    if stage == MERITS or last:
        return _merits_outcome(i, represented, d, days, cases.u)
    if stage == MASTER and not s.venue_settled[i]:
        # the first attended master hearing: a child living with a sponsor far from the court
        # where the NTA was filed moves for a change of venue, and the receiving court
        # calendars a new first master hearing
        s.venue_settled[i] = True
        if uniform(keys[0], child, COL_VENUE) < days.venue_change[d]:
            ready = tau + days.venue_change_days[d] * cases.e[i, E_VENUE]
            _schedule(i, MASTER, ready, d, n_days, s, first_ready)
            return PENDING
    merits_at = tau + days.merits_lag_days[d] * cases.e[i, E_MERITS_LAG]
    if stage == MASTER:
        if not represented:
            decided_here = uniform(keys[0], child, COL_MASTER_DECISION + h)
            if decided_here < days.master_decision_unrepresented[d]:
                return _merits_outcome(i, False, d, days, cases.u)
            if s.n_continuances[i] < days.max_continuances[d]:
                s.n_continuances[i] += 1
                ready = tau + days.continuance_days[d] * exponential(keys[1], child, h)
                _schedule(i, MASTER, ready, d, n_days, s, first_ready)
            else:
                _schedule(i, MERITS, merits_at, d, n_days, s, first_ready)
            return PENDING
        if not s.track_planned[i]:
            s.track_planned[i] = True
            _plan(i, t_counsel, n_days, cases, days, visa, s)
        if s.track[i] == NO_TRACK:
            _schedule(i, MERITS, merits_at, d, n_days, s, first_ready)
            return PENDING
        if s.t_petition[i] > tau:  # petition pending: close the case, or continue it
            if cases.u[i, U_CLOSE_PENDING] < days.closure[d]:
                return CLOSED
            ready = s.t_petition[i] + days.status_lag_days[d] * cases.e[i, E_STATUS_LAG]
            _schedule(i, STATUS, ready, d, n_days, s, first_ready)
            return PENDING
    # a status hearing, or a master hearing after the petition was decided
    if not s.petition_granted[i]:  # denied: referred back to the court for a merits hearing
        _schedule(i, MERITS, merits_at, d, n_days, s, first_ready)
        return PENDING
    if s.track[i] == SIJS and s.t_visa[i] > tau:  # approved, waiting for an EB-4 visa number
        if cases.u[i, U_CLOSE_VISA] < days.closure[d]:
            return CLOSED
        ready = s.t_visa[i] + days.status_lag_days[d] * cases.e[i, E_STATUS_LAG]
        _schedule(i, STATUS, ready, d, n_days, s, first_ready)
        return PENDING
    return RELIEF
