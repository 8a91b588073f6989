"""What a worker process keeps between the tasks it runs: objects that are costly to build
(a Simulation with its parameter tree) and the same for many tasks. A task carries the small
arguments that build them; the first task in a process builds, the others reuse."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

# a handful of Simulations per process; more would only hold memory
MEMO_SIZE = 8
_MEMO: dict[Hashable, Any] = {}
_LOCK = threading.Lock()


def memo(key: Hashable, build: Callable[[], Any]) -> Any:
    """The object ``build()`` made for ``key`` in this process, built on first use. The oldest
    entries are dropped beyond ``MEMO_SIZE``."""
    with _LOCK:
        if key in _MEMO:
            return _MEMO[key]
    value = build()
    remember(key, value)
    return value


def remember(key: Hashable, value: Any) -> None:
    """Keep ``value`` for ``key`` (e.g. a parent's Simulation, which forked workers inherit)."""
    with _LOCK:
        _MEMO[key] = value
        while len(_MEMO) > MEMO_SIZE:
            _MEMO.pop(next(iter(_MEMO)))
