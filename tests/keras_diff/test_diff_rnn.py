"""SimpleRNN, LSTM, GRU, RNN(cell) and StackedRNNCells against Keras 3.15 (JAX) on random
configurations (return_sequences, return_state, go_backwards, masks, initial_state, reset_after,
zero_output_for_mask): outputs, final states, and the gradients of the inputs, the initial
states and every weight, with Keras's weights copied into ours; configs equal both ways.
"""

import json

import numpy as np
import pytest

import shenjing as sj
from shenjing import layers as L

keras = pytest.importorskip("keras")
jax = pytest.importorskip("jax")

BATCH, STEPS, FEATURES, UNITS = 3, 5, 4, 3
KINDS = ["SimpleRNN", "LSTM", "GRU"]
TRIALS = 8


def _config(trial):
    """A random configuration of one of the three layers (the same for a given trial)."""
    rng = np.random.default_rng(100 + trial)
    kind = KINDS[trial % 3]
    kwargs = {"return_sequences": bool(rng.integers(2)), "return_state": bool(rng.integers(2)),
              "go_backwards": bool(rng.integers(2)), "bias_initializer": "random_normal"}
    if kind == "GRU":
        kwargs["reset_after"] = bool(trial % 2)
    if kind == "LSTM":
        kwargs["unit_forget_bias"] = False
    if kind == "SimpleRNN" and rng.integers(2):
        kwargs["activation"] = "relu"
    if rng.integers(2):
        kwargs["zero_output_for_mask"] = True
    use_mask, use_state = bool(rng.integers(2)), bool(rng.integers(2)) or trial < 3
    return kind, kwargs, use_mask, use_state


def _data(kind, use_mask, use_state, trial):
    rng = np.random.default_rng(trial)
    x = rng.standard_normal((BATCH, STEPS, FEATURES)).astype(np.float32)
    mask = None
    if use_mask:
        mask = rng.random((BATCH, STEPS)) > 0.3
        mask[0, -2:] = False  # right padding
        mask[1, :2] = False   # left padding
    states = []
    if use_state:
        states = [rng.standard_normal((BATCH, UNITS)).astype(np.float32)
                  for _ in range(2 if kind == "LSTM" else 1)]
    return x, mask, states


def _weights_for(outputs, seed=3):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(np.shape(o)).astype(np.float32) for o in outputs]


def _as_list(y):
    """The outputs and states, flat (stacked cells nest their states)."""
    return sj.backend.tree.flatten(list(y) if isinstance(y, (list, tuple)) else [y])


def _keras_run(layer, x, mask, states):
    tv = [v.value for v in layer.trainable_variables]
    ntv = [v.value for v in layer.non_trainable_variables]

    def f(tv, x, states):
        kwargs = {"mask": mask} if mask is not None else {}
        if states:
            kwargs["initial_state"] = states
        y, _ = layer.stateless_call(tv, ntv, x, **kwargs)
        outs = _as_list(y)
        w = _weights_for(outs)
        return sum((o * wi).sum() for o, wi in zip(outs, w)), outs

    (_, outs), grads = jax.value_and_grad(f, argnums=(0, 1, 2), has_aux=True)(tv, x, states)
    gw, gx, gs = grads
    return ([np.asarray(o) for o in outs], np.asarray(gx), [np.asarray(g) for g in gs],
            [np.asarray(g) for g in gw])


def _our_run(layer, x, mask, states):
    xt = sj.Tensor(x, requires_grad=True)
    st = [sj.Tensor(s, requires_grad=True) for s in states]
    for v in layer.trainable_weights:
        v.grad = None
    y = layer(xt, initial_state=st or None, mask=mask)
    outs = _as_list(y)
    w = _weights_for(outs)
    sum(((o * wi).sum() for o, wi in zip(outs, w)), sj.tensor(0.0)).backward()
    return ([o.numpy() for o in outs], xt.grad, [s.grad for s in st],
            [v.grad for v in layer.trainable_weights])


def _compare(ours, theirs, x, mask, states, rtol=2e-4, atol=2e-5):
    theirs.build(x.shape)  # build only: an eager Keras call compiles its scan once more
    ours.build(x.shape)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    t_out, t_gx, t_gs, t_gw = _keras_run(theirs, x, mask, states)
    o_out, o_gx, o_gs, o_gw = _our_run(ours, x, mask, states)
    assert len(o_out) == len(t_out)
    for a, b in zip(o_out, t_out):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    np.testing.assert_allclose(o_gx, t_gx, rtol=rtol, atol=atol)
    for a, b in zip(o_gs, t_gs):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    assert len(o_gw) == len(t_gw)
    for a, b in zip(o_gw, t_gw):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


@pytest.mark.parametrize("trial", range(TRIALS))
def test_layer_values_states_and_gradients(trial):
    kind, kwargs, use_mask, use_state = _config(trial)
    x, mask, states = _data(kind, use_mask, use_state, trial)
    _compare(getattr(L, kind)(UNITS, **kwargs), getattr(keras.layers, kind)(UNITS, **kwargs),
             x, mask, states)


def test_rnn_of_stacked_cells():
    x, mask, _ = _data("GRU", True, False, 11)
    ours = L.RNN([L.LSTMCell(UNITS), L.GRUCell(2, reset_after=False)], return_sequences=True,
                 return_state=True)
    theirs = keras.layers.RNN([keras.layers.LSTMCell(UNITS),
                               keras.layers.GRUCell(2, reset_after=False)],
                              return_sequences=True, return_state=True)
    _compare(ours, theirs, x, mask, [])


def _plain(config):
    return json.loads(json.dumps(config))


@pytest.mark.parametrize("kind", KINDS + ["RNN"])
def test_configs_equal_both_ways(kind):
    kwargs = {"return_sequences": True, "go_backwards": True, "stateful": False,
              "dropout": 0.25, "recurrent_dropout": 0.1, "kernel_regularizer": "l2",
              "recurrent_constraint": "non_neg", "name": "r"}
    if kind == "GRU":
        kwargs["reset_after"] = False
    if kind == "LSTM":
        kwargs["unit_forget_bias"] = False
    if kind != "SimpleRNN":
        kwargs["recurrent_activation"] = "hard_sigmoid"
    if kind == "RNN":
        ours = L.RNN([L.SimpleRNNCell(2, name="a"), L.GRUCell(3, name="b", seed=4)],
                     return_state=True, zero_output_for_mask=True, name="r")
        theirs = keras.layers.RNN([keras.layers.SimpleRNNCell(2, name="a"),
                                   keras.layers.GRUCell(3, name="b", seed=4)],
                                  return_state=True, zero_output_for_mask=True, name="r")
        ours.cell.name = theirs.cell.name
    else:
        ours = getattr(L, kind)(4, seed=7, **kwargs)
        theirs = getattr(keras.layers, kind)(4, seed=7, **kwargs)
    theirs_config, ours_config = _plain(theirs.get_config()), _plain(ours.get_config())
    assert ours_config == theirs_config
    cls = getattr(L, kind)
    assert _plain(cls.from_config(_plain(theirs_config)).get_config()) == theirs_config
    keras_cls = getattr(keras.layers, kind)
    assert _plain(keras_cls.from_config(_plain(ours_config)).get_config()) == ours_config


@pytest.mark.parametrize("kind", ["SimpleRNNCell", "LSTMCell", "GRUCell"])
def test_cell_configs_equal_both_ways(kind):
    kwargs = {"dropout": 0.5, "seed": 2, "kernel_initializer": "he_normal", "name": "c"}
    ours, theirs = getattr(L, kind)(3, **kwargs), getattr(keras.layers, kind)(3, **kwargs)
    ours.build((2, 4))
    theirs.build((2, 4))
    assert _plain(ours.get_config()) == _plain(theirs.get_config())
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    config = _plain(theirs.get_config())
    assert _plain(getattr(L, kind).from_config(config).get_config()) == config
    assert _plain(getattr(keras.layers, kind).from_config(_plain(ours.get_config()))
                  .get_config()) == _plain(ours.get_config())
