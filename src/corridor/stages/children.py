"""The children: one agent each, held as columns of arrays (a struct of arrays), not objects.

Times are float days since the simulation's origin; ``inf`` means "did not happen (yet)".
Stages add their columns in order; ``to_frame`` gives the per-child records.

Rows never move: a child's position fixes its random numbers in every stage (common random
numbers). A scenario's origin-side policies (levers, in-country processing) never delete a row:
a child who does not reach the border keeps it, with ``t_arrival = NEVER`` (a time after every
simulated day, which no stage counts) and ``fate`` saying why; children a lever adds are
appended at the end. So stages must not assume the rows are sorted by time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

COUNTRIES = ("SV", "GT", "HN", "MX", "OTH")
SPONSOR_CATEGORIES = ("cat1", "cat2", "cat3", "cat4")
# a time after every simulated day: the arrival time of a child who does not reach the border
NEVER = 1.0e7
# what happened before the border: reached it, deterred by a lever, stopped in Mexico by a lever,
# arrived safely through in-country processing
FATES = ("border", "deterred", "interdicted_mexico", "in_country")


class Children:
    """Per-child columns. Every column has one entry per child, in order of apprehension."""

    def __init__(self, t_arrival: np.ndarray, country: np.ndarray):
        self.t_arrival = t_arrival
        self.country = country
        n = len(t_arrival)
        self.male = np.zeros(n, dtype=bool)
        self.age = np.zeros(n)
        self.port = np.zeros(n, dtype=bool)  # encountered at a port of entry (OFO), not by USBP
        # separated from a parent by DHS (family unit, not in CBP's unaccompanied counts) and
        # referred to ORR (stages/separation.py); ``court_class``: in care on the Ms. L order's
        # date, released by the order's rule unless the ordinary hazard releases it first
        self.separated = np.zeros(n, dtype=bool)
        self.court_class = np.zeros(n, dtype=bool)
        self.court_release = np.zeros(n, dtype=bool)  # care ended under the court order
        # origin: levers and in-country processing (stages/origin.py, stages/in_country.py)
        self.t_expected = np.array(t_arrival, dtype=float)  # apprehension without those policies
        self.t_depart = np.full(n, np.nan)  # irregular departure (t_expected - journey)
        self.fate = np.zeros(n, dtype=np.int8)  # index into FATES
        self.added = np.zeros(n, dtype=bool)  # added by a lever that raises departures
        self.t_cam_apply = np.full(n, np.inf)  # in-country application
        self.t_cam_decision = np.full(n, np.inf)
        self.cam_approved = np.zeros(n, dtype=bool)
        self.t_cam_arrival = np.full(n, np.inf)  # safe arrival as refugee or parolee
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
        # care ended other than by release to a sponsor or aging out (orr.discharge.other_share)
        self.discharged_other = np.zeros(n, dtype=bool)
        # immigration court (stages/court.py; codes in engine/docket.py)
        self.nta_never = np.zeros(n, dtype=bool)  # referred, but no NTA is ever filed
        self.t_file = np.full(n, np.inf)  # NTA filed with the court: the case begins
        # EOIR's records flag the case as a child's (court.filing.uac_flag_rule, at filing)
        self.uac_flagged = np.zeros(n, dtype=bool)
        self.t_counsel = np.full(n, np.inf)  # represented from (before the decision)
        self.counsel = np.zeros(n, dtype=np.int8)  # 0 none, 1 private, 2 legal aid
        # the court's hearing starts per case: (children's rows, [case, hearing] times); the
        # [child, hearing] table ``t_hearing`` is built from it only when asked for
        self.court_hearings: tuple[np.ndarray, np.ndarray] | None = None
        self.n_hearings = np.zeros(n, dtype=np.int8)
        self.relief_track = np.zeros(n, dtype=np.int8)  # 0 none, 1 asylum, 2 SIJ, 3 T/U
        self.t_petition = np.full(n, np.inf)  # USCIS decision on the relief track
        self.petition_granted = np.zeros(n, dtype=bool)
        self.t_decision = np.full(n, np.inf)  # the court's final order
        # an administrative closure later recalendared: off the active docket from t_closed
        # (EOIR's initial completion) to t_recalendared (inf: none)
        self.t_closed = np.full(n, np.inf)
        self.t_recalendared = np.full(n, np.inf)
        self.outcome = np.zeros(n, dtype=np.int8)  # docket.OUTCOMES (0: pending)
        self.t_removed = np.full(n, np.inf)  # removal order executed by ICE
        self.t_remigrated = np.full(n, np.inf)  # set out again after removal (weakly evidenced)

    @property
    def n(self) -> int:
        return len(self.t_arrival)

    @property
    def t_hearing(self) -> np.ndarray:
        """[child, hearing] start times (inf: none; no columns before the court has run)."""
        if self.court_hearings is None:
            return np.full((self.n, 0), np.inf, dtype=np.float32)
        rows, times = self.court_hearings
        out = np.full((self.n, times.shape[1]), np.inf, dtype=np.float32)
        out[rows] = times
        return out

    def extend(self, t_arrival: np.ndarray, country: np.ndarray, **columns: np.ndarray) -> None:
        """Append children (at the end, so no existing row moves); other columns take their
        defaults, or the values given by name."""
        n = self.n
        new = Children(np.asarray(t_arrival, float), np.asarray(country, self.country.dtype))
        for name, values in columns.items():
            setattr(new, name, np.asarray(values, getattr(new, name).dtype))
        names = [k for k, v in vars(self).items() if isinstance(v, np.ndarray) and len(v) == n]
        for name in names:
            setattr(self, name, np.concatenate([getattr(self, name), getattr(new, name)]))

    def to_frame(self, origin) -> pd.DataFrame:
        """One row per child, with dates (NaT where a stage was not reached)."""
        o = pd.Timestamp(origin)

        def when(t):
            t = np.where(np.isfinite(t) & (t < NEVER), t, np.nan)
            return o + pd.to_timedelta(t, unit="D")

        return pd.DataFrame(
            {
                "country": pd.Categorical.from_codes(self.country, COUNTRIES),
                "component": np.where(self.port, "OFO", "USBP"),
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
                "discharged_other": self.discharged_other,
                "separated": self.separated,
                "court_release": self.court_release,
                "fate": pd.Categorical.from_codes(self.fate, FATES),
                "expected_apprehension": when(self.t_expected),
                "added_by_lever": self.added,
                "departed": when(np.where(self.fate == 0, self.t_depart, np.inf)),
                "cam_applied": when(self.t_cam_apply),
                "cam_decision": when(self.t_cam_decision),
                "cam_approved": self.cam_approved,
                "cam_arrival": when(self.t_cam_arrival),
                **self._court_frame(when),
            }
        )

    def _court_frame(self, when) -> dict:
        """The court columns of ``to_frame``: each hearing's date and the outcome."""
        from corridor.engine.docket import COUNSEL, OUTCOMES, TRACKS

        has_case = np.isfinite(self.t_file)
        hearings = {
            f"hearing_{k + 1}": when(self.t_hearing[:, k].astype(np.float64))
            for k in range(self.t_hearing.shape[1])
        }
        outcome = np.where(has_case, self.outcome, -1)  # NaN: no court case
        return {
            "nta_never_served": self.nta_never,
            "filed": when(self.t_file),
            "uac_flagged": self.uac_flagged,
            "counsel": when(self.t_counsel),
            "counsel_type": pd.Categorical.from_codes(self.counsel, COUNSEL),
            **hearings,
            "hearings": self.n_hearings,
            "relief_track": pd.Categorical.from_codes(self.relief_track, TRACKS),
            "petition_decided": when(self.t_petition),
            "petition_granted": self.petition_granted,
            "decision": when(self.t_decision),
            "outcome": pd.Categorical.from_codes(outcome, OUTCOMES),
            "removed": when(self.t_removed),
            "remigrated": when(self.t_remigrated),
        }
