"""ORR shelter custody: placement when a bed is free, release by a hazard, or aging out.

Referred children wait in CBP, first in first out, for a standard bed, or an influx bed when
those are open, and for a transfer (at most ``border.transfer_capacity`` children a day); the
kernel is ``engine/placement.py``. Each child's sponsor category (1 parent, 2 close relative,
3 other, 4 none: long-term foster care) is drawn at referral from the dated shares.

Release is a hazard on every child in care (see the kernel's docstring): the regime of the day
sets the release pace of each category, ``1 / mean``, so a dated change reaches every child
already in care at once; the shape of the length-of-care distribution (``shape`` and ``cv`` of
``orr.length_of_care``) sets how the hazard varies with progress through the case. The dated
mean ``orr.length_of_care.mean_days`` is the mean over ALL children (categories 1-4) of the
stay a regime would give if it held: category 4 has its own mean
(``orr.length_of_care.ltfc_mean_days``), and categories 1-3 share the rest in the ratios of
``orr.length_of_care.category_ratio``, so nothing is counted twice. Releases per day are limited
by case management (``orr.release.*``). Care ends at release to the sponsor, at the 18th
birthday (transfer to ICE), or, for a share of the children (``orr.discharge.other_share``), by
another route at the time the hazard gives (voluntary departure, repatriation, running away):
those are discharges but not releases to a sponsor.
"""

from __future__ import annotations

import numpy as np

from corridor.engine import delays
from corridor.engine.clock import Clock
from corridor.engine.placement import place
from corridor.engine.sorting import stable_order
from corridor.errors import CorridorError
from corridor.outputs.metrics import DailyMetrics, Tally
from corridor.parameters.tree import ParameterSet
from corridor.stages import delay, separation
from corridor.stages.children import SPONSOR_CATEGORIES
from corridor.stages.context import RunContext

DAYS_PER_YEAR = 365.25
MEAN = "orr.length_of_care.mean_days"


def _daily(params: ParameterSet, path: str, clock: Clock, group: str | None = None) -> np.ndarray:
    return params[path].daily(clock.origin, clock.n_days, group)


def category_shares(params: ParameterSet, clock: Clock) -> np.ndarray:
    """Sponsor category shares as an array [category, day], normalised to sum to 1."""
    s = np.stack(
        [_daily(params, "orr.sponsor.category_share", clock, c) for c in SPONSOR_CATEGORIES]
    )
    return s / s.sum(axis=0)


def category_means(params: ParameterSet, clock: Clock) -> np.ndarray:
    """Mean length of care of each regime by category, [day, category]: category 4 its own
    mean, categories 1-3 in the ratios given, so that the mean over all children entering on a
    day (weighted by that day's category shares) is the dated mean."""
    shares = category_shares(params, clock)
    ratio = np.stack(
        [
            _daily(params, "orr.length_of_care.category_ratio", clock, c)
            for c in SPONSOR_CATEGORIES[:3]
        ]
    )
    mean_all = _daily(params, MEAN, clock)
    ltfc = _daily(params, "orr.length_of_care.ltfc_mean_days", clock)
    rest = mean_all - shares[3] * ltfc  # child-days left for categories 1-3
    if np.any(rest <= 0):
        d = int(np.argmax(rest <= 0))
        raise CorridorError(
            params[MEAN].file,
            f"values: the mean over all children on {clock.date(d)} ({mean_all[d]:g} days) must "
            f"exceed the category-4 share times its mean ({shares[3, d] * ltfc[d]:.3g} days)",
        )
    base = rest / (shares[:3] * ratio).sum(axis=0)
    return np.vstack([base * ratio, ltfc[None, :]]).T


def run(ctx: RunContext) -> None:
    """Place and release every referred child; leaves the daily bed series for the metrics."""
    separation.add(ctx)  # the children separated from their parents in 2018 (appended rows)
    children, params, clock, streams = ctx.children, ctx.params, ctx.clock, ctx.streams
    referred = np.flatnonzero(np.isfinite(children.t_referral))
    order = referred[stable_order(children.t_referral[referred])]
    ref_day = np.minimum(children.t_referral[order].astype(np.int64), clock.n_days - 1)

    # each child's random numbers are drawn in apprehension order, so they do not depend on who
    # else was referred (common random numbers across scenarios and reporting windows)
    def per_child(name: str) -> np.ndarray:
        return streams[name].random(children.n)[order]

    cum = np.cumsum(category_shares(params, clock), axis=0)
    u = per_child("orr.sponsor")
    cat = (u[None, :] >= cum[:, ref_day]).sum(axis=0).clip(0, 3).astype(np.int8)

    u = per_child("border.transport_delay")
    transport = delay.draw(params, "border.transport_days", clock, u, ref_day)
    # one uniform per child: it is released when its cumulative hazard exceeds -log(u), i.e.
    # at the progress whose survival is u: the (1 - u)-quantile of the unit-mean stay
    u = per_child("orr.length_of_care")
    cv = _daily(params, "orr.length_of_care.cv", clock)[ref_day]
    work = delays.quantile(params[MEAN].shape, 1.0 - u, cv)
    age_out_years = params["orr.aging_out_age"].daily(clock.origin, clock.n_days)[ref_day]
    t_age_out = children.t_arrival[order] + (age_out_years - children.age[order]) * DAYS_PER_YEAR

    r = place(
        children.t_referral[order], transport, work, cat, t_age_out,
        cap_std=_daily(params, "orr.capacity.standard_beds", clock),
        influx_avail=_daily(params, "orr.influx.available_beds", clock),
        open_thr=_daily(params, "orr.influx.open_threshold", clock),
        close_thr=_daily(params, "orr.influx.close_threshold", clock),
        # no lead time while the episodes carry the sites' real opening dates (history)
        lead_days=_daily(params, "orr.influx.lead_days", clock)
        * (1.0 - _daily(params, "orr.influx.opening_dated", clock)),
        pace=1.0 / category_means(params, clock),
        transfer_cap=_daily(params, "border.transfer_capacity", clock),
        release_floor=_daily(params, "orr.release.case_management_floor", clock),
        release_growth=_daily(params, "orr.release.case_management_growth", clock),
        release_window=_daily(params, "orr.release.case_management_window", clock),
        deadline=ctx.state["transfer_deadline"][order],  # TVPRA 72 h (the border stage's)
        transfer_floor=_daily(params, "border.transfer_floor", clock),
        transfer_growth=_daily(params, "border.transfer_growth", clock),
        transfer_window=_daily(params, "border.transfer_window", clock),
        # the Ms. L order's rule (stages/separation.py)
        court_from=ctx.state["t_court_from"][order],
        court=ctx.state["t_court"][order],
    )  # fmt: skip
    children.sponsor_cat[order] = cat
    children.t_bed_assigned[order] = r.assign
    children.t_orr_start[order] = r.start
    children.t_orr_exit[order] = r.exit
    children.bed[order] = r.bed
    children.aged_out[order] = r.aged_out
    children.court_release[order] = r.by_court
    d0 = separation.order_day(ctx)
    if d0 is not None:  # a class member: separated, in care on the order's date
        children.court_class[:] = (
            children.separated & (children.t_orr_start <= d0) & (children.t_orr_exit > d0)
        )
    # which children leave care by a route other than a sponsor: one uniform per child, its own
    # stream, so the rest of the model's random numbers do not move
    u = per_child("orr.discharge_route")
    other_share = _daily(params, "orr.discharge.other_share", clock)[ref_day]
    children.discharged_other[order] = (
        (u < other_share) & ~r.aged_out & ~r.by_court & np.isfinite(r.exit)
    )
    # a child who turned 18 while waiting leaves CBP for ICE custody on the birthday
    aged_in_cbp = r.aged_out & ~np.isfinite(r.start)
    t_ice = np.maximum(t_age_out, children.t_referral[order])
    children.t_leave_cbp[order] = np.where(aged_in_cbp, t_ice, r.start)
    ready = np.full(children.n, np.inf)
    ready[order] = np.where(r.aged_out, np.inf, r.ready)
    ctx.state["t_release_ready"] = ready
    ctx.state["beds"] = {
        "influx_open": r.influx_open,
        "influx_in_use": r.influx_in_use,
        "standard_in_use": r.standard_in_use,
        "release_capacity": r.release_capacity,
        "transfers": r.transfers,
        "transfer_capacity": r.transfer_capacity,
    }


def metrics(ctx: RunContext, tally: Tally, out: DailyMetrics) -> None:
    """Shelter metrics: admissions, discharges, census by bed type, capacity, length of care, cost."""
    c, params, clock, beds = ctx.children, ctx.params, ctx.clock, ctx.state["beds"]
    start, exit_ = c.t_orr_start, c.t_orr_exit
    out.add("orr_admissions", "flow", tally.flow(start), unit="child")
    discharges = tally.flow(exit_)
    out.add("orr_discharges", "flow", discharges, unit="child")
    # care ended under the Ms. L order (stages/separation.py) is not a release to a sponsor
    to_sponsor = ~c.aged_out & ~c.discharged_other & ~c.court_release
    out.add("orr_released", "flow", tally.flow(exit_, to_sponsor), unit="child")
    out.add("orr_transfers_ice", "flow", tally.flow(exit_, c.aged_out), unit="child")
    out.add("orr_discharged_other", "flow", tally.flow(exit_, c.discharged_other), unit="child")
    aged_in_cbp = c.aged_out & ~np.isfinite(start)
    out.add("cbp_transfers_ice", "flow", tally.flow(c.t_leave_cbp, aged_in_cbp), unit="child")
    census = tally.stock(start, exit_)
    out.add("orr_census", "stock", census, unit="child")
    std = tally.stock(start, exit_, c.bed == 0)[-1]
    inf = tally.stock(start, exit_, c.bed == 1)[-1]
    out.add("orr_census_standard", "stock", std, unit="child")
    out.add("orr_census_influx", "stock", inf, unit="child")
    # beds close by attrition: a cut in funded beds never evicts a child, so a bed stays in
    # service while it is occupied (or reserved for a child in transport)
    funded = _daily(params, "orr.capacity.standard_beds", clock).astype(np.int64)
    std_beds = np.maximum(funded, beds["standard_in_use"])
    influx_beds = np.maximum(beds["influx_open"], beds["influx_in_use"])
    out.add("orr_capacity_standard", "stock", std_beds, unit="bed")
    out.add("orr_influx_open", "stock", influx_beds, unit="bed")
    capacity = std_beds + influx_beds
    out.add("orr_capacity", "stock", capacity, unit="bed")
    with np.errstate(divide="ignore", invalid="ignore"):
        out.add(
            "orr_occupancy",
            "stock",
            np.where(capacity > 0, census[-1] / capacity, 0.0),
            unit="share",
        )
        # the statistic the sources report: the mean stay of the children RELEASED to a sponsor
        # that day (not of those in care, not of transfers to ICE at 18, not of other routes)
        released = tally.flow(exit_, to_sponsor)
        los_sum = tally._by_day(
            exit_, to_sponsor, weights=np.where(np.isfinite(exit_), exit_ - start, 0.0)
        )
        los = np.where(released > 0, los_sum / np.maximum(released, 1), np.nan)
        rate = np.where(census > 0, discharges / np.maximum(census, 1), np.nan)
    out.add("orr_length_of_care_days", "average", los, weight="orr_released", unit="day")
    out.add("orr_discharge_rate", "average", rate, weight="orr_census", unit="1/day")
    # case management: the day's release limit, and children ready but not yet released
    out.add("orr_release_capacity", "stock", beds["release_capacity"], unit="child/day")
    ready = ctx.state["t_release_ready"]
    held = np.isfinite(ready) & (exit_ > ready)
    out.add("orr_awaiting_release", "stock", tally.stock(ready, exit_, held), unit="child")
    cost_std = _daily(params, "orr.cost.standard_per_child_day", clock)
    cost_inf = _daily(params, "orr.cost.influx_per_child_day", clock)
    std_days = tally.child_days(start, exit_, c.bed == 0)
    inf_days = tally.child_days(start, exit_, c.bed == 1)
    out.add("cost_orr", "flow", std_days * cost_std + inf_days * cost_inf, unit="USD")
    separation.metrics(ctx, tally, out)
