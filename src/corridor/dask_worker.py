"""What a Dask worker runs when it joins a corridor cluster (imported only when Dask is used)."""

from __future__ import annotations

from distributed import WorkerPlugin


class WarmUp(WorkerPlugin):
    """Compile (or load from numba's cache) the simulation kernels once, as the worker starts."""

    name = "corridor-warm-up"

    def setup(self, worker) -> None:
        from corridor.executor import warm_up

        warm_up()
