"""Bad court parameters through the CLI: exit status 2, one line naming the file and the field,
and no output directory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_helpers import OK, overlay
from typer.testing import CliRunner

from corridor.cli import app

runner = CliRunner()
RUN = OK


def set_value(date: str, value: str):
    """Replace the value dated ``date`` (keeping the rest of the file as shipped)."""

    def edit(text: str) -> str:
        new, n = re.subn(rf"(?m)^(  {date}: )[^#\n]*", rf"\g<1>{value}  ", text)
        assert n == 1, f"no value dated {date}"
        return new

    return edit


CASES = {
    "docket order not one of the three (out of range)": (
        "court.docket.order", set_value("2014-07-18", "3"), "values.2014-07-18"),
    "docket order not one of the three (between)": (
        "court.docket.order", set_value("2014-07-18", "1.5"), "values.2014-07-18"),
    "negative judges": (
        "court.judges.on_board", set_value("2014-07-01", "-243"), "values.2014-07-01"),
    "attendance above 1": (
        "court.hearing.attendance",
        set_value("2008-10-01", "{represented: 1.2, unrepresented: 0.55}"),
        "values.2008-10-01.represented",
    ),
    "grant rate above 1": (
        "court.relief.asylum.uscis_grant_rate", set_value("2008-10-01", "1.5"), "values.2008-10-01"),
}  # fmt: skip


def run_cli(tmp_path: Path, params: Path | None):
    out = tmp_path / "out"
    args = [*RUN, "--out", str(out)] + (["--params", str(params)] if params else [])
    res = runner.invoke(app, args)
    return res.exit_code, res.output, out


def test_control_overlay_runs(tmp_path):
    """An unspoiled copy of each file runs, so each case below fails for what it spoils."""
    for i, param in enumerate(sorted({p for p, _, _ in CASES.values()})):
        d = tmp_path / str(i)
        d.mkdir()
        code, text, out = run_cli(d, overlay(d, param, lambda t: t))
        assert code == 0, text
        assert (out / "daily.parquet").exists()


@pytest.mark.parametrize("case", CASES)
def test_bad_court_parameter(tmp_path, case):
    param, edit, field = CASES[case]
    code, text, out = run_cli(tmp_path, overlay(tmp_path, param, edit))
    assert code == 2, text
    lines = [x for x in text.splitlines() if x.strip()]
    assert len(lines) == 1, text
    assert Path(param.replace(".", "/")).name + ".yaml" in text, text
    assert field in text, text
    assert "Traceback" not in text
    assert not out.exists()
