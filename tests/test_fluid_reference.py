"""The one-line fluid model the census is judged against (analysis/fluid_reference.py)."""

from __future__ import annotations

import numpy as np
import pytest

from corridor.analysis.fluid_reference import fluid_census


def test_constant_inflow_approaches_littles_law_exponentially():
    days = np.arange(400)
    c = fluid_census(np.full(days.size, 100.0), np.full(days.size, 30.0))
    # dC/dt = R - C/L from C(0) = 0: C(t) = R L (1 - e^(-t/L)), exact at whole days
    np.testing.assert_allclose(c, 100 * 30 * (1 - np.exp(-(days + 1) / 30.0)), rtol=1e-12)
    assert c[-1] == pytest.approx(3000, rel=1e-5)  # Little's law: census = rate x stay


def test_a_longer_stay_applies_to_everyone_in_care_at_once():
    r = np.concatenate([np.full(300, 50.0), np.zeros(200)])
    short = fluid_census(r, np.full(500, 20.0))
    long = fluid_census(r, np.concatenate([np.full(300, 20.0), np.full(200, 80.0)]))
    assert long[299] == short[299]
    # with no inflow the census decays at 1/L a day: four times slower after the change
    assert long[310] / long[300] == pytest.approx(np.exp(-10 / 80), rel=1e-9)
    assert short[310] / short[300] == pytest.approx(np.exp(-10 / 20), rel=1e-9)
