"""Named random streams (common random numbers).

Each stochastic process draws from its own stream, seeded from (run seed, draw, name). Adding a
process, or a scenario that changes how many numbers one process uses, leaves every other
process's numbers unchanged, so scenario differences are not noise.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, draw: int, name: str) -> np.random.Generator:
    """The generator for process ``name`` in draw ``draw`` of a run seeded ``seed``."""
    key = zlib.crc32(name.encode("utf-8"))  # stable across Python runs, unlike hash()
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, draw, key])))


class Streams:
    """The streams of one draw; ``streams["border.screening"]`` gives that process's generator."""

    def __init__(self, seed: int, draw: int = 0):
        self.seed = seed
        self.draw = draw
        self._made: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in self._made:
            self._made[name] = stream(self.seed, self.draw, name)
        return self._made[name]
