"""The engine: the clock, named random streams and the queue kernels. It knows no policy."""

from corridor.engine import numba_setup as _numba_setup  # before any kernel: see its docstring

_numba_setup.skip_scipy_blas_probe()
