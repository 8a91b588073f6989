"""Numbers as a reader expects them, by the metric's unit in the dictionary: children, cases,
beds, judges and attorneys as whole numbers with thousands separators; dollars in millions or
billions; shares as percentages; ranges as ``-5,662 to -3,157``."""

from __future__ import annotations

import math

from corridor.outputs.dictionary import unit

WHOLE_UNITS = ("child", "case", "bed", "hearing", "judge", "attorney")


def number(x: float | None, metric: str = "") -> str:
    """One value of ``metric`` as text ('–' when missing)."""
    if x is None or not math.isfinite(x):
        return "–"
    u = unit(metric) or ("USD" if metric.startswith("cost_") else "")
    if u == "USD":
        sign = "-" if x < 0 else ""
        if abs(x) >= 1e9:
            return f"{sign}${abs(x) / 1e9:,.2f}B"
        return f"{sign}${abs(x) / 1e6:,.1f}M"
    if u == "share":
        return f"{x:.1%}"
    if u in WHOLE_UNITS:
        # round half away from zero, and never print "-0"
        r = math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)
        return f"{r + 0:,.0f}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:,.1f}"
    return f"{x:.3g}"


def span(lo: float | None, hi: float | None, metric: str = "") -> str:
    """A range: ``-5,662 to -3,157``."""
    return f"{number(lo, metric)} to {number(hi, metric)}"


def with_range(q: tuple[float, float, float], metric: str = "") -> str:
    """``median (p10 to p90)`` from a (median, p10, p90) triple."""
    med, lo, hi = q
    return f"{number(med, metric)} ({span(lo, hi, metric)})"
