"""Write a backtest's outputs: backtest.csv, summary.csv, PNG charts and an offline index.html,
all into one directory at once (nothing is left behind if anything fails)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from corridor import __version__
from corridor.analysis.backtest import BAND_TOLERANCE, Backtest
from corridor.outputs.dictionary import describe, load_dictionary
from corridor.outputs.writer import atomic_directory, write_manifest

CSV_COLUMNS = [
    "id", "family", "metric", "group", "statistic", "period", "observed", "simulated_median",
    "simulated_p10", "simulated_p90", "relative_error", "in_band", "within_10pct", "reproduced",
    "status", "role", "cited_by_parameters", "calibrated_by", "published_value", "unit", "first_day", "last_day",
    "confidence", "quantity", "source_url", "facts_file", "row",
]  # fmt: skip


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _pct(x) -> str:
    return "" if x is None or not np.isfinite(x) else f"{x:.1%}"


def _num(x) -> str:
    if x is None or not np.isfinite(x):
        return ""
    if abs(x) >= 1e6:
        return f"{x / 1e6:,.1f}M"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}"


def summary_rows(bt: Backtest) -> list[list[str]]:
    """The summary table as text cells (used by the CLI, the HTML page and the docs)."""
    rows = []
    for r in bt.summary.itertuples(index=False):
        kind = []
        if r.input:
            kind.append(f"{r.input} input")
        if r.parameter_source:
            kind.append(f"{r.parameter_source} cited by parameters")
        if r.calibration_target:
            kind.append(f"{r.calibration_target} calibration targets")
        if r.independent:
            kind.append(f"{r.independent} independent")
        rows.append([
            r.family, str(r.facts), str(r.compared),
            _pct(r.median_abs_rel_error), _pct(r.in_band_share), _pct(r.reproduced_share),
            ", ".join(kind) or ("not modelled" if r.not_modelled else "-"),
        ])  # fmt: skip
    return rows


SUMMARY_HEADER = [
    "series family", "facts", "compared", "median abs. rel. error", "in 10-90% band",
    "in band or within 10%", "facts compared are",
]  # fmt: skip


def summary_markdown(bt: Backtest) -> str:
    """The summary table and headline as Markdown (written as summary.md, pasted into docs)."""
    head = "| " + " | ".join(SUMMARY_HEADER) + " |\n|" + " --- |" * len(SUMMARY_HEADER) + "\n"
    body = "".join("| " + " | ".join(r) + " |\n" for r in summary_rows(bt))
    m = bt.meta
    note = (f"\n{m['draws']} draws, seed {m['seed']}, window {m['start']} to {m['end']}, "
            f"corridor {__version__}.\n\n")  # fmt: skip
    return head + body + note + "\n".join(f"- {x}" for x in headline_lines(bt)) + "\n"


def headline_lines(bt: Backtest) -> list[str]:
    h = bt.headline
    a, b, ind = h["annual_series"], h["annual_series_without_arrivals"], h["independent_only"]
    cal = h["calibration_targets"]
    lines = [
        f"Annual series (arrivals by country, ORR referrals, juvenile filings, total pending): "
        f"{a['compared']} facts, median |relative error| {_pct(a['median_abs_rel_error'])}, "
        f"{_pct(a['reproduced_share'])} in the 10-90% band or within "
        f"{BAND_TOLERANCE:.0%} of the median.",
        f"The same without arrivals (the model is given the historical arrivals): "
        f"{b['compared']} facts, median |relative error| {_pct(b['median_abs_rel_error'])}, "
        f"{_pct(b['reproduced_share'])} reproduced.",
        f"Facts no parameter cites, no input uses and no value was tuned to (independent "
        f"tests): {ind['compared']}, median |relative error| "
        f"{_pct(ind['median_abs_rel_error'])}, {_pct(ind['reproduced_share'])} reproduced.",
        f"Facts parameter values were tuned to (calibration targets, not tests): "
        f"{cal['compared']}, median |relative error| {_pct(cal['median_abs_rel_error'])}.",
    ]
    if h["annual_not_modelled"]:
        lines.append("Not modelled yet: " + ", ".join(h["annual_not_modelled"]) + ".")
    return lines


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def chart_series(fam: str, chart: dict, facts: pd.DataFrame, path: Path) -> None:
    """Simulated median and 10-90% band over the window, with the observed points, by group."""
    plt = _plt()
    groups = list(chart["bands"])
    n = len(groups)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.4 * rows), squeeze=False)
    for ax, g in zip(axes.flat, groups, strict=False):
        band = chart["bands"][g]
        x = np.arange(len(band))
        ax.fill_between(
            x, band["p10"], band["p90"], color="#9ecae1", alpha=0.7, label="simulated 10-90%"
        )
        ax.plot(x, band["median"], color="#08519c", lw=1.5, label="simulated median")
        obs = facts[(facts["group"] == g) & (facts["status"] == "compared")]
        pos = {p: i for i, p in enumerate(band["period"])}
        ox = [pos[p] for p in obs["period"] if p in pos]
        oy = [v for p, v in zip(obs["period"], obs["observed"], strict=True) if p in pos]
        ax.scatter(ox, oy, color="#d94801", zorder=3, s=18, label="observed")
        step = max(1, len(band) // 8)
        ax.set_xticks(x[::step])
        ax.set_xticklabels(band["period"].iloc[::step], rotation=45, ha="right", fontsize=8)
        ax.set_title(f"{g}" if n > 1 else fam, fontsize=10)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, loc="upper left")
    fig.suptitle(f"{fam}: {chart['metric']} ({chart['statistic']})", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def chart_ratios(fam: str, facts: pd.DataFrame, path: Path) -> None:
    """One row per fact: the simulated band and median as a ratio to the observed value."""
    plt = _plt()
    c = facts[(facts["status"] == "compared") & (facts["observed"] != 0)]
    h = max(2.2, 0.32 * len(c) + 1.2)
    fig, ax = plt.subplots(figsize=(8, h))
    y = np.arange(len(c))[::-1]
    obs = c["observed"].to_numpy(float)
    lo, med, hi = (
        c[k].to_numpy(float) / obs for k in ("simulated_p10", "simulated_median", "simulated_p90")
    )
    ax.axvspan(
        1 - BAND_TOLERANCE, 1 + BAND_TOLERANCE, color="#c7e9c0", alpha=0.6, label="within 10%"
    )
    ax.axvline(1.0, color="#d94801", lw=1.2, label="observed")
    ax.hlines(y, lo, hi, color="#6baed6", lw=5, label="simulated 10-90%")
    ax.plot(med, y, "o", color="#08519c", ms=4, label="simulated median")
    ax.set_yticks(y)
    ax.set_yticklabels(
        [f"{i} ({p})" for i, p in zip(c["id"], c["period"], strict=True)], fontsize=7
    )
    ax.set_xscale("log")
    top = float(np.nanmax(np.r_[hi, 1.2])) * 1.1
    bottom = float(np.nanmin(np.r_[lo, 0.8])) / 1.1
    ax.set_xlim(bottom, top)
    ax.set_xlabel("simulated / observed (log scale)")
    ax.set_title(fam, fontsize=11)
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


# ---------------------------------------------------------------------------------------------
# Page
# ---------------------------------------------------------------------------------------------
CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.45;padding:0 1em}
table{border-collapse:collapse;margin:0.8em 0;font-size:0.86em}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:right;vertical-align:top}
td:first-child,th:first-child{text-align:left}
th{background:#f0f4f8}
.note{color:#555;font-size:0.9em} .bad{color:#a50f15} .good{color:#006d2c}
img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}
details{margin:0.4em 0 1.2em 0} code{background:#f4f4f4;padding:0 3px}
"""


def _table(header: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def page(bt: Backtest, charts: dict[str, str], command: str) -> str:
    m = bt.meta
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>corridor backtest</title><style>{CSS}</style></head><body>",
        "<h1>corridor backtest: the historical baseline against sourced facts</h1>",
        f"<p class='note'>corridor {html.escape(__version__)}; {m['draws']} draws, seed {m['seed']}; "
        f"window {m['start']} to {m['end']} (simulated from {m['simulated_from']}); facts: "
        f"{html.escape(', '.join(Path(f).name for f in m['facts_files']))}; command: "
        f"<code>{html.escape(command)}</code></p>",
        "<h2>Headline</h2><ul>",
        *[f"<li>{html.escape(x)}</li>" for x in headline_lines(bt)],
        "</ul>",
        "<p class='note'>The model is <b>given</b> the historical arrivals by country and month, so "
        "the arrival rows (role <i>input</i>) are reproduced by construction and test only the "
        "bookkeeping; they are not evidence that the model predicts arrivals. Rows whose fact id is "
        "cited by a parameter file (role <i>parameter source</i>) were used to set that parameter "
        "and are not independent either. Rows of role <i>calibration target</i> are facts a "
        "parameter value was tuned to (its file's <code>calibrated_to</code>): meeting them tests "
        "nothing. Rows of role <i>independent</i> are the real test. "
        "A point is <i>reproduced</i> if it lies inside the simulated 10-90% band or within 10% of "
        "the simulated median. The band spans the draws: the model's random processes and, with several draws, the assumptions sampled within their ranges.</p>",
        "<h2>Summary by series family</h2>",
        _table(SUMMARY_HEADER, summary_rows(bt)),
    ]
    cols = ["id", "period", "group", "statistic", "observed", "simulated_median", "simulated_p10",
            "simulated_p90", "relative_error", "reproduced", "role", "status"]  # fmt: skip
    for fam, t in bt.table.groupby("family", sort=False):
        parts.append(f"<h2 id='{slug(fam)}'>{html.escape(fam)}</h2>")
        if fam in charts:
            parts.append(f"<img src='{charts[fam]}' alt='{html.escape(fam)}'>")
        rows = []
        for r in t[cols].itertuples(index=False):
            rows.append([
                r.id, r.period, r.group, r.statistic, _num(r.observed), _num(r.simulated_median),
                _num(r.simulated_p10), _num(r.simulated_p90), _pct(r.relative_error),
                "" if r.reproduced is None or r.reproduced != r.reproduced else ("yes" if r.reproduced else "no"),
                r.role, r.status,
            ])  # fmt: skip
        parts.append(f"<details><summary>{len(t)} facts</summary>")
        parts.append(_table(
            ["fact", "period", "group", "statistic", "observed", "median", "p10", "p90",
             "rel. error", "reproduced", "role", "status"], rows))  # fmt: skip
        parts.append("</details>")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_backtest(
    bt: Backtest, out: Path, command: str, overwrite: bool = False, inputs=()
) -> None:
    with atomic_directory(Path(out), overwrite, inputs) as tmp:
        table = bt.table[CSV_COLUMNS]
        table.to_csv(tmp / "backtest.csv", index=False)
        bt.summary.to_csv(tmp / "summary.csv", index=False)
        used = [m for expr in table["metric"].dropna() for m in re.split(r"[+/]", str(expr)) if m]
        known = set(load_dictionary()["metric"])  # facts about what the model lacks are left out
        describe(m for m in used if m in known).to_csv(tmp / "metrics.csv", index=False)
        (tmp / "charts").mkdir()
        charts = {}
        for fam, t in bt.table.groupby("family", sort=False):
            if not (t["status"] == "compared").any():
                continue
            name = f"charts/{slug(fam)}.png"
            if fam in bt.charts:
                chart_series(fam, bt.charts[fam], t, tmp / name)
            else:
                chart_ratios(fam, t, tmp / name)
            charts[fam] = name
        (tmp / "index.html").write_text(page(bt, charts, command), encoding="utf-8")
        (tmp / "summary.md").write_text(summary_markdown(bt), encoding="utf-8")
        with open(tmp / "headline.json", "w", encoding="utf-8") as f:
            json.dump(bt.headline, f, indent=2, default=float)
        write_manifest(tmp, {"corridor_version": __version__, "backtest": bt.meta})
