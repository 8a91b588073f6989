"""corridor: a simulator of the U.S. system that receives unaccompanied migrant children.

The public API:

    from corridor import Simulation
    sim = Simulation(scenario="baseline", start="2013-10-01", end="2016-09-30", seed=1)
    result = sim.run()
    result.daily        # tidy DataFrame: scenario, draw, date, metric, group, value
    result.fiscal_years # the same metrics per U.S. fiscal year
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("corridor")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"

from corridor.simulation import Result, Simulation  # noqa: E402

__all__ = ["Simulation", "Result", "__version__"]
