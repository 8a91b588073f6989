"""Resource metrics (beds needed, legal-aid attorneys in use, judge-years on the children's
docket) and dated peaks, each checked against an independent count from the records or the
daily table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from corridor import Simulation
from corridor.outputs.resources import trailing_year_rate


@pytest.fixture(scope="module")
def run_2014():
    return Simulation("baseline", "2013-10-01", "2015-09-30", seed=3).run()


def _daily(result, metric, group="all"):
    d = result.daily
    s = d[(d.metric == metric) & (d.group == group)]
    return pd.Series(s["value"].to_numpy(), index=pd.DatetimeIndex(s["date"]))


def test_beds_needed_counts_every_referred_child_until_care_ends(run_2014):
    rec = run_2014.records()
    # a placed child needs a bed from referral to the end of care; one who turns 18 while
    # waiting needs one from referral until it leaves CBP for ICE
    placed = rec["orr_start"].notna()
    end = rec["orr_exit"].where(placed, rec["left_cbp"])
    beds = _daily(run_2014, "beds_needed")
    for day in ("2014-01-15", "2014-06-30", "2014-07-20", "2015-03-01"):
        at = pd.Timestamp(day) + pd.Timedelta(days=1)  # end of the day
        n = ((rec["referred"] < at) & ~(end < at)).sum()
        assert beds[day] == n
    census = _daily(run_2014, "orr_census")
    assert (beds >= census).all() and (beds > census).any()


def test_attorneys_in_use_are_a_years_intake_over_the_caseload(run_2014):
    intake = _daily(run_2014, "counsel_legal_aid")
    in_use = _daily(run_2014, "legal_aid_attorneys_in_use")
    per = run_2014.params["court.counsel.cases_per_attorney_year"]
    # the window starts years after the simulated period does, so a full year of intake is in
    # the window from its 365th day
    day = pd.Timestamp("2015-06-30")
    year = intake[day - pd.Timedelta(days=364) : day].sum()
    assert in_use[day] == pytest.approx(year * 365.25 / 365 / per.at(day.date()))
    assert in_use.max() > 0


def test_trailing_year_rate_scales_the_first_year():
    flow = np.ones(800)
    rate = trailing_year_rate(flow)
    assert rate[0] == pytest.approx(365.25) and rate[-1] == pytest.approx(365.25)
    flow[:400] = 0
    assert trailing_year_rate(flow)[399] == 0 and trailing_year_rate(flow)[-1] > 0


def test_judge_years_sum_the_judges_on_the_childrens_docket(run_2014):
    fy = run_2014.fiscal_years
    jy = fy[(fy.metric == "court_judge_years_uac") & (fy.fiscal_year == 2015)]["value"].item()
    judges = _daily(run_2014, "court_juvenile_judges")["2014-10-01":"2015-09-30"]
    assert jy == pytest.approx(judges.sum() / 365.25)
    assert 1 < jy < judges.max()


def test_fiscal_year_peaks_and_their_dates(run_2014):
    fy = run_2014.fiscal_years
    for metric in ("orr_census", "beds_needed", "court_pending_uac"):
        s = _daily(run_2014, metric)
        for year, (a, b) in {2014: ("2013-10-01", "2014-09-30"),
                             2015: ("2014-10-01", "2015-09-30")}.items():  # fmt: skip
            row = fy[(fy.metric == metric) & (fy.group == "all") & (fy.fiscal_year == year)
                     & (fy.statistic == "peak")]  # fmt: skip
            part = s[a:b]
            assert row["value"].item() == part.max()
            assert row["peak_date"].item() == str(part.idxmax().date())  # the first such day
    flows = fy[fy.statistic == "sum"]
    assert (flows["peak_date"] == "").all()


def test_window_peaks(run_2014):
    p = run_2014.peaks
    row = p[(p.metric == "orr_census") & (p.group == "HN")]
    s = _daily(run_2014, "orr_census", "HN")
    assert row["peak"].item() == s.max() and row["peak_date"].item() == str(s.idxmax().date())
    assert set(p.metric) >= {"beds_needed", "legal_aid_attorneys_in_use", "cbp_census"}
    assert "arrivals" not in set(p.metric)  # flows have no peak
