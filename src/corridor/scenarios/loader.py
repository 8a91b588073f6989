"""Find, validate and apply scenarios: ``baseline``, a shipped name, a file, or ``a+b``.

A scenario is a chain of files (the file, its base, the base's base ...). Within a chain a later
file's change overrides its base's. Scenarios joined with ``+`` combine: changes whose order does
not matter (e.g. two ``add`` at different dates) all apply. When two parts touch the same
parameter in a way whose order would matter (the same effective date, two ``set`` operations on
the same groups, an ``add`` and a ``scale``, or a ``set`` beside another operation), **the later
part wins**: in ``a+b`` the change of ``b`` to that parameter applies and the change of ``a`` to it
does not. Each such override is named in ``Scenario.overrides`` (printed by the commands and
written into run.json), so nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from corridor.errors import CorridorError
from corridor.parameters.schema import Value
from corridor.parameters.tree import (
    Parameter,
    ParameterSet,
    known_fact_ids,
    pydantic_message,
    read_yaml,
)
from corridor.scenarios.schema import Change, ScenarioFile, Spending

LIBRARY = Path(__file__).parent / "library"


@dataclass
class Scenario:
    """A resolved scenario: its name (``a+b`` for combinations) and its files, base first.

    ``parts[i]`` is the index of the ``+`` part a file was first reached from (shared bases
    belong to the first part that reached them)."""

    name: str
    files: list[tuple[str, ScenarioFile]] = field(default_factory=list)
    parts: list[int] = field(default_factory=list)
    # (file, parameter path) of changes a later ``+`` part overrides -> the overriding file
    overridden: dict[tuple[str, str], str] = field(default_factory=dict)

    def changes(self) -> list[tuple[str, str, Change]]:
        """(file, parameter path, change) in the order they apply (overridden ones left out)."""
        return [(w, path, ch) for w, spec in self.files for path, ch in spec.changes.items()
                if (w, path) not in self.overridden]  # fmt: skip

    @property
    def overrides(self) -> list[str]:
        """One sentence per overridden change: which file's change to which parameter lost to
        which later file's."""
        ops = {
            (w, path): ch.operation for w, spec in self.files for path, ch in spec.changes.items()
        }
        return [
            f"{path}: the {ops[(lost, path)]} of {Path(lost).stem} is overridden by the "
            f"{ops[(won, path)]} of {Path(won).stem} (in a+b the later scenario wins)"
            for (lost, path), won in self.overridden.items()
        ]

    def spending(self) -> list[tuple[str, Spending]]:
        return [(w, line) for w, spec in self.files for line in spec.spending]

    def check(self, params: ParameterSet) -> None:
        """Every change names a known parameter and only groups it has."""
        for where, spec in self.files:
            for path, ch in spec.changes.items():
                if path not in params:
                    raise CorridorError(where, f"changes.{path}: unknown parameter path")
                _check_groups(where, path, ch, params[path])

    def resolve_conflicts(self) -> None:
        """Mark the changes a later ``+`` part overrides (see the module docstring)."""
        claims: dict[str, list[tuple[int, str, Change]]] = {}
        for (where, spec), part in zip(self.files, self.parts, strict=True):
            for path, ch in spec.changes.items():
                for other_part, other, och in claims.get(path, []):
                    if other_part < part and (other, path) not in self.overridden:
                        if _conflicts(ch, och):
                            self.overridden[(other, path)] = where
                claims.setdefault(path, []).append((part, where, ch))

    def apply(
        self,
        params: ParameterSet,
        draw_u: Callable[[str], float] | None = None,
        validate: bool = True,
    ) -> ParameterSet:
        """The parameters with every change applied in order.

        ``draw_u(key)`` gives a Monte Carlo draw's uniform for a key: a change with an
        ``assumption`` then takes a value sampled within its range (see
        ``corridor.parameters.sampling``); without it, every change takes its stated value.
        ``validate=False`` (Monte Carlo draws of an already validated scenario) clips values to
        the parameter's allowed range instead of refusing them."""
        if validate:
            self.check(params)
        new: dict[str, Parameter] = {}
        for where, path, ch in self.changes():
            p = new.get(path) or params[path]
            values = ch.values
            if draw_u is not None and ch.assumption is not None:
                from corridor.parameters.sampling import sample_values

                values = sample_values(values, ch.assumption, draw_u(f"scenario:{path}"))
            merged = combine(p, ch.operation, values)
            new[path] = _rebuild(p, merged, where, path, validate)
        if not new:
            return params
        return _replace(params, new)

    def as_data(self) -> list[dict]:
        return [spec.model_dump(mode="json") for _, spec in self.files]


def _replace(params: ParameterSet, new: dict[str, Parameter]) -> ParameterSet:
    merged = {p.path: p for p in params}
    merged.update(new)
    return ParameterSet(merged)


def _groups_of(v: Value) -> set[str] | None:
    return set(v) if isinstance(v, dict) else None


def _check_groups(where: str, path: str, ch: Change, p: Parameter) -> None:
    groups = set(p.groups)
    for d, v in ch.values.items():
        field_ = f"changes.{path}.{ch.operation}.{d}"
        if isinstance(v, dict):
            if not groups:
                raise CorridorError(where, f"{field_}: {path} has no groups; give one number")
            bad = sorted(set(v) - groups)
            if bad:
                raise CorridorError(
                    where,
                    f"{field_}: unknown group '{bad[0]}' (groups: {', '.join(sorted(groups))})",
                )
    a = ch.assumption
    if a is not None and not a.relative:
        shape = {frozenset(_groups_of(v) or ()) for v in ch.values.values()}
        for side in (a.low, a.high):
            if len(shape) != 1 or frozenset(_groups_of(side) or ()) != next(iter(shape)):
                raise CorridorError(
                    where,
                    f"changes.{path}.assumption: low and high need the same groups as the values",
                )
    for fact in [s.fact for s in ch.sources if s.fact]:
        if fact not in known_fact_ids():
            raise CorridorError(where, f"changes.{path}.sources: unknown fact id '{fact}'")


def _conflicts(ch: Change, och: Change) -> bool:
    """Whether the order of two changes to one parameter would matter."""
    if set(ch.values) & set(och.values):
        return True  # the same effective date
    if ch.operation == "set" or och.operation == "set":
        if ch.operation != och.operation:
            return True
        mine = set().union(*[_groups_of(v) or {"*"} for v in ch.values.values()])
        theirs = set().union(*[_groups_of(v) or {"*"} for v in och.values.values()])
        return "*" in mine or "*" in theirs or bool(mine & theirs)
    return ch.operation != och.operation  # add beside scale


def _step(values: dict[dt.date, Value], date: dt.date) -> Value | None:
    """The value of a dated step function on ``date`` (None before its first date)."""
    chosen = None
    for d in sorted(values):
        if d <= date:
            chosen = values[d]
    return chosen


def _combine_one(base: float, op: str, x: float) -> float:
    if op == "set":
        return x
    if op == "add":
        return base + x
    return base * x


def combine(p: Parameter, op: str, values: dict[dt.date, Value]) -> dict[dt.date, Value]:
    """The dated values of ``p`` after one change (see the module and schema docstrings)."""
    dates = sorted(set(p.spec.values) | set(values))
    out: dict[dt.date, Value] = {}
    for d in dates:
        base = p.at(d)
        ch = _step(values, d)  # a set's value holds through the base's later dates
        if ch is None:
            out[d] = base
            continue
        if isinstance(base, dict):
            merged = dict(base)
            targets = ch if isinstance(ch, dict) else dict.fromkeys(base, ch)
            for g, x in targets.items():
                merged[g] = _combine_one(float(base[g]), op, float(x))
            out[d] = merged
        else:
            out[d] = _combine_one(float(base), op, float(ch))
    return out


def _rebuild(
    p: Parameter, values: dict[dt.date, Value], where: str, path: str, validate: bool
) -> Parameter:
    if validate:
        return p.with_values(values, where, f"changes.{path}")
    lo, hi = p.spec.allowed_range()

    def clip(v: Value) -> Value:
        if isinstance(v, dict):
            return {g: float(np.clip(x, lo, hi)) for g, x in v.items()}
        return float(np.clip(v, lo, hi))

    spec = p.spec.model_copy(update={"values": {d: clip(v) for d, v in values.items()}})
    return Parameter(p.path, p.file, spec)


def available() -> dict[str, Path]:
    return {p.stem: p for p in sorted(LIBRARY.iterdir()) if p.suffix in (".yaml", ".yml")}


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
    parts: list[int] = []
    names = []
    for i, part in enumerate(ref.split("+")):
        part = part.strip()
        if not part:
            raise CorridorError("--scenario", f"empty scenario name in '{ref}'")
        chain = _with_bases(part)
        for where, spec in chain:
            if all(w != where for w, _ in files):
                files.append((where, spec))
                parts.append(i)
        names.append(chain[-1][1].name)
    scenario = Scenario("+".join(names), files, parts)
    scenario.resolve_conflicts()
    return scenario
