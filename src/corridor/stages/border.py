"""Border Patrol (CBP) custody: screening, return, expulsion and referral to ORR.

* Children of a country with a TVPRA contiguous-country return share (by law Mexico; the House
  bill of 2014 would extend it) are screened within 48 hours and that share is returned at once
  (``returned_contiguous``).
* While the Title 42 order applied to children, a share was expelled without referral.
* Everyone else is referred to ORR after a processing delay and waits in CBP until a bed is
  assigned (the shelter stage) and the transport arrives.

The statute's two deadlines for referred children (8 U.S.C. 1232(b)) are rules here, not tunings:

* notice to HHS within 48 hours (``border.notice_deadline_hours``): the referral delay is cut to
  it;
* transfer within 72 hours "absent exceptional circumstances" (``border.transfer_deadline_hours``):
  each child's deadline (``transfer_deadline``, absolute time) goes to the placement kernel, which
  moves a child given a bed and a transfer at its referral so that it arrives by the deadline. The
  exceptional circumstances are the model's: no free bed, or the day's transfer capacity used up;
  a child who waited takes its whole transport delay and may be held past the limit
  (``cbp_over_72h``).

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

HOURS_PER_DAY = 24.0


def by_country_daily(params: ParameterSet, path: str, clock: Clock) -> np.ndarray:
    """A per-country dated parameter as an array [country, day]."""
    p = params[path]
    return np.stack([p.daily(clock.origin, clock.n_days, c) for c in COUNTRIES])


def deadline_days(params: ParameterSet, path: str, clock: Clock, day: np.ndarray) -> np.ndarray:
    """A dated limit in hours (the statute's deadlines), in days, in force on each ``day``."""
    return params[path].daily(clock.origin, clock.n_days)[day] / HOURS_PER_DAY


def transfer_deadline(params: ParameterSet, clock: Clock, t_arrival: np.ndarray) -> np.ndarray:
    """Each child's TVPRA transfer deadline (time, days): apprehension + the limit in force on
    its apprehension day. The one definition the kernel and the ``cbp_over_72h`` metric share."""
    day = np.minimum(t_arrival.astype(np.int64), clock.n_days - 1)
    return t_arrival + deadline_days(params, "border.transfer_deadline_hours", clock, day)


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
    referral = delay.draw(params, "border.referral_days", clock, u, day)
    # the notice to HHS (the referral) comes within the statute's 48 hours
    referral = np.minimum(
        referral, deadline_days(params, "border.notice_deadline_hours", clock, day)
    )
    children.t_referral = np.where(quick, np.inf, children.t_arrival + referral)
    # read by the shelter stage's placement kernel: the time by which a child placed at once
    # must be in ORR care
    ctx.state["transfer_deadline"] = transfer_deadline(params, clock, children.t_arrival)


def metrics(ctx: RunContext, tally: Tally, out: DailyMetrics) -> None:
    """Border metrics: arrivals, returns, expulsions, referrals, children held, CBP cost."""
    c, params, clock = ctx.children, ctx.params, ctx.clock
    # the two inflows: Border Patrol apprehensions, and children encountered at ports of entry
    # (children separated from a parent were apprehended in family units: not in these counts)
    out.add("arrivals", "flow", tally.flow(c.t_arrival, ~c.port & ~c.separated), unit="child")
    out.add("arrivals_ports", "flow", tally.flow(c.t_arrival, c.port & ~c.separated), unit="child")
    out.add("returned_contiguous", "flow", tally.flow(c.t_leave_cbp, c.returned), unit="child")
    out.add("expelled_title42", "flow", tally.flow(c.t_leave_cbp, c.expelled), unit="child")
    # every referral to ORR, the separated children's included (they were referred as
    # unaccompanied once separated; orr_referrals_separated counts them on their own)
    out.add("orr_referrals", "flow", tally.flow(c.t_referral), unit="child")
    out.add("cbp_census", "stock", tally.stock(c.t_arrival, c.t_leave_cbp), unit="child")
    t_over = ctx.state["transfer_deadline"]
    over = c.t_leave_cbp > t_over
    out.add("cbp_over_72h", "stock", tally.stock(t_over, c.t_leave_cbp, over), unit="child")
    # waiting ends with a bed, or on leaving CBP without one (turned 18: to ICE custody)
    awaiting_end = np.minimum(c.t_bed_assigned, c.t_leave_cbp)
    referred = np.isfinite(c.t_referral)  # returned and expelled children never wait for a bed
    awaiting = tally.stock(c.t_referral, awaiting_end, referred)
    out.add("cbp_awaiting_bed", "stock", awaiting, unit="child")
    cost = params["border.cost_per_child_day"].daily(clock.origin, clock.n_days)
    out.add("cost_cbp", "flow", tally.child_days(c.t_arrival, c.t_leave_cbp) * cost, unit="USD")
