"""Write a run's outputs atomically: everything goes into a temporary directory beside the
target, which is renamed into place only when complete. A failed run leaves nothing behind, and
an existing directory is never replaced unless the user asked for it (``--overwrite``)."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from corridor.errors import CorridorError


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_target(out: Path, overwrite: bool) -> None:
    """Fail before any work if ``out`` exists and may not be replaced."""
    if out.exists() and not overwrite:
        raise CorridorError(str(out), "already exists; choose a new --out or pass --overwrite")
    if out.exists() and not out.is_dir():
        raise CorridorError(str(out), "exists and is not a directory")
    base = _existing_ancestor(out)
    if not base.is_dir() or not os.access(base, os.W_OK):
        raise CorridorError(str(out), f"cannot write under {base}")


def _existing_ancestor(path: Path) -> Path:
    """The nearest directory above ``path`` that exists (missing parents are made on success)."""
    p = path.resolve().parent
    while not p.exists():
        p = p.parent
    return p


@contextmanager
def atomic_directory(out: Path, overwrite: bool = False):
    """Yield a temporary directory; on success it becomes ``out``, on failure it disappears."""
    out = Path(out)
    check_target(out, overwrite)
    # the temporary directory lives on the same file system as the target, so the final rename
    # is atomic; parents that do not exist yet are made only once everything is written
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=_existing_ancestor(out)))
    try:
        yield tmp
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists():  # --overwrite: move the old one aside first, delete it only at the end
            old = tmp.with_name(f".{out.name}.old-{os.getpid()}")
            os.rename(out, old)
            os.rename(tmp, out)
            shutil.rmtree(old)
        else:
            os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_manifest(directory: Path, meta: dict) -> None:
    """run.json: what made these files (version, scenario, parameters, seed) and their hashes."""
    files = {p.name: sha256(p) for p in sorted(directory.iterdir()) if p.is_file()}
    meta = {
        **meta,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "files": files,
    }
    with open(directory / "run.json", "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2, default=str)


def write_outputs(
    out: Path,
    writers: dict[str, Callable[[Path], None]],
    meta: dict,
    overwrite: bool = False,
) -> None:
    """Write each named file with its writer, then run.json, all into ``out`` at once."""
    with atomic_directory(out, overwrite) as tmp:
        for name, write in writers.items():
            write(tmp / name)
        write_manifest(tmp, meta)
