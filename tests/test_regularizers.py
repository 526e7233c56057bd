"""Regularizers: penalty values, gradients, validation and config round trips."""

import numpy as np
import pytest

import shenjing
from shenjing import regularizers

W = np.array([[0.5, -1.5, 2.0], [-0.25, 0.75, -3.0]])


def _weight():
    return shenjing.Variable(W.copy(), name="kernel")


def test_l1_value_and_gradient():
    w = _weight()
    penalty = regularizers.L1(0.1)(w)
    assert penalty.shape == ()
    np.testing.assert_allclose(penalty.item(), 0.1 * np.abs(W).sum())
    penalty.backward()
    np.testing.assert_allclose(w.grad, 0.1 * np.sign(W))


def test_l2_value_and_gradient():
    w = _weight()
    penalty = regularizers.L2(0.2)(w)
    np.testing.assert_allclose(penalty.item(), 0.2 * np.square(W).sum())
    penalty.backward()
    np.testing.assert_allclose(w.grad, 0.4 * W)


def test_l1l2_value_and_gradient():
    w = _weight()
    penalty = regularizers.L1L2(l1=0.1, l2=0.2)(w)
    np.testing.assert_allclose(penalty.item(), 0.1 * np.abs(W).sum() + 0.2 * np.square(W).sum())
    penalty.backward()
    np.testing.assert_allclose(w.grad, 0.1 * np.sign(W) + 0.4 * W)


def test_defaults_match_keras():
    assert regularizers.L1().l1 == 0.01
    assert regularizers.L2().l2 == 0.01
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.l1_l2().get_config() == {"l1": 0.01, "l2": 0.01}
    assert regularizers.l1_l2(l1=0.3).get_config() == {"l1": 0.3, "l2": 0.01}
    assert regularizers.L1(None).l1 == 0.01


def test_zero_l1l2_is_a_zero_scalar():
    penalty = regularizers.L1L2()(shenjing.tensor(W))
    assert penalty.shape == () and penalty.item() == 0.0


def test_keeps_float32():
    w = shenjing.Variable(W.astype(np.float32))
    assert regularizers.L2(0.5)(w).dtype == np.float32
    assert regularizers.L1L2(0.1, 0.1)(w).dtype == np.float32


@pytest.mark.parametrize("reg", [regularizers.L1(0.3), regularizers.L2(0.7),
                                 regularizers.L1L2(0.2, 0.4),
                                 regularizers.OrthogonalRegularizer(0.5, "rows"),
                                 regularizers.OrthogonalRegularizer(0.5, "columns")])
def test_gradcheck(reg):
    assert shenjing.gradcheck(lambda w: reg(w), [W])


def test_keras_docstring_example():
    assert regularizers.L2(2.0)(np.ones((5, 5))).item() == 50.0


def test_orthogonal_regularizer():
    reg = regularizers.OrthogonalRegularizer(factor=1.0, mode="rows")
    assert abs(reg(np.eye(3)).item()) < 1e-12
    rows = np.array([[1.0, 0.0], [1.0, 1.0]])
    # one pair, cosine 1/sqrt(2); the penalty is factor * 0.5 * sum|offdiag| / pairs
    np.testing.assert_allclose(reg(rows).item(), 0.5 * 2 / np.sqrt(2))
    with pytest.raises(ValueError, match="rank"):
        reg(np.ones(3))
    with pytest.raises(ValueError, match="mode"):
        regularizers.OrthogonalRegularizer(mode="diagonal")


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "0.1"])
def test_invalid_factors(bad):
    with pytest.raises(ValueError, match="l2"):
        regularizers.L2(bad)


def test_aliases():
    assert regularizers.l1 is regularizers.L1
    assert regularizers.l2 is regularizers.L2


@pytest.mark.parametrize(
    "name, cls, config",
    [("l1", regularizers.L1, {"l1": 0.01}), ("L1", regularizers.L1, {"l1": 0.01}),
     ("l2", regularizers.L2, {"l2": 0.01}), ("L2", regularizers.L2, {"l2": 0.01}),
     ("l1_l2", regularizers.L1L2, {"l1": 0.01, "l2": 0.01}),
     ("L1L2", regularizers.L1L2, {"l1": 0.0, "l2": 0.0}),
     ("orthogonal_regularizer", regularizers.OrthogonalRegularizer, {"factor": 0.01, "mode": "rows"})],
)
def test_get_by_name(name, cls, config):
    reg = regularizers.get(name)
    assert type(reg) is cls and reg.get_config() == config


def test_get_other_identifiers():
    assert regularizers.get(None) is None
    reg = regularizers.L2(0.5)
    assert regularizers.get(reg) is reg
    assert isinstance(regularizers.get(regularizers.L1), regularizers.L1)
    assert regularizers.get(regularizers.l1_l2).get_config() == {"l1": 0.01, "l2": 0.01}

    def custom(w):
        return 0.0

    assert regularizers.get(custom) is custom
    config = regularizers.serialize(custom)
    assert config["class_name"] == "function" and config["config"] == "custom"
    with pytest.raises(ValueError, match="custom_objects"):
        regularizers.deserialize(config)
    assert regularizers.deserialize(config, custom_objects={"custom": custom}) is custom
    got = regularizers.get({"class_name": "L1L2", "config": {"l1": 0.5, "l2": 0.25}})
    assert got.get_config() == {"l1": 0.5, "l2": 0.25}
    with pytest.raises(ValueError, match="l1_l2"):
        regularizers.get("l3")


@pytest.mark.parametrize("reg", [regularizers.L1(0.2), regularizers.L2(0.3),
                                 regularizers.L1L2(0.1, 0.4),
                                 regularizers.OrthogonalRegularizer(0.2, "columns")])
def test_serialize_round_trip(reg):
    config = regularizers.serialize(reg)
    assert config == {"module": "keras.regularizers", "class_name": type(reg).__name__,
                      "config": reg.get_config(), "registered_name": None}
    clone = regularizers.deserialize(config)
    assert type(clone) is type(reg) and clone.get_config() == reg.get_config()
    np.testing.assert_allclose(clone(W).item(), reg(W).item())
