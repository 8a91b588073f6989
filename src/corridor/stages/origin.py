"""Origin-side levers: aid, messaging, the National Guard and Mexico's enforcement, as
elasticities on the children who set out, by country, with lags.

The arrivals stage gives the children apprehended in history (or a projection). This stage first
dates each child's irregular departure (its apprehension minus a journey drawn by
``stages/delay.py``: the file ``origin.levers.journey_days`` ships uniform on [0, 2 x mean]),
then applies the levers a scenario switches on:

* **aid** (``origin.levers.aid``): ``1 + effect_per_billion x aid($bn a year)`` in force ``lag``
  days before the child's departure;
* **messaging** (``origin.levers.messaging``): ``1 + effect_per_campaign x campaign_scale``, in
  force ``lag`` days before departure;
* **National Guard** (``origin.levers.national_guard``): ``1 + effect_per_thousand x troops/1000``
  in force ``lag`` days before the child's expected apprehension;
* **Mexico** (``origin.levers.mexico``): if Mexico stops ``s0`` of the children heading north in
  history and a scenario adds ``d``, the children reaching the U.S. fall by the factor
  ``1 - d (1 - retry) / (1 - s0)`` (children stopped and deported who try again arrive about
  when they would have).

Each factor is floored at 0 and the factors multiply: ``M`` per child. In the baseline every
intensity is 0, so ``M = 1`` and nothing changes. The evidence behind every effect size is weak;
each is an assumption with a range (see the parameter files), sampled in Monte Carlo draws.

**Thinning with common random numbers.** Each child has one uniform number ``u`` from the stream
``origin.levers`` (drawn for all children in row order, so it is the same child's number in every
scenario). With ``M < 1`` the child does not reach the border if ``u >= M``: it was deterred at
home (fate ``deterred``) if ``u`` is above the origin levers' own factor, otherwise it was stopped
in Mexico (``interdicted_mexico``). Its row stays, with ``t_arrival = NEVER``, so every other
child keeps its random numbers in every later stage. A scenario with a stronger lever removes a
superset of the children a weaker one removes. With ``M > 1`` (a lever that raises departures,
within the ranges of aid and the Guard) the child brings ``floor(M - 1)`` more children plus one
more if ``u < frac(M - 1)``: copies of it (country, age, sex) arriving within 15 days of it, drawn
from the separate stream ``origin.levers.added`` and appended after every existing row.
"""

from __future__ import annotations

import numpy as np

from corridor.engine.clock import Clock
from corridor.outputs.metrics import DailyMetrics, Tally
from corridor.parameters.tree import ParameterSet
from corridor.stages import delay
from corridor.stages.children import COUNTRIES, FATES, NEVER
from corridor.stages.context import RunContext

DETERRED, INTERDICTED = FATES.index("deterred"), FATES.index("interdicted_mexico")
ADDED_SPREAD_DAYS = 30.0  # added children arrive within +/-15 days of the child they copy
BILLION = 1.0e9
THOUSAND = 1.0e3
MAX_S0 = 0.99  # keeps 1 - s0 away from zero


def by_country(params: ParameterSet, path: str, clock: Clock) -> np.ndarray:
    """A dated parameter as an array [country, day] (the same for every country if it has no
    groups)."""
    p = params[path]
    if not p.groups:
        return np.broadcast_to(p.daily(clock.origin, clock.n_days), (len(COUNTRIES), clock.n_days))
    return np.stack([p.daily(clock.origin, clock.n_days, c) for c in COUNTRIES])


def _day(t: np.ndarray, clock: Clock) -> np.ndarray:
    return np.clip(np.floor(t), 0, clock.n_days - 1).astype(np.int64)


def _lever(params, clock, name, intensity, effect, unit, t_ref, cty) -> np.ndarray:
    """One lever's factor per child: 1 + effect x intensity/unit, in force lag days before t_ref."""
    lag = params[f"origin.levers.{name}.lag_days"].daily(clock.origin, clock.n_days)
    d_ref = _day(t_ref, clock)
    level = by_country(params, f"origin.levers.{name}.{intensity}", clock)
    if not level.any():
        return np.ones(len(t_ref))
    size = by_country(params, f"origin.levers.{name}.{effect}", clock)
    d_lag = _day(t_ref - lag[d_ref], clock)
    return np.maximum(0.0, 1.0 + size[cty, d_ref] * level[cty, d_lag] / unit)


def multipliers(ctx: RunContext) -> tuple[np.ndarray, np.ndarray]:
    """(origin factor, Mexico factor) per child: aid x messaging x Guard, and Mexico's."""
    c, params, clock = ctx.children, ctx.params, ctx.clock
    cty = c.country.astype(np.int64)
    m_o = _lever(params, clock, "aid", "added_usd_per_year", "effect_per_billion", BILLION,
                 c.t_depart, cty)  # fmt: skip
    m_o *= _lever(params, clock, "messaging", "campaign_scale", "effect_per_campaign", 1.0,
                  c.t_depart, cty)  # fmt: skip
    m_o *= _lever(params, clock, "national_guard", "troops", "effect_per_thousand", THOUSAND,
                  c.t_expected, cty)  # fmt: skip
    added = by_country(params, "origin.levers.mexico.added_interdiction_share", clock)
    if not added.any():
        return m_o, np.ones(c.n)
    d = _day(c.t_expected, clock)
    s0 = np.minimum(by_country(params, "origin.levers.mexico.interdiction_share", clock), MAX_S0)
    retry = params["origin.levers.mexico.retry_share"].daily(clock.origin, clock.n_days)
    m_x = 1.0 - added[cty, d] * (1.0 - retry[d]) / (1.0 - s0[cty, d])
    return m_o, np.clip(m_x, 0.0, 1.0)


def run(ctx: RunContext) -> None:
    c, params, clock, streams = ctx.children, ctx.params, ctx.clock, ctx.streams
    n = c.n
    u_journey = streams["origin.journey"].random(n)
    day = _day(c.t_expected, clock)
    journey = delay.draw(params, "origin.levers.journey_days", clock, u_journey, day)
    c.t_depart = c.t_expected - journey

    u = streams["origin.levers"].random(n)
    m_o, m_x = multipliers(ctx)
    m = m_o * m_x
    gone = u >= m
    c.fate[gone] = np.where(u[gone] >= m_o[gone], DETERRED, INTERDICTED)
    c.t_arrival = np.where(gone, NEVER, c.t_arrival)

    extra = np.maximum(m - 1.0, 0.0)
    k = np.floor(extra).astype(np.int64) + (u < extra - np.floor(extra))
    if k.any():
        _add_children(c, np.repeat(np.arange(n), k), streams, clock)


def _add_children(c, template: np.ndarray, streams, clock: Clock) -> None:
    v = streams["origin.levers.added"].random(len(template))
    shift = (v - 0.5) * ADDED_SPREAD_DAYS
    t = c.t_expected[template] + shift
    keep = (t >= 0) & (t < clock.n_days)
    template, t, shift = template[keep], t[keep], shift[keep]
    c.extend(
        t,
        c.country[template],
        male=c.male[template],
        age=c.age[template],
        port=c.port[template],  # crosses where its template did (Border Patrol or a port)
        t_expected=t,
        t_depart=c.t_depart[template] + shift,
        added=np.ones(len(t), dtype=bool),
    )


def metrics(ctx: RunContext, tally: Tally, out: DailyMetrics) -> None:
    """departures_deterred, interdicted_mexico_added, departures_added: the children a lever
    removes or adds, each dated on the day it would have been (or is) apprehended, so that in the
    same draw ``arrivals`` differ from the baseline's by exactly these (when in-country
    processing is off), day by day, and a day's value does not depend on the simulated period.
    (Departure dates are in the per-child records; a departures series is not reported because
    children who set out near the end of the period reach the border after it.)"""
    c = ctx.children
    out.add("departures_deterred", "flow", tally.flow(c.t_expected, c.fate == DETERRED),
            unit="child")  # fmt: skip
    out.add("interdicted_mexico_added", "flow", tally.flow(c.t_expected, c.fate == INTERDICTED),
            unit="child")  # fmt: skip
    out.add("departures_added", "flow", tally.flow(c.t_arrival, c.added), unit="child")
