"""Gradient checks of the ops behind Python's operators (keras.ops.numpy's ``mod``,
``floor_divide``, ``get_item``) that the engine's harness does not already cover: ``mod`` and ``get_item``; ``floor_divide`` has no gradient by design
(piecewise constant) and its values are checked against NumPy here."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops

_R = np.random.default_rng(99)
CASES = []
COVERED = set()
NO_GRADIENT = {"floor_divide"}


def case(op, case_id, fn, *inputs, **tolerance):
    COVERED.add(op)
    CASES.append(pytest.param(fn, inputs, tolerance, id=f"{op}-{case_id}"))


def off_grid(*shape):
    """Values whose quotient by 0.7 stays away from integers (mod's jumps)."""
    k = _R.integers(-4, 4, shape)
    return (k + _R.uniform(0.2, 0.8, shape)) * 0.7


case("mod", "tensor-scalar", lambda a: ops.mod(a, 0.7), off_grid(3, 4))
case("mod", "negative-divisor", lambda a: ops.mod(a, -0.7), off_grid(5))
case("mod", "tensor-tensor", lambda a, b: ops.mod(a, b), np.array([1.3, -2.2, 0.4, 3.1]),
     np.array([0.7, 0.9, -1.1, 1.2]))
case("get_item", "slice-ellipsis", lambda a: ops.get_item(a, (Ellipsis, slice(0, 3))), _R.normal(size=(2, 4)))
case("get_item", "tuple-key-newaxis", lambda a: ops.get_item(a, (slice(None), None, 1)), _R.normal(size=(3, 4)))
case("get_item", "list-of-ints", lambda a: ops.get_item(a, [2, 0, 2]), _R.normal(size=(3, 4)))
case("get_item", "int", lambda a: ops.get_item(a, -1), _R.normal(size=(3, 2)))


@pytest.mark.parametrize("fn, inputs, tolerance", CASES)
def test_gradcheck(fn, inputs, tolerance):
    assert sj.gradcheck(fn, inputs, **tolerance)


def test_mod_and_floor_divide_values_follow_numpy():
    a = np.array([-3.5, -1.0, 0.0, 2.25, 7.0])
    for b in (2.0, -1.5):
        np.testing.assert_allclose(ops.floor_divide(a, b).numpy(), np.floor_divide(a, b))
        np.testing.assert_allclose(ops.mod(a, b).numpy(), np.mod(a, b), atol=1e-6)
    ints = np.array([-7, 3, 8])
    assert ops.mod(ints, 3).numpy().tolist() == np.mod(ints, 3).tolist()
    assert ops.floor_divide(ints, 3).numpy().tolist() == [-3, 1, 2]


def test_get_item_list_key_is_an_index_array_eagerly_and_a_tuple_in_a_graph_node_as_in_keras():
    # keras.ops.get_item(x, [1, 2]) is x[[1, 2]] (rows 1 and 2); Keras's GetItem.call, which
    # replays a graph node (a .keras file writes a tuple key as a list), reads it as x[1, 2].
    from shenjing import keras
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(ops.get_item(x, [1, 2]).numpy(), x[[1, 2]])
    node = keras.Input((4,))[:, 1]._keras_history[0]
    assert type(node).__name__ == "OpNode" and node.op.keras_class_name == "GetItem"
    np.testing.assert_array_equal(node(x, [slice(None), 1]).numpy(), x[:, 1])
    np.testing.assert_array_equal(node(x, key=[1, 2]).numpy(), x[1, 2])
    np.testing.assert_array_equal(ops.get_item(x, (Ellipsis, slice(1, 3))).numpy(), x[..., 1:3])
