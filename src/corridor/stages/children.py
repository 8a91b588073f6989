"""The children: one agent each, held as columns of arrays (a struct of arrays), not objects.

Times are float days since the simulation's origin; ``inf`` means "did not happen (yet)".
Stages add their columns in order; ``to_frame`` gives the per-child records.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTRIES = ("SV", "GT", "HN", "MX", "OTH")
SPONSOR_CATEGORIES = ("cat1", "cat2", "cat3", "cat4")


class Children:
    """Per-child columns. Every column has one entry per child, in order of apprehension."""

    def __init__(self, t_arrival: np.ndarray, country: np.ndarray):
        self.t_arrival = t_arrival
        self.country = country
        n = len(t_arrival)
        self.male = np.zeros(n, dtype=bool)
        self.age = np.zeros(n)
        # border (CBP) custody
        self.returned = np.zeros(n, dtype=bool)  # TVPRA contiguous-country return
        self.expelled = np.zeros(n, dtype=bool)  # Title 42 expulsion
        self.t_referral = np.full(n, np.inf)  # referral to ORR
        self.t_leave_cbp = np.full(n, np.inf)  # return, expulsion or arrival in ORR care
        # ORR care
        self.sponsor_cat = np.full(n, -1, dtype=np.int8)
        self.t_bed_assigned = np.full(n, np.inf)
        self.t_orr_start = np.full(n, np.inf)
        self.t_orr_exit = np.full(n, np.inf)
        self.bed = np.full(n, -1, dtype=np.int8)  # 0 standard, 1 influx
        self.aged_out = np.zeros(n, dtype=bool)  # turned 18 in care: transfer to ICE

    @property
    def n(self) -> int:
        return len(self.t_arrival)

    def to_frame(self, origin) -> pd.DataFrame:
        """One row per child, with dates (NaT where a stage was not reached)."""
        o = pd.Timestamp(origin)

        def when(t):
            t = np.where(np.isfinite(t), t, np.nan)
            return o + pd.to_timedelta(t, unit="D")

        return pd.DataFrame(
            {
                "country": pd.Categorical.from_codes(self.country, COUNTRIES),
                "sex": np.where(self.male, "M", "F"),
                "age": self.age.round(2),
                "apprehended": when(self.t_arrival),
                "returned_contiguous": self.returned,
                "expelled": self.expelled,
                "referred": when(self.t_referral),
                "left_cbp": when(self.t_leave_cbp),
                "sponsor_category": np.where(self.sponsor_cat >= 0, self.sponsor_cat + 1, 0),
                "orr_start": when(self.t_orr_start),
                "orr_exit": when(self.t_orr_exit),
                "bed": np.select([self.bed == 0, self.bed == 1], ["standard", "influx"], ""),
                "aged_out": self.aged_out,
            }
        )
