"""A min-priority queue of distinct integer keys from a known range, for numba kernels: a
hierarchical bitmap in one preallocated array.

Level 0 has one bit per possible key; each word of a level has one bit in the level above,
set while the word is not empty; the top level is one word. Pushing a key sets one bit per
level; popping the smallest follows the lowest set bit from the top word down and clears what
became empty. With keys up to a few million that is three or four levels, so both take a few
nanoseconds and touch a few cache lines, where a binary heap of 100,000 waiting cases takes
about 17 dependent, mostly cache-missing steps.

The queue pops the smallest key, as a heap does; with distinct keys the order in which keys come
out is the same whatever holds them, so swapping a heap for this changes no result
(tests/test_int_queue.py). Layout of the array (uint64): ``[0]`` the smallest key allowed,
``[1]`` the number of levels L, ``[2 .. 2 + L)`` where each level starts, then the levels.
"""

from __future__ import annotations

import numba
import numpy as np
from numba.cpython.unsafe.numbers import trailing_zeros

_HEADER = 2  # smallest key, number of levels; then one start offset per level
_ONE = np.uint64(1)


def new(lowest: int, highest: int) -> np.ndarray:
    """An empty queue for keys in [lowest, highest]."""
    words = []
    n_bits = highest - lowest + 1
    while True:
        n_words = max((n_bits + 63) // 64, 1)
        words.append(n_words)
        if n_words == 1:
            break
        n_bits = n_words
    levels = len(words)
    q = np.zeros(_HEADER + levels + sum(words), dtype=np.uint64)
    q[0] = np.int64(lowest).view(np.uint64)
    q[1] = levels
    start = _HEADER + levels
    for level, n_words in enumerate(words):
        q[_HEADER + level] = start
        start += n_words
    return q


@numba.njit(cache=True, inline="always")
def push(q, size, key):
    """Add ``key`` (not already in the queue); returns the new size."""
    k = np.uint64(key - np.int64(q[0]))
    for level in range(int(q[1])):
        word = int(q[_HEADER + level]) + int(k >> np.uint64(6))
        was = q[word]
        q[word] = was | (_ONE << (k & np.uint64(63)))
        if was != 0:  # the levels above already mark this word
            break
        k = k >> np.uint64(6)
    return size + 1


@numba.njit(cache=True, inline="always")
def pop(q, size):
    """Remove and return the smallest key (the queue must not be empty); the caller's size is
    then ``size - 1``."""
    levels = int(q[1])
    k = np.uint64(0)
    for level in range(levels - 1, -1, -1):  # down from the top word: the lowest set bits
        w = q[int(q[_HEADER + level]) + int(k)]
        k = (k << np.uint64(6)) | np.uint64(trailing_zeros(w))
    key = np.int64(k) + np.int64(q[0])
    for level in range(levels):  # clear the key, and each word it leaves empty
        word = int(q[_HEADER + level]) + int(k >> np.uint64(6))
        left = q[word] & ~(_ONE << (k & np.uint64(63)))
        q[word] = left
        if left != 0:
            break
        k = k >> np.uint64(6)
    return key
