"""Every activation of ``keras.activations`` that shenjing has, compared with Keras 3 (JAX) in
values and gradients on random inputs and arguments.

sparsemax is the exception: Keras 3.15 computes tau from the sum of the cumulative sums over the
support instead of the cumulative sum at k (in every backend), so its outputs do not sum to 1
when more than one entry survives; shenjing follows the definition Keras documents (a
projection onto the simplex). The two agree when one entry survives, which is checked."""

import numpy as np
import pytest

from shenjing import activations
import shenjing as sj

R = np.random.default_rng(7)

# name -> list of kwargs to try
ARGS = {
    "celu": [{}, {"alpha": 0.5}, {"alpha": 2.0}], "glu": [{}, {"axis": 0}],
    "hard_shrink": [{}, {"threshold": 1.2}], "hard_tanh": [{}], "log_sigmoid": [{}],
    "soft_shrink": [{}, {"threshold": 0.9}], "sparse_plus": [{}], "sparse_sigmoid": [{}],
    "squareplus": [{}, {"b": 1.0}], "tanh_shrink": [{}],
    "threshold": [{"threshold": 0.2, "default_value": -1.0}], "relu6": [{}], "selu": [{}],
    "mish": [{}], "softsign": [{}], "hard_sigmoid": [{}], "hard_silu": [{}], "linear": [{}],
    "elu": [{}, {"alpha": 0.3}], "gelu": [{}, {"approximate": True}], "silu": [{}],
    "softplus": [{}], "log_softmax": [{}, {"axis": 0}], "softmax": [{}], "exponential": [{}],
    "leaky_relu": [{}, {"negative_slope": 0.1}], "sigmoid": [{}], "tanh": [{}],
    "relu": [{}, {"negative_slope": 0.1, "max_value": 2.0, "threshold": 0.3}],
}
PARAMS = [pytest.param(name, kw, id=f"{name}-{i}") for name, kws in ARGS.items()
          for i, kw in enumerate(kws)]


def keras_value_and_grad(keras, name, kwargs, x, w):
    import jax

    fn = getattr(keras.activations, name)

    def f(x):
        return (fn(x, **kwargs) * w).sum()

    return np.asarray(fn(x, **kwargs)), np.asarray(jax.grad(f)(x))


@pytest.mark.parametrize("name, kwargs", PARAMS)
def test_activation_matches_keras(keras_module, name, kwargs):
    for trial in range(3):
        x = (R.standard_normal((4, 6)) * 2.5).astype(np.float32)
        ours_fn = getattr(activations, name)
        t = sj.Tensor(x, requires_grad=True)
        y = ours_fn(t, **kwargs)
        w = R.standard_normal(y.shape).astype(np.float32)
        (y * w).sum().backward()
        ref_y, ref_g = keras_value_and_grad(keras_module, name, kwargs, x, w)
        np.testing.assert_allclose(y.numpy(), ref_y, rtol=1e-5, atol=1e-5, err_msg=name)
        np.testing.assert_allclose(t.grad, ref_g, rtol=1e-4, atol=1e-5, err_msg=name)


def test_every_keras_activation_exists_in_shenjing(keras_module):
    names = {n for n in dir(keras_module.activations) if not n.startswith("_")
             and n not in ("get", "serialize", "deserialize")}
    missing = sorted(n for n in names if not hasattr(activations, n))
    assert not missing, missing


def test_sparsemax_agrees_with_keras_where_one_entry_survives_and_keras_is_off_elsewhere(keras_module):
    x = np.array([[3.0, 1.0, 0.2, -1.0], [0.0, 5.0, 1.0, 2.0]], np.float32)
    np.testing.assert_allclose(activations.sparsemax(x).numpy(),
                               np.asarray(keras_module.activations.sparsemax(x)), atol=1e-6)
    tie = np.array([[1.0, 1.0]], np.float32)
    np.testing.assert_allclose(activations.sparsemax(tie).numpy(), [[0.5, 0.5]])
    assert not np.isclose(np.asarray(keras_module.activations.sparsemax(tie)).sum(), 1.0)
