"""HHS's daily unaccompanied-children file ("Latest UC Data") as backtest facts.

HHS/ACF publishes, for each reporting day, the children in HHS care and discharged from it (and,
from January 2024, three CBP columns). A planner who downloads it can score the model's census
against it: ``corridor backtest --facts default --facts THAT_FILE.csv``. The file is read in its
published form (column names, dates such as ``March 23 2021``, weekends and holidays missing),
and each calendar month becomes one fact per column: the mean over the month's reporting days
(``orr_census`` and ``cbp_census`` as stocks, ``orr_discharges`` as a daily flow), over the days
from the month's first to its last reporting day. No value of
the model is chosen from these files, so their facts are independent tests.

In the published download a few January rows carry the previous year's date; a date that falls
more than 300 days before the row above it is read as the next year's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from corridor.errors import CorridorError

DATE = "Date"
# published column -> (model metric, unit, statistic, fact id prefix, quantity)
COLUMNS = {
    "Children in HHS Care": (
        "orr_census", "children", "mean", "HHS-CEN", "children in HHS care (monthly mean of reporting days)",
    ),
    "Children discharged from HHS Care": (
        "orr_discharges", "children/day", "mean", "HHS-DIS",
        "children discharged from HHS care a day (monthly mean of reporting days)",
    ),
    "Children in CBP custody": (
        "cbp_census", "children", "mean", "HHS-CBP", "children in CBP custody (monthly mean of reporting days)",
    ),
}  # fmt: skip
SOURCE = (
    "https://www.hhs.gov/programs/social-services/unaccompanied-children/latest-uc-data/index.html"
)
BACKWARD_DAYS = 300  # a row dated this much before the one above it has the wrong year


def is_daily_file(columns: list[str]) -> bool:
    """Whether a CSV's header is HHS's daily file (not a facts file)."""
    cols = [c.strip() for c in columns]
    return DATE in cols and "Children in HHS Care" in cols


def read_daily(path: Path) -> pd.DataFrame:
    """The daily file as a frame indexed by date, one column per published column present."""
    where = str(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    raw.columns = [c.strip() for c in raw.columns]
    dates: list[dt.date] = []
    for i, text in enumerate(raw[DATE]):
        try:
            d = dt.datetime.strptime(" ".join(text.replace(",", " ").split()), "%B %d %Y").date()
        except ValueError:
            raise CorridorError(
                f"{where}: row {i + 2}", f"{DATE}: '{text}' is not a date like 'March 23 2021'"
            ) from None
        if dates and (dates[-1] - d).days > BACKWARD_DAYS:
            d = d.replace(year=d.year + 1)
        dates.append(d)
    out = pd.DataFrame(index=pd.DatetimeIndex(dates, name="date"))
    for col in COLUMNS:
        if col not in raw.columns:
            continue
        text = raw[col].str.replace(",", "").str.strip()
        values = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = values.isna() & (text != "")
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise CorridorError(
                f"{where}: row {i + 2}", f"{col}: '{raw[col].iloc[i]}' is not a number"
            )
        if (values < 0).any():
            i = int((values < 0).to_numpy().argmax())
            raise CorridorError(f"{where}: row {i + 2}", f"{col}: must be >= 0")
        out[col] = values.to_numpy()
    if out.index.has_duplicates:
        d = out.index[out.index.duplicated()][0].date()
        raise CorridorError(where, f"{DATE}: {d} appears twice")
    return out.sort_index()


def fact_rows(path: Path) -> list[dict[str, str]]:
    """One facts-file row per month and published column (the backtest's facts columns)."""
    daily = read_daily(path)
    rows: list[dict[str, str]] = []
    for col, (metric, unit, stat, prefix, quantity) in COLUMNS.items():
        if col not in daily.columns:
            continue
        s = daily[col].dropna()
        for month, days in s.groupby(s.index.to_period("M")):
            # the month's reporting days only: a file that starts or ends mid-month is compared
            # with the model over the same days
            first, last = days.index.min().date(), days.index.max().date()
            rows.append({
                "id": f"{prefix}-{month}", "quantity": quantity,
                "geography_or_group": "HHS/ORR unaccompanied children program",
                "period": f"{first}..{last}", "value": f"{days.mean():.1f}", "unit": unit,
                "source_url": SOURCE, "source_date": str(daily.index.max().date()),
                "quote": f"{len(days)} reporting days of '{col}' in {Path(path).name}",
                "confidence": "high", "notes": "HHS daily file (corridor.analysis.hhs_daily)",
                "metric": metric, "group": "all", "statistic": stat,
            })  # fmt: skip
    return rows
