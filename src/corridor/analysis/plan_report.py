"""What ``corridor plan`` writes: ``plan.json`` (the answer) and ``plan.csv`` (the curve).

``plan.json``: ``level`` (null when no level in the range meets the targets), ``met``,
``probability`` (the share of draws meeting every target at ``level``, or at the top of the range
when none does) with its Wilson interval, ``targets`` (each with its median, 10th and 90th
percentile and share met at the level), ``cost`` (each cost_* metric over the window at the level
and its difference from ``--scenario`` without the lever, per draw, as median and 10-90% band),
``curve`` (every evaluated level), ``out_of_reach`` (the draws that fail a target on the window's
days before ``--from``, where no level of the lever can act, and the highest probability any level
could then reach), the statement printed, and what made it.
``plan.csv``: one row per evaluated level: the share of draws meeting all targets, its interval,
and each target's median.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.analysis.plan import CONFIDENCE
from corridor.analysis.plan_model import PlanResult

QUANTILES = (50, 10, 90)


def _band(x: np.ndarray) -> dict:
    m, lo, hi = np.nanpercentile(x, QUANTILES) if len(x) else (np.nan,) * 3
    return {"median": float(m), "p10": float(lo), "p90": float(hi)}


def curve_table(r: PlanResult) -> pd.DataFrame:
    rows = []
    for p in r.search.curve:
        ev = r.evaluations[p.level]
        a, b = p.interval
        row = {"level": p.level, "draws": p.draws, "draws_met": p.met,
               "probability": p.probability, "ci_low": a, "ci_high": b,
               "round": p.order, "chosen": p.level == r.search.level}  # fmt: skip
        for j, t in enumerate(r.targets):
            row[f"median: {t.text}"] = float(np.nanmedian(ev.values[:, j]))
            row[f"met: {t.text}"] = float(t.met(ev.values[:, j]).mean())
        rows.append(row)
    return pd.DataFrame(rows)


def cost_table(r: PlanResult) -> dict:
    at, ref = r.chosen, r.reference
    out = {}
    for metric in sorted(at.costs):
        base = ref.costs.get(metric, np.zeros_like(at.costs[metric]))
        out[metric] = {**_band(at.costs[metric]), "added": _band(at.costs[metric] - base)}
    return out


def out_of_reach(r: PlanResult) -> dict:
    """The draws no level can fix (they fail before the lever acts), in plan.json's terms."""
    early = r.out_of_reach
    n, k = len(early), int(early.sum())
    best = (n - k) / n if n else float("nan")
    st = r.setup
    if k == 0:
        note = ""
    elif best < r.search.probability:
        note = (f"in {k} of {n} draws a target already fails before the lever acts "
                f"(--from {st.start_lever}, window from {st.start}): no level can reach "
                f"probability {r.search.probability:g} (at most {best:.2f}); the target is out "
                "of this lever's reach as posed: let the lever act earlier or judge a window "
                "that starts when it does")  # fmt: skip
    else:
        note = (f"{k} of {n} draws fail a target before the lever acts (--from "
                f"{st.start_lever}, window from {st.start}): they fail at every level, so no "
                f"level can do better than {best:.2f}")  # fmt: skip
    return {"draws": [int(d) for d in np.flatnonzero(early)], "count": k, "of": n,
            "max_probability": best, "note": note}  # fmt: skip


def plan_record(r: PlanResult, command: str = "") -> dict:
    from corridor import __version__

    s, st = r.search, r.setup
    p = s.points[s.level if s.level is not None else s.grid[-1]]
    at = r.chosen
    targets = []
    for j, t in enumerate(r.targets):
        targets.append({**t.as_dict(), **_band(at.values[:, j]),
                        "share_met": float(t.met(at.values[:, j]).mean())})  # fmt: skip
    reach = out_of_reach(r)
    statement = s.statement(st.lever) + (f"; {reach['note']}" if reach["note"] else "")
    return {
        "level": s.level,
        "met": s.level is not None,
        "probability": p.probability,
        "probability_interval": list(p.interval),
        "interval_confidence": CONFIDENCE,
        "probability_required": s.probability,
        "level_below": s.below,
        "statement": statement,
        "monotone": s.monotone,
        "lever": {
            "parameter": st.lever,
            "op": st.op,
            "from": str(st.start_lever),
            "range": [s.grid[0], s.grid[-1]],
            "levels": len(s.grid),
        },  # fmt: skip
        "targets": targets,
        "cost": cost_table(r),
        "cost_note": "cost_* metrics summed over the window at the level (US$, nominal), and "
        "their difference from the scenario without the lever in the same draw; "
        "the model charges care per occupied child-day, so capacity that stays "
        "empty costs nothing here",
        "curve": curve_table(r).to_dict(orient="records"),
        "out_of_reach": reach,
        "scenario": st.scenario,
        "start": str(st.start),
        "end": str(st.end),
        "seed": st.seed,
        "draws": st.draws,
        "draws_note": "draws 0..N-1 of the seed, every assumption sampled: the same draws as "
        "corridor compare --draws N --seed SEED",
        "method": "bisection on the level grid, every level on the same draws",
        "seconds": round(r.seconds, 2),
        "corridor_version": __version__,
        "command": command or " ".join(["corridor", *sys.argv[1:]]),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_plan(
    r: PlanResult, out: Path, overwrite: bool = False, command: str = "", inputs=()
) -> dict:
    """plan.json and plan.csv, written atomically into ``out`` (``inputs``: what it read, which
    ``out`` may never replace; see corridor.outputs.writer)."""
    from corridor.outputs.writer import atomic_directory

    record = plan_record(r, command)
    with atomic_directory(Path(out), overwrite, inputs) as tmp:
        curve_table(r).to_csv(tmp / "plan.csv", index=False)
        with open(tmp / "plan.json", "w", encoding="utf-8") as f:
            json.dump(record, f, indent=2, default=str)
    return record
