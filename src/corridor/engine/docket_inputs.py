"""The docket kernel's daily inputs: one named array per input, one value per simulated day.

``DocketDay`` is the only place the inputs are named. ``stages/court.py`` builds it by keyword
from the parameter tree (a missing or unknown field is an error there), and the kernel reads the
fields by name (``days.judges[d]``), so the two cannot drift apart. numba compiles a NamedTuple
of arrays as a typed tuple: field access costs what an array index costs.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class DocketDay(NamedTuple):
    """Per-day inputs of the docket kernel (float64 arrays of length n_days)."""

    # judges and the docket
    judges: np.ndarray  # judges on board
    other_per_judge_day: np.ndarray  # other cases a judge completes per day of work
    juvenile_weight: np.ndarray  # docket-priority weight of a pending child's case
    order: np.ndarray  # FIFO, PRIORITY or LIFO (docket.ORDER_NAMES)
    other_receipts: np.ndarray  # other cases received per day
    work_master: np.ndarray  # mean judge-days of a master-calendar or status hearing
    work_merits: np.ndarray  # mean judge-days of a merits hearing
    # counsel
    legal_aid: np.ndarray  # new legal-aid representations per day
    # hearings
    attend_represented: np.ndarray  # probability a represented child attends a hearing
    attend_unrepresented: np.ndarray  # same, unrepresented
    notice_proven: np.ndarray  # share of missed hearings with proof of written notice
    master_decision_unrepresented: np.ndarray  # attended master hearings decided there (unrep.)
    max_continuances: np.ndarray  # continuances to find counsel before the merits hearing
    continuance_days: np.ndarray  # mean days to the hearing after a continuance
    venue_change: np.ndarray  # share of first attended master hearings ending in a venue change
    venue_change_days: np.ndarray  # mean days to the first hearing at the receiving court
    merits_lag_days: np.ndarray  # mean days from the last master hearing to the merits hearing
    status_lag_days: np.ndarray  # mean days from a USCIS decision or visa date to a status hearing
    # relief tracks at USCIS and the state courts
    closure: np.ndarray  # share of cases with a pending petition the judge closes administratively
    recalendar: np.ndarray  # share of closed cases recalendared when the reason for closure ends
    prep_days: np.ndarray  # mean days from counsel to filing an asylum or T/U application
    asylum_days: np.ndarray  # mean days for USCIS to decide a child's asylum application
    asylum_grant: np.ndarray  # USCIS asylum grant rate
    asylum_after_18: np.ndarray  # 1 if USCIS keeps jurisdiction over a youth who turned 18
    t_u_days: np.ndarray  # mean days for a T or U decision
    t_u_grant: np.ndarray  # T/U approval rate
    state_court_days: np.ndarray  # mean days from counsel to a state-court SIJ order
    i360_days: np.ndarray  # mean days for USCIS to decide the SIJ petition
    sijs_approval: np.ndarray  # SIJ approval rate
    # the judge's decision at a merits hearing, by representation (and, for an unrepresented
    # child, whether the case is a priority case of the 2014-2017 children's priority docket)
    relief_represented: np.ndarray
    relief_unrepresented: np.ndarray
    relief_unrepresented_priority: np.ndarray
    termination_represented: np.ndarray
    termination_unrepresented: np.ndarray
    termination_unrepresented_priority: np.ndarray
    voluntary_departure_represented: np.ndarray
    voluntary_departure_unrepresented: np.ndarray
    voluntary_departure_unrepresented_priority: np.ndarray

    @property
    def n_days(self) -> int:
        return len(self.judges)

    @classmethod
    def constant(cls, n_days: int, **values: float | np.ndarray) -> DocketDay:
        """Every field 0 on every day except those given (a number or a daily array): for tests
        and reduced configurations."""
        unknown = set(values) - set(cls._fields)
        if unknown:
            raise TypeError(f"DocketDay has no field {sorted(unknown)[0]!r}")
        return cls(**{
            f: np.broadcast_to(np.asarray(values.get(f, 0.0), dtype=np.float64), (n_days,)).copy()
            for f in cls._fields
        })  # fmt: skip

    def stacked(self) -> np.ndarray:
        """The inputs as one [field, day] float64 array, the kernel's layout: it reads
        ``daily[row.judges, d]`` with ``row = ROW``. One array rather than a structure of arrays
        because numba counts references to each array of a structure passed to a function."""
        return np.stack(self.checked())

    def checked(self) -> DocketDay:
        """Contiguous float64 arrays of one length (what the compiled kernel expects)."""
        arrays = [np.ascontiguousarray(a, dtype=np.float64) for a in self]
        if len({a.shape for a in arrays}) != 1 or arrays[0].ndim != 1:
            raise ValueError("every DocketDay field must be a 1-D array of the same length")
        return DocketDay(*arrays)


# The row of each field in ``DocketDay.stacked()``: a DocketDay whose values are row numbers,
# passed to the kernel with the stacked array (so its rows are named, and a cached kernel is
# recompiled whenever the fields change, as they are part of its argument types).
ROW = DocketDay(*range(len(DocketDay._fields)))
