"""The one-line fluid model of the shelter census, the reference the agent model must beat.

A planner without corridor would estimate the census from the same public facts with one line:
the census changes each day by the children referred minus the census divided by the mean stay,
``C(t + 1) = C(t) e^(-1/L(t)) + R(t) L(t) (1 - e^(-1/L(t)))`` (the exact one-day solution of
``dC/dt = R - C / L``), with ``R`` the referrals and ``L`` the dated mean length of care. The
backtest computes it on each draw's own referrals and length-of-care regimes, so the two differ
only in what the agent model adds (beds, transfer and case-management limits, the shape of the
stay, a regime that reaches every child in care, aging out), and reports both errors on every
census fact.

``R`` is the referrals of unaccompanied children as CBP counted them: the children separated
from their parents in 2018 (``orr_referrals_separated``, in the agent model's referrals since
it models them, ``stages/separation.py``) are left out, so the reference is the one the census
table measured before the model had them, not one moved with the model.
"""

from __future__ import annotations

import numpy as np

METRIC = "orr_census_fluid"  # the backtest's name for this series
CENSUS = "orr_census"  # the facts it is compared on
SEPARATED = "orr_referrals_separated"  # referrals the reference leaves out (see above)
MEAN_STAY = "orr.length_of_care.mean_days"


def fluid_census(referrals: np.ndarray, mean_days: np.ndarray) -> np.ndarray:
    """Daily census of the fluid model from an empty start: referrals a day, dated mean stay."""
    referrals = np.asarray(referrals, dtype=np.float64)
    mean_days = np.asarray(mean_days, dtype=np.float64)
    keep = np.exp(-1.0 / mean_days)  # share of the census still in care a day later
    gain = mean_days * (1.0 - keep)  # census a day from one child a day arriving through it
    out = np.empty_like(referrals)
    c = 0.0
    for t in range(referrals.size):
        c = c * keep[t] + referrals[t] * gain[t]
        out[t] = c
    return out
