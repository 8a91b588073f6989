"""The bitmap queue pops distinct keys in the order a heap pops them."""

from __future__ import annotations

import heapq

import numba
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.engine import int_queue


@numba.njit
def _replay(q, ops, keys, out):
    """ops[i] 1: push keys[i]; 0: pop into out. Returns the number popped."""
    size, n_out = 0, 0
    for i in range(ops.shape[0]):
        if ops[i] == 1:
            size = int_queue.push(q, size, keys[i])
        elif size > 0:
            out[n_out] = int_queue.pop(q, size)
            size -= 1
            n_out += 1
    return n_out


def _heap_replay(ops, keys):
    heap, out = [], []
    for op, key in zip(ops, keys, strict=True):
        if op == 1:
            heapq.heappush(heap, key)
        elif heap:
            out.append(heapq.heappop(heap))
    return out


@settings(max_examples=200, deadline=None)
@given(
    lo=st.integers(-300_000, 300_000),
    span=st.sampled_from([1, 63, 64, 65, 4096, 262_145, 300_000]),
    data=st.data(),
)
def test_pops_in_the_order_of_a_heap(lo, span, data):
    n = data.draw(st.integers(0, min(300, span)))
    pool = data.draw(st.lists(st.integers(lo, lo + span - 1), unique=True, min_size=n,
                              max_size=n))  # fmt: skip
    # a key may be pushed again once popped (a case back on the docket after a hearing), never
    # while it is in the queue
    ops, keys, inside = [], [], []
    for _ in range(3 * n + 5):
        out_now = [k for k in pool if k not in inside]
        if out_now and data.draw(st.booleans()):
            k = data.draw(st.sampled_from(out_now))
            ops.append(1), keys.append(k), inside.append(k)
        else:
            ops.append(0), keys.append(0)
            if inside:
                inside.remove(min(inside))
    q = int_queue.new(lo, lo + span - 1)
    out = np.empty(len(ops), dtype=np.int64)
    got = _replay(q, np.array(ops, dtype=np.int64), np.array(keys, dtype=np.int64), out)
    assert out[:got].tolist() == _heap_replay(ops, keys)


def test_drained_queue_is_empty_again():
    q = int_queue.new(-5, 10_000)
    keys = np.array([9_999, -5, 64, 63, 4_095, 4_096, 0], dtype=np.int64)
    ops = np.r_[np.ones(len(keys)), np.zeros(len(keys))].astype(np.int64)
    out = np.empty(len(keys), dtype=np.int64)
    assert _replay(q, ops, np.r_[keys, keys], out) == len(keys)
    assert out.tolist() == sorted(keys.tolist())
    assert not q[2 + int(q[1]):].any()  # every level's words cleared
