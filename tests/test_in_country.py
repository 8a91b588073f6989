"""In-country processing: a real branch. Approved children who would have set out skip the
journey and every later stage; the border loses exactly them, day by day, in the same draw."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from corridor import Simulation
from corridor.stages.children import FATES, NEVER
from corridor.stages.in_country import _interviews, poisson_quantile

IN_COUNTRY = FATES.index("in_country")
END = "2016-09-30"


@pytest.fixture(scope="module")
def pair():
    base = Simulation("baseline", "2013-10-01", END, seed=3)
    scen = Simulation("in-country-processing", "2013-10-01", END, seed=3)
    return base, base.run_draw(0), scen, scen.run_draw(0)


def test_border_loses_exactly_the_journeys_avoided(pair):
    _, b, _, s = pair
    avoided = s.metrics.series("journeys_avoided")
    assert avoided.sum() > 1000
    for g in ("SV", "GT", "HN", "MX", "all"):
        # both inflows: Border Patrol apprehensions and children at ports of entry
        def both(r, g=g):
            return r.metrics.series("arrivals", g) + r.metrics.series("arrivals_ports", g)

        np.testing.assert_array_equal(both(b) - both(s), s.metrics.series("journeys_avoided", g))
    assert s.metrics.series("journeys_avoided", "MX").sum() == 0


def test_journeys_avoided_are_the_approved_arrivals_of_children_who_would_have_left(pair):
    _, _, _, s = pair
    c = s.children
    migrant = np.isfinite(c.t_cam_apply)
    approved_arrived = migrant & c.cam_approved & np.isfinite(c.t_cam_arrival)
    avoided = c.fate == IN_COUNTRY
    np.testing.assert_array_equal(avoided, approved_arrived)
    assert (c.t_arrival[avoided] == NEVER).all()
    # approved before the day they would have left, never after
    assert (c.t_cam_decision[avoided] <= c.t_depart[avoided]).all()
    # the same children, counted on their safe-arrival day
    n_days = len(s.metrics.series("arrivals"))
    in_window = avoided & (c.t_cam_arrival < n_days)
    assert s.metrics.series("cam_arrivals_avoiding_journey").sum() == in_window.sum()
    assert s.metrics.series("journeys_avoided").sum() == (avoided & (c.t_expected < n_days)).sum()


def test_avoided_children_skip_border_shelter_and_court(pair):
    _, _, _, s = pair
    c = s.children
    avoided = c.fate == IN_COUNTRY
    assert not c.returned[avoided].any() and not c.expelled[avoided].any()
    assert np.isinf(c.t_orr_start[avoided]).all() and np.isinf(c.t_leave_cbp[avoided]).all()
    for col in ("t_file", "t_decision", "t_removed"):
        if hasattr(c, col):
            assert np.isinf(getattr(c, col)[avoided]).all()


def test_other_children_keep_their_random_numbers(pair):
    """Rows never move: every child not diverted meets the same border draws as in the
    baseline (common random numbers), and the children who came before the program are
    untouched in every stage up to the shelter, until the program changes who is in care."""
    _, b, sim, s = pair
    cb, cs = b.children, s.children
    assert cs.n == cb.n
    kept = cs.fate == 0
    np.testing.assert_array_equal(cs.t_arrival[kept], cb.t_arrival[kept])
    np.testing.assert_array_equal(cs.returned[kept], cb.returned[kept])
    np.testing.assert_array_equal(cs.t_referral[kept], cb.t_referral[kept])
    early = cb.t_arrival < sim.clock.day(dt.date(2014, 9, 1))
    np.testing.assert_array_equal(cs.t_orr_start[early], cb.t_orr_start[early])
    # releases share the case-management limit with every child in care, so an early child's
    # release may move once the program has changed who else is in care: not before
    first_change = cb.t_arrival[cs.fate != 0].min()
    left_before = early & (cb.t_orr_exit < first_change)
    assert left_before.sum() > 0.9 * (early & np.isfinite(cb.t_orr_start)).sum()
    np.testing.assert_array_equal(cs.t_orr_exit[left_before], cb.t_orr_exit[left_before])


def test_baseline_reproduces_the_historical_program(pair):
    """The 2014-2017 CAM counts: ~14,000 applications by Nov 2017, ~8,000 processed, ~3,238
    admitted (CAM-2017-11-*); no apprehended child diverted in the baseline."""
    sim = Simulation("baseline", "2014-10-01", "2017-11-09", seed=3)
    m = sim.run_draw(0).metrics
    assert m.series("journeys_avoided").sum() == 0
    assert 11_000 < m.series("cam_applications").sum() < 17_000
    assert 6_000 < m.series("cam_interviews").sum() < 10_000
    assert 2_200 < m.series("cam_arrivals").sum() < 4_500
    assert m.series("cost_in_country").sum() > 0


def test_in_country_metrics_exist_by_country(pair):
    _, _, _, s = pair
    for name in ("cam_applications", "cam_approved", "cam_arrivals", "journeys_avoided",
                 "cost_in_country", "cam_waiting"):  # fmt: skip
        assert name in s.metrics.metrics
    m = s.metrics
    apps = m.metrics["cam_applications"].values
    np.testing.assert_allclose(apps[:-1].sum(axis=0), apps[-1])


def test_poisson_quantile_is_poisson():
    rng = np.random.default_rng(0)
    lam = np.full(200_000, 3.7)
    k = poisson_quantile(rng.random(lam.shape), lam)
    assert abs(k.mean() - 3.7) < 0.02 and abs(k.var() - 3.7) < 0.05
    assert (poisson_quantile(rng.random(10), np.zeros(10)) == 0).all()


def test_interview_queue_is_first_come_first_served_with_capacity_and_reneging():
    cum = np.cumsum(np.full(10, 2.0))  # two interviews a day
    ready = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 5.5])
    deadline = np.array([np.inf, np.inf, np.inf, 1.0, np.inf, np.inf])
    first = np.floor(np.where(ready.astype(int) > 0, cum[ready.astype(int) - 1], 0)) + 1
    day = _interviews(ready, deadline, first, cum)
    # the fourth applicant's slot (day 1) falls after its deadline: it leaves, freeing the slot
    assert list(day) == [0, 0, 1, -1, 1, 5]
