"""Rerun the README's worked examples and put their real output back in the README.

Run from the repository root:  python tools/readme_examples.py [--runs DIR] [--check]

A worked example is either a fenced block whose first line is ``$ .venv/bin/corridor ARGS``
(the command, then what it printed), or a ``bash`` block holding one ``.venv/bin/corridor``
command (lines may continue with ``\\``) followed directly by an untagged block (what it
printed). Each is run with this environment's ``corridor`` in the directory ``--runs`` (default:
a new temporary one), which sees the repository's ``examples/``, so its ``runs/...`` outputs land
there and the paths it prints read as in the README; its output block is replaced by what it printed (stdout and stderr, in order, as a pipe gets them).
Other blocks (cluster commands, code) are left alone, and so is the prose: the figures quoted in
sentences are the writer's to check against the printed output and the files under ``--runs``.

``--check`` reports which examples' output changed and exits 1 if any did (nothing written).
The README is rewritten atomically (a temporary file, then a rename).
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = ".venv/bin/corridor"
FENCE = "```"


@dataclass
class Example:
    command: str  # the corridor arguments, as written
    output: slice  # the README lines of its printed output


def find_examples(lines: list[str]) -> list[Example]:
    """The worked examples of the README's lines (see the module docstring)."""
    out, i = [], 0
    while i < len(lines):
        if not lines[i].startswith(FENCE):
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith(FENCE))
        body = lines[i + 1 : end]
        if lines[i] == FENCE and body and body[0].startswith(f"$ {CLI} "):
            out.append(Example(body[0][len(f"$ {CLI} ") :], slice(i + 2, end)))
        elif lines[i] == f"{FENCE}bash" and body and body[0].startswith(f"{CLI} "):
            command = " ".join(x.strip().removesuffix("\\").strip() for x in body)
            k = end + 1
            while k < len(lines) and not lines[k].strip():
                k += 1
            if k < len(lines) and lines[k] == FENCE and CLI not in command[len(CLI) :]:
                close = next(j for j in range(k + 1, len(lines)) if lines[j].startswith(FENCE))
                out.append(Example(command[len(CLI) + 1 :], slice(k + 1, close)))
                end = close
        i = end + 1
    return out


def run_example(command: str, work: Path) -> list[str]:
    """What ``corridor COMMAND`` prints, run in ``work`` (where ``examples/`` is the repository's,
    so ``runs/...`` and every path in the output read as in the README); an output left in
    ``work/runs`` by an earlier call is removed first."""
    examples = work / "examples"
    if not examples.exists():
        examples.symlink_to(ROOT / "examples", target_is_directory=True)
    args = shlex.split(command)
    for a in args:
        if a.startswith("runs/") and (work / a).exists():
            shutil.rmtree(work / a)
    exe = Path(sys.executable).with_name("corridor")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "corridor"]
    p = subprocess.run([*cmd, *args], cwd=work, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)  # fmt: skip
    return p.stdout.rstrip("\n").split("\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=Path,
                    help="the directory the examples run in, their runs/ inside (default: temporary)")  # fmt: skip
    ap.add_argument("--check", action="store_true", help="report changes, write nothing")
    args = ap.parse_args()
    readme = ROOT / "README.md"
    lines = readme.read_text().split("\n")
    runs = args.runs or Path(tempfile.mkdtemp(prefix="corridor-readme-"))
    runs.mkdir(parents=True, exist_ok=True)
    changed = []
    # from the last example up, so the earlier examples' line numbers stay valid
    for ex in reversed(find_examples(lines)):
        printed = run_example(ex.command, runs)
        same = printed == lines[ex.output]
        print(f"{'same' if same else 'changed'}: corridor {ex.command}", file=sys.stderr)
        if not same:
            changed.append(ex.command)
            lines[ex.output] = printed
    print(f"{len(changed)} example(s) changed; runs in {runs}", file=sys.stderr)
    if args.check:
        return 1 if changed else 0
    tmp = readme.with_name(f".{readme.name}.tmp")
    tmp.write_text("\n".join(lines))
    tmp.replace(readme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
