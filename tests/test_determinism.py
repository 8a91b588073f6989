"""The same seed gives the same data; another seed gives other data; streams are independent."""

from __future__ import annotations

import numpy as np

from corridor import Simulation


def test_same_seed_same_results():
    a = Simulation("baseline", "2013-10-01", "2014-09-30", seed=7).run().daily
    b = Simulation("baseline", "2013-10-01", "2014-09-30", seed=7).run().daily
    assert a.equals(b)


def test_different_seed_different_results():
    a = Simulation("baseline", "2013-10-01", "2014-09-30", seed=7).run()
    b = Simulation("baseline", "2013-10-01", "2014-09-30", seed=8).run()
    assert not np.array_equal(a.daily["value"].to_numpy(), b.daily["value"].to_numpy())
    # history fixes the counts; only their timing and the children's fates are random
    assert a.draws[0].children.n == b.draws[0].children.n


def test_window_does_not_change_a_days_result():
    """The simulation always starts at the first arrivals, so a day's value does not depend on
    the reporting window."""
    short = Simulation("baseline", "2014-06-01", "2014-06-30", seed=3).run().daily
    long = Simulation("baseline", "2013-10-01", "2014-09-30", seed=3).run().daily
    key = ["metric", "group", "date"]
    both = short.merge(long, on=key, suffixes=("_s", "_l"))
    assert len(both) == len(short)
    np.testing.assert_array_equal(both["value_s"], both["value_l"])


def test_draws_differ_and_are_reproducible():
    r = Simulation("baseline", "2013-10-01", "2014-09-30", seed=5, draws=2).run()
    d = r.daily
    v0 = d[d.draw == 0]["value"].to_numpy()
    v1 = d[d.draw == 1]["value"].to_numpy()
    assert not np.array_equal(v0, v1)
    again = Simulation("baseline", "2013-10-01", "2014-09-30", seed=5, draws=2).run().daily
    assert d.equals(again)
