"""The probability that a scenario is better than the first one: ``p_better`` in compare.

For a metric whose better direction the metric dictionary states (``better(metric)``: lower or
higher), ``p_better`` is the share of paired draws (the same draw, hence the same sampled
assumptions and random numbers, in both scenarios) in which the scenario's value beats the first
scenario's in that direction.

**Ties count half.** A draw in which both values are equal counts 1/2 (as in the Mann-Whitney
statistic), so ``p_better(A over B) + p_better(B over A) = 1`` and a scenario compared with
itself, where every draw ties, has ``p_better`` exactly 0.5: "no evidence either way", never a
spurious 0 or 1. Many draws can tie when a policy cannot move a metric (children held past 72
hours at zero in both); 0.5 then says the scenario is not better, not that it is worse.

**Undefined** (NaN) when the dictionary gives no direction (arrivals, the census: more is neither
better nor worse in itself) or when no draw has both values.
"""

from __future__ import annotations

import numpy as np

TIE_WEIGHT = 0.5  # the share of a tied draw counted as a win (see the module's doc)


def direction_signs(metrics) -> np.ndarray:
    """Per metric: +1 when higher is better, -1 when lower is better, 0 when neither."""
    from corridor.outputs.dictionary import better

    sign = {"higher": 1.0, "lower": -1.0}
    return np.array([sign.get(better(m) or "", 0.0) for m in metrics])


def p_better(values: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """``values[scenario, draw, series, ...]`` and ``signs[series]`` -> ``[scenario, series,
    ...]``: the share of draws in which each scenario beats scenario 0 (ties count half)."""
    ref = values[:1]
    shape = (1, 1, len(signs)) + (1,) * (values.ndim - 3)
    s = signs.reshape(shape)
    d = (values - ref) * s  # positive: better than the first scenario in that draw
    ok = np.isfinite(d)
    wins = np.where(ok, (d > 0) + TIE_WEIGHT * (d == 0), 0.0).sum(axis=1)
    n = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(n > 0, wins / n, np.nan)
    return np.where((signs == 0).reshape(shape[1:]), np.nan, p)


def headline_by_period(comp) -> list[dict]:
    """``p_better`` of each scenario after the first, for each headline metric that has a better
    direction, per fiscal year of the window and the whole window (``comp``: a
    ``corridor.analysis.compare.Comparison``). The same numbers as ``comparison.csv``'s
    ``p_better`` for group ``all``. Rows: metric, statistic, label, scenario, p (period -> value)."""
    index = {k: i for i, k in enumerate(comp.keys)}
    rows, seen = [], set()
    for h in comp.headlines:
        i = index.get((h.metric, "all", h.statistic))
        signs = direction_signs([h.metric])
        if i is None or signs[0] == 0 or (h.metric, h.statistic) in seen:
            continue
        seen.add((h.metric, h.statistic))
        pb = p_better(comp.values[:, :, i : i + 1, :], signs)[:, 0, :]  # [scenario, period]
        for s in range(1, len(comp.scenarios)):
            rows.append({"metric": h.metric, "statistic": h.statistic, "label": h.label,
                         "scenario": comp.scenarios[s],
                         "p": dict(zip(comp.periods, map(float, pb[s]), strict=True))})  # fmt: skip
    return rows
