"""A binary min-heap of integer keys in a preallocated numpy array, for numba kernels.

``heap[:size]`` holds the keys; each function returns or takes the size explicitly, so the
caller owns the storage and nothing is allocated while a kernel runs.
"""

from __future__ import annotations

import numba


@numba.njit(cache=True, inline="always")
def push(heap, size, key):
    """Push ``key`` on ``heap[:size]``; returns the new size."""
    j = size
    while j > 0:
        parent = (j - 1) >> 1
        if heap[parent] <= key:
            break
        heap[j] = heap[parent]
        j = parent
    heap[j] = key
    return size + 1


@numba.njit(cache=True, inline="always")
def sift_down(heap, size, j):
    """Move ``heap[j]`` down until both its children are larger (restores the heap below j)."""
    key = heap[j]
    while True:
        child = 2 * j + 1
        if child >= size:
            break
        if child + 1 < size and heap[child + 1] < heap[child]:
            child += 1
        if heap[child] >= key:
            break
        heap[j] = heap[child]
        j = child
    heap[j] = key


@numba.njit(cache=True, inline="always")
def pop(heap, size):
    """Remove and return the smallest key of ``heap[:size]``; the new size is ``size - 1``."""
    top = heap[0]
    size -= 1
    if size > 0:
        heap[0] = heap[size]
        sift_down(heap, size, 0)
    return top


@numba.njit(cache=True)
def heapify(heap, size):
    """Make ``heap[:size]`` a heap after its keys were changed in place."""
    for k in range(size // 2 - 1, -1, -1):
        sift_down(heap, size, k)
