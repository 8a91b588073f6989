"""The metric dictionary: every metric a run writes has a row with a real definition, its unit
and kind agree with what the stage writes, the files carry it, and the docs are generated from it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from corridor.cli import app
from corridor.outputs.dictionary import (
    BETTER,
    KINDS,
    better,
    describe,
    label_with_unit,
    load_dictionary,
    markdown,
)
from corridor.scenarios.schema import OUTLAY_METRICS

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def test_the_dictionary_is_well_formed():
    d = load_dictionary()
    assert d["metric"].is_unique
    assert set(d["kind"]) <= set(KINDS)
    assert set(d["better"]) <= set(BETTER)
    assert (d["unit"].str.len() > 0).all()
    short = d[d["description"].str.len() < 25]
    assert short.empty, f"definitions too short: {list(short.metric)}"
    assert (d["stage"].str.len() > 0).all()


def _check_written(result):
    """Every metric of every draw has a row whose unit and kind match what the stage wrote."""
    d = load_dictionary().set_index("metric")
    for draw in result.draws:
        for name, m in draw.metrics.metrics.items():
            assert name in d.index, f"{name} has no row in metric_dictionary.csv"
            assert d.at[name, "kind"] == m.kind, f"{name}: kind {m.kind} in the run"
            assert d.at[name, "unit"] == m.unit, f"{name}: unit {m.unit!r} in the run"


def test_every_metric_of_a_run_is_defined(baseline_2013_2020):
    _check_written(baseline_2013_2020)


def test_every_metric_of_a_scenario_with_every_stage_is_defined():
    from corridor import Simulation

    # in-country processing, levers and outlays switched on together
    r = Simulation("supplemental-2014+in-country-processing+mexico-enforcement",
                   "2014-06-01", "2014-09-30", seed=2).run()  # fmt: skip
    _check_written(r)


def test_every_outlay_metric_is_defined():
    d = load_dictionary().set_index("metric")
    for name in OUTLAY_METRICS:
        assert d.at[name, "unit"] == "USD" and d.at[name, "kind"] == "flow"


def test_better_and_labels():
    assert better("removal_in_absentia") == "lower"
    assert better("relief_granted") == "higher"
    assert better("arrivals") is None
    assert better("no_such_metric") is None
    assert label_with_unit("orr_census") == "children in ORR care (children)"
    assert label_with_unit("cost_total") == "total cost (US$)"


def test_describe_keeps_an_unknown_metric_visible():
    t = describe(["orr_census", "not_a_metric", "orr_census"])
    assert list(t["metric"]) == ["orr_census", "not_a_metric"]
    assert "not in the metric dictionary" in t["description"].iloc[1]


def test_run_directory_has_metrics_csv_covering_daily(tmp_path):
    out = tmp_path / "run"
    res = runner.invoke(app, ["run", "--start", "2014-01-01", "--end", "2014-02-28",
                              "--out", str(out)])  # fmt: skip
    assert res.exit_code == 0, res.output
    mc = pd.read_csv(out / "metrics.csv", keep_default_na=False)
    assert {"metric", "unit", "kind", "description"} <= set(mc.columns)
    used = set(pd.read_parquet(out / "daily.parquet")["metric"].unique())
    defined = set(mc.metric[mc.description.str.len() > 10])
    assert used == defined


def test_metrics_command_prints_the_dictionary():
    res = runner.invoke(app, ["metrics", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].startswith("metric,unit,kind,stage,description,better")
    assert len(res.output.splitlines()) > len(load_dictionary()) // 2
    res = runner.invoke(app, ["metrics", "orr_census", "--format", "json"])
    rows = json.loads(res.output)
    assert {r["metric"] for r in rows} >= {"orr_census"} and all(
        "orr_census" in r["metric"] for r in rows
    )
    res = runner.invoke(app, ["metrics", "court_*"])
    assert res.exit_code == 0 and "court_pending_uac" in res.output
    assert runner.invoke(app, ["metrics", "nothing_like_this"]).exit_code == 2
    assert runner.invoke(app, ["metrics", "--format", "xml"]).exit_code == 2


def test_docs_metrics_md_is_up_to_date():
    doc = ROOT / "docs" / "metrics.md"
    assert doc.read_text(encoding="utf-8") == markdown(), (
        "docs/metrics.md is stale: run python tools/build_metrics_doc.py"
    )
