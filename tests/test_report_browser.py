"""The compare and backtest reports in a real browser (headless Chromium): every chart renders,
the console has no errors, nothing is fetched from the network, and each chart offers its numbers.
The reports are copied alone into an empty directory first: they must need no file beside them.
With CORRIDOR_SCREENSHOTS=DIR the screenshots are kept there (docs/ holds the committed ones)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser import copy_alone, need_browser, open_report
from typer.testing import CliRunner

from corridor.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    need_browser()
    tmp = tmp_path_factory.mktemp("reports")
    res = runner.invoke(app, ["compare", "baseline", "counsel-for-all", "supplemental-2014",
                              "--start", "2014-01-01", "--end", "2015-09-30", "--draws", "3",
                              "--workers", "1", "--out", str(tmp / "c")])  # fmt: skip
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["backtest", "--draws", "2", "--start", "2013-10-01",
                              "--end", "2015-09-30", "--jobs", "1", "--out", str(tmp / "b")])  # fmt: skip
    assert res.exit_code == 0, res.output
    return {"compare": copy_alone(tmp / "c" / "report.html", tmp / "alone-c"),
            "backtest": copy_alone(tmp / "b" / "report.html", tmp / "alone-b")}  # fmt: skip


@pytest.mark.parametrize("which", ["compare", "backtest"])
def test_report_renders_in_chromium(reports, which, tmp_path):
    keep = os.environ.get("CORRIDOR_SCREENSHOTS")
    shot = Path(keep) / f"report-{which}.png" if keep else tmp_path / "shot.png"
    got = open_report(reports[which], shot)
    errors = [m for m in got["console"] if m["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors
    assert not got["requests"], got["requests"][:2]
    charts = got["charts"]
    assert len(charts) >= 3
    for c in charts:
        assert c["w"] > 300 and c["h"] > 150, c  # drawn at a readable size
        assert c["paths"] >= 5, c  # lines, bands, axes: not an empty frame
        assert c["download"], c
    assert shot.stat().st_size > 20_000
