"""Monte Carlo sampling: each draw samples every assumption within its range, the same way in
every scenario; a draw is reproducible; scenario changes only move what they touch."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from corridor import Simulation
from corridor import simulation as simmod
from corridor.parameters.sampling import sample_tree, split_uniform
from corridor.parameters.tree import load_parameters


def test_split_uniform_has_the_stated_value_as_median_and_the_range_as_support():
    u = np.linspace(0, 1, 10_001)[:-1]
    x = np.array([split_uniform(v, 2.0, 3.0, 7.0) for v in u])
    assert x.min() == 2.0 and x.max() < 7.0
    assert np.median(x) == pytest.approx(3.0, abs=1e-3)
    assert split_uniform(0.5, 2.0, 3.0, 7.0) == 3.0


@pytest.fixture(scope="module")
def tree():
    return load_parameters()


def test_every_assumption_is_sampled_within_its_range(tree):
    draws = [sample_tree(tree, 1, d) for d in range(12)]
    moved = 0
    for p in tree:
        a = p.spec.assumption
        lo, hi = p.spec.allowed_range()
        for q in draws:
            for date, v in q[p.path].spec.values.items():
                base = p.spec.values[date]
                pairs = v.items() if isinstance(v, dict) else [("", v)]
                for g, x in pairs:
                    b = base[g] if isinstance(base, dict) else base
                    assert lo <= x <= hi
                    if a is None:
                        assert x == b
                        continue
                    if a.relative:
                        alo = a.low[g] if isinstance(a.low, dict) else a.low
                        ahi = a.high[g] if isinstance(a.high, dict) else a.high
                        assert min(alo, 1) * b - 1e-9 <= x <= max(ahi, 1) * b + 1e-9
                        if b == 0:
                            assert x == 0  # zero (e.g. a legal fact) stays zero
                    else:
                        alo = a.low[g] if isinstance(a.low, dict) else a.low
                        ahi = a.high[g] if isinstance(a.high, dict) else a.high
                        assert min(alo, b) - 1e-9 <= x <= max(ahi, b) + 1e-9
                    moved += x != b
    assert moved > 100


def test_same_draw_same_values_other_draw_other_values(tree):
    a, b, c = sample_tree(tree, 1, 4), sample_tree(tree, 1, 4), sample_tree(tree, 1, 5)
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()
    assert sample_tree(tree, 2, 4).fingerprint() != a.fingerprint()


def test_a_scenario_moves_only_the_parameters_it_changes():
    base = Simulation("baseline", "2014-01-01", "2014-06-30", seed=1, draws=3)
    house = Simulation("house-2014", "2014-01-01", "2014-06-30", seed=1, draws=3)
    assert base.sample and house.sample
    changed = {path for _, path, _ in house.scenario.changes()}
    for d in range(3):
        pb, ph = base.draw_params(d).resolved(), house.draw_params(d).resolved()
        for path in pb:
            if path not in changed:
                assert pb[path] == ph[path], path
        tv = ph["border.tvpra_return_share"]
        sv = [v["SV"] for k, v in tv.items() if k >= "2014-08-15"]
        assert all(0.2 <= x <= 0.85 for x in sv)  # the change's own range
        # values before the change's date are the baseline's sampled ones
        assert tv["2008-10-01"] == pb["border.tvpra_return_share"]["2008-10-01"]


def test_one_draw_keeps_stated_values():
    sim = Simulation("baseline", "2014-01-01", "2014-06-30", seed=1)
    assert not sim.sample and sim.draw_params(0) is sim.params


def pre_court_metrics(monkeypatch) -> set[str]:
    """The metrics the stages before the court produce."""
    stages = tuple(s for s in simmod.PIPELINE if s.__name__.rsplit(".", 1)[-1] != "court")
    monkeypatch.setattr(simmod, "PIPELINE", stages)
    m = Simulation("baseline", "2014-01-01", "2014-02-01", seed=1).run_draw(0).metrics
    monkeypatch.undo()
    return {k for k in m.metrics if not k.startswith("cost_total")}


def test_a_court_change_leaves_every_pre_court_metric_identical_in_every_draw(
    tmp_path, monkeypatch
):
    names = pre_court_metrics(monkeypatch)
    assert {"arrivals", "orr_census", "cbp_census", "journeys_avoided"} <= names
    f = tmp_path / "lifo.yaml"
    f.write_text(
        "name: lifo\ntitle: t\ndescription: d\nbase: baseline\nsources: [test]\n"
        "changes:\n  court.docket.order: {2014-08-01: 2}\n"
    )
    base = Simulation("baseline", "2013-10-01", "2016-09-30", seed=2, draws=2)
    lifo = Simulation(str(f), "2013-10-01", "2016-09-30", seed=2, draws=2)
    some_court_change = False
    for d in range(2):
        mb, ml = base.run_draw(d).metrics, lifo.run_draw(d).metrics
        for name in names:
            np.testing.assert_array_equal(mb.metrics[name].values, ml.metrics[name].values, name)
        some_court_change |= not np.array_equal(
            mb.metrics["court_completions_uac"].values, ml.metrics["court_completions_uac"].values
        )
    assert some_court_change


def test_draws_in_parallel_equal_draws_in_sequence():
    sim = Simulation("in-country-processing", "2014-01-01", "2015-03-31", seed=4, draws=2)
    seq = sim.run()
    par = sim.run(workers=2, keep_children=False)
    for a, b in zip(seq.draws, par.draws, strict=True):
        assert b.children is None and a.n_children == b.n_children
        for name, m in a.metrics.metrics.items():
            np.testing.assert_array_equal(m.values, b.metrics.metrics[name].values, name)
    assert dt.date(2014, 1, 1) == seq.start
