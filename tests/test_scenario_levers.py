"""Origin-side levers thin (or add to) the children who set out, keeping every other child's
random numbers; stronger levers remove a superset; the baseline is untouched."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from corridor import Simulation
from corridor.stages.children import FATES, NEVER
from corridor.stages.origin import _add_children

END = "2015-09-30"


def _scenario(tmp_path, name: str, changes: str):
    f = tmp_path / f"{name}.yaml"
    f.write_text(
        f"name: {name}\ntitle: t\ndescription: d\nbase: baseline\nsources: [test]\n"
        f"changes:\n{changes}"
    )
    return str(f)


@pytest.fixture(scope="module")
def baseline():
    sim = Simulation("baseline", "2013-10-01", END, seed=5)
    return sim.run_draw(0)


def test_baseline_has_no_lever_effect(baseline):
    c = baseline.children
    assert (c.fate == 0).all() and not c.added.any()
    assert np.array_equal(c.t_arrival, c.t_expected)
    m = baseline.metrics
    for name in ("departures_deterred", "interdicted_mexico_added", "departures_added"):
        assert m.series(name).sum() == 0
    # every child sets out before it is apprehended, within the journey's bounds
    assert (c.t_depart <= c.t_arrival).all() and (c.t_arrival - c.t_depart <= 60).all()


def test_thinning_keeps_numbers_and_stronger_levers_remove_a_superset(tmp_path, baseline):
    weak = _scenario(
        tmp_path, "weak", "  origin.levers.messaging.campaign_scale: {2014-03-01: 2}\n"
    )
    strong = _scenario(
        tmp_path, "strong", "  origin.levers.messaging.campaign_scale: {2014-03-01: 6}\n"
    )
    cw = Simulation(weak, "2013-10-01", END, seed=5).run_draw(0).children
    cs = Simulation(strong, "2013-10-01", END, seed=5).run_draw(0).children
    cb = baseline.children
    gone_w, gone_s = cw.fate != 0, cs.fate != 0
    assert gone_w.sum() > 100 and gone_s.sum() > 2 * gone_w.sum()
    assert not (gone_w & ~gone_s).any()  # a superset
    assert (cw.t_arrival[gone_w] == NEVER).all()
    assert (cw.fate[gone_w] == FATES.index("deterred")).all()
    # messaging acts on departures after 1 Mar 2014 + lag; nobody leaving earlier is touched
    assert (cw.t_depart[gone_w] >= (dt.date(2014, 3, 1) - dt.date(2008, 10, 1)).days).all()
    kept = ~gone_w
    for col in ("t_arrival", "returned", "t_referral", "sponsor_cat"):
        np.testing.assert_array_equal(getattr(cw, col)[kept], getattr(cb, col)[kept])


def test_mexico_lever_stops_only_central_americans(tmp_path, baseline):
    mex = Simulation("mexico-enforcement", "2013-10-01", END, seed=5).run_draw(0)
    c = mex.children
    stopped = c.fate == FATES.index("interdicted_mexico")
    assert stopped.sum() > 1000
    assert not stopped[c.country == 3].any()  # Mexican children
    m, b = mex.metrics, baseline.metrics

    def both(x):  # Border Patrol apprehensions and children at ports of entry
        return x.series("arrivals") + x.series("arrivals_ports")

    np.testing.assert_array_equal(both(b) - both(m), m.series("interdicted_mexico_added"))


def test_a_lever_that_raises_departures_appends_children(tmp_path, baseline):
    up = _scenario(
        tmp_path, "up",
        "  origin.levers.national_guard.troops: {2014-03-01: 1000}\n"
        "  origin.levers.national_guard.effect_per_thousand:\n"
        "    set: {2008-10-01: {SV: 0.5, GT: 0.5, HN: 0.5, MX: 0.5, OTH: 0.5}}\n"
        "    sources: [{title: test}]\n",
    )  # fmt: skip
    r = Simulation(up, "2013-10-01", END, seed=5).run_draw(0)
    c, cb = r.children, baseline.children
    n0 = cb.n
    assert c.n > n0 and c.added[n0:].all() and not c.added[:n0].any()
    # the original children keep their rows and their numbers
    np.testing.assert_array_equal(c.returned[:n0], cb.returned[:n0])
    np.testing.assert_array_equal(c.t_arrival[:n0], cb.t_arrival[:n0])

    def both(x):  # Border Patrol apprehensions and children at ports of entry
        return x.series("arrivals").sum() + x.series("arrivals_ports").sum()

    extra = both(r.metrics) - both(baseline.metrics)
    assert extra == r.metrics.series("departures_added").sum() or extra > 0


def test_added_children_copy_their_template():
    from corridor.engine.clock import Clock
    from corridor.engine.rng import Streams
    from corridor.stages.children import Children

    c = Children(np.array([10.0, 20.0]), np.array([0, 3], dtype=np.int8))
    c.age[:] = [12.0, 16.0]
    c.t_depart = np.array([5.0, 12.0])
    _add_children(c, np.array([1, 1]), Streams(1, 0), Clock(dt.date(2014, 1, 1), 100))
    assert c.n == 4 and list(c.country) == [0, 3, 3, 3] and list(c.age[2:]) == [16.0, 16.0]
    assert (np.abs(c.t_arrival[2:] - 20.0) <= 15.0).all() and c.added[2:].all()
