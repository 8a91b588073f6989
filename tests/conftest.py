"""Shared fixtures: small runs are simulated once per test session."""

from __future__ import annotations

import pytest

from corridor import Simulation


@pytest.fixture(scope="session")
def baseline_2013_2020():
    """The baseline, reported FY2013-FY2020, one draw, seed 1."""
    return Simulation("baseline", "2012-10-01", "2020-09-30", seed=1).run()
