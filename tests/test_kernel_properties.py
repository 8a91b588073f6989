"""Hypothesis properties of the placement kernel on small random configurations."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.engine.placement import INFLUX, STANDARD, place


@st.composite
def configs(draw):
    n = draw(st.integers(1, 300))
    n_days = draw(st.integers(5, 120))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    ref = np.sort(rng.uniform(0, n_days * 0.8, n))
    cap = rng.integers(0, draw(st.integers(1, 40)), n_days).astype(float)
    influx = np.where(rng.random(n_days) < 0.5, rng.integers(0, 30, n_days), 0).astype(float)
    return dict(
        ref_t=ref,
        transport=rng.uniform(0, 1.5, n),
        work=rng.lognormal(-0.5, 1.0, n),
        cat=rng.integers(0, 4, n).astype(np.int8),
        t_age_out=ref + rng.uniform(-1, 200, n),
        cap_std=cap,
        influx_avail=influx,
        open_thr=np.full(n_days, draw(st.floats(0.0, 1.0))),
        close_thr=np.full(n_days, draw(st.floats(0.0, 1.0))),
        lead_days=np.full(n_days, float(draw(st.integers(0, 10)))),
        pace=1.0 / rng.uniform(0.5, 30.0, (n_days, 4)),
        transfer_cap=rng.integers(0, draw(st.integers(1, 40)), n_days).astype(float),
        release_floor=np.full(n_days, float(draw(st.integers(0, 10)))),
        release_growth=np.full(n_days, draw(st.floats(0.0, 0.5))),
        release_window=np.full(n_days, float(draw(st.integers(0, 7)))),
        transfer_floor=np.full(n_days, float(draw(st.integers(0, 10)))),
        transfer_growth=np.full(n_days, draw(st.floats(0.0, 0.5))),
        transfer_window=np.full(n_days, float(draw(st.integers(0, 7)))),
    )


def in_use_at(assign, exit_, t):
    """Beds held just after the events at time t (a bed freed at t is free)."""
    return int(((assign <= t) & (exit_ > t)).sum())


def in_use_before(assign, exit_, t):
    """Beds held just before time t: the end-of-day stock for day t - 1."""
    return int(((assign < t) & (exit_ >= t)).sum())


@settings(max_examples=150, deadline=None)
@given(configs())
def test_kernel_invariants(cfg):
    r = place(**cfg)
    ref, cap = cfg["ref_t"], cfg["cap_std"]
    placed = np.isfinite(r.assign)
    # FIFO: children are placed in referral order, and never before their referral
    a = r.assign[placed]
    assert (np.diff(a) >= 0).all()
    left_queue = placed | r.aged_out  # placed, or turned 18 while waiting (no bed)
    assert left_queue[: left_queue.sum()].all(), "a later referral left before an earlier one"
    skipped = r.aged_out & ~placed
    # a child who took no bed had turned 18 before the next child in line got one
    for i in np.flatnonzero(skipped)[:20]:
        later = np.flatnonzero(placed[i:])
        if len(later):
            assert cfg["t_age_out"][i] <= r.assign[i + later[0]]
    assert (r.assign[placed] >= ref[placed]).all()
    # times are ordered and stays non-negative
    assert (r.start[placed] >= r.assign[placed]).all()
    assert (r.exit[placed] >= r.start[placed]).all()
    # aging out ends care at the birthday (or at arrival if already 18)
    aged = r.aged_out[placed]
    expect = np.maximum(cfg["t_age_out"][placed][aged], r.start[placed][aged])
    np.testing.assert_allclose(r.exit[placed][aged], expect)
    # no bed is overfilled at the moment any child is placed
    for b, limit in ((STANDARD, cap), (INFLUX, cfg["influx_avail"])):
        sel = placed & (r.bed == b)
        for i in np.flatnonzero(sel)[::7]:
            t = r.assign[i]
            assert in_use_at(r.assign[sel], r.exit[sel], t) <= limit[min(int(t), len(limit) - 1)]
    # transfers: no more children leave CBP on a day than the day's transfer capacity
    n_days = len(cap)
    day_of = np.minimum(r.assign[placed].astype(np.int64), n_days - 1)
    moved = np.bincount(day_of, minlength=n_days)
    assert (moved <= np.floor(cfg["transfer_cap"])).all()
    np.testing.assert_array_equal(moved, r.transfers)
    # ... never more than the day's surge limit, which is never below the floor nor above the
    # ceiling, and on a day when no child waits follows the recent transfers
    assert (moved <= r.transfer_capacity).all()
    tw, tg, tf = cfg["transfer_window"], cfg["transfer_growth"], cfg["transfer_floor"]
    ceiling = np.floor(cfg["transfer_cap"])
    assert (r.transfer_capacity <= ceiling).all()
    assert (r.transfer_capacity >= np.minimum(ceiling, np.floor(tf))).all()
    for d in range(n_days):
        waiting = ((ref < d) & ~(r.assign < d) & (cfg["t_age_out"] > d)).any()
        if not waiting:
            past = moved[max(0, d - int(tw[d])) : d]
            grown = max(tf[d], (1 + tg[d]) * (past.max() if len(past) else 0))
            assert r.transfer_capacity[d] == min(ceiling[d], math.floor(grown))
    # releases (not transfers to ICE): never before the hazard made the child ready, never more
    # on a day than the case-management limit, and the limit follows its rule
    rel = placed & ~r.aged_out & (r.exit < n_days)
    assert (r.exit[rel] >= r.ready[rel] - 1e-9).all()
    late = rel & (r.exit > r.ready + 1e-9)
    assert np.all(r.exit[late] == np.floor(r.exit[late])), "a held release happens at a day start"
    per_day = np.bincount(r.exit[rel].astype(np.int64), minlength=n_days)
    assert (per_day <= r.release_capacity + 1e-9).all()
    # (a day on which the limit held releases back counts at its limit before rounding)
    w, g, floor = cfg["release_window"], cfg["release_growth"], cfg["release_floor"]
    raw = np.zeros(n_days)
    for d in range(n_days):
        levels = [
            raw[k] if per_day[k] >= r.release_capacity[k] else per_day[k]
            for k in range(max(0, d - int(w[d])), d)
        ]
        raw[d] = max(floor[d], (1 + g[d]) * max(levels, default=0))
        assert r.release_capacity[d] == math.floor(raw[d])
    # daily stocks are non-negative and match the records at the end of each day
    assert (r.standard_in_use >= 0).all() and (r.influx_in_use >= 0).all()
    for d in range(0, len(cap), 5):
        t = d + 1.0
        sel = placed & (r.bed == STANDARD)
        assert r.standard_in_use[d] == in_use_before(r.assign[sel], r.exit[sel], t)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 200), st.integers(0, 2**31 - 1))
def test_unlimited_beds_place_everyone_at_referral(n, seed):
    rng = np.random.default_rng(seed)
    ref = np.sort(rng.uniform(0, 50, n))
    days = 60
    r = place(
        ref, np.zeros(n), rng.standard_normal(n), np.zeros(n, dtype=np.int8), np.full(n, np.inf),
        np.full(days, 10_000.0), np.zeros(days), np.ones(days), np.zeros(days), np.ones(days),
        np.ones((days, 4)),
    )  # fmt: skip
    np.testing.assert_array_equal(r.assign, ref)
