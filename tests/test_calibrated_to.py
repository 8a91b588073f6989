"""calibrated_to: the facts a parameter value was tuned to are read, validated and labelled
``calibration target`` by the backtest, never ``independent``."""

from __future__ import annotations

import pytest
from cli_helpers import OK, overlay
from typer.testing import CliRunner

from corridor.analysis.backtest import calibration_targets, fact_role
from corridor.cli import app
from corridor.parameters.tree import known_fact_ids, load_parameters

runner = CliRunner()


def test_shipped_calibrated_to_names_shipped_facts():
    params = load_parameters()
    tuned = calibration_targets(params)
    assert tuned, "the court's tuned values record their targets"
    assert set(tuned) <= known_fact_ids()
    # the juvenile backlog of mid-2014 was the court's tuning target (issue 12)
    assert any(p.startswith("court.judges.priority_weight") for p in tuned["UAC-P01"])


def test_role_of_a_tuned_fact_is_calibration_target():
    tuned = {"F-1": ["a.b (chosen)"]}
    cited = {"F-1": ["a.b"], "F-2": ["a.b"]}
    assert fact_role("F-1", set(), tuned, cited) == "calibration target"
    assert fact_role("F-1", {"F-1"}, tuned, cited) == "calibration target"
    assert fact_role("F-2", set(), tuned, cited) == "parameter source"
    assert fact_role("F-3", set(), tuned, cited) == "independent"
    # a sum of given arrival counts (both inflows) is reproduced by construction
    assert fact_role("F-3", set(), tuned, cited, "arrivals+arrivals_ports") == "input"
    assert fact_role("F-3", set(), tuned, cited, "orr_referrals") == "independent"


@pytest.mark.parametrize(
    "entry, needle",
    [
        ("  - {fact: NO-SUCH-FACT, how: chosen}\n", "NO-SUCH-FACT"),
        ("  - {fact: UAC-P01, how: guessed}\n", "calibrated_to"),
        ("  - {fact: UAC-P01}\n", "calibrated_to"),
    ],
)
def test_bad_calibrated_to_is_one_line(tmp_path, entry, needle):
    def edit(text: str) -> str:
        return text + "calibrated_to:\n" + entry

    params = overlay(tmp_path, "border.transfer_deadline_hours", edit)  # a file with no calibrated_to yet
    out = tmp_path / "out"
    res = runner.invoke(app, [*OK, "--params", str(params), "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert needle in res.output and "transfer_deadline_hours.yaml" in res.output, res.output
    assert len([x for x in res.output.splitlines() if x.strip()]) == 1, res.output
    assert not out.exists()


def test_params_command_shows_calibration_targets():
    res = runner.invoke(app, ["params", "court.judges.priority_weight"])
    assert res.exit_code == 0, res.output
    assert "calibrated to" in res.output and "UAC-P01" in res.output


def test_a_fact_containing_a_tuned_period_is_a_calibration_target_too():
    """A month's mean that holds a tuned day (same metric and group) is partly that day: not an
    independent test. A fact of another metric, or one the tuned period sticks out of, is."""
    import datetime as dt

    from corridor.analysis.backtest import Fact, containing_targets

    def fact(fid, metric, start, end):
        return Fact(fid, "q", "p", 1.0, "u", metric, "all", "mean", "high", "", "", "f", 1,
                    dt.date.fromisoformat(start), dt.date.fromisoformat(end), 1.0)  # fmt: skip

    day = fact("DAY", "orr_discharges", "2021-04-13", "2021-04-13")
    month = fact("MONTH", "orr_discharges", "2021-04-01", "2021-04-30")
    other = fact("OTHER", "orr_census", "2021-04-01", "2021-04-30")
    later = fact("LATER", "orr_discharges", "2021-04-14", "2021-05-31")
    tuned = containing_targets([day, month, other, later], {"DAY": ["p.x (chosen)"]})
    assert set(tuned) == {"DAY", "MONTH"}
    assert tuned["MONTH"] == ["p.x (chosen) via DAY"]
