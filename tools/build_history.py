#!/usr/bin/env python3
"""Build corridor's shipped historical arrivals series from the sourced facts.

Usage (from the repository root)::

    .venv/bin/python tools/build_history.py [--shared ../shared]

Outputs (all under ``src/corridor/data``):

* ``facts/facts_{flows,courts,levers,recent}.csv`` -- byte-for-byte copies of the shared
  fact tables, so the package never reads ../shared at run time;
* ``tables/cbp_uac_monthly_fy2018_fy2021.csv``, ``tables/cbp_uac_monthly_fy2022_fy2025.csv``
  -- byte-for-byte copies of the shared CBP monthly tables (by component and country; their
  provenance is in ``tables/README.md``);
* ``history/arrivals_monthly.csv`` -- USBP Southwest-border UAC apprehensions /
  encounters per month (Oct 2008 .. Sep of the latest fiscal year with an annual
  total) and country group (SV, GT, HN, MX, OTH);
* ``history/seasonal_profile.csv`` -- a 12-month seasonal index (mean 1.0);
* ``history/README.md`` -- provenance, choices, gaps and the annual table.

Method
------
1. **Annual targets.** For each fiscal year one preferred border-wide total is
   chosen (``PREFERRED_ANNUAL``, with the reason next to each id). Country totals
   are the official by-country rows where they exist (CBP FY2013-FY2018, CBP
   nationwide-encounters FY2020-FY2024, SV/GT/HN FY2009-FY2012); missing
   countries are derived (FY2009-FY2012 Mexico and other, all of FY2019) as
   documented in ``derive_*`` functions.
2. **Monthly border-wide shape.** For each month the best border-wide monthly
   figure is taken by a fixed source ranking (``MONTHLY_RANKING``: CBP monthly
   tables > OHSS > CBP nationwide-encounters > other reported monthly figures >
   monthly residuals derived from cumulative totals). The only gap, Oct-Dec 2013,
   has a quarterly aggregate that is spread with the seasonal profile.
3. **Seasonal profile.** Ratio of each month to its centred 2x12 moving average,
   averaged per calendar month over all years with a 2-lowest/2-highest trim (so
   shock years such as 2014, 2017 and 2020 do not dominate), renormalised to mean 1.
4. **Reconciliation.** The 12 monthly figures of a year are rescaled
   proportionally so they sum to the annual target, then rounded to integers by
   largest remainder. Each month is split by country with the year's annual
   country shares (no monthly by-country rows exist in the facts) and rounded
   with a controlled rounding that keeps *both* the monthly totals and the
   annual country totals exact.

Everything is deterministic: no randomness, stable sorts, fixed tie-breaking,
no timestamps in the outputs.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DATA_OUT = REPO / "src" / "corridor" / "data"
FACT_FILES = ("facts_flows.csv", "facts_courts.csv", "facts_levers.csv", "facts_recent.csv")
# CBP monthly UAC tables by component (USBP, OFO) and country, shipped as package data
CBP_TABLES = ("cbp_uac_monthly_fy2018_fy2021.csv", "cbp_uac_monthly_fy2022_fy2025.csv")
HHS_DAILY_SAMPLE = "hhs_uc_daily_sample.csv"  # HHS's daily file, March-June 2021 (census facts)
COUNTRIES = ("SV", "GT", "HN", "MX", "OTH")
NT = ("SV", "GT", "HN")  # Northern Triangle
FIRST_FY = 2009  # first fiscal year with monthly border-wide data (OHSS from Oct 2008)

# ---------------------------------------------------------------------------
# Source choices (the judgement calls live here, not inside the algorithms)
# ---------------------------------------------------------------------------

# Preferred USBP Southwest-border annual total per fiscal year.
# data/README.md: CBP official tables FY2013-FY2018, CRS/OHSS elsewhere.
PREFERRED_ANNUAL = {
    2009: "APP-OHSS-FY2009",  # only source (OHSS, rounded to 10)
    2010: "APP-OHSS-FY2010",  # only source (OHSS, rounded to 10)
    # FY2011: CRS 16,067 (APP-02) is, per CNS, all borders; 15,949 is the SW
    # border alone and matches OHSS (15,950 annual, 15,950 sum of months).
    2011: "APP-03",
    2012: "APP-05",  # CRS; OHSS 24,400 (annual) / 24,420 (months) differ by 0.3%
    2013: "APP-FY2013",
    2014: "APP-FY2014",  # USBP SW border; GAO ~73-74k counts all of DHS
    2015: "APP-FY2015",
    2016: "APP-FY2016",
    2017: "APP-FY2017",
    2018: "APP-FY2018",
    2019: "APP-FY2019",
    2020: "APP-FY2020",
    2021: "APP-FY2021",  # CRS/USBP; CBS 147,000 likely includes OFO
    2022: "APP-FY2022",
    # FY2023-24: exact CBP values (= sum of by-country rows); OHSS rounds to 10.
    2023: "APP-CBP-FY2023",
    2024: "APP-CBP-FY2024",
}

# Official annual by-country rows: fiscal year -> {country: fact id}.
OFFICIAL_COUNTRY = {
    **{fy: {c: f"CTY-{c}-FY{fy}" for c in NT} for fy in range(2009, 2013)},
    **{fy: {c: f"CTY-{c}-FY{fy}" for c in COUNTRIES} for fy in range(2013, 2019)},
    **{fy: {c: f"APP-CTY-{c}-FY{fy}" for c in COUNTRIES} for fy in range(2020, 2025)},
}

# Border-wide monthly sources, best first: (label, id regex).
MONTHLY_RANKING = (
    # CBP "Southwest Border Migration" monthly tables (FY2016 Jan-Jun, FY2017,
    # FY2018 Oct-Jun, FY2019 Oct-Aug); they sum to the published totals.
    ("CBP monthly table", r"^M1[6-9]-(\d{2}|20\d\d-\d\d)$"),
    ("OHSS monthly (rounded to 10)", r"^M-OHSS-"),
    # Exact CBP nationwide-encounters sums; data/README.md says prefer OHSS.
    ("CBP nationwide encounters", r"^M-CBP-"),
    # Other reported single months (revised values where a revision exists).
    ("reported monthly figure", r"^(M14-0[1345]|M14-06r|M14-07r|M14-08|M15-10|M15-03|M21-03)$"),
    ("monthly residual (derived)", r"^M1[4-9]-.*derived$"),
)
# Monthly rows deliberately not used, with the reason.
MONTHLY_EXCLUDED = {
    "M14-06": "superseded by revision M14-06r",
    "M14-07": "superseded by revision M14-07r",
    "M14-08b": "alternative August 2014 figure, low confidence (M14-08 kept)",
    "M21-03b": "superseded by M21-03",
}
# Multi-month aggregates used where no single-month figure exists.
MONTHLY_AGGREGATES = {"M14-OctDec-derived": ("2013-10", "2013-11", "2013-12")}

# FY2009-FY2012 derivation of Mexico/other from the nearest official split.
OTH_RATIO_YEAR = 2013  # OTH / (SV+GT+HN) taken from the FY2013 CBP table
# FY2019 derivation (no full-year by-country table).
FY2019_MX_ID = "CTY-MX-FY2019"  # ">10,400": used at the bound
FY2019_OTH_NEIGHBOURS = (2018, 2020)  # OTH share of total, averaged
FY2019_NT_SPLIT_IDS = {
    "GT": "ORR-CTY-FY2019-GUA",
    "HN": "ORR-CTY-FY2019-HON",
    "SV": "ORR-CTY-FY2019-EL",
}
FY2019_PARTIAL_IDS = {c: f"CTY-{c}-FY2019-8M" for c in NT}  # Oct-May floors

TRIM = 2  # seasonal profile: drop the 2 lowest and 2 highest ratios per month

# The CBP monthly tables (data/tables/README.md) are the source of every month they cover
# (October 2017 - August 2025), for both components; a month's fact in the fact tables is kept
# beside it in source_ids as the figure the backtest compares (they agree within a few children).
TABLE_TAG = "table:"  # source_ids prefix naming a shipped table rather than a fact row
# The last, partial fiscal year (the tables end in August 2025): total and country facts.
PARTIAL_LAST_FY = {
    2025: (
        "CBP-UAC-USBP-FY2025-11M",
        {c: f"CBP-UAC-CTY-USBP-{c}-FY2025-11M" for c in COUNTRIES},
    )
}

# Ports of entry (OFO). Published from FY2015; earlier years are the parameter
# origin/ports/assumed_annual_children.yaml (an assumption with a range, read at run time).
PORTS_FIRST_FY = 2015
PORTS_FOUR = ("SV", "GT", "HN", "MX")  # the countries CBP's FY2015-FY2018 OFO pages give
PORTS_COUNTRY_IDS = {
    fy: {c: f"CBP-UAC-CTY-OFO-{c}-FY{fy}" for c in PORTS_FOUR} for fy in range(2015, 2019)
}
PORTS_TOTAL_IDS = {
    2015: "CBP-UAC-OFO-FY2015-LB",  # = the four countries: a lower bound (no 'other' row)
    2016: "CBP-UAC-OFO-FY2016",
    2017: "CBP-UAC-OFO-FY2017b",
    2018: "CBP-UAC-OFO-FY2018",
    2019: "CBP-UAC-OFO-FY2019",
}
PORTS_OTH_RATIO_YEARS = (2016, 2017)  # FY2015 OTH = their mean OTH/(four countries) ratio
PORTS_FY2017_MONTHLY_ID = "APP-OFO-FY2017"  # its notes list the twelve months
PORTS_FY2019_SHARE_YEARS = (2018, 2020)  # FY2019 country shares: mean of these years'
PORTS_SPREAD_YEARS = (2015, 2016)  # annual totals only: spread by the seasonal profile


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def fiscal_months(fy: int) -> list[str]:
    """The 12 'YYYY-MM' months of a US fiscal year (October to September)."""
    return [str(p) for p in pd.period_range(f"{fy - 1}-10", f"{fy}-09", freq="M")]


def fiscal_year(month: str) -> int:
    year, mon = int(month[:4]), int(month[5:7])
    return year + 1 if mon >= 10 else year


def number(value) -> float:
    """Numeric value of a fact; bounds such as '>10400' return the bound."""
    match = re.fullmatch(r"\s*[<>~]?\s*([\d,.]+)\s*", str(value))
    if not match:
        raise ValueError(f"not a single number: {value!r}")
    return float(match.group(1).replace(",", ""))


def largest_remainder(values, total: int) -> np.ndarray:
    """Round non-negative reals to integers summing to `total`.

    Floors everything, then gives the missing units to the largest fractional
    parts (ties to the earlier position, so the result is deterministic).
    """
    values = np.asarray(values, dtype=float)
    scaled = values * (total / values.sum()) if values.sum() > 0 else values
    floors = np.floor(scaled + 1e-9).astype(int)
    missing = int(total - floors.sum())
    order = np.argsort(-(scaled - floors), kind="stable")
    floors[order[:missing]] += 1
    return floors


def controlled_round(
    real: np.ndarray, row_totals: np.ndarray, col_totals: np.ndarray
) -> np.ndarray:
    """Integer matrix close to `real` with exact row and column totals.

    Rows are rounded first (largest remainder); then single units are moved
    inside a row from an over-target column to an under-target column, choosing
    the move that costs least against the real values. Each move reduces the
    column imbalance by 2, so the loop ends.
    """
    out = np.vstack(
        [largest_remainder(r, t) if t else np.zeros(len(r), int) for r, t in zip(real, row_totals)]
    )
    while True:
        gap = out.sum(axis=0) - col_totals
        over, under = np.flatnonzero(gap > 0), np.flatnonzero(gap < 0)
        if len(over) == 0:
            return out
        best = None
        for o in over:
            for u in under:
                # cost of moving one unit from (m, o) to (m, u), for every row m
                cost = (
                    (out[:, o] - 1 - real[:, o]) ** 2
                    - (out[:, o] - real[:, o]) ** 2
                    + (out[:, u] + 1 - real[:, u]) ** 2
                    - (out[:, u] - real[:, u]) ** 2
                )
                cost[out[:, o] == 0] = np.inf
                m = int(np.argmin(cost))
                if best is None or cost[m] < best[0] - 1e-12:
                    best = (cost[m], m, o, u)
        _, m, o, u = best
        out[m, o] -= 1
        out[m, u] += 1


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------


def load_facts(shared: Path) -> pd.DataFrame:
    """facts_flows + facts_levers + facts_recent as one table indexed by (stripped) id."""
    frames = [
        pd.read_csv(shared / "data" / name, dtype=str)
        for name in ("facts_flows.csv", "facts_levers.csv", "facts_recent.csv")
    ]
    facts = pd.concat(frames, ignore_index=True)
    # Two ids carry a trailing space in the CSV ('ORR-CTY-FY2013-EL ', ...).
    facts["id"] = facts["id"].str.strip()
    if facts["id"].duplicated().any():
        raise ValueError(
            f"duplicate fact ids: {facts.loc[facts['id'].duplicated(), 'id'].tolist()}"
        )
    return facts.set_index("id")


def copy_facts(shared: Path, dest: Path) -> None:
    """Verbatim copies, so the package is self-contained."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in FACT_FILES:
        shutil.copyfile(shared / "data" / name, dest / name)


def copy_tables(shared: Path, dest: Path) -> None:
    """Verbatim copies of the CBP monthly tables and the HHS daily sample (provenance:
    tables/README.md, kept by hand)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in (*CBP_TABLES, HHS_DAILY_SAMPLE):
        shutil.copyfile(shared / "data" / "tables" / name, dest / name)


@dataclass
class CbpTables:
    """The CBP monthly tables: children by month, component (USBP, OFO) and country."""

    cells: pd.DataFrame  # month, component, country, children, file

    @classmethod
    def load(cls, shared: Path) -> CbpTables:
        frames = []
        for name in CBP_TABLES:
            t = pd.read_csv(shared / "data" / "tables" / name, dtype={"month": str})
            frames.append(t.assign(file=name))
        cells = pd.concat(frames, ignore_index=True)
        if cells.duplicated(["month", "component", "country"]).any():
            raise SystemExit("CBP tables: a month, component and country repeat")
        return cls(cells)

    @property
    def months(self) -> set[str]:
        return set(self.cells["month"])

    @property
    def last_month(self) -> str:
        return max(self.cells["month"])

    def tag(self, month: str) -> str:
        return TABLE_TAG + self.cells.loc[self.cells["month"] == month, "file"].iloc[0]

    def total(self, component: str, month: str) -> int:
        c = self.cells
        return int(c.loc[(c["month"] == month) & (c["component"] == component), "children"].sum())

    def by_country(self, component: str, months: list[str]) -> np.ndarray | None:
        """[month, country] counts when the table has every country for every month, else None."""
        c = self.cells[(self.cells["component"] == component) & self.cells["month"].isin(months)]
        wide = c.pivot_table(index="month", columns="country", values="children", aggfunc="sum")
        if len(wide) != len(months) or not set(COUNTRIES) <= set(wide.columns):
            return None
        wide = wide.reindex(index=months, columns=list(COUNTRIES))
        return None if wide.isna().any().any() else wide.to_numpy(int)


def check_last_fiscal_year(facts: pd.DataFrame) -> int:
    """Latest FY with a border-wide annual total; must be covered by PREFERRED_ANNUAL."""
    annual = facts[
        facts.index.str.match(r"^APP-")
        & facts["period"].str.fullmatch(r"FY\d{4}")
        & ~facts.index.str.match(r"^APP-(CTY|OFO|CBPALL)-")
    ]
    latest = int(annual["period"].str[2:].astype(int).max())
    if latest != max(PREFERRED_ANNUAL):
        raise SystemExit(f"facts have an annual total for FY{latest}; add it to PREFERRED_ANNUAL")
    return latest


# ---------------------------------------------------------------------------
# Border-wide monthly series and seasonal profile
# ---------------------------------------------------------------------------


def monthly_observations(facts: pd.DataFrame) -> pd.DataFrame:
    """Best single-month border-wide figure per month: columns value, id, source."""
    monthly = facts[
        facts["period"].str.fullmatch(r"\d{4}-\d{2}", na=False)
        & facts["unit"].isin(["children", "children (rounded to nearest 10)"])
        & ~facts.index.isin(list(MONTHLY_EXCLUDED))
    ]
    rows = []
    for fact_id, row in monthly.iterrows():
        for rank, (label, pattern) in enumerate(MONTHLY_RANKING):
            if re.search(pattern, fact_id):
                rows.append((row["period"], rank, fact_id, label, number(row["value"])))
                break
    table = pd.DataFrame(rows, columns=["month", "rank", "id", "source", "value"])
    table = table.sort_values(["month", "rank", "id"], kind="stable").drop_duplicates("month")
    return table.set_index("month")[["value", "id", "source"]]


def seasonal_profile(obs: pd.DataFrame, facts: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Ratio-to-centred-moving-average seasonal index, trimmed mean per calendar month."""
    series = obs["value"].reindex(months)
    filled = series.copy()
    for agg_id, agg_months in MONTHLY_AGGREGATES.items():
        # Only to let the moving average pass over the gap; these months get no ratio.
        filled[list(agg_months)] = number(facts.at[agg_id, "value"]) / len(agg_months)
    trend = filled.rolling(12).mean().rolling(2).mean().shift(-6)  # centred 2x12 MA
    ratio = (series / trend).dropna()
    rows = []
    for moy in range(1, 13):
        r = ratio[[int(m[5:7]) == moy for m in ratio.index]]
        kept = np.sort(r.values)[TRIM : len(r) - TRIM]
        ids = ";".join(obs.loc[r.index, "id"])
        rows.append((moy, kept.mean(), ids, len(r)))
    prof = pd.DataFrame(rows, columns=["month_of_year", "raw", "source_ids", "n_years"])
    # Rounded to 4 decimals so that the 12 indices sum to exactly 12.
    units = largest_remainder(prof["raw"] / prof["raw"].mean(), 120000)
    prof["index"] = units / 10000
    return prof


def border_monthly(fy, obs, facts, profile, cbp: CbpTables, months: list[str]):
    """Unscaled border-wide monthly figures of one FY, with ids and basis per month."""
    values, ids, basis = [], [], []
    by_moy = profile.set_index("month_of_year")["index"]
    for month in months:
        if month in cbp.months:  # the table; the month's fact (if any) is kept for comparison
            values.append(cbp.total("USBP", month))
            ids.append(
                ";".join([cbp.tag(month)] + ([obs.at[month, "id"]] if month in obs.index else []))
            )
            basis.append("monthly")
            continue
        if month in obs.index:
            values.append(obs.at[month, "value"])
            ids.append(obs.at[month, "id"])
            basis.append("monthly")
            continue
        agg_id = next((a for a, ms in MONTHLY_AGGREGATES.items() if month in ms), None)
        if agg_id is None:
            raise SystemExit(f"no border-wide monthly figure for {month}")
        agg_months = MONTHLY_AGGREGATES[agg_id]
        weights = np.array([by_moy[int(m[5:7])] for m in agg_months])
        share = by_moy[int(month[5:7])] / weights.sum()
        values.append(number(facts.at[agg_id, "value"]) * share)
        ids.append(agg_id)
        basis.append("annual_spread")  # multi-month aggregate spread by the seasonal profile
    return np.array(values), ids, basis


# ---------------------------------------------------------------------------
# Annual country targets
# ---------------------------------------------------------------------------


@dataclass
class YearTargets:
    total: int
    total_id: str
    country: dict = field(default_factory=dict)  # country -> int
    ids: dict = field(default_factory=dict)  # country -> list of fact ids
    official: set = field(default_factory=set)  # countries with an official row
    note: str = ""


def official_targets(fy: int, facts: pd.DataFrame) -> YearTargets:
    total_id = PREFERRED_ANNUAL[fy]
    t = YearTargets(total=int(number(facts.at[total_id, "value"])), total_id=total_id)
    for c, fid in OFFICIAL_COUNTRY.get(fy, {}).items():
        t.country[c] = int(number(facts.at[fid, "value"]))
        t.ids[c] = [fid]
        t.official.add(c)
    return t


def derive_mx_oth_early(
    fy: int, t: YearTargets, facts: pd.DataFrame, ratio_targets: YearTargets
) -> None:
    """FY2009-FY2012: OTH = (FY2013 OTH/NT ratio) x NT; MX = total - NT - OTH.

    Other-than-Mexican flows move together, so OTH is tied to the Northern
    Triangle count rather than to the Mexican-dominated total.
    """
    ratio = ratio_targets.country["OTH"] / sum(ratio_targets.country[c] for c in NT)
    ratio_ids = [ratio_targets.ids[c][0] for c in (*NT, "OTH")]
    nt = sum(t.country[c] for c in NT)
    t.country["OTH"] = int(round(ratio * nt))
    t.country["MX"] = t.total - nt - t.country["OTH"]
    nt_ids = [t.ids[c][0] for c in NT]
    t.ids["OTH"] = nt_ids + ratio_ids
    t.ids["MX"] = [t.total_id] + nt_ids + ratio_ids
    if f"CTY-MX-FY{fy}" in facts.index:  # FY2012 has an approximate Mexico figure
        t.ids["MX"].append(f"CTY-MX-FY{fy}")
    t.note = f"MX and OTH derived (OTH = {ratio:.4f} x SV+GT+HN, FY{OTH_RATIO_YEAR} ratio)"


def derive_fy2019(t: YearTargets, facts: pd.DataFrame, neighbours: dict) -> None:
    """FY2019: MX at its published lower bound, OTH from neighbouring years' share,
    SV/GT/HN split of the remainder by the FY2019 ORR referral shares."""
    t.country["MX"] = int(number(facts.at[FY2019_MX_ID, "value"]))
    t.ids["MX"] = [FY2019_MX_ID]
    shares = [neighbours[fy].country["OTH"] / neighbours[fy].total for fy in FY2019_OTH_NEIGHBOURS]
    t.country["OTH"] = int(round(np.mean(shares) * t.total))
    t.ids["OTH"] = [t.total_id] + [
        x
        for fy in FY2019_OTH_NEIGHBOURS
        for x in (neighbours[fy].ids["OTH"][0], neighbours[fy].total_id)
    ]
    # SV+GT+HN is what remains after MX and OTH, so it depends on their sources too.
    nt_total = t.total - t.country["MX"] - t.country["OTH"]
    weights = [number(facts.at[FY2019_NT_SPLIT_IDS[c], "value"]) for c in NT]
    for c, n in zip(NT, largest_remainder(weights, nt_total)):
        t.country[c] = int(n)
        t.ids[c] = t.ids["OTH"] + [FY2019_MX_ID, FY2019_NT_SPLIT_IDS[c], FY2019_PARTIAL_IDS[c]]
        floor = number(facts.at[FY2019_PARTIAL_IDS[c], "value"])
        if t.country[c] < floor:  # the full year cannot be below its first 8 months
            raise SystemExit(f"FY2019 {c} = {t.country[c]} below Oct-May figure {floor}")
    t.note = (
        "all countries derived: MX = published lower bound, OTH = mean FY2018/FY2020 "
        "share, SV/GT/HN = ORR FY2019 referral split; checked against Oct-May figures"
    )


def annual_targets(facts: pd.DataFrame, last_fy: int) -> dict:
    targets = {fy: official_targets(fy, facts) for fy in range(FIRST_FY, last_fy + 1)}
    for fy in range(FIRST_FY, OTH_RATIO_YEAR):
        derive_mx_oth_early(fy, targets[fy], facts, targets[OTH_RATIO_YEAR])
    derive_fy2019(targets[2019], facts, targets)
    for fy, t in targets.items():
        missing = set(COUNTRIES) - set(t.country)
        if missing or sum(t.country.values()) != t.total:
            raise SystemExit(f"FY{fy}: country targets incomplete or inconsistent ({missing})")
    return targets


def partial_last_targets(fy: int, facts: pd.DataFrame) -> YearTargets:
    """The last fiscal year, published only to the tables' last month (FY2025: Oct-Aug)."""
    total_id, country_ids = PARTIAL_LAST_FY[fy]
    t = YearTargets(total=int(number(facts.at[total_id, "value"])), total_id=total_id)
    for c, fid in country_ids.items():
        t.country[c] = int(number(facts.at[fid, "value"]))
        t.ids[c] = [fid]
        t.official.add(c)
    t.note = f"partial year: {facts.at[total_id, 'period']}"
    return t


# ---------------------------------------------------------------------------
# Ports of entry (OFO)
# ---------------------------------------------------------------------------


def ports_targets(facts: pd.DataFrame, cbp: CbpTables) -> dict:
    """Annual port-of-entry children by country, FY2015 to the tables' last year.

    FY2015-FY2018: the four countries CBP published, 'other' = total - four (FY2015 has no total:
    'other' = the mean FY2016-FY2017 ratio of other to the four). FY2019: the total split by the
    mean of the FY2018 and FY2020 country shares (no FY2019 split was published). FY2020 on: the
    published country figures (the tables' sums).
    """
    last_fy = fiscal_year(cbp.last_month)
    targets = {}
    for fy in range(PORTS_FIRST_FY, 2019):
        t = YearTargets(total=0, total_id=PORTS_TOTAL_IDS[fy])
        for c in PORTS_FOUR:
            fid = PORTS_COUNTRY_IDS[fy][c]
            t.country[c], t.ids[c] = int(number(facts.at[fid, "value"])), [fid]
            t.official.add(c)
        targets[fy] = t
    for fy in range(2016, 2019):
        t = targets[fy]
        t.total = int(number(facts.at[t.total_id, "value"]))
        t.country["OTH"] = t.total - sum(t.country[c] for c in PORTS_FOUR)
        t.ids["OTH"] = [t.total_id] + [t.ids[c][0] for c in PORTS_FOUR]
    t15 = targets[2015]
    ratio = np.mean(
        [targets[y].country["OTH"] / sum(targets[y].country[c] for c in PORTS_FOUR)
         for y in PORTS_OTH_RATIO_YEARS]
    )  # fmt: skip
    four = sum(t15.country[c] for c in PORTS_FOUR)
    if four != int(number(facts.at[t15.total_id, "value"])):
        raise SystemExit("ports FY2015: the four countries do not add up to the lower bound")
    t15.country["OTH"] = int(round(ratio * four))
    t15.total = four + t15.country["OTH"]
    t15.ids["OTH"] = [t15.total_id] + [
        x for y in PORTS_OTH_RATIO_YEARS for x in targets[y].ids["OTH"]
    ]
    t15.note = f"OTH = {ratio:.4f} x four countries (mean FY2016-FY2017 ratio)"
    for fy in range(2020, last_fy + 1):
        suffix = "-11M" if fy in PARTIAL_LAST_FY else ""
        t = YearTargets(total=0, total_id=f"CBP-UAC-OFO-FY{fy}{suffix}")
        for c in COUNTRIES:
            fid = f"CBP-UAC-CTY-OFO-{c}-FY{fy}{suffix}"
            t.country[c], t.ids[c] = int(number(facts.at[fid, "value"])), [fid]
            t.official.add(c)
        t.total = int(number(facts.at[t.total_id, "value"]))
        targets[fy] = t
    t19 = YearTargets(total=int(number(facts.at[PORTS_TOTAL_IDS[2019], "value"])),
                      total_id=PORTS_TOTAL_IDS[2019])  # fmt: skip
    shares = np.mean(
        [[targets[y].country[c] / targets[y].total for c in COUNTRIES]
         for y in PORTS_FY2019_SHARE_YEARS], axis=0,
    )  # fmt: skip
    for c, n in zip(COUNTRIES, largest_remainder(shares, t19.total)):
        t19.country[c] = int(n)
        t19.ids[c] = [t19.total_id] + [
            x for y in PORTS_FY2019_SHARE_YEARS for x in targets[y].ids[c]
        ]
    t19.note = "country split = mean of the FY2018 and FY2020 shares"
    targets[2019] = t19
    targets = dict(sorted(targets.items()))
    for fy, t in targets.items():
        if set(t.country) != set(COUNTRIES) or sum(t.country.values()) != t.total:
            raise SystemExit(f"ports FY{fy}: country targets incomplete or inconsistent")
    return targets


def fy2017_ports_months(facts: pd.DataFrame) -> np.ndarray:
    """The twelve monthly OFO figures of FY2017, as listed in the notes of APP-OFO-FY2017."""
    notes = facts.at[PORTS_FY2017_MONTHLY_ID, "notes"]
    found = dict(re.findall(r"\b([A-Z][a-z]{2}) ([\d,]+)", notes))
    order = ("Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep")
    values = np.array([number(found[m]) for m in order])
    if values.sum() != number(facts.at[PORTS_FY2017_MONTHLY_ID, "value"]):
        raise SystemExit("APP-OFO-FY2017: the months do not add up to the total")
    return values


def build_ports_year(fy: int, t: YearTargets, facts, profile, cbp: CbpTables) -> list[tuple]:
    """Monthly x country rows of port-of-entry children for one fiscal year."""
    months = [m for m in fiscal_months(fy) if m <= cbp.last_month]
    col = np.array([t.country[c] for c in COUNTRIES])
    season = profile.set_index("month_of_year")["index"]
    if fy in PORTS_SPREAD_YEARS:  # annual totals only: each country spread by the profile
        weights = np.array([season[int(m[5:7])] for m in months])
        cells = np.column_stack([largest_remainder(weights, n) for n in col])
        month_ids, basis = [t.total_id] * len(months), ["annual_spread"] * len(months)
    else:
        if fy == 2017:
            month_totals = fy2017_ports_months(facts).astype(int)
            month_ids = [PORTS_FY2017_MONTHLY_ID] * len(months)
        else:
            month_totals = np.array([cbp.total("OFO", m) for m in months])
            month_ids = [cbp.tag(m) for m in months]
        basis = ["monthly"] * len(months)
        cells = cbp.by_country("OFO", months) if fy >= 2020 else None
        if cells is None:
            if month_totals.sum() != t.total:
                raise SystemExit(
                    f"ports FY{fy}: months add up to {month_totals.sum()}, not {t.total}"
                )
            real = np.outer(month_totals, col / t.total)
            cells = controlled_round(real, month_totals, col)
    rows = []
    for i, month in enumerate(months):
        for j, c in enumerate(COUNTRIES):
            ids = [month_ids[i], t.total_id] + [x for x in t.ids[c] if x != t.total_id]
            rows.append(("OFO", month, c, int(cells[i, j]), basis[i], ";".join(dict.fromkeys(ids))))
    return rows


# ---------------------------------------------------------------------------
# Assembly
# ---------------------------------------------------------------------------


def build_year(fy: int, t: YearTargets, obs, facts, profile, cbp: CbpTables):
    """Monthly x country integer rows of one fiscal year (Border Patrol), plus rescaling stats.

    Months in the CBP tables take the table's figure; where the table also gives every month of
    the year by country (FY2020 on), its cells are used as they are; otherwise each month is
    split by the year's country shares with a controlled rounding.
    """
    months = [m for m in fiscal_months(fy) if m <= cbp.last_month]
    raw, month_ids, basis = border_monthly(fy, obs, facts, profile, cbp, months)
    month_totals = largest_remainder(raw, t.total)  # proportional rescale + rounding
    col = np.array([t.country[c] for c in COUNTRIES])
    by_country = cbp.by_country("USBP", months)
    if by_country is not None:
        cells = by_country
    else:
        real = np.outer(month_totals, col / t.total)
        cells = controlled_round(real, month_totals, col)
    rows = []
    for i, month in enumerate(months):
        for j, c in enumerate(COUNTRIES):
            ids = [month_ids[i], t.total_id] + [x for x in t.ids[c] if x != t.total_id]
            rows.append(
                ("USBP", month, c, int(cells[i, j]), basis[i], ";".join(dict.fromkeys(ids)))
            )
    stats = {
        "fy": fy,
        "raw_sum": raw.sum(),
        "target": t.total,
        "rescale_pct": 100 * (t.total / raw.sum() - 1),
        "max_abs_change": float(np.max(np.abs(month_totals - raw))),
    }
    return rows, stats


def cbp_crosscheck(table: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """Monthly totals vs the exact CBP nationwide-encounters rows (not used as source)."""
    cbp = facts[facts.index.str.match(r"^M-CBP-")]
    ours = table.groupby("month")["children"].sum()
    diff = pd.DataFrame(
        {"month": cbp["period"].values, "cbp": [int(number(v)) for v in cbp["value"]]}
    )
    diff["ours"] = diff["month"].map(ours)
    diff["diff"] = diff["ours"] - diff["cbp"]
    diff["fy"] = diff["month"].map(fiscal_year)
    return diff


def annual_table(table: pd.DataFrame) -> pd.DataFrame:
    t = table.assign(fy=table["month"].map(fiscal_year))
    wide = t.pivot_table(index="fy", columns="country", values="children", aggfunc="sum")[
        list(COUNTRIES)
    ]
    wide["total"] = wide.sum(axis=1)
    return wide


def check_targets(wide: pd.DataFrame, targets: dict) -> list[str]:
    """One line per FY; raises if any official or preferred target is missed."""
    lines, failures = [], []
    for fy, t in targets.items():
        checks = [("total", wide.at[fy, "total"], t.total)]
        checks += [(c, wide.at[fy, c], t.country[c]) for c in COUNTRIES]
        bad = [f"{k} {got}!={want}" for k, got, want in checks if got != want]
        official = ",".join(c for c in COUNTRIES if c in t.official) or "none"
        status = "OK" if not bad else "MISMATCH " + "; ".join(bad)
        lines.append(
            f"FY{fy}: total={t.total} ({t.total_id}); official countries: {official} -> {status}"
        )
        failures += bad
    if failures:
        print("\n".join(lines))
        raise SystemExit("target check failed")
    return lines


# ---------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------


def markdown_table(df: pd.DataFrame) -> str:
    cols = [str(c) for c in df.columns]
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---:" for _ in cols) + "|"]
    out += ["| " + " | ".join(str(v) for v in row) + " |" for row in df.astype(str).values]
    return "\n".join(out)


def write_readme(
    path: Path, wide, targets, stats, profile, obs, cbp_diff, usbp, wide_ports, ports
) -> None:
    annual = wide.reset_index().rename(columns={"fy": "FY"})
    annual["basis of country split"] = [
        "official (all five)"
        if len(targets[fy].official) == 5
        else "official SV/GT/HN; MX, OTH derived"
        if targets[fy].official
        else "derived (see FY2019)"
        for fy in annual["FY"]
    ]
    annual["total id"] = [targets[fy].total_id for fy in annual["FY"]]

    first_id = usbp.drop_duplicates("month").set_index("month")["source_ids"].str.split(";").str[0]
    label = {
        m: "CBP monthly table (data/tables)" if i.startswith(TABLE_TAG) else obs.at[m, "source"]
        for m, i in first_id.items()
        if i.startswith(TABLE_TAG) or m in obs.index
    }
    src = (
        pd.DataFrame({"fy": [fiscal_year(m) for m in label], "source": list(label.values())})
        .groupby(["fy", "source"])
        .size()
        .unstack(fill_value=0)
    )
    src_text = []
    for fy in sorted(targets):
        parts = [f"{n} {s}" for s, n in src.loc[fy].items() if n] if fy in src.index else []
        if any(fy == fiscal_year(m) for ms in MONTHLY_AGGREGATES.values() for m in ms):
            parts.append("3 from the Oct-Dec 2013 aggregate (M14-OctDec-derived)")
        src_text.append("; ".join(parts))
    ports_annual = wide_ports.reset_index().rename(columns={"fy": "FY"})
    ports_annual["basis"] = [
        "annual totals spread by the seasonal profile" if fy in PORTS_SPREAD_YEARS
        else "monthly (APP-OFO-FY2017), split by the FY's country totals" if fy == 2017
        else "monthly (table), split by the FY's country totals" if fy < 2020
        else "monthly by country (table)"
        for fy in ports_annual["FY"]
    ]  # fmt: skip
    ports_annual["country split"] = [ports[fy].note or "published" for fy in ports_annual["FY"]]
    ports_annual["total id"] = [ports[fy].total_id for fy in ports_annual["FY"]]
    p15 = ports[PORTS_FIRST_FY]
    rescale = pd.DataFrame(stats)
    rescale = pd.DataFrame(
        {
            "FY": rescale["fy"],
            "monthly sources": src_text,
            "sum of monthly figures": rescale["raw_sum"].round(0).astype(int),
            "annual target": rescale["target"],
            "rescaling %": rescale["rescale_pct"].map(lambda x: f"{x:+.2f}"),
            "max change in a month": rescale["max_abs_change"].round(1),
        }
    )

    prof = profile[["month_of_year", "index", "n_years"]].copy()
    prof["index"] = prof["index"].map(lambda x: f"{x:.4f}")
    cbp = (
        cbp_diff.groupby("fy")["diff"]
        .agg(lambda d: int(d.abs().max()))
        .rename("max |ours - M-CBP|")
    )

    t19 = targets[2019]
    early = {fy: targets[fy] for fy in range(FIRST_FY, OTH_RATIO_YEAR)}
    ratios = {
        fy: targets[fy].country["OTH"] / sum(targets[fy].country[c] for c in NT)
        for fy in range(OTH_RATIO_YEAR, 2019)
    }
    r_lo, r_hi = min(ratios.values()), max(ratios.values())
    swing = {
        fy: max(abs(r - ratios[OTH_RATIO_YEAR]) for r in (r_lo, r_hi))
        * sum(t.country[c] for c in NT)
        for fy, t in early.items()
    }
    swing_text = ", ".join(
        f"FY{fy} {v:.0f} ({100 * v / early[fy].country['MX']:.1f}% of MX)"
        for fy, v in swing.items()
    )
    early_rows = "\n".join(
        f"| FY{fy} | {t.total:,} | {sum(t.country[c] for c in NT):,} | {t.country['OTH']:,} | {t.country['MX']:,} |"
        for fy, t in early.items()
    )
    text = f"""# Historical UAC arrivals (generated)

Generated by `tools/build_history.py` from the fact tables in `../facts/`
(verbatim copies of `shared/data/facts_*.csv`) and the CBP monthly tables in `../tables/`
(verbatim copies of `shared/data/tables/`, provenance in `../tables/README.md`). Do not edit by
hand: change the script and re-run it. Re-running gives byte-identical files.

## Files

- `arrivals_monthly.csv`: `month,component,country,children,basis,source_ids`, every month
  {fiscal_months(FIRST_FY)[0]} .. {usbp["month"].max()}, countries SV, GT, HN, MX and OTH
  (all other nationalities). `component`: `USBP` = Border Patrol apprehensions between ports
  (FY2020 onward: encounters, Title 8 + Title 42; the model's `arrivals`), every month;
  `OFO` = children encountered at ports of entry (Office of Field Operations; the model's
  `arrivals_ports`), from {fiscal_months(PORTS_FIRST_FY)[0]} (earlier years: see "Ports of entry").
  `basis`: `monthly` = a figure for that month exists (published, or a residual of published
  cumulative totals; ids ending in `-derived`); `annual_spread` = no single-month figure, a
  multi-month or annual total was spread over its months by the seasonal profile (USBP: only
  Oct-Dec 2013; OFO: FY2015-FY2016).
  `source_ids`: the month's source (a fact, or `table:FILE` for the CBP tables, followed by the
  month's fact where one exists, which the backtest compares), the annual total it was
  reconciled to, and the fact(s) behind that country's annual total.
- `seasonal_profile.csv`: `month_of_year` (1 = January), `index` (mean exactly 1.0), `source_ids`.

## Method

1. **Annual total per FY** (table below, column `total id`). data/README.md preference:
   CBP official tables FY2013-FY2018, CRS/OHSS elsewhere. Choices where sources disagree:
   - FY2011: **15,949** (APP-03, SW border only) rather than CRS 16,067 (APP-02), which CNS
     says covers all borders; 15,949 matches OHSS (15,950 annual, 15,950 sum of months).
     Switching to 16,067 would add 118 children (+0.7%), all to MX/OTH.
   - FY2012: CRS 24,481 (APP-05); OHSS gives 24,400 (annual) / 24,420 (months), 0.3% lower
     (same scope question as FY2011, no alternative row in the facts).
   - FY2014: 68,541 (USBP SW border); GAO's ~73,000-74,000 include OFO/all DHS.
   - FY2021: CRS 144,834; CBS 147,000 likely includes ports of entry.
   - FY2023, FY2024: exact CBP values 131,519 / 99,704 (APP-CBP-*), which equal the sums of
     the by-country rows; OHSS gives the same rounded to 10.
   - FY2008 (APP-01) is not included: there are no monthly data before Oct 2008.
2. **Monthly border-wide figures**, best source first: CBP monthly tables (M16-, M17-, M18-,
   M19-) > OHSS (M-OHSS-, rounded to 10) > CBP nationwide encounters (M-CBP-; never needed,
   OHSS covers the same months; used as a cross-check) > other reported single months
   (M14-, M15-10, M15-03; revised June/July 2014 values M14-06r, M14-07r; August 2014
   3,141 rather than the low-confidence 3,129) > monthly residuals of cumulative totals
   (`-derived`). Oct-Dec 2013 exists only as an aggregate (M14-OctDec-derived = 12,877) and is
   split by the seasonal index of Oct, Nov and Dec.
3. **Rescaling.** Each FY's monthly figures are scaled proportionally to the annual total and
   rounded by largest remainder. Size of the rescaling:

{markdown_table(rescale)}

   From October 2017 every month comes from the CBP monthly tables (`../tables/`), whose
   months add up exactly to the annual totals (no rescaling; FY{max(targets)} is
   {targets[max(targets)].note}, total {targets[max(targets)].total_id}). FY2017 needs none
   either (the CBP table sums to the total). FY2014's -0.10% comes from
   mixing sources (Pew's Oct-May 46,932 implies Feb 2014 = 4,892, the FY total implies
   4,823). FY2016 (-0.18%) mixes an early CBP table with later, revised OHSS months.
   Before the tables were added, FY2018-FY2019 used the CBP monthly-table facts (M18-, M19-)
   and OHSS; they differ from the tables by at most 35 children in a month (June 2018).
   Cross-check against the exact CBP nationwide-encounters months (M-CBP-), largest absolute
   monthly difference per FY:
   {", ".join(f"FY{fy} {v}" for fy, v in cbp.items())}.
4. **Country split.** From October 2019 the CBP tables give every month by country, and
   those cells are used as they are. Before, the facts have no monthly by-country rows, so
   every month of a FY is split with that FY's annual country shares. A controlled rounding
   keeps both the monthly totals and the annual country totals exact. Consequence: before
   FY2020, within-year changes of the country mix (e.g. Mexico's larger share early in FY2014,
   CTY-*-FY2014-YTDJUN15, or the fall of the Northern Triangle share after June 2019) are not
   represented.

## Country totals: sources and gaps

- **FY2013-FY2018**: CBP official tables, all five groups (CTY-{{SV,GT,HN,MX,OTH}}-FYyyyy; OTH
  is total minus the four countries on the same CBP page).
- **FY2020-FY2024**: CBP nationwide-encounters sums by citizenship (APP-CTY-*-FYyyyy, `low`
  confidence as a compiled copy, but they add up exactly to the CRS/CBP totals), which are
  also the sums of the CBP tables' monthly cells.
- **FY2025 (October 2024 - August 2025)**: the CBP table's monthly cells; their sums are
  CBP-UAC-CTY-USBP-*-FY2025-11M (total CBP-UAC-USBP-FY2025-11M). September 2025 was not
  published in the release used: history ends in August 2025.
- **FY2009-FY2012**: SV/GT/HN from the CBP table copied in a gist (CTY-{{SV,GT,HN}}-FYyyyy; it
  matches CBP exactly for FY2013-FY2014). **Mexico FY2009-FY2011 was not found**, and FY2012
  only as "nearly 14,000" (CTY-MX-FY2012). Derived: OTH = r x (SV+GT+HN) with
  r = OTH/(SV+GT+HN) of FY2013 = 714/20,805 = 0.0343 (CTY-*-FY2013), and MX = total - SV - GT
  - HN - OTH. Other-than-Mexican flows move together, so OTH is tied to the Northern
  Triangle rather than to the total. The FY2012 result (MX = {early[2012].country["MX"]:,}) agrees with
  CTY-MX-FY2012 "nearly 14,000".

  | FY | total | SV+GT+HN (official) | OTH (derived) | MX (derived) |
  |---|---:|---:|---:|---:|
{chr(10).join("  " + line for line in early_rows.splitlines())}

  Range: r varied between {r_lo:.3f} and {r_hi:.3f} in FY2013-FY2018; over that range OTH (and MX
  the other way) moves by at most: {swing_text}. The totals add their own uncertainty: OHSS rounds
  FY2009-FY2010 to 10, and FY2011 would be 118 higher (all of it MX/OTH) with CRS's 16,067.
- **FY2019** (no full-year by-country table): MX = {t19.country["MX"]:,}, the published lower bound
  ">10,400" (CTY-MX-FY2019; a rounded "more than", used as the point value). OTH = mean
  of the FY2018 and FY2020 OTH shares (3.42% and 3.81%) x 76,020 = {t19.country["OTH"]:,}
  (range about 2,000-4,500: ORR's FY2019 referral shares leave ~7% of 69,550 referrals for
  Mexico+other, i.e. roughly 4,500 OTH if few Mexicans were referred, but the shares are
  rounded to whole percent). The remaining {sum(t19.country[c] for c in NT):,} are split
  GT:HN:SV = 45:30:18 (ORR-CTY-FY2019-GUA/-HON/-EL, shares of ORR referrals):
  GT {t19.country["GT"]:,}, HN {t19.country["HN"]:,}, SV {t19.country["SV"]:,}. Check against the Oct-May figures
  (CTY-{{GT,HN,SV}}-FY2019-8M: 24,638 / 14,785 / 8,272): the implied Jun-Sep counts are positive
  and the Jun-Sep Mexico+other share (~23%) is above Oct-May (~15%), consistent with the
  Northern Triangle falling faster after June 2019. Using the Oct-May NT split (GT 51.7%,
  HN 31.0%, SV 17.3%) instead would move about 2,000 children from SV/HN to GT.

## Seasonal profile

Method: for every month with a single-month border-wide figure, ratio to the centred
2x12-month moving average of the series (removes trend and level; Oct-Dec 2013 is filled with
a third of its aggregate for the moving average only and gets no ratio). Per calendar month,
the {TRIM} highest and {TRIM} lowest ratios are dropped (shock years: the 2014 surge and
collapse, the 2017 drop, COVID/Title 42 in April-May 2020, the 2019 Mexico deal), the rest
averaged, and the 12 values renormalised to mean 1 (4 decimals, summing to exactly 12).
`source_ids` lists the monthly facts that gave a ratio for that calendar month.

{markdown_table(prof)}

Comparison with LEV-SEAS-01..03 (FY2016 and FY2018 only): Jan-Feb 0.69, May 1.33, Jul-Sep 1.05.
This profile, over ~15 years, is flatter: Jan-Feb {profile["index"][0:2].mean():.2f}, May {profile["index"][4]:.2f},
Jul-Sep {profile["index"][6:9].mean():.2f}, with the peak in March-May. Seasonality is not stable across
years (LEV-SEAS-03, SEAS-BPC); treat the profile as a central shape, not a law.

## Annual totals by country (sums of the monthly rows)

{markdown_table(annual)}

## Ports of entry (OFO)

Children encountered at Southwest-border ports of entry (CBP's Office of Field Operations) are a
second inflow, `component = OFO`; they follow the same custody and referral path as Border Patrol
children (Mexican children screened and returned under the TVPRA rule). Sources and gap fills:

- **FY2020 onward** (to {usbp["month"].max()}): the CBP tables' monthly cells by country; their
  sums are the facts CBP-UAC-CTY-OFO-*-FYyyyy (FY2025: `-11M`).
- **FY2018-FY2019**: the table's monthly totals (`country = ALL`). FY2018 is split by the
  published four-country figures (CBP-UAC-CTY-OFO-*-FY2018), 'other' = total - four. **Gap
  fill:** no FY2019 country split was published; it is the mean of the FY2018 and FY2020
  shares (Mexico {ports[2018].country["MX"] / ports[2018].total:.0%} and
  {ports[2020].country["MX"] / ports[2020].total:.0%}: the mix moved fast, so FY2019's Mexican
  share, {ports[2019].country["MX"] / ports[2019].total:.0%} here, is uncertain by about
  +/-25 points, i.e. +/-{0.25 * ports[2019].total:,.0f} children between Mexico and the rest).
- **FY2017**: the twelve monthly figures listed with APP-OFO-FY2017 (total 7,246), split by the
  four published countries and 'other' = total - four.
- **FY2015-FY2016** (**gap fill**): only annual totals by country exist; each country's total is
  spread over the months by the seasonal profile below (the Border Patrol profile: no OFO
  monthly series exists before FY2017). FY2016: CBP-UAC-OFO-FY2016 (10,678) and the four
  countries, 'other' = total - four. FY2015: the four countries (CBP-UAC-CTY-OFO-*-FY2015, which
  are all of CBP-UAC-OFO-FY2015-LB, a lower bound) plus 'other' = {p15.note.split("(")[0].replace("OTH = ", "")}
  = {p15.country["OTH"]:,}, so FY2015 = {p15.total:,}.
- **FY2009-FY2014** (**assumption**): nothing was published by component. The model does not
  take these years from this table: it reads the parameter
  `origin.ports.assumed_annual_children` (`src/corridor/parameters/origin/ports/`), dated by
  fiscal year with its sources (DHS-wide totals less Border Patrol) and a range, and spreads it
  by the same seasonal profile at run time, so the range is sampled with the other assumptions.

{markdown_table(ports_annual)}

## Inconsistencies noticed in the facts

- FY2011 total: 16,067 (CRS, APP-02) vs 15,949 (APP-03) — scope (all borders vs SW border).
- FY2014 February: 4,892 (from Pew's Oct-May cumulative, M14-OctMay) vs 4,823 (from the FY
  total); Pew's Oct-Jun 57,525 (M14-OctJun) also does not add up with the monthly rows.
- FY2016 Oct-Nov: 10,588 (M16-OctNov) vs OHSS 10,540; Oct-Jan 20,480 vs 20,455.
- FY2018: Oct-Jul revised 41,283 (M18-OctJul) vs CBP table Oct-Jun 37,450 + OHSS Jul 3,910
  = 41,360; M18-07-derived (3,833) mixes vintages and is not used (OHSS 3,910 is).
- FY2019 September: 3,147 (residual) vs OHSS 3,170 vs CBP 3,165.
- FY2024 Oct-Jul: 87,475 (APP-FY2024-10M) vs 87,468 in the CBP monthly rows.
- CTY-OTH-FY2017/FY2018 notes say "FY2013-16 totals from CBP FY2016 page" (copy-paste).
- Ids `ORR-CTY-FY2013-EL ` and `ORR-CTY-FY2019-EL ` have a trailing space in facts_flows.csv;
  they are cited here without it.
"""
    path.write_text(text)


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="shared directory holding data/facts_*.csv (default: ../shared)",
    )
    args = parser.parse_args(argv)
    shared = args.shared.resolve()

    copy_facts(shared, DATA_OUT / "facts")
    copy_tables(shared, DATA_OUT / "tables")
    facts = load_facts(shared)
    cbp = CbpTables.load(shared)
    last_fy = check_last_fiscal_year(facts)
    all_months = [m for fy in range(FIRST_FY, last_fy + 1) for m in fiscal_months(fy)]

    # The seasonal profile is estimated on the fact series (FY2009 to the last full year), as
    # before the tables were added: the tables' months differ from those facts by a few children.
    obs = monthly_observations(facts)
    obs = obs[obs.index.isin(all_months)]
    profile = seasonal_profile(obs, facts, all_months)
    targets = annual_targets(facts, last_fy)
    for fy in PARTIAL_LAST_FY:
        targets[fy] = partial_last_targets(fy, facts)

    rows, stats = [], []
    for fy, t in targets.items():
        year_rows, year_stats = build_year(fy, t, obs, facts, profile, cbp)
        rows += year_rows
        stats.append(year_stats)
    ports = ports_targets(facts, cbp)
    for fy, t in ports.items():
        rows += build_ports_year(fy, t, facts, profile, cbp)
    columns = ["component", "month", "country", "children", "basis", "source_ids"]
    table = pd.DataFrame(rows, columns=columns)
    table["rank"] = table["component"].map({"USBP": 0, "OFO": 1})
    table = table.sort_values(["month", "rank"], kind="stable").drop(columns="rank")
    table = table[["month", "component", "country", "children", "basis", "source_ids"]]

    out = DATA_OUT / "history"
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "arrivals_monthly.csv", index=False, lineterminator="\n")
    profile[["month_of_year", "index", "source_ids"]].to_csv(
        out / "seasonal_profile.csv", index=False, float_format="%.4f", lineterminator="\n"
    )

    usbp = table[table["component"] == "USBP"]
    wide = annual_table(usbp)
    wide_ports = annual_table(table[table["component"] == "OFO"])
    check_lines = check_targets(wide, targets) + check_targets(wide_ports, ports)
    write_readme(
        out / "README.md",
        wide,
        targets,
        stats,
        profile,
        obs,
        cbp_crosscheck(usbp, facts),
        usbp,
        wide_ports,
        ports,
    )

    pd.set_option("display.width", 120)
    print("Annual sums of arrivals_monthly.csv (FY x country), Border Patrol:")
    print(wide.to_string())
    print("Ports of entry (OFO):")
    print(wide_ports.to_string())
    print("\nChecks against targets:")
    print("\n".join(check_lines))
    print("\nRescaling of monthly border-wide figures to the annual total:")
    for s in stats:
        print(f"  FY{s['fy']}: {s['raw_sum']:.0f} -> {s['target']} ({s['rescale_pct']:+.2f}%)")
    print(
        f"\nSeasonal profile (mean {profile['index'].mean():.4f}):",
        " ".join(f"{m}:{v:.3f}" for m, v in zip(profile["month_of_year"], profile["index"])),
    )
    print(f"\nWrote {len(table)} rows to {out / 'arrivals_monthly.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
