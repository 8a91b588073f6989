"""Percentiles across draws that ignore missing values, fast.

``numpy.nanpercentile`` along an axis handles every slice on its own in Python (about 30 µs a
slice: seconds for a compare of thousands of series); ``numpy.percentile`` does all slices at
once but lets one NaN spoil its slice. :func:`nan_percentile` takes the fast one for the slices
without NaN and ``nanpercentile`` for the rest: the same numbers, bit for bit (both interpolate
linearly between the same order statistics), at the fast one's speed when few values are missing.
"""

from __future__ import annotations

import numpy as np


def nan_percentile(a: np.ndarray, q, axis: int) -> np.ndarray:
    """``numpy.nanpercentile(a, q, axis=axis)`` (``q`` a sequence), computed faster."""
    a = np.asarray(a, dtype=np.float64)
    out = np.percentile(a, q, axis=axis)
    missing = np.isnan(a).any(axis=axis)
    if missing.any():
        rows = np.moveaxis(a, axis, -1)[missing]  # [slice, value]
        out[:, missing] = np.nanpercentile(rows, q, axis=-1)
    return out
