"""The Python API: Result.save and .plot, corridor.compare with .table, .plot and .save."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import corridor
from corridor.errors import CorridorError


@pytest.fixture(scope="module")
def result():
    return corridor.Simulation("baseline", start="2014-01-01", end="2014-06-30", seed=1,
                               draws=2).run()  # fmt: skip


def test_result_save_writes_a_run_directory(result, tmp_path):
    out = result.save(tmp_path / "r")
    names = {p.name for p in out.iterdir()}
    assert {"daily.parquet", "fiscal_years.csv", "peaks.csv", "metrics.csv", "run.json"} <= names
    saved = pd.read_parquet(out / "daily.parquet")
    assert len(saved) == len(result.daily)
    np.testing.assert_array_equal(saved["value"].to_numpy(), result.daily["value"].to_numpy())
    with pytest.raises(CorridorError, match="already exists"):
        result.save(tmp_path / "r")


def test_result_plot_draws_a_band_over_draws(result):
    fig = result.plot("orr_census")
    ax = fig.axes[0]
    assert ax.collections, "no band with two draws"
    assert "children" in ax.get_ylabel()
    with pytest.raises(CorridorError, match="no metric"):
        result.plot("not_a_metric")


def test_compare_table_plot_save(tmp_path):
    c = corridor.compare(["baseline", "counsel-for-all"], start="2014-01-01", end="2014-06-30",
                         draws=2, workers=1)  # fmt: skip
    t = c.table()
    assert set(t.scenario) == {"baseline", "counsel-for-all"}
    fig = c.plot("orr_census")
    assert len(fig.axes[0].lines) >= 2
    out = c.save(tmp_path / "c")
    assert (out / "report.html").is_file() and (out / "comparison.csv").is_file()


def test_version_flag():
    from typer.testing import CliRunner

    from corridor.cli import app

    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"corridor {corridor.__version__}"
