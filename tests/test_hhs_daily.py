"""HHS's daily file read as census and discharge facts (analysis/hhs_daily.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.analysis import hhs_daily
from corridor.analysis.backtest import read_facts
from corridor.errors import CorridorError

SAMPLE = Path(hhs_daily.__file__).resolve().parent.parent / "data" / "tables"
SAMPLE = SAMPLE / "hhs_uc_daily_sample.csv"
HEADER = (
    "Date,Children apprehended and placed in CBP custody*,Children in CBP custody,"
    "Children transferred out of CBP custody,Children in HHS Care,Children discharged from HHS Care"
)


def test_sample_months_are_the_means_of_their_reporting_days():
    rows = {r["id"]: r for r in hhs_daily.fact_rows(SAMPLE)}
    april = rows["HHS-CEN-2021-04"]
    assert april["period"] == "2021-04-01..2021-04-29"  # the month's first to last reporting day
    daily = hhs_daily.read_daily(SAMPLE)["Children in HHS Care"]
    assert float(april["value"]) == pytest.approx(daily["2021-04"].mean(), abs=0.05)
    assert rows["HHS-CEN-2021-03"]["period"] == "2021-03-23..2021-03-31"
    assert "HHS-CBP-2021-03" not in rows  # the CBP columns are empty before 2024


def test_a_january_row_with_last_years_date_is_read_as_the_next_year(tmp_path):
    f = tmp_path / "daily.csv"
    f.write_text(
        HEADER + "\nDecember 30 2023,10,20,5,9000,300\nJanuary 02 2023,12,22,6,9100,310\n"
        "January 03 2024,11,21,7,9200,320\n"
    )
    d = hhs_daily.read_daily(f)
    assert [x.isoformat() for x in d.index.date] == ["2023-12-30", "2024-01-02", "2024-01-03"]
    ids = {r["id"] for r in hhs_daily.fact_rows(f)}
    assert {"HHS-CEN-2024-01", "HHS-CBP-2024-01", "HHS-DIS-2023-12"} <= ids


@pytest.mark.parametrize(
    ("row", "field"),
    [("13/03/2021,,,,100,2", "Date"), ("March 23 2021,,,,many,2", "Children in HHS Care"),
     ("March 23 2021,,,,100,-3", "Children discharged from HHS Care")],
)  # fmt: skip
def test_bad_rows_are_named(tmp_path, row, field):
    f = tmp_path / "daily.csv"
    f.write_text(HEADER + "\n" + row + "\n")
    with pytest.raises(CorridorError) as e:
        read_facts([f])
    assert "row 2" in str(e.value) and field in str(e.value)


def test_the_backtest_reads_the_daily_file_as_facts():
    facts = {f.id: f for f in read_facts([SAMPLE])}
    cen = facts["HHS-CEN-2021-05"]
    assert (cen.metric, cen.statistic, cen.start.isoformat()) == (
        "orr_census",
        "mean",
        "2021-05-02",
    )
    dis = facts["HHS-DIS-2021-05"]
    assert dis.metric == "orr_discharges" and dis.observed == pytest.approx(dis.value)  # per day
