"""``stable_order`` is numpy's stable argsort, ties, NaNs and infinities included."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.engine.sorting import stable_order

values = st.one_of(
    st.floats(-3, 3, allow_nan=False), st.sampled_from([0.0, -0.0, 1.0, np.inf, -np.inf, np.nan])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(values, max_size=60), st.booleans())
def test_stable_order_is_the_stable_argsort(xs, single):
    x = np.array(xs, dtype=np.float32 if single else np.float64)
    assert np.array_equal(stable_order(x), np.argsort(x, kind="stable"))


def test_many_distinct_times_take_the_fast_sort_and_agree():
    x = np.random.default_rng(1).random(100_000)
    assert np.array_equal(stable_order(x), np.argsort(x, kind="stable"))
