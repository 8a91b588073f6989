"""Counter-based random numbers for per-child draws inside numba kernels.

A uniform is a hash of (stream key, child, column): a child gets the same numbers in every
scenario (common random numbers), whatever else the scenario changes, and numbers are computed
only where they are used. The mixer is splitmix64's finaliser (Steele, Lea and Flood 2014). A
stream's key is drawn once from a named numpy stream (``engine/rng.py``), so it depends only on
(run seed, draw, process name).
"""

from __future__ import annotations

import math

import numba
import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: spreads consecutive children
_COLUMN = np.uint64(0xD1B54A32D192ED03)  # an odd constant that spreads consecutive columns
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)  # splitmix64's two multipliers
_MIX_2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53: the top 53 bits as a double in [0, 1)


@numba.njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * _MIX_1
    z = (z ^ (z >> np.uint64(27))) * _MIX_2
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, inline="always")
def uniform(key, child, column):
    """A uniform on [0, 1) for (stream key, child index, column)."""
    z = _mix(np.uint64(key) + np.uint64(child) * _GOLDEN)
    z = _mix(z ^ (np.uint64(column) * _COLUMN + _GOLDEN))
    return float(z >> np.uint64(11)) * _TO_UNIT


@numba.njit(cache=True, inline="always")
def exponential(key, child, column):
    """A unit-mean exponential for (stream key, child index, column)."""
    return -math.log1p(-uniform(key, child, column))


@numba.njit(cache=True)
def uniforms(key, children, n_columns):
    """[len(children), n_columns] uniforms for the given children from the stream ``key``."""
    out = np.empty((children.shape[0], n_columns))
    for i in range(children.shape[0]):
        for k in range(n_columns):
            out[i, k] = uniform(key, children[i], k)
    return out


def stream_key(rng: np.random.Generator) -> int:
    """The key of a counter-based stream, drawn once from a named numpy stream."""
    return int(rng.integers(0, 2**63, dtype=np.int64))
