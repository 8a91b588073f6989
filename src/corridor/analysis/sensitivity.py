"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

**The factors.** Each factor is a number in [0, 1]: the quantile ``u`` at which an assumption is
sampled (``corridor.parameters.sampling``: the split-uniform around the stated value on its range).
Working on quantiles puts every assumption, a share or a number of days, on one scale and
measures each over the range its file states, with the distribution Monte Carlo draws use.

**The methods** (SALib's samplers and analysers, unchanged):

* ``morris``: ``samples`` trajectories of ``k + 1`` runs each (``k`` factors), on a grid of
  ``MORRIS_LEVELS`` levels; per factor the mean absolute elementary effect ``mu_star`` (the
  ranking), its bootstrap confidence interval, the signed mean ``mu`` and the spread ``sigma``
  (interactions and non-linearity).
* ``sobol``: Saltelli's scheme with ``samples`` base rows (a power of two), ``samples x (k + 2)``
  runs without second-order indices; per factor the first-order index ``S1`` and the total
  index ``ST`` with their bootstrap confidence intervals.

Confidence intervals are at ``CONFIDENCE``. The model is any function from a matrix of factor
rows to one number per row (``evaluate``), so the same code analyses the simulation
(``corridor.analysis.sensitivity_model``) and test functions whose indices are known.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from corridor.errors import CorridorError

METHODS = ("morris", "sobol")
MORRIS_LEVELS = 4  # the usual choice: levels 0, 1/3, 2/3, 1 of each factor's range
CONFIDENCE = 0.95
RESAMPLES = 1000  # bootstrap resamples for the confidence intervals
INDEX_COLUMNS = {
    "morris": ("mu_star", "mu_star_conf", "mu", "sigma"),
    "sobol": ("ST", "ST_conf", "S1", "S1_conf"),
}


@dataclass
class Sensitivity:
    method: str
    names: list[str]
    X: np.ndarray  # [run, factor] factor rows in [0, 1]
    Y: np.ndarray  # [run] the model's output
    indices: pd.DataFrame  # one row per factor, ranked

    @property
    def ranking(self) -> str:
        return INDEX_COLUMNS[self.method][0]


def problem(names: Sequence[str]) -> dict:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def sample(method: str, names: Sequence[str], samples: int, seed: int) -> np.ndarray:
    """The factor rows SALib's sampler gives for ``method``."""
    if method not in METHODS:
        raise CorridorError("--method", f"'{method}' is not one of {', '.join(METHODS)}")
    if samples < 2:
        raise CorridorError("--samples", f"{samples} must be at least 2")
    p = problem(names)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(p, samples, num_levels=MORRIS_LEVELS, seed=seed)
    if samples & (samples - 1):
        raise CorridorError("--samples", f"{samples}: Sobol needs a power of two (e.g. 64)")
    from SALib.sample import sobol

    return sobol.sample(p, samples, calc_second_order=False, scramble=True, seed=seed)


def analyse(method: str, names: Sequence[str], X: np.ndarray, Y: np.ndarray, seed: int):
    """SALib's indices with confidence intervals, one row per factor, most influential first."""
    p = problem(names)
    Y = np.asarray(Y, dtype=float)
    if not np.isfinite(Y).all():
        raise CorridorError("--metric", "the statistic is undefined (NaN) in some runs; "
                            "choose a metric and statistic defined in every run")  # fmt: skip
    if method == "morris":
        from SALib.analyze import morris

        r = morris.analyze(p, X, Y, num_levels=MORRIS_LEVELS, conf_level=CONFIDENCE,
                           num_resamples=RESAMPLES, seed=seed)  # fmt: skip
    else:
        from SALib.analyze import sobol

        r = sobol.analyze(p, Y, calc_second_order=False, conf_level=CONFIDENCE,
                          num_resamples=RESAMPLES, seed=seed)  # fmt: skip
    cols = INDEX_COLUMNS[method]
    df = pd.DataFrame({"parameter": list(names), **{c: np.asarray(r[c], float) for c in cols}})
    df = df.sort_values(cols[0], ascending=False, kind="stable").reset_index(drop=True)
    df.insert(1, "rank", np.arange(1, len(df) + 1))
    return df


def run_sensitivity(
    evaluate: Callable[[np.ndarray], np.ndarray],
    names: Sequence[str],
    method: str,
    samples: int,
    seed: int = 1,
) -> Sensitivity:
    """Sample the factors, evaluate the model on every row, and analyse."""
    names = list(names)
    if len(names) < 2:
        raise CorridorError("--method", "sensitivity needs at least two factors")
    X = sample(method, names, samples, seed)
    Y = np.asarray(evaluate(X), dtype=float)
    if Y.shape != (len(X),):
        raise ValueError(f"the model returned {Y.shape} values for {len(X)} rows")
    return Sensitivity(method, names, X, Y, analyse(method, names, X, Y, seed))
