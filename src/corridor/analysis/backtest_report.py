"""Write a backtest's outputs: backtest.csv, summary.csv, metrics.csv and one self-contained
report.html (charts as inline SVG, each with its numbers as a CSV download), all into one
directory at once (nothing is left behind if anything fails)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from corridor import __version__
from corridor.analysis import report
from corridor.analysis.backtest import BAND_TOLERANCE, Backtest
from corridor.outputs.dictionary import describe, label_with_unit, load_dictionary
from corridor.outputs.writer import atomic_directory, write_manifest

CSV_COLUMNS = [
    "id", "family", "metric", "group", "statistic", "period", "observed", "simulated_median",
    "simulated_p10", "simulated_p90", "relative_error", "in_band", "within_10pct", "reproduced",
    "status", "role", "cited_by_parameters", "calibrated_by", "published_value", "unit", "first_day", "last_day",
    "confidence", "quantity", "source_url", "facts_file", "row", "fluid_reference",
    "fluid_relative_error",
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
    cf = h.get("census_vs_fluid") or {}
    if cf.get("compared"):
        lines.append(
            f"Census in HHS care: {cf['compared']} facts, median |relative error| "
            f"{_pct(cf['model'])}; the one-line fluid model (census' = referrals - census / "
            f"mean stay) on the same draws: {_pct(cf['fluid'])}."
        )
        if "model_closer" in cf:  # a headline written before the count has only the medians
            lost = cf.get("fluid_closer") or []
            lines.append(
                f"The model is closer than the fluid model on {cf['model_closer']} of "
                f"{cf['compared']} census facts"
                + (
                    f"; the fluid model is as close or closer on {', '.join(lost)}."
                    if lost
                    else "."
                )
            )
    if h["annual_not_modelled"]:
        lines.append("Not modelled yet: " + ", ".join(h["annual_not_modelled"]) + ".")
    return lines


# ---------------------------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------------------------
def _unit_metric(chart_or_facts) -> str:
    """The dictionary metric whose unit a chart's axis takes (the first part of A+B; none for
    a ratio A/B, which is a share)."""
    m = str(chart_or_facts)
    return "" if "/" in m else m.split("+")[0]


def chart_series(fam: str, chart: dict, facts: pd.DataFrame):
    """Simulated median and 10-90% band over the window, with the observed points, by group:
    a matplotlib Figure and its numbers."""
    plt = report.plt()
    groups = list(chart["bands"])
    n = len(groups)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.4 * rows + 0.8), squeeze=False)
    metric = _unit_metric(chart["metric"])
    numbers = []
    for ax, g in zip(axes.flat, groups, strict=False):
        band = chart["bands"][g]
        x = np.arange(len(band))
        ax.fill_between(x, band["p10"], band["p90"], color=report.colour(0), alpha=0.2, lw=0,
                        label="simulated 10-90%")  # fmt: skip
        ax.plot(x, band["median"], color=report.colour(0), lw=1.5, label="simulated median")
        obs = facts[(facts["group"] == g) & (facts["status"] == "compared")]
        pos = {p: i for i, p in enumerate(band["period"])}
        ox = [pos[p] for p in obs["period"] if p in pos]
        oy = [v for p, v in zip(obs["period"], obs["observed"], strict=True) if p in pos]
        ax.scatter(ox, oy, color=report.colour(1), marker="D", zorder=3, s=16, label="observed")
        step = max(1, len(band) // 8)
        ax.set_xticks(x[::step])
        ax.set_xticklabels(band["period"].iloc[::step], rotation=45, ha="right", fontsize=8)
        ax.set_title(f"{g}" if n > 1 else fam, fontsize=10)
        report.format_axis(ax, metric)
        ax.grid(alpha=0.3)
        seen = dict(zip(obs["period"], obs["observed"], strict=True))
        numbers.append(band.assign(group=g, observed=[seen.get(p) for p in band["period"]]))
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].set_ylabel(label_with_unit(metric) if metric else "share", fontsize=9)
    fig.suptitle(f"{fam}: {chart['metric']} ({chart['statistic']})", fontsize=11)
    report.legend_below(fig, axes.flat[0], 3)
    table = pd.concat(numbers, ignore_index=True)
    table.insert(0, "metric", chart["metric"])
    return fig, table[["metric", "group", "period", "median", "p10", "p90", "observed"]]


def chart_ratios(fam: str, facts: pd.DataFrame):
    """One row per fact: the simulated band and median as a ratio to the observed value."""
    plt = report.plt()
    c = facts[(facts["status"] == "compared") & (facts["observed"] != 0)]
    h = max(2.6, 0.32 * len(c) + 1.6)
    fig, ax = plt.subplots(figsize=(8, h))
    y = np.arange(len(c))[::-1]
    obs = c["observed"].to_numpy(float)
    lo, med, hi = (
        c[k].to_numpy(float) / obs for k in ("simulated_p10", "simulated_median", "simulated_p90")
    )
    ax.axvspan(1 - BAND_TOLERANCE, 1 + BAND_TOLERANCE, color=report.colour(2), alpha=0.18,
               label="within 10%")  # fmt: skip
    ax.axvline(1.0, color=report.colour(1), lw=1.2, label="observed")
    ax.hlines(y, lo, hi, color=report.colour(5), lw=5, label="simulated 10-90%")
    ax.plot(med, y, "o", color=report.colour(0), ms=4, label="simulated median")
    ax.set_yticks(y)
    ax.set_yticklabels(
        [f"{i} ({p})" for i, p in zip(c["id"], c["period"], strict=True)], fontsize=7
    )
    ax.set_xscale("log")
    top = float(np.nanmax(np.r_[hi, 1.2])) * 1.1
    bottom = float(np.nanmin(np.r_[lo, 0.8])) / 1.1
    ax.set_xlim(bottom, top)
    ax.set_xlabel("simulated / observed (log scale; 1 = observed)")
    ax.set_title(fam, fontsize=11)
    ax.grid(alpha=0.3, axis="x")
    report.legend_below(fig, ax, 4)
    numbers = c[["id", "period", "group", "observed", "simulated_median", "simulated_p10",
                 "simulated_p90"]].assign(median_over_observed=med)  # fmt: skip
    return fig, numbers


def charts(bt: Backtest) -> dict[str, report.Chart]:
    """family -> its chart (families with no compared fact have none)."""
    out = {}
    for fam, t in bt.table.groupby("family", sort=False):
        if not (t["status"] == "compared").any():
            continue
        if fam in bt.charts:
            fig, numbers = chart_series(fam, bt.charts[fam], t)
            caption = "Simulated median and 10-90% band over draws; points: sourced observations."
        else:
            fig, numbers = chart_ratios(fam, t)
            caption = "Each fact: the simulated band and median divided by the observed value."
        if report.all_zero(numbers.select_dtypes("number").to_numpy()):
            continue
        out[fam] = report.Chart(slug(fam), fam, report.svg(fig), numbers, caption)
    return out


# ---------------------------------------------------------------------------------------------
# Page
# ---------------------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def page(bt: Backtest, charts: dict[str, report.Chart], command: str) -> str:
    m = bt.meta
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>corridor backtest</title><style>{report.CSS}</style></head><body>",
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
            parts.append(charts[fam].html())
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
        (tmp / "report.html").write_text(page(bt, charts(bt), command), encoding="utf-8")
        (tmp / "summary.md").write_text(summary_markdown(bt), encoding="utf-8")
        with open(tmp / "headline.json", "w", encoding="utf-8") as f:
            json.dump(bt.headline, f, indent=2, default=float)
        write_manifest(tmp, {"corridor_version": __version__, "backtest": bt.meta})
