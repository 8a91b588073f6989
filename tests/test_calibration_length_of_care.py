"""The shelter's committed calibration (the shape of the length-of-care distribution): the
shipped values are the recorded fit, the fitted files name its targets, and its held-out facts,
the published census counts among them, are nobody's calibration target."""

from __future__ import annotations

from pathlib import Path

import yaml
from cli_helpers import load_tool

REPO = Path(__file__).resolve().parents[1]
RECORD = REPO / "calibration" / "orr-length-of-care"


def test_length_of_care_calibration_is_what_is_shipped():
    rec = yaml.safe_load((RECORD / "calibration.yaml").read_text())
    assert rec["use_in_baseline"] is True
    assert rec["command"].startswith("corridor calibrate") and "--held-out" in rec["command"]
    held = {f["id"] for f in rec["held_out"]}
    assert {"ORR-CEN-2022-12-mid", "ORR-CEN-2023-10-13", "HHS-CEN-2021-04"} <= held
    assert not held & {t["id"] for t in rec["targets"]}
    problems = load_tool("calibration_record").check(RECORD, rerun=False)
    assert not problems, problems
