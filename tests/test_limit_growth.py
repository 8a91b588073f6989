"""The kernel's two growth limits (case management, surge transfers) grow even when the growth
is less than one child a day: rounding each day's limit down to whole children used to swallow
it, and a Monte Carlo draw with a low growth and a low floor kept releases at the floor for
years while referred children piled up in Border Patrol custody (issue 11)."""

from __future__ import annotations

import numpy as np

from corridor.engine.placement import place

N_DAYS = 400


def _demand(per_day: int, stay: float):
    """``per_day`` referrals a day, each ready for release ``stay`` days after care starts."""
    n = per_day * (N_DAYS - 20)
    ref = np.sort(np.linspace(0.0, N_DAYS - 20, n, endpoint=False))
    return dict(
        ref_t=ref, transport=np.zeros(n), work=np.full(n, stay), cat=np.zeros(n, np.int8),
        t_age_out=np.full(n, np.inf), cap_std=np.full(N_DAYS, 1e6), influx_avail=np.zeros(N_DAYS),
        open_thr=np.ones(N_DAYS), close_thr=np.zeros(N_DAYS), lead_days=np.zeros(N_DAYS),
        pace=np.ones((N_DAYS, 4)),
    )  # fmt: skip


def test_case_management_growth_below_one_child_a_day_accumulates():
    # floor 10 a day, growth 2% (0.2 of a child a day at the floor), 20 ready a day
    r = place(**_demand(20, 5.0), release_floor=10.0, release_growth=0.02, release_window=7.0)
    assert r.release_capacity[0] == 10
    # while the limit binds it compounds at 2% a day: 10 * 1.02^35 = 20 after about five weeks
    first = int(np.argmax(r.release_capacity >= 20))
    assert 30 <= first <= 60, first
    assert r.release_capacity[first : N_DAYS - 40].min() >= 20  # it keeps up with the demand
    # and the children held back are all released in the end (none waits for ever)
    assert np.isfinite(r.exit).all()


def test_surge_transfer_limit_grows_while_children_wait():
    # 30 referrals a day against a floor of 10 and a growth of 2% a day (0.2 children at first)
    r = place(**_demand(30, 5.0), transfer_cap=1000.0, transfer_floor=10.0, transfer_growth=0.02)
    assert r.transfer_capacity[1] == 10
    first = int(np.argmax(r.transfer_capacity >= 30))
    assert 50 <= first <= 70, first  # 10 * 1.02^56 = 30
    assert r.transfers[100:300].mean() >= 29  # the backlog has cleared: transfers follow referrals


def test_surge_transfer_limit_never_exceeds_its_ceiling():
    r = place(**_demand(30, 5.0), transfer_cap=25.0, transfer_floor=10.0, transfer_growth=0.05)
    assert r.transfer_capacity.max() == 25
    assert r.transfers.max() <= 25
