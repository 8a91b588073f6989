"""Planning targets: ``"METRIC STATISTIC OP VALUE [FYyyyy]"``, e.g. ``"cbp_over_72h peak <= 0"``.

A target names a metric (group ``all``), a statistic over the reporting window (``sum`` of a
flow; ``mean``, ``peak`` or ``end`` of a stock; the flow-weighted ``mean`` of an average: the
statistics ``corridor compare`` writes to ``comparison.csv``), a comparison (``<=``, ``<``,
``>=``, ``>``) and a value. By default the statistic is over the whole window (``comparison.csv``'s
fiscal year ``total``); a last word ``FY2017`` takes that fiscal year of the window instead.
Several targets must all hold in a draw for the draw to meet them.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass

import numpy as np

from corridor.errors import CorridorError

OPERATORS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt}
STATISTICS = ("sum", "mean", "peak", "end")
WHOLE_WINDOW = "total"  # comparison.csv's fiscal_year label for the whole window
_FY = re.compile(r"^(?:FY)?(\d{4})$", re.IGNORECASE)
_METRIC = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Target:
    metric: str
    statistic: str
    op: str
    value: float
    period: str = WHOLE_WINDOW  # "total" or a fiscal year "2017"
    group: str = "all"

    @property
    def text(self) -> str:
        fy = "" if self.period == WHOLE_WINDOW else f" FY{self.period}"
        return f"{self.metric} {self.statistic} {self.op} {self.value:g}{fy}"

    @property
    def key(self) -> tuple[str, str, str]:
        """The series key of ``corridor.analysis.compare``: (metric, group, statistic)."""
        return (self.metric, self.group, self.statistic)

    def met(self, values: np.ndarray) -> np.ndarray:
        """Per draw: does the value meet the target? A missing value (NaN) does not."""
        v = np.asarray(values, dtype=float)
        return np.isfinite(v) & OPERATORS[self.op](v, self.value)

    def as_dict(self) -> dict:
        return {"target": self.text, "metric": self.metric, "group": self.group,
                "statistic": self.statistic, "op": self.op, "value": self.value,
                "period": self.period}  # fmt: skip


def parse_target(text: str) -> Target:
    """``"metric statistic op value [FYyyyy]"`` -> Target; a one-line error otherwise."""
    words = text.split()
    usage = "expected 'METRIC STATISTIC OP VALUE [FYyyyy]', e.g. 'cbp_over_72h peak <= 0'"
    if len(words) not in (4, 5):
        raise CorridorError("--target", f"'{text}': {usage}")
    metric, stat, op, value = words[:4]
    if not _METRIC.match(metric):
        raise CorridorError("--target", f"'{text}': '{metric}' is not a metric name")
    if stat not in STATISTICS:
        raise CorridorError(
            "--target", f"'{text}': statistic '{stat}' is not one of {', '.join(STATISTICS)}"
        )
    if op not in OPERATORS:
        raise CorridorError(
            "--target", f"'{text}': comparison '{op}' is not one of {', '.join(OPERATORS)}"
        )
    try:
        number = float(value)
    except ValueError:
        raise CorridorError("--target", f"'{text}': '{value}' is not a number") from None
    if not np.isfinite(number):
        raise CorridorError("--target", f"'{text}': the value must be a finite number")
    period = WHOLE_WINDOW
    if len(words) == 5:
        m = _FY.match(words[4])
        if not m:
            raise CorridorError("--target", f"'{text}': '{words[4]}' is not a fiscal year (FY2017)")
        period = m.group(1)
    return Target(metric, stat, op, number, period)


def check_targets(
    targets: list[Target], keys: set[tuple[str, str, str]], periods: list[str]
) -> None:
    """Every target names a series the runs produce and a fiscal year inside the window."""
    for t in targets:
        check_series(t.metric, t.statistic, t.period, keys, periods, "--target", f"'{t.text}': ")


def check_series(
    metric: str,
    statistic: str,
    period: str,
    keys: set[tuple[str, str, str]],
    periods: list[str],
    where: str,
    prefix: str = "",
) -> None:
    """(metric, all, statistic) is a series of the runs, and the period is in the window."""
    stats: dict[str, list[str]] = {}
    for m, g, s in keys:
        if g == "all":
            stats.setdefault(m, []).append(s)
    if metric not in stats:
        known = ", ".join(sorted(stats))
        raise CorridorError(where, f"{prefix}unknown metric '{metric}' (known: {known})")
    if (metric, "all", statistic) not in keys:
        allowed = ", ".join(sorted(stats[metric]))
        raise CorridorError(where, f"{prefix}{metric} has the statistics {allowed}")
    if period not in periods:
        fys = ", ".join(f"FY{p}" for p in periods if p != WHOLE_WINDOW)
        raise CorridorError(where, f"{prefix}FY{period} is not in the window ({fys})")
