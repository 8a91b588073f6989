"""Calibration: fit the parameters that are only assumed to chosen target facts.

Which parameters may be fitted
    Only a parameter whose file has an ``assumption`` block with an absolute range (``low``,
    ``high``, ``relative: false``): its value is itself a judgement inside a stated range. A
    parameter without an assumption block is sourced and never changes. A parameter whose
    assumption is ``relative: true`` has sourced dated values and only a band of uncertainty
    around them; calibration does not move sourced values, so it is refused as well. A fitted
    value always stays inside the assumption's range.

How
    Each fitted parameter is one coordinate x in [0, 1], mapped as Monte Carlo sampling maps its
    uniform number: x = 1/2 is the shipped value, 0 the low end of the range, 1 the high end,
    linear on each side; every group and dated value of the parameter moves together.
    The objective is the mean over the targets of ln(simulated / observed)^2, where "simulated"
    is the mean over ``draws`` draws with fixed random numbers (the same seed and draws for every
    candidate, so the objective is a deterministic function of the parameters). With
    ``sampled=True`` every draw samples the assumptions as the backtest's draws do (around the
    candidate's values) and "simulated" is the median over the draws, the backtest's statistic:
    the fit is then made on what ``corridor backtest --draws N --seed S`` reports. A screening step
    first evaluates each candidate parameter at the two ends of its range and drops those that
    do not move any target (e.g. the projection of future arrivals for a historical target).
    The optimiser is scipy's bounded Powell method, started from the shipped values (x = 1/2), with a
    budget of objective evaluations. The best point seen is kept, so the fit is never worse
    than the uncalibrated baseline.

Output (``--out DIR``, written atomically)
    ``DIR/calibration.yaml``: the record (targets, objective, optimiser, fit before and after,
    each parameter before and after, the date, and ``use_in_baseline: false``);
    ``DIR/parameters/``: the fitted parameter files, an overlay in the tree's layout, applied with
    ``corridor run --params DIR/parameters`` (or ``corridor backtest --params ...``).
"""

from __future__ import annotations

import copy
import datetime as dt
import fnmatch
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from corridor.analysis.backtest import (
    DEFAULT_FACTS,
    Fact,
    Probe,
    draw_series,
    probe_values,
    read_facts,
)
from corridor.errors import CorridorError

OBJECTIVE = (
    "mean over targets of ln(simulated / observed)^2; simulated = mean over the draws "
    "(fixed seed and draws, so every candidate sees the same random numbers)"
)
OBJECTIVE_SAMPLED = (
    "mean over targets of ln(simulated / observed)^2; simulated = median over the draws, each "
    "sampling every assumption around the candidate's values as the backtest does (fixed seed "
    "and draws, so every candidate sees the same random numbers)"
)


def calibratable(param) -> str | None:
    """None if the parameter may be fitted, else why not."""
    a = param.spec.assumption
    if a is None:
        return "it is sourced (no assumption block), so calibration never changes it"
    if a.relative:
        return (
            "its dated values are sourced (the assumption is only a relative band around them), "
            "so calibration does not change it"
        )
    return None


def calibratable_paths(params) -> list[str]:
    return [p.path for p in params if calibratable(p) is None]


@dataclass
class Knob:
    """One fitted parameter: its path, range and shipped dated values.

    Position ``x`` in [0, 1] maps each dated value ``v`` (and each group of it) the way Monte
    Carlo sampling does (``corridor.parameters.sampling``): ``x = 1/2`` is the shipped value,
    ``x = 0`` the range's low end and ``x = 1`` its high end, linearly in between on each side.
    A shipped value outside the range widens the range to include it."""

    path: str
    low: float | dict
    high: float | dict
    base: dict  # date -> shipped value

    def _one(self, v: float, lo: float, hi: float, x: float) -> float:
        lo, hi = min(lo, v), max(hi, v)
        return lo + (v - lo) * 2 * x if x < 0.5 else v + (hi - v) * (2 * x - 1)

    def value(self, x: float) -> dict:
        x = float(min(1.0, max(0.0, x)))
        out = {}
        for date, v in self.base.items():
            if isinstance(v, dict):
                out[date] = {g: self._one(v[g], self.low[g], self.high[g], x) for g in v}
            else:
                out[date] = self._one(v, self.low, self.high, x)
        return out

    def position(self) -> float:
        return 0.5


def knobs_for(params, patterns: list[str] | None) -> list[Knob]:
    """The parameters to fit: those matching ``patterns`` (all calibratable ones if none)."""
    paths = params.paths()
    if patterns:
        chosen = []
        for pat in patterns:
            hits = [p for p in paths if fnmatch.fnmatch(p, pat)]
            if not hits:
                raise CorridorError("--fit", f"no parameter matches '{pat}'")
            for path in hits:
                why = calibratable(params[path])
                if why and not any(ch in pat for ch in "*?["):
                    raise CorridorError("--fit", f"{path} cannot be calibrated: {why}")
                if not why and path not in chosen:
                    chosen.append(path)
        if not chosen:
            raise CorridorError("--fit", f"no calibratable parameter matches {', '.join(patterns)}")
    else:
        chosen = calibratable_paths(params)
    knobs = []
    for path in chosen:
        p = params[path]
        a = p.spec.assumption
        knobs.append(Knob(path, a.low, a.high, dict(p.spec.values)))
    return knobs


# ---------------------------------------------------------------------------------------------
# Evaluating candidates (draws in worker processes, each holding one Simulation)
# ---------------------------------------------------------------------------------------------
def _apply(base, overrides: dict[str, dict]):
    params = base
    for path, values in overrides.items():
        params = params.with_values(path, values, "calibration")
    return params


def target_values(item: tuple[dict, list[Probe], dict, int]) -> np.ndarray:
    """The targets' values on one draw with the candidate's values (an executor's task):
    (Simulation arguments, probes, overrides, draw)."""
    from corridor.simulation import Simulation

    sim_args, probes, overrides, draw = item
    sim = copy.copy(Simulation.shared(sim_args))  # the worker's Simulation stays as built
    sim.params = _apply(sim.params, overrides)
    if sim.sample:  # each draw samples around the candidate's values
        sim.base_params = _apply(sim.base_params, overrides)
    return probe_values(draw_series(sim.run_draw(draw), sim.clock.origin), probes)


class Evaluator:
    """simulated(overrides) -> mean over draws of every target's value, on one executor kept
    for every evaluation."""

    def __init__(self, sim_args: dict, probes: list[Probe], draws: int, jobs: int | None,
                 cluster: str | None = None, median: bool = False):  # fmt: skip
        from corridor.executor import make_executor, worker_count

        self.sim_args, self.probes, self.draws = sim_args, probes, draws
        self.statistic = np.median if median else np.mean
        self.executor = make_executor(cluster, worker_count(jobs, draws))
        self.calls = 0

    def __call__(self, overrides: dict) -> np.ndarray:
        self.calls += 1
        items = [(self.sim_args, self.probes, overrides, d) for d in range(self.draws)]
        return self.statistic(self.executor.map(target_values, items), axis=0)

    def close(self):
        self.executor.close()


def objective(simulated: np.ndarray, observed: np.ndarray) -> float:
    ok = (simulated > 0) & (observed > 0)
    if not ok.all():
        return math.inf
    return float(np.mean(np.log(simulated / observed) ** 2))


# ---------------------------------------------------------------------------------------------
# The calibration
# ---------------------------------------------------------------------------------------------
@dataclass
class Calibration:
    targets: list[Fact]
    knobs: list[Knob]
    dropped: dict[str, str]  # parameter -> why it was not fitted (screening)
    x: dict[str, float]  # fitted positions in [0, 1]
    before: float
    after: float
    sim_before: np.ndarray
    sim_after: np.ndarray
    evaluations: int
    meta: dict = field(default_factory=dict)
    held_out: list[Fact] = field(default_factory=list)  # facts kept out of the fit, as its test
    held_before: np.ndarray | None = None
    held_after: np.ndarray | None = None


def select_targets(facts: list[Fact], patterns: list[str]) -> list[Fact]:
    chosen: list[Fact] = []
    for pat in patterns:
        hits = [f for f in facts if fnmatch.fnmatch(f.id, pat)]
        if not hits:
            raise CorridorError("--targets", f"no fact id matches '{pat}'")
        chosen += [f for f in hits if f not in chosen]
    return chosen


def calibrate(
    targets: list[str],
    fit: list[str] | None = None,
    facts_files: list[str | Path] | None = None,
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
    seed: int = 1,
    draws: int = 4,
    evaluations: int = 60,
    jobs: int | None = None,
    params_dir: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    cluster: str | None = None,
    held_out: list[str] | None = None,
    sampled: bool = False,
) -> Calibration:
    from scipy.optimize import minimize

    from corridor.simulation import Simulation, parse_date

    say = progress or (lambda _: None)
    if not targets:
        raise CorridorError(
            "--targets", "name at least one fact id (or a pattern such as 'ORR-LOS-*')"
        )
    if evaluations < 2:
        raise CorridorError("--evaluations", f"{evaluations} must be at least 2")
    files = [DEFAULT_FACTS if str(f) == "default" else Path(f) for f in facts_files or []]
    facts = read_facts(files or [DEFAULT_FACTS])
    chosen = select_targets(facts, targets)
    held = select_targets(facts, held_out) if held_out else []
    both = [f.id for f in chosen if f in held]
    if both:
        raise CorridorError(
            "--held-out", f"{both[0]} is also a target: a held-out fact is never fitted"
        )
    first = min(f.start for f in chosen + held)
    last = max(f.end for f in chosen + held)
    start = parse_date(start, "--start") if start else min(first, dt.date(2012, 10, 1))
    end = parse_date(end, "--end") if end else last
    outside = [f.id for f in chosen + held if f.start < start or f.end > end]
    if outside:
        raise CorridorError("--targets", f"{outside[0]} lies outside {start}..{end}")
    # sampled: the Simulation of the backtest (draws > 1 samples the assumptions per draw)
    sim_args = dict(scenario="baseline", start=start, end=end, seed=seed,
                    draws=draws if sampled else 1, assumptions="sample" if sampled else "auto",
                    params_dir=str(params_dir) if params_dir else None)  # fmt: skip
    sim = Simulation(**sim_args)
    knobs = knobs_for(sim.params, fit)
    tuned_elsewhere = {t.fact: p.path for p in sim.params for t in p.spec.calibrated_to}
    reused = [f.id for f in held if f.id in tuned_elsewhere]
    if reused:
        raise CorridorError(
            "--held-out",
            f"{reused[0]} is a calibration target of {tuned_elsewhere[reused[0]]}: not held out",
        )
    probes = [Probe(f.metric, f.group, f.statistic, sim.clock.day(f.start), sim.clock.day(f.end))
              for f in chosen + held]  # fmt: skip
    n_t = len(chosen)
    observed = np.array([f.observed for f in chosen])
    ev_all = Evaluator(sim.share(), probes, draws, jobs, cluster, median=sampled)
    seen: dict[str, np.ndarray] = {}  # held-out values of each evaluated candidate

    def ev(overrides: dict) -> np.ndarray:
        v = ev_all(overrides)
        seen[repr(sorted((k, repr(x)) for k, x in overrides.items()))] = v[n_t:]
        return v[:n_t]

    try:
        sim_before = ev({})
        held_before = seen[repr([])]
        for f, v in zip(chosen, sim_before, strict=True):
            if not np.isfinite(v):
                raise CorridorError("--targets", f"{f.id}: the model gives no value for {f.metric}")
        before = objective(sim_before, observed)
        say(f"uncalibrated objective {before:.5g}")

        # screening: keep the parameters that move at least one target
        dropped: dict[str, str] = {}
        kept = []
        for k in knobs:
            ends = [ev({k.path: k.value(x)}) for x in (0.0, 1.0)]
            if all(np.allclose(e, sim_before, rtol=1e-9, atol=0) for e in ends):
                dropped[k.path] = "moves no target over its whole range"
            else:
                kept.append(k)
        say(f"fitting {len(kept)} of {len(knobs)} parameters")
        if not kept:
            raise CorridorError("--fit", "none of the parameters moves the targets")

        best = {"f": before, "x": None, "sim": sim_before, "held": held_before}

        def f(x: np.ndarray) -> float:
            overrides = {k.path: k.value(xi) for k, xi in zip(kept, x, strict=True)}
            s = ev(overrides)
            val = objective(s, observed)
            if val < best["f"]:
                held_now = seen[repr(sorted((k, repr(v)) for k, v in overrides.items()))]
                best.update(f=val, x=np.array(x, float), sim=s, held=held_now)
                say(f"evaluation {ev_all.calls}: objective {val:.5g}")
            return val

        x0 = np.array([k.position() for k in kept])
        budget = max(1, evaluations)
        before_optimiser = ev_all.calls
        minimize(f, x0, method="Powell", bounds=[(0.0, 1.0)] * len(kept),
                 options={"maxfev": budget, "xtol": 1e-3, "ftol": 1e-6})  # fmt: skip
        x = best["x"] if best["x"] is not None else x0
        counts = {
            "baseline_and_screening": before_optimiser,
            "optimiser": ev_all.calls - before_optimiser,
        }
    finally:
        ev_all.close()
    fitted = best["x"] is not None
    # only parameters whose value the fit moved are part of the calibrated set
    moved = [k for k, xi in zip(kept, x, strict=True) if fitted and k.value(xi) != k.base]
    unmoved = {k.path: "the best fit kept its shipped value" for k in kept if k not in moved}
    return Calibration(
        targets=chosen,
        knobs=moved,
        dropped={**dropped, **unmoved},
        x={k.path: float(xi) for k, xi in zip(kept, x, strict=True) if k in moved},
        before=before,
        after=best["f"],
        sim_before=sim_before,
        sim_after=best["sim"],
        evaluations=sum(counts.values()),
        held_out=held,
        held_before=held_before,
        held_after=best["held"],
        meta={
            "start": str(start),
            "end": str(end),
            "seed": seed,
            "draws": draws,
            "sampled": sampled,
            "max_evaluations": evaluations,
            "counts": counts,
            "fit_requested": fit or ["(all calibratable)"],
            "held_out_requested": held_out or [],
            "tried": [k.path for k in knobs],
            "parameters_fingerprint": sim.params.fingerprint(),
        },  # fmt: skip
    )


# ---------------------------------------------------------------------------------------------
# Writing the calibrated set
# ---------------------------------------------------------------------------------------------
def _plain(v):
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, float):
        return float(f"{v:.6g}")
    if isinstance(v, dt.date):
        return str(v)
    return v


def _single(values: dict):
    """A parameter's dated values; just the value when there is one date."""
    return next(iter(values.values())) if len(values) == 1 else values



def _fact_record(f, before: float, after: float) -> dict:
    """A fact of the record (target or held out) with the simulated value before and after."""
    return {
        "id": f.id,
        "metric": f.metric,
        "group": f.group,
        "statistic": f.statistic,
        "period": f.period,
        "observed": _plain(f.observed),
        "simulated_before": _plain(float(before)),
        "simulated_after": _plain(float(after)),
    }


def record(cal: Calibration, name: str, command: str) -> dict:
    from corridor import __version__

    return {
        "name": name,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "corridor_version": __version__,
        "command": command,
        "use_in_baseline": False,
        "how_to_apply": "corridor run --params <this directory>/parameters "
        "(also corridor backtest --params ...); the shipped baseline ignores this set",
        "objective": OBJECTIVE_SAMPLED if cal.meta.get("sampled") else OBJECTIVE,
        "optimiser": "scipy.optimize.minimize(method='Powell', bounds [0, 1] per parameter), "
        "started at the shipped values; best point seen kept",
        "window": {"start": cal.meta["start"], "end": cal.meta["end"]},
        "seed": cal.meta["seed"],
        "draws": cal.meta["draws"],
        "draws_sample_assumptions": bool(cal.meta.get("sampled")),
        "evaluations": {
            **cal.meta["counts"],
            "optimiser_budget": cal.meta["max_evaluations"],
        },  # fmt: skip
        "fit": {
            "before": _plain(cal.before),
            "after": _plain(cal.after),
            "improvement": _plain(1 - cal.after / cal.before) if cal.before > 0 else 0.0,
        },
        "targets": [
            _fact_record(f, b, a)
            for f, b, a in zip(cal.targets, cal.sim_before, cal.sim_after, strict=True)
        ],
        "held_out": [
            {
                **_fact_record(f, b, a),
                "relative_error_after": _plain(float(a / f.observed - 1)) if f.observed else None,
            }
            for f, b, a in zip(
                cal.held_out,
                cal.held_before if cal.held_before is not None else [],
                cal.held_after if cal.held_after is not None else [],
                strict=True,
            )
        ],
        "held_out_rule": "chosen before fitting (the command's --held-out); never a target, and "
        "no parameter's calibrated_to may name them",
        "parameters": {
            k.path: {
                "range": {"low": _plain(k.low), "high": _plain(k.high)},
                "before": _plain(_single(k.base)),
                "after": _plain(_single(k.value(cal.x[k.path]))),
                "position_in_range": _plain(cal.x[k.path]),
            }
            for k in cal.knobs
        },
        "not_fitted": {**cal.dropped},
        "parameters_fingerprint_before": cal.meta["parameters_fingerprint"],
    }


def parameter_file(param, knob: Knob, x: float, name: str, rec: dict) -> dict:
    """The overlay file for one fitted parameter: the shipped file with the fitted value and a
    source line that says where the value comes from."""
    data = param.spec.model_dump(exclude_none=True)
    data["values"] = knob.value(x)
    ids = ", ".join(t["id"] for t in rec["targets"])
    data["description"] = (
        f"CALIBRATED ({name}, {rec['created'][:10]}): fitted to {ids}; shipped value "
        f"{_plain(knob.base)}. " + data["description"]
    )
    done = {t["fact"] for t in data.get("calibrated_to", [])}
    data["calibrated_to"] = [
        *[t for t in data.get("calibrated_to", [])],
        *[{"fact": t["id"], "how": "fitted", "note": f"corridor calibrate '{name}'"}
          for t in rec["targets"] if t["id"] not in done],
    ]  # fmt: skip
    data["sources"] = [
        *data.get("sources", []),
        {"title": f"corridor calibrate '{name}' ({rec['created'][:10]}), objective "
                  f"{rec['fit']['before']:.4g} -> {rec['fit']['after']:.4g} on {ids}",
         "note": "fitted inside the assumption range; see calibration.yaml"},
    ]  # fmt: skip
    return _plain(data)


def write_calibration(
    cal: Calibration,
    out: Path,
    command: str,
    overwrite: bool = False,
    name: str | None = None,
    inputs=(),
) -> dict:
    from corridor.outputs.writer import atomic_directory
    from corridor.parameters.tree import load_parameters

    out = Path(out)
    name = name or out.name
    rec = record(cal, name, command)
    base = load_parameters()
    with atomic_directory(out, overwrite, inputs) as tmp:
        with open(tmp / "calibration.yaml", "w", encoding="utf-8") as f:
            f.write("# corridor calibrated parameter set: the record of how it was fitted.\n")
            f.write("# The baseline does not use it (use_in_baseline: false); apply it with\n")
            f.write("#   corridor run --params <this directory>/parameters\n")
            yaml.safe_dump(rec, f, sort_keys=False, allow_unicode=True, width=100)
        pdir = tmp / "parameters"
        pdir.mkdir()
        for k in cal.knobs:
            target = pdir.joinpath(*k.path.split(".")).with_suffix(".yaml")
            target.parent.mkdir(parents=True, exist_ok=True)
            data = parameter_file(base[k.path], k, cal.x[k.path], name, rec)
            with open(target, "w", encoding="utf-8") as f:
                yaml.safe_dump(data, f, sort_keys=False, allow_unicode=True, width=100)
        load_parameters(pdir)  # the overlay must load, or nothing is written
    return rec


# ---------------------------------------------------------------------------------------------
# The parameter table of docs/model.md
# ---------------------------------------------------------------------------------------------
def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def parameter_table(params=None) -> str:
    """Markdown: every parameter, its unit, values, provenance and whether calibration may fit it.

    ``python -m corridor.analysis.calibrate`` prints it (docs/model.md includes its output)."""
    from corridor.parameters.tree import load_parameters

    params = params or load_parameters()

    def short(v) -> str:
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k} {x:g}" for k, x in v.items()) + "}"
        return f"{v:g}"

    lines = [
        "| parameter | unit | values (from date) | sources | assumption range | calibration "
        "| calibrated to |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p in params:
        vals = "; ".join(f"{d}: {short(v)}" for d, v in sorted(p.spec.values.items()))
        if len(vals) > 140:
            first, last = p.dates[0], p.dates[-1]
            vals = (f"{len(p.dates)} dated values, {first}: {short(p.spec.values[first])} ... "
                    f"{last}: {short(p.spec.values[last])}")  # fmt: skip
        src = [s.fact or _clip(s.title or s.url or "", 48) for s in p.spec.sources]
        srcs = ", ".join(src[:4]) + (f" (+{len(src) - 4} more)" if len(src) > 4 else "")
        a = p.spec.assumption
        rng = "" if a is None else (
            f"x{short(a.low)}-x{short(a.high)} of each value" if a.relative
            else f"{short(a.low)} to {short(a.high)}"
        )  # fmt: skip
        why = calibratable(p)
        cal = (
            "may be fitted"
            if why is None
            else ("sourced" if a is None else "sourced values, relative band")
        )
        cells = [f"`{p.path}`", p.unit, vals, srcs, rng, cal, p.calibration_label()]
        lines.append(
            "| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |"
        )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(parameter_table())
