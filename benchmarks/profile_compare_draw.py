"""Where one compare draw spends its time: CPU seconds per draw of the four scenarios of
``run 5`` / ``run speed`` (FY2014-FY2020), and the functions that take the most of it.

Run from the repository root:  python benchmarks/profile_compare_draw.py [--draws 3] [--top 25]

The draws are run here, one after another (no worker processes), after one warm-up draw that
loads the compiled kernels; the CPU time is ``time.process_time`` (the process's own, so other
jobs on the machine inflate it less than wall time). The profile is cProfile's, sorted by time
spent in each function itself, over the last draw. It reports; it fails only if something
crashes.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from corridor.analysis.compare import compare_draw
from corridor.simulation import Simulation

SCENARIOS = ["baseline", "house-2014", "supplemental-2014", "counsel-for-all"]
WINDOW = ("2013-10-01", "2020-09-30")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=3, help="draws timed after the warm-up")
    ap.add_argument("--top", type=int, default=25, help="functions listed from the profile")
    args = ap.parse_args()
    sims = {n: Simulation(n, *WINDOW, seed=1, draws=50) for n in SCENARIOS}
    shared = tuple((n, sims[n].share()) for n in SCENARIOS)
    start = sims[SCENARIOS[0]].start
    compare_draw((shared, 0, start))  # kernels loaded, caches warm
    cpu = []
    for d in range(1, args.draws + 1):
        t = time.process_time()
        compare_draw((shared, d, start))
        cpu.append(time.process_time() - t)
    print(f"one compare draw ({len(SCENARIOS)} scenarios, {WINDOW[0]}..{WINDOW[1]}): CPU "
          f"{', '.join(f'{x:.2f}' for x in cpu)} s; best {min(cpu):.2f} s")  # fmt: skip
    prof = cProfile.Profile()
    prof.enable()
    compare_draw((shared, args.draws + 1, start))
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
