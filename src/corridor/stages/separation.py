"""Children separated from their parents by DHS and referred to ORR (2018's "zero tolerance").

They were members of family units, so they are not in CBP's counts of unaccompanied children
(the history's arrivals); once separated, DHS classified them as unaccompanied and referred them
to ORR, which cared for them (HHS, 26 June 2018: 11,800 children in ORR care, 2,047 of them
separated). The shelter stage adds them to the children (``add``) before it places anyone, at the end of the rows (no other child's random numbers move):

* a dated inflow (``orr.separated.referrals_per_day``, a Poisson count a day, times uniform in
  the day); the referral follows the separation by the border's referral delay and the TVPRA
  72-hour deadline applies as to any referred child;
* in ORR care they are released by the ordinary hazard, with their own sponsor categories, until
  the Ms. L v. ICE order (``orr.separated.court_order``, 26 June 2018); a child referred before
  the order and still in care on its date is a class member, reunified by the order's deadlines
  (under-fives by ``reunify_by_days.under5``, the others by ``.over5``, uniformly from
  ``reunify_from_days``), or, for the ``held_share`` whose parents were removed or not
  eligible, an exponential stay after the deadline (``held_mean_days``), unless the ordinary
  hazard released it before the order. This stage gives each child the day from which the
  order decides (``ctx.state["t_court_from"]``, the order's date for a child referred before
  it, inf for every other child) and the time the order's rule ends its care
  (``ctx.state["t_court"]``); the placement kernel releases by the hazard a child it makes
  ready before the order's date, and otherwise ends care at the order's time. A release under
  the order does not wait for a case manager and is not a release to a sponsor
  (``orr_reunified_court``): the held children's later discharges (to a sponsor, or abroad to
  a removed parent) are in it too, as the counts of class members in care that it follows
  include every route out.

Their court cases are not modelled: a reunified child's case went with its parent's (the
model's docket is of unaccompanied children's cases), and the cases of the few held for months
are left out (a limitation).
"""

from __future__ import annotations

import numpy as np

from corridor.engine import delays
from corridor.outputs.metrics import DailyMetrics, Tally
from corridor.stages import border, delay
from corridor.stages.children import COUNTRIES
from corridor.stages.context import RunContext

P = "orr.separated."
DAYS_PER_YEAR = 365.25
GROUPS = ("under5", "over5")


def _daily(ctx: RunContext, name: str, group: str | None = None) -> np.ndarray:
    return ctx.params[P + name].daily(ctx.clock.origin, ctx.clock.n_days, group)


def order_day(ctx: RunContext) -> int | None:
    """The first day the Ms. L order applies (``court_order`` is 1), or None."""
    on = np.flatnonzero(_daily(ctx, "court_order") >= 0.5)
    return int(on[0]) if on.size else None


def add(ctx: RunContext) -> None:
    """Append the separated children (border stage's columns and ``t_court``)."""
    c, clock, streams = ctx.children, ctx.clock, ctx.streams
    n_old = c.n
    rate = _daily(ctx, "referrals_per_day")
    rng = streams["orr.separated"]
    counts = rng.poisson(rate)
    n = int(counts.sum())
    ctx.state.setdefault("t_court", np.full(n_old, np.inf))
    ctx.state.setdefault("t_court_from", np.full(n_old, np.inf))
    if n == 0:
        return
    day = np.repeat(np.arange(clock.n_days), counts)
    t_sep = day + rng.random(n)
    u = rng.random((n, 5))  # country, age group, age, held or not, time (one each, fixed order)
    share = np.stack([_daily(ctx, "country_share", k)[day] for k in COUNTRIES])
    cum = np.cumsum(share / share.sum(axis=0), axis=0)
    country = (u[:, 0][None, :] >= cum).sum(axis=0).clip(0, len(COUNTRIES) - 1)
    under5 = u[:, 1] < _daily(ctx, "under5_share")[day]
    age = np.where(under5, 5.0 * u[:, 2], 5.0 + 13.0 * u[:, 2])
    # referral after the border's processing delay, within the statute's 48-hour notice
    referral = delay.draw(ctx.params, "border.referral_days", clock, rng.random(n), day)
    referral = np.minimum(
        referral, border.deadline_days(ctx.params, "border.notice_deadline_hours", clock, day)
    )
    t_ref = t_sep + referral
    c.extend(
        t_sep, country.astype(c.country.dtype), age=age, separated=np.ones(n, bool),
        t_referral=t_ref, t_leave_cbp=np.full(n, np.inf),
    )  # fmt: skip
    deadline = border.transfer_deadline(ctx.params, clock, t_sep)
    ctx.state["transfer_deadline"] = np.concatenate([ctx.state["transfer_deadline"], deadline])
    court_from, court = court_times(ctx, t_ref, under5, u)
    ctx.state["t_court_from"] = np.concatenate([ctx.state["t_court_from"], court_from])
    ctx.state["t_court"] = np.concatenate([ctx.state["t_court"], court])


def court_times(ctx: RunContext, t_ref: np.ndarray, under5: np.ndarray, u: np.ndarray):
    """From when the Ms. L order decides each child's release, and when its rule ends care
    (both inf where the order does not apply: a child referred on or after its date). Whether
    the child is still in care on that date (a class member) is the kernel's to find."""
    d0 = order_day(ctx)
    out = np.full(t_ref.size, np.inf)
    if d0 is None:
        return out, out.copy()
    g = np.where(under5, 0, 1)
    start = np.array([_daily(ctx, "reunify_from_days", k)[d0] for k in GROUPS])[g]
    end = np.array([_daily(ctx, "reunify_by_days", k)[d0] for k in GROUPS])[g]
    end = np.maximum(end, start)
    held = u[:, 3] < np.array([_daily(ctx, "held_share", k)[d0] for k in GROUPS])[g]
    reunified = d0 + start + (end - start) * u[:, 4]
    p = ctx.params[P + "held_mean_days"]
    stay = delays.draw(p.shape, u[:, 4], p.daily(ctx.clock.origin, ctx.clock.n_days)[d0])
    later = d0 + end + stay
    before = t_ref < d0
    out[before] = np.where(held, later, reunified)[before]
    return np.where(before, float(d0), np.inf), out


def metrics(ctx: RunContext, tally: Tally, out: DailyMetrics) -> None:
    """The separated children on their own (they are also in the ORR totals)."""
    c = ctx.children
    sep = c.separated
    out.add("separations", "flow", tally.flow(c.t_arrival, sep), unit="child")
    out.add("orr_referrals_separated", "flow", tally.flow(c.t_referral, sep), unit="child")
    out.add(
        "orr_census_separated", "stock", tally.stock(c.t_orr_start, c.t_orr_exit, sep),
        unit="child",
    )  # fmt: skip
    out.add("orr_reunified_court", "flow", tally.flow(c.t_orr_exit, c.court_release), unit="child")
