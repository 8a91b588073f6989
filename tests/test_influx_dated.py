"""Influx openings in history carry their real dates, so a sampled lead time must not move them
(orr/influx/opening_dated); after history a new opening waits orr/influx/lead_days."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from corridor import Simulation
from corridor.parameters.tree import PARAMETER_ROOT


def _overlay(root: Path, edits: dict[str, object]) -> Path:
    """A parameter overlay directory with the shipped files of ``edits`` edited."""
    for param, edit in edits.items():
        src = PARAMETER_ROOT / (param.replace(".", "/") + ".yaml")
        dst = root / src.relative_to(PARAMETER_ROOT)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, dst)
        dst.write_text(edit(dst.read_text()))
    return root


def _lead(days: int):
    return lambda text: text.replace("  2008-10-01: 21 ", f"  2008-10-01: {days} ")


def _append(line: str):
    return lambda text: text.replace("\nsources:", f"\n{line}\nsources:", 1)


def _influx_open(params_dir, start: str, end: str) -> dict[dt.date, float]:
    r = Simulation("baseline", start=start, end=end, seed=1, params_dir=params_dir).run()
    d = r.daily
    d = d[(d.metric == "orr_influx_open") & (d.group == "all")]
    return {
        dt.date.fromisoformat(str(k)[:10]): float(v) for k, v in zip(d.date, d.value, strict=True)
    }


def test_a_long_lead_time_does_not_delay_the_dated_2021_openings(tmp_path):
    base = _influx_open(None, "2021-03-01", "2021-04-15")
    slow = _influx_open(_overlay(tmp_path, {"orr.influx.lead_days": _lead(60)}), "2021-03-01",
                        "2021-04-15")  # fmt: skip
    day = dt.date(2021, 4, 1)  # the large emergency intake sites opened on 30 March 2021
    assert base[day] >= 10_000
    assert slow[day] == base[day]


def test_after_history_a_new_opening_waits_the_lead_time(tmp_path):
    """Standard beds cut to 500 and 5,000 influx beds on offer from 1 January 2026: children wait
    at once, so the influx beds open lead_days later (7 days: by February; 60 days: not yet,
    only the few children still in the influx beds of the last episode keep theirs)."""
    edits = {
        "orr.capacity.standard_beds": _append("  2026-01-01: 500"),
        "orr.influx.available_beds": _append("  2026-01-01: 5000"),
    }
    fast = _overlay(tmp_path / "fast", {**edits, "orr.influx.lead_days": _lead(7)})
    slow = _overlay(tmp_path / "slow", {**edits, "orr.influx.lead_days": _lead(60)})
    day = dt.date(2026, 2, 1)
    assert _influx_open(fast, "2025-12-01", "2026-02-15")[day] == 5000
    assert _influx_open(slow, "2025-12-01", "2026-02-15")[day] < 1000
