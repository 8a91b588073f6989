"""The children separated from their parents in 2018 (stages/separation.py) and the placement
kernel's court rule: a child the hazard makes ready before ``court_from`` is released as any
child; otherwise its care ends at ``court``, with no case manager needed and no release to a
sponsor counted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from corridor import Simulation
from corridor.engine.placement import place
from corridor.stages import separation

ORDER = dt.date(2018, 6, 26)  # Ms. L v. ICE (orr.separated.court_order)


def _kernel(work, court_from=None, court=None, floor=None, growth=0.0, n_days=200, pace=0.05):
    n = len(work)
    ones = np.ones(n_days)
    return place(
        np.zeros(n), np.zeros(n), np.asarray(work, float), np.zeros(n, dtype=np.int8),
        np.full(n, np.inf), cap_std=ones * 10 * n, influx_avail=ones * 0, open_thr=ones,
        close_thr=ones * 0, lead_days=ones, pace=np.full((n_days, 4), pace),
        release_floor=floor, release_growth=growth, release_window=7,
        court_from=court_from, court=court,
    )  # fmt: skip


def test_no_court_rule_changes_nothing():
    work = np.random.default_rng(3).exponential(1.0, 2_000)
    a = _kernel(work, floor=30)
    b = _kernel(work, np.full(2_000, np.inf), np.full(2_000, 5.0), floor=30)
    np.testing.assert_array_equal(a.exit, b.exit)
    assert not b.by_court.any()


def test_the_hazard_before_the_order_the_court_after():
    # pace 1/20 a day: work 0.5 is ready on day 10, work 2 on day 40; the order applies from day
    # 30 and ends care on day 35
    r = _kernel([0.5, 2.0], np.array([30.0, 30.0]), np.array([35.0, 35.0]))
    assert r.exit[0] == pytest.approx(10.0) and not r.by_court[0]
    assert r.exit[1] == 35.0 and r.by_court[1]


def test_court_exits_need_no_case_manager():
    """With releases capped at 5 a day, 100 children reunified by the court on day 3 all leave
    that day, and they do not raise the next days' release limit."""
    n = 100
    r = _kernel(np.full(n, 100.0), np.zeros(n), np.full(n, 3.5), floor=5, growth=0.5)
    assert (r.exit == 3.5).all() and r.by_court.all()
    assert (r.release_capacity[4:20] == 5).all()
    # the same children as ordinary releases, all ready on day 3.5: the limit holds them back
    q = _kernel(np.full(n, 3.5 * 0.05), floor=5, growth=0.0)
    assert (q.exit == 3.5).sum() == 5 and (q.exit >= 4).sum() == n - 5


@pytest.fixture(scope="module")
def run_2018():
    return Simulation("baseline", "2018-01-01", "2019-06-30", seed=1).run()


def test_separated_children_are_referrals_not_arrivals(run_2018):
    c = run_2018.draws[0].children
    m = run_2018.draws[0].metrics
    sep = c.separated
    assert 2_800 < sep.sum() < 4_800  # about 3,700 at the dated rates (3.5 a day to 18 April)
    referrals = m.series("orr_referrals_separated")
    assert referrals.sum() == np.sum(sep & (c.t_referral < run_2018.clock.n_days))
    # separations happen in the dated window only: from the run's start (1 October 2017 in the
    # parameters) to 20 June, and 1 July - 7 November 2018
    day = run_2018.clock.origin
    t1 = (dt.date(2018, 11, 8) - day).days
    t_eo = (dt.date(2018, 6, 21) - day).days
    t_jul = (dt.date(2018, 7, 1) - day).days
    assert (c.t_arrival[sep] >= 0).all() and (c.t_arrival[sep] < t1).all()
    assert not ((c.t_arrival[sep] >= t_eo) & (c.t_arrival[sep] < t_jul)).any()
    # not in CBP's counts of unaccompanied children: arrivals count only the others
    arrivals = m.series("arrivals") + m.series("arrivals_ports")
    n_days = run_2018.clock.n_days
    assert arrivals.sum() == np.sum(~sep & (c.t_arrival < n_days))
    # no immigration-court case of their own
    assert not np.isfinite(c.t_file[sep]).any()


def test_class_members_leave_by_the_courts_dates(run_2018):
    c, origin = run_2018.draws[0].children, run_2018.clock.origin
    d0 = (ORDER - origin).days
    cls = c.court_class
    assert cls.any() and (c.separated[cls]).all()
    # every class member was referred before the order and in care on its date
    assert (c.t_referral[cls] < d0).all()
    court = c.court_release
    # each class member leaves under the order, or at 18 if its birthday comes first
    assert (court[cls] ^ c.aged_out[cls]).all() and court[cls].mean() > 0.97
    young = cls & (c.age < 5)
    old = cls & (c.age >= 5)
    by_deadline = {"under5": d0 + 16, "over5": d0 + 30}
    out_young = c.t_orr_exit[young] <= by_deadline["under5"]
    out_old = c.t_orr_exit[old] <= by_deadline["over5"]
    # reunified by the deadlines, except the held share (46/103 and 711/2,551)
    assert young.sum() >= 30 and 0.25 < 1 - out_young.mean() < 0.65
    assert 0.22 < 1 - out_old.mean() < 0.34
    # none under the order before the first reunifications (9 and 13 July)
    assert (c.t_orr_exit[young & court] >= d0 + 13).all()
    assert (c.t_orr_exit[old & court] >= d0 + 17).all()
    # reunification is not a release to a sponsor
    assert not (court & c.discharged_other).any()


def test_class_size_and_the_held_against_the_court_filings(run_2018):
    """Checks, not fits: the class in care on 26 June 2018 (HHS counted 2,047 separated children
    that day; ORR certified 2,654 class members in July, 2,737 by December), and the class
    members still in care on 26 July (about 734) and 23 August 2018 (528). The inflow rates come
    from DHS's counts of separations and the held share and stay from the July-August filings,
    so the first is the independent one."""
    m, origin = run_2018.draws[0].metrics, run_2018.clock.origin
    census = m.series("orr_census_separated")

    def on(y, mo, d):
        return census[(dt.date(y, mo, d) - origin).days]

    assert 2_047 * 0.9 < on(2018, 6, 26) < 2_737 * 1.1
    assert 734 * 0.7 < on(2018, 7, 26) < 734 * 1.3
    assert 528 * 0.6 < on(2018, 8, 23) < 528 * 1.4
    assert on(2019, 6, 1) < 100


def test_without_the_order_they_stay_as_any_child(tmp_path):
    """The court's rule is what empties the class: with the order switched off (an overlay of
    orr.separated.court_order at 0), no child leaves by it and most are still in care in
    August 2018, under the 160-day regime of the time."""
    src = Path(separation.__file__).parents[1] / "parameters/orr/separated/court_order.yaml"
    f = tmp_path / "orr/separated/court_order.yaml"
    f.parent.mkdir(parents=True)
    f.write_text(src.read_text().replace("  2018-06-26: 1 ", "  2018-06-26: 0 "))
    r = Simulation("baseline", "2018-01-01", "2018-09-30", seed=1, params_dir=tmp_path).run()
    c = r.draws[0].children
    assert c.separated.any()
    assert not c.court_release.any() and not c.court_class.any()
    d = (dt.date(2018, 8, 23) - r.clock.origin).days
    assert r.draws[0].metrics.series("orr_census_separated")[d] > 1_500


def test_order_day():
    sim = Simulation("baseline", "2018-01-01", "2018-12-31", seed=1)
    from corridor.engine.rng import Streams
    from corridor.stages.children import Children
    from corridor.stages.context import RunContext

    ctx = RunContext(Children(np.zeros(0), np.zeros(0, np.int8)), sim.params, sim.clock, Streams(1))
    assert sim.clock.date(separation.order_day(ctx)) == ORDER


def test_separations_before_zero_tolerance_follow_orr_s_count():
    """ORR's data (NYT, 20 April 2018): more than 700 children taken from adults claiming to be
    their parents from October 2017. A run of 1 October 2017 - 18 April 2018 separates about
    that many (3.5 a day, Poisson), none before October 2017, and they are ORR referrals that
    take beds: the census is higher by about the separated children still in care."""
    r = Simulation("baseline", "2017-07-01", "2018-04-18", seed=1).run()
    c, m, origin = r.draws[0].children, r.draws[0].metrics, r.clock.origin
    sep = c.separated
    t_oct = (dt.date(2017, 10, 1) - origin).days
    assert not (sep & (c.t_arrival < t_oct)).any()
    assert 600 < sep.sum() < 820
    in_care = m.series("orr_census_separated")
    # still in care at the end: stays of the 58-day regime leave a few hundred of them
    assert 80 < in_care[-1] < 400
    assert (m.series("orr_census") >= in_care).all()
