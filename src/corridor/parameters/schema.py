"""The schema of one parameter file, validated with pydantic.

A parameter file looks like::

    description: Funded standard (non-influx) beds in ORR's shelter network.
    unit: bed
    values:                       # effective date -> value in force from that date
      2012-10-01: 4000
      2015-11-01: 8400
    sources:                      # a fact id shipped in corridor/data/facts, or a document
      - fact: ORR-CAP-2015-11
      - {title: "GAO-16-180", url: "http://gao.gov/products/GAO-16-180", date: 2016-02-05}
    assumption:                   # instead of (or beside) sources, when the number is assumed
      low: 3000                   # same shape as a value; the plausible range
      high: 5000
      reason: why this range
    calibrated_to:                # the facts this value was tuned to (never independent tests)
      - {fact: UAC-P01, how: chosen}   # chosen: set by hand; fitted: by `corridor calibrate`

A fact named in ``calibrated_to`` is labelled ``calibration target`` by the backtest, never
``independent``: the model was built to meet it, so meeting it tests nothing.

A delay (unit day, hour or year) also names its distribution: ``shape: uniform`` (on [0, 2 x
mean]), ``exponential``, ``lognormal`` or ``fixed``; its dated values are the mean.

A value is a number or a mapping of group -> number (by country, sponsor category, ...). A
regime change is a new dated value, never an ``if`` in the model code.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from corridor.engine.delays import SHAPES as DELAY_SHAPES
from corridor.limits import UNIT_MAX, unit_max


def _number(v: Any) -> Any:
    """A number, never ``true``/``false`` (YAML booleans would otherwise read as 1 and 0)."""
    if isinstance(v, bool):
        raise ValueError(f"{str(v).lower()} is not a number")
    return v


def _finite(v: float) -> float:
    if not math.isfinite(v):
        raise ValueError(f"{v} is not a finite number")
    return v


# A parameter file's number: non-finite values reach the range check below, which names the
# allowed range. A scenario change's number (a value set, added or a factor) must be finite.
Number = Annotated[float, BeforeValidator(_number)]
Value = Number | dict[str, Number]
FiniteNumber = Annotated[float, BeforeValidator(_number), AfterValidator(_finite)]
FiniteValue = FiniteNumber | dict[str, FiniteNumber]

# Units and the ranges their values must lie in. Every unit not bounded above is non-negative.
UNIT_BOUNDS: dict[str, tuple[float, float]] = {
    "share": (0.0, 1.0),  # a probability or fraction of children
    "day": (0.0, float("inf")),
    "hour": (0.0, float("inf")),
    "year": (0.0, float("inf")),
    "month": (0.0, float("inf")),  # a count of months (e.g. of history the projection is from)
    "bed": (0.0, float("inf")),
    "child": (0.0, float("inf")),
    "child/day": (0.0, float("inf")),
    "share/day": (0.0, 1.0),  # a growth rate per day (e.g. of release capacity)
    "child/year": (0.0, float("inf")),
    "judge": (0.0, float("inf")),
    "attorney": (0.0, float("inf")),
    "case": (0.0, float("inf")),
    "case/judge-year": (0.0, float("inf")),
    "case/attorney-year": (0.0, float("inf")),
    "case/year": (0.0, float("inf")),
    "share/year": (0.0, float("inf")),  # a hazard: the fraction of a waiting stock leaving a year
    "ratio": (0.0, float("inf")),  # a multiplier, 1 = no change
    "elasticity": (-float("inf"), float("inf")),
    "USD": (0.0, float("inf")),
    "USD/child": (0.0, float("inf")),
    "USD/child-day": (0.0, float("inf")),
    "USD/bed-day": (0.0, float("inf")),
    "USD/team-year": (0.0, float("inf")),
    "USD/removal": (0.0, float("inf")),
    "USD/day": (0.0, float("inf")),
    "USD/year": (0.0, float("inf")),  # a spending rate (e.g. aid a year, for the aid lever)
    "troop": (0.0, float("inf")),
    "flag": (0.0, 1.0),  # 0 = off, 1 = on
    "hearing": (0.0, float("inf")),  # a number of hearings (e.g. continuances)
    "docket_order": (0.0, 2.0),  # 0 first-in-first-out, 1 priority docket, 2 last-in-first-out
}


def _parse_date(v: Any) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError as e:
        raise ValueError(f"'{v}' is not a date (YYYY-MM-DD)") from e


Date = Annotated[dt.date, BeforeValidator(_parse_date)]


class Source(BaseModel):
    """Where a number comes from: a shipped fact row, or a document with its date."""

    model_config = ConfigDict(extra="forbid")
    fact: str | None = None
    title: str | None = None
    url: str | None = None
    date: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _names_something(self) -> Source:
        if not self.fact and not (self.title or self.url):
            raise ValueError("a source needs 'fact' (a fact id) or 'title'/'url'")
        return self

    def label(self) -> str:
        if self.fact:
            return self.fact
        return self.title or self.url or ""


class Assumption(BaseModel):
    """A number that no source gives: its plausible range and why."""

    model_config = ConfigDict(extra="forbid")
    low: FiniteValue
    high: FiniteValue
    reason: str = Field(min_length=3)
    relative: bool = False  # low/high are multipliers of every dated value, not absolute values


class CalibratedTo(BaseModel):
    """A fact a value was tuned to: ``fitted`` by ``corridor calibrate`` (its record names the
    command) or ``chosen`` by hand to meet it."""

    model_config = ConfigDict(extra="forbid")
    fact: str = Field(min_length=1)
    how: Literal["fitted", "chosen"]
    note: str | None = None


class JointShares(BaseModel):
    """The whole a share belongs to, sampled together with its other parts
    (``parameters/joint_shares.py``)."""

    model_config = ConfigDict(extra="forbid")
    set: str = Field(min_length=1)
    parts: Literal["files", "groups"]


class ParameterFile(BaseModel):
    """One YAML parameter file: description, unit, dated values, and provenance."""

    model_config = ConfigDict(extra="forbid")
    description: str = Field(min_length=3)
    unit: str
    values: dict[Date, Value]
    sources: list[Source] = Field(default_factory=list)
    assumption: Assumption | None = None
    bounds: tuple[float, float] | None = None  # narrows the unit's range where the model needs it
    calibrated_to: list[CalibratedTo] = Field(default_factory=list)
    # a delay's distribution family (corridor.engine.delays.SHAPES), its dated values the mean
    shape: str | None = None
    joint_shares: JointShares | None = None

    @model_validator(mode="after")
    def _check(self) -> ParameterFile:
        if self.unit not in UNIT_BOUNDS:
            raise ValueError(f"unit '{self.unit}' is not one of {sorted(UNIT_BOUNDS)}")
        if not self.values:
            raise ValueError("values: at least one dated value is needed")
        if self.shape is not None:
            if self.shape not in DELAY_SHAPES:
                raise ValueError(f"shape: '{self.shape}' is not one of {', '.join(DELAY_SHAPES)}")
            if self.unit not in ("day", "hour", "year"):
                raise ValueError(
                    f"shape: only a delay (unit day, hour or year) has one, not '{self.unit}'"
                )
        if not self.sources and self.assumption is None:
            raise ValueError("sources: a parameter needs sources or an 'assumption' with a range")
        shapes = {_shape(v) for v in self.values.values()}
        if len(shapes) > 1:
            raise ValueError("values: every dated value must have the same groups")
        lo, hi = self.allowed_range()
        for date, v in self.values.items():
            for group, x in _items(v):
                if not (math.isfinite(x) and lo <= x <= hi):
                    where = f"values.{date}" + (f".{group}" if group else "")
                    what = "is outside" if math.isfinite(x) else "is not a finite number in"
                    raise ValueError(
                        f"{where}: {x} {what} the allowed range [{lo:g}, {hi:g}] {self.unit}"
                    )
        if self.assumption is not None and not self.assumption.relative:
            a = self.assumption
            if _shape(a.low) != next(iter(shapes)) or _shape(a.high) != next(iter(shapes)):
                raise ValueError("assumption: low and high must have the same groups as values")
            for (g, low), (_, high) in zip(_items(a.low), _items(a.high), strict=True):
                if not (math.isfinite(low) and math.isfinite(high) and lo <= low <= high <= hi):
                    raise ValueError(
                        f"assumption{'.' + g if g else ''}: need {lo:g} <= low <= high <= {hi:g}"
                    )
        if self.assumption is not None and self.assumption.relative:
            a = self.assumption
            for (g, low), (_, high) in zip(_items(a.low), _items(a.high), strict=False):
                if not (
                    math.isfinite(low)
                    and math.isfinite(high)
                    and 0 <= low <= high <= UNIT_MAX["ratio"]
                ):
                    raise ValueError(
                        f"assumption{'.' + g if g else ''}: relative multipliers need "
                        f"0 <= low <= high <= {UNIT_MAX['ratio']:g}"
                    )
        return self

    def allowed_range(self) -> tuple[float, float]:
        lo, hi = UNIT_BOUNDS.get(self.unit, (-float("inf"), float("inf")))
        # every range is finite (corridor.limits.UNIT_MAX): an absurd number is refused, and
        # .inf never silently becomes a capacity, a duration or a count
        cap = unit_max(self.unit)
        lo, hi = max(lo, -cap), min(hi, cap)
        if self.bounds is not None:
            lo, hi = max(lo, self.bounds[0]), min(hi, self.bounds[1])
        return lo, hi


def _shape(v: Value) -> tuple[str, ...]:
    return tuple(sorted(v)) if isinstance(v, dict) else ()


def _items(v: Value) -> list[tuple[str, float]]:
    if isinstance(v, dict):
        return [(k, float(x)) for k, x in sorted(v.items())]
    return [("", float(v))]
