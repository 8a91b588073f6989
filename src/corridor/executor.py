"""One way to run many draws: ``make_executor(cluster, workers).map(fn, items, progress)``.

Every tool that runs many draws (run, compare, backtest, calibrate, and later ones) hands this
module a picklable top-level function and a list of small picklable items; it gets the results
back **in item order**, whatever ran them. Draws are keyed by (seed, draw) inside ``fn``, never by
worker, so the results are byte-identical on one process, a local pool or a Dask cluster.

Where the work runs:

* ``cluster=None`` (the default): local worker processes (``fork`` where the platform has it),
  ``workers`` of them (default: the cores this process may use); ``workers=1`` runs in this
  process. If ``DASK_SCHEDULER_ADDRESS`` is set, the default is that Dask scheduler instead.
* ``cluster="local:N"``: a Dask ``LocalCluster`` of N single-threaded worker processes, started
  here and closed with the executor.
* ``cluster="tcp://host:8786"`` (or ``host:8786``): an existing Dask scheduler.

Heavy objects (a ``Simulation`` with its parameter tree) are not shipped with every task: a task
carries the small arguments that build them and the worker keeps what it built
(``corridor.worker.memo``). Every worker compiles (or loads from numba's cache) the kernels once when
it starts (:func:`warm_up`). A user error raised in a worker (:class:`CorridorError`) comes back
as the same one-line error; anything else keeps its traceback.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from corridor.errors import CorridorError

LOCAL_PREFIX = "local:"
# the warm-up run: the first month of the shipped history (every kernel, few children)
WARM_UP_START, WARM_UP_END = "2008-10-01", "2008-10-31"


def worker_count(workers: int | None, n_items: int | None = None) -> int:
    """The local processes to use: ``workers`` (``--workers``; None: every core this process may
    use), at most one per item. A count below 1 or above ``limits.MAX_WORKERS`` is refused
    (0 is not taken to mean "the default")."""
    from corridor import limits

    if workers is not None:
        limits.check_count(workers, "--workers", limits.MAX_WORKERS,
                           what=" processes (corridor.limits.MAX_WORKERS)")  # fmt: skip
    n = workers if workers is not None else default_workers()
    return max(1, min(n, n_items)) if n_items is not None else n


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return max(1, os.cpu_count() or 1)


# ---------------------------------------------------------------------------------------------
# In a worker
# ---------------------------------------------------------------------------------------------
_WARM = False


def _stderr(text: str) -> None:
    # terminal or not: the first run after installing must not be silently slow
    print(f"corridor: {text}", file=sys.stderr, flush=True)


def warm_up(say: Callable[[str], None] | None = _stderr) -> None:
    """Compile the numba kernels (or load them from numba's cache) once per process, at a
    worker's start, so that no task pays for it: a one-month baseline run calls every kernel
    with the types a real run uses. ``say`` is told when the kernels must really be compiled
    (the first run after installing), which takes a while."""
    global _WARM
    if _WARM:
        return
    from corridor.engine.kernels import compile_message, uncached_kernels
    from corridor.simulation import Simulation

    missing = uncached_kernels()
    if missing and say:
        say(compile_message(len(missing)))
    Simulation("baseline", WARM_UP_START, WARM_UP_END, seed=1).run_draw(0)
    _WARM = True


class _Failed:
    """A user error raised in a worker, carried back as plain data."""

    def __init__(self, e: CorridorError):
        self.where, self.message = e.where, e.message


def _call(fn: Callable, item: Any) -> Any:
    try:
        return fn(item)
    except CorridorError as e:
        return _Failed(e)


def _raise_failed(result: Any) -> Any:
    if isinstance(result, _Failed):
        raise CorridorError(result.where, result.message)
    return result


# ---------------------------------------------------------------------------------------------
# Executors
# ---------------------------------------------------------------------------------------------
class InProcess:
    """Runs every item here, one after another (workers=1, or a single item)."""

    description = "this process"
    workers = 1

    def map(self, fn: Callable, items: Iterable, progress: Callable[[], None] | None = None):
        out = []
        for item in items:
            out.append(_raise_failed(_call(fn, item)))
            if progress:
                progress()
        return out

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ProcessPool(InProcess):
    """Local worker processes, started on the first ``map`` and kept for later ones."""

    def __init__(self, workers: int):
        self.workers = workers
        self.description = f"{workers} local processes"
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            methods = mp.get_all_start_methods()
            ctx = mp.get_context("fork") if "fork" in methods else mp.get_context()
            if ctx.get_start_method() == "fork":
                warm_up()  # compiled once here; the forked children inherit the kernels
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=warm_up)
        return self._pool

    def map(self, fn: Callable, items: Iterable, progress: Callable[[], None] | None = None):
        items = list(items)
        if len(items) <= 1:
            return super().map(fn, items, progress)
        pool = self._executor()
        futures = [pool.submit(_call, fn, item) for item in items]
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    _raise_failed(f.result())
                    if progress:
                        progress()
        except BaseException:
            for f in futures:
                f.cancel()
            raise
        return [f.result() for f in futures]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class DaskCluster(InProcess):
    """A Dask cluster: an existing scheduler, or a LocalCluster started (and closed) here."""

    def __init__(
        self, address: str | None = None, local_workers: int | None = None, where: str = "--cluster"
    ):
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - dask[distributed] is a dependency
            raise CorridorError(
                "--cluster", "needs dask[distributed]: pip install 'dask[distributed]'"
            ) from None
        self._cluster = None
        try:
            if local_workers is not None:
                self._cluster = LocalCluster(
                    n_workers=local_workers, threads_per_worker=1, processes=True,
                    dashboard_address=None,
                )  # fmt: skip
                self._client = Client(self._cluster)
                self.description = f"Dask LocalCluster of {local_workers} workers"
            else:
                self._client = Client(address, timeout="20s")
                self.description = f"Dask scheduler {address}"
        except (OSError, ValueError, TypeError) as e:  # unreachable, or not an address at all
            self.close()
            raise CorridorError(
                where, f"cannot reach Dask scheduler '{address}': {e} (use host:port or tcp://host:port)"
            ) from None
        from corridor.dask_worker import WarmUp

        self._client.register_plugin(WarmUp())
        self.workers = max(1, sum(self._client.nthreads().values()))

    def map(self, fn: Callable, items: Iterable, progress: Callable[[], None] | None = None):
        from distributed import as_completed

        items = list(items)
        if not items:
            return []
        # pure=False: every item runs (identical items are still distinct tasks)
        futures = self._client.map(_call, [fn] * len(items), items, pure=False)
        try:
            for f in as_completed(futures):
                _raise_failed(f.result())
                if progress:
                    progress()
        except BaseException:
            self._client.cancel(futures)
            raise
        return [f.result() for f in futures]

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def map_locally(fn: Callable, items: Sequence, workers: int | None = None) -> list:
    """``fn`` over ``items`` in local processes, results in item order: for work that is not a
    draw and stays on this machine whatever ``--cluster`` says (drawing a report's charts). No
    kernel warm-up; one item, or ``workers=1``, runs here."""
    items = list(items)
    n = worker_count(workers, len(items))
    if n <= 1:
        return [fn(item) for item in items]
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork") if "fork" in methods else mp.get_context()
    with ProcessPoolExecutor(n, mp_context=ctx) as pool:
        return list(pool.map(fn, items))


def parse_cluster(cluster: str | None) -> tuple[str, str | int | None]:
    """("processes", None) | ("local", N) | ("address", ADDRESS), from --cluster and the
    environment."""
    cluster = (cluster or os.environ.get("DASK_SCHEDULER_ADDRESS") or "").strip()
    if not cluster or cluster == "processes":
        return "processes", None
    if cluster.startswith(LOCAL_PREFIX):
        n = cluster[len(LOCAL_PREFIX) :]
        if not n.isdigit() or int(n) < 1:
            raise CorridorError("--cluster", f"'{cluster}': use local:N with N a whole number >= 1")
        from corridor import limits

        if int(n) > limits.MAX_WORKERS:
            raise CorridorError("--cluster", f"'{cluster}': at most local:{limits.MAX_WORKERS} "
                                "on one machine (corridor.limits.MAX_WORKERS)")  # fmt: skip
        return "local", int(n)
    return "address", cluster


def make_executor(cluster: str | None = None, workers: int | None = None):
    """The executor for ``--cluster`` (see the module's doc) with ``workers`` local processes."""
    n = worker_count(workers)
    kind, arg = parse_cluster(cluster)
    if kind == "local":
        return DaskCluster(local_workers=int(arg))
    if kind == "address":
        # the address came from the environment when --cluster was not given
        where = "--cluster" if (cluster or "").strip() else "DASK_SCHEDULER_ADDRESS"
        return DaskCluster(address=str(arg), where=where)
    return InProcess() if n == 1 else ProcessPool(n)


def run_all(
    fn: Callable,
    items: Sequence,
    cluster: str | None = None,
    workers: int | None = None,
    progress: Callable[[], None] | None = None,
) -> list:
    """``make_executor(cluster, min(workers, len(items))).map(fn, items, progress)``, closed
    after."""
    with make_executor(cluster, worker_count(workers, len(items))) as ex:
        return ex.map(fn, items, progress)
