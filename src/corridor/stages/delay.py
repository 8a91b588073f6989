"""The one place a stage draws a delay: the parameter gives the family (``shape``) and the dated
mean; each child brings one uniform number and the day whose mean applies."""

from __future__ import annotations

import numpy as np

from corridor.engine import delays
from corridor.engine.clock import Clock
from corridor.parameters.tree import ParameterSet


def draw(
    params: ParameterSet,
    path: str,
    clock: Clock,
    u: np.ndarray,
    day: np.ndarray,
    group: str | None = None,
    cv: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Delays (days) of the parameter ``path``: the mean in force on ``day`` for each child,
    ``u`` its uniform number."""
    p = params[path]
    mean = p.daily(clock.origin, clock.n_days, group)[day]
    return delays.draw(p.shape, u, mean, cv)
