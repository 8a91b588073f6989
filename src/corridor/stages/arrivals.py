"""Arrivals: who is apprehended at the southwest border, and when.

History (FY2009 to the last year in the shipped data) is the observed count of children per
country and month (``data/history/arrivals_monthly.csv``, built by ``tools/build_history.py``).
Those counts are kept exactly; only the day and hour within the month are random. Beyond history
the expected count per country and month is the projection parameter spread by the seasonal
profile (``data/history/seasonal_profile.csv``), and the count is Poisson.

A user's CSV (``--arrivals FILE``: ``month,country,children``, read and validated by
``corridor.stages.arrivals_csv``) replaces, by default, only the
months and countries it has (``merge``): every other month and country keeps its history or
projection, with the same random numbers as without the file. ``replace`` (the old behaviour)
uses the file alone: months and countries it lacks have no arrivals, and the simulated period
starts at its first month.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.engine.clock import Clock
from corridor.engine.rng import Streams
from corridor.parameters.tree import ParameterSet
from corridor.stages.arrivals_csv import read_arrivals_csv  # the --arrivals file
from corridor.stages.children import COUNTRIES, Children

HISTORY_DIR = Path(__file__).parent.parent / "data" / "history"
AGE_BANDS = {
    "a00_05": (0, 6),
    "a06_12": (6, 13),
    "a13_14": (13, 15),
    "a15_16": (15, 17),
    "a17": (17, 18),
}
ARRIVALS_MODES = ("merge", "replace")


def history_monthly() -> pd.DataFrame:
    """The shipped historical counts: columns month (first day, date), country, children."""
    df = pd.read_csv(HISTORY_DIR / "arrivals_monthly.csv", dtype={"month": str, "country": str})
    df["month"] = pd.to_datetime(df["month"] + "-01").dt.date
    return df[["month", "country", "children"]]


def seasonal_index() -> np.ndarray:
    """Twelve monthly multipliers (January first) with mean 1."""
    df = pd.read_csv(HISTORY_DIR / "seasonal_profile.csv").sort_values("month_of_year")
    return df["index"].to_numpy(float)


def history_end() -> dt.date:
    """The last day with historical arrivals."""
    last = max(history_monthly()["month"])
    return (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date()


def projected_monthly(params: ParameterSet, first: dt.date, last: dt.date, rng) -> pd.DataFrame:
    """Poisson counts by country and month from ``first`` (a month start) to ``last``."""
    season = seasonal_index()
    annual = params["origin.projection.annual_children"]
    months = pd.date_range(first, last, freq="MS")
    rows = []
    for m in months:
        for c in COUNTRIES:
            mean = annual.group(m.date(), c) / 12.0 * season[m.month - 1]
            rows.append((m.date(), c, int(rng.poisson(mean))))
    return pd.DataFrame(rows, columns=["month", "country", "children"])


def arrivals_table(
    params: ParameterSet, last_day: dt.date, streams: Streams, user_file: Path | None
) -> pd.DataFrame:
    """Counts by month and country for the whole simulated period: history then projection."""
    if user_file is not None:
        return read_arrivals_csv(user_file)
    hist = history_monthly()
    end = history_end()
    if last_day <= end:
        return hist
    first_proj = end + dt.timedelta(days=1)
    proj = projected_monthly(params, first_proj, last_day, streams["arrivals.projection"])
    return pd.concat([hist, proj], ignore_index=True)


def merge_arrivals(table: pd.DataFrame, user: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the counts of ``user``'s (month, country) rows put in place of its own,
    row order kept (each row's children take the same random numbers as without the file, up to
    the first replaced row); rows ``table`` lacks (e.g. months before history) go at the end."""
    key = ["month", "country"]
    counts = user.set_index(key)["children"]
    idx = pd.MultiIndex.from_frame(table[key])
    hit = idx.isin(counts.index)
    out = table.copy()
    out.loc[hit, "children"] = counts.reindex(idx[hit]).to_numpy()
    extra = user[~pd.MultiIndex.from_frame(user[key]).isin(idx)]
    return pd.concat([out, extra[[*key, "children"]]], ignore_index=True)


def describe_override(user: pd.DataFrame, mode: str, clock: Clock, path: Path | None) -> str:
    """A sentence saying which months (and countries) a user's file replaced."""
    last_month = clock.origin + dt.timedelta(days=clock.n_days - 1)
    inside = user[(user["month"] >= clock.origin.replace(day=1)) & (user["month"] <= last_month)]
    outside = len(user) - len(inside)
    by_month = inside.groupby("month")["country"].apply(lambda c: "+".join(sorted(c)))
    months = [f"{m:%Y-%m} ({c})" if c != "+".join(sorted(COUNTRIES)) else f"{m:%Y-%m}"
              for m, c in by_month.items()]  # fmt: skip
    if len(months) > 12:
        months = [*months[:5], f"... {len(months) - 10} more ...", *months[-5:]]
    name = Path(path).name if path else "the arrivals file"
    if mode == "replace":
        text = (f"arrivals: {name} replaces all arrivals (--arrivals-mode replace); months and "
                f"countries it lacks have none; it gives {', '.join(months) or 'no month'}")  # fmt: skip
    else:
        text = (f"arrivals: {name} replaced {', '.join(months) or 'no month'}; every other month "
                "and country keeps the shipped history or projection")  # fmt: skip
    if outside:
        text += f"; {outside} row(s) outside the simulated period were not used"
    return text


def make_children(
    table: pd.DataFrame, params: ParameterSet, clock: Clock, streams: Streams
) -> Children:
    """One agent per child: arrival time (uniform within its month), country, age, sex."""
    table = table[table["children"] > 0]
    month_start = pd.to_datetime(table["month"])
    first_day = ((month_start - pd.Timestamp(clock.origin)).dt.days).to_numpy()
    length = month_start.dt.days_in_month.to_numpy()
    counts = table["children"].to_numpy(np.int64)
    country = table["country"].map({c: i for i, c in enumerate(COUNTRIES)}).to_numpy(np.int8)

    u = streams["arrivals.timing"].random(int(counts.sum()))
    t = np.repeat(first_day, counts) + u * np.repeat(length, counts)
    order = np.argsort(t, kind="stable")
    t = t[order]
    cty = np.repeat(country, counts)[order]
    keep = (t >= 0) & (t < clock.n_days)  # months partly outside the simulated period
    children = Children(t_arrival=t[keep], country=cty[keep])
    _draw_demographics(children, params, clock, streams)
    return children


def _draw_demographics(children: Children, params: ParameterSet, clock: Clock, streams: Streams):
    day = np.minimum(children.t_arrival.astype(np.int64), clock.n_days - 1)
    n = children.n
    male_share = params["origin.demographics.male_share"].daily(clock.origin, clock.n_days)
    children.male = streams["origin.sex"].random(n) < male_share[day]

    bands = params["origin.demographics.age_band_share"]
    cum = np.cumsum([bands.daily(clock.origin, clock.n_days, b) for b in AGE_BANDS], axis=0)
    cum /= cum[-1]  # shares are validated to sum to ~1; make the last edge exact
    u_band = streams["origin.age_band"].random(n)
    u_within = streams["origin.age_within_band"].random(n)
    band = (u_band[None, :] >= cum[:, day]).sum(axis=0)
    lo = np.array([a for a, _ in AGE_BANDS.values()], float)[band]
    hi = np.array([b for _, b in AGE_BANDS.values()], float)[band]
    children.age = lo + u_within * (hi - lo)
