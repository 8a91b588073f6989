"""The normal quantile of the lognormal delays (engine/normal_quantile.py) against scipy's, and
the simulation path kept free of scipy (its import costs about a quarter of a second a run)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridor.engine.normal_quantile import normal_quantile

special = pytest.importorskip("scipy.special")


def test_equals_scipy_to_the_last_bit_over_both_tails_and_the_centre():
    rng = np.random.default_rng(7)
    q = np.concatenate([
        rng.random(200_000),
        10.0 ** -rng.uniform(0, 300, 50_000),  # far lower tail (x beyond 8)
        1.0 - 10.0 ** -rng.uniform(1, 16, 50_000),  # upper tail
        [1e-300, 1e-16, 1 - 1e-16, 0.5, 0.13533528323661269189, 1 - 0.13533528323661269189,
         np.exp(-32.0), np.nextafter(np.exp(-32.0), 1.0)],
    ])  # fmt: skip
    assert np.array_equal(normal_quantile(q), special.ndtri(q))


def test_ends_and_shape():
    out = normal_quantile(np.array([[0.0, 1.0], [0.5, 0.975]]))
    assert out.shape == (2, 2)
    assert out[0, 0] == -np.inf and out[0, 1] == np.inf and out[1, 0] == 0.0
    assert abs(out[1, 1] - 1.959963984540054) < 1e-15


@given(st.floats(min_value=1e-300, max_value=1.0 - 1e-16), st.floats(min_value=1e-300,
       max_value=1.0 - 1e-16))  # fmt: skip
def test_increasing(a, b):
    lo, hi = sorted((a, b))
    za, zb = normal_quantile(np.array([lo, hi]))
    assert za <= zb


def test_simulation_path_does_not_import_scipy():
    code = ("import sys, corridor.cli, corridor.simulation, corridor.outputs.save; "
            "print(sorted(m for m in ('scipy.special', 'scipy.stats', 'scipy.optimize') if m in sys.modules))")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"  # numba itself imports the bare scipy package, which is cheap
