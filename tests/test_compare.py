"""corridor compare: the same draw gives the same numbers in every scenario; outputs are
written atomically; bad input writes nothing."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor.analysis.compare import compare
from corridor.cli import app

runner = CliRunner()
WINDOW = ("2013-10-01", "2015-09-30")


@pytest.fixture(scope="module")
def self_comparison():
    return compare(["baseline", "baseline", "in-country-processing"], *WINDOW, draws=2,
                   seed=1, workers=2)  # fmt: skip


def test_baseline_against_itself_differs_by_exactly_zero_in_every_draw(self_comparison):
    c = self_comparison
    assert c.scenarios == ["baseline", "baseline#2", "in-country-processing"]
    a, b = c.values[0], c.values[1]
    both_nan = np.isnan(a) & np.isnan(b)
    assert (both_nan | (a == b)).all()
    assert (~both_nan).sum() > 1000
    t = c.table()
    d = t[t.scenario == "baseline#2"][["diff_median", "diff_p10", "diff_p90"]].to_numpy(float)
    assert np.nanmax(np.abs(d)) == 0


def test_the_table_has_the_promised_columns(self_comparison):
    t = self_comparison.table()
    for col in ("scenario", "fiscal_year", "metric", "group", "median", "p10", "p90",
                "diff_median", "diff_p10", "diff_p90"):  # fmt: skip
        assert col in t.columns
    assert set(t.fiscal_year) == {"2014", "2015", "total"}
    c = self_comparison
    idx = {k: i for i, k in enumerate(c.keys)}
    arr, avo = idx[("arrivals", "all", "sum")], idx[("journeys_avoided", "all", "sum")]
    ports = idx[("arrivals_ports", "all", "sum")]
    # in each draw and fiscal year, arrivals (Border Patrol and ports of entry) fall by exactly
    # the journeys avoided
    both = c.values[:, :, arr] + c.values[:, :, ports]
    np.testing.assert_array_equal(both[2] - both[0], -c.values[2, :, avo])
    assert c.values[2, :, avo, -1].min() > 0


def test_costs_by_agency_add_up_to_the_total(self_comparison):
    c = self_comparison
    idx = {k: i for i, k in enumerate(c.keys)}
    costs = [i for (m, g, s), i in idx.items() if m.startswith("cost_") and m != "cost_total"
             and g == "all"]  # fmt: skip
    total = idx[("cost_total", "all", "sum")]
    np.testing.assert_allclose(c.values[:, :, costs].sum(axis=2), c.values[:, :, total], rtol=1e-9)


def test_cli_writes_everything_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "cmp"
    args = ["compare", "baseline", "messaging", "--start", "2014-01-01", "--end", "2014-12-31",
            "--draws", "2", "--workers", "1", "--out", str(out)]  # fmt: skip
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    for name in ("comparison.csv", "spending.csv", "metrics.csv", "report.html", "run.json"):
        assert (out / name).is_file()
    page = (out / "report.html").read_text()
    # index.html is the same file; each chart is also a PNG (the first milestone's outputs)
    assert (out / "index.html").read_text() == page
    pngs = sorted(p.stem for p in (out / "charts").glob("*.png"))
    assert pngs == sorted(re.findall(r'data-chart="([^"]+)"', page))
    assert all((out / "charts" / f"{k}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for k in pngs)
    # one file: nothing loaded from beside it or from the internet; each chart has its numbers
    assert not re.findall(r"(?:src|href)\s*=\s*[\"'](?!data:|#)", page)
    assert "<script" not in page and "http://" not in page.split("<body>")[0]
    n_charts = page.count('<figure class="chart"')
    assert n_charts >= 5 and page.count('download="') == n_charts
    assert page.count("<svg") == n_charts
    assert "messaging: changes from 2014-08" in page  # the scenario's start is marked
    assert "observed (sourced facts)" in page  # monthly arrivals facts overlaid
    assert "children apprehended" in res.output
    t = pd.read_csv(out / "comparison.csv")
    assert set(t.scenario) == {"baseline", "messaging"}
    # an existing directory is never replaced without --overwrite
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and "already exists" in res.output


@pytest.mark.parametrize(
    "scenarios, needle",
    [
        (["baseline", "no-such-scenario"], "no-such-scenario"),
        (["baseline", "BAD"], "bad.yaml"),
    ],
)
def test_bad_scenarios_write_nothing(tmp_path, scenarios, needle):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\ntitle: t\ndescription: d\nbase: baseline\nsources: [test]\n"
        "changes:\n  no.such.parameter: {2015-01-01: 3}\n"
    )
    scenarios = [str(bad) if s == "BAD" else s for s in scenarios]
    out = tmp_path / "cmp"
    res = runner.invoke(app, ["compare", *scenarios, "--draws", "2", "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert needle in res.output and "Traceback" not in res.output
    assert len([x for x in res.output.splitlines() if x.strip()]) == 1
    assert not out.exists()
    assert not list(tmp_path.glob(".cmp*"))


def test_months_are_calendar_months(self_comparison):
    m = self_comparison.months
    assert str(m[0]) == "2013-10" and str(m[-1]) == "2015-09" and len(m) == 24
    for arr in self_comparison.monthly.values():
        assert arr.shape[-1] == 24


def test_charts_drawn_in_processes_are_the_charts_drawn_here(self_comparison):
    """The report's charts are drawn in local processes: the same SVG and PNG bytes as drawn in
    this process (and no creation date in the SVG, so a rerun gives the same report)."""
    from corridor.analysis.compare_report import charts

    here, empty_here = charts(self_comparison, workers=1)
    there, empty_there = charts(self_comparison, workers=2)
    assert len(here) >= 5 and empty_here == empty_there
    assert [c.key for c in here] == [c.key for c in there]
    assert all(a.svg == b.svg and a.png == b.png for a, b in zip(here, there, strict=True))
    assert "<dc:date>" not in here[0].svg
