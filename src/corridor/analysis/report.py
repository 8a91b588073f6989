"""Pieces of a self-contained HTML report (``report.html`` of compare and backtest).

One file that works when e-mailed: every chart is inline SVG drawn by matplotlib, every chart's
numbers are a CSV download in a ``data:`` URI beside it, and no script, font, style or image is
loaded from anywhere. Charts use the Okabe-Ito colour-blind-safe palette with a line style per
series, axes say the unit and print readable numbers (thousands separators, $M and $B, percent,
never ``1e9``), the legend sits outside the plotting area, and a chart whose series are all zero
is not drawn.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from corridor.outputs.dictionary import unit

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision
# deficiency; yellow last (weak on white)
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)))
OBSERVED_COLOUR = "#000000"

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2em auto;
max-width:1150px;color:#222;line-height:1.45;padding:0 1em}
table{border-collapse:collapse;margin:0.8em 0;font-size:0.88em}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:right;vertical-align:top}
td:first-child,th:first-child{text-align:left}
th{background:#f0f4f8}
small,.note{color:#555} .diff{color:#1d3557;font-size:0.92em}
figure.chart{margin:1.2em 0 2em;border-top:1px solid #ddd;padding-top:0.6em}
figure.chart svg{max-width:100%;height:auto;display:block}
figcaption{font-size:0.9em;color:#444}
a.download{font-size:0.9em}
details{margin:0.4em 0 1.2em} code{background:#f4f4f4;padding:0 3px}
.bad{color:#a50f15} .good{color:#006d2c}
"""


PNG_DPI = 110  # the PNG copies of a report's charts: legible on a screen, small on disk
TIGHT_PAD_INCHES = 0.1  # the margin around a chart's tight box (matplotlib's savefig default)


def plt():
    """matplotlib's pyplot on the Agg backend (no display), with text kept as SVG text."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable
    matplotlib.rcParams["svg.hashsalt"] = "corridor"  # stable ids: the same chart, the same SVG
    return pyplot


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def linestyle(i: int):
    return LINESTYLES[(i // len(PALETTE) + i) % len(LINESTYLES)]


def axis_text(x: float, metric: str) -> str:
    """A tick label: readable, short, in the metric's unit."""
    if not math.isfinite(x):
        return ""
    u = unit(metric)
    if u == "USD":
        sign, x = ("-" if x < 0 else ""), abs(x)
        if x >= 1e9:
            return f"{sign}${x / 1e9:,.1f}B"
        if x >= 1e6:
            return f"{sign}${x / 1e6:,.0f}M"
        return f"{sign}${x:,.0f}"
    if u == "share":
        return f"{x:.0%}" if abs(x) >= 0.1 or x == 0 else f"{x:.1%}"
    if abs(x) >= 1000 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.2g}"


def format_axis(ax, metric: str) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    integer = unit(metric) not in ("USD", "share", "day", "1/day", "judge-year")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=integer))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _: axis_text(x, metric)))


def legend_below(fig, ax, n_items: int) -> None:
    """The legend under the plot, outside the axes, so it never covers data."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    ncol = min(n_items, 4)
    fig.legend(handles, labels, loc="lower center", ncol=ncol, fontsize=8, frameon=False,
               bbox_to_anchor=(0.5, 0.0))  # fmt: skip
    rows = math.ceil(len(handles) / ncol)
    fig.subplots_adjust(bottom=0.16 + 0.055 * rows)


def svg(fig, png: io.BytesIO | None = None) -> str:
    """The figure as an inline <svg> element (no XML prolog, no fixed pixel size); with ``png``,
    also the same figure as a PNG image written into it."""
    # the tight bounding box once for both images: ``bbox_inches="tight"`` would lay the figure
    # out again for each (about a quarter of a chart's time)
    tight = fig.get_tightbbox(fig.canvas.get_renderer()).padded(TIGHT_PAD_INCHES)
    if png is not None:
        fig.savefig(png, format="png", dpi=PNG_DPI, bbox_inches=tight)
    buf = io.StringIO()
    # no creation date in the SVG's metadata: the same chart gives the same bytes
    fig.savefig(buf, format="svg", bbox_inches=tight, metadata={"Date": None})
    plt().close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    # scale with the page: keep the viewBox, drop the fixed width and height in points
    return re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r"<svg\1", text, count=1)


def all_zero(*arrays: Iterable) -> bool:
    """True when every finite value of every array is 0 (or there is none)."""
    for a in arrays:
        v = np.asarray(a, dtype=float)
        v = v[np.isfinite(v)]
        if v.size and np.any(v != 0):
            return False
    return True


def csv_download(df: pd.DataFrame, filename: str, text: str = "download the numbers (CSV)") -> str:
    """A link that saves ``df`` as ``filename``: the CSV itself is in the link (data: URI)."""
    data = base64.b64encode(df.to_csv(index=False).encode("utf-8")).decode("ascii")
    return (f'<a class="download" download="{html.escape(filename)}" '
            f'href="data:text/csv;charset=utf-8;base64,{data}">{html.escape(text)}</a>')  # fmt: skip


@dataclass
class Chart:
    """One chart of a report: its heading, SVG, caption and numbers (and a PNG of it, for
    readers who want the image as a file)."""

    key: str  # a short name for the download and the page anchor
    title: str
    svg: str
    numbers: pd.DataFrame
    caption: str = ""
    png: bytes = b""

    def html(self) -> str:
        e = html.escape
        return (f'<figure class="chart" id="chart-{e(self.key)}" data-chart="{e(self.key)}">'
                f"<h3>{e(self.title)}</h3>{self.svg}<figcaption>{e(self.caption)} "
                f"{csv_download(self.numbers, f'{self.key}.csv')}</figcaption></figure>")  # fmt: skip


def page(title: str, body: list[str]) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
