"""The parameter tree: every YAML file under ``corridor/parameters/``, loaded and validated.

A parameter's path is its file path with dots: ``orr/capacity/standard_beds.yaml`` is
``orr.capacity.standard_beds``. Users may overlay a directory of their own files with the same
layout (``corridor run --params DIR``); a file there must replace an existing parameter.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import yaml
from pydantic import ValidationError

from corridor import limits
from corridor.errors import CorridorError
from corridor.parameters.schema import ParameterFile, Value

PARAMETER_ROOT = Path(__file__).parent
FACTS_DIR = Path(__file__).parent.parent / "data" / "facts"


# libyaml's parser where PyYAML was built with it (about ten times faster than the pure-Python
# one: reading the tree was a tenth of a run); the same safe constructors and resolvers either way
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeBase):
    """Safe YAML that keeps dates as text (pydantic parses them with a clear error) and refuses
    duplicate keys (a silently shadowed value is a wrong number nobody sees)."""


_StrictLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _no_duplicates(loader: _SafeBase, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}'", key_node.start_mark
            )
        seen.add(key)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def read_yaml(path: Path) -> object:
    """Read one YAML file, turning any syntax problem into a one-line error naming the file.

    The text must be UTF-8 (a byte-order mark is fine) and within corridor.limits.MAX_YAML_BYTES."""
    try:
        limits.check_file_size(Path(path), limits.MAX_YAML_BYTES, "a YAML file")
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
        if "\x00" in text:  # UTF-16 of ASCII text decodes as UTF-8 with NULs between
            raise UnicodeError
        return yaml.load(text, Loader=_StrictLoader)
    except FileNotFoundError:
        raise CorridorError(str(path), "file not found") from None
    except UnicodeError:
        raise CorridorError(str(path), "is not UTF-8 text (UTF-8 expected)") from None
    except IsADirectoryError:
        raise CorridorError(str(path), "is a directory, not a YAML file") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise CorridorError(str(path), f"{line}{problem}") from None


def pydantic_message(e: ValidationError) -> str:
    """The first validation problem as 'field: message', on one line."""
    err = e.errors()[0]
    # drop pydantic's names of validators and union members ("function-before[...]", "dict[...]")
    loc = ".".join(
        str(p) for p in err["loc"] if not (str(p).startswith("function-") or "[" in str(p))
    )
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "missing (required)"
    return f"{loc}: {msg}" if loc else msg


@dataclass(frozen=True)
class Parameter:
    """One validated parameter: its path, file, dated values and provenance."""

    path: str
    file: str
    spec: ParameterFile

    @property
    def unit(self) -> str:
        return self.spec.unit

    @property
    def shape(self) -> str:
        """The distribution family of a delay (``shape`` in its file)."""
        if self.spec.shape is None:
            raise CorridorError(self.file, "shape: missing (a delay names its distribution)")
        return self.spec.shape

    @property
    def dates(self) -> list[dt.date]:
        return sorted(self.spec.values)

    @property
    def groups(self) -> list[str]:
        v = next(iter(self.spec.values.values()))
        return sorted(v) if isinstance(v, dict) else []

    def at(self, date: dt.date) -> Value:
        """The value in force on ``date`` (the first value also covers earlier dates)."""
        chosen = self.dates[0]
        for d in self.dates:
            if d <= date:
                chosen = d
        return self.spec.values[chosen]

    def scalar(self, date: dt.date) -> float:
        v = self.at(date)
        if isinstance(v, dict):
            raise CorridorError(
                self.file, f"values: expected a single number, found groups {sorted(v)}"
            )
        return float(v)

    def group(self, date: dt.date, group: str) -> float:
        v = self.at(date)
        if not isinstance(v, dict) or group not in v:
            raise CorridorError(self.file, f"values: needs a value for group '{group}'")
        return float(v[group])

    def daily(self, start: dt.date, n_days: int, group: str | None = None) -> np.ndarray:
        """The value in force on each of ``n_days`` days from ``start``, as a float array."""
        out = np.empty(n_days)
        dates = self.dates
        for i, d in enumerate(dates):
            first = 0 if i == 0 else max(0, (d - start).days)
            if first >= n_days:
                break
            v = self.spec.values[d]
            x = float(v) if group is None and not isinstance(v, dict) else None
            if x is None:
                if not isinstance(v, dict) or group not in v:
                    raise CorridorError(self.file, f"values.{d}: needs a value for group '{group}'")
                x = float(v[group])
            out[first:] = x
        return out

    def with_values(self, values: dict[dt.date, Value], where: str, field: str) -> Parameter:
        """A validated copy holding exactly ``values``; a problem is reported at ``where``,
        ``field`` (e.g. a scenario file and its ``changes.<path>``)."""
        data = self.spec.model_dump()
        data["values"] = values
        try:
            spec = ParameterFile.model_validate(data)
        except ValidationError as e:
            raise CorridorError(where, f"{field}: {pydantic_message(e)}") from None
        return Parameter(self.path, self.file, spec)

    @property
    def calibrated_to(self) -> list[str]:
        """The fact ids this parameter's value was tuned to."""
        return [t.fact for t in self.spec.calibrated_to]

    def calibration_label(self, most: int = 4) -> str:
        """'UAC-P01 chosen; OUT-19 fitted' (empty when the value was tuned to nothing)."""
        items = [f"{t.fact} {t.how}" for t in self.spec.calibrated_to]
        more = f"; +{len(items) - most} more" if len(items) > most else ""
        return "; ".join(items[:most]) + more

    def sources_label(self, most: int = 3, width: int = 48) -> str:
        """A short provenance line: the assumption range if any, then the first sources."""
        parts = []
        a = self.spec.assumption
        if a is not None:
            rel = " x" if a.relative else ""
            parts.append(f"assumption {_fmt(a.low)}–{_fmt(a.high)}{rel}")
        labels = [s.label() for s in self.spec.sources]
        parts += [x if len(x) <= width else x[: width - 1] + "…" for x in labels[:most]]
        if len(labels) > most:
            parts.append(f"+{len(labels) - most} more")
        return "; ".join(parts)


def _fmt(v: Value) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} {x:g}" for k, x in sorted(v.items())) + "}"
    return f"{v:g}"


class ParameterSet:
    """All parameters of a run, by dotted path. Immutable once built; changes make a copy."""

    def __init__(self, params: dict[str, Parameter]):
        self._params = dict(sorted(params.items()))

    def __getitem__(self, path: str) -> Parameter:
        try:
            return self._params[path]
        except KeyError:
            raise CorridorError("parameters", f"unknown parameter '{path}'") from None

    def __contains__(self, path: str) -> bool:
        return path in self._params

    def __iter__(self):
        return iter(self._params.values())

    def __len__(self) -> int:
        return len(self._params)

    def paths(self) -> list[str]:
        return list(self._params)

    def with_values(self, path: str, values: dict[dt.date, Value], where: str) -> ParameterSet:
        """A copy in which ``path`` takes ``values`` from their dates on (a scenario change)."""
        p = self[path]
        new = dict(self._params)
        new[path] = p.with_values({**p.spec.values, **values}, where, path)
        return ParameterSet(new)

    def fingerprint(self) -> str:
        """sha256 of every resolved value: two runs with the same fingerprint used the same numbers."""
        blob = {
            k: {str(d): v for d, v in sorted(p.spec.values.items())}
            for k, p in self._params.items()
        }
        return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()

    def resolved(self) -> dict[str, dict[str, Value]]:
        return {
            k: {str(d): v for d, v in sorted(p.spec.values.items())}
            for k, p in self._params.items()
        }


def _path_of(file: Path, root: Path) -> str:
    return ".".join(file.relative_to(root).with_suffix("").parts)


def _load_file(file: Path, root: Path) -> Parameter:
    data = read_yaml(file)
    if not isinstance(data, dict):
        raise CorridorError(str(file), "expected a mapping with description, unit, values, sources")
    try:
        spec = ParameterFile.model_validate(data)
    except ValidationError as e:
        raise CorridorError(str(file), pydantic_message(e)) from None
    unknown = [s.fact for s in spec.sources if s.fact and s.fact not in known_fact_ids()]
    if unknown:
        raise CorridorError(str(file), f"sources: unknown fact id '{unknown[0]}'")
    untied = [t.fact for t in spec.calibrated_to if t.fact not in known_fact_ids()]
    if untied:
        raise CorridorError(str(file), f"calibrated_to: unknown fact id '{untied[0]}'")
    return Parameter(_path_of(file, root), str(file), spec)


YAML_SUFFIXES = (".yaml", ".yml")  # treated alike everywhere


def _yaml_files(root: Path) -> Iterable[Path]:
    """Every .yaml and .yml file under ``root``; the same parameter in both is refused."""
    files = sorted(p for p in root.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
    if len(files) > limits.MAX_OVERLAY_FILES:
        raise CorridorError(
            str(root), f"more than {limits.MAX_OVERLAY_FILES:,} YAML files "
            "(corridor.limits.MAX_OVERLAY_FILES)",
        )  # fmt: skip
    seen: dict[Path, Path] = {}
    for f in files:
        stem = f.with_suffix("")
        if stem in seen:
            raise CorridorError(str(f), f"the same parameter as {seen[stem].name}; keep one file")
        seen[stem] = f
    return files


@cache
def _package_parameters() -> dict[str, Parameter]:
    return {p.path: p for p in (_load_file(f, PARAMETER_ROOT) for f in _yaml_files(PARAMETER_ROOT))}


def load_parameters(overlay: Path | None = None) -> ParameterSet:
    """The shipped parameter tree, with the files of ``overlay`` (if given) replacing their twins."""
    params = dict(_package_parameters())
    if overlay is not None:
        overlay = Path(overlay)
        if not overlay.is_dir():
            raise CorridorError(str(overlay), "parameter overlay directory not found")
        for f in _yaml_files(overlay):
            p = _load_file(f, overlay)
            if p.path not in params:
                raise CorridorError(
                    str(f), f"unknown parameter '{p.path}' (no such file in the tree)"
                )
            params[p.path] = p
    return ParameterSet(params)


@cache
def known_fact_ids() -> frozenset[str]:
    """Ids of the historical facts shipped with the package (copied from the shared data)."""
    ids: set[str] = set()
    for f in sorted(FACTS_DIR.glob("*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            ids.update(row["id"].strip() for row in csv.DictReader(fh))
    return frozenset(ids)
