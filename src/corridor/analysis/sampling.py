"""Moved: Monte Carlo sampling lives beside the parameters it samples, in
``corridor.parameters.sampling`` (the core must not import ``analysis/``). Kept as an alias for
code written against the old place."""

from corridor.parameters.sampling import *  # noqa: F403
from corridor.parameters.sampling import split_uniform, uniform  # noqa: F401
