#!/usr/bin/env python3
"""Write the backtest tables and headline sentences of README.md and docs/model.md from a
backtest's output directory, never by hand.

Usage (from the repository root)::

    corridor backtest --draws 20 --out runs/backtest
    .venv/bin/python tools/backtest_docs.py runs/backtest

It replaces the text between ``<!-- BEGIN backtest ... -->`` and ``<!-- END backtest ... -->``
in both files: the roles of the compared facts (which test the model and which were used to
build it), the summary by series family, the headline scores, and the court's held-out facts and
calibration targets with their errors (the lists come from ``calibration/court/calibration.yaml``).
``--check`` only reports whether the files are what the backtest gives (exit 1 if not).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
MODEL = REPO / "docs" / "model.md"
COURT_RECORD = REPO / "calibration" / "court" / "calibration.yaml"
ROLE_WORDS = {
    "independent": "test the model (nothing in the model used them)",
    "calibration target": "were used to build it (a parameter value was tuned to them, the "
    "parameter files' `calibrated_to`, or they contain such a fact's period for the same "
    "quantity)",
    "parameter source": "are cited as sources by parameter files (they informed a value, so "
    "they are not independent tests either)",
    "input": "are inputs (the arrival history was built from them: reproduced by construction)",
}


def _pct(x) -> str:
    return "" if pd.isna(x) else f"{x:.1%}"


def _signed(x) -> str:
    return "" if pd.isna(x) else f"{x:+.0%}"


def _num(x) -> str:
    if pd.isna(x):
        return ""
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def roles_sentence(b: pd.DataFrame) -> str:
    c = b[b["status"] == "compared"]
    n = c["role"].value_counts()
    parts = [f"**{int(n.get(r, 0))}** {w}" for r, w in ROLE_WORDS.items()]
    return f"Of the {len(c)} facts compared, " + "; ".join(parts) + "."


def score_line(b: pd.DataFrame, role: str, label: str) -> str:
    c = b[(b["status"] == "compared") & (b["role"] == role)]
    e = c["relative_error"].abs()
    rep = c["reproduced"].astype(str).str.lower().eq("true").mean() if len(c) else float("nan")
    return (f"{label}: {len(c)} facts, median |relative error| {_pct(e.median())}, "
            f"{_pct(rep)} in the 10-90% band or within 10% of the median.")  # fmt: skip


def fact_rows(b: pd.DataFrame, ids: list[str]) -> list[list[str]]:
    rows = []
    for i in ids:
        if i not in b.index:
            rows.append([i, "", "", "", "", "", "not in the backtest"])
            continue
        r = b.loc[i]
        rows.append([i, str(r["metric"]), str(r["period"]), _num(r["observed"]),
                     _num(r["simulated_median"]), _signed(r["relative_error"]),
                     str(r["role"]) if r["status"] == "compared" else str(r["status"])])  # fmt: skip
    return rows


FACT_HEADER = ["fact", "compared with", "period", "observed", "simulated median",
               "relative error", "role"]  # fmt: skip


def court_block(b: pd.DataFrame) -> str:
    if not COURT_RECORD.is_file():
        return "No court calibration record (calibration/court/calibration.yaml).\n"
    rec = yaml.safe_load(COURT_RECORD.read_text())
    held = [t["id"] for t in rec.get("held_out", [])]
    targets = [t["id"] for t in rec["targets"]]
    return (
        "**The court's held-out facts** (chosen before fitting, listed in "
        "`calibration/court/calibration.yaml`, never targets of the fit): the test of the court, "
        "whatever the errors are. A held-out fact whose role reads *calibration target* is not a "
        "clean test either: an older hand choice that the fit kept was tuned to it (its "
        "parameter's `calibrated_to` says `how: chosen`), or its period contains a target's "
        "period for the same quantity (`backtest.csv`'s `calibrated_by` says `via` that target: "
        "UAC-R07 and R10 contain UAC-R02's ten months).\n\n" + _table(FACT_HEADER, fact_rows(b, held)) +
        "\n**The court's calibration targets** (the values of the fitted court parameters were "
        "chosen to meet these; they show the fit, not the model's validity).\n\n" +
        _table(FACT_HEADER, fact_rows(b, targets)) + _chosen_block(b, set(held) | set(targets))
        + _other_block(b, set(held) | set(targets))
    )  # fmt: skip


COURT_METRICS = ("court_", "removal", "represented", "in_absentia")


def _chosen_block(b: pd.DataFrame, shown: set[str]) -> str:
    """Court facts that values chosen by hand (``how: chosen``) were tuned to."""
    c = b[(b["role"] == "calibration target") & ~b["id"].isin(shown)
          & b["metric"].astype(str).str.startswith(COURT_METRICS)]  # fmt: skip
    if c.empty:
        return ""
    return ("\n**Other court facts that values were chosen by hand to meet** (their parameter "
            "files say `how: chosen`; not tests).\n\n" + _table(FACT_HEADER, fact_rows(b, list(c["id"]))))  # fmt: skip


def _other_block(b: pd.DataFrame, shown: set[str]) -> str:
    """The remaining court facts: independent, or cited by a parameter file (not targets)."""
    c = b[b["role"].isin(["independent", "parameter source"]) & (b["status"] == "compared")
          & ~b["id"].isin(shown)
          & b["metric"].astype(str).str.startswith(COURT_METRICS)]  # fmt: skip
    if c.empty:
        return ""
    return ("\n**Other court facts compared** (neither held out nor targets: *independent* ones "
            "test the model, those a parameter file cites informed a value).\n\n"
            + _table(FACT_HEADER, fact_rows(b, list(c["id"]))))  # fmt: skip


def census_block(b: pd.DataFrame) -> str:
    """Every census fact (orr_census) with the agent model's error and the one-line fluid
    model's on the same draws (analysis/fluid_reference.py): the reference to beat."""
    c = b[(b["metric"] == "orr_census") & (b["status"] == "compared")]
    if c.empty or "fluid_reference" not in c.columns:
        return ""
    rows = []
    for r in c.itertuples(index=False):
        model, fluid = abs(r.relative_error), abs(r.fluid_relative_error)
        closer = "" if pd.isna(fluid) else ("model" if model < fluid else "fluid")
        rows.append([r.id, str(r.period), _num(r.observed), _num(r.simulated_median),
                     _signed(r.relative_error), _num(r.fluid_reference),
                     _signed(r.fluid_relative_error), closer, str(r.role)])  # fmt: skip
    header = ["fact", "period", "observed", "model median", "model error", "fluid model",
              "fluid error", "closer", "role"]  # fmt: skip
    return ("**The shelter census against the one-line fluid model** (`census' = referrals - "
            "census / mean stay` on each draw's own referrals and dated mean stay): every "
            "census fact in the backtest, the model's median over the draws and the fluid "
            "model's.\n\n" + _table(header, rows) + "\n")  # fmt: skip


def generated(folder: Path, full: bool) -> str:
    b = pd.read_csv(folder / "backtest.csv").set_index("id", drop=False)
    s = pd.read_csv(folder / "summary.csv")
    run = json.loads((folder / "run.json").read_text())
    meta = run["backtest"]
    head = (f"Generated by `tools/backtest_docs.py` from `{run['command']}` "
            f"({meta['draws']} draws, seed {meta['seed']}, window {meta['start']} to "
            f"{meta['end']}, corridor {run['corridor_version']}, {run['created_utc'][:10]}).\n\n")  # fmt: skip
    lines = [head, roles_sentence(b) + "\n\n"]
    if full:
        header = ["series family", "facts", "compared", "median abs. rel. error",
                  "in band or within 10%", "independent", "calibration targets",
                  "cited by parameters", "inputs"]  # fmt: skip
    else:
        header = ["series family", "compared", "median abs. rel. error",
                  "in band or within 10%", "independent", "calibration targets"]  # fmt: skip
    rows = []
    for r in s.itertuples(index=False):
        cells = [r.family, str(r.facts), str(r.compared), _pct(r.median_abs_rel_error),
                 _pct(r.reproduced_share), str(r.independent), str(r.calibration_target),
                 str(r.parameter_source), str(r.input)]  # fmt: skip
        rows.append(cells if full else [cells[0], cells[2], cells[3], cells[4], cells[5],
                                        cells[6]])  # fmt: skip
    lines.append(_table(header, rows) + "\n")
    lines.append("- " + score_line(b, "independent", "Independent tests") + "\n")
    lines.append("- " + score_line(b, "calibration target", "Calibration targets (not tests)")
                 + "\n")  # fmt: skip
    lines.append("- " + score_line(b, "parameter source", "Cited by parameters") + "\n")
    lines.append("- " + score_line(b, "input", "Inputs") + "\n\n")
    lines.append(census_block(b))
    lines.append(court_block(b))
    return "".join(lines)


def replace(text: str, name: str, body: str) -> str:
    pat = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
    if not pat.search(text):
        raise SystemExit(f"no '<!-- BEGIN {name} -->' ... '<!-- END {name} -->' region")
    return pat.sub(lambda m: m.group(1) + body + m.group(2), text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="a corridor backtest --out directory")
    ap.add_argument("--check", action="store_true", help="only check the files are current")
    a = ap.parse_args(argv)
    stale = []
    for path, full in ((README, False), (MODEL, True)):
        old = path.read_text()
        new = replace(old, "backtest summary", generated(a.folder, full))
        if new != old:
            stale.append(path.name)
            if not a.check:
                path.write_text(new)
    if a.check:
        print("stale: " + ", ".join(stale) if stale else "current")
        return 1 if stale else 0
    print(f"wrote {', '.join(stale) or 'nothing (already current)'} from {a.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
