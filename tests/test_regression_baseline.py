"""Regression baseline: the fixed-seed headline outputs still match tests/baseline.yaml.

If this fails because the model was changed on purpose, regenerate the file and say why:
``.venv/bin/python tools/update_baseline.py --note "..."``. Only keys in the file are compared,
so a new metric does not fail the test; a metric that disappears does.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from cli_helpers import load_tool

ROOT = Path(__file__).resolve().parents[1]
BASELINE = Path(__file__).with_name("baseline.yaml")


def _tool():
    return load_tool("update_baseline")


@pytest.mark.skipif(not BASELINE.exists(), reason="no tests/baseline.yaml yet")
def test_headline_outputs_match_the_baseline():
    doc = yaml.safe_load(BASELINE.read_text())
    tool = _tool()
    assert doc["config"] == tool.CONFIG, "the baseline was made with another configuration"
    rtol, atol = doc["tolerance"]["relative"], doc["tolerance"]["absolute"]
    now = tool.run()
    missing = sorted(k for k in doc["values"] if k not in now)
    moved = []
    for key, old in doc["values"].items():
        if key in missing:
            continue
        new = now[key]
        both_nan = isinstance(old, float) and math.isnan(old) and math.isnan(new)
        if not both_nan and not abs(new - old) <= rtol * abs(old) + atol:
            moved.append(f"{key}: {old:,.6g} -> {new:,.6g}")
    hint = "; regenerate on purpose with tools/update_baseline.py --note '...'"
    assert not missing, f"metrics no longer produced: {missing[:10]}{hint}"
    assert not moved, f"{len(moved)} headline outputs moved: " + "; ".join(moved[:15]) + hint
