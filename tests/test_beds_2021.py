"""ORR's standard beds in late February 2021 (orr/capacity/standard_beds): the 7,100 operational
beds the AP reported nearly full on 24 February 2021, under COVID-19 distancing. With fewer
beds than the 7,800 of November 2020, children referred in the last days of February wait in
Border Patrol stations (as CBP's counts of early March 2021 show), not in ORR care."""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from pathlib import Path

import pandas as pd

from corridor import Simulation
from corridor.parameters.tree import PARAMETER_ROOT

BEDS = PARAMETER_ROOT / "orr/capacity/standard_beds.yaml"
LINE = "  2021-02-24: 7100 "


def _without_the_ap_count(root: Path) -> Path:
    dst = root / BEDS.relative_to(PARAMETER_ROOT)
    dst.parent.mkdir(parents=True)
    shutil.copy(BEDS, dst)
    text = dst.read_text()
    start = text.index(LINE)
    dst.write_text(text[:start] + text[text.index("\n", start) + 1 :])
    return root


@functools.lru_cache(maxsize=2)
def _daily(params_dir: Path | None) -> pd.DataFrame:
    """One baseline run to 4 March 2021 per parameter folder (shared by the tests)."""
    r = Simulation("baseline", "2020-10-01", "2021-03-04", seed=1, params_dir=params_dir).run()
    return r.daily[r.daily.group == "all"]


def _series(params_dir: Path | None, metric: str) -> dict[dt.date, float]:
    d = _daily(params_dir)
    d = d[d.metric == metric]
    return {
        dt.date.fromisoformat(str(k)[:10]): float(v) for k, v in zip(d.date, d.value, strict=True)
    }


def test_the_ap_count_holds_from_24_february_to_the_march_step():
    assert LINE in BEDS.read_text()
    beds = _series(None, "orr_capacity_standard")
    assert beds[dt.date(2021, 2, 23)] == 7_800  # MPI, November 2020
    # a bed in use is not taken away: the count falls to 7,100 as children leave (two days)
    assert 7_100 <= beds[dt.date(2021, 2, 24)] < 7_800
    assert beds[dt.date(2021, 2, 26)] == 7_100 == beds[dt.date(2021, 3, 4)]


def test_fewer_beds_keep_children_in_border_patrol_stations(tmp_path):
    """The same arrivals, the same random numbers: with the 7,100 beds the stations hold more
    children at the start of March 2021 and ORR fewer, and the two differ by the same children."""
    with_ap = {m: _series(None, m) for m in ("cbp_census", "orr_census")}
    old = _without_the_ap_count(tmp_path)
    without = {m: _series(old, m) for m in ("cbp_census", "orr_census")}
    day = dt.date(2021, 3, 4)
    more_in_cbp = with_ap["cbp_census"][day] - without["cbp_census"][day]
    fewer_in_orr = without["orr_census"][day] - with_ap["orr_census"][day]
    assert more_in_cbp > 300
    assert abs(more_in_cbp - fewer_in_orr) <= 10  # waiting, not lost (a few in transport)
    end_feb = dt.date(2021, 2, 28)  # in care: no more than the beds open (standard and influx)
    assert with_ap["orr_census"][end_feb] <= _series(None, "orr_capacity")[end_feb]
