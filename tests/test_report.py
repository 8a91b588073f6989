"""The self-contained report's pieces: readable axis numbers, the colour-blind-safe palette, data
downloads, empty charts left out, observed history and the marks of a scenario's start."""

from __future__ import annotations

import base64
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest

from corridor.analysis import report
from corridor.analysis.compare_report import change_start, observed_monthly


def test_axis_numbers_are_readable():
    assert report.axis_text(2.5e9, "cost_total") == "$2.5B"
    assert report.axis_text(3e8, "cost_total") == "$300M"
    assert report.axis_text(-1.2e7, "cost_legal") == "-$12M"
    assert report.axis_text(12000, "orr_census") == "12,000"
    assert report.axis_text(0.25, "represented_share") == "25%"
    assert "e" not in report.axis_text(1e9, "arrivals")


def test_palette_is_okabe_ito_and_distinct():
    assert report.PALETTE[:3] == ("#0072B2", "#D55E00", "#009E73")
    styles = {(report.colour(i), str(report.linestyle(i))) for i in range(12)}
    assert len(styles) == 12


def test_download_link_holds_the_csv():
    df = pd.DataFrame({"month": ["2014-01"], "median": [1.5]})
    link = report.csv_download(df, "x.csv")
    data = link.split("base64,")[1].split('"')[0]
    assert pd.read_csv(io.BytesIO(base64.b64decode(data))).equals(df)
    assert 'download="x.csv"' in link


def test_all_zero():
    assert report.all_zero(np.zeros(4), [np.nan, 0.0])
    assert not report.all_zero(np.zeros(4), [0.0, 1e-9])


def test_svg_is_inline_and_scales():
    plt = report.plt()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    s = report.svg(fig)
    assert s.startswith("<svg") and "viewBox" in s and 'width="' not in s.split(">")[0]


def test_observed_history_from_the_facts():
    months = pd.period_range("2014-01", "2014-12", freq="M")
    obs = observed_monthly("arrivals", "sum", months)
    assert len(obs) >= 6 and obs["observed"].gt(1000).all()
    assert observed_monthly("arrivals", "cumulative", months).empty


def test_change_start_is_the_scenarios_first_change():
    from corridor import Simulation

    base = Simulation("baseline", "2014-01-01", "2014-12-31")
    msg = Simulation("messaging", "2014-01-01", "2014-12-31")
    assert change_start(msg, base) == dt.date(2014, 8, 1)
    assert change_start(base, base) is None


@pytest.mark.parametrize("x,text", [(-12.7e6, "-$12.7M"), (5662.4, "5,662"), (-3156.6, "-3,157")])
def test_console_numbers(x, text):
    from corridor.outputs.format import number, span

    metric = "cost_total" if abs(x) > 1e6 else "arrivals"
    assert number(x, metric) == text
    assert span(-5662, -3157, "arrivals") == "-5,662 to -3,157"
    assert number(0.4, "orr_census") == "0" and number(-0.4, "orr_census") == "0"
