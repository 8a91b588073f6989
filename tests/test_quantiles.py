"""nan_percentile gives exactly numpy's nanpercentile, with and without missing values."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from corridor.analysis.quantiles import nan_percentile


@pytest.mark.parametrize("axis", [0, 1, 2])
def test_nan_percentile_is_nanpercentile_bit_for_bit(axis):
    rng = np.random.default_rng(7)
    a = rng.normal(size=(4, 9, 30)) * 10 ** rng.integers(0, 9, size=(4, 9, 30))
    a[rng.random(a.shape) < 0.05] = np.nan
    a[1, :, 3] = np.nan  # a slice with nothing but NaN
    a[:, 2, 4] = np.nan
    a[2, 3] = 5.0  # ties
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.nanpercentile(a, (50, 10, 90), axis=axis)
        got = nan_percentile(a, (50, 10, 90), axis=axis)
    assert got.shape == want.shape
    assert np.array_equal(got, want, equal_nan=True)
    missing = np.isnan(a).any(axis=axis)
    assert missing.any() and not missing.all()  # both ways of computing are exercised
