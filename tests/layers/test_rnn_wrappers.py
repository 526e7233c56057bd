"""TimeDistributed, Bidirectional and ConvLSTM1D/2D/3D: the layer harness, hand values, masks."""

import numpy as np
import pytest

import shenjing
from layer_harness import run_layer_test
from shenjing import layers


# -- TimeDistributed ------------------------------------------------------------------------
@pytest.mark.parametrize("inner, in_shape, out_shape, n_train, n_non_train", [
    (lambda: layers.Dense(3), (2, 4, 5), (2, 4, 3), 2, 0),
    (lambda: layers.Conv2D(2, 3), (2, 3, 6, 5, 1), (2, 3, 4, 3, 2), 2, 0),
    (lambda: layers.BatchNormalization(), (4, 3, 5), (4, 3, 5), 2, 2),
])
def test_time_distributed_contract(inner, in_shape, out_shape, n_train, n_non_train):
    run_layer_test(layers.TimeDistributed, {"layer": inner()}, input_shape=in_shape,
                   expected_output_shape=out_shape, expected_num_trainable_weights=n_train,
                   expected_num_non_trainable_weights=n_non_train)


def test_time_distributed_equals_one_call_per_step():
    x = np.random.default_rng(0).standard_normal((3, 4, 6, 6, 2)).astype("float32")
    td = layers.TimeDistributed(layers.Conv2D(3, 3, padding="same", activation="relu"))
    y = td(x).numpy()
    for t in range(4):
        np.testing.assert_allclose(y[:, t], td.layer(x[:, t]).numpy(), rtol=1e-5, atol=1e-6)
    assert td.weights == td.layer.weights


def test_time_distributed_batch_normalization_uses_each_step_statistics():
    # One call per step (as Keras does): each time slice is normalized over the batch alone.
    x = np.random.default_rng(1).standard_normal((8, 3, 2)).astype("float32") * [1.0, 5.0]
    x[:, 1] += 10.0
    y = layers.TimeDistributed(layers.BatchNormalization(epsilon=1e-6))(x, training=True).numpy()
    expected = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-6)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)


class _MaskSum(layers.Layer):
    """Sums the features of the kept rows (a test layer whose call takes a mask)."""

    def call(self, inputs, mask=None):
        if mask is None:
            return inputs.sum(axis=-1)
        return (inputs * shenjing.ops.expand_dims(shenjing.ops.cast(mask, "float32"), -1)).sum(axis=-1)


def test_time_distributed_passes_the_mask_to_each_step():
    x = np.arange(2 * 3 * 4 * 2, dtype="float32").reshape(2, 3, 4, 2)
    mask = np.random.default_rng(2).random((2, 3, 4)) > 0.5
    td = layers.TimeDistributed(_MaskSum())
    y = td(x, mask=mask).numpy()
    np.testing.assert_allclose(y, (x * mask[..., None]).sum(-1))
    assert td.compute_mask(x, mask) is mask
    with pytest.raises(ValueError, match="mask"):
        td(x, mask=np.ones((2, 4), bool))


def test_time_distributed_errors_and_config():
    with pytest.raises(ValueError, match="Layer` instance"):
        layers.TimeDistributed("dense")
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        layers.TimeDistributed(layers.Dense(2)).build((4, 5))
    td = layers.TimeDistributed(layers.Dense(2, name="inner"), name="td")
    config = td.get_config()
    assert config["layer"]["class_name"] == "Dense" and config["layer"]["config"]["name"] == "inner"
    clone = layers.TimeDistributed.from_config(config)
    assert isinstance(clone.layer, layers.Dense) and clone.layer.units == 2
    assert td.compute_output_shape((None, None, 5)) == (None, None, 2)
