"""The limits corridor accepts, in one place, checked before any work is done.

Each limit is far above any real use and low enough that a run within it fits in memory and
ends: a number past one is a typo or a test of the program, and it is refused in one line that
names the limit, before the simulation starts (this module imports nothing heavy, so the
command line checks its options here before it loads the model).

The README's section "What --overwrite may replace, and the limits" lists them; keep the two in
step.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from corridor.errors import CorridorError

# The window. Every parameter file covers every day from the first month of the shipped arrivals
# (October 2008); a user's arrivals and the reporting window may not start before it. The
# horizon is the last day corridor simulates: projected arrivals are one assumption held
# constant, and beyond 15 years from now they mean nothing.
FIRST_DAY = dt.date(2008, 10, 1)
HORIZON = dt.date(2040, 9, 30)  # the end of FY2040
# A user's arrivals file may start earlier (its first month then opens the window; every
# parameter holds its first dated value before October 2008), but not before this month.
EARLIEST_MONTH = dt.date(2000, 1, 1)

# Monte Carlo draws of one command (per scenario for compare). A run keeps every draw's daily
# series in memory (about 20 MB a draw over FY2009-FY2026), so 1,000 draws is ~20 GB; the
# percentiles corridor reports are stable to well under 1% long before that.
MAX_DRAWS = 1_000
MAX_EVALUATIONS = 10_000  # calibrate: objective evaluations
# Local worker processes of one command. Each holds a draw's children (about 1 GB at full scale),
# so more than this on one machine would only exhaust its memory; a cluster has --cluster.
MAX_WORKERS = 256

# Children. The largest month in the shipped history is under 11,000 children (June 2014, all
# countries); each child costs about 1 kB of memory in a run.
MAX_CHILDREN_PER_MONTH = 1_000_000  # one country and month of an arrivals file
MAX_CHILDREN_PER_RUN = 10_000_000  # all children of one draw (history, projection or a file)

# Input files: sizes and rows, checked before a file is parsed.
MAX_CSV_BYTES = 50 * 2**20  # an arrivals or facts CSV
MAX_CSV_ROWS = 200_000
MAX_YAML_BYTES = 2 * 2**20  # one parameter or scenario file
MAX_OVERLAY_FILES = 5_000  # YAML files in a --params directory

# The largest value a parameter of each unit may take (the unit's own lower bound, usually 0,
# stays in corridor.parameters.schema). Far above every sourced figure; small enough that the
# engines' integer arithmetic and the arrays they size (judges, beds) cannot overflow.
UNIT_MAX: dict[str, float] = {
    "share": 1.0,
    "share/day": 1.0,
    "day": 36_500.0,  # 100 years
    "hour": 876_000.0,  # 100 years
    "year": 100.0,
    "month": 1_200.0,  # 100 years
    "bed": 10_000_000.0,
    "child": 10_000_000.0,
    "child/day": 1_000_000.0,
    "child/year": 10_000_000.0,
    "judge": 100_000.0,
    "attorney": 1_000_000.0,
    "case": 100_000_000.0,
    "case/judge-year": 100_000.0,
    "case/attorney-year": 100_000.0,
    "case/year": 100_000_000.0,
    "ratio": 1_000.0,
    "elasticity": 1_000.0,  # and -1,000 below
    "USD": 1e13,
    "USD/child": 1e9,
    "USD/child-day": 1e7,
    "USD/bed-day": 1e7,
    "USD/team-year": 1e10,
    "USD/removal": 1e9,
    "USD/day": 1e11,
    "USD/year": 1e13,
    "troop": 1_000_000.0,
    "flag": 1.0,
    "hearing": 1_000.0,
    "docket_order": 2.0,
}
DEFAULT_UNIT_MAX = 1e9  # a unit added without its own line here


def unit_max(unit: str) -> float:
    return UNIT_MAX.get(unit, DEFAULT_UNIT_MAX)


def parse_date(text: str | dt.date, name: str) -> dt.date:
    """A date option or argument (YYYY-MM-DD), or one line naming it."""
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        raise CorridorError(name, f"'{text}' is not a valid date (YYYY-MM-DD)") from None


def check_window(
    start: str | dt.date | None, end: str | dt.date | None, first_day: dt.date | None = FIRST_DAY
) -> None:
    """Refuse a window before the first day of data (``first_day``: the shipped history's, or an
    arrivals file's first month; None: not known yet) or past the horizon."""
    for text, name in ((start, "--start"), (end, "--end")):
        if text is None:
            continue
        d = parse_date(text, name)
        if first_day is not None and d < first_day:
            raise CorridorError(
                name, f"{d} is before the first day of data {first_day} (corridor.limits.FIRST_DAY "
                "or the first month of --arrivals)",
            )  # fmt: skip
        if d > HORIZON:
            raise CorridorError(
                name, f"{d} is after the horizon {HORIZON} (corridor.limits.HORIZON)"
            )


def check_count(value: int, name: str, limit: int, low: int = 1, what: str = "") -> None:
    if value < low:
        raise CorridorError(name, f"{value} must be at least {low}")
    if value > limit:
        raise CorridorError(name, f"{value:,} is above the limit of {limit:,}{what}")


def check_draws(draws: int, name: str = "--draws") -> None:
    check_count(draws, name, MAX_DRAWS, what=" draws (corridor.limits.MAX_DRAWS)")


def check_children(total: float, where: str) -> None:
    if not math.isfinite(total) or total > MAX_CHILDREN_PER_RUN:
        raise CorridorError(
            where, f"about {total:,.0f} children in one draw is above the limit of "
            f"{MAX_CHILDREN_PER_RUN:,} (corridor.limits.MAX_CHILDREN_PER_RUN)",
        )  # fmt: skip


def check_file_size(path: Path, limit: int, kind: str) -> None:
    size = Path(path).stat().st_size
    if size > limit:
        raise CorridorError(
            str(path), f"{size / 2**20:,.1f} MB is above the limit of {limit / 2**20:,.0f} MB "
            f"for {kind} (corridor.limits)",
        )  # fmt: skip
