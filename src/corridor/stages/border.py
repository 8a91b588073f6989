"""Border Patrol (CBP) custody: screening, return, expulsion and referral to ORR.

* Children of a country with a TVPRA contiguous-country return share (by law Mexico; the House
  bill of 2014 would extend it) are screened within 48 hours and that share is returned at once
  (``returned_contiguous``).
* While the Title 42 order applied to children, a share was expelled without referral.
* Everyone else is referred to ORR after a processing delay and waits in CBP until a bed is
  assigned (the shelter stage) and the transport arrives.

Delays are drawn by ``stages/delay.py`` from the family their parameter file names (uniform on
[0, 2 x mean] for these: bounded, as the legal deadlines are) and the sourced or assumed mean.
"""

from __future__ import annotations

import numpy as np

from corridor.engine.clock import Clock
from corridor.outputs.metrics import DailyMetrics, Tally
from corridor.parameters.tree import ParameterSet
from corridor.stages import delay
from corridor.stages.children import COUNTRIES
from corridor.stages.context import RunContext


def by_country_daily(params: ParameterSet, path: str, clock: Clock) -> np.ndarray:
    """A per-country dated parameter as an array [country, day]."""
    p = params[path]
    return np.stack([p.daily(clock.origin, clock.n_days, c) for c in COUNTRIES])


def run(ctx: RunContext) -> None:
    children, params, clock, streams = ctx.children, ctx.params, ctx.clock, ctx.streams
    day = np.minimum(children.t_arrival.astype(np.int64), clock.n_days - 1)
    cty = children.country.astype(np.int64)
    n = children.n

    return_share = by_country_daily(params, "border.tvpra_return_share", clock)[cty, day]
    children.returned = streams["border.tvpra_screening"].random(n) < return_share
    expel_share = by_country_daily(params, "border.expulsion_share", clock)[cty, day]
    children.expelled = ~children.returned & (streams["border.expulsion"].random(n) < expel_share)

    quick = children.returned | children.expelled
    u = streams["border.screening_delay"].random(n)
    leave = children.t_arrival + delay.draw(params, "border.screening_days", clock, u, day)
    children.t_leave_cbp = np.where(quick, leave, np.inf)

    u = streams["border.referral_delay"].random(n)
    t_ref = children.t_arrival + delay.draw(params, "border.referral_days", clock, u, day)
    children.t_referral = np.where(quick, np.inf, t_ref)


def metrics(ctx: RunContext, tally: Tally, out: DailyMetrics) -> None:
    """Border metrics: arrivals, returns, expulsions, referrals, children held, CBP cost."""
    c, params, clock = ctx.children, ctx.params, ctx.clock
    # the two inflows: Border Patrol apprehensions, and children encountered at ports of entry
    out.add("arrivals", "flow", tally.flow(c.t_arrival, ~c.port), unit="child")
    out.add("arrivals_ports", "flow", tally.flow(c.t_arrival, c.port), unit="child")
    out.add("returned_contiguous", "flow", tally.flow(c.t_leave_cbp, c.returned), unit="child")
    out.add("expelled_title42", "flow", tally.flow(c.t_leave_cbp, c.expelled), unit="child")
    out.add("orr_referrals", "flow", tally.flow(c.t_referral), unit="child")
    out.add("cbp_census", "stock", tally.stock(c.t_arrival, c.t_leave_cbp), unit="child")
    limit = params["border.transfer_deadline_hours"].daily(clock.origin, clock.n_days) / 24.0
    day = np.minimum(c.t_arrival.astype(np.int64), clock.n_days - 1)
    t_over = c.t_arrival + limit[day]
    over = c.t_leave_cbp > t_over
    out.add("cbp_over_72h", "stock", tally.stock(t_over, c.t_leave_cbp, over), unit="child")
    # waiting ends with a bed, or on leaving CBP without one (turned 18: to ICE custody)
    awaiting_end = np.minimum(c.t_bed_assigned, c.t_leave_cbp)
    referred = np.isfinite(c.t_referral)  # returned and expelled children never wait for a bed
    awaiting = tally.stock(c.t_referral, awaiting_end, referred)
    out.add("cbp_awaiting_bed", "stock", awaiting, unit="child")
    cost = params["border.cost_per_child_day"].daily(clock.origin, clock.n_days)
    out.add("cost_cbp", "flow", tally.child_days(c.t_arrival, c.t_leave_cbp) * cost, unit="USD")
