"""The placement kernel against queueing theory: Erlang C for M/M/c, and Little's law."""

from __future__ import annotations

import math

import numpy as np

from corridor.engine.placement import place


def erlang_c(c: int, lam: float, mu: float) -> tuple[float, float]:
    """P(wait) and mean wait in queue of M/M/c, by the stable Erlang-B recursion."""
    a = lam / mu
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    p_wait = c * b / (c - a * (1.0 - b))
    return p_wait, p_wait / (c * mu - lam)


def mmc(c: int, lam: float, mean_service: float, n: int, seed: int):
    """Run the kernel as a plain M/M/c queue: Poisson referrals, exponential stays, no influx,
    no transport, nobody ages out, no transfer or case-management limit. Exponential stays are
    a constant release hazard: unit-mean exponential work at the pace 1 / mean."""
    rng = np.random.default_rng(seed)
    ref = np.cumsum(rng.exponential(1.0 / lam, n))
    n_days = int(ref[-1]) + 1_000  # room to place everyone still waiting at the last referral
    work = rng.exponential(1.0, n)
    ones = np.ones(n_days)
    r = place(
        ref, np.zeros(n), work, np.zeros(n, dtype=np.int8), np.full(n, np.inf),
        cap_std=ones * c, influx_avail=ones * 0, open_thr=ones, close_thr=ones * 0,
        lead_days=ones, pace=np.full((n_days, 4), 1.0 / mean_service),
    )  # fmt: skip
    return ref, r


def test_mmc_matches_erlang_c():
    c, mean_service, rho = 20, 10.0, 0.9
    lam = rho * c / mean_service
    p_wait, wq = erlang_c(c, lam, 1.0 / mean_service)
    waits = []
    for seed in range(8):
        ref, r = mmc(c, lam, mean_service, 60_000, seed)
        w = (r.assign - ref)[5_000:]  # drop the warm-up from an empty system
        waits.append(w)
    w = np.concatenate(waits)
    # batch means across seeds give the standard error; waits are autocorrelated within a run
    per_seed_mean = np.array([x.mean() for x in waits])
    se = per_seed_mean.std(ddof=1) / math.sqrt(len(waits))
    assert abs(w.mean() - wq) < 4 * se + 0.02 * wq, (w.mean(), wq, se)
    per_seed_p = np.array([(x > 0).mean() for x in waits])
    se_p = per_seed_p.std(ddof=1) / math.sqrt(len(waits))
    assert abs((w > 0).mean() - p_wait) < 4 * se_p + 0.01, ((w > 0).mean(), p_wait)


def test_erlang_c_check_can_fail():
    """The same check rejects a queue with one server fewer than it claims."""
    c, mean_service = 20, 10.0
    lam = 0.9 * c / mean_service
    p_wait, wq = erlang_c(c + 1, lam, 1.0 / mean_service)  # theory for 21 servers
    ref, r = mmc(c, lam, mean_service, 60_000, 0)
    w = (r.assign - ref)[5_000:]
    assert abs(w.mean() - wq) > 0.3 * wq


def test_littles_law_in_steady_state():
    """L = lambda W: mean number in care equals arrival rate times mean stay (ample beds)."""
    c, lam, mean_service = 10_000, 50.0, 30.0
    ref, r = mmc(c, lam, mean_service, 100_000, 3)
    t0, t1 = 200.0, ref[-1] - 200.0  # steady window, away from the empty start and the end
    grid = np.linspace(t0, t1, 2_000)
    starts, exits = np.sort(r.start), np.sort(r.exit)
    in_care = np.searchsorted(starts, grid) - np.searchsorted(exits, grid)
    admitted = (r.start >= t0) & (r.start < t1)
    lam_hat = admitted.sum() / (t1 - t0)
    w_hat = (r.exit - r.start)[admitted].mean()
    assert abs(in_care.mean() - lam_hat * w_hat) / (lam_hat * w_hat) < 0.03


def test_littles_law_for_orr_in_the_full_model(tmp_path):
    """The whole pipeline with constant arrivals (a steady state): the mean ORR census
    reported by the metrics equals the admission rate times the mean stay from the records."""
    import datetime as dt

    from corridor import Simulation

    rows = [
        f"{y}-{m:02d},GT,1500" for y in range(2010, 2014) for m in range(1, 13)
    ]  # 50 children a day, well under the funded beds of the period
    f = tmp_path / "steady.csv"
    f.write_text("month,country,children\n" + "\n".join(rows) + "\n")
    r = Simulation(
        "baseline", "2011-07-01", "2012-12-31", seed=2, arrivals_file=f, arrivals_mode="replace"
    ).run()  # only these children
    draw = r.draws[0]
    c = draw.children
    lo = r.clock.day(dt.date(2011, 7, 1))
    hi = r.clock.day(dt.date(2012, 12, 31)) + 1
    census = draw.metrics.series("orr_census")[lo:hi].mean()
    admitted = (c.t_orr_start >= lo) & (c.t_orr_start < hi)
    lam = admitted.sum() / (hi - lo)
    w = (c.t_orr_exit[admitted] - c.t_orr_start[admitted]).mean()
    assert abs(census - lam * w) / (lam * w) < 0.05, (census, lam * w)
