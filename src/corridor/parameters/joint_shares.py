"""Shares that are parts of one whole, sampled together (a Dirichlet draw) in Monte Carlo.

Sampling each share of a whole on its own range (``analysis/sampling.py``) lets a draw take
relief, termination and voluntary departure all high, so that they add up to more than 1, or all
low. A parameter file declares the whole it belongs to::

    joint_shares:
      set: court.decision.merits_outcome   # every file naming this set is sampled with it
      parts: files                         # files: for each group, the set's files are the parts
                                           # groups: this file's groups are the parts

The remainder (1 minus the parts) is a part too, when the parts leave one (the removal orders
after a hearing, the children with no relief track). For each whole (per group when the parts
are files) and each dated value, the draw takes the parts from a Dirichlet distribution whose
mean is the stated shares. Its concentration ``a`` is set from the parts' stated ranges: a part
with share ``m`` and range [low, high] (``relative`` ranges multiply ``m``) would have standard
deviation (high - low) / 4, i.e. ``a = m (1 - m) / sd^2 - 1``; the whole takes the median of its
parts' values (at least 2), so the marginal spread is about what the ranges say while the draws
always add up to the whole. A draw with a part outside its stated range is drawn again (a
Dirichlet truncated to the ranges), so the ranges stay the support as for every other
assumption. The gamma variates come from the draw's named stream
``assumption:joint:<set>:<group>`` (``engine/rng.py``), the same for every dated value of the
whole, so a draw that gives a part a large share gives it a large share at every date, and the
same draw gives the same numbers in every scenario.
"""

from __future__ import annotations

import numpy as np

from corridor.engine.rng import stream
from corridor.errors import CorridorError
from corridor.parameters.tree import Parameter, ParameterSet

MIN_CONCENTRATION = 2.0  # below this a Dirichlet draw puts most of the whole on one part
MAX_TRIES = 200  # draws outside the parts' ranges are drawn again, at most this often


def joint_sets(params: ParameterSet) -> dict[str, list[Parameter]]:
    """Set name -> its member parameters (sorted by path)."""
    sets: dict[str, list[Parameter]] = {}
    for p in params:
        j = p.spec.joint_shares
        if j is not None:
            sets.setdefault(j.set, []).append(p)
    for name, members in sets.items():
        kinds = {p.spec.joint_shares.parts for p in members}
        if len(kinds) > 1 or (kinds == {"groups"} and len(members) > 1):
            raise CorridorError(members[0].file, f"joint_shares: set '{name}' mixes its parts")
    return sets


def concentration(shares: list[float], sds: list[float]) -> float:
    """The Dirichlet concentration whose marginal spreads best match the parts' stated ones."""
    a = [m * (1 - m) / sd**2 - 1.0 for m, sd in zip(shares, sds, strict=True) if 0 < m < 1]
    return max(float(np.median(a)) if a else MIN_CONCENTRATION, MIN_CONCENTRATION)


def dirichlet(
    shares: list[float],
    a: float,
    rng_seed: tuple[int, int, str],
    ranges: list[tuple[float, float]] | None = None,
) -> np.ndarray:
    """Parts of a whole drawn around ``shares`` (which with the remainder add up to 1), each
    inside its range when ``ranges`` are given (draws outside are rejected and drawn again;
    after MAX_TRIES the stated shares are kept)."""
    m = np.asarray(shares, dtype=np.float64)
    rest = max(1.0 - float(m.sum()), 0.0)
    parts = np.append(m, rest) if rest > 1e-9 else m
    lo = np.array([r[0] for r in ranges]) if ranges else np.zeros(len(m))
    hi = np.array([r[1] for r in ranges]) if ranges else np.ones(len(m))
    lo, hi = np.minimum(lo, m) - 1e-12, np.maximum(hi, m) + 1e-12
    rng = stream(*rng_seed)
    pos = parts > 0
    for _ in range(MAX_TRIES):
        g = np.zeros(len(parts))
        g[pos] = rng.gamma(a * parts[pos])
        if g.sum() <= 0:
            continue
        x = (g / g.sum())[: len(m)]
        if np.all((x >= lo) & (x <= hi)):
            return x
    return m


def _part_range(p: Parameter, group: str | None, m: float) -> tuple[float, float]:
    """A part's range in shares (a sourced share without a range does not move)."""
    a = p.spec.assumption
    if a is None:
        return m, m
    lo = float(a.low[group] if isinstance(a.low, dict) else a.low)
    hi = float(a.high[group] if isinstance(a.high, dict) else a.high)
    if a.relative:
        lo, hi = m * lo, m * hi
    return max(lo, 0.0), min(hi, 1.0)


def _part_sd(p: Parameter, group: str | None, m: float) -> float:
    lo, hi = _part_range(p, group, m)
    return max((hi - lo) / 4.0, 1e-9)


def sample_joint(sampled: ParameterSet, stated: ParameterSet, seed: int, draw: int) -> ParameterSet:
    """``sampled`` with every joint set's parts replaced by one Dirichlet draw around the stated
    values (``stated``: the tree before sampling)."""
    out = sampled
    for name, members in joint_sets(stated).items():
        values = {p.path: dict(p.spec.values) for p in members}
        if members[0].spec.joint_shares.parts == "groups":
            p = members[0]
            for date, v in p.spec.values.items():
                groups = sorted(v)
                m = [float(v[g]) for g in groups]
                a = concentration(m, [_part_sd(p, g, x) for g, x in zip(groups, m, strict=True)])
                rng = [_part_range(p, g, x) for g, x in zip(groups, m, strict=True)]
                x = dirichlet(m, a, (seed, draw, f"assumption:joint:{name}"), rng)
                values[p.path][date] = {g: float(xi) for g, xi in zip(groups, x, strict=True)}
        else:
            dates = sorted({d for p in members for d in p.spec.values})
            groups = members[0].groups or [None]
            for date in dates:
                for g in groups:
                    m = [float(p.group(date, g)) if g else p.scalar(date) for p in members]
                    sds = [_part_sd(p, g, x) for p, x in zip(members, m, strict=True)]
                    a = concentration(m, sds)
                    rng = [_part_range(p, g, x) for p, x in zip(members, m, strict=True)]
                    x = dirichlet(m, a, (seed, draw, f"assumption:joint:{name}:{g}"), rng)
                    for p, xi in zip(members, x, strict=True):
                        cur = values[p.path].setdefault(date, p.at(date))
                        if g:
                            cur = dict(cur)
                            cur[g] = float(xi)
                        else:
                            cur = float(xi)
                        values[p.path][date] = cur
        new = {q.path: q for q in out}
        for p in members:
            base = out[p.path]
            spec = base.spec.model_copy(update={"values": values[p.path]})
            new[p.path] = Parameter(p.path, p.file, spec)
        out = ParameterSet(new)
    return out
