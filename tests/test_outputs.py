"""The run directory: exact file names and columns, a manifest that matches, atomic writing."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.outputs.writer import atomic_directory, sha256

runner = CliRunner()
ARGS = ["run", "--start", "2014-01-01", "--end", "2014-12-31", "--seed", "4"]


def test_run_writes_its_files(tmp_path):
    out = tmp_path / "new" / "nested" / "run"  # missing parents are made on success
    res = runner.invoke(app, [*ARGS, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == [
        "daily.parquet",
        "fiscal_years.csv",
        "metrics.csv",
        "peaks.csv",
        "run.json",
    ]
    daily = pd.read_parquet(out / "daily.parquet")
    assert list(daily.columns) == ["scenario", "draw", "date", "metric", "group", "value"]
    assert set(daily["group"].unique()) == {"SV", "GT", "HN", "MX", "OTH", "all"}
    assert daily["date"].min() == pd.Timestamp("2014-01-01")
    assert daily["date"].max() == pd.Timestamp("2014-12-31")
    fy = pd.read_csv(out / "fiscal_years.csv")
    assert {"scenario", "draw", "fiscal_year", "metric", "group", "statistic", "value"} <= set(
        fy.columns
    )
    assert set(fy["fiscal_year"]) == {2014, 2015}
    meta = json.loads((out / "run.json").read_text())
    assert meta["seed"] == 4 and meta["scenario"] == "baseline" and meta["draws"] == 1
    assert len(meta["parameters_fingerprint"]) == 64
    for name in ("daily.parquet", "fiscal_years.csv", "metrics.csv"):
        assert meta["files"][name] == sha256(out / name)
    assert not [p for p in tmp_path.rglob(".*partial*")]


def test_fiscal_year_flows_sum_the_daily_values(tmp_path):
    out = tmp_path / "run"
    assert runner.invoke(app, [*ARGS, "--out", str(out)]).exit_code == 0
    daily = pd.read_parquet(out / "daily.parquet")
    fy = pd.read_csv(out / "fiscal_years.csv")
    d = daily[(daily.metric == "arrivals") & (daily.group == "GT")]
    in_fy2014 = d[d.date <= "2014-09-30"]["value"].sum()
    row = fy[(fy.metric == "arrivals") & (fy.group == "GT") & (fy.fiscal_year == 2014)]
    assert row["value"].item() == pytest.approx(in_fy2014)
    stock = daily[(daily.metric == "orr_census") & (daily.group == "all")]
    end = fy[(fy.metric == "orr_census") & (fy.group == "all") & (fy.fiscal_year == 2014)]
    assert (
        end[end.statistic == "end"]["value"].item()
        == stock[stock.date == "2014-09-30"]["value"].item()
    )


def test_overwrite_replaces_only_when_asked(tmp_path):
    out = tmp_path / "run"
    assert runner.invoke(app, [*ARGS, "--out", str(out)]).exit_code == 0
    first = (out / "run.json").read_text()
    res = runner.invoke(app, [*ARGS, "--out", str(out)])
    assert res.exit_code == 2 and (out / "run.json").read_text() == first
    res = runner.invoke(app, [*ARGS, "--seed", "5", "--out", str(out), "--overwrite"])
    assert res.exit_code == 0 and json.loads((out / "run.json").read_text())["seed"] == 5


def test_failure_inside_the_writer_leaves_nothing(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(RuntimeError), atomic_directory(out) as tmp:
        (tmp / "half.csv").write_text("a,b\n")
        raise RuntimeError("disk full")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_records_have_one_row_per_child(tmp_path):
    out = tmp_path / "run"
    res = runner.invoke(app, [*ARGS, "--out", str(out), "--records"])
    assert res.exit_code == 0, res.output
    rec = pd.read_parquet(out / "children.parquet")
    daily = pd.read_parquet(out / "daily.parquet")
    both = daily.metric.isin(["arrivals", "arrivals_ports"])  # Border Patrol and ports of entry
    arrivals = daily[both & (daily.group == "all")]["value"].sum()
    in_window = rec["apprehended"].between("2014-01-01", "2015-01-01", inclusive="left")
    assert in_window.sum() == arrivals
    assert {"country", "age", "sex", "apprehended", "referred", "orr_start", "orr_exit"} <= set(
        rec.columns
    )
