"""Several scenarios of one draw, run together: a scenario starts from another's state after
the last stage whose inputs they share, instead of simulating again from October 2008.

A stage's result depends only on the state the stages before it left (the children's columns,
``ctx.state``, the random streams of (seed, draw)), the clock and the parameters it reads. So
while a scenario runs, every parameter its stages read is recorded (``ReadParameters``); after
each stage, if a later scenario of the same draw has exactly the same values for every
parameter read so far (and the same seed, draw, clock and arrivals), the state is copied; that
scenario then resumes after the last such stage. Counsel for all, which changes only the court,
takes the baseline's children as they leave the shelters and runs the court alone.

Nothing is approximated: a resumed scenario computes what a full run computes, bit for bit
(tests/test_shared_stages.py). Metrics are always computed per scenario.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

from corridor.parameters.tree import Parameter, ParameterSet
from corridor.stages.context import RunContext

_MISSING = object()  # a path a stage asked for that the parameter set does not hold
_ALL = "*"  # a stage looked at every parameter (iterated the set): only identical sets match


class ReadParameters(ParameterSet):
    """A ParameterSet that records every parameter read through it, in ``reads``."""

    def __init__(self, params: ParameterSet, reads: dict[str, object]):
        self._params = params._params  # the same (immutable) parameters, not a copy
        self.reads = reads

    def __getitem__(self, path: str) -> Parameter:
        self.reads[path] = self._params.get(path, _MISSING)
        return super().__getitem__(path)

    def __contains__(self, path: str) -> bool:
        self.reads[path] = self._params.get(path, _MISSING)
        return path in self._params

    def __iter__(self):
        self.reads[_ALL] = self._params
        return super().__iter__()

    def paths(self) -> list[str]:
        self.reads[_ALL] = self._params
        return super().paths()

    def fingerprint(self) -> str:
        self.reads[_ALL] = self._params
        return super().fingerprint()

    def resolved(self):
        self.reads[_ALL] = self._params
        return super().resolved()

    def with_values(self, path, values, where):
        self.reads[_ALL] = self._params
        return super().with_values(path, values, where)


def same_reads(reads: dict[str, object], params: ParameterSet) -> bool:
    """Whether ``params`` holds exactly the values recorded in ``reads``."""
    have = params._params
    for path, value in reads.items():
        if path == _ALL:
            if value is not have and value != have:
                return False
            continue
        other = have.get(path, _MISSING)
        if other is not value and other != value:
            return False
    return True


@dataclass
class _Snapshot:
    done: int  # steps run (0: none; 1: arrivals; 1 + k: arrivals and k stages)
    key: tuple  # Simulation.context_key
    reads: dict[str, object]
    ctx: RunContext
    for_scenarios: frozenset[int]  # the later scenarios it can serve
    origin: tuple[int, int]  # (the scenario it was taken from, done)


def _copy_ctx(ctx: RunContext, params: ParameterSet) -> RunContext:
    """A deep copy of a draw's state (children, stage state, streams) with other parameters."""
    return RunContext(
        copy.deepcopy(ctx.children), params, ctx.clock, copy.deepcopy(ctx.streams),
        copy.deepcopy(ctx.state),
    )  # fmt: skip


# (scenario keys, scenario parameters' identity) -> the (scenario, steps) snapshots the last
# call of run_together in this process resumed from: the next draw takes only those copies
_USED: dict[tuple, set[tuple[int, int]]] = {}


def run_together(sims: Sequence, draw: int) -> list:
    """``[sim.run_draw(draw) for sim in sims]``, the same results, sharing common stages.

    A copy of the state is taken after a stage only when a later scenario may resume there,
    and (from the second draw a process runs on) only where one did in the previous draw: the
    stages a scenario reads do not depend on the draw, and if they did, a scenario whose
    snapshot is missing resumes earlier or runs in full (slower, never different)."""
    from corridor.simulation import PIPELINE

    params = _draw_params(sims, draw)
    keys = [s.context_key(draw) for s in sims]
    plan_key = tuple((k[2:], id(s)) for k, s in zip(keys, sims, strict=True))
    planned = _USED.get(plan_key)
    used: set[tuple[int, int]] = set()
    snapshots: list[_Snapshot] = []
    results = []
    for j, sim in enumerate(sims):
        best = _best(snapshots, j, keys[j])
        reads: dict[str, object] = {}
        ctx, done = None, 0
        if best is not None:
            used.add(best.origin)
            reads = dict(best.reads)
            later_users = [_best(snapshots, i, keys[i]) for i in range(j + 1, len(sims))]
            if any(b is best for b in later_users):
                ctx = _copy_ctx(best.ctx, params[j])
            else:  # nobody else resumes here: take the snapshot itself
                ctx = best.ctx
                snapshots.remove(best)
            done = best.done
        tracked = ReadParameters(params[j], reads)
        if ctx is not None:
            ctx.params = tracked
        later = frozenset(i for i in range(j + 1, len(sims)) if keys[i] == keys[j])
        last: _Snapshot | None = None
        for step in range(done, 1 + len(PIPELINE)):
            if step == 0:
                ctx = sim.start_draw(draw, tracked)
            else:
                PIPELINE[step - 1].run(ctx)
            later = frozenset(i for i in later if same_reads(reads, params[i]))
            if not later:
                continue  # reads only grow: no later scenario can match a longer prefix
            if planned is not None and (j, step + 1) not in planned:
                continue  # the previous draw resumed nobody here
            if last is not None and last.for_scenarios == later:
                snapshots.remove(last)  # superseded: the same scenarios can start later
            last = _Snapshot(step + 1, keys[j], dict(reads), _copy_ctx(ctx, params[j]), later,
                             (j, step + 1))  # fmt: skip
            snapshots.append(last)
        ctx.params = params[j]
        results.append(sim.finish_draw(draw, ctx))
    _USED[plan_key] = used
    return results


def _draw_params(sims: Sequence, draw: int) -> list[ParameterSet]:
    """Each simulation's parameters of ``draw``, the sampled tree drawn once for all the
    simulations with the same seed and the same parameter tree (it depends on nothing else)."""
    bases: list[tuple[object, ParameterSet]] = []  # (the simulation it came from, its tree)
    out = []
    for sim in sims:
        base = None
        if sim.sample:
            for other, tree in bases:
                if other.seed == sim.seed and (
                    other.base_params is sim.base_params
                    or other.base_params._params == sim.base_params._params
                ):
                    base = tree
                    break
            if base is None:
                base = sim.sampled_base(draw)
                bases.append((sim, base))
        out.append(sim.draw_params(draw, base))
    return out


def _best(snapshots: list[_Snapshot], j: int, key: tuple) -> _Snapshot | None:
    """The snapshot scenario ``j`` resumes from: the one with the most steps done."""
    usable = [s for s in snapshots if j in s.for_scenarios and s.key == key]
    return max(usable, key=lambda s: s.done, default=None)
