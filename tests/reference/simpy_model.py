"""An independent SimPy implementation of corridor's border + shelter mechanism, for testing.

It is written from the model's description, not by translating the numba kernel, and it uses
SimPy's ordinary idiom: one generator process per child, a daily tick process, and a bed
assignment routine called whenever a bed may have become free or a child may be waiting
(a referral, a release, a tick). Fed the same child-level draws and daily parameter arrays as
corridor's kernel, the two should give the same bed-assignment time for every child, up to
floating-point rounding of event times.

``inputs_from_simulation`` draws those inputs with corridor's own stage code (arrivals, border,
and the draws the shelter stage makes before its kernel call); ``run_reference`` simulates.
Nothing here calls ``corridor.engine.placement``: the shelter stage's call to it is intercepted
to capture its arguments, and the interception stops the stage before the kernel runs.
"""

from __future__ import annotations

import inspect
import math
from collections import deque
from dataclasses import dataclass, fields, replace
from unittest import mock

import numpy as np
import simpy
from simpy.events import URGENT, Event

from corridor.engine import placement
from corridor.engine.rng import Streams
from corridor.simulation import PIPELINE
from corridor.stages import arrivals, shelter
from corridor.stages.context import RunContext

STANDARD, INFLUX = 0, 1


@dataclass
class Inputs:
    """Everything the simulation of border and shelter needs. Per-child arrays are in order of
    apprehension (NaN / -1 where a child was not referred); daily arrays cover every day."""

    t_arrival: np.ndarray
    country: np.ndarray
    age: np.ndarray
    returned: np.ndarray  # TVPRA contiguous-country return
    expelled: np.ndarray  # Title 42 expulsion
    delay: np.ndarray  # apprehension to return / expulsion, or to referral
    t_referral: np.ndarray  # inf if not referred
    cat: np.ndarray  # sponsor category 0-3
    transport: np.ndarray  # bed assignment to arrival in care, days
    work: np.ndarray  # progress through the case the child needs before release (unit-mean)
    t_age_out: np.ndarray  # 18th birthday
    court_from: np.ndarray  # from then a court's rule, not the hazard, ends care (inf: never)
    court: np.ndarray  # ... at this time (the Ms. L order of 2018: stages/separation.py)
    cap_std: np.ndarray  # funded standard beds
    influx_avail: np.ndarray  # influx beds under contract
    open_thr: np.ndarray  # standard occupancy that triggers an influx opening
    close_thr: np.ndarray  # total occupancy below which influx beds stop taking children
    lead_days: np.ndarray  # days from the opening decision to the beds taking children
    pace: np.ndarray  # [day, category]: progress per day in care (1 / the regime's mean stay)
    transfer_cap: np.ndarray  # children moved from CBP to a bed per day
    release_floor: np.ndarray  # case-management limit: releases a day always possible
    release_growth: np.ndarray  # ... and the largest growth over the recent maximum
    release_window: np.ndarray  # ... looking back this many days
    transfer_floor: np.ndarray  # transfers a day always possible (standing transport, intake)
    transfer_growth: np.ndarray  # ... and their largest growth over the recent maximum
    transfer_window: np.ndarray  # ... looking back this many days

    @property
    def n_days(self) -> int:
        return len(self.cap_std)

    def select(self, keep: np.ndarray) -> Inputs:
        """The same days, with only the children in ``keep`` (a mask or indices)."""
        return replace(self, **{f: getattr(self, f)[keep] for f in PER_CHILD})

    def kernel_args(self) -> dict:
        """The arguments of corridor's ``placement.place`` (children in referral order), for
        running corridor's kernel on exactly these inputs (tests and benchmark)."""
        order = referral_order(self.t_referral)
        per_child = ("transport", "work", "cat", "t_age_out", "court_from", "court")
        args = {k: getattr(self, k)[order] for k in per_child}
        return dict(ref_t=self.t_referral[order], **args, **{k: getattr(self, k) for k in DAILY})


_names = [f.name for f in fields(Inputs)]
PER_CHILD = tuple(_names[: _names.index("cap_std")])  # fields are declared per-child first
DAILY = tuple(_names[_names.index("cap_std") :])


def referral_order(t_referral: np.ndarray) -> np.ndarray:
    """Indices of the referred children, by referral time (ties in apprehension order)."""
    referred = np.flatnonzero(np.isfinite(t_referral))
    return referred[np.argsort(t_referral[referred], kind="stable")]


@dataclass
class Outputs:
    """Per child in order of apprehension (inf / -1 where it did not happen), then per day."""

    assign: np.ndarray
    start: np.ndarray
    exit: np.ndarray  # inf if still in care at the end of the simulated days
    bed: np.ndarray
    aged_out: np.ndarray
    left_cbp: np.ndarray  # return, expulsion, or arrival in care
    influx_open: np.ndarray  # end of each day, as the kernel reports them
    influx_in_use: np.ndarray
    standard_in_use: np.ndarray


class _Stop(Exception):
    """Raised in place of the kernel call, to leave the shelter stage there."""


def inputs_from_simulation(sim, draw: int = 0) -> Inputs:
    """The inputs of one draw of ``sim``, drawn exactly as ``Simulation.run_draw`` draws them:
    arrivals, then the stages of corridor's pipeline in order, until the shelter stage (having
    drawn sponsor categories, transport, work and age-out times) calls the kernel. The
    arguments of that call are captured and the call never happens."""
    clock, params = sim.clock, sim.params
    streams = Streams(sim.seed, draw)
    table = sim.arrival_counts(params, streams)
    c = arrivals.make_children(table, params, clock, streams)
    ctx = RunContext(c, params, clock, streams)
    got = {}

    def capture(*args, **kwargs):
        got.update(inspect.signature(placement.place).bind(*args, **kwargs).arguments)
        raise _Stop

    with mock.patch.object(shelter, "place", capture):
        try:
            for stage in PIPELINE:
                stage.run(ctx)
        except _Stop:
            pass
    assert got, "the pipeline never reached the shelter kernel"
    # the kernel's arguments are in referral order; put them back in apprehension order
    order = referral_order(c.t_referral)
    assert np.array_equal(got["ref_t"], c.t_referral[order])

    def per_child(name, fill, dtype=float):
        a = np.full(c.n, fill, dtype=dtype)
        a[order] = got[name]
        return a

    quick = c.returned | c.expelled
    return Inputs(
        t_arrival=c.t_arrival, country=c.country, age=c.age,
        returned=c.returned, expelled=c.expelled,
        delay=np.where(quick, c.t_leave_cbp, c.t_referral) - c.t_arrival,
        t_referral=c.t_referral, cat=per_child("cat", -1, np.int64),
        transport=per_child("transport", np.nan), work=per_child("work", np.nan),
        t_age_out=per_child("t_age_out", np.nan),
        court_from=per_child("court_from", np.inf), court=per_child("court", np.inf),
        **{k: np.broadcast_to(np.asarray(got[k], float), np.shape(got["cap_std"]))
           if k != "pace" else np.asarray(got[k], float) for k in DAILY},
    )  # fmt: skip


class _Tick(Event):
    """A timeout scheduled URGENT: the day's decisions are taken on the state at the start of
    the day, before any referral or release that falls exactly on midnight (as SimPy's own
    process initialisation is scheduled URGENT to run before other events at the same time)."""

    def __init__(self, env, delay):
        super().__init__(env)
        self._ok, self._value = True, None
        env.schedule(self, URGENT, delay)


def _pace_changes(pace: np.ndarray) -> list[list[int]]:
    """For each category, the days on which its release pace differs from the day before."""
    return [
        [d for d in range(1, len(pace)) if pace[d, c] != pace[d - 1, c]]
        for c in range(pace.shape[1])
    ]


def run_reference(x: Inputs) -> Outputs:
    """Simulate every child of ``x`` from apprehension; events from the last midnight on are
    left out (a child still in care then has exit inf)."""
    env = simpy.Environment()
    n, n_days = len(x.t_arrival), x.n_days
    # beds are whole: funded and contracted beds are floored, the lead time rounded
    cap_d = np.floor(x.cap_std).astype(int).tolist()
    influx_d = np.floor(x.influx_avail).astype(int).tolist()
    lead_d = np.round(x.lead_days).astype(int).tolist()
    changes = _pace_changes(x.pace)
    out = Outputs(
        *(np.full(n, np.inf) for _ in range(3)), np.full(n, -1, np.int8), np.zeros(n, bool),
        np.full(n, np.inf), *(np.zeros(n_days, np.int64) for _ in range(3)),
    )  # fmt: skip
    waiting: deque = deque()  # (child, event) in order of referral: first in, first out
    held: deque = deque()  # (child, event): ready for release, waiting for a case manager
    s = dict(
        cap=0, used_std=0, used_inf=0, open_inf=0, opening_day=None, moved=0, limit=0.0,
        move_limit=0.0, move_raw=0.0,
    )  # fmt: skip
    released = [0] * n_days  # releases to sponsors per day
    raw_limit = [0.0] * n_days  # each day's case-management limit, before and after rounding
    whole_limit = [0.0] * n_days
    moved = [0] * n_days  # children leaving CBP for a bed per day

    def assign_beds():
        # standard beds first, then influx beds that are taking children; a bed is used from
        # assignment (reserved during transport) until the child leaves care; at most the
        # day's transfer capacity leaves CBP
        while waiting:
            i, ev = waiting[0]
            if x.t_age_out[i] <= env.now:  # turned 18 while waiting: to ICE, no bed
                waiting.popleft()
                ev.succeed(None)
                continue
            if s["moved"] >= s["move_limit"]:
                return
            if s["used_std"] < s["cap"]:
                kind, key = STANDARD, "used_std"
            elif s["used_inf"] < s["open_inf"]:
                kind, key = INFLUX, "used_inf"
            else:
                return
            s[key] += 1
            s["moved"] += 1
            moved[min(int(env.now), n_days - 1)] += 1
            i, ev = waiting.popleft()
            ev.succeed(kind)

    def leave(i, kind):
        out.exit[i] = env.now
        s["used_std" if kind == STANDARD else "used_inf"] -= 1

    def in_care(i):
        """Progress through the case at each day's pace until the work is done (ready) or the
        child turns 18; the pace changes only on the days in ``changes``. From ``court_from``
        (if the work is not done by then) a court's rule decides: care ends at ``court``, or
        at the 18th birthday if it comes first ("court")."""
        c, left = x.cat[i], x.work[i]
        while True:
            day = min(int(env.now), n_days - 1)
            rate = x.pace[day, c]
            later = [d for d in changes[c] if d > env.now]
            segment_end = later[0] if later else math.inf
            done_at = env.now + left / rate
            if x.court_from[i] <= min(done_at, segment_end):
                end = max(x.court[i], env.now)
                if x.t_age_out[i] <= end:
                    yield env.timeout(x.t_age_out[i] - env.now)
                    return False
                yield env.timeout(end - env.now)
                return "court"
            if x.t_age_out[i] <= min(done_at, segment_end):
                yield env.timeout(x.t_age_out[i] - env.now)
                return False  # turned 18 first
            if done_at <= segment_end:
                yield env.timeout(done_at - env.now)
                return True
            left -= (segment_end - env.now) * rate
            yield env.timeout(segment_end - env.now)

    def child(i):
        yield env.timeout(x.delay[i])  # border processing
        if x.returned[i] or x.expelled[i]:
            out.left_cbp[i] = env.now
            return
        got_bed = env.event()
        waiting.append((i, got_bed))
        assign_beds()
        kind = yield got_bed
        if kind is None:
            out.aged_out[i] = True
            return
        out.assign[i], out.bed[i] = env.now, kind
        out.start[i] = out.left_cbp[i] = env.now + x.transport[i]
        yield env.timeout(x.transport[i])
        if x.t_age_out[i] <= env.now:  # already 18 on arrival: care ends at once
            out.aged_out[i] = True
            leave(i, kind)
            assign_beds()
            return
        ready = yield env.process(in_care(i))
        if ready == "court":  # under a court's rule: no case manager, not a release counted
            leave(i, kind)
            assign_beds()
            return
        if ready and released[int(env.now)] >= s["limit"]:
            # no case manager free today: wait for a release at a day's start, or turn 18
            released_ev = env.event()
            held.append((i, released_ev))
            birthday = x.t_age_out[i] - env.now
            turns_18 = env.timeout(birthday) if birthday < math.inf else env.event()
            yield released_ev | turns_18
            if released_ev.triggered:
                return  # the tick released it (and freed its bed)
            ready = False
            held.remove((i, released_ev))
        if ready:
            released[int(env.now)] += 1
        else:
            out.aged_out[i] = True
        leave(i, kind)
        assign_beds()

    def source():
        for i in range(n):  # children come in order of apprehension
            yield env.timeout(x.t_arrival[i] - env.now)
            env.process(child(i))

    def record(d):  # the state at the end of day d
        out.influx_open[d], out.influx_in_use[d] = s["open_inf"], s["used_inf"]
        out.standard_in_use[d] = s["used_std"]

    def release_held(d):
        # a day on which the limit held releases back counts at its limit before rounding
        w = int(round(x.release_window[d]))
        levels = [
            raw_limit[k] if released[k] >= whole_limit[k] else released[k]
            for k in range(max(0, d - w), d)
        ]
        limit = max(x.release_floor[d], (1 + x.release_growth[d]) * max(levels, default=0))
        raw_limit[d] = limit
        s["limit"] = math.floor(limit) if limit < math.inf else limit  # whole releases
        whole_limit[d] = s["limit"]
        while held and released[d] < s["limit"]:
            i, ev = held.popleft()
            released[d] += 1
            leave(i, out.bed[i])
            ev.succeed()

    def transfer_limit(d):
        # transport and intake: grown by the growth share on a day that starts with children
        # waiting; otherwise (1 + growth) x the most moved on a recent day; at least the floor,
        # at most the surge ceiling. The unrounded limit carries over to the next day.
        g = x.transfer_growth[d]
        if any(x.t_age_out[i] > d for i, _ in waiting):  # children waiting who are not yet 18
            grown = s["move_raw"] * (1 + g)
        else:
            w = int(round(x.transfer_window[d]))
            grown = (1 + g) * max(moved[max(0, d - w) : d], default=0)
        s["move_raw"] = min(x.transfer_cap[d], max(x.transfer_floor[d], grown))
        limit = s["move_raw"]
        return math.floor(limit) if limit < math.inf else limit

    def tick():
        for d in range(n_days):
            if d > 0:
                record(d - 1)
            s["moved"] = 0
            s["move_limit"] = transfer_limit(d)
            release_held(d)
            daily_decisions(d)
            assign_beds()  # new capacity takes waiting children at once
            yield _Tick(env, 1)

    def daily_decisions(d):
        s["cap"] = cap = cap_d[d]
        if influx_d[d] <= 0:  # no contract: nothing open, nothing being opened
            s["open_inf"], s["opening_day"] = 0, None
            return
        anyone_waiting = len(waiting) > 0
        if s["open_inf"] == 0 and s["opening_day"] is None:
            occupancy = s["used_std"] / cap if cap > 0 else 1.0
            if occupancy >= x.open_thr[d] or anyone_waiting:
                s["opening_day"] = d + lead_d[d]  # beds take children after the lead time
        if s["opening_day"] is not None and d >= s["opening_day"]:
            s["open_inf"], s["opening_day"] = influx_d[d], None
        if s["open_inf"] > 0:
            s["open_inf"] = influx_d[d]  # the contracted number changes with its date
            total = s["used_std"] + s["used_inf"]
            if not anyone_waiting and total < x.close_thr[d] * (cap + s["open_inf"]):
                s["open_inf"] = 0  # stop admitting; occupied beds close as children leave

    env.process(tick())
    env.process(source())
    env.run(until=n_days)  # events at or after the last midnight are not simulated
    record(n_days - 1)
    return out


def run_simulation_draw(sim, draw: int = 0) -> tuple[Inputs, Outputs]:
    """Inputs of ``sim``'s draw from corridor's stages, simulated by the SimPy reference."""
    x = inputs_from_simulation(sim, draw)
    return x, run_reference(x)
