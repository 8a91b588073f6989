"""Shares of one whole are sampled together: every Monte Carlo draw's parts add up to the whole,
their mean is the stated share, and a draw is the same whatever the scenario."""

from __future__ import annotations

import datetime as dt

import numpy as np

from corridor.analysis.sampling import sample_tree
from corridor.parameters.joint_shares import concentration, dirichlet, joint_sets
from corridor.parameters.tree import load_parameters

DAY = dt.date(2015, 1, 1)
MERITS = ("relief_share", "termination_share", "voluntary_departure_share")


def test_declared_wholes():
    sets = joint_sets(load_parameters())
    assert {p.path for p in sets["court.decision.merits_outcome"]} == {
        f"court.decision.{m}" for m in MERITS
    }
    assert [p.path for p in sets["orr.sponsor.category"]] == ["orr.sponsor.category_share"]


def test_every_draw_adds_up_and_moves():
    ps = load_parameters()
    rel, cat1 = [], []
    for draw in range(60):
        s = sample_tree(ps, 7, draw)
        for g in ("represented", "unrepresented"):
            total = sum(s[f"court.decision.{m}"].group(DAY, g) for m in MERITS)
            assert total <= 1.0 + 1e-12
        cats = s["orr.sponsor.category_share"].at(DAY)
        assert abs(sum(cats.values()) - 1.0) < 1e-9
        tracks = s["court.relief.track_share"].at(DAY)
        assert sum(tracks.values()) <= 1.0 + 1e-12
        rel.append(s["court.decision.relief_share"].group(DAY, "represented"))
        cat1.append(cats["cat1"])
    stated = ps["court.decision.relief_share"].group(DAY, "represented")
    assert np.std(rel) > 0.01  # sampled, not fixed
    assert abs(np.mean(rel) - stated) < 0.03  # around the stated share
    assert abs(np.mean(cat1) - ps["orr.sponsor.category_share"].group(DAY, "cat1")) < 0.05


def test_same_draw_same_numbers():
    ps = load_parameters()
    a = sample_tree(ps, 3, 5)["court.decision.relief_share"].spec.values
    b = sample_tree(ps, 3, 5)["court.decision.relief_share"].spec.values
    assert a == b


def test_dirichlet_keeps_zero_parts_and_the_remainder():
    x = dirichlet([0.3, 0.0, 0.2], 20.0, (1, 0, "test"))
    assert x[1] == 0.0 and 0 < x.sum() < 1.0
    assert concentration([0.5], [0.05]) > concentration([0.5], [0.2])


def test_the_merits_shares_highs_add_up_to_at_most_one_in_every_group():
    """A sensitivity run samples each assumption on its own and may set all three merits shares
    at the top of their ranges: that must still be a valid decision mix."""
    parts = joint_sets(load_parameters())["court.decision.merits_outcome"]
    groups = parts[0].spec.assumption.high.keys()
    for g in groups:
        assert sum(float(p.spec.assumption.high[g]) for p in parts) <= 1.0 + 1e-12, g
