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
