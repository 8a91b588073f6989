"""The compiled daily tally counts exactly what the plain numpy definition counts: events at
times in [0, n_days) by country and day (NaN, inf, negative and late times are not counted),
under a mask, with weights summed in the children's order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.outputs.metrics import Tally
from corridor.stages.children import COUNTRIES

K = len(COUNTRIES)


def reference(t, country, n_days, mask=None, weights=None):
    ok = np.isfinite(t) & (t < n_days) & (t >= 0)
    if mask is not None:
        ok &= mask
    idx = country[ok].astype(np.int64) * n_days + t[ok].astype(np.int64)
    w = None if weights is None else weights[ok]
    by = np.bincount(idx, weights=w, minlength=K * n_days).reshape(K, n_days)
    return np.vstack([by, by.sum(axis=0, keepdims=True)])


times = st.one_of(
    st.floats(-5, 40, allow_nan=False), st.just(np.nan), st.just(np.inf), st.just(-np.inf)
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            times, st.integers(0, K - 1), st.booleans(), st.floats(-1e6, 1e6, allow_nan=False)
        ),
        max_size=200,
    ),  # fmt: skip
    n_days=st.integers(1, 30),
    single=st.booleans(),
)
def test_compiled_tally_equals_the_numpy_definition(rows, n_days, single):
    t = np.array([r[0] for r in rows], dtype=np.float32 if single else np.float64)
    country = np.array([r[1] for r in rows], dtype=np.int64)
    mask = np.array([r[2] for r in rows], dtype=bool)
    w = np.array([r[3] for r in rows], dtype=np.float64)
    tally = Tally(country, n_days)
    assert np.array_equal(tally.flow(t), reference(t, country, n_days))
    assert np.array_equal(tally.flow(t, mask), reference(t, country, n_days, mask))
    assert np.array_equal(tally.weighted_flow(t, w, mask), reference(t, country, n_days, mask, w))


def test_a_late_or_missing_event_is_not_counted_and_a_stock_holds_between_times():
    t_in = np.array([0.5, 1.2, np.nan, 2.0, 9.9])
    t_out = np.array([3.0, np.inf, np.nan, 2.5, 12.0])
    country = np.array([0, 1, 2, 0, 4])
    tally = Tally(country, 10)
    assert tally.flow(t_out)[-1].sum() == 2  # 3.0 and 2.5; NaN never, inf and 12 after day 9
    stock = tally.stock(t_in, t_out)[-1]
    # end of day d counts t_in < d + 1 <= t_out
    assert stock.tolist() == [1, 2, 2, 1, 1, 1, 1, 1, 1, 2]


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(times, times, st.integers(0, K - 1), st.booleans()), max_size=200),
    n_days=st.integers(1, 30),
    masked=st.booleans(),
)
def test_one_pass_stock_and_child_days_equal_their_separate_tallies(rows, n_days, masked):
    """``stock`` and ``child_days`` read each child once; they give, to the last bit, what the
    separate passes over entries and exits (counts, and sums of times) give."""
    t_in = np.array([r[0] for r in rows], dtype=np.float64)
    t_out = np.array([r[1] for r in rows], dtype=np.float64)
    country = np.array([r[2] for r in rows], dtype=np.int64)
    mask = np.array([r[3] for r in rows], dtype=bool) if masked else None
    tally = Tally(country, n_days)
    stock = np.cumsum(tally.flow(t_in, mask), axis=1) - np.cumsum(tally.flow(t_out, mask), axis=1)
    assert np.array_equal(tally.stock(t_in, t_out, mask), stock)

    x = np.arange(1, n_days + 1)[None, :]

    def integral(t):
        return (np.cumsum(tally.flow(t, mask), axis=1) * x
                - np.cumsum(tally.weighted_flow(t, t, mask), axis=1))  # fmt: skip

    cum = integral(t_in) - integral(t_out)
    days = np.diff(np.concatenate([np.zeros((cum.shape[0], 1)), cum], axis=1), axis=1)
    assert np.array_equal(tally.child_days(t_in, t_out, mask), days, equal_nan=True)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(times, st.integers(0, K - 1), st.integers(0, 5)), max_size=200),
    n_days=st.integers(1, 30),
)
def test_flows_by_code_equal_one_masked_flow_per_code(rows, n_days):
    t = np.array([r[0] for r in rows], dtype=np.float64)
    country = np.array([r[1] for r in rows], dtype=np.int64)
    code = np.array([r[2] for r in rows], dtype=np.int8)
    tally = Tally(country, n_days)
    got = tally.flows_by_code(t, code, 6)
    assert got.shape == (6, K + 1, n_days)
    for k in range(6):
        assert np.array_equal(got[k], tally.flow(t, code == k))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.lists(st.tuples(times, st.floats(0, 10)), min_size=3, max_size=3),
            st.integers(0, 3),
            st.integers(0, K - 1),
        ),
        max_size=60,
    ),  # fmt: skip
    n_days=st.integers(1, 30),
)
def test_row_events_equal_the_flows_of_the_raveled_events(rows, n_days):
    """A child's first n events (its hearings): the same counts and, to the last bit, the same
    sums of weights as the flows over every [child, event] cell with the later cells empty."""
    n = np.array([r[1] for r in rows], dtype=np.int64)
    t = np.array([[e[0] for e in r[0]] for r in rows], dtype=np.float64).reshape(len(rows), 3)
    w = np.array([[e[1] for e in r[0]] for r in rows], dtype=np.float64).reshape(len(rows), 3)
    t[np.arange(3)[None, :] >= n[:, None]] = np.inf  # no event there
    country = np.array([r[2] for r in rows], dtype=np.int64)
    count, total = Tally(country, n_days).row_events(t, w, n)
    per_event = Tally(np.repeat(country, 3), n_days)
    assert np.array_equal(count, per_event.flow(t.ravel()))
    assert np.array_equal(total, per_event.weighted_flow(t.ravel(), w.ravel()))
