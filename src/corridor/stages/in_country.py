"""In-country processing: children apply from home (CAM-style), and those approved in time
travel safely instead of making the journey.

**Who applies.** Two populations share one queue:

* *children who would otherwise set out* (rows of ``Children`` still headed for the border):
  a child from a country with a qualifying parent (``in_country.eligible_share``) whom the
  program reaches (``migrant_reach``, a policy quantity, 0 in the baseline) applies with
  probability ``apply_share``. Its family applies a wait (uniform on [0, 2 x patience_days])
  before the date the child would have left, or on the first later day applications are
  accepted (``accepting_applications``); if no such day comes before that date it does not apply;
* *children who would not have come* (the historical CAM applicants,
  ``other_applications_per_day`` by country while applications are accepted), drawn from their
  own random streams: Poisson counts per day and country by inverse transform (one uniform per
  day and country, so a change of rate on one day does not move any other day's count).

**Processing.** Prescreening and DNA (uniform on [0, 2 x prescreen_days]); then refugee
interviews, first come first served with ``interviews_per_day`` (capacity unused on a day is
lost; when it is 0 cases wait, as the cases closed in January 2018 waited for the 2021
reopening); the decision (uniform on [0, 2 x decision_days]): refugee status with probability
``refugee_share``, else parole with probability ``parole_share`` while ``parole_available``, else
denial; then travel (uniform on [0, 2 x travel_days] by track). Each delay is drawn by
``stages/delay.py`` from the shape its parameter file names (these ship ``uniform``). A parolee
whose parole is
withdrawn before arrival (``parole_available`` falls to 0 between decision and arrival, as on 16
August 2017) does not arrive.

**Journeys avoided.** A child who would otherwise have set out withdraws its case when it
leaves: if no decision has come by its departure date, or it is denied, or its parole is
withdrawn, it sets out irregularly on the date it would have (and reaches the border as in the
baseline). If it is approved by that date and arrives safely, its journey is avoided: its row
keeps its numbers but gets ``t_arrival = NEVER`` and fate ``in_country``, and it skips the
border, shelter and court stages. ``journeys_avoided`` is dated on the day the child would have
been apprehended, so in the same draw ``arrivals`` fall by exactly ``journeys_avoided`` on every
day; ``cam_arrivals_avoiding_journey`` counts the same children on their safe-arrival day.
A case withdrawn at departure gives up its place in the interview queue (reneging).
"""

from __future__ import annotations

import numba
import numpy as np

from corridor.engine.clock import Clock
from corridor.engine.sorting import stable_order
from corridor.outputs.metrics import DailyMetrics, Tally
from corridor.parameters.tree import ParameterSet
from corridor.stages import delay
from corridor.stages.children import COUNTRIES, FATES, NEVER
from corridor.stages.context import RunContext

IN_COUNTRY = FATES.index("in_country")
REFUGEE, PAROLE, DENIED = 0, 1, 2


def _daily(params: ParameterSet, name: str, clock: Clock, group: str | None = None) -> np.ndarray:
    return params[f"in_country.{name}"].daily(clock.origin, clock.n_days, group)


def _delay(params, name, clock, u, day, group=None) -> np.ndarray:
    return delay.draw(params, f"in_country.{name}", clock, u, day, group)


def _by_country(params: ParameterSet, name: str, clock: Clock) -> np.ndarray:
    return np.stack([_daily(params, name, clock, c) for c in COUNTRIES])


def _day(t: np.ndarray, clock: Clock) -> np.ndarray:
    return np.clip(
        np.floor(np.where(np.isfinite(t), t, clock.n_days - 1)), 0, clock.n_days - 1
    ).astype(np.int64)


def poisson_quantile(u: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """The Poisson(lam) count at quantile u (inverse transform), elementwise."""
    k = np.zeros(u.shape, dtype=np.int64)
    p = np.exp(-lam)
    cdf = p.copy()
    j = 0
    while True:
        more = u > cdf
        if not more.any():
            return k
        j += 1
        k += more
        p = p * lam / j
        cdf = cdf + p


@numba.njit(cache=True)
def _interviews(ready, deadline, first_slot, cum_capacity):
    """First come first served with daily capacity and reneging.

    Applicants in order of ``ready`` take capacity units ("slots") 1, 2, ...; slot ``s`` is
    available on the first day ``D`` with ``cum_capacity[D] >= s``; an applicant ready on day
    ``r`` can only use slots not already past (``s >= first_slot``, the first slot of day ``r``).
    An applicant whose slot would fall after its ``deadline`` leaves without using one.
    Returns the interview day of each applicant (-1: none)."""
    n = ready.shape[0]
    n_days = cum_capacity.shape[0]
    day = np.full(n, -1, dtype=np.int64)
    last = 0.0
    total = cum_capacity[n_days - 1]
    for i in range(n):
        s = max(last + 1.0, first_slot[i])
        if s > total:
            continue
        d = np.searchsorted(cum_capacity, s)  # first day with cum_capacity >= s
        t = max(float(d) + 0.5, ready[i])
        if t > deadline[i]:
            continue
        day[i] = d
        last = s
    return day


def _next_open(flag: np.ndarray) -> np.ndarray:
    """For each day, the first day on or after it with the flag on (n_days if none)."""
    n = len(flag)
    idx = np.where(flag > 0, np.arange(n), n)
    return np.minimum.accumulate(idx[::-1])[::-1]


def run(ctx: RunContext) -> None:
    c, params, clock, streams = ctx.children, ctx.params, ctx.clock, ctx.streams
    n, n_days = c.n, clock.n_days
    cty = c.country.astype(np.int64)

    # per-child numbers, drawn for every row in row order (common random numbers)
    def per_child(name: str) -> np.ndarray:
        return streams[f"in_country.{name}"].random(n)

    u_elig, u_apply, u_wait = per_child("eligible"), per_child("apply"), per_child("patience")
    u_pre, u_dec, u_out, u_travel = (
        per_child("prescreen"), per_child("decision"), per_child("outcome"), per_child("travel")
    )  # fmt: skip

    accepting = _daily(params, "accepting_applications", clock)
    next_open = _next_open(accepting)
    d_dep = _day(c.t_depart, clock)
    eligible = u_elig < _by_country(params, "eligible_share", clock)[cty, d_dep]
    applies = u_apply < (
        _daily(params, "migrant_reach", clock)[d_dep] * _daily(params, "apply_share", clock)[d_dep]
    )
    candidate = (c.fate == 0) & eligible & applies & np.isfinite(c.t_depart)
    t_want = c.t_depart - _delay(params, "patience_days", clock, u_wait, d_dep)
    opens = next_open[_day(t_want, clock)].astype(float)
    t_app = np.maximum(t_want, opens)
    migrant = candidate & (opens < n_days) & (t_app < c.t_depart)
    mi = np.flatnonzero(migrant)

    # the other applicants: Poisson counts per country and day, from their own streams
    # drawn day by day (then country), so a day's numbers do not depend on the simulated period
    rate = (_by_country(params, "other_applications_per_day", clock) * accepting[None, :]).T
    counts = poisson_quantile(streams["in_country.others.count"].random(rate.shape), rate)
    o_day = np.repeat(np.repeat(np.arange(n_days), len(COUNTRIES)), counts.ravel())
    o_cty = np.repeat(np.tile(np.arange(len(COUNTRIES)), n_days), counts.ravel())
    m = len(o_cty)

    def per_other(name: str) -> np.ndarray:
        return streams[f"in_country.others.{name}"].random(m)

    o_app = o_day + per_other("timing")
    o_pre, o_dec, o_out, o_travel = (
        per_other("prescreen"), per_other("decision"), per_other("outcome"), per_other("travel")
    )  # fmt: skip

    # one queue: migrants first, then the others (stable order among equal ready times)
    app = np.concatenate([t_app[mi], o_app])
    pre = np.concatenate([u_pre[mi], o_pre])
    ready = app + _delay(params, "prescreen_days", clock, pre, _day(app, clock))
    deadline = np.concatenate([c.t_depart[mi], np.full(m, np.inf)])
    order = stable_order(ready)
    cum = np.cumsum(_daily(params, "interviews_per_day", clock))
    ready_day = _day(ready, clock)
    first_slot = np.floor(np.where(ready_day > 0, cum[ready_day - 1], 0.0)) + 1.0
    iv_day = np.full(len(app), -1, dtype=np.int64)
    iv_day[order] = _interviews(ready[order], deadline[order], first_slot[order], cum)
    interviewed = iv_day >= 0
    t_iv = np.where(interviewed, np.maximum(iv_day + 0.5, ready), np.inf)

    dec = np.concatenate([u_dec[mi], o_dec])
    t_dec = t_iv + _delay(params, "decision_days", clock, dec, _day(t_iv, clock))
    t_dec = np.where(t_dec < deadline, t_dec, np.inf)  # a migrant leaves before its decision
    decided = np.isfinite(t_dec) & (t_dec < n_days)
    d_dec = _day(t_dec, clock)
    out = np.concatenate([u_out[mi], o_out])
    refugee = _daily(params, "refugee_share", clock)[d_dec]
    parole = _daily(params, "parole_share", clock)[d_dec]
    parole_on = _daily(params, "parole_available", clock)
    track = np.where(
        out < refugee, REFUGEE,
        np.where((out < refugee + parole) & (parole_on[d_dec] > 0), PAROLE, DENIED),
    )  # fmt: skip
    approved = decided & (track != DENIED)
    trav = np.concatenate([u_travel[mi], o_travel])
    travel = np.where(
        track == PAROLE,
        _delay(params, "travel_days", clock, trav, d_dec, "parole"),
        _delay(params, "travel_days", clock, trav, d_dec, "refugee"),
    )
    t_arr = np.where(approved, t_dec + travel, np.inf)
    # parole withdrawn between decision and arrival: the approval lapses
    closed_days = np.cumsum(parole_on <= 0)
    lapsed = approved & (track == PAROLE) & (closed_days[_day(t_arr, clock)] > closed_days[d_dec])
    t_arr = np.where(lapsed, np.inf, t_arr)

    k = len(mi)
    c.t_cam_apply[mi] = t_app[mi]
    c.t_cam_decision[mi] = np.where(decided[:k], t_dec[:k], np.inf)
    c.cam_approved[mi] = approved[:k]
    c.t_cam_arrival[mi] = t_arr[:k]
    avoided = mi[np.isfinite(t_arr[:k])]
    c.fate[avoided] = IN_COUNTRY
    c.t_arrival = c.t_arrival.copy()
    c.t_arrival[avoided] = NEVER

    ctx.state["in_country_others"] = {
        "country": o_cty.astype(np.int8),
        "t_apply": o_app,
        "t_interview": t_iv[k:],
        "t_decision": np.where(decided[k:], t_dec[k:], np.inf),
        "approved": approved[k:],
        "t_arrival": t_arr[k:],
    }
    ctx.state["in_country_migrants"] = {"t_interview": t_iv[:k], "index": mi}


def metrics(ctx: RunContext, tally: Tally, out: DailyMetrics) -> None:
    """cam_applications, cam_interviews, cam_approved, cam_denied, cam_arrivals,
    cam_withdrawn, cam_waiting, journeys_avoided, cam_arrivals_avoiding_journey,
    cost_in_country."""
    c, params, clock = ctx.children, ctx.params, ctx.clock
    o = ctx.state["in_country_others"]
    mig = ctx.state["in_country_migrants"]
    other = Tally(o["country"], clock.n_days)
    t_iv = np.full(c.n, np.inf)
    t_iv[mig["index"]] = mig["t_interview"]
    applied = np.isfinite(c.t_cam_apply)
    decided = np.isfinite(c.t_cam_decision)
    o_decided = np.isfinite(o["t_decision"])

    def both(mine: np.ndarray, theirs: np.ndarray, mine_mask=None, their_mask=None):
        return tally.flow(mine, mine_mask) + other.flow(theirs, their_mask)

    out.add("cam_applications", "flow", both(c.t_cam_apply, o["t_apply"]), unit="child")
    interviews = both(t_iv, o["t_interview"])
    out.add("cam_interviews", "flow", interviews, unit="child")
    out.add(
        "cam_approved",
        "flow",
        both(c.t_cam_decision, o["t_decision"], c.cam_approved, o["approved"]),
        unit="child",
    )
    out.add("cam_denied", "flow",
            both(c.t_cam_decision, o["t_decision"], decided & ~c.cam_approved,
                 o_decided & ~o["approved"]), unit="child")  # fmt: skip
    arrivals = both(c.t_cam_arrival, o["t_arrival"])
    out.add("cam_arrivals", "flow", arrivals, unit="child")
    withdrawn = applied & ~decided
    out.add("cam_withdrawn", "flow", tally.flow(np.where(withdrawn, c.t_depart, np.inf)),
            unit="child")  # fmt: skip
    t_end_wait = np.where(withdrawn, c.t_depart, c.t_cam_decision)
    out.add("cam_waiting", "stock",
            tally.stock(c.t_cam_apply, t_end_wait, applied)
            + other.stock(o["t_apply"], o["t_decision"]), unit="child")  # fmt: skip
    avoided = c.fate == IN_COUNTRY
    out.add("journeys_avoided", "flow", tally.flow(c.t_expected, avoided), unit="child")
    out.add("cam_arrivals_avoiding_journey", "flow", tally.flow(c.t_cam_arrival, avoided),
            unit="child")  # fmt: skip
    per_case = _daily(params, "cost_per_case", clock)
    per_arrival = _daily(params, "cost_per_arrival", clock)
    out.add("cost_in_country", "flow", interviews * per_case + arrivals * per_arrival, unit="USD")
