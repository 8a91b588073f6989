"""Stage delays: a distribution family (a parameter file's ``shape``) scaled to a dated mean.

Every delay of the model is drawn here, from one uniform number per child (so each keeps its
random number whatever the mean: common random numbers). The families, each of mean 1 before
scaling:

* ``uniform``: uniform on [0, 2 x mean]: bounded, as legal deadlines are (the default of the
  border, in-country and journey delays);
* ``exponential``: memoryless (a constant hazard);
* ``lognormal``: right-skewed, with a coefficient of variation ``cv`` (sd / mean);
* ``fixed``: exactly the mean.

``quantile(shape, q, cv)`` is the unit-mean quantile function; ``draw`` scales it.
"""

from __future__ import annotations

import numpy as np

from corridor.engine.normal_quantile import normal_quantile

SHAPES = ("uniform", "exponential", "lognormal", "fixed")
_TINY = 1e-300  # keeps log(0) and the normal quantile of 0 or 1 finite


def quantile(shape: str, q: np.ndarray, cv: np.ndarray | float = 1.0) -> np.ndarray:
    """The ``q``-quantile (0 <= q < 1) of the unit-mean distribution ``shape``."""
    q = np.asarray(q, dtype=np.float64)
    if shape == "uniform":
        return 2.0 * q
    if shape == "exponential":
        return -np.log(np.maximum(1.0 - q, _TINY))
    if shape == "lognormal":
        s2 = np.log1p(np.asarray(cv, dtype=np.float64) ** 2)
        z = normal_quantile(np.clip(q, _TINY, 1.0 - 1e-16))
        return np.exp(np.sqrt(s2) * z - s2 / 2.0)
    if shape == "fixed":
        return np.ones_like(q)
    raise ValueError(f"unknown delay shape '{shape}' (one of {', '.join(SHAPES)})")


def draw(shape: str, u: np.ndarray, mean: np.ndarray, cv: np.ndarray | float = 1.0) -> np.ndarray:
    """Delays of mean ``mean`` (per child) from the family ``shape``, one uniform ``u`` each."""
    return np.asarray(mean, dtype=np.float64) * quantile(shape, u, cv)
