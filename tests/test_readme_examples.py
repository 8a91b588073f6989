"""tools/readme_examples.py finds the README's worked examples (command and printed output) and
leaves every other block alone."""

from __future__ import annotations

from cli_helpers import load_tool

README = """text
```
$ .venv/bin/corridor run --out runs/a
table
last line
```
```bash
.venv/bin/corridor plan --lever x \\
    --range 0..10 --out runs/p
```

```
plan: x = 5
```
```bash
.venv/bin/corridor compare a b --cluster tcp://HOST:8786 --out runs/big
```

prose, not output
```python
import corridor
```
"""


def test_examples_are_the_commands_with_their_printed_output():
    tool = load_tool("readme_examples")
    lines = README.split("\n")
    found = tool.find_examples(lines)
    assert [e.command for e in found] == ["run --out runs/a",
                                          "plan --lever x --range 0..10 --out runs/p"]  # fmt: skip
    assert [lines[e.output] for e in found] == [["table", "last line"], ["plan: x = 5"]]
