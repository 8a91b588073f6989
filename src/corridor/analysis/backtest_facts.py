"""Build the shipped backtest facts (``corridor/data/backtest_facts.csv``) from the shipped facts.

Run ``python -m corridor.analysis.backtest_facts`` to regenerate the file. Every row is a copy of
a row of ``data/facts/facts_*.csv`` (value, unit, source, quote and confidence untouched) plus
three columns that say which corridor output it is compared with:

* ``metric``: a daily metric of the model (``arrivals``, ``orr_referrals``, ``court_pending_total``
  ...), ``A+B`` for the sum of metrics, or ``A/B`` for a ratio of two (statistic ``share``);
* ``group``: ``all``, a country (SV, GT, HN, MX, OTH), a sponsor category (cat1..cat4), or several
  joined by ``+``;
* ``statistic``: ``sum`` (a flow summed over the period), ``end`` (a stock on the period's last
  day), ``mean`` (a stock's or an average's mean over the period; a flow's mean per day), ``max``
  (a stock's peak in the period) or ``share`` (the group's part of ``all``, or ``A/B``).

``period`` is rewritten into a form the backtest reads (``FY2014``, ``2014-06``, ``2014-06-30``,
``A..B``) when the source's text is looser; the source's text is then kept at the start of
``notes`` (``published period: ...``). Which rows are used, and why the others are not, is decided
here (``SELECTED`` and ``NOT_USED``), not by hand edits of the CSV.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd

from corridor.analysis import hhs_daily

DATA = Path(__file__).resolve().parent.parent / "data"
FACT_FILES = (
    "facts_flows.csv", "facts_courts.csv", "facts_levers.csv", "facts_recent.csv", "facts_census.csv",
    "facts_cbp_custody.csv",
)  # fmt: skip
FACTS = [DATA / "facts" / f for f in FACT_FILES]
OUT = DATA / "backtest_facts.csv"
# HHS's daily file (its first 69 reporting days, spring 2021): monthly census and discharge facts
HHS_DAILY_SAMPLE = DATA / "tables" / "hhs_uc_daily_sample.csv"
COLUMNS = [
    "id", "quantity", "geography_or_group", "period", "value", "unit", "source_url",
    "source_date", "quote", "confidence", "notes", "metric", "group", "statistic",
]  # fmt: skip
COUNTRIES = ("SV", "GT", "HN", "MX", "OTH")

# id -> (metric, group, statistic, period or None to keep the source's)
SELECTED: dict[str, tuple[str, str, str, str | None]] = {}
# id -> the number compared, where the published value holds several (the first is the total;
# the published text is kept at the start of ``notes``)
FIRST_NUMBER = {"UAC-R03"}


def _add(ids, metric, group="all", statistic="sum", period=None):
    for i in [ids] if isinstance(ids, str) else ids:
        SELECTED[i] = (metric, group, statistic, period)


# --- arrivals (inputs: the model is given these counts; see the backtest report) -------------
_add([f"APP-FY{y}" for y in range(2013, 2023)], "arrivals")
_add(["APP-CBP-FY2023", "APP-CBP-FY2024"], "arrivals")
for _c in COUNTRIES:
    _add([f"CTY-{_c}-FY{y}" for y in range(2013, 2019)], "arrivals", _c)
    _add([f"APP-CTY-{_c}-FY{y}" for y in range(2020, 2025)], "arrivals", _c)
# partial years by country: the history splits every month by the year's country shares, so
# these test the within-year country mix, which the model does not have
for _c in ("SV", "GT", "HN", "MX"):
    _add(f"CTY-{_c}-FY2014-YTDJUN15", "arrivals", _c)
for _c in ("SV", "GT", "HN"):
    _add(f"CTY-{_c}-FY2019-8M", "arrivals", _c)
_add("M14-OctDec-derived", "arrivals", period="2013-10..2013-12")
# CBP's release of September 2025 by component: Border Patrol (arrivals) and ports of entry
# (arrivals_ports); FY2025 is October 2024 - August 2025, the last month published
_FY25 = "2024-10..2025-08"
_add([f"CBP-UAC-USBP-FY{y}" for y in (2022, 2023, 2024)], "arrivals")
_add("CBP-UAC-USBP-FY2025-11M", "arrivals", period=_FY25)
_add(["CBP-UAC-USBP-FY2025-OCTJAN", "CBP-UAC-USBP-FY2025-FEBAUG"], "arrivals")
for _c in COUNTRIES:
    _add(f"CBP-UAC-CTY-USBP-{_c}-FY2025-11M", "arrivals", _c, period=_FY25)
_add([f"CBP-UAC-OFO-FY{y}" for y in (2016, 2018, 2019, 2020, 2021, 2022, 2023, 2024)],
     "arrivals_ports")  # fmt: skip
_add("CBP-UAC-OFO-FY2017b", "arrivals_ports")
_add("CBP-UAC-OFO-FY2025-11M", "arrivals_ports", period=_FY25)
_add(["CBP-UAC-OFO-FY2018-OCTJAN", "CBP-UAC-OFO-FY2019-OCTJAN"], "arrivals_ports")
_add(["CBP-UAC-OFO-FY2025-OCTJAN", "CBP-UAC-OFO-FY2025-FEBAUG"], "arrivals_ports")
for _c in COUNTRIES:
    for _y in (2015, 2016, 2017, 2018, 2020, 2021, 2022, 2023, 2024, 2025):  # no FY2019 split
        _id = f"CBP-UAC-CTY-OFO-{_c}-FY{_y}" + ("-11M" if _y == 2025 else "")
        if _c != "OTH" or _y >= 2020:  # FY2015-FY2018 publish the four countries only
            _add(_id, "arrivals_ports", _c, period=_FY25 if _y == 2025 else None)
_add([f"CBP-UAC-ALL-FY{y}" for y in (2022, 2023, 2024)], "arrivals+arrivals_ports")
_add("CBP-UAC-ALL-FY2025-11M", "arrivals+arrivals_ports", period=_FY25)
_add(["CBP-UAC-ALL-FY2025-OCTJAN", "CBP-UAC-ALL-FY2025-FEBAUG"], "arrivals+arrivals_ports")
# DHS-wide totals (Border Patrol, ports, ICE): the FY2009-FY2014 port-of-entry assumption's source
_add(["APP-FY2014-DHS", "APP-FY2012-GAO707", "APP-CBP-FY2018"], "arrivals+arrivals_ports")
# (monthly rows are added in monthly_arrival_ids(): the month's fact used by the history)

# --- border: returns of Mexican children, Title 42 expulsions -------------------------------
_add("MXR-2015-UNICEF", "returned_contiguous", "MX", period="2015-01..2015-12")
_add("MXR-2020-21", "returned_contiguous/arrivals", "MX", "share", "2020-11..2021-04")
_add("LEV-DET-05", "expelled_title42", period="2020-03-21..2020-11-18")
_add("LEV-DET-06", "expelled_title42", period="2020-03-21..2020-09-11")

# --- ORR referrals (one preferred row per year; data/README.md prefers the -HHS rows) -------
_add(
    ["ORR-REF-FY2013", "ORR-REF-FY2014", "ORR-REF-FY2015", "ORR-REF-FY2016-official"],
    "orr_referrals",
)
_add(
    ["ORR-REF-FY2019", "ORR-REF-FY2021-HHS", "ORR-REF-FY2022-HHS", "ORR-REF-FY2023-HHS"],
    "orr_referrals",
)
_add("ORR-REF-FY2024", "orr_referrals")
_add(
    ["ORR-REF-M-2014-03", "ORR-REF-M-2014-05", "ORR-REF-M-2021-10", "ORR-REF-M-2021-11"],
    "orr_referrals",
)
_add("ORR-REF-FY2019-Sep16", "orr_referrals", period="2018-10-01..2019-09-16")
_add("ORR-REF-FY2021-6M", "orr_referrals", period="2021-03..2021-08")
_add("REM-T-FY2015", "orr_referrals", period="2014-10..2015-06")
_add(["ORR-REFD-2014-11", "ORR-REFD-2015-11"], "orr_referrals", statistic="mean")
_add("ORR-REFD-2016-11", "orr_referrals", statistic="mean", period="2016-11-01..2016-11-27")

# --- ORR releases, discharges and sponsors --------------------------------------------------
_add(["ORR-REL-FY2014", "ORR-REL-FY2015", "ORR-REL-FY2016", "ORR-DIS-FY2017"], "orr_released")
_add("ORR-REL-FY2017-2M", "orr_released", period="2016-10..2016-11")
_add("ORR-DIS-2021-04-13", "orr_discharges", statistic="mean")
_add("ORR-SPN-FY2014-parent", "orr_released_by_sponsor", "cat1")
_add("ORR-SPN-FY2018-parent", "orr_released_by_sponsor", "cat1", "share", "2017-10..2018-04")
_add("ORR-SPN-FY2022-23-close", "orr_released_by_sponsor", "cat1+cat2", "share", "FY2022..FY2023")

# --- length of care and discharge rate ------------------------------------------------------
_LOS = "orr_length_of_care_days"
_add(["ORR-LOS-FY2015", "ORR-LOS-FY2019"], _LOS, statistic="mean")
_add(
    ["ORR-LOS-2018-06", "ORR-LOS-2018-10", "ORR-LOS-2018-11", "ORR-LOS-2021-03"],
    _LOS,
    statistic="mean",
)
_add("ORR-LOS-2016", _LOS, statistic="mean")
# HHS's spokesman to the Los Angeles Times, 30 May 2018: 51 days at the end of April, 56 days
# then (facts_flows.csv); no parameter cites them: independent tests of the spring-2018 output
_add(["ORR-LOS-2018-04-LAT", "ORR-LOS-2018-05-LAT"], _LOS, statistic="mean")
_add("ORR-LOS-2017", _LOS, statistic="mean", period="2017-10")
_add("ORR-LOS-FY2019H1", _LOS, statistic="mean", period="2018-10..2019-03")
_add("ORR-LOS-2019-07", _LOS, statistic="mean", period="2019-07")
_add("ORR-LOS-2022-12", _LOS, statistic="mean", period="2022-12")
# children released in the month (discharge cohorts), 2024-2025 (facts_recent.csv)
_add(["ORR-LOS-2024-10", "ORR-LOS-2025-01", "ORR-LOS-2025-03"], _LOS, statistic="mean")
# "plateaued at nearly half a year": the months after the July 2025 rule, before the halt
_add("ORR-LOS-2025-ACACIA", _LOS, statistic="mean", period="2025-07..2025-10")
_add("ORR-DIS-2017-08", "orr_discharge_rate", statistic="mean", period="2017-08")
_add("ORR-DIS-2018-08", "orr_discharge_rate", statistic="mean", period="2018-08")

# --- capacity and census --------------------------------------------------------------------
_add("ORR-CAP-2014", "orr_capacity", statistic="max", period="2014-06..2014-08")
_add("ORR-CAP-2018-12", "orr_capacity", statistic="mean", period="2018-12")
_add("ORR-CAP-2019-07", "orr_capacity_standard", statistic="mean", period="2019-07")
_add("BUD-CAP-2021-04-perm", "orr_capacity_standard", statistic="mean", period="2021-04")
_add("BUD-CAP-2022-05", "orr_capacity_standard", statistic="mean", period="2022-05")
_add("BUD-CAP-2021-04-EIS", "orr_influx_open", statistic="mean", period="2021-04")
# the only shelter-census fact in the shipped data inside the window: children who passed
# through the 2014 military-base influx sites (later census counts are withheld from the data)
_add("ORR-CEN-2014-bases", "orr_admissions_influx", period="2014-05..2014-08")
# published counts of children in ORR care, 2017-2023 (facts_census.csv: HHS statements and
# government data quoted by the press, collected for independent validation): no parameter cites
# them or is tuned to them, so they test the census the model builds from flows and stays
_add([
    "ORR-CEN-2017-04-AP", "ORR-CEN-2017-05-NYT", "ORR-CEN-2018-07-06", "ORR-CEN-2018-09-NYT",
    "ORR-CEN-2018-12-13", "ORR-CEN-2018-12-17-AP", "ORR-CEN-2019-07-22", "ORR-CEN-2021-02-18",
    "ORR-CEN-2021-03-11", "ORR-CEN-2022-04-29", "ORR-CEN-2022-12-mid", "ORR-CEN-2023-10-13",
    "ORR-CEN-2018-04-29", "ORR-CEN-2018-05-29",
], "orr_census", statistic="mean")  # fmt: skip

# children in Border Patrol custody, spring 2021 (facts_cbp_custody.csv: internal CBP counts
# quoted by the press): no parameter is chosen from them, so they test the border stage's stock
_add([
    "CBP-CUS-2021-03-02", "CBP-CUS-2021-03-08", "CBP-CUS-2021-03-14", "CBP-CUS-2021-03-28",
    "CBP-CUS-2021-04-06", "CBP-CUS-2021-04-11", "CBP-CUS-2021-04-28",
], "cbp_census", statistic="mean")  # fmt: skip
# children moved from CBP to ORR care in February 2021 (border.transfer_floor is chosen from it)
_add("CBP-TRANS-2021-02", "orr_admissions")

# --- immigration court (metric names of the court stage, issue 4) ---------------------------
_add(["UAC-F2013", "UAC-F2014b", "UAC-F2016"], "court_filings_uac")
_add("UAC-F2014a", "court_filings_uac", period="2013-10..2014-06")
# after the narrowing of EOIR's UAC flag (court.filing.uac_flag_rule): what the records flag
_add("UAC-F2017", "court_filings_uac_flagged", period="2016-10..2017-08")
_add("UAC-P09", "court_filings_uac_flagged", period="2017-10..2018-05")
_add("UAC-M01", "court_filings_uac", statistic="mean", period="2014-06")
_add("UAC-P01", "court_pending_uac", statistic="end")
# TRAC's children's backlog after the surge, as EOIR's records flag it (the flag narrowed in
# January 2017, court.filing.uac_flag_rule), and its make-up by the fiscal year the case began
# (TRAC 482, Table 1): held out of every choice and fit (issue 12)
_add(["UAC-P2016-08", "UAC-P2017-08"], "court_pending_uac_flagged", statistic="end")
for _y in range(2012, 2018):
    _add(f"UAC-P2017-08-FY{_y}", "court_pending_uac_flagged_by_filing_fy", f"FY{_y}", "end")
_add([f"BL-E{i:02d}" for i in range(4, 12)], "court_pending_total", statistic="end")
_add("BL-E12", "court_pending_total", statistic="end", period="2021-03-31")
_add("BL-E13", "court_pending_total", statistic="end", period="2023-03-31")
_add("BL-E14", "court_pending_total", statistic="end")
_add([f"CMP-E{i:02d}" for i in range(4, 12)], "court_receipts_total")
# all completions: the children's cases (agents) plus the rest of the docket (a fluid queue)
_add([f"CMP-F{i:02d}" for i in range(4, 12)], "court_completions_uac+court_completions_other")
_add("OUT-11", "represented_share", statistic="end")
_add("OUT-07", "represented_share", statistic="end")
# EOIR's children's figures of 2014-2016 are its priority-coded UC cases: DHS codes the NTAs of
# recent arrivals (court.filing.priority_code_share) filed from 18 Jul 2014 (PD-01); the same
# series runs on from the 26 May 2015 table (UAC-R01..R03, P04) to EOIR's later figures (R06-R10,
# OUT-19). They are compared with the coded cases only; TRAC's juvenile counts (UAC-F*, M01, P01)
# with every child's case.
_PD = "2014-07-18..2015-05-26"
_add("UAC-R01", "court_filings_priority", period=_PD)
_add("UAC-R02", "court_completions_priority", period=_PD)
_add("UAC-P04", "court_pending_priority", statistic="end", period="2015-05-26")
_add("UAC-R03", "removal_ordered_priority", period=_PD)
_add("UAC-R06", "court_filings_priority", period="2014-07-01..2016-01-26")
_add("UAC-R07", "court_completions_priority", period="2014-07-01..2016-01-26")
_add("UAC-R08", "removal_ordered_priority", period="2014-07-01..2016-01-26")
_add(
    "OUT-19",
    "removal_in_absentia_priority/removal_ordered_priority",
    statistic="share",
    period="2014-07-01..2016-01-26",
)
_add("UAC-R09", "court_filings_priority", period="2014-07..2016-04")
_add("UAC-R10", "court_completions_priority", period="2014-07..2016-04")
_add("REM-01", "removals_executed", "SV+GT+HN")
_add("REM-02", "removals_executed", "SV+GT+HN", period="2014-10-01..2015-05-09")
_add("REM-03", "removals_executed", period="2011-10-01..2015-06-30")
_add(["REM-FY2018-DERIVED", "REM-04"], "removals_executed")

# --- costs (appropriations and spending rates of ORR's program) -----------------------------
_add(["BUD-FY2014", "COST-19", "BUD-FY2016"], "cost_orr")
_add("BUD-WEEK-2021-04", "cost_orr", statistic="mean")

# Rows of the facts that are comparable in principle but are not used, and why.
NOT_USED = {
    "APP-FY2014-GAO707 / ORR-REF-FY2021b / APP-CBPALL-FY2022": "'more than 73,000' is a bound; 147,000 children 'at the border' mixes scopes; APP-CBPALL-FY2022 duplicates CBP-UAC-ALL-FY2022",
    "APP-OFO-FY2017 / APP-OFO-FY2022..FY2024": "duplicates of the CBP-UAC-OFO-* rows (same source, same value)",
    "CBP-UAC-OFO-FY2015-LB": "a lower bound (the four countries; 'other' was not published before FY2020)",
    "ORR-REF-FY2014proj": "a projection, not an outcome",
    "ORR-REF-FY2016 / ORR-REF-FY2016b / ORR-REF-FY2021 / ORR-REF-FY2022 / ORR-REF-FY2022-CBS / ORR-REF-FY2023": "duplicates of the preferred (official, -HHS) row for the same year",
    "ORR-REL-FY2014b": "alternative to ORR-REL-FY2014 (53,515 vs 53,550)",
    "ORR-LOS-2014 / APP-FY2023-LB / CTY-MX-FY2019": "a bound ('<35', '>130000', '>10400'), not a value",
    "ORR-LOS-2014-bases": "length of stay at influx sites only; the model reports length of care for all beds",
    "ORR-LOS-2020-summer": "time already spent by children still in care, not length of care at discharge",
    "ORR-LOS-pre2025 / ORR-LOS-2025-ILRC / ORR-LOS-2025-ACACIA-BASE": "a range ('27-33'), a ratio without its base, or a baseline restated by ORR-LOS-2025-01",
    "ORR-CAP-2015-11 / ORR-CAP-2018-09": "two numbers in one value ('7900 -> 8400', '14000 total; ~1100 ...')",
    "ORR-SPN-FY2014-relative / ORR-SPN-FY2014-nonrel-derived": "relatives and non-relatives straddle sponsor categories 2 and 3",
    "UAC-F2014c": "alternative TRAC pull for FY2014 (59,394 vs 56,691 in UAC-F2014b)",
    "UAC-R04": "several numbers in one value (VD, terminated and relief)",
    "UAC-R05": "administrative closures only: the model counts closures with terminations",
    "OUT-20 / ABS-FY2017-2021": "in absentia orders under EOIR's narrowed UAC flag (the model flags filings only)",
    "BL-T* / BL-G* / CMP-04..07 / CMP-T*": "TRAC, GAO and older EOIR releases: data/README.md says use the EOIR table only",
    "OUT-02..06, OUT-08, OUT-13": "cohort outcome shares by representation: need per-case records (issue 4's checks)",
    "IJ-*, COST-01..16, DEM-*, ORR-COST-*": "inputs of parameters (judges, unit costs, demographics), not outputs",
    "W14-*, SEC-*": "Rio Grande Valley sector figures; the model has no sectors",
}


def monthly_arrival_ids(first: str = "2012-10", last: str = "2025-08") -> dict[str, str]:
    """For each month of the window, the Border Patrol monthly fact of the shipped history (for
    months taken from the CBP tables, the month's fact listed beside the table)."""
    hist = pd.read_csv(DATA / "history" / "arrivals_monthly.csv", dtype=str)
    usbp = hist[hist["component"] == "USBP"].drop_duplicates("month")
    out = {}
    for month, ids in usbp[["month", "source_ids"]].itertuples(index=False):
        fid = ids.split(";")[0]
        if fid.startswith("table:"):  # the next id is the month's fact, if one exists
            fid = ids.split(";")[1]
            if not fid.startswith("M"):
                continue
        if first <= month <= last and not fid.startswith("M14-OctDec"):
            out[fid] = month
    return out


def build() -> pd.DataFrame:
    facts = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in FACTS])
    facts = facts.set_index("id", drop=False)
    selected = dict(SELECTED)
    for fid, month in monthly_arrival_ids().items():
        selected.setdefault(fid, ("arrivals", "all", "sum", month))
    rows = []
    for fid, (metric, group, statistic, period) in selected.items():
        if fid not in facts.index:
            raise SystemExit(f"backtest_facts: fact id {fid} is not in the shipped facts")
        row = facts.loc[fid].to_dict()
        if period is not None and period != row["period"]:
            note = f"published period: {row['period']}"
            row["notes"] = f"{note}; {row['notes']}" if row["notes"] else note
            row["period"] = period
        if fid in FIRST_NUMBER:
            first = row["value"].split()[0]
            note = f"published value: {row['value']}; compared: {first}"
            row["notes"] = f"{note}; {row['notes']}" if row["notes"] else note
            row["value"] = first
        row.update(metric=metric, group=group, statistic=statistic)
        rows.append(row)
    rows.extend(hhs_daily.fact_rows(HHS_DAILY_SAMPLE))
    return pd.DataFrame(rows, columns=COLUMNS)


def main(argv: list[str] | None = None) -> int:
    out = Path(argv[0]) if argv else OUT
    df = build()
    df.to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    print(f"{len(df)} facts -> {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
