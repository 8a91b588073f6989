"""The standard normal quantile function (the inverse of its cumulative distribution), for the
lognormal stage delays, without importing scipy on the simulation path (scipy.special and the
array-API layer it loads cost about a quarter of a second of every run's start).

The algorithm is Cephes ``ndtri`` (S. L. Moshier, Cephes Math Library 2.1, 1989), the one
``scipy.special.ndtri`` uses (https://github.com/scipy/scipy, scipy/special/cephes/ndtri.c):
for ``|q - 1/2| <= 1/2 - exp(-2)`` a rational function of ``(q - 1/2)^2``; in the tails, with
``x = sqrt(-2 log q)``, ``x - log(x)/x`` minus a rational function of ``1/x`` (one for
``x < 8``, one beyond). The coefficients below are Cephes's. Evaluated in the same order, with
the same C-library ``log`` and ``sqrt``, the values equal scipy's to the last bit
(``tests/test_normal_quantile.py`` checks it against scipy when scipy is installed).
"""

from __future__ import annotations

import math

import numba
import numpy as np

# |q - 1/2| <= 3/8: x / sqrt(2 pi) = w + w^3 P0(w^2) / Q0(w^2), w = q - 1/2
_P0 = (-5.99633501014107895267e1, 9.80010754185999661536e1, -5.66762857469070293439e1,
       1.39312609387279679503e1, -1.23916583867381258016e0)  # fmt: skip
_Q0 = (1.95448858338141759834e0, 4.67627912898881538453e0, 8.63602421390890590575e1,
       -2.25462687854119370527e2, 2.00260212380060660359e2, -8.20372256168333339912e1,
       1.59056225126211695515e1, -1.18331621121330003142e0)  # fmt: skip
# tails, 2 <= x < 8 (exp(-32) < q < exp(-2))
_P1 = (4.05544892305962419923e0, 3.15251094599893866154e1, 5.71628192246421288162e1,
       4.40805073893200834700e1, 1.46849561928858024014e1, 2.18663306850790267539e0,
       -1.40256079171354495875e-1, -3.50424626827848203418e-2, -8.57456785154685413611e-4)  # fmt: skip
_Q1 = (1.57799883256466749731e1, 4.53907635128879210584e1, 4.13172038254672030440e1,
       1.50425385692907503408e1, 2.50464946208309415979e0, -1.42182922854787788574e-1,
       -3.80806407691578277194e-2, -9.33259480895457427372e-4)  # fmt: skip
# far tails, 8 <= x <= 64 (q down to exp(-2048))
_P2 = (3.23774891776946035970e0, 6.91522889068984211695e0, 3.93881025292474443415e0,
       1.33303460815807542389e0, 2.01485389549179081538e-1, 1.23716634817820021358e-2,
       3.01581553508235416007e-4, 2.65806974686737550832e-6, 6.23974539184983293730e-9)  # fmt: skip
_Q2 = (6.02427039364742014255e0, 3.67983563856160859403e0, 1.37702099489081330271e0,
       2.16236993594496635890e-1, 1.34204006088543189037e-2, 3.28014464682127739104e-4,
       2.89247864745380683936e-6, 6.79019408009981274425e-9)  # fmt: skip
_SQRT_2PI = 2.50662827463100050242e0
_EXP_MINUS_2 = 0.13533528323661269189  # where the central approximation hands over to the tails


@numba.njit(cache=True, inline="always")
def _polynomial(x, coefficients):
    """c[0] x^n + ... + c[n] by Horner's rule (Cephes ``polevl``)."""
    total = coefficients[0]
    for k in range(1, len(coefficients)):
        total = total * x + coefficients[k]
    return total


@numba.njit(cache=True, inline="always")
def _monic_polynomial(x, coefficients):
    """x^(n+1) + c[0] x^n + ... + c[n] (Cephes ``p1evl``: the leading coefficient is 1)."""
    total = x + coefficients[0]
    for k in range(1, len(coefficients)):
        total = total * x + coefficients[k]
    return total


@numba.njit(cache=True)
def _quantile(q):
    if q <= 0.0:
        return -np.inf
    if q >= 1.0:
        return np.inf
    lower = True
    y = q
    if y > 1.0 - _EXP_MINUS_2:  # upper tail: by symmetry from 1 - q
        y = 1.0 - y
        lower = False
    if y > _EXP_MINUS_2:
        w = y - 0.5
        w2 = w * w
        return (w + w * (w2 * _polynomial(w2, _P0) / _monic_polynomial(w2, _Q0))) * _SQRT_2PI
    x = math.sqrt(-2.0 * math.log(y))
    x0 = x - math.log(x) / x
    z = 1.0 / x
    if x < 8.0:
        x1 = z * _polynomial(z, _P1) / _monic_polynomial(z, _Q1)
    else:
        x1 = z * _polynomial(z, _P2) / _monic_polynomial(z, _Q2)
    return x1 - x0 if lower else x0 - x1


@numba.njit(cache=True)
def _quantiles(q, out):
    for i in range(q.shape[0]):
        out[i] = _quantile(q[i])


def normal_quantile(q: np.ndarray) -> np.ndarray:
    """The standard normal quantile of each ``q`` (-inf at 0, inf at 1); any shape."""
    q = np.asarray(q, dtype=np.float64)
    flat = np.ascontiguousarray(q).reshape(-1)
    out = np.empty_like(flat)
    _quantiles(flat, out)
    return out.reshape(q.shape)
