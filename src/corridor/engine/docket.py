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
4. **Hearings.** At each hearing the child attends or not (probability by representation); a
   missed hearing ends the case with a removal order in absentia. At a master-calendar hearing
   an unrepresented child who attends may have the case decided there (a dated share), else
   gets a continuance to find counsel (up to a dated maximum), then a merits hearing. Represented children pursue their relief track: asylum at USCIS (initial
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
Random numbers are counter-based (``uniform``): a hash of (stream seed, child, column), so a child
gets the same numbers in every scenario. Per hearing ``h`` of a child: column ``h`` of the
attendance stream decides attendance and column ``MAX_HEARINGS + h`` whether an unrepresented
child's case is decided at a master hearing; the continuance and hearing-time streams give the
lengths. The docket is a binary heap of integer keys (cases are numbered in filing order, so the
number is the first-in-first-out key). Outputs are per-case times and daily series.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numba
import numpy as np

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

# The most hearings a case can have: the first master-calendar hearing, up to
# MAX_CONTINUANCES continuances to find counsel, two status hearings (after the USCIS decision,
# after the visa date) and a merits hearing. The parameter court.hearing.counsel_continuances is
# bounded by MAX_CONTINUANCES in its file.
MAX_CONTINUANCES = 3
MAX_HEARINGS = 1 + MAX_CONTINUANCES + 2 + 1

# rows of the per-day input array
DAILY = (
    "judges",  # judges on board
    "other_per_judge_day",  # other cases a judge completes per day of work
    "juvenile_weight",  # docket-priority weight of a pending child's case
    "order",  # FIFO, PRIORITY or LIFO
    "other_receipts",  # other cases received per day
    "legal_aid",  # new legal-aid representations per day
    "attend_rep",  # probability a represented child attends a hearing
    "attend_unrep",  # same, unrepresented
    "master_decision_unrep",  # share of attended master hearings decided there (unrepresented)
    "max_continuances",  # continuances to find counsel before the merits hearing
    "continuance_days",  # mean days to the hearing after a continuance
    "merits_lag_days",  # mean days from the last master hearing to the merits hearing
    "status_lag_days",  # mean days from a USCIS decision (or visa date) to the status hearing
    "work_master",  # mean judge-days of a master-calendar or status hearing
    "work_merits",  # mean judge-days of a merits hearing
    "closure",  # share of cases with a pending petition the judge closes administratively
    "prep_days",  # mean days from counsel to filing an asylum or T/U application
    "asylum_days",  # mean days for USCIS to decide a child's asylum application
    "asylum_grant",  # USCIS asylum grant rate
    "asylum_after_18",  # 1 if USCIS keeps jurisdiction over a youth who turned 18 before filing
    "t_u_days",  # mean days for a T or U decision
    "t_u_grant",  # T/U approval rate
    "state_court_days",  # mean days from counsel to a state-court SIJ order
    "i360_days",  # mean days for USCIS to decide the SIJ petition
    "sijs_approval",  # SIJ approval rate
    "relief_rep",  # merits outcome shares, represented / unrepresented
    "relief_unrep",
    "termination_rep",
    "termination_unrep",
    "vd_rep",
    "vd_unrep",
)
# row indices (numba reads module-level integers as constants)
R_JUDGES = 0
R_OTHER_PER_JUDGE_DAY = 1
R_JUVENILE_WEIGHT = 2
R_ORDER = 3
R_OTHER_RECEIPTS = 4
R_LEGAL_AID = 5
R_ATTEND_REP = 6
R_ATTEND_UNREP = 7
R_MASTER_DECISION_UNREP = 8
R_MAX_CONTINUANCES = 9
R_CONTINUANCE_DAYS = 10
R_MERITS_LAG_DAYS = 11
R_STATUS_LAG_DAYS = 12
R_WORK_MASTER = 13
R_WORK_MERITS = 14
R_CLOSURE = 15
R_PREP_DAYS = 16
R_ASYLUM_DAYS = 17
R_ASYLUM_GRANT = 18
R_ASYLUM_AFTER_18 = 19
R_T_U_DAYS = 20
R_T_U_GRANT = 21
R_STATE_COURT_DAYS = 22
R_I360_DAYS = 23
R_SIJS_APPROVAL = 24
R_RELIEF_REP = 25
R_RELIEF_UNREP = 26
R_TERMINATION_REP = 27
R_TERMINATION_UNREP = 28
R_VD_REP = 29
R_VD_UNREP = 30
assert len(DAILY) == R_VD_UNREP + 1

# columns of the per-case uniform draws and exponential factors
U_COLS = ("grant", "close_pending", "close_visa", "merits_outcome", "sijs_approval")
E_COLS = ("prep", "uscis", "state_court", "i360", "merits_lag", "status_lag")
U_GRANT, U_CLOSE_PENDING, U_CLOSE_VISA, U_MERITS_OUTCOME, U_SIJS_APPROVAL = range(len(U_COLS))
E_PREP, E_USCIS, E_STATE_COURT, E_I360, E_MERITS_LAG, E_STATUS_LAG = range(len(E_COLS))


@dataclass
class Cases:
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

    @property
    def n(self) -> int:
        return len(self.t_file)


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
    other_pending: np.ndarray  # other (non-juvenile) pending cases, end of each day
    other_completions: np.ndarray  # per day
    juvenile_judges: np.ndarray  # judges assigned to the juvenile docket, each day
    juvenile_judge_days: np.ndarray  # judge-days used by hearings started that day


def run(
    cases: Cases,
    daily: np.ndarray,
    visa_wait_years: np.ndarray,
    other_pending0: float,
    seeds: tuple[int, int, int],
) -> DocketResult:
    """Run the docket. ``daily`` is [len(DAILY), n_days]; ``visa_wait_years`` [country, n_days];
    ``seeds`` key the per-hearing draws (attendance, continuance length, judge time)."""
    if cases.n and np.any(np.diff(cases.t_file) < 0):
        raise ValueError("cases must be in order of filing time")
    assert daily.shape[0] == len(DAILY)
    out = _docket(
        cases.t_file, cases.t_ready, cases.t_private, cases.country.astype(np.int64),
        cases.t_18, cases.t_sij_limit, cases.track.astype(np.int64),
        np.ascontiguousarray(cases.u), np.ascontiguousarray(cases.e),
        cases.child.astype(np.int64), np.array(seeds, dtype=np.uint64),
        np.ascontiguousarray(daily, dtype=np.float64),
        np.ascontiguousarray(visa_wait_years, dtype=np.float64), float(other_pending0),
    )  # fmt: skip
    return DocketResult(*out)


# Counter-based random numbers: a uniform is a hash of (stream seed, child, column), so a child
# gets the same numbers in every scenario (common random numbers) and numbers are computed only
# where they are used. splitmix64's finaliser (Steele, Lea and Flood 2014) is the mixer.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_COL = np.uint64(0xD1B54A32D192ED03)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@numba.njit(cache=True)
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True)
def uniform(seed, child, col):
    """A uniform on [0, 1) for (stream seed, child index, column)."""
    z = _mix(np.uint64(seed) + np.uint64(child) * _GOLDEN)
    z = _mix(z ^ (np.uint64(col) * _COL + _GOLDEN))
    return float(z >> np.uint64(11)) * _TO_UNIT


@numba.njit(cache=True)
def exponential(seed, child, col):
    """A unit-mean exponential for (stream seed, child index, column)."""
    return -math.log1p(-uniform(seed, child, col))


@numba.njit(cache=True)
def uniforms(seed, child, n_cols):
    """[len(child), n_cols] uniforms for the given children from the stream ``seed``."""
    out = np.empty((child.shape[0], n_cols))
    for i in range(child.shape[0]):
        for k in range(n_cols):
            out[i, k] = uniform(seed, child[i], k)
    return out


def stream_seed(rng: np.random.Generator) -> int:
    """The key of a counter-based stream, drawn once from a named numpy stream."""
    return int(rng.integers(0, 2**63, dtype=np.int64))


@numba.njit(cache=True)
def _push(heap, size, key):
    """Push ``key`` on the binary min-heap ``heap[:size]``; returns the new size."""
    j = size
    while j > 0:
        parent = (j - 1) >> 1
        if heap[parent] <= key:
            break
        heap[j] = heap[parent]
        j = parent
    heap[j] = key
    return size + 1


@numba.njit(cache=True)
def _sift_down(heap, size, j):
    key = heap[j]
    while True:
        child = 2 * j + 1
        if child >= size:
            break
        if child + 1 < size and heap[child + 1] < heap[child]:
            child += 1
        if heap[child] >= key:
            break
        heap[j] = heap[child]
        j = child
    heap[j] = key


@numba.njit(cache=True)
def _pop(heap, size):
    """Remove the smallest key of ``heap[:size]`` (returned); the new size is ``size - 1``."""
    top = heap[0]
    size -= 1
    if size > 0:
        heap[0] = heap[size]
        _sift_down(heap, size, 0)
    return top


@numba.njit(cache=True)
def _key(i, order, prio, n):
    """The docket key of case i (smallest first). Cases are numbered in order of filing, so
    the number itself orders by filing time; a backlog case under the priority order sorts
    after every priority case."""
    if order == LIFO:
        return -i
    if order == PRIORITY and not prio[i]:
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
def _schedule(i, stage_next, ready, d, n_days, stage, t_req, head, nxt):
    """A hearing request for case i, ready at ``ready``, joins the docket on its day (never
    the current day, whose requests are already on the docket)."""
    stage[i] = stage_next
    t_req[i] = ready
    b = max(int(math.floor(ready)), d + 1)
    if b < n_days:
        nxt[i] = head[b]
        head[b] = i


@numba.njit(cache=True)
def _docket(
    t_file, t_ready, t_private, country, t_18, t_sij_limit, track_plan,
    u, e, child, seeds, daily, visa, other_pending0,
):  # fmt: skip
    n = t_file.shape[0]
    n_days = daily.shape[1]
    inf = np.inf

    t_la = np.full(n, inf)
    t_hear = np.full((n, MAX_HEARINGS), inf)
    work = np.zeros((n, MAX_HEARINGS))
    n_hear = np.zeros(n, dtype=np.int64)
    t_dec = np.full(n, inf)
    outcome = np.zeros(n, dtype=np.int8)
    track = np.zeros(n, dtype=np.int8)
    planned = np.zeros(n, dtype=np.bool_)
    t_pet = np.full(n, inf)
    pet_ok = np.zeros(n, dtype=np.bool_)
    t_visa = np.full(n, inf)
    prio = np.zeros(n, dtype=np.bool_)
    stage = np.zeros(n, dtype=np.int8)
    n_cont = np.zeros(n, dtype=np.int64)
    t_req = np.full(n, inf)
    head = np.full(n_days + 1, -1, dtype=np.int64)
    nxt = np.full(n, -1, dtype=np.int64)

    other_pending = np.zeros(n_days)
    other_done = np.zeros(n_days)
    juv_judges = np.zeros(n_days)
    juv_used = np.zeros(n_days)

    req = np.empty(n, dtype=np.int64)  # the docket: a min-heap of keys (see _key)
    n_req = 0  # at most one request per case is ever waiting
    # judges hearing children's cases: (free from, judge); judge k exists while k < k_servers,
    # a judge no longer needed leaves the heap when next taken (lazy deletion)
    servers = [(0.0, 0)]
    servers.pop()
    max_servers = 1
    for d in range(n_days):
        max_servers = max(max_servers, int(math.ceil(daily[R_JUDGES, d])) + 1)
    in_heap = np.zeros(max_servers, dtype=np.bool_)
    order = int(daily[R_ORDER, 0])
    p_j = 0  # pending children's cases
    p_o = other_pending0  # pending other cases
    fptr = 0  # next case to be filed
    lap = 0  # next case in line for legal aid
    la_budget = 0.0

    for d in range(n_days):
        day_end = d + 1.0
        # 1. filings
        while fptr < n and t_file[fptr] < day_end:
            i = fptr
            fptr += 1
            p_j += 1
            prio[i] = int(daily[R_ORDER, d]) == PRIORITY
            stage[i] = MASTER
            t_req[i] = max(t_ready[i], t_file[i])
            b = int(math.floor(t_req[i]))
            if b < d:
                b = d
            if b < n_days:
                nxt[i] = head[b]
                head[b] = i

        # 2. legal aid, in order of filing, to unrepresented pending cases
        la_budget += daily[R_LEGAL_AID, d]
        while la_budget >= 1.0 and lap < fptr:
            i = lap
            lap += 1
            if t_dec[i] < day_end or t_private[i] <= d:
                continue
            t_la[i] = max(float(d), t_file[i])
            la_budget -= 1.0
        if lap >= fptr:  # nobody left waiting: unused capacity is not banked
            la_budget = la_budget - math.floor(la_budget)

        # 3. the docket order of the day; requests ready today join the docket
        new_order = int(daily[R_ORDER, d])
        if new_order != order:
            for k in range(n_req):
                req[k] = _key(_case(req[k], order, n), new_order, prio, n)
            order = new_order
            for k in range(n_req // 2 - 1, -1, -1):
                _sift_down(req, n_req, k)
        i = head[d]
        while i >= 0:
            n_req = _push(req, n_req, _key(i, order, prio, n))
            i = nxt[i]

        # 4. judges for the juvenile docket, and hearings
        judges = daily[R_JUDGES, d]
        w = daily[R_JUVENILE_WEIGHT, d]
        den = w * p_j + p_o
        share = w * p_j / den if den > 0 else 0.0
        c = judges * share
        k_servers = int(math.ceil(c - 1e-9)) if c > 1e-9 else 0
        used = 0.0
        for k in range(k_servers):
            if not in_heap[k]:
                heapq.heappush(servers, (float(d), k))
                in_heap[k] = True
        if k_servers > 0 and n_req > 0:
            speed = c / k_servers
            while n_req > 0:
                tau, k = servers[0]
                if k >= k_servers:  # this judge went back to the other docket
                    heapq.heappop(servers)
                    in_heap[k] = False
                    continue
                if tau >= day_end:
                    break
                i = _case(_pop(req, n_req), order, n)
                n_req -= 1
                start = max(tau, float(d), t_req[i])
                h = n_hear[i]
                st = stage[i]
                mean_work = daily[R_WORK_MERITS, d] if st == MERITS else daily[R_WORK_MASTER, d]
                wk = mean_work * exponential(seeds[2], child[i], h)
                used += wk
                t_hear[i, h] = start
                work[i, h] = wk
                n_hear[i] = h + 1
                res = _hear(
                    i, h, start, d, n_days, daily, visa, t_file, t_private, t_la, country,
                    t_18, t_sij_limit, track_plan, u, e, child, seeds, track, planned, t_pet,
                    pet_ok, t_visa, stage, n_cont, t_req, head, nxt,
                )  # fmt: skip
                if res > 0:
                    t_dec[i] = start
                    outcome[i] = res
                    p_j -= 1
                heapq.heapreplace(servers, (start + wk / speed, k))
        juv_judges[d] = c
        juv_used[d] = used

        # 5. the other docket, with the judges' time the children's hearings left
        free_judges = judges - used
        if free_judges < 0.0:
            free_judges = 0.0
        cap = free_judges * daily[R_OTHER_PER_JUDGE_DAY, d]
        inflow = daily[R_OTHER_RECEIPTS, d]
        done = min(p_o + inflow, cap)
        p_o = p_o + inflow - done
        other_pending[d] = p_o
        other_done[d] = done

    # counsel counts if it came before the decision (and inside the simulated days)
    t_counsel = np.full(n, inf)
    counsel = np.zeros(n, dtype=np.int8)
    for i in range(n):
        tc = min(t_private[i], t_la[i])
        if tc <= t_dec[i] and tc < n_days:
            t_counsel[i] = tc
            counsel[i] = LEGAL_AID if t_la[i] < t_private[i] else PRIVATE
    return (
        t_counsel, counsel, t_hear, work, n_hear, t_dec, outcome, track, t_pet, pet_ok, t_visa,
        other_pending, other_done, juv_judges, juv_used,
    )  # fmt: skip


@numba.njit(cache=True, inline="always")
def _at(daily, row, t, n_days):
    """A daily value at time t (clamped to the simulated days)."""
    d = int(math.floor(t))
    if d < 0:
        d = 0
    if d >= n_days:
        d = n_days - 1
    return daily[row, d]


@numba.njit(cache=True, inline="always")
def _plan(i, t_c, daily, visa, country, t_18, t_sij_limit, track_plan, u, e, n_days,
          track, t_pet, pet_ok, t_visa):  # fmt: skip
    """The relief track of a represented child, fixed when counsel first appears in court.
    Events after the hearing (application, decision, visa) are dated here, but what happens at
    a hearing depends only on events up to it: a simulation that ends earlier gives the same
    days."""
    tr = track_plan[i]
    if tr == ASYLUM or tr == T_U:
        t_app = t_c + _at(daily, R_PREP_DAYS, t_c, n_days) * e[i, E_PREP]
        if tr == ASYLUM:
            if t_app >= t_18[i] and _at(daily, R_ASYLUM_AFTER_18, t_app, n_days) < 0.5:
                # no USCIS jurisdiction over a youth who turned 18: the application goes back
                # to the court when filed, and the judge hears the claim at a merits hearing
                track[i] = ASYLUM
                t_pet[i] = t_app
                pet_ok[i] = False
                return
            t_p = t_app + _at(daily, R_ASYLUM_DAYS, t_app, n_days) * e[i, E_USCIS]
            grant = _at(daily, R_ASYLUM_GRANT, t_p, n_days)
        else:
            t_p = t_app + _at(daily, R_T_U_DAYS, t_app, n_days) * e[i, E_USCIS]
            grant = _at(daily, R_T_U_GRANT, t_p, n_days)
        track[i] = tr
        t_pet[i] = t_p
        pet_ok[i] = u[i, U_GRANT] < grant
    elif tr == SIJS:
        t_order = t_c + _at(daily, R_STATE_COURT_DAYS, t_c, n_days) * e[i, E_STATE_COURT]
        if t_order >= t_sij_limit[i]:
            return  # aged out of the state court's jurisdiction before an order
        t_p = t_order + _at(daily, R_I360_DAYS, t_order, n_days) * e[i, E_I360]
        track[i] = SIJS
        t_pet[i] = t_p
        pet_ok[i] = u[i, U_SIJS_APPROVAL] < _at(daily, R_SIJS_APPROVAL, t_p, n_days)
        d = min(max(int(math.floor(t_p)), 0), n_days - 1)
        t_visa[i] = t_p + visa[country[i], d] * 365.25


@numba.njit(cache=True, inline="always")
def _merits_outcome(i, rep, d, daily, u):
    """The judge's decision for an attending child: relief, termination, voluntary departure,
    or a removal order after a hearing."""
    x = u[i, U_MERITS_OUTCOME]
    if rep:
        pr, pt, pv = daily[R_RELIEF_REP, d], daily[R_TERMINATION_REP, d], daily[R_VD_REP, d]
    else:
        pr, pt, pv = daily[R_RELIEF_UNREP, d], daily[R_TERMINATION_UNREP, d], daily[R_VD_UNREP, d]
    if x < pr:
        return RELIEF
    if x < pr + pt:
        return CLOSED
    if x < pr + pt + pv:
        return VOLUNTARY_DEPARTURE
    return REMOVAL_AFTER_HEARING


@numba.njit(cache=True, inline="always")
def _hear(
    i, h, tau, d, n_days, daily, visa, t_file, t_private, t_la, country, t_18, t_sij_limit,
    track_plan, u, e, child, seeds, track, planned, t_pet, pet_ok, t_visa, stage, n_cont,
    t_req, head, nxt,
):  # fmt: skip
    """What happens at hearing ``h`` of case ``i`` at time ``tau``: returns the outcome if the
    case is decided (> 0), else 0 after scheduling the next hearing."""
    rep = min(t_private[i], t_la[i]) <= tau
    p_att = daily[R_ATTEND_REP, d] if rep else daily[R_ATTEND_UNREP, d]
    if uniform(seeds[0], child[i], h) >= p_att:
        return REMOVAL_IN_ABSENTIA
    st = stage[i]
    last = h + 1 >= MAX_HEARINGS  # cannot happen with the bounded parameters; a safe end
    if st == MERITS or last:
        return _merits_outcome(i, rep, d, daily, u)
    merits_at = tau + daily[R_MERITS_LAG_DAYS, d] * e[i, E_MERITS_LAG]
    if st == MASTER:
        if not rep:
            if uniform(seeds[0], child[i], MAX_HEARINGS + h) < daily[R_MASTER_DECISION_UNREP, d]:
                return _merits_outcome(i, False, d, daily, u)
            if n_cont[i] < daily[R_MAX_CONTINUANCES, d]:
                n_cont[i] += 1
                ready = tau + daily[R_CONTINUANCE_DAYS, d] * exponential(seeds[1], child[i], h)
                _schedule(i, MASTER, ready, d, n_days, stage, t_req, head, nxt)
            else:
                _schedule(i, MERITS, merits_at, d, n_days, stage, t_req, head, nxt)
            return PENDING
        if not planned[i]:
            planned[i] = True
            t_c = min(t_private[i], t_la[i])
            _plan(i, t_c, daily, visa, country, t_18, t_sij_limit, track_plan, u, e, n_days,
                  track, t_pet, pet_ok, t_visa)  # fmt: skip
        if track[i] == NO_TRACK:
            _schedule(i, MERITS, merits_at, d, n_days, stage, t_req, head, nxt)
            return PENDING
        if t_pet[i] > tau:  # petition pending: close the case, or continue it
            if u[i, U_CLOSE_PENDING] < daily[R_CLOSURE, d]:
                return CLOSED
            ready = t_pet[i] + daily[R_STATUS_LAG_DAYS, d] * e[i, E_STATUS_LAG]
            _schedule(i, STATUS, ready, d, n_days, stage, t_req, head, nxt)
            return PENDING
    # a status hearing, or a master hearing after the petition was decided
    if not pet_ok[i]:  # denied: referred back to the court for a merits hearing
        _schedule(i, MERITS, merits_at, d, n_days, stage, t_req, head, nxt)
        return PENDING
    if track[i] == SIJS and t_visa[i] > tau:  # approved, waiting for an EB-4 visa number
        if u[i, U_CLOSE_VISA] < daily[R_CLOSURE, d]:
            return CLOSED
        ready = t_visa[i] + daily[R_STATUS_LAG_DAYS, d] * e[i, E_STATUS_LAG]
        _schedule(i, STATUS, ready, d, n_days, stage, t_req, head, nxt)
        return PENDING
    return RELIEF
