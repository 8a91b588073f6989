"""CorridorError crosses process boundaries intact (the executor pickles worker errors)."""

import pickle

from corridor.errors import CorridorError


def test_corridor_error_survives_pickling():
    e = CorridorError("params/x.yaml: values", "-inf is not a finite number")
    back = pickle.loads(pickle.dumps(e))
    assert isinstance(back, CorridorError)
    assert (back.where, back.message, str(back)) == (e.where, e.message, str(e))
