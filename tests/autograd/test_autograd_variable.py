"""Variable: a named, trainable leaf that optimizers update in place."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops


def test_variable_from_value_and_from_initializer():
    v = sj.Variable(np.ones((2, 3), dtype=np.float32), name="kernel")
    assert v.shape == (2, 3) and v.dtype == np.float32 and v.name == "kernel" and v.path == "kernel"
    assert v.requires_grad and v.trainable and v.is_leaf

    w = sj.Variable(lambda shape, dtype=None: np.full(shape, 0.5, dtype=dtype), shape=(3,), dtype="float32")
    np.testing.assert_array_equal(w.numpy(), [0.5, 0.5, 0.5])
    assert w.dtype == np.float32
    assert "shape=(3,)" in repr(w)


def test_variable_copies_its_initial_value():
    source = np.zeros(3)
    v = sj.Variable(source)
    v.assign([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(source, [0.0, 0.0, 0.0])


def test_variable_initial_shape_mismatch():
    with pytest.raises(ValueError, match=r"'w'.*\(2,\).*\(3,\)"):
        sj.Variable(np.zeros(2), shape=(3,), name="w")


def test_assign_in_place():
    v = sj.Variable(np.zeros((2, 2), dtype=np.float32), name="v")
    data = v.data
    v.assign(np.ones((2, 2)))
    assert v.data is data and v.dtype == np.float32  # updated in place, dtype kept
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 2)))
    v.assign(sj.tensor(np.full((2, 2), 3.0)))
    np.testing.assert_array_equal(v.numpy(), np.full((2, 2), 3.0))
    assert v.value is v.data


def test_assign_shape_mismatch():
    v = sj.Variable(np.zeros((2, 2)), name="v")
    with pytest.raises(ValueError, match=r"'v' has shape \(2, 2\).*\(4,\)"):
        v.assign(np.zeros(4))
    np.testing.assert_array_equal(v.numpy(), np.zeros((2, 2)))  # unchanged


def test_assign_add_and_sub():
    v = sj.Variable(np.array([1.0, 2.0], dtype=np.float32))
    data = v.data
    v.assign_add(np.array([0.5, 0.5]))
    v.assign_sub(sj.tensor(np.array([1.0, 0.0])))
    assert v.data is data and v.dtype == np.float32
    np.testing.assert_array_equal(v.numpy(), [0.5, 2.5])
    v.assign_add(1.0)  # a scalar broadcasts over the variable, as in Keras
    np.testing.assert_array_equal(v.numpy(), [1.5, 3.5])


@pytest.mark.parametrize("method", ["assign_add", "assign_sub"])
def test_assign_add_and_sub_shape_mismatch(method):
    v = sj.Variable(np.zeros((2, 3)), name="w")
    for bad in (np.ones(4), np.ones((2, 2, 3)), np.ones((3, 3))):
        with pytest.raises(ValueError, match=r"'w'.*\(2, 3\)"):
            getattr(v, method)(bad)
    np.testing.assert_array_equal(v.numpy(), np.zeros((2, 3)))


def test_trainable_setter_toggles_requires_grad():
    v = sj.Variable(np.ones(3))
    v.trainable = False
    assert not v.trainable and not v.requires_grad
    assert not (v * 2.0).requires_grad
    v.trainable = True
    assert v.trainable and v.requires_grad
    (v * 2.0).sum().backward()
    np.testing.assert_array_equal(v.grad, [2.0, 2.0, 2.0])


def test_non_trainable_at_construction_and_integer_variables():
    v = sj.Variable(np.ones(2), trainable=False)
    assert not v.requires_grad
    counter = sj.Variable(np.array(0, dtype=np.int64), name="iterations")
    assert counter.trainable and not counter.requires_grad
    counter.trainable = True
    assert not counter.requires_grad  # integers never carry gradients
    counter.assign_add(1)
    assert counter.item() == 1


def test_variable_in_a_graph_gets_gradients_and_keeps_identity():
    w = sj.Variable(np.array([[1.0, 2.0], [3.0, 4.0]]), name="w")
    x = sj.tensor(np.array([[1.0, 1.0]]))
    ops.matmul(x, w).sum().backward()
    np.testing.assert_array_equal(w.grad, np.ones((2, 2)))
    w.assign_sub(0.1 * w.grad)  # one SGD step
    np.testing.assert_allclose(w.numpy(), [[0.9, 1.9], [2.9, 3.9]])
    assert isinstance(w, sj.Tensor)
