"""corridor plan: the bisection finds the level queueing theory gives; on the simulation, the
level found meets the targets and the one below does not, on exactly the draws compare runs."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from test_queue_theory import erlang_c
from typer.testing import CliRunner

from corridor.analysis.plan import level_grid, parse_range, search_levels, wilson
from corridor.analysis.plan_model import PlanSetup, run_plan
from corridor.analysis.targets import parse_target
from corridor.cli import app
from corridor.engine.placement import place
from corridor.errors import CorridorError

runner = CliRunner()

# --- the search on an M/M/c queue, where Erlang C gives the answer -----------------------------
# Constant arrival rate (Poisson referrals), exponential stays, no influx beds: the shelter
# placement kernel as a plain M/M/c queue. The lever is the number of beds (servers); the target
# is a mean wait in queue; the answer is the smallest c whose Erlang C mean wait meets it.
LAM, MEAN_STAY, WAIT_TARGET = 2.0, 10.0, 0.3  # children/day, days, days
N_CHILDREN, WARM_UP, DRAWS = 40_000, 4_000, 9


def mean_wait(c: int, seed: int) -> float:
    rng = np.random.default_rng(seed)  # the same seed at every level: common random numbers
    ref = np.cumsum(rng.exponential(1.0 / LAM, N_CHILDREN))
    work = rng.exponential(1.0, N_CHILDREN)  # a constant release hazard: exponential stays
    n_days = int(ref[-1]) + 1_000
    ones = np.ones(n_days)
    r = place(
        ref, np.zeros(N_CHILDREN), work, np.zeros(N_CHILDREN, dtype=np.int8),
        np.full(N_CHILDREN, np.inf), cap_std=ones * c, influx_avail=ones * 0, open_thr=ones,
        close_thr=ones * 0, lead_days=ones, pace=np.full((n_days, 4), 1.0 / MEAN_STAY),
    )  # fmt: skip
    return float((r.assign - ref)[WARM_UP:].mean())


def erlang_c_servers(target: float) -> int:
    c = int(LAM * MEAN_STAY) + 1  # the smallest stable queue
    while erlang_c(c, LAM, 1.0 / MEAN_STAY)[1] > target:
        c += 1
    return c


def mmc_plan(target: float, probability: float = 0.5):
    t = parse_target(f"wait mean <= {target}")

    def evaluate(levels):
        return {c: t.met(np.array([mean_wait(int(c), s) for s in range(DRAWS)])) for c in levels}

    return search_levels(level_grid(*parse_range("21..60"), 1), evaluate, probability)


def test_plan_finds_the_servers_erlang_c_requires():
    want = erlang_c_servers(WAIT_TARGET)
    s = mmc_plan(WAIT_TARGET)
    assert s.level is not None and abs(s.level - want) <= 1, (s.level, want)
    # bisection: a handful of levels, not the whole grid; the one below was evaluated and fails
    assert len(s.points) <= 8
    assert s.points[s.below].probability < 0.5 <= s.points[s.level].probability
    assert s.monotone


def test_the_erlang_c_check_can_fail():
    """A target Erlang C answers with several more servers is not met at the first answer."""
    want = erlang_c_servers(WAIT_TARGET / 10)
    assert want - erlang_c_servers(WAIT_TARGET) >= 2
    assert abs(mmc_plan(WAIT_TARGET / 10).level - erlang_c_servers(WAIT_TARGET)) > 1


def test_no_level_in_range_is_said_so():
    t = parse_target("x peak <= 0")
    s = search_levels([0, 1, 2, 3], lambda ls: {x: t.met(np.ones(4)) for x in ls}, 0.8)
    assert s.level is None
    assert s.statement("beds").startswith("no level of beds in 0..3")
    assert sorted(s.points) == [0, 3]  # only the two ends were needed


def test_wilson_interval_known_values():
    lo, hi = wilson(16, 20)  # Wilson 95% for 16/20: 0.584 .. 0.919
    assert lo == pytest.approx(0.584, abs=1e-3) and hi == pytest.approx(0.919, abs=1e-3)
    assert wilson(0, 10)[0] == 0.0 and wilson(10, 10)[1] == pytest.approx(1.0)


def test_grid_and_target_parsing():
    assert level_grid(0, 1000, 250) == [0, 250, 500, 750, 1000]
    assert level_grid(0, 900, 250) == [0, 250, 500, 750, 900]
    t = parse_target("court_wait_days_median mean <= 365 FY2017")
    assert (t.metric, t.statistic, t.op, t.value, t.period) == (
        "court_wait_days_median", "mean", "<=", 365.0, "2017")  # fmt: skip
    assert t.met(np.array([364, 365, 366, np.nan])).tolist() == [True, True, False, False]
    for bad in ("cbp_over_72h peak", "cbp_over_72h median <= 0", "x peak ~ 0",
                "x peak <= abc", "x peak <= 0 2017x"):  # fmt: skip
        with pytest.raises(CorridorError):
            parse_target(bad)
    with pytest.raises(CorridorError):
        parse_range("10..5")


# --- the real simulation: plan's numbers are compare's numbers ---------------------------------
FY2014 = (dt.date(2013, 10, 1), dt.date(2014, 9, 30))


@pytest.fixture(scope="module")
def bed_plan():
    setup = PlanSetup("baseline", "orr.capacity.standard_beds", "add", dt.date(2014, 3, 1),
                      *FY2014, seed=1, draws=3)  # fmt: skip
    targets = [parse_target("cbp_over_72h peak <= 100")]
    return run_plan(setup, targets, level_grid(0, 6000, 1500), 0.6, workers=2)


def test_plan_level_meets_and_the_one_below_does_not(bed_plan):
    s = bed_plan.search
    assert s.level is not None and s.below is not None
    assert s.points[s.level].probability >= 0.6 > s.points[s.below].probability


def test_plan_uses_the_draws_and_statistics_of_compare(bed_plan, tmp_path):
    from corridor.analysis.compare import compare

    level = bed_plan.search.level
    f = tmp_path / "at.yaml"
    f.write_text(f"""name: at
title: at the plan's level
description: test
base: baseline
changes:
  orr.capacity.standard_beds:
    add: {{2014-03-01: {level:g}}}
    sources: [{{title: test}}]
sources: [{{title: test}}]
""")
    c = compare(["baseline", str(f)], *FY2014, draws=3, seed=1, workers=2)
    i = c.keys.index(("cbp_over_72h", "all", "peak"))
    np.testing.assert_array_equal(c.values[1, :, i, -1], bed_plan.evaluations[level].values[:, 0])
    np.testing.assert_array_equal(c.values[0, :, i, -1], bed_plan.reference.values[:, 0])
    k = c.keys.index(("cost_orr", "all", "sum"))
    np.testing.assert_array_equal(
        c.values[1, :, k, -1], bed_plan.evaluations[level].costs["cost_orr"]
    )


def test_levels_run_together_give_what_each_level_gives_alone(bed_plan):
    """A draw of several levels runs them together (the stages before the lever's once): the
    reduced values are those of each level run on its own."""
    from corridor.analysis.plan_model import _run_draw, _Task

    levels = (None, 1500.0, 6000.0)
    together = _run_draw(_Task(bed_plan.setup, levels, 1))
    for x, (red, periods, _) in zip(levels, together, strict=True):
        ((alone, periods_alone, _),) = _run_draw(_Task(bed_plan.setup, (x,), 1))
        assert red.keys == alone.keys and periods == periods_alone
        np.testing.assert_array_equal(red.values, alone.values)


def test_plan_cli_writes_json_and_csv(tmp_path):
    out = tmp_path / "p"
    args = ["plan", "--lever", "orr.capacity.standard_beds", "--op", "add", "--from",
            "2014-03-01", "--range", "0..6000", "--step", "3000", "--target",
            "cbp_over_72h peak <= 100", "--probability", "0.5", "--draws", "2", "--start",
            "2013-10-01", "--end", "2014-09-30", "--workers", "2", "--out", str(out)]  # fmt: skip
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    rec = json.loads((out / "plan.json").read_text())
    for key in ("level", "probability", "targets", "cost", "curve"):
        assert key in rec
    assert "cost_orr" in rec["cost"] and "added" in rec["cost"]["cost_orr"]
    assert (out / "plan.csv").read_text().startswith("level,draws,draws_met,probability")


@pytest.mark.parametrize(
    "change, where",
    [
        (["--target", "nonsense peak <= 0"], "--target"),
        (["--target", "cbp_over_72h sum <= 0"], "--target"),
        (["--target", "cbp_over_72h peak <= 0 FY2019"], "--target"),
        (["--lever", "orr.no_such_thing"], "--lever"),
        (["--range", "5..1"], "--range"),
        (["--op", "scale"], "--op"),
        (["--probability", "1.5"], "--probability"),
    ],
)
def test_plan_bad_input_is_one_line_and_writes_nothing(tmp_path, change, where):
    out = tmp_path / "p"
    base = {"--lever": "orr.capacity.standard_beds", "--op": "add", "--from": "2014-03-01",
            "--range": "0..6000", "--target": "cbp_over_72h peak <= 0", "--probability": "0.8",
            "--draws": "1", "--start": "2014-01-01", "--end": "2014-03-01"}  # fmt: skip
    base[change[0]] = change[1]
    args = ["plan", *[x for kv in base.items() for x in kv], "--workers", "1", "--out", str(out)]
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert where in r.output and len(r.output.strip().splitlines()) == 1, r.output
    assert not out.exists()


def test_plan_not_met_writes_its_answer_and_exits_1(tmp_path):
    out = tmp_path / "p"
    args = ["plan", "--lever", "orr.capacity.standard_beds", "--from", "2014-01-15", "--range",
            "0..10", "--step", "10", "--target", "cbp_over_72h peak < 0", "--draws", "1",
            "--start", "2014-01-01", "--end", "2014-03-01", "--workers", "1", "--out", str(out)]  # fmt: skip
    r = runner.invoke(app, args)
    assert r.exit_code == 1, r.output
    rec = json.loads((out / "plan.json").read_text())
    assert rec["level"] is None and rec["met"] is False
    assert "NOT MET: no level of orr.capacity.standard_beds in 0..10" in r.output
    # a stock is never below 0: the days before --from already fail the target, in every draw
    assert rec["out_of_reach"]["count"] == 1 and rec["out_of_reach"]["max_probability"] == 0
    assert "out of this lever's reach" in " ".join(r.output.split())


def test_a_target_failed_before_the_lever_acts_is_out_of_reach():
    from types import SimpleNamespace

    from corridor.analysis.compare import Window
    from corridor.analysis.plan_model import failed_before_lever
    from corridor.engine.clock import Clock

    clock = Clock.between(dt.date(2013, 9, 1), dt.date(2014, 9, 30))
    win = Window(clock, dt.date(2013, 10, 1))
    lever = dt.date(2014, 3, 1)
    held = np.zeros(clock.n_days)
    held[clock.day(dt.date(2014, 2, 10))] = 5.0  # a shortage in February, before the lever
    held[clock.day(dt.date(2014, 6, 1))] = 9.0  # and one in June, which the lever can fix
    flow = np.ones(clock.n_days)
    series = {"held": ("stock", held), "flow": ("flow", flow), "neg": ("flow", flow - 2)}
    metrics = SimpleNamespace(
        metrics={k: SimpleNamespace(kind=v[0]) for k, v in series.items()},
        series=lambda name, group="all": series[name][1],
    )
    targets = [parse_target(t) for t in (
        "held peak <= 0", "held peak <= 5", "held peak >= 1", "held mean <= 0",
        "held peak <= 0 FY2014", "flow sum <= 100", "flow sum <= 200", "neg sum <= -1000",
    )]  # fmt: skip
    got = failed_before_lever(targets, metrics, win, clock, lever)
    # Oct-Feb is 151 days: the flow's 151 already pass 100; a flow that can fall is not settled
    assert got.tolist() == [True, False, False, False, True, True, False, False]
    assert not failed_before_lever(targets, metrics, win, clock, dt.date(2013, 10, 1)).any()
