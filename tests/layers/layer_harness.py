"""``run_layer_test``: the checks every layer must pass (after Keras's ``run_layer_test``).

1. output shape, and ``compute_output_shape`` and a symbolic call agree with it;
2. the numbers of trainable and non-trainable weights;
3. ``get_config`` is plain JSON data, and ``from_config`` rebuilds an equal layer that,
   given the same weights, gives the same outputs;
4. one training step: ``loss.backward()`` fills every trainable weight's ``.grad``.
"""

import json

import numpy as np

import shenjing
from shenjing import layers


def _jsonable(config):
    return json.loads(json.dumps(config))


def make_input(input_shape, input_dtype="float32", seed=0):
    rng = np.random.default_rng(seed)
    if np.dtype(input_dtype).kind in "iu":
        return rng.integers(0, 5, size=input_shape).astype(input_dtype)
    return rng.standard_normal(input_shape).astype(input_dtype)


def run_layer_test(layer_cls, init_kwargs, input_shape=None, input_data=None, input_dtype="float32",
                   expected_output_shape=None, expected_num_trainable_weights=0,
                   expected_num_non_trainable_weights=0, run_training_check=True, training=False):
    x = make_input(input_shape, input_dtype) if input_data is None else input_data
    input_shape = tuple(np.shape(x))
    layer = layer_cls(**init_kwargs)
    y = layer(x, training=training)
    assert isinstance(y, shenjing.Tensor)

    # 1. shapes
    if expected_output_shape is not None:
        assert y.shape == tuple(expected_output_shape)
    assert tuple(layer.compute_output_shape(input_shape)) == y.shape
    unbatched = layer.compute_output_shape((None,) + input_shape[1:])
    assert tuple(unbatched) == (None,) + y.shape[1:]
    symbolic = layer_cls(**init_kwargs)(layers.Input(shape=input_shape[1:], dtype=input_dtype))
    assert symbolic.shape == (None,) + y.shape[1:]

    # 2. weights
    assert len(layer.trainable_weights) == expected_num_trainable_weights
    assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights
    assert len(layer.weights) == expected_num_trainable_weights + expected_num_non_trainable_weights
    assert layer.count_params() == sum(w.size for w in layer.weights)

    # 3. config round trip, also through JSON
    config = layer.get_config()
    assert config["name"] == layer.name
    if isinstance(config["dtype"], str):  # SpatialDropout: Keras writes the policy's name
        assert config["dtype"] == layer.dtype_policy.name
    else:
        assert config["dtype"]["class_name"] == "DTypePolicy"
    json.dumps(config)
    clone = layer_cls.from_config(config)
    assert _jsonable(clone.get_config()) == _jsonable(config)
    clone_from_json = layer_cls.from_config(_jsonable(config))
    assert _jsonable(clone_from_json.get_config()) == _jsonable(config)
    clone(x, training=training)
    clone.set_weights(layer.get_weights())
    # `training` again: a seeded random layer's clone draws the same sequence
    np.testing.assert_allclose(clone(x, training=training).numpy(), layer(x, training=training).numpy(),
                               rtol=1e-6, atol=1e-6)

    # 4. one training step
    if run_training_check:
        for w in layer.trainable_weights:
            w.grad = None
        floating = np.asarray(x).dtype.kind == "f"
        x_in = shenjing.Tensor(np.array(x), requires_grad=floating)
        out = layer(x_in, training=True)
        loss = (out * out).mean() + sum(layer.losses, shenjing.tensor(0.0))
        loss.backward()
        if floating:
            assert x_in.grad is not None and x_in.grad.shape == x_in.shape
        for w in layer.trainable_weights:
            assert w.grad is not None, f"no gradient for {w.path}"
            assert w.grad.shape == w.shape, w.path
    return layer, y


def run_contract_case(case):
    """``run_layer_test`` for one row of a contract table: ``(layer class, init kwargs,
    input shape, expected output shape, trainable weights, non-trainable weights)``."""
    cls, kwargs, in_shape, out_shape, n_train, n_non_train = case
    return run_layer_test(cls, kwargs, input_shape=in_shape, expected_output_shape=out_shape,
                          expected_num_trainable_weights=n_train,
                          expected_num_non_trainable_weights=n_non_train)
