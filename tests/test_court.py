"""The court stage in the baseline: conservation of court states, consistent per-child records,
costs, calibration to the court facts, and zero judges."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from corridor import Simulation
from corridor.engine import docket as dk
from corridor.outputs.metrics import GROUPS
from corridor.parameters.tree import FACTS_DIR, PARAMETER_ROOT
from corridor.stages.arrivals import HISTORY_DIR

COURT_STATES = ("awaiting_filing", "no_case", "pending", "decided")


def court_states_at(c, t: float) -> dict[str, np.ndarray]:
    """The court state at time t of every child released to a sponsor by then."""
    filed = c.t_file < t
    decided = c.t_decision < t
    return {
        "awaiting_filing": ~c.nta_never & ~filed,
        "no_case": c.nta_never,
        "pending": filed & ~decided,
        "decided": decided,
    }


def test_every_released_child_is_in_exactly_one_court_state(baseline_2013_2020):
    c = baseline_2013_2020.draws[0].children
    released = np.isfinite(c.t_orr_exit) & ~c.aged_out
    assert released.sum() > 100_000
    for day in range(0, baseline_2013_2020.clock.n_days, 61):
        t = day + 1.0
        out = released & (c.t_orr_exit < t)
        s = court_states_at(c, t)
        count = sum(v.astype(int) for v in s.values())
        assert (count[out] == 1).all(), f"day {day}: a released child in {count[out].max()} states"


def test_pending_stock_is_filings_less_completions(baseline_2013_2020):
    """EOIR's accounting: cases received (filings and recalendared closures) less completions
    (decisions and closures, a closure later recalendared included) is the pending stock."""
    m = baseline_2013_2020.draws[0].metrics
    assert m.series("court_recalendared_uac").sum() > 0  # the identity is tested with them
    for g in GROUPS:
        received = m.series("court_filings_uac", g) + m.series("court_recalendared_uac", g)
        np.testing.assert_array_equal(
            np.cumsum(received - m.series("court_completions_uac", g)),
            m.series("court_pending_uac", g),
        )
    outcomes = sum(
        m.series(x)
        for x in (
            "relief_granted",
            "terminated_or_closed",
            "voluntary_departure",
            "removal_ordered",
        )
    )
    np.testing.assert_array_equal(outcomes, m.series("court_completions_uac"))
    assert (m.series("removal_in_absentia") <= m.series("removal_ordered")).all()
    total = m.series("court_pending_total")
    np.testing.assert_allclose(
        total, m.series("court_pending_uac") + m.series("court_pending_other")
    )


def test_represented_share_counts_only_pending_cases(baseline_2013_2020):
    """The represented share is of the pending cases: a case off the pending counts while
    administratively closed is not a represented pending case either (it was, and the share
    went above 1 once closures were recalendared)."""
    m = baseline_2013_2020.draws[0].metrics
    assert m.series("court_recalendared_uac").sum() > 0  # closures happen in this run
    for g in GROUPS:
        share = m.series("represented_share", g)
        ok = ~np.isnan(share)
        assert ok.sum() > 1000
        assert (share[ok] >= 0).all() and (share[ok] <= 1).all(), share[ok].max()


def test_records_are_in_time_order(baseline_2013_2020):
    c = baseline_2013_2020.draws[0].children
    case = np.isfinite(c.t_file)
    assert (c.t_file[case] >= c.t_referral[case]).all()
    assert not np.isfinite(c.t_file[c.nta_never]).any()
    h = c.t_hearing[case].astype(np.float64)
    n = c.n_hearings[case]
    assert (np.isfinite(h).sum(axis=1) == n).all()
    first = h[:, 0]
    assert (first[n > 0] >= c.t_file[case][n > 0] - 1e-3).all()
    with np.errstate(invalid="ignore"):
        assert (np.diff(h, axis=1)[np.isfinite(np.diff(h, axis=1))] >= 0).all()
    decided = case & np.isfinite(c.t_decision)
    last = h[np.arange(len(h)), np.maximum(n - 1, 0)]
    # every decision is taken at the case's last hearing
    np.testing.assert_allclose(c.t_decision[decided], last[decided[case]], atol=1e-3)
    assert (c.outcome[decided] > 0).all() and (c.outcome[case & ~decided] == dk.PENDING).all()
    rep = np.isfinite(c.t_counsel)
    assert (c.t_counsel[rep] <= c.t_decision[rep]).all()
    assert (c.t_counsel[rep] >= c.t_file[rep]).all()
    removed = np.isfinite(c.t_removed)
    assert np.isin(c.outcome[removed], (dk.REMOVAL_IN_ABSENTIA, dk.REMOVAL_AFTER_HEARING)).all()
    assert (c.t_removed[removed] >= c.t_decision[removed]).all()
    assert (
        c.t_remigrated[np.isfinite(c.t_remigrated)] >= c.t_removed[np.isfinite(c.t_remigrated)]
    ).all()


def test_cost_total_is_the_sum_of_its_parts(baseline_2013_2020):
    m = baseline_2013_2020.draws[0].metrics
    parts = [k for k in m.metrics if k.startswith("cost_") and k != "cost_total"]
    assert {"cost_eoir", "cost_legal", "cost_removal"} <= set(parts)
    total = np.zeros_like(m.series("cost_total"))
    for k in parts:
        total += m.series(k)
    np.testing.assert_allclose(m.series("cost_total"), total, rtol=1e-12)
    for k in ("cost_eoir", "cost_legal", "cost_removal"):
        assert m.series(k).sum() > 0


# --- calibration (acceptance of the court issue) ---------------------------------------------


def _day(result, date: str) -> int:
    return result.clock.day(dt.date.fromisoformat(date))


def test_juvenile_filings_match_trac(baseline_2013_2020):
    r = baseline_2013_2020
    m = r.draws[0].metrics
    fy = r.clock.fiscal_years()
    filings = m.series("court_filings_uac")
    for year, trac in {2013: 21351, 2014: 56691, 2016: 48401}.items():
        assert abs(filings[fy == year].sum() / trac - 1) <= 0.15, year


def test_juvenile_backlog_mid_2014(baseline_2013_2020):
    m = baseline_2013_2020.draws[0].metrics
    pending = m.series("court_pending_uac")[_day(baseline_2013_2020, "2014-06-30")]
    assert abs(pending / 41641 - 1) <= 0.20, pending


def eoir_table() -> pd.DataFrame:
    return pd.read_csv(HISTORY_DIR / "eoir_docket.csv")


def test_eoir_table_is_the_facts():
    facts = pd.read_csv(FACTS_DIR / "facts_courts.csv", dtype=str).set_index("id")["value"]
    for row in eoir_table().itertuples():
        for fact in row.source_ids.split(";"):
            column = {"BL-E": "pending_end", "CMP-E": "initial_receipts", "CMP-F": "completions",
                      "UAC-F": "juvenile_filings", "IJ-": "judges_end"}  # fmt: skip
            col = next(v for k, v in column.items() if fact.startswith(k))
            assert float(facts[fact]) == getattr(row, col), (row.fiscal_year, fact)


def test_total_pending_matches_eoir(baseline_2013_2020):
    m = baseline_2013_2020.draws[0].metrics
    eoir = eoir_table().set_index("fiscal_year")["pending_end"]
    for year in range(2013, 2019):
        sim = m.series("court_pending_total")[_day(baseline_2013_2020, f"{year}-09-30")]
        assert abs(sim / eoir[year] - 1) <= 0.15, (year, sim)


def cohort_outcomes(result, decided_by: str | None = None):
    """FY2012-FY2014 cases that were decided (by ``decided_by`` if given), from the per-child
    records."""
    rec = result.records()
    rec = rec[rec["filed"].notna() & rec["decision"].notna()]
    if decided_by is not None:
        rec = rec[rec["decision"] <= decided_by]
    fy = rec["filed"].dt.year + (rec["filed"].dt.month >= 10)
    rec = rec[(fy >= 2012) & (fy <= 2014)]
    rep = rec["counsel"].notna()
    stay = rec["outcome"].isin(["relief_granted", "terminated_or_closed"])
    removal = rec["outcome"].isin(["removal_in_absentia", "removal_after_hearing"])
    in_absentia = rec["outcome"] == "removal_in_absentia"
    return rep, stay, removal, in_absentia


def test_surge_cohort_outcomes_by_representation(baseline_2013_2020):
    # TRAC's shares allowed to stay (OUT-05d 73%, OUT-04d 15%) are of the FY2012-FY2014 cases
    # decided by 31 Oct 2014 (OUT-04a, OUT-05a)
    rep, stay, _, _ = cohort_outcomes(baseline_2013_2020, decided_by="2014-10-31")
    assert rep.sum() > 5_000 and (~rep).sum() > 5_000
    assert abs(stay[rep].mean() - 0.73) <= 0.05, stay[rep].mean()
    assert abs(stay[~rep].mean() - 0.15) <= 0.05, stay[~rep].mean()
    rep, stay, removal, in_absentia = cohort_outcomes(baseline_2013_2020)
    share = in_absentia[~rep].sum() / removal[~rep].sum()
    assert 0.80 <= share <= 0.95, share


# --- zero judges -------------------------------------------------------------------------------


def test_with_zero_judges_no_case_completes(tmp_path: Path):
    src = PARAMETER_ROOT / "court" / "judges" / "on_board.yaml"
    dst = tmp_path / "court" / "judges" / "on_board.yaml"
    dst.parent.mkdir(parents=True)
    shutil.copy(src, dst)
    text = dst.read_text()
    head, rest = text.split("values:\n", 1)
    rest = rest[rest.index("sources:") :]
    dst.write_text(head + "values:\n  2008-10-01: 0\n" + rest)
    r = Simulation("baseline", "2013-10-01", "2015-09-30", seed=2, params_dir=tmp_path).run()
    m = r.draws[0].metrics
    assert m.series("court_filings_uac").sum() > 50_000
    for name in (
        "court_completions_uac",
        "court_hearings_uac",
        "cost_eoir",
        "court_completions_other",
    ):
        assert m.series(name).sum() == 0, name
    np.testing.assert_array_equal(
        m.series("court_pending_uac"), np.cumsum(m.series("court_filings_uac"))
    )
    other = m.series("court_pending_other")
    assert (np.diff(other) > 0).all()  # the other docket only receives


@pytest.mark.parametrize("order, name", [(dk.FIFO, "fifo"), (dk.LIFO, "lifo")])
def test_docket_order_is_a_dated_scenario_value(order, name):
    """The same draw under another order: the same children and filings (common random
    numbers), a different sequence of decisions."""
    sim = Simulation("baseline", "2013-10-01", "2016-09-30", seed=4)
    base = sim.run_draw(0)
    sim.params = sim.params.with_values("court.docket.order", {dt.date(2014, 7, 18): order}, "test")
    other = sim.run_draw(0)
    a, b = base.children, other.children
    np.testing.assert_array_equal(a.t_file, b.t_file)
    decided_a, decided_b = np.isfinite(a.t_decision), np.isfinite(b.t_decision)
    assert decided_a.sum() > 10_000 and (decided_a != decided_b).any(), name


def test_the_priority_weight_applies_only_while_the_priority_order_is_in_force():
    """court.judges.priority_weight is the children's docket weight on the days the priority
    order is in force (18 Jul 2014 - 31 Jan 2017 in history), court.judges.juvenile_weight on
    the others."""
    import datetime as dt
    from types import SimpleNamespace

    from corridor.engine import docket as dk
    from corridor.engine.clock import Clock
    from corridor.parameters.tree import load_parameters
    from corridor.stages.court import daily_inputs

    ctx = SimpleNamespace(params=load_parameters(),
                          clock=Clock.between(dt.date(2013, 10, 1), dt.date(2018, 9, 30)))  # fmt: skip
    days, _ = daily_inputs(ctx)
    prio = days.order == dk.PRIORITY
    assert prio.any() and (~prio).any()
    o = ctx.clock.origin
    assert prio[(dt.date(2014, 7, 18) - o).days] and not prio[(dt.date(2014, 7, 17) - o).days]
    assert not prio[(dt.date(2017, 1, 31) - o).days]
    pw = ctx.params["court.judges.priority_weight"].daily(o, ctx.clock.n_days)
    jw = ctx.params["court.judges.juvenile_weight"].daily(o, ctx.clock.n_days)
    np.testing.assert_array_equal(days.juvenile_weight[prio], pw[prio])
    np.testing.assert_array_equal(days.juvenile_weight[~prio], jw[~prio])
    assert not np.allclose(pw[prio], jw[prio])  # the two differ, so the test can fail
