"""TimeDistributed, Bidirectional and ConvLSTM2D against real Keras 3 (JAX): the same weights
(Keras's, copied in), then outputs and the gradients of sum(Σ_k y_k * w_k) with respect to the
input and every weight (JAX's grad through ``stateless_call``), on a few random configurations;
and ``get_config`` rebuilt on each side from the other's.
"""

import numpy as np
import pytest

import shenjing
from shenjing import layers as sj_layers

keras = pytest.importorskip("keras")
jax = pytest.importorskip("jax")


def _listed(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


# Keras's layers are made with zeros initializers (JAX compiles each eager initializer op,
# orthogonal's QR included, which took seconds a layer) and then given random weights here.
ZEROS = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros"}


def _keras_outputs_and_grads(layer, x, seed):
    """Keras's layer given random weights; its outputs and the gradients of sum(Σ_k y_k * w_k)
    (random w_k), in one jitted function: JAX compiles the whole layer once, not op by op."""
    import jax.numpy as jnp

    r = np.random.default_rng(seed)
    layer.build(x.shape)
    layer.set_weights([r.uniform(-0.6, 0.6, w.shape).astype("float32") for w in layer.weights])
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]

    def forward(trainable, x):
        y, _ = layer.stateless_call(trainable, non_trainable, x)
        return tuple(_listed(y))

    ws = [r.standard_normal(s.shape).astype("float32") for s in jax.eval_shape(forward, trainable, jnp.asarray(x))]

    @jax.jit
    def run(trainable, x, ws):
        y, pullback = jax.vjp(forward, trainable, x)
        return y, pullback(tuple(ws))

    y, (gw, gx) = run(trainable, jnp.asarray(x), ws)
    return [np.asarray(a) for a in y], ws, np.asarray(gx), [np.asarray(g) for g in gw]


def compare(theirs, ours, x, seed=0, atol=1e-4):
    """Copy Keras's weights into ``ours`` and compare outputs and gradients; [problems]."""
    y_keras, ws, gx_keras, gw_keras = _keras_outputs_and_grads(theirs, x, seed)
    ours.build(x.shape)
    keras_weights = [np.asarray(v.numpy()) for v in theirs.weights]
    assert [tuple(v.shape) for v in ours.weights] == [w.shape for w in keras_weights]
    assert [v.path.split("/")[-1] for v in ours.weights] == [v.path.split("/")[-1] for v in theirs.weights]
    ours.set_weights(keras_weights)
    xt = shenjing.Tensor(x, requires_grad=True)
    y = _listed(ours(xt))
    if [a.shape for a in y] != [a.shape for a in y_keras]:
        return [f"output shapes {[a.shape for a in y]} vs {[a.shape for a in y_keras]}"]
    problems = [f"output {k} differs by {np.abs(a.numpy() - b).max():.2e}"
                for k, (a, b) in enumerate(zip(y, y_keras)) if not np.allclose(a.numpy(), b, atol=atol, rtol=atol)]
    if problems:
        return problems
    sum((a * shenjing.Tensor(w)).sum() for a, w in zip(y, ws)).backward()
    if not np.allclose(xt.grad, gx_keras, atol=atol, rtol=1e-3):
        problems.append(f"input gradient differs by {np.abs(xt.grad - gx_keras).max():.2e}")
    for v, g in zip(ours.trainable_weights, gw_keras):
        if not np.allclose(v.grad, g, atol=atol, rtol=1e-3):
            problems.append(f"gradient of {v.path} differs by {np.abs(v.grad - g).max():.2e}")
    return problems


def _strip_axes(config):
    """Keras 3.15's VarianceScaling configs carry input_axes/output_axes; nested configs too."""
    if isinstance(config, dict):
        return {k: _strip_axes(v) for k, v in config.items() if k not in ("input_axes", "output_axes")}
    if isinstance(config, list):
        return [_strip_axes(v) for v in config]
    return config


def _same_config(ours, theirs):
    a = _strip_axes(shenjing.serialization.serialize_keras_object(ours)["config"])
    b = _strip_axes(keras.saving.serialize_keras_object(theirs)["config"])
    for config in (a, b):  # names and the build shapes of nested layers may differ in form
        config.pop("name", None)
    return _normalize(_drop(a)) == _normalize(_drop(b))


def _drop(config):
    if isinstance(config, dict):
        return {k: _drop(v) for k, v in config.items() if k not in ("name", "build_config", "dtype")}
    if isinstance(config, list):
        return [_drop(v) for v in config]
    return config


def _normalize(value):
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    return value


# -- TimeDistributed ------------------------------------------------------------------------
def test_time_distributed_dense_matches_keras():
    r = np.random.default_rng(0)
    x = r.standard_normal((3, 4, 5)).astype("float32")
    theirs = keras.layers.TimeDistributed(keras.layers.Dense(3, activation="tanh", kernel_initializer="zeros"))
    ours = sj_layers.TimeDistributed(sj_layers.Dense(3, activation="tanh", kernel_initializer="zeros"))
    assert not compare(theirs, ours, x)
    assert _same_config(ours, theirs)


@pytest.mark.parametrize("seed", [1, 2])
def test_time_distributed_conv2d_matches_keras(seed):
    r = np.random.default_rng(seed)
    kwargs = dict(filters=int(r.integers(1, 4)), kernel_size=int(r.integers(1, 4)),
                  padding=str(r.choice(["valid", "same"])), strides=int(r.integers(1, 3)),
                  activation=str(r.choice(["relu", "linear"])), kernel_initializer="zeros")
    x = r.standard_normal((2, 3, 6, 5, 2)).astype("float32")
    theirs = keras.layers.TimeDistributed(keras.layers.Conv2D(**kwargs))
    ours = sj_layers.TimeDistributed(sj_layers.Conv2D(**kwargs))
    problems = compare(theirs, ours, x, seed)
    assert not problems, f"{kwargs}: {problems}"
    twin = sj_layers.TimeDistributed.from_config(_strip_axes(theirs.get_config()))
    assert twin.layer.get_config()["kernel_size"] == theirs.layer.get_config()["kernel_size"]


# -- Bidirectional --------------------------------------------------------------------------
BIDIRECTIONAL = [  # (recurrent class, merge_mode, return_sequences, return_state)
    ("LSTM", "concat", True, False), ("LSTM", "sum", False, True), ("LSTM", "mul", True, True),
    ("LSTM", "ave", False, False), ("LSTM", None, True, True),
    ("GRU", "concat", False, True), ("GRU", "sum", True, False), ("GRU", "mul", False, False),
    ("GRU", "ave", True, True), ("GRU", None, False, False),
]


@pytest.mark.parametrize("case", BIDIRECTIONAL, ids=lambda c: "-".join(map(str, c)))
def test_bidirectional_matches_keras(case):
    name, merge_mode, return_sequences, return_state = case
    r = np.random.default_rng(BIDIRECTIONAL.index(case))
    units = int(r.integers(2, 5))
    x = r.standard_normal((2, 4, 3)).astype("float32")
    kwargs = dict(units=units, return_sequences=return_sequences, return_state=return_state, **ZEROS)
    theirs = keras.layers.Bidirectional(getattr(keras.layers, name)(**kwargs), merge_mode=merge_mode)
    ours = sj_layers.Bidirectional(getattr(sj_layers, name)(**kwargs), merge_mode=merge_mode)
    problems = compare(theirs, ours, x, seed=r.integers(100))
    assert not problems, f"{case} units={units}: {problems}"
    assert _same_config(ours, theirs)
    twin = sj_layers.Bidirectional.from_config(_strip_axes(theirs.get_config()))
    assert twin.forward_layer.name == theirs.forward_layer.name
    assert twin.backward_layer.name == theirs.backward_layer.name and twin.backward_layer.go_backwards
    assert ours.compute_output_shape((2, 4, 3)) == tuple(
        tuple(s) if isinstance(s, (tuple, list)) else s for s in theirs.compute_output_shape((2, 4, 3)))


# -- ConvLSTM2D -----------------------------------------------------------------------------
CONV_LSTM = [("same", True), ("valid", True), ("same", False), ("valid", False)]


@pytest.mark.parametrize("padding, return_sequences", CONV_LSTM)
def test_conv_lstm2d_matches_keras(padding, return_sequences):
    r = np.random.default_rng(10 + CONV_LSTM.index((padding, return_sequences)))
    kwargs = dict(filters=int(r.integers(1, 4)), kernel_size=tuple(int(v) for v in r.integers(1, 4, 2)),
                  padding=padding, return_sequences=return_sequences,
                  return_state=bool(r.random() < 0.5), go_backwards=bool(r.random() < 0.3) and not return_sequences, **ZEROS)
    if r.random() < 0.5:
        kwargs["strides"] = 2
    kwargs["data_format"] = str(r.choice(["channels_last", "channels_first"]))
    shape = (2, 3, 5, 6, 2) if kwargs["data_format"] == "channels_last" else (2, 3, 2, 5, 6)
    x = r.standard_normal(shape).astype("float32")
    theirs = keras.layers.ConvLSTM2D(**kwargs)
    ours = sj_layers.ConvLSTM2D(**kwargs)
    problems = compare(theirs, ours, x, seed=r.integers(100))
    assert not problems, f"{kwargs}: {problems}"
    assert _same_config(ours, theirs)
    twin = sj_layers.ConvLSTM2D.from_config(_strip_axes(theirs.get_config()))
    assert twin.get_config()["kernel_size"] == tuple(theirs.get_config()["kernel_size"])


@pytest.mark.parametrize("return_sequences", [True, False])
def test_bidirectional_with_a_mask_matches_keras(return_sequences):
    r = np.random.default_rng(20 + return_sequences)
    x = r.standard_normal((3, 5, 2)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]], bool)
    kwargs = dict(units=3, return_sequences=return_sequences, **ZEROS)
    theirs = keras.layers.Bidirectional(keras.layers.LSTM(**kwargs))
    theirs.build(x.shape)
    theirs.set_weights([r.uniform(-0.6, 0.6, w.shape).astype("float32") for w in theirs.weights])
    ours = sj_layers.Bidirectional(sj_layers.LSTM(**kwargs))
    ours.build(x.shape)
    ours.set_weights([np.asarray(w.numpy()) for w in theirs.weights])
    np.testing.assert_allclose(ours(x, mask=mask).numpy(), np.asarray(theirs(x, mask=mask)),
                               rtol=1e-5, atol=1e-5)
