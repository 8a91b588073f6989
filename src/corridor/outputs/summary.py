"""The headline table a run prints: one row per headline metric, one column per fiscal year,
the median over draws; a stock's peak comes with the (median) date it was first reached."""

from __future__ import annotations

import pandas as pd

from corridor.outputs.dictionary import label
from corridor.outputs.format import number

# (metric, fiscal-year statistic) in the order printed; metrics a run lacks are skipped
HEADLINES = (
    ("arrivals", "sum"),
    ("returned_contiguous", "sum"),
    ("orr_referrals", "sum"),
    ("beds_needed", "peak"),
    ("orr_census", "peak"),
    ("cbp_census", "peak"),
    ("cbp_over_72h", "peak"),
    ("court_pending_uac", "peak"),
    ("court_pending_uac", "end"),
    ("court_wait_days_median", "mean"),
    ("court_judge_years_uac", "sum"),
    ("legal_aid_attorneys_in_use", "peak"),
    ("removal_in_absentia", "sum"),
    ("relief_granted", "sum"),
    ("cost_total", "sum"),
)
STAT_TEXT = {"sum": "in the year", "peak": "peak", "end": "at year end", "mean": "year mean"}


def headline_table(fiscal_years: pd.DataFrame) -> pd.DataFrame:
    """Rows (metric, statistic, label); columns the fiscal years; cells text (value, and the
    peak's date on a second line)."""
    fy = fiscal_years[
        (fiscal_years["group"] == "all") & fiscal_years["metric"].isin({m for m, _ in HEADLINES})
    ]
    # one split of the table rather than a scan of it per headline
    by_headline = dict(tuple(fy.groupby(["metric", "statistic"], sort=False)))
    rows = {}
    for metric, stat in HEADLINES:
        sel = by_headline.get((metric, stat))
        if sel is None:  # not in this table
            continue
        by_year = sel.groupby("fiscal_year")
        med = by_year["value"].median()
        cells = {y: number(v, metric) for y, v in med.items()}
        if stat == "peak":
            dates = pd.to_datetime(sel["peak_date"])
            when = dates.groupby(sel["fiscal_year"]).median()  # one draw: that draw's date
            # a peak of 0 is "reached" on the first day: no date is worth printing
            cells = {y: f"{cells[y]}\n{when[y].date()}" if med[y] > 0 else cells[y] for y in cells}
        rows[(metric, stat, f"{label(metric)}, {STAT_TEXT[stat]}")] = cells
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index = pd.MultiIndex.from_tuples(table.index, names=["metric", "statistic", "label"])
    return table
