"""Calibration: only assumption parameters change, the objective improves, the record is written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from corridor.analysis.calibrate import calibratable, calibratable_paths, knobs_for
from corridor.cli import app
from corridor.errors import CorridorError
from corridor.parameters.tree import load_parameters

runner = CliRunner()
TARGETS = "ORR-REL-FY2015,ORR-LOS-FY2015"
FIT = "orr.length_of_care.*,border.referral_days"


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory) -> Path:
    """A small, fast calibration: two targets, FY2013-FY2015, one draw, 8 optimiser steps."""
    out = tmp_path_factory.mktemp("cal") / "set"
    args = ["calibrate", "--targets", TARGETS, "--fit", FIT, "--end", "2015-09-30",
            "--draws", "1", "--evaluations", "8", "--jobs", "1", "--out", str(out)]  # fmt: skip
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return out


def test_record_is_written(calibrated):
    rec = yaml.safe_load((calibrated / "calibration.yaml").read_text())
    for key in ("created", "targets", "objective", "optimiser", "fit", "parameters",
                "use_in_baseline", "command", "window"):  # fmt: skip
        assert key in rec, key
    assert rec["use_in_baseline"] is False
    assert [t["id"] for t in rec["targets"]] == TARGETS.split(",")
    for t in rec["targets"]:
        assert t["observed"] > 0 and t["simulated_before"] > 0 and t["simulated_after"] > 0
    assert rec["parameters"], "the fit moved no parameter"


def test_objective_improves_over_the_uncalibrated_baseline(calibrated):
    rec = yaml.safe_load((calibrated / "calibration.yaml").read_text())
    assert rec["fit"]["after"] < rec["fit"]["before"]


def test_only_assumption_parameters_change(calibrated):
    shipped = load_parameters()
    fitted = load_parameters(calibrated / "parameters")  # the overlay loads like any user's
    changed = [p.path for p in shipped if p.spec.values != fitted[p.path].spec.values]
    assert changed
    for path in changed:
        p = shipped[path]
        assert calibratable(p) is None, f"{path}: {calibratable(p)}"
        a = p.spec.assumption
        lows = a.low if isinstance(a.low, dict) else {"": a.low}
        highs = a.high if isinstance(a.high, dict) else {"": a.high}
        assert set(fitted[path].spec.values) == set(p.spec.values)  # the same dated regimes
        for date, value in fitted[path].spec.values.items():
            values = value if isinstance(value, dict) else {"": value}
            stated = p.spec.values[date]
            stated = stated if isinstance(stated, dict) else {"": stated}
            for g in values:  # inside the range (widened to a shipped value outside it)
                lo, hi = min(lows[g], stated[g]), max(highs[g], stated[g])
                assert lo - 1e-9 <= values[g] <= hi + 1e-9, (path, date, g)
    # the fitted files keep their provenance and say they are calibrated
    for path in changed:
        spec = fitted[path].spec
        assert spec.description.startswith("CALIBRATED")
        assert spec.sources[: len(shipped[path].spec.sources)] == shipped[path].spec.sources


def test_sourced_values_are_never_fitted():
    params = load_parameters()
    paths = calibratable_paths(params)
    assert paths
    for p in params:
        if p.spec.assumption is None or p.spec.assumption.relative:
            assert p.path not in paths
    for path in ("border.transfer_deadline_hours", "orr.length_of_care.mean_days"):
        with pytest.raises(CorridorError, match="cannot be calibrated"):
            knobs_for(params, [path])


def test_cli_refuses_a_sourced_parameter(tmp_path):
    out = tmp_path / "x"
    res = runner.invoke(app, ["calibrate", "--targets", "ORR-LOS-FY2015", "--fit",
                              "orr.capacity.standard_beds", "--out", str(out)])  # fmt: skip
    assert res.exit_code == 2
    assert "orr.capacity.standard_beds" in res.output and "cannot be calibrated" in res.output
    assert not out.exists()


def test_cli_refuses_an_unknown_target(tmp_path):
    out = tmp_path / "x"
    res = runner.invoke(app, ["calibrate", "--targets", "NO-SUCH-FACT", "--out", str(out)])
    assert res.exit_code == 2 and "NO-SUCH-FACT" in res.output
    assert not out.exists()


SETS = sorted((Path(__file__).resolve().parents[1] / "calibration").glob("*/calibration.yaml"))
BASELINE_SETS = {"court", "orr-length-of-care"}


@pytest.mark.parametrize("record", SETS, ids=[p.parent.name for p in SETS])
def test_shipped_sets_are_off_by_default_and_fit_only_assumptions(record):
    """An example set is off by default; the sets the baseline uses (the court's and the
    shelter's length of care) are what the shipped files hold (tests/test_calibration_record.py
    and tests/test_calibration_length_of_care.py check them value by value)."""
    rec = yaml.safe_load(record.read_text())
    assert rec["use_in_baseline"] is (record.parent.name in BASELINE_SETS)
    assert rec["fit"]["after"] <= rec["fit"]["before"]
    shipped = load_parameters()
    overlay = load_parameters(record.parent / "parameters")
    for p in shipped:
        if p.spec.values != overlay[p.path].spec.values:
            assert not rec["use_in_baseline"], p.path
            assert calibratable(p) is None, p.path
            assert p.path in rec["parameters"], p.path


def test_sampled_candidates_move_the_sampled_draws():
    """With --sampled each draw samples around the candidate's values: a candidate at the low
    end of a range gives sampled values no higher, and at the high end no lower, than the shipped
    value's draw (and they differ), so the median the fit sees follows the candidate."""
    import numpy as np

    from corridor.analysis.calibrate import _apply
    from corridor.parameters.sampling import sample_tree

    params = load_parameters()
    path = "court.hearing.attendance"
    knob = knobs_for(params, [path])[0]

    def sampled(x: float) -> np.ndarray:
        tree = sample_tree(_apply(params, {path: knob.value(x)}), 1, 3)
        v = next(iter(tree[path].spec.values.values()))
        return np.array([v["represented"], v["unrepresented"]])

    low, mid, high = sampled(0.0), sampled(0.5), sampled(1.0)
    assert (low <= mid).all() and (mid <= high).all() and (low < high).any()
