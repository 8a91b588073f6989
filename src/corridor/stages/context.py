"""What every stage receives: the children so far, the parameters, the clock, the random
streams, and a place to leave state for its metrics (e.g. daily bed counts)."""

from __future__ import annotations

from dataclasses import dataclass, field

from corridor.engine.clock import Clock
from corridor.engine.rng import Streams
from corridor.parameters.tree import ParameterSet
from corridor.stages.children import Children


@dataclass
class RunContext:
    children: Children
    params: ParameterSet
    clock: Clock
    streams: Streams
    state: dict = field(default_factory=dict)
