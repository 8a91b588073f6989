"""Run Monte Carlo draws in parallel processes and reduce them as they finish.

Each task is one (simulation, draw). Workers receive the already validated ``Simulation``
objects once (inherited through ``fork`` where the platform has it, pickled otherwise), run a
draw and return only what the caller's ``reduce`` keeps (fiscal-year statistics and a few monthly
series for ``compare``; the daily metrics for ``run``), never the per-child records unless asked.
Results depend only on (seed, draw, scenario), not on which worker ran them or in what order.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed

_SIMS: dict = {}
_REDUCE: Callable | None = None


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return max(1, os.cpu_count() or 1)


def _init(sims: dict | None, reduce: Callable) -> None:
    global _SIMS, _REDUCE
    if sims is not None:
        _SIMS = sims
    _REDUCE = reduce


class _Failed:
    """A user-facing error raised in a worker, carried back as plain data (CorridorError's
    two-argument constructor does not survive pickling)."""

    def __init__(self, where: str, message: str):
        self.where, self.message = where, message


def _task(keys: tuple, draw: int) -> list:
    """One draw of several simulations, in this process; they share the draw's arrivals when
    their inputs are the same."""
    from corridor.errors import CorridorError

    memo: dict = {}
    out = []
    for key in keys:
        sim = _SIMS[key]
        try:
            out.append((key, draw, _REDUCE(sim, sim.run_draw(draw, memo=memo))))
        except CorridorError as e:
            return [(key, draw, _Failed(e.where, e.message))]
    return out


def _check(results: list) -> list:
    from corridor.errors import CorridorError

    for _, _, r in results:
        if isinstance(r, _Failed):
            raise CorridorError(r.where, r.message)
    return results


def map_draws(
    sims: dict,
    tasks: Iterable[tuple[object, int]],
    reduce: Callable,
    workers: int | None = None,
    advance: Callable[[], None] | None = None,
):
    """Yield ``(key, draw, reduce(sim, draw_result))`` for every (key, draw) task, in completion
    order. The scenarios of one draw run together in one process."""
    by_draw: dict[int, list] = {}
    for key, draw in tasks:
        by_draw.setdefault(draw, []).append(key)
    groups = [(tuple(keys), draw) for draw, keys in by_draw.items()]
    workers = max(1, min(workers or default_workers(), len(groups)))
    advance = advance or (lambda: None)
    if workers == 1:
        _init(sims, reduce)
        for keys, draw in groups:
            for out in _check(_task(keys, draw)):
                advance()
                yield out
        return
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork") if "fork" in methods else mp.get_context()
    global _SIMS, _REDUCE
    if ctx.get_start_method() == "fork":  # children inherit the simulations: nothing to pickle
        _SIMS, _REDUCE = sims, reduce
        init_args = (None, reduce)
    else:
        init_args = (sims, reduce)
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init, initargs=init_args) as ex:
        futures = [ex.submit(_task, keys, draw) for keys, draw in groups]
        for f in as_completed(futures):
            try:
                results = _check(f.result())
            except BaseException:
                for other in futures:
                    other.cancel()
                raise
            for out in results:
                advance()
                yield out


def _keep_all(keep_children: bool):
    def reduce(sim, result):
        if not keep_children:
            result.children = None
        return result

    return reduce


def run_draws(sim, workers: int, keep_children: bool, progress=None) -> list:
    """Every draw of one simulation, in parallel; the DrawResults in draw order."""
    step = (lambda: progress("draw")) if progress else None
    got = {
        draw: result
        for _, draw, result in map_draws(
            {0: sim}, [(0, d) for d in range(sim.n_draws)], _keep_all(keep_children), workers, step
        )
    }
    return [got[d] for d in range(sim.n_draws)]
