"""Find, validate and apply scenarios: ``baseline``, a shipped name, a file, or ``a+b``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from corridor.errors import CorridorError
from corridor.parameters.tree import ParameterSet, pydantic_message, read_yaml
from corridor.scenarios.schema import ScenarioFile

LIBRARY = Path(__file__).parent / "library"


@dataclass
class Scenario:
    """A resolved scenario: its name (``a+b`` for combinations) and its files, base first."""

    name: str
    files: list[tuple[str, ScenarioFile]] = field(default_factory=list)

    def apply(self, params: ParameterSet) -> ParameterSet:
        """The parameters with every change of every file applied, checking for conflicts."""
        claimed: dict[tuple[str, dt.date], str] = {}
        for where, spec in self.files:
            for path, values in spec.changes.items():
                if path not in params:
                    raise CorridorError(where, f"changes.{path}: unknown parameter path")
                for date in values:
                    other = claimed.get((path, date))
                    if other is not None and other != where:
                        raise CorridorError(
                            where, f"changes.{path}.{date}: also changed by {other} (conflict)"
                        )
                    claimed[(path, date)] = where
                params = params.with_values(path, values, where)
        return params

    def as_data(self) -> list[dict]:
        return [spec.model_dump(mode="json") for _, spec in self.files]


def available() -> dict[str, Path]:
    return {p.stem: p for p in sorted(LIBRARY.glob("*.yaml"))}


def _read(ref: str) -> tuple[str, ScenarioFile]:
    lib = available()
    if ref in lib:
        path = lib[ref]
    elif ref.endswith((".yaml", ".yml")) or Path(ref).is_file():
        path = Path(ref)
        if not path.is_file():
            raise CorridorError(ref, "scenario file not found")
    else:
        raise CorridorError(
            "--scenario", f"unknown scenario '{ref}' (known: {', '.join(lib)}; or a .yaml file)"
        )
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise CorridorError(str(path), "expected a mapping (name, title, description, changes...)")
    try:
        return str(path), ScenarioFile.model_validate(data)
    except ValidationError as e:
        raise CorridorError(str(path), pydantic_message(e)) from None


def _with_bases(ref: str, seen: tuple[str, ...] = ()) -> list[tuple[str, ScenarioFile]]:
    where, spec = _read(ref)
    if spec.name in seen:
        raise CorridorError(where, f"base: scenario '{spec.name}' is its own base (a cycle)")
    chain = _with_bases(spec.base, (*seen, spec.name)) if spec.base else []
    return [*chain, (where, spec)]


def load(ref: str) -> Scenario:
    """``baseline``, a shipped name, a path to a YAML file, or several joined with ``+``."""
    files: list[tuple[str, ScenarioFile]] = []
    names = []
    for part in ref.split("+"):
        part = part.strip()
        if not part:
            raise CorridorError("--scenario", f"empty scenario name in '{ref}'")
        chain = _with_bases(part)
        for where, spec in chain:
            if all(w != where for w, _ in files):
                files.append((where, spec))
        names.append(chain[-1][1].name)
    return Scenario("+".join(names), files)
