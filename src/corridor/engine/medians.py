"""Medians per cell (e.g. per country and day) in one compiled pass: a counting sort by cell,
then each cell's few values sorted in place. The same numbers as sorting everything by (cell,
value) with numpy's lexsort, at a fraction of its time (the court's daily median wait)."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def cell_medians(cell, value, n_cells):
    """The median of ``value`` in each cell 0 .. n_cells - 1 (NaN where a cell has none); the
    mean of the two middle values when a cell has an even number of them."""
    n = cell.shape[0]
    counts = np.zeros(n_cells, np.int64)
    for i in range(n):
        counts[cell[i]] += 1
    starts = np.empty(n_cells, np.int64)
    total = 0
    for c in range(n_cells):
        starts[c] = total
        total += counts[c]
    fill = starts.copy()
    grouped = np.empty(n, np.float64)
    for i in range(n):
        c = cell[i]
        grouped[fill[c]] = value[i]
        fill[c] += 1
    med = np.full(n_cells, np.nan)
    for c in range(n_cells):
        k = counts[c]
        if k == 0:
            continue
        seg = grouped[starts[c] : starts[c] + k]
        seg.sort()
        med[c] = (seg[(k - 1) // 2] + seg[k // 2]) / 2.0
    return med
