"""``corridor plan``: the smallest level of a lever that meets targets with a stated probability.

**The search.** The lever's levels form a grid ``LO, LO + STEP, ..., HI``. Every level is run on
the *same* draws (the same seed and draw numbers, hence the same sampled assumptions and random
numbers: common random numbers), and a level's probability is the share of those draws in which
every target holds. For a lever that helps more the more of it there is (beds, judges,
attorneys), that share grows with the level, and bisection on the grid finds the smallest level
whose share reaches the probability asked for: it evaluates both ends, then halves the bracket
``(fails, meets)`` until the two are one step apart. The level found therefore meets the target
on these draws and the level one step below it does not, both evaluated. Because the draws are
shared, the share is a deterministic, monotone-in-practice function of the level; if the curve
is not monotone on the levels evaluated, the result says so.

**The uncertainty.** A share of ``k`` of ``n`` draws estimates the probability with sampling
error; each point of the curve carries its Wilson score interval (``CONFIDENCE``), which stays
inside [0, 1] and is honest at shares of 0 or 1, where the normal approximation is not.

The search itself (``search_levels``) knows nothing of corridor: it takes a function that says,
for some levels, in which draws the targets hold. ``corridor.analysis.plan_model`` supplies the
function for the simulation, and the tests supply a queue whose answer Erlang C gives.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import norm

from corridor.errors import CorridorError

CONFIDENCE = 0.95  # of the Wilson interval on each point of the probability curve
# The default grid when no --step is given: 2**6 intervals, i.e. at most 8 evaluated levels.
DEFAULT_INTERVALS = 64


def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The Wilson score interval of a binomial share k/n."""
    if n <= 0:
        return (0.0, 1.0)
    z = float(norm.ppf(0.5 + confidence / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def parse_range(text: str) -> tuple[float, float]:
    """``"LO..HI"`` -> (LO, HI) with LO < HI."""
    parts = text.split("..")
    try:
        lo, hi = (float(x) for x in parts) if len(parts) == 2 else (None, None)
    except ValueError:
        lo = hi = None
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        raise CorridorError("--range", f"'{text}': expected LO..HI, e.g. 0..6000")
    if not lo < hi:
        raise CorridorError("--range", f"'{text}': LO must be below HI")
    return lo, hi


def level_grid(lo: float, hi: float, step: float | None = None) -> list[float]:
    """``lo, lo + step, ...`` up to ``hi`` (``hi`` itself is always the last level)."""
    if step is None:
        step = (hi - lo) / DEFAULT_INTERVALS
    if not (math.isfinite(step) and step > 0):
        raise CorridorError("--step", f"{step} must be a positive number")
    n = int(math.floor((hi - lo) / step + 1e-9))
    grid = [lo + k * step for k in range(n + 1)]
    if hi - grid[-1] > 1e-9 * max(1.0, abs(hi)):
        grid.append(hi)
    # integral steps give integral levels (beds, judges): no 249.99999 from float sums
    if float(lo).is_integer() and float(step).is_integer():
        grid = [float(round(x)) for x in grid]
    return grid


@dataclass
class Point:
    """One evaluated level of the curve: in how many of the draws every target held."""

    level: float
    met: int
    draws: int
    order: int  # the evaluation round that ran this level (0: the two ends)

    @property
    def probability(self) -> float:
        return self.met / self.draws if self.draws else float("nan")

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.met, self.draws)


@dataclass
class Search:
    """The outcome of the search: the level found (None when no level in range meets it)."""

    grid: list[float]
    probability: float
    level: float | None
    points: dict[float, Point] = field(default_factory=dict)

    @property
    def curve(self) -> list[Point]:
        return [self.points[x] for x in sorted(self.points)]

    @property
    def monotone(self) -> bool:
        shares = [p.met for p in self.curve]
        return all(a <= b for a, b in zip(shares, shares[1:], strict=False))

    @property
    def below(self) -> float | None:
        """The level one step below the one found (evaluated, and failing), if any."""
        if self.level is None:
            return None
        i = self.grid.index(self.level)
        return self.grid[i - 1] if i > 0 else None

    def statement(self, lever: str = "the lever") -> str:
        lo, hi = self.grid[0], self.grid[-1]
        if self.level is None:
            p = self.points[hi]
            a, b = p.interval
            return (f"no level of {lever} in {lo:g}..{hi:g} meets the targets with probability "
                    f"{self.probability:g}: at {hi:g} they hold in {p.met} of {p.draws} draws "
                    f"({p.probability:.2f}, {CONFIDENCE:.0%} interval {a:.2f}-{b:.2f})")  # fmt: skip
        p = self.points[self.level]
        a, b = p.interval
        text = (f"{lever} = {self.level:g}: the targets hold in {p.met} of {p.draws} draws "
                f"({p.probability:.2f}, {CONFIDENCE:.0%} interval {a:.2f}-{b:.2f}) "
                f">= {self.probability:g}")  # fmt: skip
        if self.below is not None:
            q = self.points[self.below]
            text += f"; at {self.below:g} in {q.met} of {q.draws} ({q.probability:.2f})"
        else:
            text += f"; the lowest level of the range, {lo:g}, already meets them"
        if not self.monotone:
            text += "; warning: the share is not monotone in the level on these draws"
        return text


def search_levels(
    grid: Sequence[float],
    evaluate: Callable[[list[float]], dict[float, np.ndarray]],
    probability: float,
) -> Search:
    """Bisection on ``grid`` for the smallest level whose share of draws meeting the targets is
    at least ``probability``. ``evaluate(levels)`` returns, for each level, a boolean array over
    the same draws (True: every target holds in that draw)."""
    if not 0.0 < probability <= 1.0:
        raise CorridorError("--probability", f"{probability} must be in (0, 1]")
    grid = list(grid)
    s = Search(grid, probability, None)
    rounds = [0]

    def run(indices: list[int]) -> None:
        todo = [grid[i] for i in indices if grid[i] not in s.points]
        if not todo:
            return
        for level, met in evaluate(todo).items():
            met = np.asarray(met, dtype=bool)
            s.points[level] = Point(level, int(met.sum()), int(met.size), rounds[0])
        rounds[0] += 1

    def meets(i: int) -> bool:
        return s.points[grid[i]].probability >= probability

    lo, hi = 0, len(grid) - 1
    run([lo, hi])
    if not meets(hi):
        return s
    if meets(lo):
        s.level = grid[lo]
        return s
    while hi - lo > 1:  # invariant: grid[lo] fails, grid[hi] meets
        mid = (lo + hi) // 2
        run([mid])
        if meets(mid):
            hi = mid
        else:
            lo = mid
    s.level = grid[hi]
    return s
