"""A Morris sensitivity run of about 1,000 draws on FY2014-FY2016, on the local process pool
and on a Dask LocalCluster: draws (simulation runs) per second on each.

Run from the repository root:  python benchmarks/bench_sensitivity.py [--runs 1000] [--workers N]
(``--parameters 'orr.*'`` restricts the factors, for a shorter run.)

* Model: ``corridor sensitivity --metric orr_census --statistic peak --method morris`` on the
  baseline, reported 2013-10-01 to 2016-09-30 (simulated, as always, from October 2008), seed 1,
  every assumption a factor. Morris takes ``samples x (k + 1)`` runs for ``k`` factors, so
  ``samples = round(runs / (k + 1))`` gives the run count nearest ``--runs``.
* (a) the process pool: ``make_executor(None, N)``, N local processes (default: the cores);
  (b) Dask: ``make_executor("local:N")``, a LocalCluster of N single-threaded workers.
  Each is timed from the executor's creation (workers start and warm their kernels) to the last
  result; the same factor rows run on both, and the outputs must agree exactly.
* Prints figures only; exits non-zero only if something crashes or the two disagree. The
  target (issue 15) is a figure in the note, not a pass/fail threshold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import time

import numpy as np

from corridor.analysis.sensitivity import sample
from corridor.analysis.sensitivity_model import (
    SensitivitySetup,
    SimulationModel,
    check_setup,
    factors,
)
from corridor.executor import default_workers, make_executor

START, END, SEED = dt.date(2013, 10, 1), dt.date(2016, 9, 30), 1
METRIC, STATISTIC = "orr_census", "peak"


def timed(cluster: str | None, workers: int, setup, names, X) -> tuple[float, np.ndarray]:
    t0 = time.perf_counter()
    with make_executor(cluster, workers) as ex:
        Y = SimulationModel(setup, names, ex)(X)
    return time.perf_counter() - t0, Y


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000, help="about this many simulation runs")
    ap.add_argument("--workers", type=int, default=None, help="processes / Dask workers")
    ap.add_argument("--skip-dask", action="store_true", help="time the process pool only")
    ap.add_argument("--parameters", default=None, help="only assumptions matching this glob")
    a = ap.parse_args()
    n = a.workers or default_workers()
    setup = SensitivitySetup("baseline", METRIC, STATISTIC, START, END, SEED)
    names = [f.name for f in factors(check_setup(setup), a.parameters)]
    samples = max(2, round(a.runs / (len(names) + 1)))
    X = sample("morris", names, samples, SEED)
    print(f"Morris: {len(names)} assumptions x {samples} trajectories = {len(X)} runs of "
          f"{START}..{END} (from 2008-10-01); {n} workers; python {platform.python_version()}")  # fmt: skip
    secs, Y = timed(None, n, setup, names, X)
    print(f"process pool ({n} processes): {secs:.1f} s, {len(X) / secs:.2f} draws/s")
    if not a.skip_dask:
        secs_d, Y_d = timed(f"local:{n}", n, setup, names, X)
        print(f"Dask LocalCluster ({n} workers): {secs_d:.1f} s, {len(X) / secs_d:.2f} draws/s")
        if not np.array_equal(Y, Y_d):
            raise SystemExit("the process pool and Dask gave different outputs")
        print("outputs identical on both")


if __name__ == "__main__":
    main()
