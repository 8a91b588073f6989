"""Immigration court: filing, judges and docket order, counsel, hearings, relief tracks,
decisions, and the execution of removal orders.

* **Filing.** DHS files a Notice to Appear for each child who entered ORR care, after an
  exponential lag from referral, except a dated share never served (``court.filing``). Children
  who never reached ORR care (returned, expelled, aged out waiting in CBP) have no juvenile case.
* **The docket** (``engine/docket.py``): the children's cases are agents; the rest of the
  court's docket is a fluid queue fed by EOIR's receipts. Judges on board are split between the
  two in proportion to pending cases, children's weighted by a dated priority weight; hearings
  are taken in the dated docket order (first in first out, the 2014 priority docket, last in
  first out). Under the priority docket only the cases DHS coded as priority cases are on the
  children's docket: the code is on the NTAs of children who arrived from a dated day
  (``court.filing.priority_code_share``), the other children's cases were docketed as before,
  on the general docket, with its judges' time shared by pending cases, and EOIR's children's
  figures of 2014-2016 count the coded cases. Counsel comes from private lawyers (a share, after a delay) or from legal-aid
  capacity (attorneys x cases a year, first come first served). Attendance depends on
  representation; a missed hearing is a removal order in absentia. Relief tracks run at USCIS
  (asylum, SIJ with its state-court order and EB-4 visa wait, T/U), with administrative closure
  or continuance while they are pending.
* **Hearing deadline.** Under a dated rule (H.R. 5230's 14 days; none in history) a child
  screened while it is in force gets the first hearing within N days of screening: DHS files by
  then and the hearing is held with judge time taken from the rest of the docket.
* **After the order.** ICE executes outstanding removal orders at a rate per year, by kind
  of order (a child ordered removed in absentia is harder to find), times a dated enforcement
  factor; a change of enforcement policy speeds up the orders already waiting. Removed children may set out again (weakly
  evidenced; a flow metric only, not new arrivals).
* **Aging out.** A youth who turned 18 before filing for asylum loses USCIS jurisdiction when the
  dated rule says so; the SIJ state-court order must come before the state's age limit (18, or
  21 where state courts act to 21).

Random numbers are counter-based per child (``engine/counter_rng.py``): each process has its own named
stream, and a child's numbers depend only on its row, so they are the same in every scenario.
"""

from __future__ import annotations

import numpy as np

from corridor.engine import docket as dk
from corridor.engine.counter_rng import stream_key, uniforms
from corridor.engine.docket_inputs import DocketDay
from corridor.engine.hazard import event_times
from corridor.engine.medians import cell_medians
from corridor.engine.sorting import stable_order
from corridor.errors import CorridorError
from corridor.outputs.metrics import DailyMetrics, Tally
from corridor.stages.children import COUNTRIES
from corridor.stages.context import RunContext

DAYS_PER_YEAR = 365.25
# INA 101(a)(27)(J) and 8 CFR 204.11: an SIJ petitioner must be under 21 when the petition is
# filed; state courts that act to that age are in court.relief.sijs.age_21_share.
SIJ_FEDERAL_AGE_LIMIT = 21.0
# the groups of the judges' decision shares (court/decision/*.yaml): by representation, and the
# unrepresented children's priority cases of the 2014-2017 priority docket apart
DECISION_GROUPS = ("represented", "unrepresented", "unrepresented_priority")


def _daily(ctx: RunContext, path: str, group: str | None = None) -> np.ndarray:
    return ctx.params[path].daily(ctx.clock.origin, ctx.clock.n_days, group)


def _day(t: np.ndarray, n_days: int) -> np.ndarray:
    """Day index of each time, clamped into the simulated days (for dated lookups)."""
    return np.clip(np.where(np.isfinite(t), t, 0.0), 0, n_days - 1).astype(np.int64)


def _order(ctx: RunContext) -> np.ndarray:
    """The dated docket order, checked to be one of the three orders."""
    p = ctx.params["court.docket.order"]
    for date, v in sorted(p.spec.values.items()):
        if float(v) not in dk.ORDER_NAMES:
            names = ", ".join(f"{k} ({name})" for k, name in dk.ORDER_NAMES.items())
            raise CorridorError(p.file, f"values.{date}: {v} is not a docket order: use {names}")
    return _daily(ctx, "court.docket.order")


def _check_shares(ctx: RunContext, paths: list[tuple[str, str]], what: str) -> None:
    """Shares of exclusive outcomes must leave a non-negative remainder on every day."""
    total = sum(_daily(ctx, p, g) for p, g in paths)
    if np.any(total > 1.0 + 1e-9):
        d = int(np.argmax(total > 1.0 + 1e-9))
        files = ", ".join(sorted({ctx.params[p].file for p, _ in paths}))
        raise CorridorError(
            files, f"{what} add up to {total[d]:.3f} > 1 on {ctx.clock.date(d)}: reduce one"
        )


def daily_inputs(ctx: RunContext) -> tuple[DocketDay, np.ndarray]:
    """The kernel's per-day inputs and EB-4 visa waits [country, day]."""
    for g in DECISION_GROUPS:
        _check_shares(
            ctx,
            [(f"court.decision.{s}", g) for s in
             ("relief_share", "termination_share", "voluntary_departure_share")],
            f"merits outcome shares ({g})",
        )  # fmt: skip
    _check_shares(
        ctx, [("court.relief.track_share", t) for t in dk.TRACKS[1:]], "relief track shares"
    )
    per_year = _daily(ctx, "court.judges.completions_per_judge_year")
    if np.any(per_year <= 0):
        p = ctx.params["court.judges.completions_per_judge_year"]
        raise CorridorError(p.file, "values: completions per judge-year must be above 0")
    case_days = 365.0 / per_year  # judge-days of an average completed case

    def by_representation(path: str) -> dict[str, np.ndarray]:
        name = path.rsplit(".", 1)[1].removesuffix("_share")
        return {f"{name}_{g}": _daily(ctx, path, g) for g in DECISION_GROUPS}

    order = _order(ctx)
    # the children's docket weight: the priority docket's while its order is in force
    weight = np.where(
        order == dk.PRIORITY,
        _daily(ctx, "court.judges.priority_weight"),
        _daily(ctx, "court.judges.juvenile_weight"),
    )
    days = DocketDay(
        judges=_daily(ctx, "court.judges.on_board"),
        other_per_judge_day=per_year / 365.0,
        juvenile_weight=weight,
        order=order,
        other_receipts=_daily(ctx, "court.other_docket.receipts") / 365.0,
        work_master=_daily(ctx, "court.judges.hearing_time", "master") * case_days,
        work_merits=_daily(ctx, "court.judges.hearing_time", "merits") * case_days,
        legal_aid=_daily(ctx, "court.counsel.legal_aid_attorneys")
        * _daily(ctx, "court.counsel.cases_per_attorney_year")
        / 365.0,
        attend_represented=_daily(ctx, "court.hearing.attendance", "represented"),
        attend_unrepresented=_daily(ctx, "court.hearing.attendance", "unrepresented"),
        notice_proven=_daily(ctx, "court.hearing.notice_proven_share"),
        master_decision_unrepresented=_daily(ctx, "court.hearing.master_decision_share"),
        max_continuances=_daily(ctx, "court.hearing.counsel_continuances"),
        continuance_days=_daily(ctx, "court.hearing.continuance_days"),
        venue_change=_daily(ctx, "court.hearing.venue_change_share"),
        venue_change_days=_daily(ctx, "court.hearing.venue_change_days"),
        merits_lag_days=_daily(ctx, "court.hearing.merits_lag_days"),
        status_lag_days=_daily(ctx, "court.hearing.status_lag_days"),
        closure=_daily(ctx, "court.relief.closure_share"),
        recalendar=_daily(ctx, "court.relief.recalendar_share"),
        prep_days=_daily(ctx, "court.relief.asylum.prep_days"),
        asylum_days=_daily(ctx, "court.relief.asylum.uscis_days"),
        asylum_grant=_daily(ctx, "court.relief.asylum.uscis_grant_rate"),
        asylum_after_18=_daily(ctx, "court.relief.asylum.uscis_after_18"),
        t_u_days=_daily(ctx, "court.relief.t_u.uscis_days"),
        t_u_grant=_daily(ctx, "court.relief.t_u.grant_rate"),
        state_court_days=_daily(ctx, "court.relief.sijs.state_court_days"),
        i360_days=_daily(ctx, "court.relief.sijs.i360_days"),
        sijs_approval=_daily(ctx, "court.relief.sijs.approval_rate"),
        **by_representation("court.decision.relief_share"),
        **by_representation("court.decision.termination_share"),
        **by_representation("court.decision.voluntary_departure_share"),
    )
    visa = np.stack([_daily(ctx, "court.relief.sijs.visa_wait_years", c) for c in COUNTRIES])
    return days, visa


def filing_times(t_ref: np.ndarray, e: np.ndarray, mean_lag: np.ndarray) -> np.ndarray:
    """NTAs awaiting filing are filed at the rate 1 / mean lag in force on each day: a child's
    filing time solves H(t) = H(t_ref) + e, with H the cumulative rate and e a unit exponential.
    A change of regime thus also changes how fast the cases already waiting are filed."""
    return hazard_times(t_ref, e, 1.0 / np.maximum(mean_lag, 1e-9))


def hazard_times(t0: np.ndarray, e: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """When an event with the dated hazard ``rate`` (per day; 0 allowed) happens to each of the
    waiting items that started waiting at ``t0``: the time t solving H(t) = H(t0) + e, with H the
    cumulative hazard and e a unit exponential; inf if not within the simulated days."""
    return event_times(t0, e, rate)


def hearing_deadlines(t_screened: np.ndarray, day: np.ndarray, ctx: RunContext) -> np.ndarray:
    """The time by which each child's first hearing is due under the dated hearing-deadline
    rule in force on the day the child was screened (0 days: no rule, inf)."""
    n_days = _daily(ctx, "court.hearing.deadline_days")[day]
    return np.where(n_days > 0, t_screened + n_days, np.inf)


def _seed(ctx: RunContext, name: str) -> int:
    return stream_key(ctx.streams[f"court.{name}"])


def _exp(u: np.ndarray, in_place: bool = False) -> np.ndarray:
    """Unit exponentials -log1p(-u), with one array allocated (or none: ``in_place`` overwrites
    ``u``) instead of three: the same ufuncs on the same values, so the same bits."""
    x = np.negative(u, out=u) if in_place else np.negative(u)
    np.log1p(x, out=x)
    return np.negative(x, out=x)


def run(ctx: RunContext) -> None:
    c, clock = ctx.children, ctx.clock
    n_days = clock.n_days
    days, visa = daily_inputs(ctx)

    # filing: every child who entered ORR care, after a lag from referral, unless never served
    # (not the children separated from a parent: their cases went with the parent's, see
    # stages/separation.py)
    entered = np.flatnonzero(np.isfinite(c.t_orr_start) & (c.t_referral < n_days) & ~c.separated)
    ref_day = _day(c.t_referral[entered], n_days)
    u = uniforms(_seed(ctx, "filing"), entered, 3)
    never = u[:, 0] < _daily(ctx, "court.filing.never_served_share")[ref_day]
    # DHS's priority code on the NTA, by the day the child arrived (the 2014 docket was for recent
    # arrivals); it matters only for a case filed while the priority docket is in force
    arrived_day = _day(c.t_arrival[entered], n_days)
    coded = u[:, 2] < _daily(ctx, "court.filing.priority_code_share")[arrived_day]
    t_file = filing_times(
        c.t_referral[entered], _exp(u[:, 1]), _daily(ctx, "court.filing.lag_days")
    )
    # a hearing-deadline rule (H.R. 5230's 14 days) dates the first hearing from screening
    # (referral follows it within a day): DHS files by the deadline and the hearing is then
    t_deadline = hearing_deadlines(c.t_referral[entered], ref_day, ctx)
    t_file = np.minimum(t_file, t_deadline)
    # not before the child is in ORR care: whether a case exists is then decided by events up to
    # its filing, so a day's result does not depend on how far the simulation runs
    t_file = np.maximum(t_file, c.t_orr_start[entered])
    c.nta_never[entered] = never
    filed = ~never & (t_file < n_days)
    idx = entered[filed]
    t_file, t_deadline, coded = t_file[filed], t_deadline[filed], coded[filed]
    order = stable_order(t_file)
    idx, t_file, t_deadline, coded = idx[order], t_file[order], t_deadline[order], coded[order]
    file_day = _day(t_file, n_days)

    # private counsel, age limits, relief track plans
    u = uniforms(_seed(ctx, "counsel"), idx, 2)
    private = u[:, 0] < _daily(ctx, "court.counsel.private_share")[file_day]
    t_private = np.where(
        private,
        t_file + _daily(ctx, "court.counsel.private_days")[file_day] * _exp(u[:, 1]),
        np.inf,
    )
    arr_day = _day(c.t_arrival[idx], n_days)
    majority = ctx.params["orr.aging_out_age"].daily(clock.origin, n_days)[arr_day]
    born = c.t_arrival[idx] - c.age[idx] * DAYS_PER_YEAR
    t_18 = born + majority * DAYS_PER_YEAR
    u = uniforms(_seed(ctx, "relief"), idx, 2)
    to_21 = u[:, 1] < _daily(ctx, "court.relief.sijs.age_21_share")[file_day]
    t_sij_limit = born + np.where(to_21, SIJ_FEDERAL_AGE_LIMIT, majority) * DAYS_PER_YEAR
    shares = np.stack([_daily(ctx, "court.relief.track_share", t)[file_day] for t in dk.TRACKS[1:]])
    track = (u[:, 0][None, :] >= np.cumsum(shares, axis=0)).sum(axis=0) + 1
    track = np.where(track > len(dk.TRACKS) - 1, dk.NO_TRACK, track).astype(np.int8)

    t_ready = t_file + _daily(ctx, "court.filing.first_hearing_min_days")[file_day]
    cases = dk.Cases(
        t_file=t_file,
        t_ready=np.maximum(np.minimum(t_ready, t_deadline), t_file),
        t_private=t_private,
        country=c.country[idx].astype(np.int64),
        t_18=t_18,
        t_sij_limit=t_sij_limit,
        track=track,
        u=uniforms(_seed(ctx, "decisions"), idx, len(dk.U_COLS)),
        e=_exp(uniforms(_seed(ctx, "durations"), idx, len(dk.E_COLS)), in_place=True),
        child=idx,
        t_deadline=t_deadline,
        coded=coded,
    )
    keys = dk.HearingKeys(
        _seed(ctx, "attendance"), _seed(ctx, "continuances"), _seed(ctx, "hearing_time")
    )
    other0 = float(ctx.params["court.other_docket.initial_pending"].at(clock.origin))
    r = dk.run(cases, days, visa, other0, keys)

    def within(t):  # events after the last simulated day did not happen (yet)
        return np.where(t < n_days, t, np.inf)

    c.t_file[idx] = t_file
    # what EOIR's records flag as a child's case under the dated flag rule in force at filing (a
    # measurement rule: from 2017 only a child still in ORR custody when the case is filed)
    rule = ctx.params["court.filing.uac_flag_rule"].daily(clock.origin, n_days)[file_day]
    c.uac_flagged[idx] = (rule < 0.5) | (c.t_orr_exit[idx] > t_file)
    c.t_counsel[idx] = r.t_counsel
    c.counsel[idx] = r.counsel
    c.court_hearings = (idx, r.t_hearing)
    c.n_hearings[idx] = r.n_hearings
    c.relief_track[idx] = r.track
    c.t_petition[idx] = within(r.t_petition)
    c.petition_granted[idx] = r.petition_granted & (r.t_petition < n_days)
    c.t_decision[idx] = r.t_decision
    c.t_closed[idx] = r.t_closed
    c.t_recalendared[idx] = within(r.t_recalendared)
    c.outcome[idx] = r.outcome

    # removal orders: ICE executes the outstanding orders at a dated rate by kind of order (a
    # change of enforcement policy speeds up the orders already waiting); removed children may
    # set out again
    ordered = (r.outcome == dk.REMOVAL_IN_ABSENTIA) | (r.outcome == dk.REMOVAL_AFTER_HEARING)
    j = np.flatnonzero(ordered)
    u = uniforms(_seed(ctx, "removal"), idx[j], 4)
    t_removed = np.full(len(j), np.inf)
    for kind, code in (("in_absentia", dk.REMOVAL_IN_ABSENTIA),
                       ("after_hearing", dk.REMOVAL_AFTER_HEARING)):  # fmt: skip
        k = r.outcome[j] == code
        rate = (
            _daily(ctx, "court.removal.execution_rate", kind)
            * _daily(ctx, "court.removal.enforcement_factor", kind)
            / DAYS_PER_YEAR
        )
        t_removed[k] = hazard_times(r.t_decision[j][k], _exp(u[k, 1]), rate)
    t_removed = within(t_removed)
    rem_day = _day(t_removed, n_days)
    t_remig = np.where(
        np.isfinite(t_removed)
        & (u[:, 2] < _daily(ctx, "court.removal.remigration_share")[rem_day]),
        t_removed + _daily(ctx, "court.removal.remigration_days")[rem_day] * _exp(u[:, 3]),
        np.inf,
    )
    c.t_removed[idx[j]] = t_removed
    c.t_remigrated[idx[j]] = within(t_remig)
    ctx.state["court"] = {"cases": idx, "result": r, "judges": days.judges}


def daily_median(day: np.ndarray, group: np.ndarray, value: np.ndarray, n_groups: int,
                 n_days: int) -> np.ndarray:  # fmt: skip
    """The median of ``value`` per (group, day), NaN where there is none: [group, day]."""
    cell = group.astype(np.int64) * n_days + day
    # each cell's values sorted on their own: exact (an offset of cell x span would round the
    # values by an amount that depends on the number of days, so a day's median would depend on
    # the window)
    med = cell_medians(cell, np.asarray(value, dtype=np.float64), n_groups * n_days)
    return med.reshape(n_groups, n_days)


class _Cases:
    """The court columns of the children who have a case (the only ones with court events)."""

    def __init__(self, c, idx: np.ndarray):
        for name in ("country", "t_file", "t_decision", "t_counsel", "counsel", "outcome",
                     "t_removed", "t_remigrated", "t_closed", "t_recalendared"):  # fmt: skip
            setattr(self, name, getattr(c, name)[idx])


def metrics(ctx: RunContext, tally: Tally, out: DailyMetrics) -> None:
    """Court metrics, by country and ``all``; the other docket and judges only for ``all``."""
    clock, s = ctx.clock, ctx.state["court"]
    r, n_days, idx = s["result"], clock.n_days, s["cases"]
    c = _Cases(ctx.children, idx)  # tallies over cases only: same counts, less work
    tally = Tally(c.country, n_days)
    tf, td = c.t_file, c.t_decision
    # a case administratively closed and later recalendared: EOIR counts the closure as its
    # initial completion and the case is off the pending counts (EOIR's and TRAC's) until it is
    # recalendared; its later decision is a subsequent completion, not counted again
    t_first, t_back = np.minimum(c.t_closed, td), c.t_recalendared
    t_out_back = np.where(np.isfinite(t_back), td, np.inf)  # no second interval: none

    def stock(mask=None):
        return tally.stock(tf, t_first, mask) + tally.stock(t_back, t_out_back, mask)

    out.add("court_filings_uac", "flow", tally.flow(tf), unit="case")
    # what EOIR's records flag as a child's case under the dated flag rule (a measurement rule)
    flagged = ctx.children.uac_flagged[idx]
    out.add("court_filings_uac_flagged", "flow", tally.flow(tf, flagged), unit="case")
    pending = stock()
    out.add("court_pending_uac", "stock", pending, unit="case")
    out.add("court_pending_uac_flagged", "stock", stock(flagged), unit="case")
    # every completion: a case's decision, and a closure later recalendared (EOIR's initial
    # completion of that case; the decision after it is a subsequent completion)
    recalendared = np.isfinite(c.t_closed)
    closed_then_back = tally.flow(c.t_closed, recalendared)
    completions = tally.flow(td) + closed_then_back
    out.add("court_completions_uac", "flow", completions, unit="case")
    out.add("court_recalendared_uac", "flow", tally.flow(t_back), unit="case")
    # the 2014 priority docket's own universe: EOIR's priority-coded UC cases (UAC-R01..R10,
    # P04, OUT-19), coded by DHS on the NTAs of recent arrivals (court.filing.priority_code_share)
    priority = r.priority
    out.add("court_filings_priority", "flow", tally.flow(tf, priority), unit="case")
    out.add("court_completions_priority", "flow", tally.flow(t_first, priority), unit="case")
    out.add("court_pending_priority", "stock", stock(priority), unit="case")
    out.add("court_pending_other", "stock", r.other_pending, unit="case")
    out.add("court_pending_total", "stock", pending[-1] + r.other_pending, unit="case")
    out.add("court_completions_other", "flow", r.other_completions, unit="case")

    decided = np.flatnonzero(np.isfinite(td) & (td < n_days))
    day = td[decided].astype(np.int64)
    wait = td[decided] - tf[decided]
    k = len(COUNTRIES)
    med = np.vstack(
        [
            daily_median(day, c.country[decided], wait, k, n_days),
            daily_median(day, np.zeros(len(decided), np.int64), wait, 1, n_days),
        ]
    )
    out.add("court_wait_days_median", "average", med, weight="court_completions_uac", unit="day")

    # represented and pending: the same pending intervals as ``stock`` (none while closed),
    # from the day counsel came (an interval that counsel reached only after it ended is empty)
    represented = np.isfinite(c.t_counsel) & (c.t_counsel <= td)
    rep_pending = np.zeros_like(pending)
    for t_in, t_out in ((tf, t_first), (t_back, t_out_back)):
        start = np.maximum(t_in, c.t_counsel)
        rep_pending += tally.stock(start, np.maximum(start, t_out), represented)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(pending > 0, rep_pending / pending, np.nan)
    out.add("represented_share", "average", share, weight="court_pending_uac", unit="share")

    by_outcome = tally.flows_by_code(td, c.outcome, len(dk.OUTCOMES))  # [outcome, group, day]
    in_absentia = by_outcome[dk.REMOVAL_IN_ABSENTIA]
    with np.errstate(divide="ignore", invalid="ignore"):
        ia_share = np.where(completions > 0, in_absentia / completions, np.nan)
    out.add("in_absentia_share", "average", ia_share, weight="court_completions_uac", unit="share")
    out.add("relief_granted", "flow", by_outcome[dk.RELIEF], unit="case")
    out.add("terminated_or_closed", "flow", by_outcome[dk.CLOSED] + closed_then_back, unit="case")
    out.add("voluntary_departure", "flow", by_outcome[dk.VOLUNTARY_DEPARTURE], unit="case")
    removal = in_absentia + by_outcome[dk.REMOVAL_AFTER_HEARING]
    out.add("removal_ordered", "flow", removal, unit="case")
    ordered = (c.outcome == dk.REMOVAL_IN_ABSENTIA) | (c.outcome == dk.REMOVAL_AFTER_HEARING)
    out.add("removal_ordered_priority", "flow", tally.flow(td, ordered & priority), unit="case")
    out.add("removal_in_absentia", "flow", in_absentia, unit="case")
    out.add(
        "removal_in_absentia_priority",
        "flow",
        tally.flow(td, (c.outcome == dk.REMOVAL_IN_ABSENTIA) & priority),
        unit="case",
    )
    removed = tally.flow(c.t_removed)
    out.add("removals_executed", "flow", removed, unit="child")
    out.add("remigrations", "flow", tally.flow(c.t_remigrated), unit="child")
    legal_aid = tally.flow(c.t_counsel, c.counsel == dk.LEGAL_AID)
    out.add("counsel_legal_aid", "flow", legal_aid, unit="child")

    # hearings and the judge time they use, by the child's country
    hearings, judge_days = tally.row_events(r.t_hearing, r.work, r.n_hearings)
    out.add("court_hearings_uac", "flow", hearings, unit="hearing")
    out.add("court_judges", "stock", s["judges"], unit="judge")
    out.add("court_juvenile_judges", "stock", r.juvenile_judges, unit="judge")
    team_year = ctx.params["court.cost.judge_team_year"].daily(clock.origin, n_days)
    out.add("cost_eoir", "flow", judge_days * team_year / 365.0, unit="USD")
    per_child = ctx.params["court.cost.legal_per_child"].daily(clock.origin, n_days)
    out.add("cost_legal", "flow", legal_aid * per_child, unit="USD")
    per_removal = ctx.params["court.cost.removal"].daily(clock.origin, n_days)
    out.add("cost_removal", "flow", removed * per_removal, unit="USD")
