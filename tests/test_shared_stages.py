"""Scenarios of one draw run together (corridor.shared_stages) give exactly what each gives
alone: a scenario resumed from another's state after the stages they share is a full run."""

from __future__ import annotations

import numpy as np
import pytest

from corridor import shared_stages
from corridor.simulation import Simulation

WINDOW = ("2014-01-01", "2014-12-31")


def _same(a, b) -> None:
    assert a.n_children == b.n_children
    assert a.metrics.metrics.keys() == b.metrics.metrics.keys()
    for name, m in a.metrics.metrics.items():
        np.testing.assert_array_equal(m.values, b.metrics.metrics[name].values, err_msg=name)
    for name, col in vars(a.children).items():
        if isinstance(col, np.ndarray):
            np.testing.assert_array_equal(col, getattr(b.children, name), err_msg=name)


@pytest.mark.parametrize("draws", [1, 3])
def test_together_equals_alone(draws, monkeypatch):
    names = ["baseline", "counsel-for-all", "supplemental-2014", "house-2014", "baseline"]
    sims = [Simulation(n, *WINDOW, seed=5, draws=draws) for n in names]
    resumed = []
    real = shared_stages._copy_ctx

    def spy(ctx, params):
        resumed.append(ctx.children.n)
        return real(ctx, params)

    monkeypatch.setattr(shared_stages, "_copy_ctx", spy)
    draw = draws - 1
    together = shared_stages.run_together(sims, draw)
    assert resumed, "no scenario shared any stage"
    # again: now only the copies the first call resumed from are taken
    again = shared_stages.run_together(sims, draw)
    for sim, result, result2 in zip(sims, together, again, strict=True):
        alone = sim.run_draw(draw)
        _same(result, alone)
        _same(result2, alone)


def test_reads_decide_sharing():
    """A later scenario resumes only after the stages whose parameters it has unchanged: counsel
    for all (court only) after the shelters, the House bill (its National Guard lever acts on
    departures) after the arrivals."""
    sims = [Simulation(n, *WINDOW, seed=2) for n in ("baseline", "counsel-for-all", "house-2014")]
    reads: dict = {}
    params = shared_stages.ReadParameters(sims[0].draw_params(0), reads)
    ctx = sims[0].start_draw(0, params)
    from corridor.simulation import PIPELINE

    names = [m.__name__.rsplit(".", 1)[-1] for m in PIPELINE]
    matched = {"arrivals": [shared_stages.same_reads(reads, s.draw_params(0)) for s in sims]}
    for name, stage in zip(names, PIPELINE, strict=True):
        stage.run(ctx)
        matched[name] = [shared_stages.same_reads(reads, s.draw_params(0)) for s in sims]
    assert matched["arrivals"] == [True, True, True]
    assert matched["origin"] == [True, True, False]
    assert matched["shelter"] == [True, True, False]
    assert matched["court"] == [True, False, False]
