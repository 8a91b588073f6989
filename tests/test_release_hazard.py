"""Release as a hazard on every child in care, against closed forms.

With ample beds and no limits, a child entering care at ``s`` with unit-mean work ``W`` leaves
when its progress ``integral of pace`` reaches ``W``. So, for exponential work (a constant
hazard), the stay is exponential with the regime's mean; after a change of regime at ``T``, the
survivors' remaining stay is exponential with the NEW mean (the change reaches them at once);
for any shape, survival is ``S_W(progress)``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from corridor import Simulation
from corridor.engine import delays
from corridor.engine.placement import cumulative_pace, place, ready_time
from corridor.stages import shelter

N = 40_000


def in_care_at_zero(work: np.ndarray, pace_by_day: np.ndarray):
    """Every child enters care at time 0 (ample beds, no transport, no limits)."""
    n, n_days = len(work), len(pace_by_day)
    ones = np.ones(n_days)
    return place(
        np.zeros(n), np.zeros(n), work, np.zeros(n, dtype=np.int8), np.full(n, np.inf),
        cap_std=ones * 10 * n, influx_avail=ones * 0, open_thr=ones, close_thr=ones * 0,
        lead_days=ones, pace=np.repeat(pace_by_day[:, None], 4, axis=1),
    )  # fmt: skip


def test_constant_hazard_gives_exponential_stays():
    mean = 20.0
    work = np.random.default_rng(1).exponential(1.0, N)
    r = in_care_at_zero(work, np.full(2_000, 1.0 / mean))
    stay = r.exit - r.start
    assert abs(stay.mean() - mean) < 4 * mean / math.sqrt(N)
    assert stats.kstest(stay, "expon", args=(0, mean)).pvalue > 1e-3


def test_the_exponential_check_can_fail():
    work = np.random.default_rng(1).exponential(1.0, N)
    r = in_care_at_zero(work, np.full(2_000, 1.0 / 22.0))
    assert stats.kstest(r.exit - r.start, "expon", args=(0, 20.0)).pvalue < 1e-6


def test_a_regime_change_moves_the_survivors_release_rate_at_once():
    """Mean 20 days, then 80 days from day 20 on: the children still in care on day 20 (a share
    exp(-1) of them) leave at the new, slower rate from that moment: their remaining stay is
    exponential with mean 80 (not 20, as it would be if the stay were fixed at entry)."""
    t_change, m1, m2 = 20, 20.0, 80.0
    pace = np.where(np.arange(3_000) < t_change, 1.0 / m1, 1.0 / m2)
    work = np.random.default_rng(2).exponential(1.0, N)
    r = in_care_at_zero(work, pace)
    survived = r.exit > t_change
    p = math.exp(-t_change / m1)
    assert abs(survived.mean() - p) < 4 * math.sqrt(p * (1 - p) / N)
    rest = r.exit[survived] - t_change
    assert stats.kstest(rest, "expon", args=(0, m2)).pvalue > 1e-3
    # the hazard in the first day after the change is already the new one (1/80 a day)
    first_day = (rest < 1.0).mean()
    assert abs(first_day - (1 - math.exp(-1 / m2))) < 4 * math.sqrt(first_day / survived.sum())


def test_lognormal_survival_follows_progress_through_the_regimes():
    """Any shape: P(stay > t) = S_W(progress by t), progress = t/m1, then T/m1 + (t - T)/m2."""
    cv, t_change, m1, m2 = 1.2, 15, 30.0, 10.0
    u = np.random.default_rng(3).random(N)
    work = delays.quantile("lognormal", 1.0 - u, cv)
    pace = np.where(np.arange(3_000) < t_change, 1.0 / m1, 1.0 / m2)
    r = in_care_at_zero(work, pace)
    s2 = math.log1p(cv**2)
    w = stats.lognorm(s=math.sqrt(s2), scale=math.exp(-s2 / 2))
    for t in (5.0, 15.0, 16.0, 25.0, 60.0):
        progress = t / m1 if t <= t_change else t_change / m1 + (t - t_change) / m2
        expect = w.sf(progress)
        got = (r.exit > t).mean()
        assert abs(got - expect) < 4 * math.sqrt(expect * (1 - expect) / N) + 1e-4, (t, got, expect)


def test_ready_time_inverts_the_cumulative_pace():
    pace = np.array([[0.5, 0.25, 1.0, 0.1]])
    cum = cumulative_pace(pace)
    # from 0.5: half a day at 0.5 (0.25), a day at 0.25 (0.25), then 0.5 of work at 1.0
    assert ready_time(0.5, 1.0, 0, pace, cum, 4) == 2.5
    # beyond the last day, its pace continues
    assert abs(ready_time(3.0, 1.0, 0, pace, cum, 4) - 13.0) < 1e-12


def test_dated_mean_is_the_mean_over_all_children():
    """The category means, weighted by the day's category shares, give the dated mean (no
    category is counted twice), and category 4 keeps its own mean."""
    sim = Simulation("baseline", "2013-10-01", "2014-09-30", seed=1)
    means = shelter.category_means(sim.params, sim.clock)
    shares = shelter.category_shares(sim.params, sim.clock)
    dated = sim.params["orr.length_of_care.mean_days"].daily(sim.clock.origin, sim.clock.n_days)
    np.testing.assert_allclose((means * shares.T).sum(axis=1), dated)
    ltfc = sim.params["orr.length_of_care.ltfc_mean_days"].daily(sim.clock.origin, sim.clock.n_days)
    np.testing.assert_allclose(means[:, 3], ltfc)
