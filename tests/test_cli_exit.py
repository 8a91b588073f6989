"""The console entry ends the process without tearing the interpreter down (``cli.main``): a user
must see the same exit status, the same output and complete files as with a normal exit."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from corridor import cli


def _corridor(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "corridor", *args], cwd=cwd, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def test_a_run_from_the_console_writes_everything_and_exits_0(tmp_path):
    p = _corridor("run", "--start", "2014-01-01", "--end", "2014-01-31", "--out", "r",
                  cwd=tmp_path)  # fmt: skip
    assert p.returncode == 0, p.stderr
    assert "children simulated" in p.stderr
    assert "2014" in p.stdout  # the headline table reached the pipe before the process ended
    out = tmp_path / "r"
    assert json.loads((out / "run.json").read_text())["seed"] == 1
    assert len(pd.read_parquet(out / "daily.parquet")) > 0
    assert not [f for f in out.iterdir() if f.name.startswith(".")]  # no temporary left over


def test_bad_input_from_the_console_exits_2_with_its_message(tmp_path):
    p = _corridor("run", "--start", "2014-02-30", "--out", "r", cwd=tmp_path)
    assert p.returncode == 2
    assert "--start" in p.stderr and "not a valid date" in p.stderr
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(("raised", "status", "printed"), [(None, 0, ""), (3, 3, ""),
                                                           ("stopped: why", 1, "stopped: why")])
def test_main_passes_the_exit_status_on(monkeypatch, capsys, raised, status, printed):
    def app():
        raise SystemExit(raised)

    codes = []
    monkeypatch.setattr(cli, "app", app)
    monkeypatch.setattr(cli, "_exit_now", codes.append)
    cli.main()
    assert codes == [status]
    assert capsys.readouterr().err.strip() == printed
