"""corridor: a simulator of the U.S. system that receives unaccompanied migrant children.

The public API:

    from corridor import Simulation
    sim = Simulation(scenario="baseline", start="2013-10-01", end="2016-09-30", seed=1)
    result = sim.run()
    result.daily        # tidy DataFrame: scenario, draw, date, metric, group, value
    result.fiscal_years # the same metrics per U.S. fiscal year
    result.save("out/baseline"); result.plot("orr_census")
    comp = corridor.compare(["baseline", "counsel-for-all"], start="2014-01-01",
                            end="2016-09-30", draws=20)
    comp.table(); comp.plot("court_pending_uac"); comp.save("out/compare")
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("corridor")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"


def compare(
    scenarios: list[str],
    start: str = "2013-10-01",
    end: str = "2020-09-30",
    draws: int = 50,
    seed: int = 1,
    **options,
):
    """Run scenarios side by side on the same draws; a ``Comparison`` with ``.table()``,
    ``.plot(metric)`` and ``.save(dir)``. ``options``: workers, params_dir, arrivals_file,
    arrivals_mode, assumptions, cluster (as ``corridor compare``)."""
    from corridor.analysis.compare import compare as run_compare

    return run_compare(list(scenarios), start, end, draws, seed, **options)


__all__ = ["Simulation", "Result", "compare", "__version__"]


def __getattr__(name: str):
    # imported on first use, so that the command line checks its options and limits in well
    # under a second, before the model (numba, pandas) is loaded
    if name in ("Simulation", "Result"):
        from corridor import simulation

        return getattr(simulation, name)
    raise AttributeError(f"module 'corridor' has no attribute {name!r}")
