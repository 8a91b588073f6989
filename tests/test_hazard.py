"""The compiled event times under a dated hazard are the numpy definition's, to the last bit,
and behave as an inhomogeneous Poisson clock."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.engine.hazard import event_times


def numpy_definition(t0, e, rate):
    """The vectorised definition the kernel replaced (stages/court.py until this change)."""
    n_days = len(rate)
    rate = np.asarray(rate, dtype=np.float64)
    cum = np.concatenate([[0.0], np.cumsum(rate)])
    d = np.clip(np.floor(t0), 0, n_days - 1).astype(np.int64)
    with np.errstate(all="ignore"):  # inf x 0 and x / 0 are masked below
        target = cum[d] + (t0 - d) * rate[d] + e
        k = np.searchsorted(cum, target, side="right") - 1
        inside = (k < n_days) & (k >= 0)
        kk = np.clip(k, 0, n_days - 1)
        t = kk + (target - cum[kk]) / rate[kk]
    return np.where(inside & (rate[kk] > 0), t, np.inf)


def assert_same_as_numpy(rate, items):
    """The kernel's times for (start, exponential) ``items`` under ``rate`` equal the numpy
    definition's, to the last bit."""
    t0 = np.array([x[0] for x in items], dtype=np.float64)
    e = np.array([x[1] for x in items], dtype=np.float64)
    rate = np.array(rate)
    assert np.array_equal(event_times(t0, e, rate), numpy_definition(t0, e, rate))


@settings(max_examples=200, deadline=None)
@given(
    rate=st.lists(st.one_of(st.just(0.0), st.floats(0, 3)), min_size=1, max_size=40),
    items=st.lists(
        st.tuples(st.one_of(st.floats(-3, 45), st.just(np.inf)), st.floats(0, 30)), max_size=50
    ),
)
def test_kernel_equals_the_numpy_definition(rate, items):
    assert_same_as_numpy(rate, items)


def test_constant_hazard_gives_exponential_waits_and_a_change_acts_on_those_waiting():
    rng = np.random.default_rng(3)
    e = rng.exponential(size=200_000)
    t = event_times(np.zeros_like(e), e, np.full(4000, 0.05))
    assert abs(t.mean() - 20.0) < 0.2  # mean wait 1 / rate
    # the rate doubles on day 10: items still waiting then finish at twice the pace
    rate = np.r_[np.full(10, 0.05), np.full(3990, 0.1)]
    t2 = event_times(np.zeros_like(e), e, rate)
    late = t > 10
    np.testing.assert_allclose(t2[late] - 10, (t[late] - 10) / 2)
    assert np.array_equal(t2[~late], t[~late])


def test_a_wait_that_never_started_or_ends_after_the_last_day_has_no_event():
    t = event_times(np.array([np.nan, np.inf, 0.0]), np.array([1.0, 1.0, 1e9]), np.ones(5))
    assert np.isinf(t).all()


@settings(max_examples=60, deadline=None)
@given(
    rate=st.lists(st.one_of(st.just(0.0), st.floats(0, 0.2)), min_size=60, max_size=400),
    items=st.lists(
        st.tuples(st.one_of(st.floats(-3, 420), st.just(np.inf)), st.floats(0, 40)), max_size=60
    ),
)
def test_long_waits_equal_the_numpy_definition(rate, items):
    """Slow hazards over hundreds of days (waits of months, days without a rate, waits that end
    after the last day): the same times as the numpy search."""
    assert_same_as_numpy(rate, items)


def test_a_slow_hazard_over_years_equals_the_numpy_definition():
    rng = np.random.default_rng(11)
    rate = np.where(rng.random(6000) < 0.1, 0.0, rng.uniform(0.0005, 0.05, 6000))
    t0 = rng.uniform(-2, 6100, 100_000)
    e = rng.exponential(size=t0.size) * rng.choice([0.01, 1.0, 30.0], size=t0.size)
    assert np.array_equal(event_times(t0, e, rate), numpy_definition(t0, e, rate))
