"""Conservation: every child is in exactly one state on every day, and the stocks add up."""

from __future__ import annotations

import numpy as np

from corridor.outputs.metrics import GROUPS

STATES = (
    "in_cbp",
    "returned",
    "expelled",
    "in_orr",
    "released",
    "discharged_other",
    "transferred_ice",
    "reunified_court",
)


def states_at(c, t: float) -> dict[str, np.ndarray]:
    """Boolean state of every child apprehended by time t."""
    arrived = c.t_arrival < t
    left_cbp = c.t_leave_cbp < t
    in_orr = (c.t_orr_start < t) & ~(c.t_orr_exit < t)
    out = (c.t_orr_exit < t) | (left_cbp & c.aged_out & ~np.isfinite(c.t_orr_start))
    return {
        "in_cbp": arrived & ~left_cbp,
        "returned": left_cbp & c.returned,
        "expelled": left_cbp & c.expelled,
        "in_orr": in_orr,
        "released": out & ~c.aged_out & ~c.discharged_other & ~c.court_release,
        "discharged_other": out & c.discharged_other,
        "transferred_ice": out & c.aged_out,
        "reunified_court": out & c.court_release,
    }


def test_each_child_in_exactly_one_state(baseline_2013_2020):
    c = baseline_2013_2020.draws[0].children
    for day in range(0, baseline_2013_2020.clock.n_days, 97):
        t = day + 1.0
        s = states_at(c, t)
        count = sum(v.astype(int) for v in s.values())
        arrived = c.t_arrival < t
        assert (count[arrived] == 1).all(), f"day {day}: a child is in {count.max()} states"
        assert (count[~arrived] == 0).all()


def test_cumulative_arrivals_equal_sum_of_stocks(baseline_2013_2020):
    """arrivals (Border Patrol and ports of entry) + children separated from a parent = returned
    + expelled + in CBP + in ORR + released + discharged by another route + transferred to ICE
    (from ORR or, for children who turned 18 while waiting, from CBP) + discharged under the
    Ms. L order, on every day."""
    m = baseline_2013_2020.draws[0].metrics
    assert m.series("arrivals_ports").sum() > 0
    assert m.series("separations").sum() > 0 and m.series("orr_reunified_court").sum() > 0
    arrivals = np.cumsum(
        m.series("arrivals") + m.series("arrivals_ports") + m.series("separations")
    )
    returned = np.cumsum(m.series("returned_contiguous"))
    expelled = np.cumsum(m.series("expelled_title42"))
    released = np.cumsum(m.series("orr_released"))
    other = np.cumsum(m.series("orr_discharged_other"))
    assert other[-1] > 0
    ice = np.cumsum(m.series("orr_transfers_ice") + m.series("cbp_transfers_ice"))
    rhs = (
        returned
        + expelled
        + m.series("cbp_census")
        + m.series("orr_census")
        + released
        + other
        + ice
        + np.cumsum(m.series("orr_reunified_court"))
    )
    np.testing.assert_array_equal(arrivals, rhs)


def test_groups_add_up_to_all(baseline_2013_2020):
    m = baseline_2013_2020.draws[0].metrics
    for name, metric in m.metrics.items():
        if metric.values.shape[0] == len(GROUPS) and metric.kind != "average":
            np.testing.assert_allclose(
                metric.values[:-1].sum(axis=0), metric.values[-1], err_msg=name
            )


def test_beds_never_overfilled(baseline_2013_2020):
    m = baseline_2013_2020.draws[0].metrics
    std, inf = m.series("orr_census_standard"), m.series("orr_census_influx")
    assert (std <= m.series("orr_capacity_standard")).all()
    assert (std + inf <= m.series("orr_capacity")).all()
    assert (m.series("orr_census") <= m.series("orr_capacity")).all()


def test_no_negative_stocks(baseline_2013_2020):
    m = baseline_2013_2020.draws[0].metrics
    for name, metric in m.metrics.items():
        if metric.kind == "stock":
            assert (metric.values >= 0).all(), name
