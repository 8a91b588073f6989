"""--arrivals FILE replaces only the months and countries the file has; --arrivals-mode replace
uses the file alone; compare and backtest take the same options."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor import Simulation
from corridor.cli import app
from corridor.errors import CorridorError

runner = CliRunner()
START, END = "2013-10-01", "2015-09-30"


@pytest.fixture(scope="module")
def one_month(tmp_path_factory):
    f = tmp_path_factory.mktemp("arr") / "one.csv"
    f.write_text("month,country,children\n2015-03,HN,5000\n")
    return f


@pytest.fixture(scope="module")
def runs(one_month):
    base = Simulation("baseline", START, END, seed=1).run()
    merged = Simulation("baseline", START, END, seed=1, arrivals_file=one_month)
    return base, merged, merged.run()


def _series(result, metric, group):
    d = result.daily
    s = d[(d.metric == metric) & (d.group == group)]
    return pd.Series(s["value"].to_numpy(), index=pd.DatetimeIndex(s["date"]))


def test_only_the_files_month_and_country_change(runs):
    base, _, merged = runs
    b, m = _series(base, "arrivals", "HN"), _series(merged, "arrivals", "HN")
    assert m["2015-03"].sum() == 5000 and b["2015-03"].sum() != 5000

    def monthly(s):
        return s.groupby(s.index.to_period("M")).sum()

    for g in ("SV", "GT", "MX", "OTH"):  # the other countries keep that month's history
        assert monthly(_series(base, "arrivals", g)).equals(monthly(_series(merged, "arrivals", g)))
    assert monthly(b).drop(pd.Period("2015-03")).equals(monthly(m).drop(pd.Period("2015-03")))
    # every child apprehended before the replaced month keeps its day (its random numbers); the
    # days within later months are drawn again, their monthly counts are kept
    assert np.array_equal(b[:"2015-02"], m[:"2015-02"])
    # nothing before the replaced month moves, in any stage (the same random numbers)
    for metric in ("orr_census", "court_pending_uac", "cost_total"):
        assert np.array_equal(_series(base, metric, "all")[:"2015-02"],
                              _series(merged, metric, "all")[:"2015-02"])  # fmt: skip


def test_the_run_says_which_months_it_replaced(runs, one_month):
    _, sim, merged = runs
    assert "replaced 2015-03 (HN)" in sim.arrivals_note
    assert merged.meta["arrivals_note"] == sim.arrivals_note
    assert sim.clock.origin == dt.date(2008, 10, 1)


def test_replace_mode_uses_the_file_alone(one_month):
    sim = Simulation("baseline", START, END, seed=1, arrivals_file=one_month,
                     arrivals_mode="replace")  # fmt: skip
    r = sim.run()
    a = _series(r, "arrivals", "all")
    assert a.sum() == 5000 and a["2015-03"].sum() == 5000
    assert "replaces all arrivals" in sim.arrivals_note


def test_a_month_before_history_extends_the_period(tmp_path):
    f = tmp_path / "early.csv"
    f.write_text("month,country,children\n2008-06,GT,300\n")
    sim = Simulation("baseline", "2008-06-01", "2008-12-31", seed=1, arrivals_file=f)
    assert sim.clock.origin == dt.date(2008, 6, 1)
    r = sim.run()
    gt = _series(r, "arrivals", "GT")
    assert gt["2008-06"].sum() == 300 and gt["2008-10":].sum() > 0  # history follows


def test_a_projected_month_is_replaced_and_the_others_keep_their_counts(tmp_path):
    f = tmp_path / "future.csv"
    f.write_text("month,country,children\n2027-01,GT,9000\n2027-01,SV,0\n")
    base = Simulation("baseline", "2026-10-01", "2027-03-31", seed=5).run()
    r = Simulation("baseline", "2026-10-01", "2027-03-31", seed=5, arrivals_file=f).run()
    assert _series(r, "arrivals", "GT")["2027-01"].sum() == 9000
    assert _series(r, "arrivals", "SV")["2027-01"].sum() == 0
    hn_base, hn = _series(base, "arrivals", "HN"), _series(r, "arrivals", "HN")
    # the projection's Poisson counts are drawn before the file is merged: the same counts
    assert (hn_base.groupby(hn_base.index.to_period("M")).sum()
            .equals(hn.groupby(hn.index.to_period("M")).sum()))  # fmt: skip
    assert np.array_equal(hn_base[:"2026-12"], hn[:"2026-12"])


def test_bad_mode_is_refused(one_month):
    with pytest.raises(CorridorError, match="arrivals-mode"):
        Simulation("baseline", START, END, arrivals_file=one_month, arrivals_mode="mix")


def test_cli_run_compare_and_backtest_take_arrivals(tmp_path, one_month):
    res = runner.invoke(app, ["run", "--start", "2015-01-01", "--end", "2015-06-30",
                              "--arrivals", str(one_month), "--out", str(tmp_path / "r")])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "replaced 2015-03 (HN)" in res.output
    res = runner.invoke(app, ["compare", "baseline", "counsel-for-all", "--start", "2015-01-01",
                              "--end", "2015-06-30", "--draws", "2", "--workers", "1",
                              "--arrivals", str(one_month), "--out", str(tmp_path / "c")])  # fmt: skip
    assert res.exit_code == 0, res.output
    t = pd.read_csv(tmp_path / "c" / "comparison.csv")
    mar = t[(t.metric == "arrivals") & (t.group == "HN") & (t.statistic == "sum")]
    assert (mar["median"] >= 5000).all()
    res = runner.invoke(app, ["backtest", "--draws", "2", "--start", "2014-10-01",
                              "--end", "2015-09-30", "--jobs", "1", "--arrivals", str(one_month),
                              "--out", str(tmp_path / "b")])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "replaced 2015-03 (HN)" in res.output
