"""The schema of a scenario file.

A scenario names its base, the parameter changes it makes, the money it spends and its sources::

    name: house-2014
    title: ...
    description: ...
    base: baseline
    changes:
      # short form: parameter path -> {effective date: value}; the value rules from that date on
      court.docket_order: {2014-08-15: 2}
      # long form: an operation (set, add or scale), with the provenance of the change
      border.tvpra_return_share:
        set: {2014-08-15: {SV: 0.6, GT: 0.6, HN: 0.6}}   # groups not named keep the base values
        sources: [{fact: SUP-28}]
        assumption: {low: {SV: 0.3, ...}, high: {...}, reason: ...}
      orr.capacity.standard_beds:
        add: {2014-08-15: 2000, 2015-10-01: 0}          # a step function added to the base
        sources: [{fact: SUP-14, note: how the number follows from the money}]
    spending:
      - {agency: DOJ/EOIR, item: 40 immigration judge teams, amount: 45400000,
         start: 2014-08-15, end: 2015-09-30, cost: modelled, source: SUP-04}
    sources: [...]

Operations (see ``corridor.scenarios.loader``):

* ``set`` replaces the base series from the first date given on (later dates of the base no
  longer apply to the groups it names);
* ``add`` adds a dated step function to the base series (the base keeps its own dates);
* ``scale`` multiplies the base series by a dated step function.

A change's ``assumption`` (absolute, or ``relative: true`` multipliers) is the range sampled in
Monte Carlo draws; a change with ``sources`` and no assumption is a policy quantity taken as given.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from corridor.limits import UNIT_MAX
from corridor.parameters.schema import (
    Assumption,
    Date,
    FiniteNumber,
    FiniteValue,
    Source,
    Value,
    _parse_date,
)

OPERATIONS = ("set", "add", "scale")
# Cost metrics a spending line may feed. ``modelled``: the money buys capacity (beds, judges,
# lawyers) that the scenario's parameter changes add and whose use the model costs itself.
OUTLAY_METRICS = (
    "cost_aid",  # foreign assistance and investment abroad (State, USAID, OPIC)
    "cost_ice",  # ICE work the model does not simulate (family detention, transport, enforcement)
    "cost_cbp_operations",  # CBP money beyond holding children (overtime, facilities, air)
    "cost_guard",  # National Guard deployments
    "cost_hhs_other",  # HHS money not spent on modelled beds (medical response, services)
    "cost_doj_other",  # DOJ money not spent on modelled judges or lawyers (litigators, LOP)
    "cost_in_country_outlays",  # money for in-country processing beyond its modelled unit costs
    "cost_other",  # anything else, named in the line's item
)
COST_TARGETS = ("modelled", *OUTLAY_METRICS)


class Spending(BaseModel):
    """Money a scenario spends: one line of an appropriation or request, spread evenly per day
    from ``start`` to ``end`` (inclusive) into the cost metric ``cost``."""

    model_config = ConfigDict(extra="forbid")
    agency: str
    amount: FiniteNumber = Field(ge=0, le=UNIT_MAX["USD"])
    start: Date
    end: Date
    source: str = Field(min_length=2)
    item: str | None = None
    cost: str = "cost_other"

    @field_validator("cost")
    @classmethod
    def _known_cost(cls, v: str) -> str:
        if v not in COST_TARGETS:
            raise ValueError(f"'{v}' is not one of {', '.join(COST_TARGETS)}")
        return v

    @model_validator(mode="after")
    def _dates(self) -> Spending:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


def _dated(v: Any, where: str) -> dict[dt.date, Any]:
    if not isinstance(v, dict) or not v:
        raise ValueError(f"{where}: expected a mapping of effective date -> value")
    out = {}
    for k, x in v.items():
        try:
            d = _parse_date(k)
        except ValueError:
            raise ValueError(f"{where}: '{k}' is not a date (YYYY-MM-DD)") from None
        if x is None:
            raise ValueError(f"{where}.{d}: a value is needed")
        out[d] = x
    return out


class Change(BaseModel):
    """One parameter's change: exactly one operation, with its provenance."""

    model_config = ConfigDict(extra="forbid")
    set: dict[Date, FiniteValue] | None = None
    add: dict[Date, FiniteValue] | None = None
    scale: dict[Date, FiniteValue] | None = None
    sources: list[Source] = Field(default_factory=list)
    assumption: Assumption | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        """``{date: value}`` is short for ``{set: {date: value}}``; dates are checked here so
        that a bad one is reported as a date, not as an unknown key."""
        if not isinstance(data, dict):
            raise ValueError("expected a mapping of effective date -> value, or set/add/scale")
        keys = set(map(str, data))
        known = set(OPERATIONS) | {"sources", "assumption", "note"}
        if not keys & known:
            return {"set": _dated(data, "set")}
        for op in OPERATIONS:
            if op in data:
                data = {**data, op: _dated(data[op], op)}
        return data

    @model_validator(mode="after")
    def _one_operation(self) -> Change:
        ops = [op for op in OPERATIONS if getattr(self, op) is not None]
        if len(ops) != 1:
            raise ValueError("a change needs exactly one of set, add, scale")
        return self

    @property
    def operation(self) -> str:
        return next(op for op in OPERATIONS if getattr(self, op) is not None)

    @property
    def values(self) -> dict[dt.date, Value]:
        return getattr(self, self.operation)

    @property
    def has_provenance(self) -> bool:
        return bool(self.sources) or self.assumption is not None


class ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str
    base: str | None = None
    changes: dict[str, Change] = Field(default_factory=dict)
    spending: list[Spending] = Field(default_factory=list)
    sources: list[Source | str] = Field(min_length=1)
