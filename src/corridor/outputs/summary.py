"""A headline table per fiscal year (median over draws), printed at the end of a run."""

from __future__ import annotations

import numpy as np
import pandas as pd

# (column title, metric, how a fiscal year is summarised from daily values)
HEADLINES = (
    ("arrivals", "arrivals", "sum"),
    ("returned at border", "returned_contiguous", "sum"),
    ("ORR referrals", "orr_referrals", "sum"),
    ("ORR peak", "orr_census", "max"),
    ("CBP peak", "cbp_census", "max"),
    ("CBP >72h peak", "cbp_over_72h", "max"),
    ("UAC court backlog", "court_pending_uac", "last"),
    ("cost $M", "cost_total", "sum_millions"),
)


def headline_table(daily: pd.DataFrame) -> pd.DataFrame:
    """Fiscal year by headline, from the daily table (group ``all``), median over draws."""
    d = daily[daily["group"] == "all"]
    fy = d["date"].dt.year + (d["date"].dt.month >= 10)
    cols = {}
    for title, metric, how in HEADLINES:
        sel = d["metric"] == metric
        if not sel.any():
            continue
        g = d[sel].assign(fy=fy[sel]).groupby(["draw", "fy"])["value"]
        per_draw = {
            "sum": g.sum, "max": g.max, "last": g.last, "sum_millions": lambda g=g: g.sum() / 1e6,
        }[how]()  # fmt: skip
        cols[title] = per_draw.groupby("fy").median()
    table = pd.DataFrame(cols)
    table.index.name = "FY"
    return table.round(0).astype(np.int64)
