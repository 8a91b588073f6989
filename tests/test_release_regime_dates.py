"""The dated release regimes take effect on the date of the policy change a source gives.

A regime reaches every child already in care on its date (the release hazard), so a misdated
regime moves the census of the months between the wrong date and the right one: the 2017 regime
of sponsor enforcement, dated 1 February 2017 with no source, slowed the releases of the children
admitted in the winter 2016-17 surge months before ICE's surge initiative against sponsors began
(30 June 2017).
"""

from __future__ import annotations

import datetime as dt

from corridor import Simulation
from corridor.parameters.tree import load_parameters

MEAN_DAYS = "orr.length_of_care.mean_days"
SURGE_INITIATIVE = dt.date(2017, 6, 30)  # ICE's surge initiative against sponsors (AP, 30 Jun 2017)


def test_the_2017_sponsor_enforcement_regime_starts_with_ices_surge_initiative():
    p = load_parameters()[MEAN_DAYS]
    fy2016 = p.at(dt.date(2016, 6, 1))
    assert p.at(dt.date(2017, 4, 20)) == fy2016  # spring 2017: still the FY2016 pace
    assert p.at(SURGE_INITIATIVE) > fy2016  # slower releases from the initiative on
    assert SURGE_INITIATIVE in p.dates
    # the date is a source's, not a guess
    assert any(s.date == SURGE_INITIATIVE.isoformat() for s in p.spec.sources)


def test_releases_slow_for_the_children_in_care_when_the_initiative_starts():
    """The model's own discharge rate (releases a day / census) falls across the change: the
    children in care in June 2017 leave more slowly in July, though no new policy reached entry."""
    r = Simulation("baseline", "2017-03-01", "2017-09-30", seed=1).run()
    d = r.daily
    d = d[(d.group == "all") & (d.metric.isin(["orr_discharges", "orr_census"]))]
    wide = d.pivot_table(index="date", columns="metric", values="value", observed=True)
    wide.index = wide.index.astype("datetime64[ns]")
    rate = wide.orr_discharges / wide.orr_census
    spring = rate.loc["2017-04-01":"2017-06-29"].mean()
    summer = rate.loc["2017-07-15":"2017-09-30"].mean()
    assert summer < 0.85 * spring, (spring, summer)
