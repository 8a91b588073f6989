"""Nothing a user has is ever lost: what --overwrite may replace, races, symlinks, interrupted
runs, permissions and failures of the machine (corridor.outputs.writer)."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corridor.cli import app
from corridor.errors import CorridorError
from corridor.outputs import writer
from corridor.outputs.writer import check_target, clean_stale, corridor_wrote, output_dir

runner = CliRunner()
RUN = ["run", "--start", "2014-01-01", "--end", "2014-02-01", "--seed", "1"]


def users_files(d: Path) -> Path:
    (d / "sub").mkdir(parents=True)
    (d / "notes.md").write_text("notes")
    (d / "sub" / "data.csv").write_text("data")
    return d


def intact(d: Path) -> bool:
    return (d / "notes.md").read_text() == "notes" and (
        d / "sub" / "data.csv"
    ).read_text() == "data"


def corridor_output(d: Path, files: dict[str, str] | None = None) -> Path:
    with output_dir(d) as tmp:
        for name, text in (files or {"a.csv": "x\n", "charts/b.png": "png"}).items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(text)
    return d


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_overwrite_refuses_a_directory_of_the_users_files(tmp_path):
    d = users_files(tmp_path / "mine")
    res = runner.invoke(app, [*RUN, "--out", str(d), "--overwrite"])
    assert res.exit_code == 2 and "manifest" in res.output and len(res.output.splitlines()) == 1
    assert intact(d) and leftovers(tmp_path) == []


def test_overwrite_replaces_a_corridor_output_and_leaves_nothing_hidden(tmp_path):
    d = corridor_output(tmp_path / "out")
    meta = json.loads((d / "run.json").read_text())
    assert set(meta["files"]) == {"a.csv", "charts/b.png"}  # every file, subdirectories too
    assert corridor_wrote(d) is None
    with output_dir(d, overwrite=True) as tmp:
        (tmp / "new.csv").write_text("y\n")
    assert sorted(p.name for p in d.iterdir()) == ["new.csv", "run.json"]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "spoil, why",
    [
        (lambda d: (d / "mine.txt").write_text("mine"), "does not list"),
        (lambda d: (d / "a.csv").write_text("edited\n"), "changed"),
        (lambda d: (d / "empty").mkdir(), "empty directory"),
        (lambda d: (d / "link").symlink_to("/etc"), "symbolic link"),
        (lambda d: (d / "run.json").write_text("{}"), "not a corridor manifest"),
    ],
)
def test_overwrite_refuses_a_corridor_output_the_user_added_to(tmp_path, spoil, why):
    d = corridor_output(tmp_path / "out")
    spoil(d)
    before = sorted(p.name for p in d.rglob("*"))
    with pytest.raises(CorridorError, match=why):
        check_target(d, overwrite=True)
    with pytest.raises(CorridorError, match=why), output_dir(d, overwrite=True):
        pass
    assert sorted(p.name for p in d.rglob("*")) == before


def test_a_directory_holding_an_input_is_never_replaced(tmp_path):
    proj = tmp_path / "proj"
    proj.mkdir()
    arrivals = proj / "arrivals.csv"
    arrivals.write_text("month,country,children\n2014-01,SV,100\n")
    res = runner.invoke(app, [*RUN, "--arrivals", str(arrivals), "--out", str(proj), "--overwrite"])
    assert res.exit_code == 2 and "input" in res.output
    assert arrivals.is_file()
    # even a corridor output (a calibration's parameters/ used as --params) is kept
    cal = corridor_output(tmp_path / "cal", {"parameters/orr/x.yaml": "a: 1\n"})
    with pytest.raises(CorridorError, match="input"):
        check_target(cal, True, inputs=[cal / "parameters"])
    # and no output is written inside an input directory (it would change the overlay)
    with pytest.raises(CorridorError, match="inside an input"):
        check_target(cal / "parameters" / "run", False, inputs=[cal / "parameters"])


def test_relative_and_dotted_paths_to_an_input_are_recognised(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("p").mkdir()
    (Path("p") / "a.csv").write_text("x")
    with pytest.raises(CorridorError, match="input"):
        check_target(Path("p/../p"), True, inputs=["./p/a.csv"])


def test_a_file_at_out_is_never_replaced(tmp_path):
    f = tmp_path / "report.txt"
    f.write_text("mine")
    with pytest.raises(CorridorError, match="not a directory"):
        check_target(f, overwrite=True)
    assert f.read_text() == "mine"


def test_a_symlink_at_out_is_refused_and_nothing_is_replaced(tmp_path):
    real = corridor_output(tmp_path / "real")
    link = tmp_path / "link"
    link.symlink_to(real)
    before = (real / "run.json").read_text()
    res = runner.invoke(app, [*RUN, "--out", str(link), "--overwrite"])
    assert res.exit_code == 2 and "symbolic link" in res.output
    assert link.is_symlink() and (real / "run.json").read_text() == before
    assert leftovers(tmp_path) == []


def test_a_directory_that_appears_while_writing_is_left_untouched(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(CorridorError, match="appeared"), output_dir(out) as tmp:
        (tmp / "a.csv").write_text("x")
        users_files(out)  # another run, or the user, made it meanwhile
    assert intact(out) and sorted(p.name for p in out.iterdir()) == ["notes.md", "sub"]
    assert leftovers(tmp_path) == []


def test_an_empty_directory_that_appears_is_not_replaced_either(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(CorridorError, match="appeared"), output_dir(out) as tmp:
        (tmp / "a.csv").write_text("x")
        out.mkdir()
    assert list(out.iterdir()) == []


def test_overwrite_permission_does_not_extend_to_what_appears_meanwhile(tmp_path):
    out = corridor_output(tmp_path / "out")
    with pytest.raises(CorridorError, match="not replaced"), output_dir(out, True) as tmp:
        (tmp / "a.csv").write_text("x")
        (out / "mine.txt").write_text("mine")  # the user adds a file while the run writes
    assert (out / "mine.txt").read_text() == "mine" and (out / "a.csv").read_text() == "x\n"
    assert leftovers(tmp_path) == []


def test_no_replace_rename_refuses_an_existing_target(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    with pytest.raises(FileExistsError):
        writer.rename_noreplace(a, b)
    assert a.is_dir() and b.is_dir()


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_output_directories_respect_the_umask(tmp_path, mask):
    old = os.umask(mask)
    try:
        with output_dir(tmp_path / "out") as tmp:
            (tmp / "sub").mkdir()
            (tmp / "a.csv").write_text("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o777 & ~mask
    assert stat.S_IMODE((tmp_path / "out" / "a.csv").stat().st_mode) == 0o666 & ~mask


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_temporary_directories_of_killed_runs_are_cleaned_at_the_next_run(tmp_path):
    stale = tmp_path / f"{writer.TMP_PREFIX}{writer._HOST}-{_dead_pid()}-beef-out"
    live = tmp_path / f"{writer.TMP_PREFIX}{writer._HOST}-{os.getpid()}-cafe-out"
    other_host = tmp_path / f"{writer.TMP_PREFIX}elsewhere-{_dead_pid()}-cafe-out"
    users = tmp_path / ".corridor-tmp-notes"  # not corridor's pattern: never touched
    for d in (stale, live, other_host, users):
        (d / "x").mkdir(parents=True)
    with output_dir(tmp_path / "out") as tmp:
        (tmp / "a.csv").write_text("x")
    assert not stale.exists()
    assert live.exists() and other_host.exists() and users.exists()
    assert clean_stale(tmp_path) == []


def _child(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    code = textwrap.dedent(f"""
        import os, signal, time
        from pathlib import Path
        from corridor.outputs.writer import output_dir
        with output_dir(Path({str(tmp_path / "out")!r})) as tmp:
            (tmp / "half.csv").write_text("a,b\\n")
            {body}
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_sigterm_while_writing_leaves_nothing(tmp_path):
    res = _child(tmp_path, "os.kill(os.getpid(), signal.SIGTERM); time.sleep(30)")
    assert res.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in res.stderr and "interrupted" in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_sigkill_while_writing_is_cleaned_by_the_next_run(tmp_path):
    res = _child(tmp_path, "os.kill(os.getpid(), signal.SIGKILL)")
    assert res.returncode == -signal.SIGKILL
    assert [p.name.startswith(writer.TMP_PREFIX) for p in tmp_path.iterdir()] == [True]
    with output_dir(tmp_path / "again") as tmp:
        (tmp / "a.csv").write_text("x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again"]


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.ENOSPC, "no space left"),
        (errno.EACCES, "Permission denied"),
        (errno.EROFS, "Read-only file system"),
    ],
)
def test_a_failure_of_the_machine_is_one_line_and_leaves_nothing(tmp_path, code, words):
    out = tmp_path / "out"
    with pytest.raises(CorridorError, match=words) as e, output_dir(out) as tmp:
        (tmp / "half.csv").write_text("a,b\n")
        raise OSError(code, os.strerror(code), str(tmp / "daily.parquet"))
    assert "\n" not in str(e.value)
    assert list(tmp_path.iterdir()) == []


def test_a_directory_corridor_may_not_create_is_refused_before_any_work(tmp_path, monkeypatch):
    def refuse(self, *a, **k):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(CorridorError, match="Permission denied"), output_dir(tmp_path / "o"):
        pytest.fail("the body must not run")


def test_the_cli_reports_a_full_disk_in_one_line(tmp_path, monkeypatch):
    import corridor.outputs.save as save

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(save.pq, "write_table", full)
    res = runner.invoke(app, [*RUN, "--out", str(tmp_path / "out")])
    assert res.exit_code == 2 and "no space left" in res.output
    assert len(res.output.strip().splitlines()) == 1 and list(tmp_path.iterdir()) == []
