"""corridor sensitivity: Sobol indices of the Ishigami function through the same code path as the
simulation (the model is pluggable), Morris ranking, and the command's outputs."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from corridor.analysis.sensitivity import run_sensitivity
from corridor.analysis.sensitivity_model import SensitivitySetup, factors, row_parameters
from corridor.cli import app

runner = CliRunner()
A, B = 7.0, 0.1  # the Ishigami function's usual constants


def ishigami(U: np.ndarray) -> np.ndarray:
    """Ishigami on x in [-pi, pi]^3, the factors given as quantiles u in [0, 1]."""
    x = -math.pi + 2 * math.pi * U
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices() -> tuple[np.ndarray, np.ndarray]:
    """The closed-form first-order and total Sobol indices (Ishigami and Homma 1990)."""
    v1 = 0.5 * (1 + B * math.pi**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * math.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def test_sobol_indices_of_ishigami_within_tolerance():
    s1, st = ishigami_indices()
    r = run_sensitivity(ishigami, ["x1", "x2", "x3"], "sobol", 4096, seed=1)
    got = r.indices.set_index("parameter").loc[["x1", "x2", "x3"]]
    np.testing.assert_allclose(got.S1, s1, atol=0.03)
    np.testing.assert_allclose(got.ST, st, atol=0.03)
    # the intervals are honest: each contains the true value
    assert (np.abs(got.ST - st) <= got.ST_conf + 0.01).all()
    assert r.indices.parameter.tolist()[0] == "x1"  # ranked by the total index


def test_the_ishigami_check_can_fail():
    """Swapping two factors' roles is caught: x3 has no first-order effect, x2 no interaction."""
    s1, st = ishigami_indices()
    r = run_sensitivity(ishigami, ["x1", "x2", "x3"], "sobol", 1024, seed=2)
    got = r.indices.set_index("parameter").loc[["x1", "x3", "x2"]]  # wrong order on purpose
    assert np.abs(got.S1.to_numpy() - s1).max() > 0.2


def test_morris_screens_out_an_inert_factor():
    def model(U):
        return ishigami(U[:, :3])  # a fourth factor the function ignores

    r = run_sensitivity(model, ["x1", "x2", "x3", "inert"], "morris", 50, seed=1)
    t = r.indices.set_index("parameter")
    assert t.loc["inert", "mu_star"] == 0.0
    assert r.indices.parameter.iloc[-1] == "inert"
    assert set(r.indices.parameter[:2]) == {"x1", "x2"}


def test_a_row_samples_each_assumption_at_its_quantile():
    import datetime as dt

    from corridor.parameters.sampling import sample_parameter

    setup = SensitivitySetup("baseline", "orr_census", "peak", dt.date(2013, 10, 1),
                             dt.date(2014, 9, 30), 1)  # fmt: skip
    sim = setup.simulation()
    fs = factors(sim)
    assert len(fs) >= 10 and {f.provenance for f in fs} <= {"sourced", "calibrated", "judgement"}
    path = "orr.length_of_care.mean_days"
    p = row_parameters(sim, {path: 0.9})
    assert p[path].spec.values == sample_parameter(sim.base_params[path], 0.9).spec.values
    other = "orr.influx.lead_days"
    assert p[other].spec.values == sim.base_params[other].spec.values  # not in the row: stated


def test_cli_writes_csv_chart_and_lists_provenance(tmp_path):
    out = tmp_path / "s"
    args = ["sensitivity", "--metric", "orr_census", "--statistic", "peak", "--method",
            "morris", "--samples", "2", "--parameters", "orr.influx.*", "--start",
            "2013-10-01", "--end", "2014-09-30", "--workers", "2", "--out", str(out)]  # fmt: skip
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out / "sensitivity.csv")
    assert t.parameter.str.startswith("orr.influx.").all() and len(t) == 4
    for col in ("rank", "mu_star", "mu_star_conf", "provenance"):
        assert col in t.columns
    assert (out / "tornado.png").stat().st_size > 0 and (out / "tornado.svg").exists()
    rec = json.loads((out / "run.json").read_text())
    assert rec["runs"] == 2 * (4 + 1) and "top_judgement" in rec
    assert "drivers that are judgement" in r.output


@pytest.mark.parametrize(
    "change, where",
    [
        (["--metric", "no_such_metric"], "--metric"),
        (["--statistic", "sum"], "--metric"),
        (["--method", "fast"], "--method"),
        (["--samples", "1"], "--samples"),
        (["--parameters", "nothing.*"], "--parameters"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, change, where):
    out = tmp_path / "s"
    base = {"--metric": "orr_census", "--statistic": "peak", "--method": "sobol",
            "--samples": "4", "--start": "2014-01-01", "--end": "2014-03-01"}  # fmt: skip
    base[change[0]] = change[1]
    args = ["sensitivity", *[x for kv in base.items() for x in kv], "--out", str(out)]
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert where in r.output and len(r.output.strip().splitlines()) == 1, r.output
    assert not out.exists()
