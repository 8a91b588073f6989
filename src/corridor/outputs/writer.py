"""Write a command's outputs so that nothing a user has is ever lost.

Every command that writes a directory (run, compare, backtest, calibrate and later ones) goes
through :func:`output_dir`:

- everything is written into a temporary directory beside the target (``.corridor-tmp-...``, on
  the same file system), which is renamed into place only when complete: a failed or interrupted
  run leaves nothing at ``--out``;
- ``--overwrite`` replaces a directory only if corridor wrote it: it holds corridor's manifest
  (``run.json`` with a ``files`` list) and every file in it is one the manifest lists, unchanged.
  A directory that holds an input of the same command is never replaced;
- the final rename never replaces something that appeared while the run was writing
  (``renameat2(RENAME_NOREPLACE)`` on Linux); the previous output is moved aside only after it
  has been checked again, and deleted only once the new one is in place;
- a symbolic link at ``--out`` is refused (the user names the directory itself);
- temporary directories left by a killed run (SIGKILL, power cut) carry the host and process id
  in their name and are removed by the next run that writes beside them, once that process is
  gone;
- directories get the permissions the umask allows (not ``mkdtemp``'s 0700);
- a failure of the machine (disk full, permission denied, read-only file system) is one
  :class:`CorridorError` line, with nothing half-written.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import hashlib
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from corridor.errors import CorridorError

MANIFEST = "run.json"
TMP_PREFIX = ".corridor-tmp-"
# the host goes into the temporary name so that a run on another machine sharing the directory
# (NFS) never sees a live run's directory as stale
_HOST = "".join(ch if ch.isalnum() else "_" for ch in socket.gethostname())[:40] or "host"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# What may be replaced
# ---------------------------------------------------------------------------------------------
def _target_path(out: Path) -> Path:
    """``out`` made absolute with its parents resolved; a symlink at ``out`` itself is refused."""
    text = str(out)
    if not text.strip():
        raise CorridorError("--out", "is empty")
    p = Path(os.path.abspath(out))
    if p.is_symlink():
        raise CorridorError(
            str(out), "is a symbolic link; give the directory itself as --out (nothing written)"
        )
    if p.name in ("", ".", ".."):
        raise CorridorError(str(out), "is not a directory name corridor can write")
    return p.parent.resolve() / p.name


def _resolved_inputs(inputs: Iterable[Path | str | None]) -> list[Path]:
    return [Path(i).resolve() for i in inputs if i is not None and str(i) != ""]


def _check_inputs(out: Path, inputs: list[Path]) -> None:
    """Refuse an ``--out`` that is, holds, or lies inside an input of the same command."""
    for inp in inputs:
        if inp == out or out in inp.parents:
            raise CorridorError(
                str(out), f"holds an input of this command ({inp}); choose another --out"
            )
        if inp.is_dir() and inp in out.parents:
            raise CorridorError(
                str(out), f"lies inside an input directory of this command ({inp}); "
                "choose another --out",
            )  # fmt: skip


def corridor_wrote(directory: Path) -> str | None:
    """None if ``directory`` is a corridor output that may be replaced, else the reason not.

    It must hold ``run.json`` listing every file in it (recursively) with its hash, and each file
    must be unchanged since corridor wrote it (a user's edit is not lost either)."""
    manifest = directory / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        return f"holds no corridor manifest ({MANIFEST}), so corridor did not write it"
    try:
        meta = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"its {MANIFEST} is not a corridor manifest"
    files = meta.get("files") if isinstance(meta, dict) else None
    if not isinstance(files, dict) or "corridor_version" not in meta:
        return f"its {MANIFEST} is not a corridor manifest"
    for root, dirs, names in os.walk(directory):
        for d in dirs:
            p = Path(root) / d
            if p.is_symlink():
                return f"holds a symbolic link not written by corridor ({p.relative_to(directory)})"
        for n in names:
            p = Path(root) / n
            rel = p.relative_to(directory).as_posix()
            if rel == MANIFEST:
                continue
            if p.is_symlink() or not p.is_file():
                return f"holds '{rel}', which is not a file corridor wrote"
            if rel not in files:
                return f"holds '{rel}', which corridor's manifest does not list"
            if files[rel] != sha256(p):
                return f"'{rel}' was changed after corridor wrote it"
    for root, dirs, names in os.walk(directory):
        if not dirs and not names and Path(root) != directory:
            return f"holds an empty directory corridor did not write ({Path(root).name})"
    return None


def check_target(out: Path, overwrite: bool, inputs: Iterable[Path | str | None] = ()) -> Path:
    """Fail before any work if ``out`` may not be written (or replaced); return its full path."""
    target = _target_path(Path(out))
    _check_inputs(target, _resolved_inputs(inputs))
    if target.exists():
        if not target.is_dir():
            raise CorridorError(
                str(out), "exists and is not a directory; corridor never replaces a file"
            )
        if not overwrite:
            raise CorridorError(str(out), "already exists; choose a new --out or pass --overwrite")
        why = corridor_wrote(target)
        if why is not None:
            raise CorridorError(str(out), f"not replaced: {why} (--overwrite replaces only "
                                "corridor's own outputs)")  # fmt: skip
    base = _existing_ancestor(target)
    if not base.is_dir() or not os.access(base, os.W_OK | os.X_OK):
        raise CorridorError(str(out), f"cannot write under {base} (permission denied or read-only)")
    return target


def _existing_ancestor(path: Path) -> Path:
    """The nearest directory above ``path`` that exists (missing parents are made on success)."""
    p = path.parent
    while not p.exists():
        p = p.parent
    return p


# ---------------------------------------------------------------------------------------------
# Temporary directories and their cleanup
# ---------------------------------------------------------------------------------------------
def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def clean_stale(directory: Path) -> list[Path]:
    """Remove temporary directories this host's killed runs left in ``directory``."""
    removed = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for e in entries:
        if not e.name.startswith(TMP_PREFIX) or not e.is_dir(follow_symlinks=False):
            continue
        parts = e.name[len(TMP_PREFIX) :].split("-")  # host-pid-random-name
        if len(parts) < 3 or parts[0] != _HOST or not parts[1].isdigit():
            continue
        if _pid_alive(int(parts[1])):
            continue
        shutil.rmtree(e.path, ignore_errors=True)
        removed.append(Path(e.path))
    return removed


def _tmp_name(out: Path, role: str = "") -> str:
    return f"{TMP_PREFIX}{_HOST}-{os.getpid()}-{role}{secrets.token_hex(4)}-{out.name}"[:240]


def _umask() -> int:
    try:  # Linux >= 4.7 reports it without changing it
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------------------------------------
# The final rename
# ---------------------------------------------------------------------------------------------
_RENAME_NOREPLACE = 1
_AT_FDCWD = -100


def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        f = libc.renameat2
    except (OSError, AttributeError):
        return None
    f.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    f.restype = ctypes.c_int
    return f


_RENAMEAT2 = _renameat2()


def rename_noreplace(src: Path, dst: Path) -> None:
    """Rename ``src`` to ``dst``; FileExistsError if ``dst`` exists, and it is never replaced."""
    if _RENAMEAT2 is not None:
        rc = _RENAMEAT2(_AT_FDCWD, os.fsencode(src), _AT_FDCWD, os.fsencode(dst), _RENAME_NOREPLACE)
        if rc == 0:
            return
        err = ctypes.get_errno()
        if err == errno.EEXIST:
            raise FileExistsError(err, os.strerror(err), str(dst))
        if err not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise OSError(err, os.strerror(err), str(dst))
    # no atomic no-replace rename here: check first (a directory appearing in the instant between
    # the check and the rename is replaced only if empty; rename refuses a non-empty one)
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, "File exists", str(dst))
    os.rename(src, dst)


def _place(tmp: Path, target: Path, shown: str, overwrite: bool, inputs: list[Path]) -> None:
    """Move the finished ``tmp`` to ``target`` under the rules of the module docstring."""
    target.parent.mkdir(parents=True, exist_ok=True)
    appeared = CorridorError(
        shown, "appeared while corridor was writing and is left untouched; nothing written "
        "(run again with another --out)",
    )  # fmt: skip
    try:
        rename_noreplace(tmp, target)
        return
    except FileExistsError:
        if not overwrite:
            raise appeared from None
    # --overwrite: check again now (it may have changed since the run began)
    _check_inputs(target, inputs)
    if target.is_symlink() or not target.is_dir():
        raise appeared
    why = corridor_wrote(target)
    if why is not None:
        raise CorridorError(shown, f"not replaced: {why}; nothing written")
    old = target.parent / _tmp_name(target, "old")
    os.rename(target, old)  # ``old`` is a fresh name: nothing is replaced
    if corridor_wrote(old) is not None:  # swapped for a user's directory in that instant
        rename_noreplace(old, target)
        raise appeared
    try:
        rename_noreplace(tmp, target)
    except FileExistsError:
        kept = target.with_name(f"{target.name}.corridor-previous-{os.getpid()}")
        rename_noreplace(old, kept)
        raise CorridorError(
            shown, f"appeared while corridor was writing and is left untouched; the previous "
            f"corridor output is kept as {kept}; nothing written",
        ) from None  # fmt: skip
    shutil.rmtree(old, ignore_errors=True)  # a leftover carries a stale name: cleaned next run


# ---------------------------------------------------------------------------------------------
# The one entry point
# ---------------------------------------------------------------------------------------------
class _Interrupted(SystemExit):
    """SIGTERM while writing: unwinds like an exception, so the temporary directory is removed."""


@contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        print("error: interrupted (SIGTERM); nothing written", file=sys.stderr)
        raise _Interrupted(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _machine_error(shown: str, e: OSError) -> CorridorError:
    what = e.strerror or type(e).__name__
    if e.errno == errno.ENOSPC:
        what = "no space left on the device"
    where = f" ({e.filename})" if getattr(e, "filename", None) else ""
    return CorridorError(shown, f"could not write: {what}{where}; nothing written")


@contextmanager
def output_dir(
    out: Path | str, overwrite: bool = False, inputs: Iterable[Path | str | None] = ()
) -> Iterator[Path]:
    """Yield a temporary directory; on success it becomes ``out``, on failure it disappears.

    ``inputs``: the files and directories the command reads (arrivals, params, facts, scenario
    files); ``out`` may never be, hold, or lie inside one of them. When the body leaves no
    ``run.json``, a minimal manifest is written; either way its ``files`` lists every file."""
    shown = str(out)
    inputs = _resolved_inputs(inputs)
    target = check_target(Path(out), overwrite, inputs)
    base = _existing_ancestor(target)
    clean_stale(base)
    with _sigterm_unwinds():
        try:
            tmp = base / _tmp_name(target)
            tmp.mkdir(mode=0o700)
        except OSError as e:
            raise _machine_error(shown, e) from None
        try:
            # the permissions a plain mkdir would give (mkdir's mode is masked too; be explicit)
            os.chmod(tmp, 0o777 & ~_umask())
            yield tmp
            complete_manifest(tmp)
            _place(tmp, target, shown, overwrite, inputs)
        except OSError as e:
            shutil.rmtree(tmp, ignore_errors=True)
            raise _machine_error(shown, e) from None
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


# the name the first version used; kept so every caller goes through the same rules
atomic_directory = output_dir


def _all_files(directory: Path) -> dict[str, str]:
    return {
        p.relative_to(directory).as_posix(): sha256(p)
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.relative_to(directory).as_posix() != MANIFEST
    }


def complete_manifest(directory: Path) -> None:
    """Make ``run.json`` list every file of ``directory`` (relative paths) with its sha256."""
    path = directory / MANIFEST
    meta = {"corridor_version": _version(), **_provenance()}
    if path.is_file():
        with open(path, encoding="utf-8") as f:
            meta = {"corridor_version": _version(), **json.load(f)}
    meta["files"] = _all_files(directory)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2, default=str)


def _version() -> str:
    from corridor import __version__

    return __version__


def _provenance() -> dict:
    return {
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
    }


def write_manifest(directory: Path, meta: dict) -> None:
    """run.json: what made these files (version, scenario, parameters, seed) and their hashes."""
    meta = {**meta, **_provenance(), "files": _all_files(directory)}
    with open(directory / MANIFEST, "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2, default=str)


def write_outputs(
    out: Path,
    writers: dict[str, Callable[[Path], None]],
    meta: dict,
    overwrite: bool = False,
    inputs: Iterable[Path | str | None] = (),
) -> None:
    """Write each named file with its writer, then run.json, all into ``out`` at once."""
    with output_dir(out, overwrite, inputs) as tmp:
        for name, write in writers.items():
            write(tmp / name)
        write_manifest(tmp, meta)
