"""What ``corridor sensitivity`` writes: ``sensitivity.csv`` (one row per assumption: rank,
indices, confidence, provenance), a tornado chart (``tornado.png``, ``tornado.svg``), the factor
rows and outputs (``samples.parquet``) and ``run.json``."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from corridor.analysis.sensitivity import CONFIDENCE, INDEX_COLUMNS, Sensitivity
from corridor.analysis.sensitivity_model import PROVENANCE

TOP = 10  # drivers listed on the console and in run.json
CHART_BARS = 20  # bars on the tornado chart
COLOURS = {"sourced": "#1f77b4", "calibrated": "#ff7f0e", "judgement": "#d62728"}


def table(s: Sensitivity, factors) -> pd.DataFrame:
    info = pd.DataFrame(
        [{"parameter": f.name, "provenance": f.provenance, "calibrated": f.calibrated,
          "low": json.dumps(f.low), "high": json.dumps(f.high), "relative": f.relative}
         for f in factors]
    )  # fmt: skip
    return s.indices.merge(info, on="parameter", how="left")


def drivers(t: pd.DataFrame, top: int = TOP) -> dict[str, list[str]]:
    """The ``top`` drivers, split by provenance (sourced, calibrated, judgement)."""
    head = t.head(top)
    return {k: head[head.provenance == k].parameter.tolist() for k in PROVENANCE}


def tornado(s: Sensitivity, t: pd.DataFrame, path_stem: Path, title: str) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    col, conf = INDEX_COLUMNS[s.method][:2]
    head = t.head(CHART_BARS).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.32 * len(head) + 1.6), dpi=100)
    colours = [COLOURS.get(p, "grey") for p in head.provenance]
    ax.barh(head.parameter, head[col], xerr=head[conf], color=colours, ecolor="black",
            capsize=2)  # fmt: skip
    if s.method == "sobol":  # first-order indices inside the total ones
        ax.barh(head.parameter, head["S1"], height=0.35, color="white", alpha=0.7, label="S1")
    ax.set_xlabel(f"{col} ({CONFIDENCE:.0%} confidence interval)")
    ax.set_title(title, fontsize=9)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in COLOURS.values()]
    ax.legend(handles, [f"{k} value" for k in COLOURS], fontsize=8, loc="lower right")
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    paths = [path_stem.with_suffix(".png"), path_stem.with_suffix(".svg")]
    for p in paths:
        fig.savefig(p)
    plt.close(fig)
    return paths


def write_sensitivity(s: Sensitivity, factors, setup, out: Path, overwrite: bool = False,
                      seconds: float = 0.0, command: str = "", inputs=()) -> dict:  # fmt: skip
    from corridor import __version__
    from corridor.outputs.writer import atomic_directory, sha256

    t = table(s, factors)
    title = (f"{setup.metric} {setup.statistic}, {setup.start} to {setup.end} "
             f"({setup.scenario}): {s.method}, {len(s.Y)} runs")  # fmt: skip
    record = {
        "metric": setup.metric,
        "statistic": setup.statistic,
        "scenario": setup.scenario,
        "start": str(setup.start),
        "end": str(setup.end),
        "seed": setup.seed,
        "method": s.method,
        "runs": len(s.Y),
        "factors": len(s.names),
        "factor_scale": "each factor is the quantile u in [0, 1] at which its assumption is "
        "sampled (corridor.parameters.sampling); every run uses the random streams of draw 0",
        "confidence": CONFIDENCE,
        "top_drivers": t.head(TOP)[["parameter", s.ranking, "provenance"]].to_dict("records"),
        "provenance_rule": "calibrated: the file records facts the value was fitted or chosen "
        "to (calibrated_to); sourced: the file cites sources for the value; judgement: an "
        "assumption with a range and a reason only. Every range is an assumption.",
        **{f"top_{k}": v for k, v in drivers(t).items()},
        "seconds": round(seconds, 2),
        "corridor_version": __version__,
        "command": command or " ".join(["corridor", *sys.argv[1:]]),
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with atomic_directory(Path(out), overwrite, inputs) as tmp:
        t.to_csv(tmp / "sensitivity.csv", index=False)
        samples = pd.DataFrame(s.X, columns=s.names)
        samples["output"] = s.Y
        samples.to_parquet(tmp / "samples.parquet", index=False)
        tornado(s, t, tmp / "tornado", title)
        record["files"] = {p.name: sha256(p) for p in sorted(tmp.iterdir()) if p.is_file()}
        with open(tmp / "run.json", "w", encoding="utf-8") as f:
            json.dump(record, f, indent=2, default=str)
    record["table"] = t
    return record
