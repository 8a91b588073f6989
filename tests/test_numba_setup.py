"""The engine loads numba's numpy implementations without SciPy's linear algebra
(engine/numba_setup.py): a run never imports ``scipy.linalg``, SciPy still works after it, and
no kernel uses the functions that would need SciPy's BLAS."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import corridor

SRC = Path(corridor.__file__).parent


def test_a_run_does_not_import_scipy_linalg_and_scipy_works_after_it():
    code = (
        "import sys\n"
        "from corridor import Simulation\n"
        "r = Simulation('baseline', '2014-01-01', '2014-03-31', seed=1).run()\n"
        "print('scipy.linalg' in sys.modules)\n"
        "import numba.np.arraymath, scipy.linalg, scipy.optimize\n"
        "print(numba.np.arraymath._HAVE_BLAS, scipy.optimize.brentq(lambda x: x - 0.5, 0, 1))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "0.5"], out.stdout + out.stderr


def test_no_kernel_uses_what_needs_scipys_blas():
    """np.dot would still compile (it asks for the BLAS itself) but the engine's claim in
    numba_setup's docstring, that no kernel uses these, must stay true."""
    needs_blas = re.compile(r"np\.(dot|vdot|convolve|correlate|linalg|matmul)\b|@\s*\w")
    offenders = []
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        if "njit" not in text:  # only the modules that compile kernels
            continue
        for n, line in enumerate(text.splitlines(), 1):
            code = line.split("#", 1)[0]
            if needs_blas.search(code) and not code.lstrip().startswith("@"):
                offenders.append(f"{path.relative_to(SRC)}:{n}: {line.strip()}")
    assert not offenders, offenders
