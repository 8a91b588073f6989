"""Where a whole ``corridor compare`` spends its time, end to end: the parent's phases and each
worker's draws on a timeline, so that the time outside the draws is seen, not guessed.

Run from the repository root:  python benchmarks/profile_compare.py [--draws 10] [--workers 2]

It runs what ``corridor compare baseline house-2014 supplemental-2014 counsel-for-all --start
2013-10-01 --end 2020-09-30 --draws N --out DIR`` runs (``corridor.analysis.compare.compare`` and
``write_comparison``, in this process, on the default local process pool) and prints:

1. the parent's phases (wall seconds): loading the scenarios, the pool's start (the kernels are
   loaded once in the parent and the workers are forked from it), the draws, gathering the
   results, and the writing, split into the charts (matplotlib, in their own processes) and the
   rest (comparison.csv, report.html, run.json);
2. per draw, in the worker that ran it: CPU seconds (user and system), page faults, and the
   bytes of the result sent back to the parent; a worker's first draw apart (its heap grows
   then: most of its page faults);
3. the idle share: worker-seconds in which a worker had no draw to run (the end of the pool).

Every figure is inflated by other jobs on the machine (the load average is printed). It reports;
it fails only if something crashes.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

SCENARIOS = ["baseline", "house-2014", "supplemental-2014", "counsel-for-all"]
WINDOW = ("2013-10-01", "2020-09-30")
_LOG = Path(tempfile.gettempdir()) / f"corridor-profile-compare-{os.getpid()}.log"


def timed_draw(item):
    """``compare_draw`` with its worker's CPU, page faults and result size logged (a line per
    draw in the log file the parent reads)."""
    from corridor.analysis.compare import _compare_draw

    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.time()
    out = _compare_draw(item)
    t1 = time.time()
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    size = len(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()} {item[1]} {t0:.4f} {t1:.4f} {r1.ru_utime - r0.ru_utime:.4f} "
                f"{r1.ru_stime - r0.ru_stime:.4f} {r1.ru_minflt - r0.ru_minflt} {size}\n")  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10)
    ap.add_argument("--workers", type=int, default=None, help="default: every core")
    args = ap.parse_args()

    import corridor.analysis.compare as compare_mod
    from corridor.analysis import compare_report

    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f}")  # fmt: skip
    phases: dict[str, float] = {}
    marks = {"t0": time.time()}

    # the draws, timed in their workers; the first task's start marks the pool's end of start-up
    compare_mod._compare_draw = compare_mod.compare_draw
    compare_mod.compare_draw = timed_draw
    from corridor import simulation

    original_init = simulation.Simulation.__init__

    def init(self, *a, **k):  # the last scenario loaded marks the end of loading (not the
        original_init(self, *a, **k)  # warm-up's own one-month Simulation after them)
        marks["inits"] = marks.get("inits", 0) + 1
        if marks["inits"] == len(SCENARIOS):
            marks["loaded"] = time.time()

    simulation.Simulation.__init__ = init
    original_charts = compare_report.charts
    chart_time = [0.0, 0]

    def charts(comp, workers=None):
        t = time.time()
        drawn, empty = original_charts(comp, workers)
        chart_time[0] += time.time() - t
        chart_time[1] += len(drawn)
        return drawn, empty

    compare_report.charts = charts
    _LOG.unlink(missing_ok=True)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    comp = compare_mod.compare(SCENARIOS, *WINDOW, draws=args.draws, seed=1, workers=args.workers)
    marks["gathered"] = time.time()
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.time()
        compare_mod.write_comparison(comp, Path(tmp) / "c")
        phases["writing"] = time.time() - t
    marks["end"] = time.time()
    simulation.Simulation.__init__ = original_init
    compare_report.charts = original_charts
    compare_mod.compare_draw = compare_mod._compare_draw

    rows = []
    for line in _LOG.read_text(encoding="utf-8").splitlines():
        pid, draw, t0, t1, user, sys_, flt, size = line.split()
        rows.append((int(pid), int(draw), float(t0), float(t1), float(user), float(sys_),
                     int(flt), int(size)))  # fmt: skip
    _LOG.unlink(missing_ok=True)
    first_start = min(r[2] for r in rows)
    last_end = max(r[3] for r in rows)
    phases = {
        "loading the scenarios": marks["loaded"] - marks["t0"],
        "pool start (kernels loaded, workers forked)": first_start - marks["loaded"],
        "draws (first start to last end)": last_end - first_start,
        "gathering the results": marks["gathered"] - last_end,
        f"writing: {chart_time[1]} charts": chart_time[0],
        "writing: the rest": phases["writing"] - chart_time[0],
    }
    total = marks["end"] - marks["t0"]
    n = len(SCENARIOS)
    print(f"compare {n} x {args.draws} {WINDOW[0]}..{WINDOW[1]} on {comp.workers or 'every'} "
          f"core(s): {total:.1f} s wall in all")  # fmt: skip
    for name, secs in phases.items():
        print(f"  {name:45s} {secs:6.2f} s  ({100 * secs / total:4.1f}%)")
    pids = sorted({r[0] for r in rows})
    firsts = [min((r for r in rows if r[0] == p), key=lambda r: r[2]) for p in pids]
    later = [r for r in rows if r not in firsts]

    def describe(rs, what):
        if not rs:
            return
        cpu = [r[4] + r[5] for r in rs]
        print(f"  {what}: {len(rs)} draw(s), CPU median {statistics.median(cpu):.2f} s "
              f"(user {statistics.median(r[4] for r in rs):.2f}, system "
              f"{statistics.median(r[5] for r in rs):.2f}), wall median "
              f"{statistics.median(r[3] - r[2] for r in rs):.2f} s, page faults median "
              f"{statistics.median(r[6] for r in rs):,.0f}")  # fmt: skip

    print(f"per draw of {n} scenarios, in {len(pids)} worker(s):")
    describe(firsts, "each worker's first draw")
    describe(later, "later draws")
    sizes = [r[7] for r in rows]
    print(f"  result sent back per draw: {statistics.median(sizes) / 1024:,.0f} KiB "
          f"(pickled); parent CPU while the draws ran {cpu1.ru_utime - cpu0.ru_utime:.2f} s")  # fmt: skip
    busy = sum(r[3] - r[2] for r in rows)
    span = (last_end - first_start) * len(pids)
    print(f"  workers idle during the draws: {100 * (1 - busy / span):.1f}% of "
          f"{len(pids)} x {last_end - first_start:.1f} s")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
