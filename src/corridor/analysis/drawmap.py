"""The one place where plan and sensitivity hand many draws to worker processes: a thin name
for the package's executor (``corridor.executor``), kept so their code reads the same.

``map_items(fn, items, workers, progress)`` returns ``[fn(item) for item in items]`` in item
order; ``fn`` is a picklable top-level function and each item small picklable arguments from
which the worker builds what it needs (kept between tasks with :func:`memo`). Results depend only
on the items, never on which worker ran them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from corridor.executor import default_workers, run_all
from corridor.worker import memo

__all__ = ["default_workers", "map_items", "memo"]


def map_items(
    fn: Callable,
    items: Sequence,
    workers: int | None = None,
    progress: Callable[[], None] | None = None,
    cluster: str | None = None,
) -> list:
    """``[fn(item) for item in items]``, on ``make_executor(cluster, workers)`` (local
    processes by default; 1 worker: in this process)."""
    return run_all(fn, list(items), cluster, workers, progress)
