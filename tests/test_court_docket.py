"""The docket kernel on reduced configurations: M/M/c waits (Erlang C), no judges, and the
order each docket promises (property tests)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.engine import docket as dk
from corridor.engine.docket_inputs import DocketDay
from corridor.stages.court import filing_times


def erlang_c_wait(c: int, lam: float, mu: float) -> float:
    """Mean wait in queue of M/M/c (Erlang C via the stable Erlang-B recursion)."""
    a = lam / mu
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    p_wait = c * b / (c - a * (1.0 - b))
    return p_wait / (c * mu - lam)


def reduced(t_file, judges, mean_work, order=dk.FIFO, n_days=None, seed=0, prio_from=None,
            other_pending=0.0, other_receipts=0.0, t_deadline=None, coded=None,
            juvenile_weight=1.0, **inputs):  # fmt: skip
    """Every case has one hearing, which decides it: nobody attends, so the first hearing ends
    in absentia. Judges hear only children's cases unless other pending cases are given."""
    t_file = np.asarray(t_file, float)
    n = len(t_file)
    n_days = n_days or int(t_file.max(initial=0.0)) + 1000
    cases = dk.Cases(
        t_file=t_file,
        t_ready=t_file.copy(),
        t_private=np.full(n, np.inf),
        country=np.zeros(n, np.int64),
        t_18=np.full(n, np.inf),
        t_sij_limit=np.full(n, np.inf),
        track=np.zeros(n, np.int8),
        u=np.full((n, len(dk.U_COLS)), 0.5),
        e=np.ones((n, len(dk.E_COLS))),
        child=np.arange(n),
        t_deadline=np.full(n, np.inf) if t_deadline is None else np.asarray(t_deadline, float),
        coded=np.ones(n, np.bool_) if coded is None else np.asarray(coded, np.bool_),
    )
    orders = np.full(n_days, float(order))
    if prio_from is not None:
        orders[:prio_from] = dk.FIFO
        orders[prio_from:] = dk.PRIORITY
    days = DocketDay.constant(
        n_days, judges=judges, juvenile_weight=juvenile_weight, order=orders, work_master=mean_work,
        work_merits=mean_work, other_receipts=other_receipts, other_per_judge_day=1.0,
        **{"notice_proven": 1.0, **inputs},
    )  # fmt: skip
    r = dk.run(cases, days, np.zeros((5, n_days)), other_pending, (11, 12, 13 + seed))
    return r


def mm_c_wait(c: int, lam: float, mean_work: float, n: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    t = np.cumsum(rng.exponential(1.0 / lam, n))
    r = reduced(t, c, mean_work, seed=seed)
    assert np.isfinite(r.t_decision).all()
    assert (r.outcome == dk.REMOVAL_IN_ABSENTIA).all()
    wait = r.t_hearing[:, 0] - t
    return float(wait[n // 10 :].mean())  # drop the warm-up


def test_doubling_judges_cuts_the_wait_as_mmc_predicts():
    lam, mean_work = 0.8, 10.0  # 8 judges' worth of work a day
    c = 10
    w1 = np.mean([mm_c_wait(c, lam, mean_work, 150_000, s) for s in range(2)])
    w2 = np.mean([mm_c_wait(2 * c, lam, mean_work, 150_000, s) for s in range(2)])
    e1, e2 = erlang_c_wait(c, lam, 1 / mean_work), erlang_c_wait(2 * c, lam, 1 / mean_work)
    assert abs(w1 / e1 - 1) < 0.1, (w1, e1)
    assert abs(w2 - e2) < 0.01, (w2, e2)  # Erlang C: ~0.0009 days
    assert w1 / w2 > 100  # doubling ten judges at 80% load all but removes the wait


def test_hearing_time_is_exponential_with_the_dated_mean():
    t = np.arange(20_000) * 0.5
    r = reduced(t, 50, 3.0)
    w = r.work[:, 0]
    assert abs(w.mean() / 3.0 - 1) < 0.03
    assert abs(w.std() / w.mean() - 1) < 0.05  # coefficient of variation of an exponential


def test_no_judges_no_completions_and_pending_grows_by_filings():
    t = np.sort(np.random.default_rng(1).uniform(0, 300, 500))
    r = reduced(t, 0, 1.0, n_days=400)
    assert not np.isfinite(r.t_decision).any()
    assert not np.isfinite(r.t_hearing).any()
    assert (r.juvenile_judge_days == 0).all()


def test_other_docket_is_a_fluid_queue_sharing_the_judges():
    """No children: the other docket completes judges x rate a day while it has cases."""
    r = reduced([], 10, 1.0, n_days=100, other_pending=500.0, other_receipts=4.0)
    done = r.other_completions
    np.testing.assert_allclose(done[:10], 10.0)  # capacity bound while the backlog lasts
    assert r.other_pending[-1] == 0.0 and done[-1] == 4.0  # then it keeps up with receipts
    # children's cases take judges away from the other docket
    t = np.linspace(0, 50, 2000)
    r2 = reduced(t, 10, 0.2, n_days=100, other_pending=500.0, other_receipts=4.0)
    assert r2.other_pending[40] > r.other_pending[40]
    assert (r2.juvenile_judges[1:50] > 0).all()


# --- the order each docket promises (one judge, so hearings happen in the order taken) -------


def popped_before(r, t_file):
    """Pairs (i, j): i was heard while j was already ready (filed: the first hearing may be
    held at once here) and still waiting."""
    start = r.t_hearing[:, 0]
    ok = np.isfinite(start)
    day = np.floor(start)
    i, j = np.nonzero(
        ok[:, None] & (start[:, None] < start[None, :]) & (t_file[None, :] <= start[:, None])
    )
    return i, j, day


filings = st.lists(st.floats(0.0, 30.0, allow_nan=False), min_size=2, max_size=40).map(
    lambda xs: np.sort(np.round(np.array(xs), 3))
)
work = st.floats(0.2, 3.0)


@settings(max_examples=60, deadline=None)
@given(filings, work)
def test_fifo_hears_the_earliest_filing_first(t, w):
    r = reduced(t, 1, w, order=dk.FIFO, n_days=400)
    i, j, _ = popped_before(r, t)
    assert (t[i] <= t[j]).all()


@settings(max_examples=60, deadline=None)
@given(filings, work)
def test_lifo_hears_the_latest_filing_first(t, w):
    r = reduced(t, 1, w, order=dk.LIFO, n_days=400)
    i, j, _ = popped_before(r, t)
    assert (t[i] >= t[j]).all()


@settings(max_examples=60, deadline=None)
@given(filings, work, st.integers(1, 25))
def test_priority_docket_hears_cases_filed_under_it_first(t, w, start):
    # a weight that gives the children's docket every judge while a priority case is pending
    r = reduced(t, 1, w, n_days=400, prio_from=start, juvenile_weight=1e9)
    i, j, day = popped_before(r, t)
    prio = t >= start
    under = day[i] >= start  # the priority order was in force when i was heard
    i, j = i[under], j[under]
    # within each class (the children's docket; the backlog on the general docket) the
    # earliest filing goes first
    same = prio[i] == prio[j]
    assert (t[i][same] <= t[j][same]).all()
    # before the priority order, first in first out
    before = ~(day[popped_before(r, t)[0]] >= start)
    i0, j0, _ = popped_before(r, t)
    assert (t[i0[before]] <= t[j0[before]]).all()


def test_priority_docket_serves_new_cases_while_the_backlog_waits():
    """A backlog filed before the priority order waits while new cases are heard within days."""
    old = np.linspace(0, 10, 300)  # 300 cases at once: a backlog for one judge
    new = np.linspace(20, 60, 40)
    t = np.concatenate([old, new])
    # the backlog is on the general docket; a large weight gives the priority cases the judge
    r = reduced(t, 1, 0.5, n_days=400, prio_from=20, juvenile_weight=1e9)
    wait = r.t_hearing[:, 0] - t
    assert wait[300:].max() < 2.0  # each new case is heard as soon as the judge is free
    assert np.median(wait[:300]) > 50
    fifo = reduced(t, 1, 0.5, n_days=400)
    assert (fifo.t_hearing[300:, 0] - new).min() > 50  # under FIFO they wait behind it


def test_uncoded_cases_filed_under_the_priority_docket_wait_with_the_backlog():
    """A case DHS did not code (court.filing.priority_code_share) filed under the priority order
    is not a priority case: it waits behind the coded ones, first in first out with the backlog
    on the general docket."""
    old = np.linspace(0, 10, 300)  # a backlog for one judge
    new = np.linspace(20, 60, 40)
    t = np.concatenate([old, new])
    coded = np.ones(len(t), np.bool_)
    coded[300::2] = False  # every other new case has no priority code
    r = reduced(t, 1, 0.5, n_days=400, prio_from=20, coded=coded, juvenile_weight=1e9)
    assert not r.priority[:300].any() and (r.priority[300:] == coded[300:]).all()
    wait = r.t_hearing[:, 0] - t
    assert wait[300:][coded[300:]].max() < 2.0  # coded new cases are heard at once
    assert wait[300:][~coded[300:]].min() > 50  # the uncoded ones wait behind the backlog


def test_filing_rate_follows_the_regime_of_each_day():
    rng = np.random.default_rng(3)
    e = rng.exponential(1.0, 50_000)
    t_ref = np.zeros_like(e)
    lag = np.full(3000, 90.0)
    t = filing_times(t_ref, e, lag)
    assert abs(t.mean() / 90.0 - 1) < 0.02  # constant regime: an exponential wait
    lag[100:] = 10.0  # a faster regime from day 100 also files the waiting NTAs faster
    t2 = filing_times(t_ref, e, lag)
    np.testing.assert_allclose(t2[t < 100], t[t < 100])
    late = t >= 100
    assert abs((t2[late] - 100).mean() / 10.0 - 1) < 0.05
    assert math.isinf(filing_times(np.array([0.0]), np.array([1e9]), lag)[0])


# --- the mechanisms of issue 12 ---------------------------------------------------------------


def test_a_missed_hearing_without_proof_of_notice_is_reset():
    """Nobody attends: with proof of notice the first hearing ends in absentia; without it the
    hearing is reset MAX_RESETS times (each a hearing), then the order is made."""
    t = np.arange(200) * 0.5
    proven = reduced(t, 20, 0.1, continuance_days=30.0)
    assert (proven.n_hearings == 1).all()
    unproven = reduced(t, 20, 0.1, continuance_days=30.0, notice_proven=0.0)
    assert (unproven.n_hearings == 1 + dk.MAX_RESETS).all()
    assert (unproven.outcome == dk.REMOVAL_IN_ABSENTIA).all()
    assert (unproven.t_decision > proven.t_decision + 30).mean() > 0.5


def test_a_change_of_venue_adds_a_first_hearing_later():
    """Everyone attends and is decided at the first master hearing they attend, unless the case
    first moves to another court."""
    t = np.arange(200) * 0.5
    kw = dict(attend_unrepresented=1.0, master_decision_unrepresented=1.0,
              venue_change_days=60.0)  # fmt: skip
    stay = reduced(t, 20, 0.1, **kw)
    move = reduced(t, 20, 0.1, venue_change=1.0, **kw)
    assert (stay.n_hearings == 1).all() and (move.n_hearings == 2).all()
    assert np.isfinite(move.t_decision).all()
    assert np.median(move.t_decision - stay.t_decision) > 20


def test_a_hearing_deadline_is_met_with_judges_taken_from_the_other_docket():
    """With no judges free for children, cases under a deadline still get their first hearing
    when due, and the judge-days they take come off the other docket's completions."""
    t = np.arange(100) * 1.0
    deadline = t + 14.0
    plain = reduced(t, 0, 0.5, n_days=200, other_pending=1e6, other_receipts=0.0)
    ruled = reduced(t, 0, 0.5, n_days=200, other_pending=1e6, t_deadline=deadline)
    assert not np.isfinite(plain.t_hearing[:, 0]).any()
    assert (ruled.t_hearing[:, 0] <= deadline + 1e-9).all()
    assert ruled.deadline_judge_days.sum() == pytest.approx(ruled.work[:, 0].sum())
    ten = reduced(t, 10, 0.5, n_days=200, other_pending=1e6)
    ten_ruled = reduced(t, 10, 0.5, n_days=200, other_pending=1e6, t_deadline=deadline)
    taken = ten_ruled.deadline_judge_days.sum()
    lost = ten.other_completions.sum() - ten_ruled.other_completions.sum()
    assert taken > 0 and lost == pytest.approx(taken, rel=0.05)


def test_a_judge_does_not_wait_for_a_request_that_is_not_ready():
    """Last in, first out prefers the case filed at 0.9, but at 0.1 it is not ready yet: the
    free judge hears the case filed at 0.1 then, rather than idle until 0.9 with it waiting."""
    r = reduced([0.1, 0.9], 1, 0.05, order=dk.LIFO, n_days=10)
    np.testing.assert_allclose(r.t_hearing[:, 0], [0.1, 0.9])


def test_uncoded_cases_share_the_general_dockets_judges_under_the_priority_order():
    """Under the priority order the backlog (filed before it) is docketed as before, on the
    general docket: the judges the children's docket leaves split their time between it and the
    other pending cases in proportion to pending cases (weight 1), whatever the children's
    weight; under first in, first out the same cases get the children's weighted share."""
    t = np.linspace(0.0, 1.0, 400)
    kw = dict(n_days=60, other_pending=400.0, juvenile_weight=3.0)
    r = reduced(t, 2, 0.5, prio_from=5, **kw)
    days = np.arange(10, 40)
    pending = np.array([(r.t_decision >= d).sum() for d in days])  # at the start of day d
    other = r.other_pending[days - 1]
    expected = 2.0 * pending / (pending + other)
    got = r.general_judge_days[days]
    assert abs(got.mean() / expected.mean() - 1) < 0.1, (got.mean(), expected.mean())
    assert (r.juvenile_judge_days[days] == got).all()  # no priority case: no children's docket
    fifo = reduced(t, 2, 0.5, **kw)
    share = 3.0 * pending / (3.0 * pending + other)  # roughly: FIFO's pending differs
    assert fifo.general_judge_days.sum() == 0.0
    assert fifo.juvenile_judge_days[days].mean() > 1.2 * got.mean()
    assert fifo.juvenile_judge_days[days].mean() < 2.0 * share.mean()


def test_a_continued_hearing_goes_on_the_calendar_after_the_hearings_already_set():
    """First in, first out is calendar order: the first case's continued hearing, requested when
    its first hearing ends, waits behind the first hearings of the cases filed (and calendared)
    before that, rather than going ahead of them because its case was filed first."""
    t = np.arange(50) * 0.2
    r = reduced(t, 1, 1.0, n_days=400, attend_unrepresented=1.0,
                master_decision_unrepresented=0.0, max_continuances=1.0,
                continuance_days=0.01)  # fmt: skip
    assert r.n_hearings[0] >= 2
    first_end = r.t_hearing[0, 0] + r.work[0, 0]  # one judge at full speed
    calendared_before = t < first_end
    calendared_before[0] = False
    assert calendared_before.sum() >= 2
    assert (r.t_hearing[calendared_before, 0] < r.t_hearing[0, 1]).all()


def test_a_child_number_beyond_32_bits_is_refused_not_wrapped():
    """The kernel numbers cases and children in 32 bits: a larger child index must stop the run
    with a clear error instead of wrapping round to another child's random numbers."""
    n = 3
    t = np.arange(n, dtype=float)
    cases = dk.Cases(
        t_file=t, t_ready=t.copy(), t_private=np.full(n, np.inf), country=np.zeros(n, np.int64),
        t_18=np.full(n, np.inf), t_sij_limit=np.full(n, np.inf), track=np.zeros(n, np.int8),
        u=np.full((n, len(dk.U_COLS)), 0.5), e=np.ones((n, len(dk.E_COLS))),
        child=np.array([0, 1, 2**31], dtype=np.int64), t_deadline=np.full(n, np.inf),
        coded=np.ones(n, np.bool_),
    )  # fmt: skip
    days = DocketDay.constant(10, judges=1.0, juvenile_weight=1.0, order=np.zeros(10),
                              work_master=0.1, work_merits=0.1, other_receipts=0.0,
                              other_per_judge_day=1.0, notice_proven=1.0)  # fmt: skip
    with pytest.raises(ValueError, match="32-bit"):
        dk.run(cases, days, np.zeros((5, 10)), 0.0, (11, 12, 13))


# --- administrative closure and recalendaring (issue 12, item 3) -----------------------------


def represented_on_track(track, n=20):
    """n children, one filed a day from day 0, represented from filing, on relief ``track``."""
    t = np.arange(n) * 1.0
    return dk.Cases(
        t_file=t, t_ready=t.copy(), t_private=t.copy(), country=np.zeros(n, np.int64),
        t_18=np.full(n, np.inf), t_sij_limit=np.full(n, np.inf),
        track=np.full(n, track, np.int8), u=np.full((n, len(dk.U_COLS)), 0.5),
        e=np.ones((n, len(dk.E_COLS))), child=np.arange(n), t_deadline=np.full(n, np.inf),
        coded=np.ones(n, np.bool_),
    )  # fmt: skip


def represented_asylum_cases(n_days=2000, **inputs):
    """Represented children on the asylum track from filing (prep 10 days, USCIS 100 days, one
    judge per case so the docket never waits); the judge closes every case while USCIS decides."""
    cases = represented_on_track(dk.ASYLUM)
    values = dict(judges=20.0, juvenile_weight=1.0, work_master=0.01, work_merits=0.01,
                  other_per_judge_day=1.0, attend_represented=1.0, notice_proven=1.0,
                  prep_days=10.0, asylum_days=100.0, asylum_after_18=1.0, closure=1.0,
                  status_lag_days=30.0, merits_lag_days=50.0, relief_represented=1.0)  # fmt: skip
    values.update(inputs)
    days = DocketDay.constant(n_days, **values)
    return cases, dk.run(cases, days, np.zeros((5, n_days)), 0.0, (11, 12, 13))


def test_a_closed_case_whose_petition_is_denied_is_recalendared_and_decided_later():
    """Closed while USCIS decides: with recalendaring, a denial brings the case back at the USCIS
    decision plus the status lag (a status hearing, then a merits hearing that decides it); it
    was off the docket from the closure to then. Without it the closure is the end."""
    _, kept_closed = represented_asylum_cases(asylum_grant=0.0, recalendar=0.0)
    assert (kept_closed.outcome == dk.CLOSED).all() and (kept_closed.n_hearings == 1).all()
    assert np.isinf(kept_closed.t_closed).all() and np.isinf(kept_closed.t_recalendared).all()
    cases, back = represented_asylum_cases(asylum_grant=0.0, recalendar=1.0)
    assert np.allclose(back.t_closed, back.t_hearing[:, 0])  # closed at the first hearing
    assert np.allclose(back.t_petition, cases.t_file + 10.0 + 100.0)
    assert np.allclose(back.t_recalendared, back.t_petition + 30.0)
    assert (back.n_hearings == 3).all()  # master (closed), status, merits
    assert (back.t_hearing[:, 1] >= back.t_recalendared).all()
    assert (back.outcome == dk.RELIEF).all()  # the merits hearing's decision
    assert (back.t_decision >= back.t_recalendared + 50.0 - 1e-9).all()


def test_a_closed_case_whose_petition_is_granted_stays_closed():
    _, r = represented_asylum_cases(asylum_grant=1.0, recalendar=1.0)
    assert (r.outcome == dk.CLOSED).all() and (r.n_hearings == 1).all()
    assert np.isinf(r.t_recalendared).all()


def test_the_backlog_by_filing_year_leaves_out_cases_while_closed():
    """TRAC's and EOIR's pending counts leave out administratively closed cases: a case filed on
    day 10, closed on day 100 and recalendared on day 300 is pending on days 10-99 and from 300."""
    import datetime as dt
    from types import SimpleNamespace

    from corridor.analysis.backtest import _by_filing_year

    c = SimpleNamespace(t_file=np.array([10.0, 10.0]), t_decision=np.array([500.0, 500.0]),
                        uac_flagged=np.array([True, True]), t_closed=np.array([100.0, np.inf]),
                        t_recalendared=np.array([300.0, np.inf]))  # fmt: skip
    v = _by_filing_year(c, 600, dt.date(2013, 10, 1))["court_pending_uac_flagged_by_filing_fy"]
    total = v.values[-1]
    assert total[50] == 2 and total[150] == 1 and total[299] == 1 and total[300] == 2
    assert total[499] == 2 and total[500] == 0


def sij_cases(visa_wait, n_days=3000, **inputs):
    """Represented children on the SIJ track from filing: a state-court order after 100 days
    and USCIS approval 100 days later (day t_file + 200); never closed (continued)."""
    cases = represented_on_track(dk.SIJS)
    values = dict(judges=20.0, juvenile_weight=1.0, work_master=0.01, work_merits=0.01,
                  other_per_judge_day=1.0, attend_represented=1.0, notice_proven=1.0,
                  state_court_days=100.0, i360_days=100.0, sijs_approval=1.0, closure=0.0,
                  status_lag_days=90.0, recalendar=1.0)  # fmt: skip
    values.update(inputs)
    days = DocketDay.constant(n_days, **values)
    visa = np.zeros((5, n_days))
    visa[0] = visa_wait
    return cases, dk.run(cases, days, visa, 0.0, (11, 12, 13))


def test_a_visa_bulletin_that_retrogresses_holds_children_approved_before_it():
    """The EB-4 wait is the bulletin's on the day the court would end the case, not on the day
    of approval: approved on about day 200 with no wait, a child whose status hearing (day ~290)
    comes after a retrogression on day 250 (a wait of 2 years) waits for the visa number."""
    wait = np.zeros(3000)
    _, current = sij_cases(wait)
    assert (current.outcome == dk.RELIEF).all()
    assert (current.t_decision < 400).all()
    wait[250:] = 2.0
    _, held = sij_cases(wait)
    assert (held.outcome == dk.RELIEF).all()
    assert np.allclose(held.t_visa, held.t_petition + 2 * 365.25)
    assert (held.t_decision >= held.t_visa).all()


def test_a_case_closed_while_waiting_for_a_visa_is_recalendared_when_it_comes():
    """Continued while USCIS decides (no closures before day 150), then closed at the status
    hearing while the approved child waits two years for a visa: recalendared when the visa is
    available (plus the status lag), and ended with the relief; without recalendaring the
    closure is the end."""
    wait, closure = np.full(3000, 2.0), np.zeros(3000)
    closure[150:] = 1.0
    _, r = sij_cases(wait, closure=closure)
    assert (r.n_hearings == 3).all()  # master (continued), status (closed), status (relief)
    assert np.allclose(r.t_closed, r.t_hearing[:, 1])
    assert np.allclose(r.t_recalendared, r.t_visa + 90.0)
    assert (r.outcome == dk.RELIEF).all() and (r.t_decision >= r.t_recalendared).all()
    _, kept = sij_cases(wait, closure=closure, recalendar=0.0)
    assert (kept.outcome == dk.CLOSED).all() and np.isinf(kept.t_closed).all()
