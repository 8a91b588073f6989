"""How fast corridor runs draws, from one run of this script (issue 13's figures).

Run from the repository root:  python benchmarks/bench_speed.py [--quick]

Prints, each with what was measured:

1. the machine (CPUs, load average: on a shared machine every figure is inflated by the load);
2. the physical floor: events per second of the compiled kernels alone (shelter placement and
   the court docket), on the inputs of a real full-baseline draw, best of 3;
3. the full FY2009-FY2026 baseline, one draw: in this process, simulated and then written (the
   stages' shares of the time), and from the command line as a user runs it (subprocess wall),
   with its peak memory per simulated child;
4. draws per second for one scenario (baseline, FY2014-FY2020, ``--draws 8``) on local processes;
5. ``compare`` of 4 scenarios x 50 draws, FY2014-FY2020, from the command line (``--quick``: 4 x
   10), with the peak memory of its largest worker process;
6. process pool against a Dask LocalCluster: the same compare (2 scenarios x 8 draws) on each,
   draws per second (cluster start-up included and excluded), and whether they agree.

Targets (issue 13, on 2 cores): full baseline from the CLI <= 2 s (goal 1 s); compare 4 x 50 <=
40 s (goal 20 s). This script reports; it fails only if something crashes.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

FULL = ("2008-10-01", "2026-09-30")
WINDOW = ("2013-10-01", "2020-09-30")
COMPARE = ["baseline", "house-2014", "supplemental-2014", "counsel-for-all"]


def cli() -> list[str]:
    exe = Path(sys.executable).with_name("corridor")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "corridor"]


def timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def machine() -> None:
    import numba

    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} CPUs, "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; python "
          f"{platform.python_version()}, numba {numba.__version__}, numpy {np.__version__}")  # fmt: skip


def kernel_floor() -> None:
    """Time the compiled kernels alone on the inputs a real draw gives them."""
    from corridor import Simulation
    from corridor.engine import docket, placement

    calls: dict[str, tuple] = {}
    wrapped = {}
    for module, name in ((placement, "place"), (docket, "run")):
        original = getattr(module, name)

        def spy(*args, _original=original, _key=f"{module.__name__}.{name}", **kwargs):
            calls[_key] = (_original, args, kwargs)
            return _original(*args, **kwargs)

        # the kernel's module and every corridor module that imported it by name
        for holder in list(sys.modules.values()):
            if getattr(holder, "__name__", "").startswith("corridor.") and (
                getattr(holder, name, None) is original
            ):
                wrapped[(holder, name)] = original
                setattr(holder, name, spy)
    try:
        sim = Simulation("baseline", *FULL, seed=3)
        draw = sim.run_draw(0)
    finally:
        for (module, name), original in wrapped.items():
            setattr(module, name, original)
    c = draw.children
    total = 0.0
    events = 0
    for key, (fn, args, kwargs) in calls.items():
        fn(*args, **kwargs)  # compiled (or loaded) already; once more to settle caches
        best = min(timed(fn, *args, **kwargs)[0] for _ in range(3))
        if key.endswith("place"):
            # per referred child: referral, bed assignment, exit from care
            n = int(np.isfinite(c.t_referral).sum() + np.isfinite(c.t_bed_assigned).sum()
                    + np.isfinite(c.t_orr_exit).sum())  # fmt: skip
        else:
            # per case: filing, each hearing, decision
            n = int(np.isfinite(c.t_file).sum() + c.n_hearings.sum()
                    + np.isfinite(c.t_decision).sum())  # fmt: skip
        total += best
        events += n
        print(f"floor: {key}: {n:,} events in {best:.3f} s -> {n / best:,.0f} events/s")
    if calls:
        print(f"floor: both kernels {events:,} events in {total:.3f} s -> "
              f"{events / total:,.0f} events/s ({c.n:,} children in the draw)")  # fmt: skip


def full_baseline() -> None:
    from corridor import Simulation
    from corridor.outputs.save import save_run

    sim = Simulation("baseline", *FULL, seed=3)
    sim.run_draw(0)  # kernels compiled or loaded
    stages: dict[str, float] = {}
    last = [time.perf_counter()]

    def step(name: str) -> None:
        now = time.perf_counter()
        stages[name] = stages.get(name, 0.0) + now - last[0]
        last[0] = now

    t_sim, result = timed(sim.run, progress=step)
    with tempfile.TemporaryDirectory() as tmp:
        t_write, _ = timed(save_run, result, Path(tmp) / "out")
    share = ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
    print(f"full baseline {FULL[0]}..{FULL[1]}, one draw, in process: simulate {t_sim:.2f} s "
          f"({share}), tables and writing {t_write:.2f} s, total {t_sim + t_write:.2f} s")  # fmt: skip
    best = None
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(3):
            cmd = cli() + ["run", "--scenario", "baseline", "--start", FULL[0], "--end", FULL[1],
                           "--seed", "3", "--out", str(Path(tmp) / f"o{i}")]  # fmt: skip
            t, proc = timed(subprocess.run, cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                raise SystemExit(f"corridor run failed: {proc.stderr.strip()}")
            best = t if best is None else min(best, t)
        t_import, _ = timed(subprocess.run, [sys.executable, "-c", "import corridor.cli, "
                            "corridor.outputs.save, corridor.simulation"], check=True)  # fmt: skip
    print(f"full baseline from the command line: best of 3 {best:.2f} s (target 2 s, goal 1 s); "
          f"of which importing the package {t_import:.2f} s")  # fmt: skip
    n = sum(d.n_children for d in result.draws)
    with tempfile.TemporaryDirectory() as tmp:
        args = ["run", "--scenario", "baseline", "--start", FULL[0], "--end", FULL[1], "--seed",
                "3", "--out", str(Path(tmp) / "m")]  # fmt: skip
        run_peak = peak_kib(args)
        base = peak_kib(None)
    print(f"peak memory of the full baseline from the command line: {run_peak / 1024:,.0f} MiB "
          f"({base / 1024:,.0f} MiB once the package is imported) -> "
          f"{(run_peak - base) * 1024 / n:,.0f} bytes per simulated child ({n:,} children)")  # fmt: skip


# Runs corridor's command line (or only imports it) and writes the process's own peak resident
# memory (VmHWM, KiB) to a file at exit. getrusage's ru_maxrss would not do: a child forked from
# this (large) process inherits its high-water mark.
_PEAK = """
import atexit, sys
def _peak(path=sys.argv[1]):
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            open(path, "w").write(line.split()[1])
atexit.register(_peak)
import corridor.cli, corridor.outputs.save, corridor.simulation
if len(sys.argv) > 2:
    sys.argv = ["corridor", *sys.argv[2:]]
    try:  # not cli.main(): it ends the process without running atexit
        corridor.cli.app()
    except SystemExit:
        pass
"""


def peak_kib(args: list[str] | None) -> int:
    """The peak resident memory (KiB) of ``corridor ARGS`` (None: of importing it), or 0 where
    /proc is missing."""
    if not Path("/proc/self/status").exists():
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp) / "peak"
        subprocess.run([sys.executable, "-c", _PEAK, str(where), *(args or [])], check=True,
                       capture_output=True)  # fmt: skip
        return int(where.read_text())


def one_scenario() -> None:
    from corridor import Simulation
    from corridor.executor import make_executor

    sim = Simulation("baseline", *WINDOW, seed=1, draws=8)
    with make_executor(None, None) as ex:
        t, _ = timed(sim.run, keep_children=False, executor=ex)
        print(f"one scenario (baseline {WINDOW[0]}..{WINDOW[1]}, 8 draws) on {ex.description}: "
              f"{t:.1f} s -> {8 / t:.2f} draws/s")  # fmt: skip


def compare_cli(draws: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = cli() + ["compare", *COMPARE, "--start", WINDOW[0], "--end", WINDOW[1],
                       "--draws", str(draws), "--out", str(Path(tmp) / "c")]  # fmt: skip
        t, proc = timed(subprocess.run, cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"corridor compare failed: {proc.stderr.strip()}")
    # ru_maxrss of the children: the largest process among the CLI and its workers (KiB on Linux)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    n = len(COMPARE) * draws
    print(f"compare {len(COMPARE)} x {draws} {WINDOW[0]}..{WINDOW[1]} from the command line: "
          f"{t:.1f} s ({n / t:.2f} scenario-draws/s; target 40 s for 4 x 50); peak memory of "
          f"the largest process (CLI or worker) {peak:,.0f} MiB")  # fmt: skip


def pool_against_dask() -> None:
    from corridor.analysis.compare import compare
    from corridor.executor import make_executor

    scenarios, draws = COMPARE[:2], 8
    n = len(scenarios) * draws
    with make_executor(None, 2) as ex:
        t_pool, a = timed(compare, scenarios, *WINDOW, draws=draws, executor=ex)
    t0 = time.perf_counter()
    with make_executor("local:2") as ex:
        t_start = time.perf_counter() - t0
        t_dask, b = timed(compare, scenarios, *WINDOW, draws=draws, executor=ex)
    same = a.table().to_csv(index=False) == b.table().to_csv(index=False)
    print(f"process pool (2 processes): {n / t_pool:.2f} scenario-draws/s ({t_pool:.1f} s); "
          f"Dask LocalCluster (2 workers): {n / t_dask:.2f} scenario-draws/s ({t_dask:.1f} s; "
          f"{t_start:.1f} s more to start the cluster); comparison identical: {same}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="compare 4 x 10 instead of 4 x 50")
    a = ap.parse_args()
    machine()
    kernel_floor()
    full_baseline()
    one_scenario()
    compare_cli(10 if a.quick else 50)
    pool_against_dask()
    machine()


if __name__ == "__main__":
    main()
