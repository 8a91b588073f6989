"""The court's committed calibration: the shipped values are the recorded fit, the fitted files
name its targets, and no held-out fact is anyone's calibration target."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from cli_helpers import load_tool

from corridor.analysis.calibrate import calibrate
from corridor.errors import CorridorError

REPO = Path(__file__).resolve().parents[1]
COURT = REPO / "calibration" / "court"


def _tool():
    return load_tool("calibration_record")


def test_court_calibration_is_what_is_shipped():
    rec = yaml.safe_load((COURT / "calibration.yaml").read_text())
    assert rec["use_in_baseline"] is True
    assert rec["held_out"], "the record lists the held-out facts"
    assert rec["command"].startswith("corridor calibrate") and "--held-out" in rec["command"]
    problems = _tool().check(COURT, rerun=False)
    assert not problems, problems


def test_check_finds_a_value_that_drifted(tmp_path, monkeypatch):
    """A record that fitted the execution rate to its shipped values passes the check; the same
    record against a copy of the tree whose value moved by 10% fails it. (A record of its own, as
    the court's fit may have kept every value it tried.)"""
    tool = _tool()
    rec = yaml.safe_load((COURT / "calibration.yaml").read_text())
    path = "court.removal.execution_rate"
    src = tool._file(path)
    shipped = yaml.safe_load(src.read_text())
    values = {str(d): v for d, v in shipped["values"].items()}
    rec["parameters"] = {path: {"before": values, "after": values}}
    rec["not_fitted"] = {}
    rec["targets"] = [{"id": t["fact"]} for t in shipped["calibrated_to"] if t["how"] == "fitted"]
    folder = tmp_path / "record"
    folder.mkdir()
    (folder / "calibration.yaml").write_text(yaml.safe_dump(rec))
    assert not tool.check(folder, rerun=False)
    params = tmp_path / "parameters"
    for f in tool.PARAMS.rglob("*.yaml"):
        dst = params / f.relative_to(tool.PARAMS)
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(f.read_text())
    moved = params / src.relative_to(tool.PARAMS)
    data = yaml.safe_load(moved.read_text())
    first = next(iter(data["values"]))
    v = data["values"][first]
    data["values"][first] = {g: x * 1.1 for g, x in v.items()} if isinstance(v, dict) else v * 1.1
    moved.write_text(yaml.safe_dump(data))
    monkeypatch.setattr(tool, "PARAMS", params)
    problems = tool.check(folder, rerun=False)
    assert any(path in p for p in problems), problems


def test_a_held_out_fact_cannot_be_a_target():
    with pytest.raises(CorridorError, match="held-out"):
        calibrate(["UAC-R02"], ["court.judges.juvenile_weight"], held_out=["UAC-R02"])
