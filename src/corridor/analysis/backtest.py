"""Backtest: run the historical baseline with draws and compare it with sourced facts.

A facts file has the columns of the shared data (``id, quantity, geography_or_group, period,
value, unit, source_url, source_date, quote, confidence, notes``) plus ``metric``, ``group`` and
``statistic``, which say what corridor output a row is compared with (see
``corridor/analysis/backtest_facts.py`` for the shipped file and the vocabulary). Each fact becomes
a *probe* (metric, group, statistic, first day, last day) evaluated on every draw's daily metrics;
the draws give a median and a 10-90% band, which are set against the observed value.

Facts whose metric the model does not produce are kept and reported as ``not modelled``.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from corridor.analysis import fluid_reference, hhs_daily
from corridor.csv_check import check_csv
from corridor.engine.clock import fiscal_year
from corridor.errors import CorridorError

DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_FACTS = DATA / "backtest_facts.csv"
FACT_COLUMNS = (
    "id", "quantity", "geography_or_group", "period", "value", "unit", "source_url",
    "source_date", "quote", "confidence", "notes",
)  # fmt: skip
EXTRA_COLUMNS = ("metric", "group", "statistic")
STATISTICS = ("sum", "end", "mean", "max", "share")
# the annual series the acceptance names (fiscal-year rows of these metrics)
ANNUAL_SET = ("arrivals", "orr_referrals", "court_filings_uac", "court_pending_total")
BAND_TOLERANCE = 0.10  # a point counts as reproduced if inside the band or within 10% of the median
DEFAULT_START = dt.date(2012, 10, 1)  # FY2013

# ---------------------------------------------------------------------------------------------
# Units: a controlled vocabulary. A unit is a base unit, optionally "per" a time, optionally
# followed by a qualifier in parentheses ("children (about)", "USD per week", "percent per day").
# ---------------------------------------------------------------------------------------------
_COUNT = (
    "child children person persons case cases order orders decision decisions bed beds minor "
    "minors removal removals completion completions apprehension apprehensions judge judges"
).split()
UNIT_KINDS: dict[str, tuple[str, float]] = {
    **{u: ("count", 1.0) for u in _COUNT},
    "children at a time": ("count", 1.0),
    "usd": ("money", 1.0),
    "percent": ("share", 0.01),
    "share": ("share", 1.0),
    "day": ("duration", 1.0),
    "days": ("duration", 1.0),
    "week": ("duration", 7.0),
    "weeks": ("duration", 7.0),
    "month": ("duration", 365.25 / 12),
    "months": ("duration", 365.25 / 12),
    "year": ("duration", 365.25),
    "years": ("duration", 365.25),
}
PER = {"day": 1.0, "week": 7.0, "month": None, "year": 365.25}  # None: the period's own months


@dataclass(frozen=True)
class Unit:
    kind: str  # count, money, share, duration
    scale: float  # multiplies the published value into model units
    per: str | None  # a rate: per day, week, month or year


def parse_unit(text: str) -> Unit:
    base = re.sub(r"\(.*?\)", "", str(text)).strip().lower()
    base = re.sub(r"\s+per\s+", "/", base)
    parts = [p.strip() for p in base.split("/")]
    if not parts[0] or parts[0] not in UNIT_KINDS or len(parts) > 2:
        raise ValueError(f"unknown unit '{text}' (known: {', '.join(sorted(UNIT_KINDS))})")
    per = parts[1] if len(parts) == 2 else None
    if per is not None and per not in PER:
        raise ValueError(f"unknown unit '{text}': a rate must be per day, week, month or year")
    kind, scale = UNIT_KINDS[parts[0]]
    return Unit(kind, scale, per)


# ---------------------------------------------------------------------------------------------
# Periods: FY2014, 2014 (calendar year), 2014-06 (a month), 2014-06-30 (a day), or A..B.
# ---------------------------------------------------------------------------------------------
def _bounds(text: str) -> tuple[dt.date, dt.date]:
    t = text.strip()
    if m := re.fullmatch(r"FY\s*(\d{4})", t, flags=re.I):
        y = int(m.group(1))
        return dt.date(y - 1, 10, 1), dt.date(y, 9, 30)
    if re.fullmatch(r"\d{4}", t):
        return dt.date(int(t), 1, 1), dt.date(int(t), 12, 31)
    if re.fullmatch(r"\d{4}-\d{2}", t):
        first = dt.datetime.strptime(t, "%Y-%m").date()
        last = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date()
        return first, last
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        d = dt.date.fromisoformat(t)
        return d, d
    raise ValueError(t)


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period; ValueError with a readable message if it is not one."""
    try:
        parts = str(text).split("..")
        if len(parts) == 1:
            return _bounds(parts[0])
        if len(parts) == 2:
            first, last = _bounds(parts[0])[0], _bounds(parts[1])[1]
            if last < first:
                raise ValueError
            return first, last
    except ValueError:
        pass
    raise ValueError(
        f"'{text}' is not a period (FY2014, 2014, 2014-06, 2014-06-30, or A..B with A before B)"
    )


def is_fiscal_year(text: str) -> bool:
    return re.fullmatch(r"\s*FY\s*\d{4}\s*", str(text), flags=re.I) is not None


# ---------------------------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fact:
    id: str
    quantity: str
    period: str
    value: float  # as published
    unit: str
    metric: str
    group: str
    statistic: str
    confidence: str
    notes: str
    source_url: str
    file: str
    row: int
    start: dt.date
    end: dt.date
    observed: float  # in model units (shares as fractions, rates per day)


def _observed(value: float, unit: Unit, start: dt.date, end: dt.date) -> float:
    x = value * unit.scale
    if unit.per is None:
        return x
    per = PER[unit.per]
    if per is None:  # per month: the period's length in days over its number of months
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        per = ((end - start).days + 1) / months
    return x / per


def read_facts(paths: Iterable[str | Path]) -> list[Fact]:
    """Read and validate facts files; any problem is one line naming file, row and field."""
    facts: list[Fact] = []
    seen: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        where = str(path)
        if not path.is_file():
            raise CorridorError(where, "facts file not found")
        check_csv(path, "a facts CSV")  # encoding, size, rows, field counts
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except Exception as e:  # pandas raises several types for unreadable CSV
            raise CorridorError(where, f"not a readable CSV ({type(e).__name__})") from None
        raw.columns = [c.strip() for c in raw.columns]
        if hhs_daily.is_daily_file(list(raw.columns)):  # HHS's daily file: monthly facts
            raw = pd.DataFrame(hhs_daily.fact_rows(path), dtype=str)
        missing = [c for c in (*FACT_COLUMNS, *EXTRA_COLUMNS) if c not in raw.columns]
        if missing:
            raise CorridorError(where, f"missing column '{missing[0]}'")
        if raw.empty:
            raise CorridorError(where, "no rows")
        for i, r in enumerate(raw.to_dict("records")):
            facts.append(_fact(r, where, i + 2, seen))
    return facts


def _fact(r: dict, where: str, line: int, seen: dict[str, str]) -> Fact:
    def bad(fieldname: str, message: str) -> CorridorError:
        return CorridorError(f"{where}: row {line}", f"{fieldname}: {message}")

    fid = r["id"].strip()
    if not fid:
        raise bad("id", "missing")
    if fid in seen:
        raise bad("id", f"'{fid}' repeats a row of {seen[fid]}")
    seen[fid] = where
    text = r["value"].strip().replace(",", "")
    try:
        value = float(text)
    except ValueError:
        raise bad("value", f"'{r['value']}' is not a number") from None
    if not np.isfinite(value):
        raise bad("value", f"'{r['value']}' is not a finite number")
    if not r["period"].strip():
        raise bad("period", "missing")
    try:
        start, end = parse_period(r["period"])
    except ValueError as e:
        raise bad("period", str(e)) from None
    try:
        unit = parse_unit(r["unit"])
    except ValueError as e:
        raise bad("unit", str(e)) from None
    metric = r["metric"].strip()
    if not metric:
        raise bad("metric", "missing")
    term = r"[a-z0-9_]+(\+[a-z0-9_]+)*"
    if not re.fullmatch(rf"{term}(/{term})?", metric):
        raise bad("metric", f"'{metric}' is not a metric name (or A+B for a sum, A/B for a ratio)")
    stat = r["statistic"].strip().lower()
    if stat not in STATISTICS:
        raise bad(
            "statistic", f"unknown statistic '{r['statistic']}' (one of {', '.join(STATISTICS)})"
        )
    if "/" in metric and stat != "share":
        raise bad("statistic", f"a ratio of metrics ({metric}) needs statistic 'share'")
    group = r["group"].strip() or "all"
    if not re.fullmatch(r"[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*", group):
        raise bad("group", f"'{group}' is not a group name (or A+B)")
    if stat == "share" and "/" not in metric and group == "all":
        raise bad("group", "statistic 'share' needs a group other than 'all' (or a metric A/B)")
    fits = {
        "sum": unit.kind in ("count", "money") and unit.per is None,
        "share": unit.kind == "share" and unit.per is None,
        "end": unit.per is None,
        "max": unit.per is None,
        "mean": True,
    }[stat]
    if not fits:
        raise bad("unit", f"'{r['unit']}' does not fit statistic '{stat}'")
    return Fact(
        id=fid, quantity=r["quantity"], period=r["period"].strip(), value=value, unit=r["unit"],
        metric=metric, group=group, statistic=stat, confidence=r["confidence"],
        notes=r["notes"], source_url=r["source_url"], file=where, row=line, start=start,
        end=end, observed=_observed(value, unit, start, end),
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Evaluating a probe on one draw's daily metrics
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Probe:
    metric: str
    group: str
    statistic: str
    first: int  # simulated day index, inclusive
    last: int


@dataclass
class Series:
    """One daily metric of one draw: kind, group names, values [group, day], weights if average."""

    kind: str
    groups: tuple[str, ...]
    values: np.ndarray
    weight: np.ndarray | None = None


def draw_series(draw_result, origin: dt.date | None = None) -> dict[str, Series]:
    """Every daily metric of a draw, plus series derived from the per-child records (those by
    fiscal year need the simulation's first day, ``origin``)."""
    m = draw_result.metrics
    out: dict[str, Series] = {}
    for name, metric in m.metrics.items():
        groups = m.groups_of(name)
        w = None
        if metric.kind == "average":
            w = m.metrics[metric.weight].values
            if w.shape[0] != metric.values.shape[0]:
                w = np.broadcast_to(w[-1:], metric.values.shape)
        out[name] = Series(metric.kind, tuple(groups), metric.values, w)
    out.update(_derived_series(draw_result.children, m.n_days))
    if origin is not None:
        out.update(_by_filing_year(draw_result.children, m.n_days, origin))
    return out


def _by_filing_year(c, n_days: int, origin: dt.date) -> dict[str, Series]:
    """The children's backlog as EOIR flags it (court_pending_uac_flagged) by the fiscal year
    the case was filed, groups ``FY2009`` ...: how TRAC publishes the backlog's make-up."""
    if not all(hasattr(c, a) for a in ("t_file", "t_decision", "uac_flagged")):
        return {}
    case = c.uac_flagged & np.isfinite(c.t_file) & (c.t_file < n_days)
    t_in, t_out = c.t_file[case], c.t_decision[case]
    # off the pending counts while administratively closed (to be recalendared), as in
    # court_pending_uac_flagged: the closed interval is taken out below
    t_closed = getattr(c, "t_closed", np.full(len(c.t_file), np.inf))[case]
    t_back = getattr(c, "t_recalendared", np.full(len(c.t_file), np.inf))[case]
    first_fy = fiscal_year(origin)
    last_fy = fiscal_year(origin + dt.timedelta(days=n_days - 1))
    # the day each fiscal year starts, as a day index of the run
    years = range(first_fy + 1, last_fy + 1)
    starts = np.array([(dt.date(y - 1, 10, 1) - origin).days for y in years])
    fy = np.searchsorted(starts, t_in, side="right")  # 0: the run's first fiscal year
    n_fy = last_fy - first_fy + 1
    # pending at the end of day d: filed before d + 1, decided at d + 1 or later (Tally.stock)
    net = np.zeros((n_fy, n_days + 1))
    np.add.at(net, (fy, np.minimum(np.floor(t_in).astype(np.int64), n_days)), 1.0)
    out_day = np.where(np.isfinite(t_out), np.floor(np.minimum(t_out, n_days)), n_days)
    np.add.at(net, (fy, out_day.astype(np.int64)), -1.0)
    gap = np.isfinite(t_closed) & (t_closed < n_days)  # closed at t_closed, back at t_back
    for t, sign in ((t_closed[gap], -1.0), (t_back[gap], 1.0)):
        day = np.where(np.isfinite(t), np.floor(np.minimum(t, n_days)), n_days)
        np.add.at(net, (fy[gap], day.astype(np.int64)), sign)
    v = np.cumsum(net, axis=1)[:, :n_days]
    groups = tuple(f"FY{y}" for y in range(first_fy, last_fy + 1)) + ("all",)
    v = np.vstack([v, v.sum(axis=0, keepdims=True)])
    return {"court_pending_uac_flagged_by_filing_fy": Series("stock", groups, v)}


def _derived_series(c, n_days: int) -> dict[str, Series]:
    """Flows the daily metrics do not carry, counted from the per-child records."""
    out = {}

    def by_day(t, mask, codes, n_codes):
        ok = mask & np.isfinite(t) & (t >= 0) & (t < n_days)
        idx = codes[ok].astype(np.int64) * n_days + t[ok].astype(np.int64)
        by = np.bincount(idx, minlength=n_codes * n_days).reshape(n_codes, n_days)
        return np.vstack([by, by.sum(axis=0, keepdims=True)]).astype(float)

    if all(hasattr(c, a) for a in ("t_orr_exit", "aged_out", "discharged_other", "sponsor_cat")):
        released = ~c.aged_out & ~c.discharged_other & (c.sponsor_cat >= 0)
        cat = np.clip(c.sponsor_cat, 0, 3)
        v = by_day(c.t_orr_exit, released, cat, 4)
        out["orr_released_by_sponsor"] = Series("flow", ("cat1", "cat2", "cat3", "cat4", "all"), v)
    if all(hasattr(c, a) for a in ("t_orr_start", "bed")):
        v = by_day(c.t_orr_start, c.bed == 1, np.zeros(c.n, np.int64), 1)[-1:]
        out["orr_admissions_influx"] = Series("flow", ("all",), v)
    return out


class NotComparable(Exception):
    """The model cannot give this probe (metric or group not produced, statistic not defined)."""


def _rows(s: Series, group: str, metric: str) -> list[int]:
    rows = []
    for g in group.split("+"):
        if g not in s.groups:
            raise NotComparable(f"not modelled: {metric} has no group '{g}'")
        rows.append(s.groups.index(g))
    return rows


def _value(series: dict[str, Series], metric: str, group: str, how: str, a: int, b: int) -> float:
    """``how`` of one metric (or a sum of metrics A+B) over days a..b (inclusive): sum, end,
    mean or max."""
    if "+" in metric:
        return sum(_value(series, m, group, how, a, b) for m in metric.split("+"))
    if metric not in series:
        raise NotComparable(f"not modelled: the model has no metric '{metric}'")
    s = series[metric]
    rows = _rows(s, group, metric)
    sl = slice(a, b + 1)
    if s.kind == "average":
        v = s.values[rows, sl]
        w = s.weight[rows, sl]
        ok = np.isfinite(v) & (w > 0)
        if how == "end":
            v, w, ok = v[:, -1:], w[:, -1:], ok[:, -1:]
        elif how == "max":
            return float(np.nanmax(np.where(ok, v, np.nan))) if ok.any() else np.nan
        elif how != "mean":
            raise NotComparable(f"statistic '{how}' is not defined for the average '{metric}'")
        den = np.where(ok, w, 0.0).sum()
        return float(np.where(ok, v * w, 0.0).sum() / den) if den > 0 else np.nan
    v = s.values[rows, sl].sum(axis=0)
    if s.kind == "flow":
        if how == "sum":
            return float(v.sum())
        if how == "mean":
            return float(v.mean())
        if how == "max":
            return float(v.max())
        raise NotComparable(f"statistic '{how}' is not defined for the flow '{metric}'")
    if how == "end":
        return float(v[-1])
    if how == "mean":
        return float(v.mean())
    if how == "max":
        return float(v.max())
    raise NotComparable(f"statistic '{how}' is not defined for the stock '{metric}'")


def evaluate(series: dict[str, Series], p: Probe) -> float:
    """The simulated value of a probe on one draw (raises NotComparable)."""
    if p.statistic != "share":
        return _value(series, p.metric, p.group, p.statistic, p.first, p.last)
    if "/" in p.metric:
        num_m, den_m = p.metric.split("/")
        num_g = den_g = p.group
    else:
        num_m = den_m = p.metric
        num_g, den_g = p.group, "all"

    # each side aggregates as its kind does: a flow is summed, a stock or average is averaged
    def how(m: str) -> str:
        first = m.split("+")[0]
        return "sum" if first in series and series[first].kind == "flow" else "mean"

    num = _value(series, num_m, num_g, how(num_m), p.first, p.last)
    den = _value(series, den_m, den_g, how(den_m), p.first, p.last)
    return num / den if den > 0 else np.nan


def comparable(series: dict[str, Series], p: Probe) -> str | None:
    """None if the probe can be evaluated, else why not."""
    try:
        evaluate(series, p)
    except NotComparable as e:
        return str(e)
    return None


# ---------------------------------------------------------------------------------------------
# Running the draws (in parallel over processes)
# ---------------------------------------------------------------------------------------------
def probe_values(series: dict[str, Series], probes: list[Probe]) -> np.ndarray:
    """The model's value for each probe (NaN where the model has no comparable output)."""
    out = np.full(len(probes), np.nan)
    for i, p in enumerate(probes):
        try:
            out[i] = evaluate(series, p)
        except NotComparable:
            pass
    return out


def probe_draw(item: tuple[dict, list[Probe], int]) -> tuple[np.ndarray, dict[str, str]]:
    """The probes' values on one draw and why some are not comparable (an executor's task):
    (Simulation arguments, probes, draw)."""
    from corridor.simulation import Simulation

    sim_args, probes, draw = item
    sim = Simulation.shared(sim_args)
    series = draw_series(sim.run_draw(draw), sim.clock.origin)
    if "orr_referrals" in series:  # the one-line fluid model on this draw's own inputs
        referrals = series["orr_referrals"].values[-1]
        if fluid_reference.SEPARATED in series:  # the reference stays the one it was defined as
            referrals = referrals - series[fluid_reference.SEPARATED].values[-1]
        stay = sim.draw_params(draw)[fluid_reference.MEAN_STAY]
        census = fluid_reference.fluid_census(
            referrals, stay.daily(sim.clock.origin, referrals.size)
        )
        series[fluid_reference.METRIC] = Series("stock", ("all",), census[None, :])
    vals = probe_values(series, probes)
    why = {}
    for i, p in enumerate(probes):
        if np.isnan(vals[i]):
            reason = comparable(series, p)
            if reason:
                why[str(i)] = reason
    return vals, why


def run_probes(
    sim_args: dict,
    probes: list[Probe],
    draws: int,
    jobs: int | None = None,
    progress: Callable[[], None] | None = None,
    cluster: str | None = None,
) -> tuple[np.ndarray, dict[int, str]]:
    """Values [draw, probe] of every probe on every draw, and why some probes are not comparable.

    Draws run on ``make_executor(cluster, jobs)`` (default: local processes, one per core, at
    most ``draws``); draw ``d`` always uses the run seed's random numbers for draw ``d``,
    whatever the worker.
    """
    from corridor.executor import run_all

    values = np.full((draws, len(probes)), np.nan)
    reasons: dict[int, str] = {}
    items = [(sim_args, probes, d) for d in range(draws)]
    for d, (vals, why) in enumerate(run_all(probe_draw, items, cluster, jobs, progress)):
        values[d] = vals
        reasons.update({int(k): v for k, v in why.items()})
    return values, reasons


# ---------------------------------------------------------------------------------------------
# The backtest
# ---------------------------------------------------------------------------------------------
FAMILIES = {
    "arrivals": "Arrivals",
    "returned_contiguous": "Border returns and expulsions",
    "expelled_title42": "Border returns and expulsions",
    "returned_contiguous/arrivals": "Border returns and expulsions",
    "orr_referrals": "ORR referrals",
    "orr_released": "ORR releases and discharges",
    "orr_discharges": "ORR releases and discharges",
    "orr_released_by_sponsor": "Sponsor categories",
    "orr_length_of_care_days": "Length of care",
    "orr_discharge_rate": "Length of care",
    "orr_capacity": "Capacity",
    "orr_capacity_standard": "Capacity",
    "orr_influx_open": "Capacity",
    "orr_census": "Census",
    "orr_admissions_influx": "Census",
    "cbp_census": "Census",
    "court_filings_uac": "Juvenile filings",
    "court_pending_uac": "Juvenile pending cases",
    "court_pending_uac_flagged": "Juvenile pending cases",
    "court_pending_uac_flagged_by_filing_fy": "Juvenile pending cases",
    "court_pending_total": "Total pending cases",
    "court_receipts_total": "Court receipts and completions",
    "court_completions_total": "Court receipts and completions",
    "court_completions_uac+court_completions_other": "Court receipts and completions",
    "court_completions_uac": "Court receipts and completions",
}


FAMILY_ORDER = (
    "Arrivals, annual", "Arrivals, annual, by country", "Arrivals, monthly",
    "Arrivals, partial years", "Arrivals at ports of entry", "Arrivals, all CBP (DHS)",
    "Border returns and expulsions", "ORR referrals, annual",
    "ORR referrals, other periods", "ORR releases and discharges", "Sponsor categories",
    "Length of care", "Capacity", "Census", "Juvenile filings, annual",
    "Juvenile filings, other periods", "Juvenile pending cases", "Total pending cases",
    "Court receipts and completions", "Court outcomes", "Costs",
)  # fmt: skip
GROUP_ORDER = ("all", "SV", "GT", "HN", "MX", "OTH", "cat1", "cat2", "cat3", "cat4")


def _group_key(g: str) -> tuple:
    return (GROUP_ORDER.index(g) if g in GROUP_ORDER else len(GROUP_ORDER), g)


def family_of(f: Fact) -> str:
    if f.metric == "arrivals_ports":
        return "Arrivals at ports of entry"
    if f.metric == "arrivals+arrivals_ports":
        return "Arrivals, all CBP (DHS)"
    if f.metric == "arrivals":
        if is_fiscal_year(f.period):
            return "Arrivals, annual, by country" if f.group != "all" else "Arrivals, annual"
        if re.fullmatch(r"\d{4}-\d{2}", f.period):
            return "Arrivals, monthly"
        return "Arrivals, partial years"
    if f.metric in ("orr_referrals", "court_filings_uac") and is_fiscal_year(f.period):
        return FAMILIES[f.metric] + ", annual"
    if f.metric in FAMILIES:
        return FAMILIES[f.metric] + (", other periods" if f.metric in ANNUAL_SET[1:3] else "")
    if f.metric.startswith("cost_"):
        return "Costs"
    return "Court outcomes"


@dataclass
class Backtest:
    table: pd.DataFrame  # one row per fact
    summary: pd.DataFrame  # one row per family
    headline: dict
    charts: dict = field(default_factory=dict)  # family -> chart data
    meta: dict = field(default_factory=dict)


def history_inputs() -> set[str]:
    """Fact ids the shipped arrivals history was built from (the model is given these)."""
    hist = pd.read_csv(DATA / "history" / "arrivals_monthly.csv", dtype=str)
    return {i for ids in hist["source_ids"] for i in ids.split(";")}


def parameter_citations(params) -> dict[str, list[str]]:
    """Fact id -> parameter paths whose sources cite it."""
    cited: dict[str, list[str]] = {}
    for p in params:
        for s in p.spec.sources:
            if s.fact:
                cited.setdefault(s.fact, []).append(p.path)
    return cited


def calibration_targets(params) -> dict[str, list[str]]:
    """Fact id -> 'parameter (how)' for every parameter whose ``calibrated_to`` names it: the
    facts the model was built to meet, which therefore test nothing."""
    tuned: dict[str, list[str]] = {}
    for p in params:
        for t in p.spec.calibrated_to:
            tuned.setdefault(t.fact, []).append(f"{p.path} ({t.how})")
    return tuned


def containing_targets(facts: list[Fact], tuned: dict[str, list[str]]) -> dict[str, list[str]]:
    """``tuned`` plus every fact whose period holds a tuned fact's whole period for the same
    metric and group (a monthly mean that contains a tuned day, a fiscal year that contains a
    tuned month): its value is made partly of the tuned one, so it is no independent test."""
    by_id = {f.id: f for f in facts}
    out = {k: list(v) for k, v in tuned.items()}
    for t in [by_id[i] for i in tuned if i in by_id]:
        for f in facts:
            if (f.id not in tuned and f.metric == t.metric and f.group == t.group
                    and f.start <= t.start and t.end <= f.end):  # fmt: skip
                out.setdefault(f.id, []).extend(f"{x} via {t.id}" for x in tuned[t.id])
    return out


# metrics the arrival history gives: a fact on them (or on their sum) over historical months is
# reproduced by construction, even when the history was not built from that very row
GIVEN_METRICS = {"arrivals", "arrivals_ports"}


def fact_role(
    fid: str, inputs: set[str], tuned: dict, cited: dict, metric: str | None = None
) -> str:
    """How a fact relates to the model: ``calibration target`` (a value was tuned to it),
    ``input`` (the model is given it), ``parameter source`` (a parameter cites it) or
    ``independent`` (nothing in the model used it: a real test)."""
    if fid in tuned:
        return "calibration target"
    if fid in inputs:
        return "input"
    if fid in cited:
        return "parameter source"
    if metric is not None and set(metric.split("+")) <= GIVEN_METRICS:
        return "input"
    return "independent"


def _fy_probes(metric, group, stat, clock, start, end) -> list[tuple[str, Probe]]:
    out = []
    for fy in range(start.year + (start.month >= 10), end.year + (end.month >= 10) + 1):
        a, b = max(dt.date(fy - 1, 10, 1), start), min(dt.date(fy, 9, 30), end)
        if (b - a).days >= 27:
            out.append((f"FY{fy}", Probe(metric, group, stat, clock.day(a), clock.day(b))))
    return out


def _month_probes(metric, group, stat, clock, start, end) -> list[tuple[str, Probe]]:
    out = []
    for m in pd.date_range(start, end, freq="MS"):
        a = m.date()
        b = min((m + pd.offsets.MonthEnd(0)).date(), end)
        out.append((a.strftime("%Y-%m"), Probe(metric, group, stat, clock.day(a), clock.day(b))))
    return out


def chart_plan(facts: list[Fact], families: list[str], clock, start, end) -> dict:
    """For each family whose facts share one metric and statistic and are all fiscal years (or
    all single months): the probes of a simulated series over the whole window, by group."""
    plan = {}
    by_family: dict[str, list[Fact]] = {}
    for f, fam in zip(facts, families, strict=True):
        if start <= f.start and f.end <= end:
            by_family.setdefault(fam, []).append(f)
    for fam, fs in by_family.items():
        keys = {(f.metric, f.statistic) for f in fs}
        if len(keys) != 1:
            continue
        metric, stat = keys.pop()
        if all(is_fiscal_year(f.period) for f in fs):
            make = _fy_probes
        elif all(re.fullmatch(r"\d{4}-\d{2}", f.period) for f in fs):
            make = _month_probes
        else:
            continue
        groups = sorted({f.group for f in fs}, key=_group_key)
        plan[fam] = {
            "metric": metric,
            "statistic": stat,
            "series": {g: make(metric, g, stat, clock, start, end) for g in groups},
        }
    return plan


def run_backtest(
    facts_files: list[str | Path] | None = None,
    draws: int = 20,
    seed: int = 1,
    start: dt.date | str = DEFAULT_START,
    end: dt.date | str | None = None,
    params_dir: str | Path | None = None,
    jobs: int | None = None,
    progress: Callable[[], None] | None = None,
    cluster: str | None = None,
    arrivals_file: str | Path | None = None,
    arrivals_mode: str = "merge",
) -> Backtest:
    from corridor.simulation import Simulation, parse_date
    from corridor.stages.arrivals import history_end

    files = [DEFAULT_FACTS if str(f) == "default" else Path(f) for f in facts_files or []]
    facts = read_facts(files or [DEFAULT_FACTS])
    start = parse_date(start, "--start")
    end = parse_date(end, "--end") if end else history_end()
    # draws as asked: the simulation's own Monte Carlo rules apply to each draw (every worker
    # runs Simulation.run_draw(d), so draw d is the same whichever process runs it)
    sim_args = dict(scenario="baseline", start=start, end=end, seed=seed, draws=draws,
                    params_dir=str(params_dir) if params_dir else None,
                    arrivals_file=str(arrivals_file) if arrivals_file else None,
                    arrivals_mode=arrivals_mode)  # fmt: skip
    sim = Simulation(**sim_args)  # validates options and parameters before any work
    clock = sim.clock
    families = [family_of(f) for f in facts]
    probes: list[Probe] = []
    status: list[str | None] = []
    for f in facts:
        if f.start < start or f.end > end:
            status.append(f"outside window {start}..{end}")
            probes.append(Probe(f.metric, f.group, f.statistic, 0, 0))
        else:
            status.append(None)
            probes.append(
                Probe(f.metric, f.group, f.statistic, clock.day(f.start), clock.day(f.end))
            )
    plan = chart_plan(facts, families, clock, start, end)
    chart_probes = [(fam, g, label, p) for fam, c in plan.items()
                    for g, ps in c["series"].items() for label, p in ps]  # fmt: skip
    # each census fact also probes the one-line fluid model (fluid_reference)
    fluid = {i: len(probes) + len(chart_probes) + k for k, i in enumerate(
        [i for i, f in enumerate(facts) if f.metric == fluid_reference.CENSUS])}  # fmt: skip
    fluid_probes = [Probe(fluid_reference.METRIC, "all", p.statistic, p.first, p.last)
                    for i, p in enumerate(probes) if i in fluid]  # fmt: skip
    all_probes = probes + [p for *_, p in chart_probes] + fluid_probes
    values, reasons = run_probes(sim.share(), all_probes, draws, jobs, progress, cluster)
    fluid_med = _quantiles(values[:, sorted(fluid.values())])[0] if fluid else np.array([])
    fluid_of = dict(zip(sorted(fluid), fluid_med, strict=True))

    med, p10, p90 = _quantiles(values[:, : len(facts)])
    inputs = history_inputs()
    cited = parameter_citations(sim.params)
    tuned = containing_targets(facts, calibration_targets(sim.params))
    rows = []
    for i, f in enumerate(facts):
        st = status[i] or reasons.get(i) or ("compared" if np.isfinite(med[i]) else "no value")
        ok = st == "compared"
        obs = f.observed
        rel = (med[i] - obs) / obs if ok and obs != 0 else np.nan
        in_band = bool(ok and p10[i] <= obs <= p90[i])
        near = bool(ok and np.isfinite(rel) and abs(rel) <= BAND_TOLERANCE)
        role = fact_role(f.id, inputs, tuned, cited, f.metric)
        fl = fluid_of.get(i, np.nan) if ok else np.nan
        rows.append({
            "id": f.id, "family": families[i], "metric": f.metric, "group": f.group,
            "statistic": f.statistic, "period": f.period, "first_day": f.start, "last_day": f.end,
            "observed": obs, "published_value": f.value, "unit": f.unit,
            "simulated_median": med[i] if ok else np.nan, "simulated_p10": p10[i] if ok else np.nan,
            "simulated_p90": p90[i] if ok else np.nan, "relative_error": rel,
            "fluid_reference": fl, "fluid_relative_error": (fl - obs) / obs if obs else np.nan,
            "in_band": in_band if ok else None, "within_10pct": near if ok else None,
            "reproduced": (in_band or near) if ok else None, "status": st, "role": role,
            "cited_by_parameters": ";".join(cited.get(f.id, [])),
            "calibrated_by": ";".join(tuned.get(f.id, [])), "confidence": f.confidence,
            "quantity": f.quantity, "source_url": f.source_url,
            "facts_file": Path(f.file).name, "row": f.row,
        })  # fmt: skip
    table = pd.DataFrame(rows)
    order = {f: i for i, f in enumerate(FAMILY_ORDER)}
    table = table.sort_values(
        "family", key=lambda s: s.map(lambda f: order.get(f, len(order))), kind="stable"
    ).reset_index(drop=True)
    charts = {}
    for fam, c in plan.items():
        c = dict(c)
        c["bands"] = {}
        for g in c["series"]:
            idx = [
                len(facts) + k
                for k, (fm, gg, _, _) in enumerate(chart_probes)
                if fm == fam and gg == g
            ]
            labels = [lab for fm, gg, lab, _ in chart_probes if fm == fam and gg == g]
            q50, q10, q90 = _quantiles(values[:, idx])
            c["bands"][g] = pd.DataFrame({"period": labels, "median": q50, "p10": q10, "p90": q90})
        charts[fam] = c
    meta = {
        "draws": draws, "seed": seed, "start": str(start), "end": str(end),
        "simulated_from": str(clock.origin), "facts_files": [str(f) for f in (files or [DEFAULT_FACTS])],
        "parameters_fingerprint": sim.params.fingerprint(),
        "params_dir": str(params_dir) if params_dir else None,
        "arrivals_file": str(arrivals_file) if arrivals_file else None,
        "arrivals_note": sim.arrivals_note,
    }  # fmt: skip
    return Backtest(table, summarise(table), headline(table), charts, meta)


def _quantiles(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median, 10th and 90th percentiles over draws (axis 0); NaN where no draw has a value."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return tuple(np.nanpercentile(v, q, axis=0) for q in (50, 10, 90))


def _score(t: pd.DataFrame) -> dict:
    c = t[t["status"] == "compared"]
    err = c["relative_error"].abs()
    return {
        "compared": len(c),
        "median_abs_rel_error": float(err.median()) if len(c) else np.nan,
        "in_band_share": float(c["in_band"].astype(bool).mean()) if len(c) else np.nan,
        "reproduced_share": float(c["reproduced"].astype(bool).mean()) if len(c) else np.nan,
    }


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """One row per family: how many facts, how many compared, and the scores."""
    rows = []
    for fam, t in table.groupby("family", sort=False):
        s = _score(t)
        roles = t.loc[t["status"] == "compared", "role"].value_counts()
        rows.append({
            "family": fam, "facts": len(t), **s,
            "not_modelled": int(t["status"].str.startswith("not modelled").sum()),
            "outside_window": int(t["status"].str.startswith("outside").sum()),
            "independent": int(roles.get("independent", 0)),
            "calibration_target": int(roles.get("calibration target", 0)),
            "parameter_source": int(roles.get("parameter source", 0)),
            "input": int(roles.get("input", 0)),
        })  # fmt: skip
    return pd.DataFrame(rows)


def headline(table: pd.DataFrame) -> dict:
    """The issue's acceptance scores: annual rows of the four named series; and the same without
    the arrivals (which the model is given) for an honest reading."""
    annual = table[table["metric"].isin(ANNUAL_SET) & table["period"].map(is_fiscal_year)]
    not_inputs = annual[annual["metric"] != "arrivals"]
    return {
        "annual_series": _score(annual),
        "annual_series_without_arrivals": _score(not_inputs),
        "annual_not_modelled": sorted(
            annual.loc[annual["status"].str.startswith("not modelled"), "metric"].unique()
        ),
        "all_compared": _score(table),
        "independent_only": _score(table[table["role"] == "independent"]),
        "calibration_targets": _score(table[table["role"] == "calibration target"]),
        "census_vs_fluid": _census_vs_fluid(table),
    }


def _census_vs_fluid(table: pd.DataFrame) -> dict:
    """Median |relative error| of the agent model and of the one-line fluid model on the same
    census facts (the reference a planner would otherwise use), and the issue's own test, fact
    by fact: on how many the model is strictly closer (``model_closer``), and the facts on
    which the fluid model is as close or closer (``fluid_closer``, ids in table order)."""
    c = table[(table["metric"] == fluid_reference.CENSUS) & (table["status"] == "compared")]
    c = c[np.isfinite(c["fluid_relative_error"].astype(float))]
    model = c["relative_error"].astype(float).abs()
    fluid = c["fluid_relative_error"].astype(float).abs()
    closer = model < fluid
    return {
        "compared": len(c),
        "model": float(model.median()) if len(c) else np.nan,
        "fluid": float(fluid.median()) if len(c) else np.nan,
        "model_closer": int(closer.sum()),
        "fluid_closer": [str(i) for i in c.loc[~closer, "id"]],
    }
