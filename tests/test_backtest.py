"""Backtest: the facts file, its validation, the statistics, and a small end-to-end run."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor.analysis import backtest_facts, hhs_daily
from corridor.analysis.backtest import (
    DEFAULT_FACTS,
    STATISTICS,
    NotComparable,
    Probe,
    Series,
    evaluate,
    parse_period,
    parse_unit,
    read_facts,
    run_backtest,
)
from corridor.cli import app
from corridor.errors import CorridorError
from corridor.simulation import Simulation

runner = CliRunner()
SHIPPED = Path(backtest_facts.__file__).resolve().parent.parent / "data" / "facts"


# --- the shipped facts file ------------------------------------------------------------------
def test_shipped_facts_are_valid_and_copied_verbatim():
    """Every row reads; its value, unit, period source and quote are those of the shipped fact,
    or, for HHS-* rows, what the shipped HHS daily table gives (the backtest compares with
    published figures, never with numbers typed in by hand)."""
    facts = read_facts([DEFAULT_FACTS])
    assert len(facts) > 200
    src = pd.concat(
        [pd.read_csv(f, dtype=str, keep_default_na=False) for f in SHIPPED.glob("*.csv")]
    )
    src = src.set_index("id")
    ours = pd.read_csv(DEFAULT_FACTS, dtype=str, keep_default_na=False).set_index("id")
    daily = pd.DataFrame(hhs_daily.fact_rows(backtest_facts.HHS_DAILY_SAMPLE)).set_index("id")
    assert set(daily.index) <= set(ours.index)
    for fid, row in ours.loc[daily.index].iterrows():
        assert row.to_dict() == daily.loc[fid].to_dict(), fid
    for fid, row in ours.drop(daily.index).iterrows():
        notes = row["notes"]
        if row["value"] != src.loc[fid, "value"]:  # a total taken from a value with several
            published = src.loc[fid, "value"]
            assert row["value"] == published.split()[0], fid
            assert notes.startswith(f"published value: {published}; compared: {row['value']}; ")
            notes = notes.split("; ", 2)[2]
        for col in ("unit", "quote", "source_url", "confidence", "quantity"):
            assert row[col] == src.loc[fid, col], (fid, col)
        if row["period"] != src.loc[fid, "period"]:  # a rewritten period keeps the published one
            assert notes.startswith(f"published period: {src.loc[fid, 'period']}"), fid
    assert {f.statistic for f in facts} <= set(STATISTICS)


def test_shipped_facts_file_is_up_to_date(tmp_path):
    """data/backtest_facts.csv is what corridor.analysis.backtest_facts builds."""
    out = tmp_path / "rebuilt.csv"
    backtest_facts.main([str(out)])
    assert out.read_text() == DEFAULT_FACTS.read_text()


def test_annual_rows_cover_the_named_series():
    facts = read_facts([DEFAULT_FACTS])
    annual = {(f.metric, f.period) for f in facts if re.fullmatch(r"FY\d{4}", f.period)}
    for metric in ("arrivals", "orr_referrals", "court_filings_uac", "court_pending_total"):
        assert any(m == metric for m, _ in annual), metric


# --- periods and units -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, first, last",
    [
        ("FY2014", "2013-10-01", "2014-09-30"),
        ("2015", "2015-01-01", "2015-12-31"),
        ("2014-02", "2014-02-01", "2014-02-28"),
        ("2014-06-30", "2014-06-30", "2014-06-30"),
        ("2014-07..2016-01-26", "2014-07-01", "2016-01-26"),
        ("FY2022..FY2023", "2021-10-01", "2023-09-30"),
    ],
)
def test_periods(text, first, last):
    assert parse_period(text) == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))


@pytest.mark.parametrize("text", ["", "summer 2014", "2014-13", "FY2015..FY2014", "2014-02-30"])
def test_bad_periods(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_units():
    assert parse_unit("children (more than)").kind == "count"
    assert parse_unit("percent").scale == pytest.approx(0.01)
    u = parse_unit("USD per week")
    assert (u.kind, u.per) == ("money", "week")
    assert parse_unit("percent per day").per == "day"
    for bad in ("furlongs", "children per fortnight", "children/day/year"):
        with pytest.raises(ValueError):
            parse_unit(bad)


# --- statistics on a known series ------------------------------------------------------------
def _series():
    flow = np.array([[1.0, 2, 3, 4], [10, 20, 30, 40], [11, 22, 33, 44]])  # SV, GT, all
    stock = np.array([[5.0, 6, 7, 8], [1, 1, 1, 1], [6, 7, 8, 9]])
    avg = np.array([[30.0, np.nan, 50, 60]])
    w = np.array([[1.0, 0, 1, 2]])
    g = ("SV", "GT", "all")
    return {
        "f": Series("flow", g, flow),
        "s": Series("stock", g, stock),
        "a": Series("average", ("all",), avg, w),
    }


@pytest.mark.parametrize(
    "metric, group, stat, expected",
    [
        ("f", "all", "sum", 110.0),
        ("f", "SV+GT", "sum", 110.0),
        ("f", "SV", "mean", 2.5),
        ("f", "GT", "share", 100 / 110),
        ("s", "all", "end", 9.0),
        ("s", "SV", "max", 8.0),
        ("s", "all", "mean", 7.5),
        ("a", "all", "mean", (30 + 50 + 120) / 4),
        ("f/s", "all", "share", 110 / 7.5),
        ("f+f", "SV", "sum", 20.0),
    ],
)
def test_statistics(metric, group, stat, expected):
    v = evaluate(_series(), Probe(metric, group, stat, 0, 3))
    assert v == pytest.approx(expected)


@pytest.mark.parametrize(
    "metric, group, stat",
    [("nope", "all", "sum"), ("f", "XX", "sum"), ("s", "all", "sum"), ("a", "all", "sum")],
)
def test_not_comparable(metric, group, stat):
    with pytest.raises(NotComparable):
        evaluate(_series(), Probe(metric, group, stat, 0, 3))


# --- malformed facts files: one line naming file, row and field; nothing written --------------
HEADER = (
    "id,quantity,geography_or_group,period,value,unit,source_url,source_date,quote,confidence,"
    "notes,metric,group,statistic"
)
GOOD = [
    "T-1,test arrivals,all,FY2014,68541,children,http://x,2020,q,high,,arrivals,all,sum",
    "T-2,test referrals,all,2014-03,5527,children,http://x,2020,q,high,,orr_referrals,all,sum",
    "T-3,test pending,all,2014-06-30,41641,cases,http://x,2020,q,high,,court_pending_uac,all,end",
]


def facts_file(tmp_path: Path, lines: list[str], name: str = "facts.csv") -> Path:
    f = tmp_path / name
    f.write_text(HEADER + "\n" + "\n".join(lines) + "\n")
    return f


BAD = {
    "value not a number": ("68541,children", "many,children", 2, "value"),
    "unknown unit": ("68541,children", "68541,furlongs", 2, "unit"),
    "missing period": (",FY2014,", ",,", 2, "period"),
    "unknown statistic": ("arrivals,all,sum", "arrivals,all,median", 2, "statistic"),
    "unit does not fit statistic": (
        "5527,children,http://x,2020,q,high,,orr_referrals,all,sum",
        "5527,percent,http://x,2020,q,high,,orr_referrals,all,sum",
        3,
        "unit",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_row_is_one_line_naming_file_row_and_field(tmp_path, case):
    old, new, row, field = BAD[case]
    lines = list(GOOD)
    i = row - 2
    assert old in lines[i], case
    lines[i] = lines[i].replace(old, new, 1)
    f = facts_file(tmp_path, lines, "bad.csv")
    out = tmp_path / "out"
    res = runner.invoke(app, ["backtest", "--facts", str(f), "--draws", "1", "--out", str(out)])
    assert res.exit_code == 2, res.output
    text = res.output.strip()
    assert len(text.splitlines()) == 1, text
    assert "Traceback" not in text
    assert str(f) in text and f"row {row}" in text and f"{field}:" in text, text
    assert not out.exists()
    assert not list(tmp_path.glob(".out.partial-*"))


def test_read_facts_rejects_duplicate_ids(tmp_path):
    a = facts_file(tmp_path, GOOD, "a.csv")
    b = facts_file(tmp_path, GOOD[:1], "b.csv")
    with pytest.raises(CorridorError, match=r"b\.csv: row 2: id: 'T-1' repeats"):
        read_facts([a, b])


# --- a small end-to-end backtest -------------------------------------------------------------
@pytest.fixture(scope="module")
def small(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bt")
    lines = [
        *GOOD,
        "T-4,test releases,all,FY2015,27840,children,http://x,2020,q,high,,orr_released,all,sum",
        "T-5,test LOS,all,FY2015,34,days,http://x,2020,q,high,,orr_length_of_care_days,all,mean",
        "T-6,test MX,Mexico,FY2014,15634,children,http://x,2020,q,high,,arrivals,MX,sum",
        "T-7,test outside,all,FY2019,69550,children,http://x,2020,q,high,,orr_referrals,all,sum",
        "T-8,test census,all,2014-06,8000,children,http://x,2020,q,high,,orr_census,all,mean",
    ]
    f = facts_file(tmp, lines)
    out = tmp / "out"
    args = ["backtest", "--facts", str(f), "--draws", "3", "--start", "2013-10-01",
            "--end", "2015-09-30", "--jobs", "2", "--out", str(out)]  # fmt: skip
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return f, out, res.output


def test_backtest_writes_its_files(small):
    _, out, text = small
    for name in (
        "backtest.csv",
        "summary.csv",
        "metrics.csv",
        "report.html",
        "run.json",
        "headline.json",
    ):
        assert (out / name).is_file(), name
    assert not (out / "charts").exists()
    html = (out / "report.html").read_text()
    assert "<svg" in html and 'href="data:text/csv' in html and "http" not in html.split("<body>")[0]
    assert "<img" not in html
    assert "Annual series" in text


def test_backtest_table(small):
    _, out, _ = small
    b = pd.read_csv(out / "backtest.csv").set_index("id")
    for col in ("metric", "period", "observed", "simulated_median", "simulated_p10",
                "simulated_p90", "relative_error", "in_band"):  # fmt: skip
        assert col in b.columns
    # arrivals are given to the model: reproduced exactly, and marked as not independent
    assert b.loc["T-1", "simulated_median"] == 68541 and b.loc["T-1", "relative_error"] == 0
    assert b.loc["T-6", "simulated_median"] == 15634
    assert b.loc["T-7", "status"].startswith("outside window")
    if "court_pending_uac" not in b.loc["T-3", "status"]:
        assert b.loc["T-3", "status"] == "compared"
    else:
        assert b.loc["T-3", "status"].startswith("not modelled")
    c = b[b["status"] == "compared"]
    assert (c["simulated_p10"] <= c["simulated_median"] + 1e-9).all()
    assert (c["simulated_median"] <= c["simulated_p90"] + 1e-9).all()


def test_census_facts_carry_the_fluid_reference(small):
    """Each census fact is also scored with the one-line fluid model on the same draws."""
    _, out, text = small
    b = pd.read_csv(out / "backtest.csv").set_index("id")
    assert np.isfinite(b.loc["T-8", "fluid_reference"]) and b.loc["T-8", "fluid_reference"] > 0
    assert b.loc["T-8", "fluid_reference"] != b.loc["T-8", "simulated_median"]
    assert b.drop(index="T-8")["fluid_reference"].isna().all()
    assert "one-line fluid model" in text
    assert "closer than the fluid model on" in text


def test_census_vs_fluid_counts_the_facts_the_model_wins():
    """The headline counts the census facts on which the model is strictly closer than the
    fluid model and names the others (a tie is not a win): the issue's test, fact by fact."""
    from corridor.analysis.backtest import _census_vs_fluid

    t = pd.DataFrame({
        "id": ["A", "B", "C", "D", "E"],
        "metric": ["orr_census"] * 4 + ["orr_released"],
        "status": ["compared", "compared", "compared", "outside window", "compared"],
        "relative_error": [-0.05, 0.10, -0.20, 0.0, 0.0],
        "fluid_relative_error": [0.20, -0.10, 0.15, 0.5, np.nan],
    })  # fmt: skip
    h = _census_vs_fluid(t)
    assert h["compared"] == 3 and h["model_closer"] == 1
    assert h["fluid_closer"] == ["B", "C"]  # B ties, C is the fluid's
    assert h["model"] == pytest.approx(0.10) and h["fluid"] == pytest.approx(0.15)


def test_backtest_values_are_the_model_outputs(small):
    """The simulated values are the model's own fiscal-year outputs (not the observed value)."""
    f, _, _ = small
    bt = run_backtest([f], draws=3, start="2013-10-01", end="2015-09-30", jobs=1)
    fy = Simulation("baseline", "2013-10-01", "2015-09-30", seed=1, draws=3).run().fiscal_years
    t = bt.table.set_index("id")
    for fid, metric, year in (("T-4", "orr_released", 2015), ("T-1", "arrivals", 2014)):
        v = fy[(fy.metric == metric) & (fy.group == "all") & (fy.fiscal_year == year)]["value"]
        assert t.loc[fid, "simulated_median"] == pytest.approx(np.median(v))
    los = fy[
        (fy.metric == "orr_length_of_care_days") & (fy.group == "all") & (fy.fiscal_year == 2015)
    ]
    assert t.loc["T-5", "simulated_median"] == pytest.approx(np.median(los["value"]))


def test_backtest_does_not_depend_on_worker_count(small):
    f, out, _ = small
    bt = run_backtest([f], draws=3, start="2013-10-01", end="2015-09-30", jobs=1)
    b = pd.read_csv(out / "backtest.csv")
    a = bt.table.set_index("id")["simulated_median"]
    assert np.allclose(a.to_numpy(float), b.set_index("id")["simulated_median"].to_numpy(float),
                       equal_nan=True)  # fmt: skip


def test_backlog_by_filing_year_counts_each_flagged_case_in_its_fiscal_year():
    """TRAC's Table 1 (report 482) splits the backlog by the fiscal year the case began: each
    flagged case counts in its filing year's group from its filing day until its decision."""
    from types import SimpleNamespace

    from corridor.analysis.backtest import _by_filing_year

    origin = dt.date(2014, 9, 1)  # FY2014's last month
    n_days = 500
    day = {s: (dt.date.fromisoformat(s) - origin).days for s in ("2014-09-10", "2014-10-02")}
    c = SimpleNamespace(
        t_file=np.array([day["2014-09-10"] + 0.5, day["2014-10-02"] + 0.2, 40.0, np.inf]),
        t_decision=np.array([np.inf, 100.7, np.inf, np.inf]),
        uac_flagged=np.array([True, True, False, True]),  # the third is not flagged
    )
    s = _by_filing_year(c, n_days, origin)["court_pending_uac_flagged_by_filing_fy"]
    assert s.groups == ("FY2014", "FY2015", "FY2016", "all")
    v = dict(zip(s.groups, s.values, strict=True))
    assert v["FY2014"][day["2014-09-10"] - 1] == 0 and v["FY2014"][day["2014-09-10"]] == 1
    assert v["FY2014"][-1] == 1  # never decided: pending to the end, still in its own year
    assert v["FY2015"][day["2014-10-02"]] == 1 and v["FY2015"][99] == 1
    assert v["FY2015"][100] == 0  # decided on day 100 (end-of-day stock, as Tally.stock)
    assert not v["FY2016"].any()
    np.testing.assert_array_equal(v["all"], v["FY2014"] + v["FY2015"] + v["FY2016"])
