"""One PNG chart per headline metric: every scenario's monthly median over time with its
10th-90th percentile band (matplotlib, Agg backend: no display needed). Charts are drawn in
parallel processes when several cores are available."""

from __future__ import annotations

import multiprocessing as mp
import re
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

HOW = {
    "sum": "monthly total",
    "max": "monthly peak",
    "mean": "monthly mean",
    "cumulative": "cumulative since the window's start",
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def chart_name(h) -> str:
    return f"{slug(h.metric)}_{h.statistic}.png"


def _render(job: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    q, x = job["q"], job["x"]
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    colours = plt.get_cmap("tab10")
    for s, scenario in enumerate(job["scenarios"]):
        c = colours(s % 10)
        ax.plot(x, q[0, s], color=c, lw=1.6, label=scenario)
        ax.fill_between(x, q[1, s], q[2, s], color=c, alpha=0.18, lw=0)
    ax.set_title(job["title"], fontsize=10)
    ax.set_ylabel(job["metric"], fontsize=9)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    ax.text(0.0, -0.14, job["note"], transform=ax.transAxes, fontsize=7, color="0.4")
    fig.tight_layout()
    fig.savefig(job["path"])
    plt.close(fig)


def write_charts(comp, directory: Path, workers: int | None = None) -> dict[str, str]:
    """Write the charts; returns headline label -> file name (relative to ``directory``)."""
    from corridor.executor import default_workers

    directory.mkdir(parents=True, exist_ok=True)
    x = comp.months.to_timestamp().to_pydatetime()
    files: dict[str, str] = {}
    jobs = []
    for h in comp.headlines:
        arr = comp.monthly.get(h.label)
        name = chart_name(h)
        if arr is None or name in files.values():
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            q = np.nanpercentile(arr, (50, 10, 90), axis=1)
        jobs.append(
            {
                "q": q, "x": x, "scenarios": list(comp.scenarios), "metric": h.metric,
                "title": f"{h.label}: {HOW.get(h.chart, h.chart)}",
                "note": f"median and 10th-90th percentile band over {comp.draws} draw(s), "
                        f"seed {comp.seed}",
                "path": str(directory / name),
            }
        )  # fmt: skip
        files[h.label] = name
    workers = max(1, min(workers or default_workers(), len(jobs)))
    if workers > 1 and "fork" in mp.get_all_start_methods():
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as ex:
            list(ex.map(_render, jobs))
    else:
        for job in jobs:
            _render(job)
    return files
