"""p_better: the share of paired draws in which a scenario beats the first, ties counting half;
a scenario against itself is exactly 0.5 by that rule; undefined where no direction is better."""

from __future__ import annotations

import numpy as np
import pytest

from corridor.analysis.better import direction_signs, p_better
from corridor.analysis.compare import compare


def test_rule_on_known_draws():
    # values[scenario, draw, series]: series 0 lower is better, series 1 higher, series 2 neither
    ref = np.array([[10, 1, 5], [10, 1, 5], [10, 1, 5], [10, 1, 5]], float)
    alt = np.array([[9, 2, 6], [9, 0, 6], [11, 1, 6], [10, 1, 6]], float)
    v = np.stack([ref, alt])
    p = p_better(v, np.array([-1.0, 1.0, 0.0]))
    # series 0: 2 wins, 1 loss, 1 tie -> (2 + 0.5) / 4; series 1: 1 win, 1 loss, 2 ties -> 0.5
    assert p[1, 0] == pytest.approx(2.5 / 4) and p[1, 1] == pytest.approx(0.5)
    assert np.isnan(p[1, 2]) and np.isnan(p[0, 2])
    # the first scenario against itself: every draw ties
    assert p[0, 0] == 0.5 and p[0, 1] == 0.5


def test_p_better_is_antisymmetric_and_skips_missing_draws():
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 4, (2, 50, 3)).astype(float)
    a[3, 0] = np.nan
    signs = np.array([-1.0, 1.0, -1.0])
    ab = p_better(np.stack([a, b]), signs)[1]
    ba = p_better(np.stack([b, a]), signs)[1]
    np.testing.assert_allclose(ab + ba, 1.0)
    d = (b[:, 0] - a[:, 0])[~np.isnan(a[:, 0])]
    assert ab[0] == pytest.approx(((d < 0) + 0.5 * (d == 0)).mean())


def test_directions_come_from_the_metric_dictionary():
    signs = direction_signs(["removal_in_absentia", "relief_granted", "arrivals"])
    assert signs.tolist() == [-1.0, 1.0, 0.0]


@pytest.fixture(scope="module")
def counsel():
    c = compare(["baseline", "baseline", "counsel-for-all"], "2013-10-01", "2015-09-30",
                draws=3, seed=1, workers=2)  # fmt: skip
    return c, c.table()


def test_compare_reports_p_better_and_a_scenario_against_itself_is_one_half(counsel):
    c, t = counsel
    assert "p_better" in t.columns
    directed = t[t.metric.isin(["removal_in_absentia", "cbp_over_72h", "relief_granted"])]
    assert (directed[directed.scenario.isin(["baseline", "baseline#2"])].p_better == 0.5).all()
    assert t[t.metric == "arrivals"].p_better.isna().all()
    r = t[(t.scenario == "counsel-for-all") & (t.metric == "removal_in_absentia")
          & (t.group == "all") & (t.fiscal_year == "total")]  # fmt: skip
    assert r.p_better.iloc[0] == 1.0  # counsel for every child: fewer in-absentia orders
    rows = {r["metric"]: r for r in c.headline_rows()}
    assert rows["removal_in_absentia"]["p_better"][2] == 1.0


def test_p_better_by_fiscal_year_is_comparison_csvs_and_in_the_report(counsel, tmp_path):
    from corridor.analysis.better import headline_by_period
    from corridor.analysis.compare_report import write_report

    c, t = counsel
    rows = headline_by_period(c)
    assert {r["scenario"] for r in rows} == {"baseline#2", "counsel-for-all"}
    assert all(r["metric"] != "arrivals" for r in rows)  # no direction: not listed
    for r in rows:
        for fy, p in r["p"].items():
            csv = t[(t.scenario == r["scenario"]) & (t.metric == r["metric"]) & (t.group == "all")
                    & (t.statistic == r["statistic"]) & (t.fiscal_year == fy)].p_better  # fmt: skip
            assert csv.iloc[0] == p or (p != p and csv.isna().iloc[0])
    absentia = next(r for r in rows if r["metric"] == "removal_in_absentia"
                    and r["scenario"] == "counsel-for-all")  # fmt: skip
    assert list(absentia["p"]) == ["2014", "2015", "total"]
    write_report(c, tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text()
    assert "Probability that a scenario is better, by fiscal year" in html
    assert "<th>FY2014</th><th>FY2015</th><th>whole window</th>" in html
