"""The command line: thin commands that parse options, call the API and print.

Every user error is one line on stderr (``error: <where>: <what>``) with exit status 2, and
nothing is written.
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from corridor.errors import CorridorError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="corridor: simulate the system that receives unaccompanied children at the U.S. border.",
)
err = Console(stderr=True, soft_wrap=True)  # status lines stay whole in a pipe or a log
# piped output (a file, CI) gets a fixed width wide enough for the headline tables
out = Console(width=None if sys.stdout.isatty() else 120)


CLUSTER_HELP = (
    "Where draws run: local:N (a Dask LocalCluster of N workers) or a Dask scheduler address "
    "(default: local processes, or $DASK_SCHEDULER_ADDRESS)."
)


ARRIVALS_OPTION = typer.Option(
    None, "--arrivals",
    help="CSV month,country,children: replaces those months and countries only (see "
    "--arrivals-mode).",
)  # fmt: skip
ARRIVALS_MODE_OPTION = typer.Option(
    "merge", "--arrivals-mode",
    help="merge (the file's months and countries replace history/projection, the rest is kept) "
    "or replace (the file is all the arrivals there are).",
)  # fmt: skip


# --- options corridor plan and corridor sensitivity share: one definition each --------------
PLAN_START_OPTION = typer.Option("2013-10-01", "--start", help="First day reported (YYYY-MM-DD).")
PLAN_END_OPTION = typer.Option("2014-09-30", "--end", help="Last day reported (YYYY-MM-DD).")
OUT_OPTION = typer.Option(..., "--out", help="Output directory (must not exist).")
PARAMS_OPTION = typer.Option(
    None, "--params", help="Directory of parameter files overriding the tree."
)
WORKERS_OPTION = typer.Option(None, "--workers", help="Processes (default: all cores).")
CLUSTER_OPTION = typer.Option(None, "--cluster", help=CLUSTER_HELP)
OVERWRITE_OPTION = typer.Option(
    False, "--overwrite/--no-overwrite",
    help="Replace --out if it is an unchanged corridor output (never other files).",
)  # fmt: skip


def _progress(counter: str) -> Progress:
    """The progress bar on stderr (shown on a terminal only); ``counter``: its count column."""
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(counter),
                    TimeElapsedColumn(), console=err, transient=True,
                    disable=not err.is_terminal)  # fmt: skip


def _planning_inputs(params: Path | None, scenario: str, out_dir: Path, overwrite: bool):
    """What plan and sensitivity read (never to be replaced by --out), --out checked first."""
    from corridor.outputs.writer import check_target

    inputs = _inputs(params, scenarios=[scenario])
    check_target(out_dir, overwrite, inputs)
    return inputs


def _note_arrivals(note: str | None) -> None:
    if note:
        err.print(note, markup=False, highlight=False, soft_wrap=True)


def _note_overrides(scenario) -> None:
    for text in scenario.overrides:
        err.print(f"{scenario.name}: {text}", markup=False, highlight=False, soft_wrap=True)


def _fail(e: CorridorError) -> None:
    err.print(f"error: {e}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _check_limits(start, end, draws: int, evaluations: int | None = None, arrivals=None) -> None:
    """corridor.limits, checked before the model is even imported (refused in well under 1 s);
    with --arrivals the earliest start is the file's first month, checked once it is read."""
    from corridor import limits

    try:
        limits.check_window(start, end, first_day=None if arrivals else limits.FIRST_DAY)
        limits.check_draws(draws)
        if evaluations is not None:
            limits.check_count(evaluations, "--evaluations", limits.MAX_EVALUATIONS,
                               what=" (corridor.limits.MAX_EVALUATIONS)")  # fmt: skip
    except CorridorError as e:
        _fail(e)


def _inputs(*paths: Path | str | None, scenarios: Sequence[str] = ()) -> list[Path]:
    """The files and directories a command reads: --out may never be, hold or lie in one."""
    found = [Path(p) for p in paths if p]
    for text in scenarios:
        for part in text.split("+"):
            part = part.strip()
            if part and (part.endswith((".yaml", ".yml")) or Path(part).exists()):
                found.append(Path(part))
    return found


def _scenario_files(*sims) -> list[Path]:
    return [Path(where) for sim in sims for where, _ in sim.scenario.files]


@app.command()
def run(
    scenario: str = typer.Option("baseline", help="Scenario name, a .yaml file, or a+b."),
    start: str = typer.Option("2013-10-01", help="First day reported (YYYY-MM-DD)."),
    end: str = typer.Option("2016-09-30", help="Last day reported (YYYY-MM-DD)."),
    seed: int = typer.Option(1, help="Run seed: the same seed gives the same results."),
    draws: int = typer.Option(1, help="Monte Carlo draws."),
    out_dir: Path = typer.Option(..., "--out", help="Output directory (must not exist)."),
    arrivals: Path | None = ARRIVALS_OPTION,
    arrivals_mode: str = ARRIVALS_MODE_OPTION,
    params: Path | None = typer.Option(
        None, help="Directory of parameter files overriding the tree."
    ),
    records: bool = typer.Option(False, help="Also write children.parquet, one row per child."),
    overwrite: bool = typer.Option(
        False, help="Replace --out if it is an unchanged corridor output (never other files)."
    ),
    workers: int | None = typer.Option(
        None, help="Processes for --draws > 1 (default: all cores; 1 = in this process)."
    ),
    assumptions: str = typer.Option(
        "auto", help="auto (sampled when --draws > 1), central (stated values) or sample."
    ),
    cluster: str | None = typer.Option(None, help=CLUSTER_HELP),
) -> None:
    """Simulate a scenario and write daily.parquet, fiscal_years.csv and run.json into --out."""
    _check_limits(start, end, draws=draws, arrivals=arrivals)
    from corridor.outputs.save import save_run
    from corridor.outputs.writer import check_target
    from corridor.simulation import STAGES, Simulation

    try:
        inputs = _inputs(arrivals, params, scenarios=[scenario])
        check_target(out_dir, overwrite, inputs)
        sim = Simulation(scenario, start, end, seed, draws, arrivals, params, assumptions,
                         arrivals_mode)  # fmt: skip
        inputs += _scenario_files(sim)
        _note_arrivals(sim.arrivals_note)
        _note_overrides(sim.scenario)
        executor = _executor(cluster, workers, draws)
        per_draw = 1 if executor else len(STAGES)  # parallel draws report whole draws
        t0 = time.perf_counter()
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
            console=err, transient=True, disable=not err.is_terminal,
        ) as bar:  # fmt: skip
            task = bar.add_task(f"{sim.scenario.name}: simulating", total=draws * per_draw + 1)

            def step(stage: str) -> None:
                bar.update(task, advance=1, description=f"{sim.scenario.name}: {stage}")

            if executor:
                with executor:
                    result = sim.run(progress=step, keep_children=records, executor=executor)
            else:
                _announce_compile()
                result = sim.run(progress=step)
            bar.update(task, description="writing outputs")
            save_run(result, out_dir, sim.arrivals_file, records, overwrite, inputs)
            bar.update(task, advance=1)
    except CorridorError as e:
        _fail(e)
    secs = time.perf_counter() - t0
    n = sum(d.n_children for d in result.draws)
    _print_headlines(result)
    err.print(
        f"{sim.scenario.name}: {n:,} children simulated in {draws} draw(s), {secs:.1f} s -> {out_dir}"
    )


def _executor(cluster: str | None, workers: int | None, draws: int):
    """The executor for several draws, or None to run the only draw (or ``--workers 1``) here."""
    from corridor.executor import make_executor, parse_cluster, worker_count

    n = worker_count(workers, draws)
    if draws == 1 or (n == 1 and parse_cluster(cluster)[0] == "processes"):
        return None
    executor = make_executor(cluster, n)
    err.print(f"running {draws} draws on {executor.description}", highlight=False)
    return executor


def _announce_compile() -> None:
    """Say so on stderr, terminal or not, when the kernels must be compiled (the first run after
    installing): a new user's first run must not silently take half a minute. It is one line,
    before any work, and only then."""
    from corridor.engine.kernels import compile_message, uncached_kernels

    missing = uncached_kernels()
    if missing:
        err.print(compile_message(len(missing)), highlight=False)


def _print_headlines(result) -> None:
    from rich.table import Column

    from corridor.outputs.summary import headline_table

    t = headline_table(result.fiscal_years)
    title = (
        f"{result.scenario}, seed {result.seed}"
        + (f", median of {len(result.draws)} draws" if len(result.draws) > 1 else "")
        + "; a peak's date is the first day it was reached"
    )
    # a year's column is never narrower than a date: peaks' dates are never cut
    years = (Column(str(y), min_width=10, no_wrap=True) for y in t.columns)
    table = Table(Column("FY", max_width=30), *years, title=title)
    for (_, _, text), row in t.iterrows():
        table.add_row(text, *(str(v) for v in row))
    out.print(table)


@app.command("params")
def list_params(
    pattern: str = typer.Argument("*", help="Glob on parameter paths, e.g. 'orr.*'."),
    date: str | None = typer.Option(
        None, help="Show the value in force on this date (default: today)."
    ),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
) -> None:
    """List parameters: full path, value in force, unit and source."""
    import datetime as dt

    from corridor.parameters.tree import load_parameters
    from corridor.simulation import parse_date

    try:
        when = parse_date(date, "--date") if date else dt.date.today()
        ps = load_parameters()
    except CorridorError as e:
        _fail(e)
    pat = pattern if any(ch in pattern for ch in "*?[") else f"*{pattern}*"
    rows = [p for p in ps if fnmatch.fnmatch(p.path, pat)]
    if not rows:
        _fail(CorridorError("params", f"no parameter matches '{pattern}'"))
    if fmt not in ("table", "csv", "json"):
        _fail(CorridorError("--format", f"'{fmt}' is not one of table, csv, json"))
    if fmt != "table":
        import pandas as pd

        recs = [{"parameter": p.path, "value": json.dumps(p.at(when)) if isinstance(p.at(when), dict)
                 else p.at(when), "unit": p.unit, "date": str(when), "source": p.sources_label(),
                 "calibrated_to": p.calibration_label()} for p in rows]  # fmt: skip
        if fmt == "json":
            for r, p in zip(recs, rows, strict=True):
                r["value"] = p.at(when)
            sys.stdout.write(json.dumps(recs, indent=1, default=float) + "\n")
        else:
            sys.stdout.write(pd.DataFrame(recs).to_csv(index=False))
        return
    from rich.table import Column

    # the full path is never cut: it is what a scenario file or --params overlay names
    table = Table(Column("parameter", no_wrap=True, overflow="fold", min_width=max(len(p.path) for p in rows)),
                  "value", "unit", "source", "calibrated to", title=f"values in force on {when}")  # fmt: skip
    for p in rows:
        v = p.at(when)
        text = ", ".join(f"{k} {x:g}" for k, x in v.items()) if isinstance(v, dict) else f"{v:g}"
        table.add_row(p.path, text, p.unit, p.sources_label(), p.calibration_label())
    out.print(table)


@app.command("metrics")
def list_metrics(
    pattern: str = typer.Argument("*", help="Glob on metric names, e.g. 'orr_*'."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
) -> None:
    """The metric dictionary: every metric's unit, kind, stage, definition and better direction."""
    from corridor.outputs.dictionary import load_dictionary

    if fmt not in ("table", "csv", "json"):
        _fail(CorridorError("--format", f"'{fmt}' is not one of table, csv, json"))
    d = load_dictionary()
    pat = pattern if any(ch in pattern for ch in "*?[") else f"*{pattern}*"
    d = d[[fnmatch.fnmatch(m, pat) for m in d["metric"]]]
    if d.empty:
        _fail(CorridorError("metrics", f"no metric matches '{pattern}'"))
    if fmt != "table":
        text = d.to_csv(index=False) if fmt == "csv" else d.to_json(orient="records", indent=1)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from rich.table import Column

    table = Table(Column("metric", no_wrap=True), "unit", "kind", "stage", "better", "definition",
                  title="metric dictionary (corridor metrics --format csv for the file)")  # fmt: skip
    for r in d.itertuples():
        table.add_row(r.metric, r.unit, r.kind, r.stage, r.better, r.description)
    out.print(table)


@app.command("scenarios")
def list_scenarios() -> None:
    """List the shipped scenarios with their titles."""
    from rich.table import Column

    from corridor.scenarios import loader

    table = Table(Column("scenario", no_wrap=True), "title")
    for name in loader.available():
        try:
            spec = loader.load(name).files[-1][1]
        except CorridorError as e:
            _fail(e)
        table.add_row(name, spec.title)
    out.print(table)


@app.command()
def backtest(
    out_dir: Path = typer.Option(..., "--out", help="Output directory (must not exist)."),
    draws: int = typer.Option(20, help="Monte Carlo draws."),
    facts: list[str] | None = typer.Option(
        None, help="Facts CSV (repeat for several; 'default' = the shipped file)."
    ),
    start: str = typer.Option("2012-10-01", help="First day compared (default FY2013)."),
    end: str | None = typer.Option(None, help="Last day compared (default: end of history)."),
    seed: int = typer.Option(1, help="Run seed."),
    params: Path | None = typer.Option(
        None, help="Directory of parameter files overriding the tree (e.g. a calibration)."
    ),
    arrivals: Path | None = ARRIVALS_OPTION,
    arrivals_mode: str = ARRIVALS_MODE_OPTION,
    jobs: int | None = typer.Option(
        None, "--workers", "--jobs", help="Processes (default: all cores; --jobs: the old name)."
    ),
    cluster: str | None = typer.Option(None, help=CLUSTER_HELP),
    overwrite: bool = typer.Option(
        False, help="Replace --out if it is an unchanged corridor output (never other files)."
    ),
) -> None:
    """Run the historical baseline and score it against sourced facts (backtest.csv, charts,
    index.html)."""
    _check_limits(start, end, draws=draws, arrivals=arrivals)
    from corridor.analysis.backtest import read_facts, run_backtest
    from corridor.analysis.backtest_report import (
        SUMMARY_HEADER,
        headline_lines,
        summary_rows,
        write_backtest,
    )
    from corridor.outputs.writer import check_target

    t0 = time.perf_counter()
    try:
        files = [x.strip() for f in facts or [] for x in f.split(",") if x.strip()]
        inputs = _inputs(params, arrivals, *(f for f in files if f != "default"))
        check_target(out_dir, overwrite, inputs)
        read_facts([f for f in files if f != "default"])  # bad facts fail before any work
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
            console=err, transient=True, disable=not err.is_terminal,
        ) as bar:  # fmt: skip
            task = bar.add_task("backtest: simulating draws", total=draws)
            bt = run_backtest(files, draws, seed, start, end, params, jobs,
                              progress=lambda: bar.update(task, advance=1),
                              cluster=cluster,
                              arrivals_file=arrivals, arrivals_mode=arrivals_mode)  # fmt: skip
        _note_arrivals(bt.meta.get("arrivals_note"))
        write_backtest(bt, out_dir, " ".join(["corridor", *sys.argv[1:]]), overwrite, inputs)
    except CorridorError as e:
        _fail(e)
    table = Table(*SUMMARY_HEADER, title="backtest: simulated against observed")
    for row in summary_rows(bt):
        table.add_row(*row)
    out.print(table)
    for line in headline_lines(bt):
        out.print(line, markup=False, highlight=False)
    err.print(f"backtest: {draws} draws, {time.perf_counter() - t0:.1f} s -> {out_dir}")


@app.command()
def calibrate(
    targets: list[str] = typer.Option(
        ..., help="Target fact ids or patterns, e.g. 'ORR-LOS-*' (repeat or comma-separate)."
    ),
    out_dir: Path = typer.Option(..., "--out", help="Output directory (must not exist)."),
    fit: list[str] | None = typer.Option(
        None, help="Parameters to fit (paths or patterns; default: every assumption parameter)."
    ),
    facts: list[str] | None = typer.Option(None, help="Facts CSV (default: the shipped file)."),
    start: str | None = typer.Option(None, help="First simulated day reported (default FY2013)."),
    end: str | None = typer.Option(None, help="Last day simulated (default: the last target's)."),
    draws: int = typer.Option(4, help="Draws averaged per evaluation."),
    evaluations: int = typer.Option(60, help="Optimiser budget (objective evaluations)."),
    seed: int = typer.Option(1, help="Run seed."),
    jobs: int | None = typer.Option(
        None, "--workers", "--jobs", help="Processes (default: all cores; --jobs: the old name)."
    ),
    cluster: str | None = typer.Option(None, help=CLUSTER_HELP),
    overwrite: bool = typer.Option(
        False, help="Replace --out if it is an unchanged corridor output (never other files)."
    ),
    held_out: list[str] | None = typer.Option(
        None, help="Facts kept out of the fit as its test (ids or patterns), chosen beforehand."
    ),
    params: Path | None = typer.Option(
        None, help="Directory of parameter files overriding the tree before fitting."
    ),
    sampled: bool = typer.Option(
        False, help="Each draw samples the assumptions (as the backtest's draws do) and the "
        "fit is made on the median over the draws, the backtest's statistic."
    ),
) -> None:
    """Fit assumption parameters (only those) to target facts; write the calibrated set and its
    record."""
    _check_limits(start, end, draws=draws, evaluations=evaluations)
    from corridor.analysis.calibrate import calibrate as fit_parameters
    from corridor.analysis.calibrate import write_calibration
    from corridor.outputs.writer import check_target

    def split(values):
        return [x.strip() for v in values or [] for x in v.split(",") if x.strip()]

    t0 = time.perf_counter()
    try:
        inputs = _inputs(*split(facts))
        check_target(out_dir, overwrite, inputs)
        cal = fit_parameters(split(targets), split(fit) or None, split(facts), start, end, seed,
                             draws, evaluations, jobs, params, progress=lambda s: err.print(s),
                             cluster=cluster, held_out=split(held_out) or None,
                             sampled=sampled)  # fmt: skip
        command = " ".join(["corridor", *sys.argv[1:]])
        rec = write_calibration(cal, out_dir, command, overwrite, inputs=inputs)
    except CorridorError as e:
        _fail(e)
    table = Table("parameter", "before", "after", "range", title="calibrated (assumptions only)")
    for path, p in rec["parameters"].items():
        rng = f"{p['range']['low']}..{p['range']['high']}"
        table.add_row(path, str(p["before"]), str(p["after"]), rng)
    out.print(table)
    fit_ = rec["fit"]
    out.print(
        f"objective {fit_['before']:.4g} -> {fit_['after']:.4g} on {len(rec['targets'])} targets "
        f"({cal.evaluations} evaluations, {time.perf_counter() - t0:.0f} s) -> {out_dir}; "
        f"apply with: corridor run --params {out_dir}/parameters",
        markup=False, highlight=False,
    )  # fmt: skip


@app.command()
def compare(
    scenarios: list[str] = typer.Argument(
        ..., help="Scenarios (names, .yaml files or a+b); the first is the reference."
    ),
    start: str = typer.Option("2013-10-01", help="First day reported (YYYY-MM-DD)."),
    end: str = typer.Option("2020-09-30", help="Last day reported (YYYY-MM-DD)."),
    draws: int = typer.Option(50, help="Monte Carlo draws per scenario (the same in each)."),
    seed: int = typer.Option(1, help="Run seed."),
    out_dir: Path = typer.Option(..., "--out", help="Output directory (must not exist)."),
    params: Path | None = typer.Option(
        None, help="Directory of parameter files overriding the tree."
    ),
    arrivals: Path | None = ARRIVALS_OPTION,
    arrivals_mode: str = ARRIVALS_MODE_OPTION,
    workers: int | None = typer.Option(None, help="Processes (default: all cores)."),
    cluster: str | None = typer.Option(None, help=CLUSTER_HELP),
    overwrite: bool = typer.Option(
        False, help="Replace --out if it is an unchanged corridor output (never other files)."
    ),
) -> None:
    """Compare scenarios draw by draw: comparison.csv, spending.csv, charts and index.html."""
    _check_limits(start, end, draws=draws, arrivals=arrivals)
    from corridor.analysis.compare import compare as run_compare
    from corridor.analysis.compare import write_comparison
    from corridor.outputs.writer import check_target

    t0 = time.perf_counter()
    try:
        inputs = _inputs(params, arrivals, scenarios=scenarios)
        check_target(out_dir, overwrite, inputs)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal,
        ) as bar:  # fmt: skip
            task = bar.add_task("compare: loading scenarios", total=draws * len(scenarios))

            def advance() -> None:
                bar.update(task, advance=1, description="compare: simulating draws")

            comp = run_compare(scenarios, start, end, draws, seed, workers, advance, params,
                               cluster=cluster,
                               arrivals_file=arrivals, arrivals_mode=arrivals_mode)  # fmt: skip
            bar.update(task, description="compare: writing outputs")
            inputs += _scenario_files(*comp.sims.values())
            write_comparison(comp, out_dir, overwrite, inputs=inputs)
    except CorridorError as e:
        _fail(e)
    _note_arrivals(next(iter(comp.sims.values())).arrivals_note)
    for s in comp.sims.values():
        _note_overrides(s.scenario)
    _print_comparison(comp)
    secs = time.perf_counter() - t0
    err.print(
        f"compare: {len(scenarios)} scenario(s) x {draws} draw(s) in {secs:.1f} s "
        f"({len(scenarios) * draws / secs:.2f} draws/s) -> {out_dir}"
    )


def _print_comparison(comp) -> None:
    from corridor.outputs.format import number, span

    table = Table(
        "metric (whole window)", *comp.scenarios,
        title=f"{comp.start} to {comp.end}: median (10th to 90th percentile) over {comp.draws} "
        f"draws; Δ = difference from {comp.scenarios[0]} in the same draw; P(better) = share of "
        f"draws in which the scenario beats {comp.scenarios[0]} (ties count half)",
    )  # fmt: skip
    for r in comp.headline_rows():
        m, cells = r["metric"], []
        for s in range(len(comp.scenarios)):
            med, lo, hi = r["values"][s]
            text = f"{number(med, m)} ({span(lo, hi, m)})"
            if s > 0:
                dm, dlo, dhi = r["diffs"][s]
                text += f"\nΔ {number(dm, m)} ({span(dlo, dhi, m)})"
                if r["p_better"][s] == r["p_better"][s]:  # defined (not NaN)
                    text += f"\nP(better) {r['p_better'][s]:.2f}"
            cells.append(text)
        table.add_row(r["label"], *cells)
    out.print(table)
    _print_p_better(comp)


def _print_p_better(comp) -> None:
    """P(better) per headline metric and fiscal year (report.html has the same table)."""
    from corridor.analysis.better import headline_by_period
    from corridor.analysis.compare import TOTAL

    rows = headline_by_period(comp)
    if not rows:
        return
    names = [("window" if p == TOTAL else f"FY{p}") for p in comp.periods]
    table = Table("metric", "scenario", *names,
                  title=f"P(better): share of the {comp.draws} draws in which the scenario beats "
                  f"{comp.scenarios[0]}, per fiscal year (ties count half; - undefined)")  # fmt: skip
    for r in rows:
        table.add_row(r["label"], r["scenario"],
                      *("-" if v != v else f"{v:.2f}" for v in r["p"].values()))  # fmt: skip
    out.print(table)


@app.command()
def plan(
    lever: str = typer.Option(
        ..., help="Parameter path of the lever, e.g. orr.capacity.standard_beds."
    ),
    op: str = typer.Option("add", help="add (to the scenario's values) or set (replace them)."),
    from_date: str = typer.Option(..., "--from", help="Date the level takes effect (YYYY-MM-DD)."),
    range_: str = typer.Option(..., "--range", help="Levels searched, LO..HI (e.g. 0..6000)."),
    step: float | None = typer.Option(None, help="Grid step of the level (default: range/64)."),
    target: list[str] = typer.Option(
        ...,
        help="'METRIC STATISTIC OP VALUE [FYyyyy]', e.g. 'cbp_over_72h peak <= 0'; repeat: all must hold.",
    ),
    probability: float = typer.Option(0.8, help="Share of draws in which every target must hold."),
    draws: int = typer.Option(50, help="Monte Carlo draws, the same at every level."),
    seed: int = typer.Option(1, help="Run seed."),
    scenario: str = typer.Option("baseline", help="Scenario the lever is added to."),
    start: str = PLAN_START_OPTION,
    end: str = PLAN_END_OPTION,
    out_dir: Path = OUT_OPTION,
    params: Path | None = PARAMS_OPTION,
    workers: int | None = WORKERS_OPTION,
    cluster: str | None = CLUSTER_OPTION,
    overwrite: bool = OVERWRITE_OPTION,
) -> None:
    """The smallest level of a lever meeting every target with at least --probability, over
    shared draws: plan.json and plan.csv (exit status 1 when no level in the range does)."""
    _check_limits(start, end, draws=draws)
    from corridor.analysis.plan import level_grid, parse_range
    from corridor.analysis.plan_model import PlanSetup, run_plan
    from corridor.analysis.plan_report import write_plan
    from corridor.analysis.targets import parse_target
    from corridor.simulation import parse_date

    t0 = time.perf_counter()
    try:
        inputs = _planning_inputs(params, scenario, out_dir, overwrite)
        targets = [parse_target(t) for t in target]
        grid = level_grid(*parse_range(range_), step)
        if not 0.0 < probability <= 1.0:
            raise CorridorError("--probability", f"{probability} must be in (0, 1]")
        if draws < 1:
            raise CorridorError("--draws", f"{draws} must be at least 1")
        setup = PlanSetup(scenario, lever, op, parse_date(from_date, "--from"),
                          parse_date(start, "--start"), parse_date(end, "--end"), seed, draws,
                          str(params) if params else None)  # fmt: skip
        with _progress("{task.completed} draws") as bar:
            task = bar.add_task("plan: searching levels", total=None)
            result = run_plan(setup, targets, grid, probability, workers,
                              progress=lambda: bar.update(task, advance=1),
                              cluster=cluster)  # fmt: skip
        record = write_plan(result, out_dir, overwrite, inputs=inputs)
    except CorridorError as e:
        _fail(e)
    _print_plan(record)
    err.print(f"plan: {len(record['curve'])} levels x {draws} draws in "
              f"{time.perf_counter() - t0:.1f} s -> {out_dir}")  # fmt: skip
    if not record["met"]:  # the files are written; the status lets a script tell "not met"
        raise typer.Exit(NOT_MET_STATUS)


# exit status of `corridor plan` when no level in the range meets the targets (2 is bad input)
NOT_MET_STATUS = 1


def _print_plan(record: dict) -> None:
    texts = [t["target"] for t in record["targets"]]
    table = Table("level", "draws met", "probability [95% CI]", *(f"median {t}" for t in texts),
                  title=f"{record['lever']['parameter']} {record['lever']['op']} from "
                  f"{record['lever']['from']}: probability every target holds "
                  f"({record['draws']} shared draws)")  # fmt: skip
    for row in record["curve"]:
        mark = " <" if row["chosen"] else ""
        table.add_row(f"{row['level']:,.6g}{mark}", f"{row['draws_met']}/{row['draws']}",
                      f"{row['probability']:.2f} [{row['ci_low']:.2f}-{row['ci_high']:.2f}]",
                      *(f"{row[f'median: {t}']:,.6g}" for t in texts))  # fmt: skip
    out.print(table)
    if record["cost"]:
        costs = Table("cost over the window (US$)", "at the level", "added by the lever",
                      title="cost of that level by agency (median \\[p10-p90] over draws)")  # fmt: skip
        for metric, c in record["cost"].items():
            a = c["added"]
            costs.add_row(metric, f"{c['median']:,.0f}",
                          f"{a['median']:,.0f} [{a['p10']:,.0f}-{a['p90']:,.0f}]")  # fmt: skip
        out.print(costs)
    out.print(("plan: " if record["met"] else "plan: NOT MET: ") + record["statement"],
              markup=False, highlight=False)  # fmt: skip


@app.command()
def sensitivity(
    metric: str = typer.Option(..., help="Metric (group all), e.g. orr_census."),
    statistic: str = typer.Option(..., help="Statistic over the window: sum, mean, peak or end."),
    method: str = typer.Option("morris", help="morris (screening) or sobol (indices)."),
    samples: int = typer.Option(
        10, help="Morris trajectories (k+1 runs each) or Sobol base rows (a power of two)."
    ),
    scenario: str = typer.Option("baseline", help="Scenario analysed."),
    parameters: str | None = typer.Option(
        None, help="Only the assumptions matching this glob, e.g. 'orr.*' (default: all)."
    ),
    start: str = PLAN_START_OPTION,
    end: str = PLAN_END_OPTION,
    seed: int = typer.Option(1, help="Seed of the sampler and of the runs' random streams."),
    out_dir: Path = OUT_OPTION,
    params: Path | None = PARAMS_OPTION,
    workers: int | None = WORKERS_OPTION,
    cluster: str | None = CLUSTER_OPTION,
    overwrite: bool = OVERWRITE_OPTION,
) -> None:
    """Which assumptions drive a metric: SALib Morris or Sobol over every parameter with a
    range; sensitivity.csv, a tornado chart, samples.parquet and run.json."""
    _check_limits(start, end, draws=1)
    from corridor.analysis.sensitivity import run_sensitivity, sample
    from corridor.analysis.sensitivity_model import (
        SensitivitySetup,
        SimulationModel,
        check_setup,
        factors,
    )
    from corridor.analysis.sensitivity_report import TOP, write_sensitivity
    from corridor.executor import make_executor, worker_count
    from corridor.simulation import parse_date

    t0 = time.perf_counter()
    try:
        inputs = _planning_inputs(params, scenario, out_dir, overwrite)
        setup = SensitivitySetup(scenario, metric, statistic, parse_date(start, "--start"),
                                 parse_date(end, "--end"), seed,
                                 str(params) if params else None)  # fmt: skip
        sample(method, ["a", "b"], samples, seed)  # a bad method or sample size fails here
        sim = check_setup(setup)
        fs = factors(sim, parameters)
        if len(fs) < 2:
            raise CorridorError("--parameters", f"'{parameters}' matches {len(fs)} assumption(s); "
                                "sensitivity needs at least two")  # fmt: skip
        names = [f.name for f in fs]
        n_runs = len(sample(method, names, samples, seed))
        with _progress("{task.completed}/{task.total}") as bar:
            task = bar.add_task(f"sensitivity: {method}, {len(names)} assumptions", total=n_runs)
            with make_executor(cluster, worker_count(workers, n_runs)) as ex:
                model = SimulationModel(setup, names, ex, lambda: bar.update(task, advance=1))
                s = run_sensitivity(model, names, method, samples, seed)
        secs = time.perf_counter() - t0
        record = write_sensitivity(s, fs, setup, out_dir, overwrite, secs, inputs=inputs)
    except CorridorError as e:
        _fail(e)
    t = record["table"]
    cols = [c for c in t.columns if c in ("mu_star", "mu_star_conf", "mu", "sigma", "ST",
                                          "ST_conf", "S1", "S1_conf")]  # fmt: skip
    table = Table("rank", "assumption", *cols, "provenance",
                  title=f"{metric} {statistic}, {start} to {end}: {method}, {len(s.Y)} runs "
                  f"({len(names)} assumptions)")  # fmt: skip
    for r in t.head(TOP).itertuples():
        table.add_row(str(r.rank), r.parameter, *(f"{getattr(r, c):,.4g}" for c in cols),
                      r.provenance)  # fmt: skip
    out.print(table)
    for kind, what in (("sourced", "with a sourced value"),
                       ("calibrated", "calibrated to facts (calibrated_to)"),
                       ("judgement", "that are judgement (an assumption only)")):  # fmt: skip
        names_ = ", ".join(record[f"top_{kind}"]) or "none"
        out.print(f"top {TOP} drivers {what}: {names_}", markup=False, highlight=False)
    err.print(f"sensitivity: {len(s.Y)} runs in {secs:.1f} s ({len(s.Y) / secs:.2f} runs/s) "
              f"-> {out_dir}")  # fmt: skip


def _show_version(value: bool) -> None:
    if value:
        from corridor import __version__

        out.print(f"corridor {__version__}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """corridor: simulate the system that receives unaccompanied children at the U.S. border."""


@app.command()
def version() -> None:
    """Print the corridor version."""
    from corridor import __version__

    out.print(__version__)


def main() -> None:
    """The console entry (``corridor``, ``python -m corridor``): run the command, then end the
    process at once with its exit status.

    Tearing the interpreter down after a run (freeing pandas', numba's and the simulation's
    objects one by one) took about 0.3 s of a 4-5 s full-baseline run, and it does nothing the
    operating system does not do anyway. Everything the run owns is finished by then: outputs
    are renamed into place before the command returns, worker pools and Dask clusters are
    closed by their ``with`` blocks, and the standard streams and logging are flushed here. An
    unexpected exception still ends the normal way, with its traceback."""
    try:
        app()
        code = 0
    except SystemExit as e:  # click/typer end every command with one
        if e.code is None or isinstance(e.code, int):
            code = e.code or 0
        else:  # a message: Python prints it on stderr and exits with 1
            print(e.code, file=sys.stderr)
            code = 1
    _exit_now(code)


def _exit_now(code: int) -> None:
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (corridor ... | head): nothing to flush
            pass
    os._exit(code)
