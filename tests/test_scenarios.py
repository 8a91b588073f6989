"""Scenario files: every scenario of the brief exists, validates, is sourced; the spending lines
add up to the bills; changes apply as documented; bad files are refused in one line."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.parameters.tree import FACTS_DIR, known_fact_ids, load_parameters
from corridor.scenarios import loader
from corridor.scenarios.schema import OUTLAY_METRICS

runner = CliRunner()
BRIEF = (
    "baseline", "supplemental-2014", "house-2014", "senate-2014", "counsel-for-all",
    "priority-docket", "priority-docket-off", "in-country-processing", "messaging",
    "national-guard", "regional-investment-2018", "mexico-enforcement",
)  # fmt: skip
FACT_ID = re.compile(r"^[A-Z][A-Z0-9]*-[A-Za-z0-9-]+$")


def fact_value(fact_id: str) -> float:
    for f in sorted(FACTS_DIR.glob("*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["id"] == fact_id:
                    return float(row["value"])
    raise KeyError(fact_id)


@pytest.fixture(scope="module")
def tree():
    return load_parameters()


def test_every_brief_scenario_is_listed_with_its_title():
    res = runner.invoke(app, ["scenarios"])
    assert res.exit_code == 0, res.output
    for name in BRIEF:
        assert name in res.output
        title = loader.load(name).files[-1][1].title
        assert title.split()[0] in res.output


@pytest.mark.parametrize("name", sorted(loader.available()))
def test_library_scenario_validates_and_is_sourced(name, tree):
    sc = loader.load(name)
    sc.apply(tree)  # unknown paths, groups, values out of range all raise
    where, spec = sc.files[-1]
    assert spec.sources, f"{name}: no sources"
    assert spec.description.strip() and spec.title.strip()
    for path, change in spec.changes.items():
        # every changed parameter carries a source or an assumption range
        assert change.has_provenance, f"{name}: {path} has neither sources nor an assumption"
        for s in change.sources:
            assert s.fact is None or s.fact in known_fact_ids()
    for line in spec.spending:
        ids = [t.strip() for t in line.source.split(",")]
        for t in ids:
            if FACT_ID.match(t):
                assert t in known_fact_ids(), f"{name}: spending source {t} is not a fact id"
        assert line.cost in ("modelled", *OUTLAY_METRICS)


@pytest.mark.parametrize(
    "name, fact",
    [("supplemental-2014", "SUP-02"), ("house-2014", "SUP-19"), ("senate-2014", "SUP-31")],
)
def test_spending_adds_up_to_the_bill(name, fact):
    total = sum(line.amount for _, line in loader.load(name).spending())
    assert total == pytest.approx(fact_value(fact), abs=0.5), (name, total)


def test_request_is_the_3_7_billion():
    assert fact_value("SUP-02") == 3_730_955_000


@pytest.mark.parametrize("name", sorted(loader.available()))
def test_aid_lever_matches_the_aid_money(name, tree):
    """The aid lever's intensity (dollars a year by country) spends exactly the scenario's
    cost_aid lines over their dates: the lever and the cost are the same money."""
    sc = loader.load(name)
    aid_lines = sum(line.amount for _, line in sc.spending() if line.cost == "cost_aid")
    p = sc.apply(tree)["origin.levers.aid.added_usd_per_year"]
    origin = dt.date(2008, 10, 1)
    n = (dt.date(2030, 1, 1) - origin).days
    spent = sum(p.daily(origin, n, g).sum() / 365.25 for g in p.groups)
    assert spent == pytest.approx(aid_lines, rel=1e-6, abs=1.0)


def _write(tmp_path: Path, name: str, body: str) -> Path:
    f = tmp_path / f"{name}.yaml"
    f.write_text(
        f"name: {name}\ntitle: t\ndescription: d\nbase: baseline\nsources: ['test']\n{body}"
    )
    return f


def test_set_holds_through_later_base_dates_and_keeps_other_groups(tmp_path, tree):
    f = _write(
        tmp_path, "tv",
        "changes:\n  border.tvpra_return_share:\n    set: {2014-08-15: {SV: 0.5}}\n"
        "    sources: [{title: test}]\n",
    )  # fmt: skip
    p = loader.load(str(f)).apply(tree)["border.tvpra_return_share"]
    base = tree["border.tvpra_return_share"]
    for d in (dt.date(2014, 1, 1), dt.date(2014, 9, 1), dt.date(2016, 1, 1), dt.date(2021, 1, 1)):
        got = p.at(d)
        assert got["MX"] == base.at(d)["MX"]  # untouched group follows the base's own dates
        assert got["GT"] == base.at(d)["GT"]
        assert got["SV"] == (0.5 if d >= dt.date(2014, 8, 15) else base.at(d)["SV"])


def test_add_and_scale_follow_the_base(tmp_path, tree):
    f = _write(
        tmp_path, "beds",
        "changes:\n  orr.capacity.standard_beds:\n    add: {2014-08-15: 100, 2015-10-01: 0}\n"
        "  orr.length_of_care.mean_days:\n    scale: {2016-01-01: 0.5}\n",
    )  # fmt: skip
    q = loader.load(str(f)).apply(tree)
    beds, base = q["orr.capacity.standard_beds"], tree["orr.capacity.standard_beds"]
    for d in (dt.date(2014, 1, 1), dt.date(2015, 1, 1), dt.date(2015, 12, 1), dt.date(2019, 6, 1)):
        extra = 100 if dt.date(2014, 8, 15) <= d < dt.date(2015, 10, 1) else 0
        assert beds.at(d) == base.at(d) + extra
    los, base = q["orr.length_of_care.mean_days"], tree["orr.length_of_care.mean_days"]
    assert los.at(dt.date(2015, 6, 1)) == base.at(dt.date(2015, 6, 1))
    assert los.at(dt.date(2018, 7, 1)) == 0.5 * base.at(dt.date(2018, 7, 1))


def test_combined_scenarios_in_conflict_the_later_wins_and_says_so(tmp_path, tree):
    a = _write(tmp_path, "a", "changes:\n  orr.capacity.standard_beds: {2015-01-01: 9000}\n")
    b = _write(tmp_path, "b", "changes:\n  orr.capacity.standard_beds: {2015-01-01: 8000}\n")
    day = dt.date(2015, 6, 1)
    for first, second, wins in ((a, b, 8000), (b, a, 9000)):
        s = loader.load(f"{first}+{second}")
        assert s.apply(tree)["orr.capacity.standard_beds"].at(day) == wins
        (note,) = s.overrides
        assert note.startswith("orr.capacity.standard_beds:")
        assert f"of {first.stem} is overridden by the set of {second.stem}" in note
    # an add beside a set of the same parameter: the later set wins, the add is not applied
    c = _write(tmp_path, "c2", "changes:\n  court.judges.on_board: {add: {2015-01-01: 10}}\n")
    e = _write(tmp_path, "e2", "changes:\n  court.judges.on_board: {set: {2016-01-01: 300}}\n")
    s = loader.load(f"{c}+{e}")
    j = s.apply(tree)["court.judges.on_board"]
    assert j.at(dt.date(2015, 6, 1)) == tree["court.judges.on_board"].at(dt.date(2015, 6, 1))
    assert j.at(dt.date(2016, 6, 1)) == 300 and len(s.overrides) == 1
    # adds at different dates commute and combine
    c = _write(tmp_path, "c", "changes:\n  court.judges.on_board: {add: {2015-01-01: 10}}\n")
    d = _write(tmp_path, "d", "changes:\n  court.judges.on_board: {add: {2016-01-01: 5}}\n")
    j = loader.load(f"{c}+{d}").apply(tree)["court.judges.on_board"]
    base = tree["court.judges.on_board"]
    assert j.at(dt.date(2016, 6, 1)) == base.at(dt.date(2016, 6, 1)) + 15


def test_shipped_combination_runs(tree):
    sc = loader.load("house-2014+counsel-for-all")
    assert sc.name == "house-2014+counsel-for-all"
    sc.apply(tree)


def run_cli(args, out: Path):
    res = runner.invoke(app, [*args, "--out", str(out)])
    return res.exit_code, res.output


BAD = {
    "unknown path": ("changes:\n  no.such.parameter: {2015-01-01: 3}\n", "no.such.parameter"),
    "value out of range": (
        "changes:\n  border.tvpra_return_share: {2015-01-01: {SV: 1.5}}\n",
        "1.5",
    ),
    "change date not a date": (
        "changes:\n  orr.capacity.standard_beds: {2015-13-01: 9000}\n",
        "2015-13-01",
    ),
    "spending date not a date": (
        "spending:\n  - {agency: EOIR, amount: 1000000, start: yesterday, end: 2015-09-30, "
        "source: test}\n",
        "start",
    ),
    "unknown group": ("changes:\n  border.tvpra_return_share: {2015-01-01: {XX: 0.5}}\n", "XX"),
    "unknown cost metric": (
        "spending:\n  - {agency: EOIR, amount: 1, start: 2015-01-01, end: 2015-09-30, "
        "source: test, cost: cost_nonsense}\n",
        "cost_nonsense",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_scenario_file_is_refused_in_one_line(tmp_path, case):
    body, needle = BAD[case]
    f = _write(tmp_path, "bad", body)
    args = ["run", "--scenario", str(f), "--start", "2014-01-01", "--end", "2014-03-01"]
    code, text = run_cli(args, tmp_path / "out")
    assert code == 2, text
    assert "Traceback" not in text
    lines = [x for x in text.splitlines() if x.strip()]
    assert len(lines) == 1, text
    assert "bad.yaml" in text and needle in text, text
    assert not (tmp_path / "out").exists()


def test_conflict_on_the_command_line_is_resolved_and_noted(tmp_path):
    a = _write(tmp_path, "a", "changes:\n  orr.capacity.standard_beds: {2015-01-01: 9000}\n")
    b = _write(tmp_path, "b", "changes:\n  orr.capacity.standard_beds: {2015-01-01: 8000}\n")
    args = ["run", "--scenario", f"{a}+{b}", "--start", "2014-01-01", "--end", "2014-03-01"]
    code, text = run_cli(args, tmp_path / "out")
    assert code == 0, text
    assert "the set of a is overridden by the set of b" in text
    meta = json.loads((tmp_path / "out" / "run.json").read_text())
    assert meta["scenario_overrides"] == [
        "orr.capacity.standard_beds: the set of a is overridden by the set of b "
        "(in a+b the later scenario wins)"
    ]


def test_shipped_combination_that_touches_one_parameter_runs():
    from corridor.simulation import Simulation

    sim = Simulation("supplemental-2014+counsel-for-all", "2014-10-01", "2014-12-31")
    assert any("court.counsel" in n and "counsel-for-all" in n for n in sim.scenario.overrides)


def test_user_scenario_file_runs(tmp_path):
    f = _write(tmp_path, "mine", "changes:\n  orr.capacity.standard_beds: {2014-02-01: 12000}\n")
    args = ["run", "--scenario", str(f), "--start", "2014-01-01", "--end", "2014-03-01"]
    code, text = run_cli(args, tmp_path / "out")
    assert code == 0, text
    assert (tmp_path / "out" / "daily.parquet").exists()


def test_spending_becomes_cost_metrics_that_add_to_the_total():
    from corridor import Simulation

    sim = Simulation("house-2014", "2014-08-01", "2014-12-31", seed=1)
    m = sim.run_draw(0).metrics
    day = sim.clock.day(dt.date(2014, 10, 15))
    guard = m.series("cost_guard")
    # both Guard lines are in force on that day: $35M over 91 days and $35M over 395 days
    assert guard[day] == pytest.approx(35e6 / 91 + 35e6 / 395)
    assert m.series("cost_ice")[day] == pytest.approx(334e6 / 412)
    costs = sum(m.series(k) for k in m.metrics if k.startswith("cost_") and k != "cost_total")
    np.testing.assert_allclose(costs, m.series("cost_total"), rtol=1e-12)


def test_spending_lines_name_a_shipped_scenario_by_its_place_in_the_package(tmp_path):
    """The same on every machine, so outputs of two installs compare byte for byte; a user's
    own file keeps the name the user gave it."""
    from corridor.scenarios.loader import LIBRARY
    from corridor.scenarios.spending import lines_table, scenario_file_label

    shipped = LIBRARY / "house-2014.yaml"
    assert scenario_file_label(str(shipped)) == "corridor/scenarios/library/house-2014.yaml"
    mine = tmp_path / "mine.yaml"
    assert scenario_file_label(str(mine)) == str(mine)
    sc = loader.load("house-2014")
    assert {row["file"] for row in lines_table(sc)} == {"corridor/scenarios/library/house-2014.yaml"}
