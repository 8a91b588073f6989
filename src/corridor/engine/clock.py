"""Simulation time: float days since the simulation's origin date; day d covers [d, d+1)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd


def fiscal_year(date: dt.date) -> int:
    """U.S. federal fiscal year: FY2014 runs 2013-10-01 to 2014-09-30."""
    return date.year + (1 if date.month >= 10 else 0)


@dataclass(frozen=True)
class Clock:
    """The simulated days: ``origin`` is day 0, the last simulated day is ``n_days - 1``."""

    origin: dt.date
    n_days: int

    @classmethod
    def between(cls, origin: dt.date, last: dt.date) -> Clock:
        return cls(origin, (last - origin).days + 1)

    def day(self, date: dt.date) -> int:
        return (date - self.origin).days

    def date(self, day: int) -> dt.date:
        return self.origin + dt.timedelta(days=int(day))

    def dates(self) -> pd.DatetimeIndex:
        return pd.date_range(self.origin, periods=self.n_days, freq="D")

    def fiscal_years(self) -> np.ndarray:
        d = self.dates()
        return (d.year + (d.month >= 10)).to_numpy()
