"""Resources the flows use: beds needed, legal-aid attorneys in use, judge-years on the children's
docket. They answer a planner's question ("how many beds, lawyers, judges?") from the same
per-child records and dated parameters as the stage metrics, after every stage has run.

* ``beds_needed``: the beds that would have to exist for no referred child to wait: children
  holding an ORR bed (in care, or assigned a bed and in transport to it) plus children referred
  and still waiting in a CBP station for one. A child who turns 18 while waiting stops waiting
  on that day (it goes to ICE, not to a bed).
* ``legal_aid_attorneys_in_use``: legal-aid caseload over the caseload an attorney carries. An
  attorney-equivalent takes on ``court.counsel.cases_per_attorney_year`` new children a year (an
  assumption with a range), so the attorneys a year's intake occupies are the children taken on
  by legal aid over the 365 days to that day, divided by that parameter on that day. (Over the
  first year of the simulated period the intake so far is scaled to a year.)
* ``legal_aid_attorneys_funded``: the legal-aid capacity the parameters give
  (``court.counsel.legal_aid_attorneys``), for comparison with the attorneys in use.
* ``court_judge_years_uac``: judges' time given to the children's docket, in judge-years per
  day (``court_juvenile_judges`` / 365.25), so that a fiscal year's sum is the judge-years the
  children's cases received that year.
"""

from __future__ import annotations

import numpy as np

from corridor.outputs.metrics import DailyMetrics, Tally
from corridor.stages.context import RunContext

DAYS_PER_YEAR = 365.25  # the calendar year the parameters' "per year" units mean
INTAKE_WINDOW_DAYS = 365  # the trailing year of legal-aid intake an attorney's caseload covers


def trailing_year_rate(flow: np.ndarray) -> np.ndarray:
    """Events per year over the trailing 365 days (the days so far, scaled, in the first year)."""
    cum = np.cumsum(flow, axis=-1)
    lagged = np.zeros_like(cum)
    lagged[..., INTAKE_WINDOW_DAYS:] = cum[..., :-INTAKE_WINDOW_DAYS]
    days = np.minimum(np.arange(1, flow.shape[-1] + 1), INTAKE_WINDOW_DAYS)
    return (cum - lagged) * (DAYS_PER_YEAR / days)


def metrics(ctx: RunContext, tally: Tally, out: DailyMetrics) -> None:
    c, params, clock = ctx.children, ctx.params, ctx.clock
    n_days = clock.n_days
    # waiting ends when a bed is assigned or the child leaves CBP (at 18, to ICE)
    wait_end = np.minimum(c.t_bed_assigned, c.t_leave_cbp)
    waiting = tally.stock(c.t_referral, wait_end, np.isfinite(c.t_referral))
    holding = tally.stock(c.t_bed_assigned, c.t_orr_exit, np.isfinite(c.t_bed_assigned))
    out.add("beds_needed", "stock", waiting + holding, unit="bed")

    if "counsel_legal_aid" in out.metrics:
        per_attorney = params["court.counsel.cases_per_attorney_year"].daily(clock.origin, n_days)
        intake = trailing_year_rate(out.metrics["counsel_legal_aid"].values)
        out.add("legal_aid_attorneys_in_use", "stock", intake / per_attorney, unit="attorney")
        funded = params["court.counsel.legal_aid_attorneys"].daily(clock.origin, n_days)
        out.add("legal_aid_attorneys_funded", "stock", funded, unit="attorney")
    if "court_juvenile_judges" in out.metrics:
        judges = out.metrics["court_juvenile_judges"].values
        out.add("court_judge_years_uac", "flow", judges / DAYS_PER_YEAR, unit="judge-year")
