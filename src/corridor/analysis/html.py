"""index.html of a comparison: the headline table and the charts, one self-contained page that
works offline (no scripts, no fonts or styles from the network; charts are files beside it)."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np


def fmt(x: float, metric: str = "") -> str:
    if x is None or not np.isfinite(x):
        return "–"
    if metric.startswith("cost_"):
        return f"${x / 1e6:,.1f}M"
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.2f}"


def cell(q, metric: str) -> str:
    med, lo, hi = q
    return f"{fmt(med, metric)} <small>[{fmt(lo, metric)} – {fmt(hi, metric)}]</small>"


STYLE = """
body { font-family: sans-serif; margin: 2em; max-width: 80em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
small { color: #666; }
.diff { color: #225; font-size: 0.9em; }
img { max-width: 48em; display: block; margin: 0.5em 0 1.5em; }
"""


def write_index(comp, path: Path, chart_files: dict[str, str]) -> None:
    e = html.escape
    rows = comp.headline_rows()
    head = "".join(f"<th>{e(s)}</th>" for s in comp.scenarios)
    body = []
    for r in rows:
        cells = []
        for s in range(len(comp.scenarios)):
            c = cell(r["values"][s], r["metric"])
            if s > 0:
                c += f'<br><span class="diff">Δ {cell(r["diffs"][s], r["metric"])}</span>'
            cells.append(f"<td>{c}</td>")
        body.append(
            f"<tr><td>{e(r['label'])}<br><small>{e(r['metric'])} ({e(r['statistic'])})</small></td>"
            + "".join(cells) + "</tr>"
        )  # fmt: skip
    charts = "".join(
        f'<h3>{e(label)}</h3><img src="charts/{e(name)}" alt="{e(label)}">'
        for label, name in chart_files.items()
    )
    scen = "".join(
        f"<li><b>{e(k)}</b>: {e(s.scenario.files[-1][1].title)}<br>"
        f"<small>{e(' '.join(s.scenario.files[-1][1].description.split()))}</small></li>"
        for k, s in comp.sims.items()
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>corridor compare</title>
<style>{STYLE}</style></head><body>
<h1>corridor: {e(" vs ".join(comp.scenarios))}</h1>
<p>{e(str(comp.start))} to {e(str(comp.end))}; {comp.draws} Monte Carlo draw(s), seed {comp.seed}.
Each cell: median [10th – 90th percentile] over draws for the whole window; Δ is the per-draw
difference from <b>{e(comp.scenarios[0])}</b> (the same draw has the same sampled assumptions and
random numbers in every scenario). Costs are nominal U.S. dollars. These are model estimates
under stated assumptions, not forecasts; every parameter's source or range is in
<code>corridor params</code>. Per fiscal year: <code>comparison.csv</code>.</p>
<h2>Headline</h2>
<table><tr><th>metric</th>{head}</tr>{"".join(body)}</table>
<h2>Scenarios</h2><ul>{scen}</ul>
<h2>Charts</h2>{charts}
</body></html>
"""
    path.write_text(page, encoding="utf-8")
