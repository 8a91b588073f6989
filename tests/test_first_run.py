"""The first run after installing compiles the kernels (about 30 s on 2 cores): it says so, on
a terminal or not (issue 13, section 5)."""

from __future__ import annotations

from corridor import cli, executor
from corridor.engine import kernels


def test_run_says_it_compiles_when_piped(monkeypatch, capsys):
    monkeypatch.setattr(kernels, "uncached_kernels", lambda: ["_docket", "_place"])
    cli._announce_compile()
    assert "compiling 2 simulation kernels" in capsys.readouterr().err


def test_run_is_silent_when_cached(monkeypatch, capsys):
    monkeypatch.setattr(kernels, "uncached_kernels", lambda: [])
    cli._announce_compile()
    assert capsys.readouterr().err == ""


def test_workers_say_it_when_piped(capsys):
    executor._stderr("compiling 3 simulation kernels")
    assert "corridor: compiling 3 simulation kernels" in capsys.readouterr().err
