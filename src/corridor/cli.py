"""The command line: thin commands that parse options, call the API and print.

Every user error is one line on stderr (``error: <where>: <what>``) with exit status 2, and
nothing is written.
"""

from __future__ import annotations

import fnmatch
import sys
import time
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
err = Console(stderr=True)
# piped output (a file, CI) gets a fixed width wide enough for the headline tables
out = Console(width=None if sys.stdout.isatty() else 120)


def _fail(e: CorridorError) -> None:
    err.print(f"error: {e}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@app.command()
def run(
    scenario: str = typer.Option("baseline", help="Scenario name, a .yaml file, or a+b."),
    start: str = typer.Option("2013-10-01", help="First day reported (YYYY-MM-DD)."),
    end: str = typer.Option("2016-09-30", help="Last day reported (YYYY-MM-DD)."),
    seed: int = typer.Option(1, help="Run seed: the same seed gives the same results."),
    draws: int = typer.Option(1, help="Monte Carlo draws."),
    out_dir: Path = typer.Option(..., "--out", help="Output directory (must not exist)."),
    arrivals: Path | None = typer.Option(
        None, help="CSV month,country,children replacing history."
    ),
    params: Path | None = typer.Option(
        None, help="Directory of parameter files overriding the tree."
    ),
    records: bool = typer.Option(False, help="Also write children.parquet, one row per child."),
    overwrite: bool = typer.Option(False, help="Replace --out if it exists."),
) -> None:
    """Simulate a scenario and write daily.parquet, fiscal_years.csv and run.json into --out."""
    from corridor.outputs.save import save_run
    from corridor.outputs.writer import check_target
    from corridor.simulation import STAGES, Simulation

    try:
        check_target(out_dir, overwrite)
        sim = Simulation(scenario, start, end, seed, draws, arrivals, params)
        t0 = time.perf_counter()
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
            console=err, transient=True, disable=not err.is_terminal,
        ) as bar:  # fmt: skip
            task = bar.add_task(f"{sim.scenario.name}: simulating", total=draws * len(STAGES) + 1)

            def step(stage: str) -> None:
                bar.update(task, advance=1, description=f"{sim.scenario.name}: {stage}")

            result = sim.run(progress=step)
            bar.update(task, description="writing outputs")
            save_run(result, out_dir, sim.arrivals_file, records, overwrite)
            bar.update(task, advance=1)
    except CorridorError as e:
        _fail(e)
    secs = time.perf_counter() - t0
    n = sum(d.children.n for d in result.draws)
    _print_headlines(result)
    err.print(
        f"{sim.scenario.name}: {n:,} children simulated in {draws} draw(s), {secs:.1f} s -> {out_dir}"
    )


def _print_headlines(result) -> None:
    from corridor.outputs.summary import headline_table

    t = headline_table(result.daily)
    title = f"{result.scenario}, seed {result.seed}" + (
        f", median of {len(result.draws)} draws" if len(result.draws) > 1 else ""
    )
    table = Table("FY", *t.columns, title=title)
    for fy, row in t.iterrows():
        table.add_row(str(fy), *(f"{v:,}" for v in row))
    out.print(table)


@app.command("params")
def list_params(
    pattern: str = typer.Argument("*", help="Glob on parameter paths, e.g. 'orr.*'."),
    date: str | None = typer.Option(
        None, help="Show the value in force on this date (default: today)."
    ),
) -> None:
    """List parameters: path, value in force, unit and source."""
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
    table = Table("parameter", "value", "unit", "source", title=f"values in force on {when}")
    for p in rows:
        v = p.at(when)
        text = ", ".join(f"{k} {x:g}" for k, x in v.items()) if isinstance(v, dict) else f"{v:g}"
        table.add_row(p.path, text, p.unit, p.sources_label())
    out.print(table)


@app.command("scenarios")
def list_scenarios() -> None:
    """List the shipped scenarios with their titles."""
    from corridor.scenarios import loader

    table = Table("scenario", "title")
    for name in loader.available():
        try:
            spec = loader.load(name).files[-1][1]
        except CorridorError as e:
            _fail(e)
        table.add_row(name, spec.title)
    out.print(table)


@app.command()
def version() -> None:
    """Print the corridor version."""
    from corridor import __version__

    out.print(__version__)


def main() -> None:  # pragma: no cover - console entry for `python -m corridor`
    sys.exit(app())
