"""The shipped history tables agree with the shipped facts they were built from."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from corridor.parameters.tree import FACTS_DIR, known_fact_ids

TABLES = Path(FACTS_DIR).parent / "tables"


def _facts() -> pd.Series:
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in FACTS_DIR.glob("*.csv")]
    facts = pd.concat(frames)
    return facts.set_index(facts["id"].str.strip())["value"]


def _cbp_tables() -> pd.DataFrame:
    t = pd.concat([pd.read_csv(f) for f in sorted(TABLES.glob("cbp_uac_monthly_*.csv"))])
    t["fy"] = t["month"].str[:4].astype(int) + (t["month"].str[5:7].astype(int) >= 10)
    return t


def test_recent_facts_are_shipped_and_known():
    ids = known_fact_ids()
    for fid in ("CBP-UAC-OFO-FY2024", "CBP-UAC-USBP-FY2025-11M", "ORR-LOS-2025-03"):
        assert fid in ids


@pytest.mark.parametrize(
    "component,fy,fact",
    [
        ("USBP", 2018, "APP-FY2018"),
        ("USBP", 2021, "APP-FY2021"),
        ("USBP", 2024, "CBP-UAC-USBP-FY2024"),
        ("USBP", 2025, "CBP-UAC-USBP-FY2025-11M"),
        ("OFO", 2018, "CBP-UAC-OFO-FY2018"),
        ("OFO", 2020, "CBP-UAC-OFO-FY2020"),
        ("OFO", 2024, "CBP-UAC-OFO-FY2024"),
        ("OFO", 2025, "CBP-UAC-OFO-FY2025-11M"),
    ],
)
def test_cbp_tables_sum_to_the_annual_facts(component, fy, fact):
    t = _cbp_tables()
    got = t[(t["component"] == component) & (t["fy"] == fy)]["children"].sum()
    assert got == int(_facts()[fact])


# --- the history table and the arrivals stage ------------------------------------------------
def _history() -> pd.DataFrame:
    from corridor.stages.arrivals import history_monthly

    h = history_monthly()
    h["fy"] = [m.year + (m.month >= 10) for m in h["month"]]
    return h


def test_history_has_both_components_to_august_2025():
    from corridor.stages.arrivals import history_end

    h = _history()
    assert history_end().isoformat() == "2025-08-31"
    usbp = h[h["component"] == "USBP"].groupby("fy")["children"].sum()
    ofo = h[h["component"] == "OFO"].groupby("fy")["children"].sum()
    facts = _facts()
    assert usbp[2014] == int(facts["APP-FY2014"])  # the Border Patrol series is unchanged
    assert usbp[2025] == int(facts["CBP-UAC-USBP-FY2025-11M"])
    assert ofo[2016] == int(facts["CBP-UAC-OFO-FY2016"])
    assert ofo[2025] == int(facts["CBP-UAC-OFO-FY2025-11M"])
    assert min(ofo.index) == 2015  # earlier port-of-entry years are a parameter
    by_country = h[(h["component"] == "USBP") & (h["fy"] == 2025)].groupby("country")["children"]
    for c, n in by_country.sum().items():
        assert n == int(facts[f"CBP-UAC-CTY-USBP-{c}-FY2025-11M"]), c


def test_assumed_port_years_keep_the_parameters_annual_counts():
    import datetime as dt

    from corridor.parameters.tree import load_parameters
    from corridor.stages.arrivals import assumed_ports_monthly

    params = load_parameters()
    t = assumed_ports_monthly(params, dt.date(2008, 10, 1), dt.date(2014, 10, 1))
    assert set(t["component"]) == {"OFO"} and len(t) == 6 * 12 * 5
    t["fy"] = [m.year + (m.month >= 10) for m in t["month"]]
    annual = params["origin.ports.assumed_annual_children"]
    for (fy, c), n in t.groupby(["fy", "country"])["children"].sum().items():
        assert n == round(annual.group(dt.date(fy - 1, 10, 1), c)), (fy, c)
    # spread by the seasonal profile: March above January in every year and country
    mar = t[[m.month == 3 for m in t["month"]]]["children"].sum()
    jan = t[[m.month == 1 for m in t["month"]]]["children"].sum()
    assert mar > 1.3 * jan


def test_projection_starts_from_the_months_since_the_2025_regime_change():
    """The projection's base is February-August 2025 (the months after the January 2025 change
    in border policy, origin/projection/base_months), with the season taken out; if the shipped
    history is extended, base_months must be counted again and this test says so."""
    import datetime as dt

    import numpy as np

    from corridor.parameters.tree import load_parameters
    from corridor.stages.arrivals import (
        base_months,
        history_end,
        history_monthly,
        projected_monthly,
        projection_base,
        seasonal_index,
    )

    hist = history_monthly()
    params = load_parameters()
    n = base_months(params, history_end())
    since = sorted(m for m in hist["month"].unique() if m >= dt.date(2025, 2, 1))
    assert n == len(since) == 7, "base_months must be the months since February 2025"
    base = projection_base(hist, n)
    season = seasonal_index()
    weight = sum(season[m.month - 1] for m in since)
    recent = hist[hist["month"].isin(since)]
    assert base.sum() * weight == pytest.approx(recent["children"].sum())
    assert base[("OFO", "OTH")] * weight == pytest.approx(
        recent[(recent.component == "OFO") & (recent.country == "OTH")]["children"].sum()
    )
    # twelve months are a full seasonal cycle: the base is their plain mean
    last12 = hist[hist["month"] >= dt.date(2024, 9, 1)]
    assert projection_base(hist, 12).sum() * 12 == pytest.approx(last12["children"].sum())
    # the twelve-month level is the top of the level's range (about 4 x at the Border Patrol)
    ratio = projection_base(hist, 12)["USBP"].sum() / base["USBP"].sum()
    high = params["origin.projection.level"].spec.assumption.high
    assert 3.5 < ratio < 4.5 and high == pytest.approx(round(ratio, 1), abs=0.05)
    rng = np.random.default_rng(0)
    proj = projected_monthly(params, base, dt.date(2025, 9, 1), dt.date(2045, 8, 31), rng)
    # 20 years of Poisson months at the stated level (1): the mean year is the base's year
    per_year = proj.groupby("component")["children"].sum() / 20
    for comp in ("USBP", "OFO"):
        want = base[comp].sum() * 12
        assert abs(per_year[comp] - want) < 5 * np.sqrt(want / 20), comp
