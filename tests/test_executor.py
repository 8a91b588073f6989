"""The executor: results in item order, a worker's user error comes back as the same one-line
error, and the same compare gives identical results in this process, on local processes and on
a Dask LocalCluster started here."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from corridor.analysis.compare import compare
from corridor.errors import CorridorError
from corridor.executor import InProcess, ProcessPool, make_executor, parse_cluster

WINDOW = ("2014-10-01", "2015-03-31")
SCENARIOS = ["baseline", "counsel-for-all"]


def slow_square(x: int) -> int:
    time.sleep(0.05 * (3 - x % 3))  # later items finish first on several workers
    return x * x


def fail_on_three(x: int) -> int:
    if x == 3:
        raise CorridorError("item.yaml", "three is not allowed (use 0..2)")
    return x


def test_results_come_back_in_item_order_whatever_finishes_first():
    with make_executor(None, 2) as ex:
        assert isinstance(ex, ProcessPool)
        done = []
        assert ex.map(slow_square, range(7), progress=lambda: done.append(1)) == [
            x * x for x in range(7)
        ]
        assert len(done) == 7


def test_a_workers_user_error_is_the_same_one_line_error():
    for workers in (1, 2):
        with make_executor(None, workers) as ex:
            with pytest.raises(CorridorError) as e:
                ex.map(fail_on_three, range(5))
        assert e.value.where == "item.yaml"
        assert e.value.message == "three is not allowed (use 0..2)"


def test_cluster_option_is_checked():
    assert parse_cluster("local:3") == ("local", 3)
    assert parse_cluster("tcp://10.0.0.1:8786") == ("address", "tcp://10.0.0.1:8786")
    assert isinstance(make_executor(None, 1), InProcess)
    for bad in ("local:", "local:0", "local:two", "local:100000"):
        with pytest.raises(CorridorError, match="--cluster"):
            parse_cluster(bad)
    with pytest.raises(CorridorError, match="--workers"):
        make_executor(None, 0)


def test_dask_scheduler_address_is_honoured(monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:1")
    assert parse_cluster(None) == ("address", "tcp://127.0.0.1:1")
    assert parse_cluster("local:2") == ("local", 2)  # --cluster wins


@pytest.fixture(scope="module")
def on_processes():
    return compare(SCENARIOS, *WINDOW, draws=3, seed=5, workers=2)


def test_compare_in_this_process_equals_local_processes(on_processes):
    here = compare(SCENARIOS, *WINDOW, draws=3, seed=5, workers=1)
    pd.testing.assert_frame_equal(here.table(), on_processes.table())


def test_compare_on_a_dask_local_cluster_equals_local_processes(on_processes):
    pytest.importorskip("distributed")
    with make_executor("local:2") as ex:
        assert ex.workers == 2
        on_dask = compare(SCENARIOS, *WINDOW, draws=3, seed=5, executor=ex)
    a, b = on_processes.table(), on_dask.table()
    assert len(a) > 1000 and np.isfinite(a["median"].to_numpy(float)).sum() > 1000
    pd.testing.assert_frame_equal(a, b)
    assert a.to_csv(index=False) == b.to_csv(index=False)  # what comparison.csv holds


def _square(x: int) -> int:
    return x * x


def test_map_locally_keeps_item_order_and_runs_one_item_here():
    from corridor.executor import map_locally

    assert map_locally(_square, range(7), workers=2) == [x * x for x in range(7)]
    assert map_locally(_square, [3], workers=2) == [9]
    assert map_locally(_square, [], workers=2) == []


def test_a_scheduler_address_that_is_not_one_is_a_one_line_error(monkeypatch):
    """A malformed address (from --cluster or the environment) is a CorridorError naming where
    it came from, not a traceback; nothing is contacted for long."""
    with pytest.raises(CorridorError) as e:
        make_executor("::::", 2)
    assert e.value.where == "--cluster" and "host:port" in e.value.message
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "not an address")
    with pytest.raises(CorridorError) as e:
        make_executor(None, 2)
    assert e.value.where == "DASK_SCHEDULER_ADDRESS"
