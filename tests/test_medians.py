"""The compiled per-cell median (corridor.engine.medians) gives numpy's numbers, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from corridor.engine.medians import cell_medians
from corridor.stages.court import daily_median


def _lexsort_median(cell, value, n_cells):
    """The reference: everything sorted by (cell, value), the middle values of each cell."""
    counts = np.bincount(cell, minlength=n_cells)
    v = value[np.lexsort((value, cell))]
    starts = np.cumsum(counts) - counts
    med = np.full(n_cells, np.nan)
    has = counts > 0
    med[has] = (v[starts[has] + (counts[has] - 1) // 2] + v[starts[has] + counts[has] // 2]) / 2
    return med


def test_same_as_lexsort():
    rng = np.random.default_rng(7)
    for n, n_cells in ((0, 5), (1, 3), (1000, 50), (20000, 3000), (5000, 7)):  # small, large cells
        cell = rng.integers(0, n_cells, n)
        # ties (rounded values) and wide ranges both
        value = np.where(rng.random(n) < 0.5, np.round(rng.exponential(300, n)),
                         rng.exponential(300, n) * 1e3)  # fmt: skip
        got, want = cell_medians(cell, value, n_cells), _lexsort_median(cell, value, n_cells)
        assert np.array_equal(got, want, equal_nan=True)


def test_daily_median_shape_and_values():
    day = np.array([0, 0, 0, 2, 2])
    group = np.array([1, 1, 1, 0, 0])
    value = np.array([5.0, 1.0, 3.0, 2.0, 4.0])
    med = daily_median(day, group, value, 2, 3)
    assert med.shape == (2, 3)
    assert med[1, 0] == 3.0 and med[0, 2] == 3.0
    assert np.isnan(med[0, 0]) and np.isnan(med[1, 1])


def test_a_nan_value_is_refused():
    with pytest.raises(ValueError, match="NaN"):
        cell_medians(np.array([0, 1]), np.array([1.0, np.nan]), 2)
