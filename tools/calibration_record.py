#!/usr/bin/env python3
"""Apply a committed calibration to the shipped parameters, and check that they agree.

Usage (from the repository root)::

    .venv/bin/python tools/calibration_record.py apply calibration/court
    .venv/bin/python tools/calibration_record.py check calibration/court            # fast
    .venv/bin/python tools/calibration_record.py check calibration/court --rerun    # slow

``apply`` writes each fitted value of ``calibration.yaml`` into the shipped parameter file (its
``values`` block) and sets the file's ``calibrated_to`` to the record's targets (``how:
fitted``); the record then says ``use_in_baseline: true``. Nothing else in the file changes.

``check`` compares every fitted parameter of the record with the shipped file: the values must
agree within ``TOLERANCE`` (relative; the record keeps six significant digits), the file's
``calibrated_to`` must name exactly the record's targets as fitted (so must the file of a
parameter the fit tried and kept at its shipped value), and no parameter's
``calibrated_to`` may name a held-out fact as fitted (a held-out fact that an older hand choice,
kept by the fit, was tuned to is printed as a note: the backtest labels it a calibration target,
so it is not reported as a test). ``--rerun`` also repeats the recorded command from
the record's starting values (an overlay of each fitted parameter's ``before``) and checks that
it finds the same values within ``RERUN_TOLERANCE``: a calibration that no longer reproduces
(because another parameter or the model moved since) fails and must be redone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PARAMS = REPO / "src" / "corridor" / "parameters"
TOLERANCE = 1e-5  # relative: the record's values have six significant digits
RERUN_TOLERANCE = 0.02  # relative: the same command from the same start on the same model


def _file(path: str) -> Path:
    return PARAMS.joinpath(*path.split(".")).with_suffix(".yaml")


def _dated(values, dates: list[str]) -> dict[str, object]:
    """A record's value (one value, or date -> value) as date -> value."""
    if isinstance(values, dict) and values and all(_is_date(k) for k in values):
        return {str(k): v for k, v in values.items()}
    return {dates[0]: values}


def _is_date(k) -> bool:
    try:
        dt.date.fromisoformat(str(k))
        return True
    except ValueError:
        return False


def _fmt(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{g}: {x:.6g}" for g, x in v.items()) + "}"
    return f"{v:.6g}"


def _top_blocks(text: str) -> list[tuple[str, int, int]]:
    """(key, first line, end line) of each top-level key of a YAML file."""
    lines = text.splitlines(keepends=True)
    starts = [(i, ln.split(":")[0]) for i, ln in enumerate(lines)
              if ln[:1] not in (" ", "#", "\n", "-") and ":" in ln]  # fmt: skip
    out = []
    for k, (i, key) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        out.append((key, i, end))
    return out


def _replace_block(text: str, key: str, block: str) -> str:
    lines = text.splitlines(keepends=True)
    for k, i, end in _top_blocks(text):
        if k == key:
            return "".join(lines[:i]) + block + "".join(lines[end:])
    return text.rstrip("\n") + "\n" + block


def apply(folder: Path) -> None:
    rec_file = folder / "calibration.yaml"
    rec = yaml.safe_load(rec_file.read_text())
    name = folder.name  # where the record lives (the folder may have been renamed)
    targets = [t["id"] for t in rec["targets"]]
    for path, p in rec["parameters"].items():
        f = _file(path)
        text = f.read_text()
        current = yaml.safe_load(text)
        dates = [str(d) for d in current["values"]]
        after = _dated(p["after"], dates)
        block = "values:  # fitted: calibration/" + name + "/calibration.yaml\n"
        block += "".join(f"  {d}: {_fmt(v)}\n" for d, v in after.items())
        text = _replace_block(text, "values", block)
        cal = f"calibrated_to:  # fitted by calibration/{name} (see its record)\n"
        cal += "".join(f"  - {{fact: {t}, how: fitted}}\n" for t in targets)
        text = _replace_block(text, "calibrated_to", cal)
        f.write_text(text)
    lines = rec_file.read_text().replace("use_in_baseline: false", "use_in_baseline: true")
    rec_file.write_text(lines)
    print(f"applied {len(rec['parameters'])} fitted parameters of {folder} to {PARAMS}")


def _close(a, b, tol: float) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, dict) or isinstance(b, dict):
        return False
    a, b = float(a), float(b)
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-12)


def check(folder: Path, rerun: bool) -> list[str]:
    rec = yaml.safe_load((folder / "calibration.yaml").read_text())
    problems = []
    targets = {t["id"] for t in rec["targets"]}
    held = {t["id"] for t in rec.get("held_out", [])}
    for path, p in rec["parameters"].items():
        shipped = yaml.safe_load(_file(path).read_text())
        dates = [str(d) for d in shipped["values"]]
        want = _dated(p["after"], dates)
        have = {str(d): v for d, v in shipped["values"].items()}
        if rec.get("use_in_baseline") and not _close(have, want, TOLERANCE):
            problems.append(f"{path}: shipped {have} != fitted {want} (tolerance {TOLERANCE})")
        named = {t["fact"] for t in shipped.get("calibrated_to") or [] if t["how"] == "fitted"}
        if rec.get("use_in_baseline") and named != targets:
            problems.append(f"{path}: calibrated_to names {sorted(named)}, not the targets")
    for path, why in (rec.get("not_fitted") or {}).items():
        # tried and kept at its shipped value: its file must still name the fit's targets
        if rec.get("use_in_baseline") and why == "the best fit kept its shipped value":
            shipped = yaml.safe_load(_file(path).read_text())
            named = {t["fact"] for t in shipped.get("calibrated_to") or [] if t["how"] == "fitted"}
            if named != targets:
                problems.append(f"{path}: kept by the fit; calibrated_to names {sorted(named)}, "
                                "not the targets")  # fmt: skip
    for f in PARAMS.rglob("*.yaml"):
        for t in (yaml.safe_load(f.read_text()) or {}).get("calibrated_to") or []:
            if t["fact"] in held and t["how"] == "fitted":
                problems.append(f"{f.relative_to(REPO)}: calibrated_to names held-out {t['fact']}")
            elif t["fact"] in held:  # an older hand choice the fit kept: not a clean test
                print(
                    f"note: held-out {t['fact']} was chosen by hand for "
                    f"{f.relative_to(PARAMS)}: the backtest labels it a calibration target"
                )
    if rerun:
        problems += _rerun(rec)
    return problems


def _rerun(rec: dict) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        start = Path(tmp) / "start"
        for path, p in rec["parameters"].items():
            data = yaml.safe_load(_file(path).read_text())
            dates = [str(d) for d in data["values"]]
            data["values"] = _dated(p["before"], dates)
            data.pop("calibrated_to", None)
            out = start.joinpath(*path.split(".")).with_suffix(".yaml")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(yaml.safe_dump(data, sort_keys=False))
        args = shlex.split(rec["command"])
        out_i = args.index("--out")
        args[out_i + 1] = str(Path(tmp) / "again")
        args = [a for a in args if a != "--overwrite"]
        cmd = [str(Path(sys.executable).with_name("corridor")), *args[1:], "--params", str(start)]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            return [f"rerun failed: {res.stdout.strip().splitlines()[-1:]} {res.stderr[-300:]}"]
        again = yaml.safe_load((Path(tmp) / "again" / "calibration.yaml").read_text())
    problems = []
    for path, p in rec["parameters"].items():
        q = again["parameters"].get(path)
        if q is None:
            problems.append(f"rerun: {path} was not fitted again")
        elif not _close(q["after"], p["after"], RERUN_TOLERANCE):
            problems.append(f"rerun: {path} {q['after']} != recorded {p['after']}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("apply", "check"))
    ap.add_argument("folder", type=Path)
    ap.add_argument("--rerun", action="store_true", help="repeat the recorded command (slow)")
    a = ap.parse_args(argv)
    if a.action == "apply":
        apply(a.folder)
        return 0
    problems = check(a.folder, a.rerun)
    for p in problems:
        print(p)
    print(f"{a.folder}: {'OK' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
