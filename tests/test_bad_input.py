"""Bad input: one line naming the file and field, exit status 2, and no output directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import OK, overlay
from typer.testing import CliRunner

from corridor.cli import app

runner = CliRunner()


def run_cli(args, out: Path):
    res = runner.invoke(app, [*args, "--out", str(out)])
    return res.exit_code, res.output


def good_arrivals(tmp_path: Path) -> Path:
    f = tmp_path / "good.csv"
    rows = [f"2014-{m:02d},{c},100" for m in (1, 2, 3) for c in ("SV", "GT", "HN", "MX")]
    f.write_text("month,country,children\n" + "\n".join(rows) + "\n")
    return f


def spoiled(tmp_path: Path, old: str, new: str, name: str) -> Path:
    f = tmp_path / name
    f.write_text(good_arrivals(tmp_path).read_text().replace(old, new))
    return f


def test_controls_succeed(tmp_path):
    """The valid versions of the bad cases below run, so each case fails for what it spoils."""
    code, text = run_cli(OK, tmp_path / "a")
    assert code == 0, text
    code, text = run_cli([*OK, "--arrivals", str(good_arrivals(tmp_path))], tmp_path / "b")
    assert code == 0, text
    assert (tmp_path / "b" / "daily.parquet").exists()


CASES = {
    "negative count": ("2014-02,GT,100", "2014-02,GT,-5", "children"),
    "unknown country": ("2014-02,GT,100", "2014-02,XX,100", "country"),
    "month 13": ("2014-02,GT,100", "2014-13,GT,100", "month"),
    "not a number": ("2014-02,GT,100", "2014-02,GT,many", "children"),
    "missing column": ("month,country,children", "month,children", "country"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_arrivals_file(tmp_path, case):
    old, new, field = CASES[case]
    f = spoiled(tmp_path, old, new, "bad.csv")
    code, text = run_cli([*OK, "--arrivals", str(f)], tmp_path / "out")
    assert code == 2
    assert not (tmp_path / "out").exists()
    lines = [x for x in text.splitlines() if x.strip()]
    assert len(lines) == 1, text
    assert "bad.csv" in text and field in text


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--scenario", "no-such-scenario"], "no-such-scenario"),
        (["--start", "2015-01-01", "--end", "2014-01-01"], "--end"),
        (["--start", "2014-02-30"], "2014-02-30"),
        (["--draws", "-1"], "--draws"),
        (["--workers", "0"], "--workers"),
        (["--workers", "100000"], "MAX_WORKERS"),
        (["--arrivals", "/nonexistent/arrivals.csv"], "arrivals.csv"),
    ],
)
def test_bad_options(tmp_path, args, needle):
    base = dict(zip(OK[1::2], OK[2::2], strict=True))
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = ["run", *[x for kv in base.items() for x in kv]]
    code, text = run_cli(argv, tmp_path / "out")
    assert code == 2, text
    assert needle in text and "Traceback" not in text
    assert not (tmp_path / "out").exists()


PARAM_CASES = {
    "unknown key": ("orr.capacity.standard_beds", lambda t: t + "\ncolour: blue\n", "colour"),
    "missing unit": (
        "orr.capacity.standard_beds",
        lambda t: "\n".join(x for x in t.splitlines() if not x.startswith("unit:")),
        "unit",
    ),
    "negative capacity": (
        "orr.capacity.standard_beds",
        lambda t: t.replace("values:\n", "values:\n  2014-01-15: -10\n", 1),
        "2014-01-15",
    ),
    "share above 1": (
        "orr.influx.open_threshold",
        lambda t: t.replace("values:\n", "values:\n  2014-01-15: 1.5\n", 1),
        "2014-01-15",
    ),
    "malformed date": (
        "orr.capacity.standard_beds",
        lambda t: t.replace("values:\n", "values:\n  2014-02-30: 100\n", 1),
        "2014-02-30",
    ),
}


@pytest.mark.parametrize("case", PARAM_CASES)
def test_bad_parameter_file(tmp_path, case):
    param, edit, needle = PARAM_CASES[case]
    params = overlay(tmp_path, param, edit)
    code, text = run_cli([*OK, "--params", str(params)], tmp_path / "out")
    assert code == 2, text
    assert "standard_beds.yaml" in text or "open_threshold.yaml" in text
    assert needle in text, text
    assert len([x for x in text.splitlines() if x.strip()]) == 1, text
    assert not (tmp_path / "out").exists()


def test_missing_source(tmp_path):
    def strip_provenance(text: str) -> str:
        keep, skip = [], False
        for line in text.splitlines():
            if line.startswith(("sources:", "assumption:")):
                skip = True
                continue
            if skip and (line.startswith(" ") or line.startswith("-")):
                continue
            skip = False
            keep.append(line)
        return "\n".join(keep) + "\n"

    params = overlay(tmp_path, "orr.capacity.standard_beds", strip_provenance)
    code, text = run_cli([*OK, "--params", str(params)], tmp_path / "out")
    assert code == 2 and "sources" in text, text


def test_unknown_parameter_file(tmp_path):
    d = tmp_path / "params" / "orr"
    d.mkdir(parents=True)
    (d / "no_such_thing.yaml").write_text(
        "description: x y z\nunit: bed\nvalues: {2014-01-01: 1}\nsources: [{title: t}]\n"
    )
    code, text = run_cli([*OK, "--params", str(tmp_path / "params")], tmp_path / "out")
    assert code == 2 and "orr.no_such_thing" in text, text


def test_existing_output_is_not_touched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    code, text = run_cli(OK, out)
    assert code == 2 and "already exists" in text
    assert (out / "mine.txt").read_text() == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]


@pytest.mark.parametrize(
    "argv",
    [
        ["compare", "baseline", "counsel-for-all", "--start", "2014-10-01", "--end",
         "2014-12-31", "--draws", "2", "--workers", "0"],
        ["backtest", "--draws", "2", "--workers", "0"],
        ["backtest", "--draws", "2", "--jobs", "-1"],
    ],
)  # fmt: skip
def test_a_worker_count_below_one_is_refused(tmp_path, argv):
    """0 workers is an error naming the option, not "the default"; nothing is written."""
    code, text = run_cli(argv, tmp_path / "out")
    assert code == 2, text
    assert "--workers" in text and "at least 1" in text and "Traceback" not in text
    assert not (tmp_path / "out").exists()
