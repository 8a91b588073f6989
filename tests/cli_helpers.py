"""Helpers shared by the command-line tests."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

from corridor.parameters.tree import PARAMETER_ROOT

# a valid short run; each bad-input case spoils one thing about it
OK = [
    "run",
    "--scenario",
    "baseline",
    "--start",
    "2014-01-01",
    "--end",
    "2014-03-01",
    "--seed",
    "1",
]


def overlay(tmp_path: Path, param: str, edit) -> Path:
    """A parameter overlay directory holding one shipped file with one field spoiled."""
    src = PARAMETER_ROOT / (param.replace(".", "/") + ".yaml")
    dst = tmp_path / "params" / src.relative_to(PARAMETER_ROOT)
    dst.parent.mkdir(parents=True)
    shutil.copy(src, dst)
    dst.write_text(edit(dst.read_text()))
    return tmp_path / "params"


def load_tool(name: str):
    """The module of ``tools/NAME.py`` (the tools are scripts, not part of the package)."""
    path = Path(__file__).resolve().parents[1] / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # a dataclass in the tool looks its module up there
    spec.loader.exec_module(mod)
    return mod
