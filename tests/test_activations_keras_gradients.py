"""Gradient checks for the activations that Keras 3 has beyond the classic set (celu, glu,
hard_shrink, ..., sparsemax), each against float64 central differences, and their registry names.

Inputs are kept away from each function's kinks so that eps never crosses one.
"""

import numpy as np
import pytest

import shenjing as sj
from shenjing import activations

_R = np.random.default_rng(99)
CASES = []
COVERED = set()  # activations, not shenjing.ops names


def case(name, case_id, fn, *inputs, **tolerance):
    CASES.append(pytest.param(fn, inputs, tolerance, id=f"{name}-{case_id}"))


def away_from(points, *shape, margin=0.05):
    """Random values at least ``margin`` away from every value in ``points``."""
    x = _R.uniform(-3, 3, shape)
    for _ in range(100):
        near = np.zeros(shape, bool)
        for p in points:
            near |= np.abs(x - p) < margin
        if not near.any():
            return x
        x[near] = _R.uniform(-3, 3, int(near.sum()))
    raise AssertionError("could not draw values away from the kinks")


case("celu", "alpha1", activations.celu, away_from([0], 3, 4))
case("celu", "alpha2", lambda x: activations.celu(x, alpha=2.0), away_from([0], 3, 4))
case("glu", "last", activations.glu, _R.standard_normal((3, 6)))
case("glu", "axis0", lambda x: activations.glu(x, axis=0), _R.standard_normal((4, 3)))
case("hard_shrink", "default", activations.hard_shrink, away_from([-0.5, 0.5], 3, 5))
case("hard_shrink", "t1", lambda x: activations.hard_shrink(x, threshold=1.0), away_from([-1, 1], 3, 5))
case("hard_tanh", "default", activations.hard_tanh, away_from([-1, 1], 3, 5))
case("log_sigmoid", "default", activations.log_sigmoid, _R.standard_normal((3, 5)) * 4)
case("soft_shrink", "default", activations.soft_shrink, away_from([-0.5, 0.5], 3, 5))
case("soft_shrink", "t1", lambda x: activations.soft_shrink(x, threshold=1.0), away_from([-1, 1], 3, 5))
case("sparse_plus", "default", activations.sparse_plus, away_from([-1, 1], 3, 5))
case("sparse_sigmoid", "default", activations.sparse_sigmoid, away_from([-1, 1], 3, 5))
case("sparsemax", "last", activations.sparsemax, _R.standard_normal((3, 5)))
case("sparsemax", "axis0", lambda x: activations.sparsemax(x, axis=0), _R.standard_normal((5, 3)))
case("squareplus", "default", activations.squareplus, _R.standard_normal((3, 5)))
case("squareplus", "b1", lambda x: activations.squareplus(x, b=1), _R.standard_normal((3, 5)))
case("tanh_shrink", "default", activations.tanh_shrink, _R.standard_normal((3, 5)))
case("threshold", "default", lambda x: activations.threshold(x, 0.3, -1.0), away_from([0.3], 3, 5))
case("relu6", "default", activations.relu6, away_from([0, 6], 3, 5) * 3)
case("selu", "default", activations.selu, away_from([0], 3, 5))
case("mish", "default", activations.mish, _R.standard_normal((3, 5)))
case("softsign", "default", activations.softsign, away_from([0], 3, 5))
case("hard_silu", "default", activations.hard_silu, away_from([-3, 3], 3, 5))


@pytest.mark.parametrize("fn, inputs, tolerance", CASES)
def test_gradcheck(fn, inputs, tolerance):
    assert sj.gradcheck(fn, inputs, **tolerance)


NEW = ["celu", "glu", "hard_shrink", "hard_tanh", "log_sigmoid", "soft_shrink", "sparse_plus",
       "sparse_sigmoid", "sparsemax", "squareplus", "tanh_shrink", "threshold"]


@pytest.mark.parametrize("name", NEW)
def test_registered_by_name_and_serialized_by_name(name):
    fn = activations.get(name)
    assert fn is getattr(activations, name)
    assert activations.serialize(fn) == name
    assert sj.keras.activations.get(name) is fn


def test_float32_stays_float32():
    x = np.random.default_rng(0).standard_normal((2, 6)).astype(np.float32)
    for name in NEW:
        fn = activations.get(name)
        out = fn(x, 0.0, 0.0) if name == "threshold" else fn(x)
        assert out.dtype == np.float32, name


def test_sparsemax_is_a_sparse_probability_vector():
    x = np.array([[3.0, 1.0, 0.2, -1.0], [0.1, 0.1, 0.1, 0.1]])
    y = activations.sparsemax(x).numpy()
    np.testing.assert_allclose(y.sum(-1), 1.0)
    np.testing.assert_allclose(y[0], [1.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(y[1], [0.25] * 4)


def test_bad_input_errors():
    with pytest.raises(ValueError, match="divisible by 2"):
        activations.glu(np.ones((2, 3)))
    with pytest.raises(ValueError, match="axis"):
        activations.sparsemax(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match="rank"):
        activations.sparsemax(np.float64(1.0))
