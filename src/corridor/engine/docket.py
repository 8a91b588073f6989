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
   weight ``w`` against the other pending cases ``P_o`` (under the priority order ``P_j`` counts
   the priority cases only, and the uncoded children's cases count in ``P_o``). They are ``K = ceil(judges x share)``
   servers, each working at speed ``judges x share / K`` (exactly ``c`` unit-speed servers
   when the share gives a whole number), so with exponential hearing times the docket is an
   M/M/c queue. A free judge takes the next hearing request in docket order:

   - first in, first out: in the order the requests were calendared (a first hearing when it
     is ready, a continued, reset or status hearing when it is requested: it goes on the
     calendar after the hearings already set, as judges set the next date at the end of their
     calendar, not ahead of every case filed later);
   - priority (the 2014 docket): only the priority-coded cases (DHS's code on the NTA) filed
     while the priority order was in force are on the children's docket, earliest filing first
     (every hearing of a priority case ahead of later priority cases: the docket moved its
     cases along); the others (the backlog, uncoded cases) were docketed as before, on the
     general docket (5), in calendar order;
   - last in, first out: latest filing first.

   The order is read every day; when it changes the waiting requests are re-sorted. A request
   joins the docket when it is ready (its time in the day): a free judge takes the first ready
   request in docket order and waits only when none is ready, never for a request that is not
   ready while a ready one waits.
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
5. **The general docket.** Under the priority order the judges not on the children's docket
   split their time between the uncoded children's cases and the other cases in proportion to
   pending cases (each case weight 1); the children's requests take their share in calendar
   order, one hearing at a time (a judge-day budget, a deficit carried to the next day).
6. **The other docket.** Judges' time not used by children's hearings completes other cases
   at the dated rate per judge-year; other receipts arrive as a daily flow.

Hearing times are in judge-days: each hearing's time is exponential with its type's dated mean.
The daily inputs are one ``DocketDay`` (``engine/docket_inputs.py``), which the kernel reads as
one [field, day] array with named rows (``daily[row.judges, d]``). The kernel allocates nothing
(``Workspace`` and ``Series`` are allocated before it) and is compiled without reference
counting, which would otherwise cost more than the docket itself. Random numbers are
counter-based (``engine/counter_rng.py``): a hash of (stream key, child, column), so a child gets
the same numbers in every scenario; the ``COL_*`` constants below say which column decides what.
The docket is a priority queue of integer keys (``engine/int_queue.py``, a bitmap: cases are
numbered in filing order, so the number is the first-in-first-out key). Outputs are per-case times and daily series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np

from corridor.engine import int_queue, judge_heap
from corridor.engine.counter_rng import exponential, uniform
from corridor.engine.docket_inputs import ROW, DocketDay

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
U_COLS = ("grant", "close_pending", "close_visa", "merits_outcome", "sijs_approval", "recalendar")
E_COLS = ("prep", "uscis", "state_court", "i360", "merits_lag", "status_lag", "venue")
U_GRANT, U_CLOSE_PENDING, U_CLOSE_VISA, U_MERITS_OUTCOME, U_SIJS_APPROVAL, U_RECALENDAR = range(
    len(U_COLS)
)
E_PREP, E_USCIS, E_STATE_COURT, E_I360, E_MERITS_LAG, E_STATUS_LAG, E_VENUE = range(len(E_COLS))


# Case and child numbers are 32-bit and per-case counters 8-bit in the kernel: a hearing
# reads a dozen per-case arrays at cases heard in about the order they were filed, so the
# narrower an array, the more of the next cases' entries share a cache line already loaded
# (about 8-12% less kernel time than 64-bit arrays on a full-baseline draw, same results).
_INT32_LIMIT = 2**31 - 1


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
    # DHS put the priority code on the NTA (court.filing.priority_code_share): only a coded case
    # filed while the priority docket is in force is a priority case
    coded: np.ndarray

    @property
    def n(self) -> int:
        return len(self.t_file)

    def checked(self) -> Cases:
        """The dtypes the compiled kernel expects."""

        def f8(x):
            return np.ascontiguousarray(x, dtype=np.float64)

        def i4(x):
            return np.ascontiguousarray(x, dtype=np.int32)

        def i1(x):
            return np.ascontiguousarray(x, dtype=np.int8)

        return Cases(
            f8(self.t_file), f8(self.t_ready), f8(self.t_private), i1(self.country),
            f8(self.t_18), f8(self.t_sij_limit), i1(self.track), f8(self.u), f8(self.e),
            i4(self.child), f8(self.t_deadline),
            np.ascontiguousarray(self.coded, dtype=np.bool_),
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
    priority: np.ndarray  # priority-coded and filed while the priority docket was in force
    venue_settled: np.ndarray  # the case has had its one chance of a change of venue
    next_stage: np.ndarray  # MASTER, STATUS or MERITS: the kind of the next hearing
    n_continuances: np.ndarray  # continuances to find counsel so far
    n_resets: np.ndarray  # hearings reset for want of proof of notice so far
    t_requested: np.ndarray  # the next hearing may not be held before this time
    next_ready: np.ndarray  # next case in the same day's list of ready requests (-1: none)
    t_closed: np.ndarray  # administratively closed, to be recalendared (inf: never)
    t_recalendared: np.ndarray  # back on the active docket after that closure (inf: never)

    @staticmethod
    def empty(n: int) -> CaseState:
        inf = np.inf
        return CaseState(
            t_legal_aid=np.full(n, inf), t_hearing=np.full((n, MAX_HEARINGS), inf),
            work=np.zeros((n, MAX_HEARINGS)), n_hearings=np.zeros(n, np.int8),
            t_decision=np.full(n, inf), outcome=np.zeros(n, np.int8),
            track=np.zeros(n, np.int8), track_planned=np.zeros(n, np.bool_),
            t_petition=np.full(n, inf), petition_granted=np.zeros(n, np.bool_),
            t_visa=np.full(n, inf), priority=np.zeros(n, np.bool_),
            venue_settled=np.zeros(n, np.bool_), next_stage=np.zeros(n, np.int8),
            n_continuances=np.zeros(n, np.int8), n_resets=np.zeros(n, np.int8),
            t_requested=np.full(n, inf), next_ready=np.full(n, -1, np.int32),
            t_closed=np.full(n, inf), t_recalendared=np.full(n, inf),
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
    priority: np.ndarray  # priority-coded and filed while the priority docket was in force
    # a closure that was later recalendared: closed at t_closed (EOIR's initial completion; off
    # the pending counts) and back on the docket at t_recalendared (inf: none); t_decision and
    # outcome are then the decision after the recalendaring
    t_closed: np.ndarray
    t_recalendared: np.ndarray
    other_pending: np.ndarray  # other (non-juvenile) pending cases, end of each day
    other_completions: np.ndarray  # per day
    juvenile_judges: np.ndarray  # judges assigned to the juvenile docket, each day
    juvenile_judge_days: np.ndarray  # judge-days used by hearings started that day
    deadline_judge_days: np.ndarray  # of which taken from the other docket by a deadline rule
    general_judge_days: np.ndarray  # of which uncoded cases heard on the general docket


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
    if cases.n and max(cases.n, int(np.max(cases.child)) + 1) >= _INT32_LIMIT:
        raise ValueError("too many cases or children for the kernel's 32-bit case numbers")
    cases = cases.checked()
    state = CaseState.empty(cases.n)
    n_days = days.n_days
    most_judges = int(np.ceil(np.max(days.judges, initial=0.0))) + 1
    order_changes = int(np.count_nonzero(np.diff(days.order)))
    series = Series.empty(n_days)
    _docket(
        cases, days.stacked(), ROW, np.ascontiguousarray(visa_wait_years, dtype=np.float64),
        float(other_pending0), np.array(tuple(keys), dtype=np.uint64), state,
        Workspace.empty(cases.n, n_days, most_judges, order_changes), series,
    )  # fmt: skip
    t_counsel, counsel = _counsel_before_decision(cases, state, days.n_days)
    return DocketResult(
        t_counsel, counsel, state.t_hearing, state.work, state.n_hearings, state.t_decision,
        state.outcome, state.track, state.t_petition, state.petition_granted, state.t_visa,
        state.priority, state.t_closed, state.t_recalendared, *series,
    )  # fmt: skip


def _counsel_before_decision(cases: Cases, s: CaseState, n_days: int):
    """Counsel counts if it came before the decision (and inside the simulated days)."""
    first = np.minimum(cases.t_private, s.t_legal_aid)
    has = (first <= s.t_decision) & (first < n_days)
    t_counsel = np.where(has, first, np.inf)
    kind = np.where(s.t_legal_aid < cases.t_private, LEGAL_AID, PRIVATE)
    counsel = np.where(has, kind, NO_COUNSEL).astype(np.int8)
    return t_counsel, counsel


@numba.njit(cache=True, inline="always")
def _calendar(i, calendar_case, calendar_count):
    """Calendar case i's hearing request: its place in the order requests were calendared (the
    next number), recorded so that ``calendar_case[place]`` gives the case back."""
    place = calendar_count[0]
    calendar_case[place] = i
    calendar_count[0] = place + 1
    return place


@numba.njit(cache=True, inline="always")
def _key(i, order, priority, calendar_case, calendar_count):
    """The docket key of case i's request (smallest first). First in, first out is the order in
    which the requests were calendared: a continued or reset hearing goes on the calendar after
    the hearings already set (a judge sets the next date at the end of the calendar), not ahead
    of every later case. The priority docket moved its cases along in order of filing, a
    priority case's later hearings ahead of later priority cases; a backlog case sorts after
    every priority case. Last in, first out takes the latest filing first. (Cases are numbered
    in order of filing.)"""
    if order == LIFO:
        return -i
    if order == PRIORITY:
        n = priority.shape[0]
        return i if priority[i] else i + n
    return _calendar(i, calendar_case, calendar_count)


@numba.njit(cache=True, inline="always")
def _case(key, order, priority, calendar_case):
    """The case of a docket key (the inverse of ``_key``)."""
    if order == LIFO:
        return -key
    if order == PRIORITY:
        n = priority.shape[0]
        return key - n if key >= n else key
    return calendar_case[key]


@numba.njit(cache=True, inline="always")
def _add_to_day(i, day, first_of_day, next_in_day):
    """Put case i on the list of requests that join the docket on ``day``."""
    next_in_day[i] = first_of_day[day]
    first_of_day[day] = i


@numba.njit(cache=True, inline="always")
def _schedule(i, d, n_days, t_requested, first_ready, next_ready):
    """Case i's next hearing request (ready at ``t_requested[i]``) joins the docket on its day
    (never the current day, whose requests are already on the docket)."""
    b = max(int(math.floor(t_requested[i])), d + 1)
    if b < n_days:
        _add_to_day(i, b, first_ready, next_ready)


class Workspace(NamedTuple):
    """The kernel's working arrays, allocated before it runs (the kernel allocates nothing)."""

    first_ready: np.ndarray  # per day: the first case of the list of requests joining that day
    first_due: np.ndarray  # per day: the first of the first hearings due that day by a rule
    next_due: np.ndarray  # per case: the next case in the same day's list of due hearings
    docket: np.ndarray  # the children's docket: a queue of keys (engine/int_queue.py, _key)
    general: np.ndarray  # the uncoded children's requests on the general docket: a queue of
    # their places on the calendar (first calendared, first heard)
    calendar_case: np.ndarray  # per place on the calendar: the case whose request it is
    calendar_count: np.ndarray  # [0]: places used so far
    scratch: np.ndarray  # per case: room to key the waiting cases again when the order changes
    arrival_time: np.ndarray  # today's requests not ready at the start of the day: a heap of
    arrival_case: np.ndarray  # ... (ready time, case), joining the docket when they are ready
    judge_free_from: np.ndarray  # the heap of judges (engine/judge_heap.py): free from when
    judge_number: np.ndarray  # ... and which judge
    on_heap: np.ndarray  # judge k is on the heap

    @staticmethod
    def empty(n_cases: int, n_days: int, most_judges: int, order_changes: int = 0) -> Workspace:
        # places on the calendar: each case calendars at most one request per hearing, and its
        # waiting request is calendared again when the docket order changes
        n_places = max(n_cases * (MAX_HEARINGS + order_changes), 1)
        return Workspace(
            first_ready=np.full(n_days + 1, -1, np.int64),
            first_due=np.full(n_days + 1, -1, np.int64),
            next_due=np.full(max(n_cases, 1), -1, np.int32),
            # _key's range: -i (last in, first out), i or i + n (priority order), a place on the
            # calendar (first in, first out)
            docket=int_queue.new(-n_cases, max(2 * n_cases, n_places)),
            general=int_queue.new(0, n_places - 1),
            calendar_case=np.empty(n_places, np.int32),
            calendar_count=np.zeros(1, np.int64),
            scratch=np.empty(max(n_cases, 1), np.int32),
            arrival_time=np.empty(max(n_cases, 1)),
            arrival_case=np.empty(max(n_cases, 1), np.int32),
            judge_free_from=np.empty(most_judges), judge_number=np.empty(most_judges, np.int64),
            on_heap=np.zeros(most_judges, np.bool_),
        )  # fmt: skip


class Series(NamedTuple):
    """The kernel's daily outputs (end of each day, or per day)."""

    other_pending: np.ndarray
    other_completions: np.ndarray
    juvenile_judges: np.ndarray
    juvenile_judge_days: np.ndarray
    deadline_judge_days: np.ndarray
    general_judge_days: np.ndarray

    @staticmethod
    def empty(n_days: int) -> Series:
        return Series(*(np.zeros(n_days) for _ in Series._fields))


# Compiled without numba's reference counting (_nrt=False): the kernel allocates nothing (its
# arrays come from run()), and with counting on it spent most of its time incrementing and
# decrementing the count of every array of the structures passed to its inlined helpers.
@numba.njit(cache=True, _nrt=False)
def _docket(cases, daily, row, visa, other_pending0, keys, s, work, series):
    n = cases.t_file.shape[0]
    n_days = daily.shape[1]
    first_ready, first_due, next_due = work.first_ready, work.first_due, work.next_due
    docket, general = work.docket, work.general
    calendar_case, calendar_count = work.calendar_case, work.calendar_count
    arrival_time, arrival_case = work.arrival_time, work.arrival_case
    n_arriving = 0  # today's requests for the children's docket that are not ready yet
    other_pending, other_done = series.other_pending, series.other_completions
    juvenile_judges, judge_days_used = series.juvenile_judges, series.juvenile_judge_days
    deadline_judge_days = series.deadline_judge_days
    general_judge_days = series.general_judge_days
    n_waiting = 0  # at most one request per case is ever waiting (on one of the two heaps)
    n_general = 0  # uncoded children's requests waiting on the general docket (priority order)
    general_budget = 0.0  # judge-days the general docket owes them (<= 0: a deficit carried)
    # judges hearing children's cases: a heap of (free from, judge); judge k exists while
    # k < n_judges, a judge no longer needed leaves the heap when next taken (lazy deletion)
    free_from_times, free_judges_heap = work.judge_free_from, work.judge_number
    n_on_heap = 0
    on_heap = work.on_heap
    order = int(daily[row.order, 0])
    pending_children = 0
    pending_uncoded = 0  # pending children's cases that are not priority cases
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
            s.priority[i] = cases.coded[i] and int(daily[row.order, d]) == PRIORITY
            if not s.priority[i]:
                pending_uncoded += 1
            s.next_stage[i] = MASTER
            s.t_requested[i] = max(cases.t_ready[i], cases.t_file[i])
            b = max(int(math.floor(s.t_requested[i])), d)
            if b < n_days:
                if cases.t_deadline[i] < np.inf:
                    _add_to_day(i, b, first_due, next_due)
                else:
                    _add_to_day(i, b, first_ready, s.next_ready)

        # 2. legal aid, in order of filing, to unrepresented pending cases
        legal_aid_budget += daily[row.legal_aid, d]
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
        new_order = int(daily[row.order, d])
        if new_order != order:
            # every waiting request on one list of cases, then re-keyed and split for the new
            # order (under the priority order the uncoded ones wait on the general docket)
            scratch = work.scratch
            for k in range(n_waiting):
                scratch[k] = _case(int_queue.pop(docket, n_waiting - k), order, s.priority, calendar_case)
            for k in range(n_general):
                scratch[n_waiting + k] = calendar_case[int_queue.pop(general, n_general - k)]
            m = n_waiting + n_general
            n_waiting, n_general = 0, 0
            for k in range(m):
                i = scratch[k]
                if new_order == PRIORITY and not s.priority[i]:
                    place = _calendar(i, calendar_case, calendar_count)
                    n_general = int_queue.push(general, n_general, place)
                else:
                    key = _key(i, new_order, s.priority, calendar_case, calendar_count)
                    n_waiting = int_queue.push(docket, n_waiting, key)
            order = new_order
            if order != PRIORITY:
                general_budget = 0.0
        i = first_ready[d]
        while i >= 0:
            if order == PRIORITY and not s.priority[i]:
                place = _calendar(i, calendar_case, calendar_count)
                n_general = int_queue.push(general, n_general, place)
            elif s.t_requested[i] <= d:
                key = _key(i, order, s.priority, calendar_case, calendar_count)
                n_waiting = int_queue.push(docket, n_waiting, key)
            else:  # ready later today: joins the docket then (a judge does not wait for it
                # while a request that is ready waits)
                n_arriving = judge_heap.push(arrival_time, arrival_case, n_arriving,
                                             s.t_requested[i], i)  # fmt: skip
            i = s.next_ready[i]

        # 4a. first hearings due under a deadline rule: heard when ready, by judges taken from
        # the other docket (they do not wait for the children's docket)
        taken = 0.0
        i = first_due[d]
        while i >= 0:
            start = max(float(d), s.t_requested[i])
            taken += _hear(i, start, d, n_days, cases, daily, row, visa, keys, s)
            if s.t_decision[i] < np.inf:
                pending_children -= 1
                pending_uncoded -= 0 if s.priority[i] else 1
            else:
                _schedule(i, d, n_days, s.t_requested, first_ready, s.next_ready)
            i = next_due[i]
        deadline_judge_days[d] = taken

        # 4b. judges for the juvenile docket, and hearings: weight x pending children against
        # the other pending cases gives the children's share of the judges; under the priority
        # order only the priority cases are on the children's docket, the uncoded ones count
        # with the general docket
        judges = daily[row.judges, d]
        w = daily[row.juvenile_weight, d]
        on_docket = pending_children - pending_uncoded if order == PRIORITY else pending_children
        den = w * on_docket + (pending_other + pending_children - on_docket)
        share = w * on_docket / den if den > 0 else 0.0
        c = judges * share
        n_judges = int(math.ceil(c - 1e-9)) if c > 1e-9 else 0
        used = 0.0
        for k in range(n_judges):
            if not on_heap[k]:
                n_on_heap = judge_heap.push(free_from_times, free_judges_heap, n_on_heap,
                                            float(d), k)  # fmt: skip
                on_heap[k] = True
        if n_judges > 0 and (n_waiting > 0 or n_arriving > 0):
            speed = c / n_judges
            while n_waiting > 0 or n_arriving > 0:
                free_from, k = free_from_times[0], free_judges_heap[0]
                if k >= n_judges:  # this judge went back to the other docket
                    n_on_heap = judge_heap.pop(free_from_times, free_judges_heap, n_on_heap)
                    on_heap[k] = False
                    continue
                if free_from >= day_end:
                    break
                # the requests ready by the time this judge is free join the docket; if none
                # is waiting, the judge takes the next one to be ready
                t_join = free_from
                if n_waiting == 0:
                    t_join = max(free_from, arrival_time[0])
                while n_arriving > 0 and arrival_time[0] <= t_join:
                    j = arrival_case[0]
                    n_arriving = judge_heap.pop(arrival_time, arrival_case, n_arriving)
                    key = _key(j, order, s.priority, calendar_case, calendar_count)
                    n_waiting = int_queue.push(docket, n_waiting, key)
                i = _case(int_queue.pop(docket, n_waiting), order, s.priority, calendar_case)
                n_waiting -= 1
                start = max(free_from, float(d), s.t_requested[i])
                wk = _hear(i, start, d, n_days, cases, daily, row, visa, keys, s)
                used += wk
                if s.t_decision[i] < np.inf:
                    pending_children -= 1
                    pending_uncoded -= 0 if s.priority[i] else 1
                else:
                    _schedule(i, d, n_days, s.t_requested, first_ready, s.next_ready)
                judge_heap.replace_top(free_from_times, free_judges_heap, n_on_heap,
                                       start + wk / speed, k)  # fmt: skip
        while n_arriving > 0:  # the rest of today's requests wait for tomorrow's judges
            j = arrival_case[0]
            n_arriving = judge_heap.pop(arrival_time, arrival_case, n_arriving)
            key = _key(j, order, s.priority, calendar_case, calendar_count)
            n_waiting = int_queue.push(docket, n_waiting, key)

        # 4c. under the priority order the uncoded children's cases were docketed as before, on
        # the general docket: the judges not on the children's docket share their time between
        # them and the other cases in proportion to pending cases, and take their requests
        # first in, first out
        free_judges = max(judges - used - taken, 0.0)
        general_used = 0.0
        if order == PRIORITY and pending_uncoded > 0:
            general_budget += free_judges * pending_uncoded / (pending_uncoded + pending_other)
            while n_general > 0 and general_budget > 0.0:
                i = calendar_case[int_queue.pop(general, n_general)]
                n_general -= 1
                wk = _hear(i, max(float(d), s.t_requested[i]), d, n_days, cases, daily, row, visa, keys,
                           s)  # fmt: skip
                general_budget -= wk
                general_used += wk
                if s.t_decision[i] < np.inf:
                    pending_children -= 1
                    pending_uncoded -= 1
                else:
                    _schedule(i, d, n_days, s.t_requested, first_ready, s.next_ready)
            if n_general == 0:  # nobody left waiting: unused time goes to the other cases
                general_budget = min(general_budget, 0.0)
        general_judge_days[d] = general_used
        juvenile_judges[d] = c + taken + general_used
        judge_days_used[d] = used + taken + general_used

        # 5. the other docket, with the judges' time the children's hearings left
        free_judges = max(free_judges - general_used, 0.0)
        capacity = free_judges * daily[row.other_per_judge_day, d]
        inflow = daily[row.other_receipts, d]
        done = min(pending_other + inflow, capacity)
        pending_other = pending_other + inflow - done
        other_pending[d] = pending_other
        other_done[d] = done


@numba.njit(cache=True, inline="always")
def _on(daily, field, t, n_days):
    """A daily input's value at time t (clamped to the simulated days)."""
    d = min(max(int(math.floor(t)), 0), n_days - 1)
    return daily[field, d]


@numba.njit(cache=True, inline="always")
def _plan(planned, t_counsel, t_18, t_sij_limit, country, e, u, n_days, daily, row, visa):
    """The relief track of a represented child, fixed when counsel first appears in court:
    returns (track, petition decided at, granted, visa number available at), for the case's
    planned track, its age limits, country and its rows of ``E_COLS`` factors ``e`` and
    ``U_COLS`` uniforms ``u``. Events after the hearing (application, decision, visa) are dated
    here, but what happens at a hearing depends only on events up to it: a simulation that ends
    earlier gives the same days."""
    inf = np.inf
    if planned == ASYLUM or planned == T_U:
        t_applied = t_counsel + _on(daily, row.prep_days, t_counsel, n_days) * e[E_PREP]
        if planned == ASYLUM:
            turned_18 = t_applied >= t_18
            if turned_18 and _on(daily, row.asylum_after_18, t_applied, n_days) < 0.5:
                # no USCIS jurisdiction over a youth who turned 18: the application goes back
                # to the court when filed, and the judge hears the claim at a merits hearing
                return ASYLUM, t_applied, False, inf
            wait = _on(daily, row.asylum_days, t_applied, n_days)
            t_decided = t_applied + wait * e[E_USCIS]
            grant = _on(daily, row.asylum_grant, t_decided, n_days)
        else:
            t_decided = t_applied + _on(daily, row.t_u_days, t_applied, n_days) * e[E_USCIS]
            grant = _on(daily, row.t_u_grant, t_decided, n_days)
        return planned, t_decided, u[U_GRANT] < grant, inf
    if planned == SIJS:
        wait = _on(daily, row.state_court_days, t_counsel, n_days)
        t_order = t_counsel + wait * e[E_STATE_COURT]
        if t_order >= t_sij_limit:
            # aged out of the state court's jurisdiction before an order
            return NO_TRACK, inf, False, inf
        t_decided = t_order + _on(daily, row.i360_days, t_order, n_days) * e[E_I360]
        approved = u[U_SIJS_APPROVAL] < _on(daily, row.sijs_approval, t_decided, n_days)
        d = min(max(int(math.floor(t_decided)), 0), n_days - 1)
        return SIJS, t_decided, approved, t_decided + visa[country, d] * 365.25
    return NO_TRACK, inf, False, inf


@numba.njit(cache=True, inline="always")
def _visa_date(i, d, cases, visa, s):
    """When an approved SIJ child's EB-4 visa number is available, as the Visa Bulletin in force
    on day ``d`` (a hearing) says: the approval date (for the priority date) plus the bulletin's
    wait for the child's country then, if later than the date expected so far. A bulletin that
    retrogresses (May 2016 for El Salvador, Guatemala and Honduras) so also holds children
    approved before it who had not yet received their visa."""
    t_now = s.t_petition[i] + visa[cases.country[i], d] * 365.25
    if t_now > s.t_visa[i]:
        s.t_visa[i] = t_now
    return s.t_visa[i]


@numba.njit(cache=True, inline="always")
def _recalendared(u, t_reason_ends, n_days, daily, row):
    """Whether an administratively closed case is recalendared when the reason it was closed
    for ends (a USCIS denial, a visa number): a party's motion, with the dated share in force
    then (``U_COLS`` uniform ``recalendar``)."""
    return u[U_RECALENDAR] < _on(daily, row.recalendar, t_reason_ends, n_days)


@numba.njit(cache=True, inline="always")
def _merits_outcome(x, represented, priority, d, daily, row):
    """The judge's decision for an attending child, from the case's uniform ``x``: relief,
    termination, voluntary departure, or a removal order after a hearing (an unrepresented
    child's priority case with the priority docket's shares)."""
    if represented:
        relief = daily[row.relief_represented, d]
        terminated = daily[row.termination_represented, d]
        departure = daily[row.voluntary_departure_represented, d]
    elif priority:
        relief = daily[row.relief_unrepresented_priority, d]
        terminated = daily[row.termination_unrepresented_priority, d]
        departure = daily[row.voluntary_departure_unrepresented_priority, d]
    else:
        relief = daily[row.relief_unrepresented, d]
        terminated = daily[row.termination_unrepresented, d]
        departure = daily[row.voluntary_departure_unrepresented, d]
    if x < relief:
        return RELIEF
    if x < relief + terminated:
        return CLOSED
    if x < relief + terminated + departure:
        return VOLUNTARY_DEPARTURE
    return REMOVAL_AFTER_HEARING


@numba.njit(cache=True, inline="always")
def _hear(i, tau, d, n_days, cases, daily, row, visa, keys, s):
    """Hold the next hearing of case i at time ``tau``: record it, then decide what happens.
    A decided case gets its decision time and outcome; a pending one its next request
    (``s.next_stage``, ready at ``s.t_requested``), which the caller puts on the docket.
    Returns the judge-days the hearing took."""
    h = s.n_hearings[i]
    stage = s.next_stage[i]
    mean_work = daily[row.work_merits, d] if stage == MERITS else daily[row.work_master, d]
    work = mean_work * exponential(keys[2], cases.child[i], h)
    s.t_hearing[i, h] = tau
    s.work[i, h] = work
    s.n_hearings[i] = h + 1

    child = cases.child[i]
    e, u = cases.e[i], cases.u[i]
    t_counsel = min(cases.t_private[i], s.t_legal_aid[i])
    represented = t_counsel <= tau
    last = h + 1 >= MAX_HEARINGS  # cannot happen with the bounded parameters; a safe end
    outcome = PENDING
    next_stage = stage
    ready = np.inf
    merits_at = tau + daily[row.merits_lag_days, d] * e[E_MERITS_LAG]
    if represented:
        p_attend = daily[row.attend_represented, d]
    else:
        p_attend = daily[row.attend_unrepresented, d]
    if uniform(keys[0], child, COL_ATTEND + h) >= p_attend:
        # a missed hearing: an order in absentia needs proof of written notice (INA
        # 240(b)(5)(A)); without it the judge resets the hearing
        proven = uniform(keys[0], child, COL_NOTICE + h) < daily[row.notice_proven, d]
        if proven or last or s.n_resets[i] >= MAX_RESETS:
            outcome = REMOVAL_IN_ABSENTIA
        else:
            s.n_resets[i] += 1
            wait = exponential(keys[1], child, MAX_HEARINGS + h)
            ready = tau + daily[row.continuance_days, d] * wait
    elif stage == MERITS or last:
        outcome = _merits_outcome(u[U_MERITS_OUTCOME], represented, s.priority[i], d,
                                  daily, row)  # fmt: skip
    elif (stage == MASTER and not s.venue_settled[i]
          and uniform(keys[0], child, COL_VENUE) < daily[row.venue_change, d]):  # fmt: skip
        # the first attended master hearing: a child living with a sponsor far from the court
        # where the NTA was filed moves for a change of venue, and the receiving court
        # calendars a new first master hearing
        s.venue_settled[i] = True
        ready = tau + daily[row.venue_change_days, d] * e[E_VENUE]
    elif stage == MASTER and not represented:
        s.venue_settled[i] = True
        decided_here = uniform(keys[0], child, COL_MASTER_DECISION + h)
        if decided_here < daily[row.master_decision_unrepresented, d]:
            outcome = _merits_outcome(u[U_MERITS_OUTCOME], False, s.priority[i], d, daily,
                                      row)  # fmt: skip
        elif s.n_continuances[i] < daily[row.max_continuances, d]:
            s.n_continuances[i] += 1
            wait = exponential(keys[1], child, h)
            ready = tau + daily[row.continuance_days, d] * wait
        else:
            next_stage, ready = MERITS, merits_at
    else:
        # a represented child at a master hearing, or a status hearing
        s.venue_settled[i] = True
        if stage == MASTER and not s.track_planned[i]:
            s.track_planned[i] = True
            track, t_petition, granted, t_visa = _plan(
                cases.track[i], t_counsel, cases.t_18[i], cases.t_sij_limit[i],
                cases.country[i], e, u, n_days, daily, row, visa,
            )  # fmt: skip
            s.track[i], s.t_petition[i] = track, t_petition
            s.petition_granted[i], s.t_visa[i] = granted, t_visa
        if stage == MASTER and s.track[i] == NO_TRACK:
            next_stage, ready = MERITS, merits_at
        elif stage == MASTER and s.t_petition[i] > tau:
            # petition pending: close the case, or continue it to a status hearing. A closed
            # case whose petition is denied is recalendared (a dated share) when USCIS decides,
            # and comes back for a status hearing, then a merits hearing; one granted stays closed
            wait = daily[row.status_lag_days, d] * e[E_STATUS_LAG]
            if u[U_CLOSE_PENDING] < daily[row.closure, d]:
                back = _recalendared(u, s.t_petition[i], n_days, daily, row)
                if s.petition_granted[i] or not back:
                    outcome = CLOSED
                else:
                    next_stage, ready = STATUS, s.t_petition[i] + wait
                    s.t_closed[i], s.t_recalendared[i] = tau, ready
            else:
                next_stage, ready = STATUS, s.t_petition[i] + wait
        elif not s.petition_granted[i]:  # denied: back to the court for a merits hearing
            next_stage, ready = MERITS, merits_at
        elif s.track[i] == SIJS and _visa_date(i, d, cases, visa, s) > tau:
            # approved, waiting for an EB-4 visa: closed, or continued, until the visa number is
            # available; a closed case is recalendared then (a dated share) for the judge to end
            # it with the relief (a case already recalendared once and closed again stays closed)
            wait = daily[row.status_lag_days, d] * e[E_STATUS_LAG]
            if u[U_CLOSE_VISA] < daily[row.closure, d]:
                if s.t_closed[i] < np.inf or not _recalendared(u, s.t_visa[i], n_days, daily,
                                                               row):  # fmt: skip
                    outcome = CLOSED
                else:
                    next_stage, ready = STATUS, s.t_visa[i] + wait
                    s.t_closed[i], s.t_recalendared[i] = tau, ready
            else:
                next_stage, ready = STATUS, s.t_visa[i] + wait
        else:
            outcome = RELIEF
    if outcome != PENDING:
        s.t_decision[i] = tau
        s.outcome[i] = outcome
    else:
        s.next_stage[i] = next_stage
        s.t_requested[i] = ready
    return work
