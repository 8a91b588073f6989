"""Result.plot: one figure of a daily metric, with a band over draws when there are several."""

from __future__ import annotations

import numpy as np

from corridor.errors import CorridorError
from corridor.outputs.dictionary import label, label_with_unit

BAND = (10, 90)  # the percentiles of the band over draws


def plot_result(result, metric: str, group: str = "all", ax=None):
    import matplotlib.pyplot as plt  # without a display matplotlib falls back to Agg
    from matplotlib.ticker import FuncFormatter

    from corridor.analysis.report import PALETTE, axis_text

    d = result.daily
    sel = d[(d["metric"] == metric) & (d["group"] == group)]
    if sel.empty:
        known = sorted(set(d["metric"].unique()))
        raise CorridorError("plot", f"no metric '{metric}' for group '{group}' "
                            f"(metrics: {', '.join(known[:8])} ...)")  # fmt: skip
    wide = sel.pivot_table(index="date", columns="draw", values="value", observed=True)
    fig = ax.figure if ax is not None else plt.subplots(figsize=(9, 4.2))[0]
    ax = ax if ax is not None else fig.axes[0]
    x = wide.index
    if wide.shape[1] > 1:
        lo, med, hi = np.nanpercentile(wide.to_numpy(), (BAND[0], 50, BAND[1]), axis=1)
        ax.fill_between(x, lo, hi, color=PALETTE[0], alpha=0.2, lw=0,
                        label=f"{BAND[0]}th-{BAND[1]}th percentile over {wide.shape[1]} draws")  # fmt: skip
        ax.plot(x, med, color=PALETTE[0], lw=1.5, label="median over draws")
    else:
        ax.plot(x, wide.iloc[:, 0], color=PALETTE[0], lw=1.5, label=f"seed {result.seed}")
    ax.set_title(f"{result.scenario}: {label(metric)} ({group})", fontsize=10)
    ax.set_ylabel(label_with_unit(metric), fontsize=9)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: axis_text(v, metric)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig
