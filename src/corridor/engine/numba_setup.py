"""Numba set up for the engine's kernels without importing SciPy's linear algebra.

The first kernel a process calls makes numba load its implementations of numpy, and one of
them, ``numba.np.arraymath``, probes at import for SciPy's BLAS (``import
scipy.linalg.cython_blas``) to decide how to compile ``np.convolve`` and ``np.correlate``. The
probe imports all of ``scipy.linalg`` (with SciPy's array-API layer and ``numpy.f2py``): about
0.2 s of CPU at every run's and every worker's start (a one-month run in a fresh process, five
interleaved pairs: 1.99 s against 1.81 s), for functions no corridor kernel uses (no kernel calls ``np.dot``,
``np.convolve``, ``np.correlate`` or ``np.linalg``: ``tests/test_numba_setup.py`` reads them).

So the engine imports ``numba.np.arraymath`` itself, first, with the probe's module marked
missing for the length of that import only: numba then compiles those two functions with its
own loop, and any later ``import scipy.linalg`` (``calibrate`` and ``plan`` use SciPy) works as
usual, as does ``np.dot`` in a kernel, which asks for the BLAS again when it is compiled.
"""

from __future__ import annotations

import sys

_PROBED_MODULE = "scipy.linalg.cython_blas"


def skip_scipy_blas_probe() -> None:
    """Import ``numba.np.arraymath`` with its SciPy BLAS probe answered "not installed".

    Nothing is done if numba's module, or SciPy's linear algebra, is already loaded (then the
    probe has run, or costs nothing)."""
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    sys.modules[_PROBED_MODULE] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        if sys.modules.get(_PROBED_MODULE, 0) is None:
            del sys.modules[_PROBED_MODULE]
