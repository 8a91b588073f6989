"""ORR shelter custody: placement when a bed is free, length of care, release or aging out.

Referred children wait in CBP, first in first out, for a standard bed, or an influx bed when
those are open (the placement kernel in ``engine/placement.py``). Each child's sponsor category
(1 parent, 2 close relative, 3 other, 4 none: long-term foster care) is drawn at referral from the
dated shares. Length of care is lognormal, with the mean of the regime in force on the day care
starts: the dated mean for children released to sponsors, split across categories 1-3 by the
category ratios, and the long-term foster care mean for category 4. Care ends at release to the
sponsor, or at the 18th birthday (transfer to ICE).
"""

from __future__ import annotations

import numpy as np

from corridor.engine.clock import Clock
from corridor.engine.placement import place
from corridor.outputs.metrics import DailyMetrics, Tally
from corridor.parameters.tree import ParameterSet
from corridor.stages.children import SPONSOR_CATEGORIES
from corridor.stages.context import RunContext

DAYS_PER_YEAR = 365.25


def _daily(params: ParameterSet, path: str, clock: Clock, group: str | None = None) -> np.ndarray:
    return params[path].daily(clock.origin, clock.n_days, group)


def category_shares(params: ParameterSet, clock: Clock) -> np.ndarray:
    """Sponsor category shares as an array [category, day], normalised to sum to 1."""
    s = np.stack(
        [_daily(params, "orr.sponsor.category_share", clock, c) for c in SPONSOR_CATEGORIES]
    )
    return s / s.sum(axis=0)


def lognormal_by_category(params: ParameterSet, clock: Clock) -> tuple[np.ndarray, np.ndarray]:
    """log-mean and log-sd of length of care, arrays [day, category]."""
    shares = category_shares(params, clock)
    ratio = np.stack(
        [
            _daily(params, "orr.length_of_care.category_ratio", clock, c)
            for c in SPONSOR_CATEGORIES[:3]
        ]
    )
    released_mean = _daily(params, "orr.length_of_care.mean_days", clock)
    # scale the ratios so the mean over children released to sponsors (cat 1-3) is the dated mean
    w = shares[:3] / shares[:3].sum(axis=0)
    cat_mean = released_mean * ratio / (w * ratio).sum(axis=0)
    ltfc = _daily(params, "orr.length_of_care.ltfc_mean_days", clock)
    mean = np.vstack([cat_mean, ltfc[None, :]]).T
    cv = _daily(params, "orr.length_of_care.cv", clock)
    sigma2 = np.log1p(cv**2)[:, None] * np.ones((1, 4))
    return np.log(mean) - sigma2 / 2.0, np.sqrt(sigma2)


def run(ctx: RunContext) -> None:
    """Place every referred child; leaves the daily bed series for the metrics in ctx.state."""
    children, params, clock, streams = ctx.children, ctx.params, ctx.clock, ctx.streams
    referred = np.flatnonzero(np.isfinite(children.t_referral))
    order = referred[np.argsort(children.t_referral[referred], kind="stable")]
    ref_day = np.minimum(children.t_referral[order].astype(np.int64), clock.n_days - 1)

    # each child's random numbers are drawn in apprehension order, so they do not depend on who
    # else was referred (common random numbers across scenarios and reporting windows)
    def per_child(name: str, normal: bool = False) -> np.ndarray:
        rng = streams[name]
        u = rng.standard_normal(children.n) if normal else rng.random(children.n)
        return u[order]

    cum = np.cumsum(category_shares(params, clock), axis=0)
    u = per_child("orr.sponsor")
    cat = (u[None, :] >= cum[:, ref_day]).sum(axis=0).clip(0, 3).astype(np.int8)

    transport = _daily(params, "border.transport_days", clock)[ref_day]
    transport = per_child("border.transport_delay") * 2.0 * transport
    los_z = per_child("orr.length_of_care", normal=True)
    age_out_years = params["orr.aging_out_age"].daily(clock.origin, clock.n_days)[ref_day]
    t_age_out = children.t_arrival[order] + (age_out_years - children.age[order]) * DAYS_PER_YEAR

    log_mu, sigma = lognormal_by_category(params, clock)
    r = place(
        children.t_referral[order], transport, los_z, cat, t_age_out,
        cap_std=_daily(params, "orr.capacity.standard_beds", clock),
        influx_avail=_daily(params, "orr.influx.available_beds", clock),
        open_thr=_daily(params, "orr.influx.open_threshold", clock),
        close_thr=_daily(params, "orr.influx.close_threshold", clock),
        lead_days=_daily(params, "orr.influx.lead_days", clock),
        log_mu=log_mu, sigma=sigma,
    )  # fmt: skip
    children.sponsor_cat[order] = cat
    children.t_bed_assigned[order] = r.assign
    children.t_orr_start[order] = r.start
    children.t_orr_exit[order] = r.exit
    children.bed[order] = r.bed
    children.aged_out[order] = r.aged_out
    # a child who turned 18 while waiting leaves CBP for ICE custody on the birthday
    aged_in_cbp = r.aged_out & ~np.isfinite(r.start)
    t_ice = np.maximum(t_age_out, children.t_referral[order])
    children.t_leave_cbp[order] = np.where(aged_in_cbp, t_ice, r.start)
    ctx.state["beds"] = {
        "influx_open": r.influx_open,
        "influx_in_use": r.influx_in_use,
        "standard_in_use": r.standard_in_use,
    }


def metrics(ctx: RunContext, tally: Tally, out: DailyMetrics) -> None:
    """Shelter metrics: admissions, discharges, census by bed type, capacity, length of care, cost."""
    c, params, clock, beds = ctx.children, ctx.params, ctx.clock, ctx.state["beds"]
    start, exit_ = c.t_orr_start, c.t_orr_exit
    out.add("orr_admissions", "flow", tally.flow(start), unit="child")
    discharges = tally.flow(exit_)
    out.add("orr_discharges", "flow", discharges, unit="child")
    out.add("orr_released", "flow", tally.flow(exit_, ~c.aged_out), unit="child")
    out.add("orr_transfers_ice", "flow", tally.flow(exit_, c.aged_out), unit="child")
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
        los_sum = tally._by_day(
            exit_, None, weights=np.where(np.isfinite(exit_), exit_ - start, 0.0)
        )
        los = np.where(discharges > 0, los_sum / np.maximum(discharges, 1), np.nan)
        rate = np.where(census > 0, discharges / np.maximum(census, 1), np.nan)
    out.add("orr_length_of_care_days", "average", los, weight="orr_discharges", unit="day")
    out.add("orr_discharge_rate", "average", rate, weight="orr_census", unit="1/day")
    cost_std = _daily(params, "orr.cost.standard_per_child_day", clock)
    cost_inf = _daily(params, "orr.cost.influx_per_child_day", clock)
    std_days = tally.child_days(start, exit_, c.bed == 0)
    inf_days = tally.child_days(start, exit_, c.bed == 1)
    out.add("cost_orr", "flow", std_days * cost_std + inf_days * cost_inf, unit="USD")
