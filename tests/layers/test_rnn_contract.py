"""The recurrent layers and cells through the layer harness (shapes, weight counts, config
round trip, a training step), and the cells through the same checks on one step."""

import json

import numpy as np
import pytest

import shenjing
from layer_harness import run_layer_test
from shenjing import layers

CASES = [
    # (class, kwargs, input shape, output shape, trainable, non-trainable)
    (layers.SimpleRNN, {"units": 3}, (2, 5, 4), (2, 3), 3, 0),
    (layers.SimpleRNN, {"units": 3, "return_sequences": True, "use_bias": False,
                        "activation": "relu", "go_backwards": True}, (2, 5, 4), (2, 5, 3), 2, 0),
    (layers.LSTM, {"units": 3}, (2, 5, 4), (2, 3), 3, 0),
    (layers.LSTM, {"units": 2, "return_sequences": True, "unit_forget_bias": False,
                   "kernel_regularizer": "l2", "recurrent_constraint": "max_norm",
                   "dropout": 0.3, "recurrent_dropout": 0.2, "seed": 3}, (2, 4, 3), (2, 4, 2), 3, 0),
    (layers.GRU, {"units": 3}, (2, 5, 4), (2, 3), 3, 0),
    (layers.GRU, {"units": 3, "reset_after": False, "return_sequences": True, "dropout": 0.2,
                  "activity_regularizer": "l1"}, (2, 5, 4), (2, 5, 3), 3, 0),
    (layers.RNN, {"cell": layers.serialize(layers.LSTMCell(3))}, (2, 5, 4), (2, 3), 3, 0),
    (layers.RNN, {"cell": layers.serialize(layers.StackedRNNCells(
        [layers.SimpleRNNCell(3), layers.GRUCell(2, reset_after=False)])),
        "return_sequences": True}, (2, 5, 4), (2, 5, 2), 6, 0),
]


def _cell_kwargs(kwargs):
    """A fresh cell per construction: the harness builds the layer class several times."""
    if "cell" not in kwargs:
        return kwargs
    return {**kwargs, "cell": layers.deserialize(kwargs["cell"])}


class _FreshCell:
    """The RNN class with a new cell made from its config at every construction."""

    def __init__(self, cell_config):
        self.cell_config = cell_config

    def __call__(self, **kwargs):
        return layers.RNN(**_cell_kwargs({**kwargs, "cell": self.cell_config}))

    def from_config(self, config):
        return layers.RNN.from_config(config)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0].__name__)
def test_rnn_layer_contract(case):
    cls, kwargs, in_shape, out_shape, n_train, n_non_train = case
    if "cell" in kwargs:
        cls = _FreshCell(kwargs["cell"])
        kwargs = {k: v for k, v in kwargs.items() if k != "cell"}
    run_layer_test(cls, kwargs, input_shape=in_shape, expected_output_shape=out_shape,
                   expected_num_trainable_weights=n_train,
                   expected_num_non_trainable_weights=n_non_train)


CELL_CASES = [
    (layers.SimpleRNNCell, {"units": 3}, 1, 3),
    (layers.LSTMCell, {"units": 3, "dropout": 0.2, "recurrent_dropout": 0.1}, 2, 3),
    (layers.GRUCell, {"units": 3}, 1, 3),
    (layers.GRUCell, {"units": 3, "reset_after": False, "use_bias": True}, 1, 3),
    (layers.StackedRNNCells, {"cells": [layers.LSTMCell(2), layers.SimpleRNNCell(3)]}, None, 6),
]


@pytest.mark.parametrize("case", CELL_CASES, ids=lambda c: c[0].__name__)
def test_rnn_cell_contract(case):
    """One step: output (batch, units), states of the state sizes, config round trip (through
    JSON) giving the same step with the same weights, gradients for every weight."""
    cls, kwargs, n_states, n_weights = case
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4)).astype("float32")
    cell = cls(**kwargs)
    cell.build((2, 4))
    states = cell.get_initial_state(batch_size=2)
    states = shenjing.backend.tree.map_structure(
        lambda s: shenjing.Tensor(rng.standard_normal(s.shape).astype("float32")), states)
    out, new_states = cell(x, states)
    assert out.shape == (2, cell.output_size)
    flat = shenjing.backend.tree.flatten(new_states)
    if n_states is not None:
        assert len(flat) == n_states
    assert [s.shape for s in flat] == [s.shape for s in shenjing.backend.tree.flatten(states)]
    assert len(cell.trainable_weights) == n_weights
    config = json.loads(json.dumps(cell.get_config()))
    clone = cls.from_config(config)
    assert json.loads(json.dumps(clone.get_config())) == config
    clone.build((2, 4))
    clone.set_weights(cell.get_weights())
    np.testing.assert_allclose(clone(x, states)[0].numpy(), out.numpy(), rtol=1e-6, atol=1e-6)
    x_in = shenjing.Tensor(x, requires_grad=True)
    out, _ = cell(x_in, states, training=True)
    (out * out).mean().backward()
    assert x_in.grad is not None
    for w in cell.trainable_weights:
        assert w.grad is not None and w.grad.shape == w.shape, w.path
