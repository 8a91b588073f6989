"""The schema of a scenario file."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from corridor.parameters.schema import Date, Source, Value


class Spending(BaseModel):
    """Money a scenario spends: one line of an appropriation or request."""

    model_config = ConfigDict(extra="forbid")
    agency: str
    amount: float = Field(ge=0)
    start: Date
    end: Date
    source: str
    item: str | None = None


class ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str
    base: str | None = None
    changes: dict[str, dict[Date, Value]] = Field(default_factory=dict)
    spending: list[Spending] = Field(default_factory=list)
    sources: list[Source | str] = Field(min_length=1)
