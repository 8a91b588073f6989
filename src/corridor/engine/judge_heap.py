"""A binary min-heap of (time, id) pairs in two preallocated numpy arrays, for the kernels: the
docket's judges (free from when, which judge) and the shelter kernel's events of the day (time
ready or aging out, which child). The smallest time is on top; equal times go to the lower id
(the order Python's ``heapq`` gives the tuples).

Arrays rather than a list of tuples with ``heapq``: the kernels are compiled without numba's
reference counting and allocate nothing, and a list grows. Every function is inlined into the
kernel. The caller owns the storage (``times``, ``judges`` of the largest size ever needed) and
passes the size explicitly.
"""

from __future__ import annotations

import numba


@numba.njit(cache=True, inline="always")
def _before(times, judges, a, b):
    """Entry a comes before entry b."""
    return times[a] < times[b] or (times[a] == times[b] and judges[a] < judges[b])


@numba.njit(cache=True, inline="always")
def _swap(times, judges, a, b):
    times[a], times[b] = times[b], times[a]
    judges[a], judges[b] = judges[b], judges[a]


@numba.njit(cache=True, inline="always")
def _sift_down(times, judges, size, j):
    while True:
        first = j
        left = 2 * j + 1
        if left < size and _before(times, judges, left, first):
            first = left
        if left + 1 < size and _before(times, judges, left + 1, first):
            first = left + 1
        if first == j:
            return
        _swap(times, judges, j, first)
        j = first


@numba.njit(cache=True, inline="always")
def push(times, judges, size, time, judge):
    """Add (time, judge) to the heap of ``size`` entries; returns the new size."""
    j = size
    times[j] = time
    judges[j] = judge
    while j > 0:
        parent = (j - 1) >> 1
        if not _before(times, judges, j, parent):
            break
        _swap(times, judges, j, parent)
        j = parent
    return size + 1


@numba.njit(cache=True, inline="always")
def pop(times, judges, size):
    """Remove the top entry (read it first from ``times[0]``, ``judges[0]``); returns the new
    size."""
    size -= 1
    if size > 0:
        times[0] = times[size]
        judges[0] = judges[size]
        _sift_down(times, judges, size, 0)
    return size


@numba.njit(cache=True, inline="always")
def replace_top(times, judges, size, time, judge):
    """Replace the top entry by (time, judge) and restore the heap (``heapq.heapreplace``)."""
    times[0] = time
    judges[0] = judge
    _sift_down(times, judges, size, 0)
