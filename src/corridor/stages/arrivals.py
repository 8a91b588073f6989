"""Arrivals: who is apprehended at the southwest border, and when.

Two inflows (``component``): Border Patrol apprehensions between ports (``USBP``, the metric
``arrivals``) and children encountered at ports of entry (``OFO``, the metric ``arrivals_ports``).
Both then follow the same custody and referral path.

History (October 2008 to the last month in the shipped data, August 2025) is the observed count
of children per component, country and month (``data/history/arrivals_monthly.csv``, built by
``tools/build_history.py``). Those counts are kept exactly; only the day and hour within the month
are random. Port-of-entry children before the first published year (FY2015) are the parameter
``origin.ports.assumed_annual_children`` (an assumption with a range) spread over months by the
seasonal profile (``data/history/seasonal_profile.csv``) and rounded, without noise. Beyond
history the expected count per component, country and month is the level of the last
``origin.projection.base_months`` months of history (twelve, or the months since a dated
regime change inside them: see that file), with the season taken out, times
``origin.projection.level`` (an assumption with a range), spread by the seasonal profile, and
the count is Poisson.

A user's CSV (``--arrivals FILE``: ``month,country,children``, read and validated by
``corridor.stages.arrivals_csv``) gives Border Patrol apprehensions.
By default it replaces only the Border Patrol counts of the months and countries it has
(``merge``): every other month and country, and the port-of-entry inflow, keep their history or
projection, with the same random numbers as without the file. ``replace`` (the old behaviour)
uses the file alone: months and countries it lacks have no arrivals, there are no port-of-entry
children, and the simulated period starts at its first month.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.engine.clock import Clock
from corridor.engine.rng import Streams
from corridor.engine.sorting import stable_order
from corridor.errors import CorridorError
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
# the two inflows: Border Patrol between ports, and ports of entry (CBP Office of Field Operations)
COMPONENTS = ("USBP", "OFO")
PORTS = COMPONENTS.index("OFO")
BASE_MONTHS = "origin.projection.base_months"  # months of history the projection's level is from


def history_monthly() -> pd.DataFrame:
    """The shipped historical counts: columns month (first day, date), component, country,
    children."""
    df = pd.read_csv(HISTORY_DIR / "arrivals_monthly.csv", dtype={"month": str, "country": str})
    df["month"] = pd.to_datetime(df["month"] + "-01").dt.date
    return df[["month", "component", "country", "children"]]


def seasonal_index() -> np.ndarray:
    """Twelve monthly multipliers (January first) with mean 1."""
    df = pd.read_csv(HISTORY_DIR / "seasonal_profile.csv").sort_values("month_of_year")
    return df["index"].to_numpy(float)


def history_end() -> dt.date:
    """The last day with historical arrivals."""
    last = max(history_monthly()["month"])
    return (pd.Timestamp(last) + pd.offsets.MonthEnd(0)).date()


def _round_preserving_total(x: np.ndarray) -> np.ndarray:
    """Integers that add up to the rounded total (largest remainder)."""
    base = np.floor(x)
    short = int(round(x.sum() - base.sum()))
    if short > 0:
        base[np.argsort(-(x - base), kind="stable")[:short]] += 1
    return base.astype(np.int64)


def projection_base(hist: pd.DataFrame, n_months: int) -> pd.DataFrame:
    """Children per month of average season over the last ``n_months`` months of history, by
    component and country: their sum divided by the sum of their seasonal indices (for twelve
    months, a full cycle, that is their plain mean), so the projection's season is not counted
    twice when the months are fewer than a year."""
    months = sorted(hist["month"].unique())[-n_months:]
    last = hist[hist["month"].isin(months)]
    season = seasonal_index()
    weight = float(sum(season[m.month - 1] for m in months))
    base = last.groupby(["component", "country"])["children"].sum() / weight
    full = pd.MultiIndex.from_product([COMPONENTS, COUNTRIES], names=["component", "country"])
    return base.reindex(full, fill_value=0.0)


def base_months(params: ParameterSet, history_last_day: dt.date) -> int:
    """The number of months of history the projection's level is taken from (a whole number,
    1 to 12, as the parameter file says)."""
    spec = params[BASE_MONTHS]
    n = spec.scalar(history_last_day)
    if n != int(n) or not 1 <= n <= 12:
        raise CorridorError(spec.file, f"values: {n:g} must be a whole number of months, 1 to 12")
    return int(n)


def projected_monthly(
    params: ParameterSet, base: pd.Series, first: dt.date, last: dt.date, rng
) -> pd.DataFrame:
    """Poisson counts by component, country and month from ``first`` (a month start) to
    ``last``: the last year's monthly level times the projection level, times the season."""
    season = seasonal_index()
    level = params["origin.projection.level"]
    months = pd.date_range(first, last, freq="MS")
    rows = []
    for m in months:
        for comp in COMPONENTS:
            for c in COUNTRIES:
                mean = base[(comp, c)] * level.scalar(m.date()) * season[m.month - 1]
                rows.append((m.date(), comp, c, int(rng.poisson(mean))))
    return pd.DataFrame(rows, columns=["month", "component", "country", "children"])


def assumed_ports_monthly(params: ParameterSet, first: dt.date, until: dt.date) -> pd.DataFrame:
    """Port-of-entry children for the fiscal years before their published history: each fiscal
    year's assumed annual count per country (the value in force on 1 October) spread over its
    months by the seasonal profile and rounded so the year's total is kept (no noise: the
    uncertainty of an assumed level is its range, sampled across draws)."""
    season = seasonal_index()
    annual = params["origin.ports.assumed_annual_children"]
    months = [m.date() for m in pd.date_range(first, until, freq="MS", inclusive="left")]
    rows = []
    for fy_start in sorted({dt.date(m.year - (m.month < 10), 10, 1) for m in months}):
        fy_months = [m for m in months if dt.date(m.year - (m.month < 10), 10, 1) == fy_start]
        weights = np.array([season[m.month - 1] for m in fy_months]) / 12.0
        for c in COUNTRIES:
            n = _round_preserving_total(annual.group(fy_start, c) * weights)
            rows += [(m, "OFO", c, int(k)) for m, k in zip(fy_months, n, strict=True)]
    return pd.DataFrame(rows, columns=["month", "component", "country", "children"])


def arrivals_table(
    params: ParameterSet, last_day: dt.date, streams: Streams, user_file: Path | None
) -> pd.DataFrame:
    """Counts by month, component and country for the whole simulated period: history (with the
    assumed port-of-entry years before theirs) then projection."""
    if user_file is not None:
        return read_arrivals_csv(user_file).assign(component="USBP")
    hist = history_monthly()
    first_ports = min(hist.loc[hist["component"] == "OFO", "month"])
    parts = [assumed_ports_monthly(params, min(hist["month"]), first_ports), hist]
    end = history_end()
    if last_day > end:
        first_proj = end + dt.timedelta(days=1)
        base = projection_base(hist, base_months(params, end))
        parts.append(
            projected_monthly(params, base, first_proj, last_day, streams["arrivals.projection"])
        )
    return pd.concat(parts, ignore_index=True)


def merge_arrivals(table: pd.DataFrame, user: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the counts of ``user``'s (month, country) rows put in place of its own,
    row order kept (each row's children take the same random numbers as without the file, up to
    the first replaced row); rows ``table`` lacks (e.g. months before history) go at the end."""
    key = ["month", "country"]
    counts = user.set_index(key)["children"]
    if "component" not in table.columns:
        table = table.assign(component="USBP")
    usbp = (table["component"] == "USBP").to_numpy()  # the file gives Border Patrol counts
    idx = pd.MultiIndex.from_frame(table[key])
    hit = idx.isin(counts.index) & usbp
    out = table.copy()
    out.loc[hit, "children"] = counts.reindex(idx[hit]).to_numpy()
    extra = user[~pd.MultiIndex.from_frame(user[key]).isin(idx[usbp])]
    return pd.concat([out, extra[[*key, "children"]].assign(component="USBP")], ignore_index=True)


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
    """One agent per child: arrival time (uniform within its month), component, country, age,
    sex. A table without a ``component`` column is all Border Patrol apprehensions."""
    table = table[table["children"] > 0]
    if "component" not in table.columns:
        table = table.assign(component="USBP")
    month_start = pd.to_datetime(table["month"])
    first_day = ((month_start - pd.Timestamp(clock.origin)).dt.days).to_numpy()
    length = month_start.dt.days_in_month.to_numpy()
    counts = table["children"].to_numpy(np.int64)
    country = table["country"].map({c: i for i, c in enumerate(COUNTRIES)}).to_numpy(np.int8)
    port = (table["component"] == "OFO").to_numpy()

    # each inflow draws its days from its own stream, in row order: a child's day then depends
    # only on the rows of its own component before it (so the port-of-entry assumption, or a
    # user's Border Patrol counts for one month, move no other child's day)
    child_port = np.repeat(port, counts)
    u = np.empty(len(child_port))
    for name, mask in (("arrivals.timing", ~child_port), ("arrivals.timing_ports", child_port)):
        u[mask] = streams[name].random(int(mask.sum()))
    t = np.repeat(first_day, counts) + u * np.repeat(length, counts)
    order = stable_order(t)
    t = t[order]
    cty = np.repeat(country, counts)[order]
    at_port = child_port[order]
    keep = (t >= 0) & (t < clock.n_days)  # months partly outside the simulated period
    children = Children(t_arrival=t[keep], country=cty[keep])
    children.port = at_port[keep]
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
