"""The one place where plan and sensitivity hand many draws to worker processes.

``map_items(fn, items, workers, progress)`` returns ``[fn(item) for item in items]`` in item
order; ``fn`` is a picklable top-level function and each item small picklable arguments from
which the worker builds what it needs (kept between tasks with :func:`memo`). Results depend only
on the items, never on which worker ran them.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from corridor.errors import CorridorError

# what a worker keeps built between tasks (a few Simulations); more would only hold memory
MEMO_SIZE = 8
_MEMO: dict[Any, Any] = {}


def memo(key: Any, build: Callable[[], Any]) -> Any:
    """The object ``build()`` made for ``key`` in this process, built on first use."""
    if key not in _MEMO:
        _MEMO[key] = build()
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
    return _MEMO[key]


class _Failed:
    """A user error raised in a worker, carried back as plain data."""

    def __init__(self, e: CorridorError):
        self.where, self.message = e.where, e.message


def _call(fn: Callable, item: Any) -> Any:
    try:
        return fn(item)
    except CorridorError as e:
        return _Failed(e)


def _raise(result: Any) -> Any:
    if isinstance(result, _Failed):
        raise CorridorError(result.where, result.message)
    return result


def default_workers() -> int:
    from corridor.analysis.montecarlo import default_workers as cores

    return cores()


def map_items(
    fn: Callable,
    items: Sequence,
    workers: int | None = None,
    progress: Callable[[], None] | None = None,
) -> list:
    """``[fn(item) for item in items]``, on ``workers`` local processes (1: in this process)."""
    items = list(items)
    n = max(1, min(workers or default_workers(), len(items)))
    if n == 1:
        out = []
        for item in items:
            out.append(_raise(_call(fn, item)))
            if progress:
                progress()
        return out
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork") if "fork" in methods else mp.get_context()
    with ProcessPoolExecutor(n, mp_context=ctx) as pool:
        futures = [pool.submit(_call, fn, item) for item in items]
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    _raise(f.result())
                    if progress:
                        progress()
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        return [f.result() for f in futures]
