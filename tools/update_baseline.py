#!/usr/bin/env python3
"""Regenerate tests/baseline.yaml, the fixed-seed regression baseline, on purpose.

Usage (from the repository root)::

    .venv/bin/python tools/update_baseline.py --note "why the headline outputs changed"

``tests/test_regression_baseline.py`` reruns the same configuration and compares every key in
the file with a stated tolerance, so any change to the model's headline outputs fails the tests
until someone regenerates the file and says why (the note is appended to the file's history).
Keys are ``FY<year>.<metric>.<statistic>`` for the group ``all``: flows summed over the year,
stocks at the year's end and their peak, averages as their flow-weighted mean. Only the headline
metrics below that the model produces are written; the test compares only keys in the file, so
a new metric does not break it until the file is regenerated to include it.

Modelled on Starsim's ``tests/baseline.yaml`` and ``tests/update_baseline.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "tests" / "baseline.yaml"
CONFIG = {"scenario": "baseline", "start": "2013-10-01", "end": "2016-09-30", "seed": 1, "draws": 1}
TOLERANCE = {"relative": 1e-3, "absolute": 1e-6}

# metric -> statistics reported per fiscal year
HEADLINE = {
    **{m: ("sum",) for m in (
        "arrivals", "returned_contiguous", "expelled_title42", "orr_referrals", "orr_released",
        "orr_transfers_ice", "court_filings_uac", "court_completions_uac", "relief_granted",
        "terminated_or_closed", "voluntary_departure", "removal_ordered", "removal_in_absentia",
        "removals_executed", "cost_cbp", "cost_orr", "cost_eoir", "cost_legal", "cost_removal",
        "cost_total",
    )},
    **{m: ("end", "max") for m in (
        "cbp_census", "orr_census", "orr_capacity", "court_pending_uac", "court_pending_total",
    )},
    **{m: ("mean",) for m in (
        "orr_length_of_care_days", "court_wait_days_median", "represented_share",
        "in_absentia_share",
    )},
}  # fmt: skip


def headline(result) -> dict[str, float]:
    """The headline outputs of a one-draw result: {"FY2014.arrivals.sum": value, ...}."""
    d = result.draws[0].metrics
    clock = result.clock
    first = clock.day(result.start)
    fy = clock.fiscal_years()[first:]
    out: dict[str, float] = {}
    for name, stats in HEADLINE.items():
        if name not in d.metrics:
            continue
        m = d.metrics[name]
        v = d.series(name)[first:]
        for year in np.unique(fy):
            sel = fy == year
            for stat in stats:
                if m.kind == "average":
                    w = d.metrics[m.weight].values[-1][first:][sel]
                    x = v[sel]
                    ok = np.isfinite(x) & (w > 0)
                    value = float((x[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() else float("nan")
                elif stat == "sum":
                    value = float(v[sel].sum())
                elif stat == "end":
                    value = float(v[sel][-1])
                else:
                    value = float(v[sel].max())
                out[f"FY{year}.{name}.{stat}"] = float(f"{value:.10g}")
    return out


def run() -> dict[str, float]:
    from corridor import Simulation

    c = CONFIG
    result = Simulation(c["scenario"], c["start"], c["end"], c["seed"], c["draws"]).run()
    return headline(result)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--note", required=True, help="Why the baseline changes (kept in the file).")
    ap.add_argument("--out", type=Path, default=BASELINE)
    args = ap.parse_args(argv)
    from corridor import __version__

    old = yaml.safe_load(args.out.read_text()) if args.out.exists() else {}
    values = run()
    changed = sorted(k for k in values if old.get("values", {}).get(k) != values[k])
    history = list(old.get("history", []))
    history.append({
        "date": dt.date.today().isoformat(), "corridor_version": __version__,
        "note": args.note, "keys_changed": len(changed), "keys": len(values),
    })  # fmt: skip
    doc = {
        "config": CONFIG,
        "tolerance": TOLERANCE,
        "values": values,
        "history": history,
    }
    header = (
        "# Regression baseline: headline outputs of a fixed-seed run (see tools/update_baseline.py).\n"
        "# tests/test_regression_baseline.py fails when any value moves by more than the tolerance\n"
        "# (|new - old| > relative * |old| + absolute). Regenerate on purpose only:\n"
        "#   .venv/bin/python tools/update_baseline.py --note 'why'\n"
    )
    args.out.write_text(header + yaml.safe_dump(doc, sort_keys=False, width=100))
    print(f"{len(values)} values ({len(changed)} changed) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
