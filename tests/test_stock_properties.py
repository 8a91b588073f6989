"""Over random small configurations: no stock is negative and every sub-stock stays within the
stock it is part of (children waiting in CBP for a bed are children in CBP, and so on)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import Simulation
from corridor.stages.children import COUNTRIES

MONTHS = [dt.date(2014, m, 1) for m in (1, 2, 3, 4)]
# (sub-stock, the stock it is part of)
PARTS = [
    ("cbp_awaiting_bed", "cbp_census"),
    ("cbp_over_72h", "cbp_census"),
    ("orr_census_standard", "orr_census"),
    ("orr_census_influx", "orr_census"),
]


def _arrivals_csv(tmp_path, counts) -> str:
    path = tmp_path / "arrivals.csv"
    lines = ["month,country,children"]
    for (m, c), n in counts.items():
        lines.append(f"{m:%Y-%m},{c},{n}")
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def const(params, path: str, value):
    """``params`` with ``path`` holding ``value`` on every day (every dated value replaced)."""
    dates = {dt.date(2008, 10, 1), *params[path].spec.values}
    return params.with_values(path, dict.fromkeys(dates, value), "test")


configs = st.fixed_dictionaries(
    {
        "counts": st.dictionaries(
            st.tuples(st.sampled_from(MONTHS), st.sampled_from(COUNTRIES)),
            st.integers(0, 400),
            min_size=1,
            max_size=8,
        ),
        "beds": st.integers(0, 300),
        "influx": st.integers(0, 200),
        "older": st.booleans(),  # mostly 17-year-olds: many turn 18 while they wait
        "seed": st.integers(0, 10_000),
    }
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cfg=configs)
def test_stocks_are_never_negative_and_parts_stay_within_their_whole(tmp_path, cfg):
    sim = Simulation(
        "baseline", "2014-01-01", "2014-12-31", seed=cfg["seed"],
        arrivals_file=_arrivals_csv(tmp_path, cfg["counts"]), arrivals_mode="replace",
    )  # fmt: skip
    p = const(sim.params, "orr.capacity.standard_beds", cfg["beds"])
    p = const(p, "orr.influx.available_beds", cfg["influx"])
    if cfg["older"]:
        shares = {"a00_05": 0.0, "a06_12": 0.0, "a13_14": 0.0, "a15_16": 0.05, "a17": 0.95}
        p = const(p, "origin.demographics.age_band_share", shares)
    sim.params = p
    draw = sim.run_draw(0)
    m = draw.metrics
    for name, metric in m.metrics.items():
        if metric.kind == "stock":
            assert (metric.values >= -1e-9).all(), f"{name} is negative"
    for part, whole in PARTS:
        a, b = m.metrics[part].values, m.metrics[whole].values
        b = b[-a.shape[0] :]  # a part kept only for "all" is compared with the whole's "all"
        excess = a - b
        assert (excess <= 1e-9).all(), f"{part} exceeds {whole} by {excess.max()}"
    # children waiting for a bed at the end never outnumber those referred and not yet placed
    c = draw.children
    t_end = float(sim.clock.n_days)
    waiting = np.isfinite(c.t_referral) & (c.t_referral < t_end)
    waiting &= ~(np.minimum(c.t_bed_assigned, c.t_leave_cbp) < t_end)
    assert m.series("cbp_awaiting_bed")[-1] == waiting.sum()


def test_children_who_turn_18_waiting_in_cbp_leave_the_waiting_stock(tmp_path):
    """No beds at all: every referred child waits until 18, then leaves CBP for ICE."""
    sim = Simulation(
        "baseline", "2014-01-01", "2015-12-31", seed=3,
        arrivals_file=_arrivals_csv(tmp_path, {(MONTHS[0], "GT"): 200}), arrivals_mode="replace",
    )  # fmt: skip
    p = const(sim.params, "orr.capacity.standard_beds", 0)
    p = const(p, "orr.influx.available_beds", 0)
    seventeen = {"a00_05": 0.0, "a06_12": 0.0, "a13_14": 0.0, "a15_16": 0.0, "a17": 1.0}
    sim.params = const(p, "origin.demographics.age_band_share", seventeen)
    m = sim.run_draw(0).metrics
    awaiting = m.series("cbp_awaiting_bed")
    assert awaiting.max() > 0
    # all are 17: within a year everyone has turned 18 and left for ICE custody
    assert awaiting[-1] == 0 == m.series("cbp_census")[-1]
    assert m.series("cbp_transfers_ice").sum() > 0
