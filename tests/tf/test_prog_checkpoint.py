"""tf.train.Checkpoint / latest_checkpoint (TF's DCGAN tutorial), over safetensors files."""

import numpy as np
import pytest

import shenjing as tf
from shenjing import keras


def _trained():
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(2,))])
    optimizer = keras.optimizers.Adam(1e-2)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(np.ones((4, 2), "float32")))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return model, optimizer


def test_save_then_restore_latest(tmp_path):
    model, optimizer = _trained()
    step = tf.Variable(5.0)
    ckpt = tf.train.Checkpoint(optimizer=optimizer, model=model, step=step)
    prefix = str(tmp_path / "ckpts" / "ckpt")
    assert tf.train.latest_checkpoint(str(tmp_path / "ckpts")) is None
    assert ckpt.save(prefix) == prefix + "-1"
    assert ckpt.save(file_prefix=prefix) == prefix + "-2"
    assert tf.train.latest_checkpoint(str(tmp_path / "ckpts")) == prefix + "-2"
    weights = [w.copy() for w in model.get_weights()]
    state = [np.array(v) for v in optimizer.variables]
    model.set_weights([w * 0 for w in weights])
    optimizer.set_weights([s * 0 for s in state])
    step.assign(0.0)
    again = tf.train.Checkpoint(optimizer=optimizer, model=model, step=step)
    again.restore(tf.train.latest_checkpoint(str(tmp_path / "ckpts"))).assert_consumed()
    for got, want in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(optimizer.variables, state):
        np.testing.assert_array_equal(np.array(got), want)  # iterations (0-d) included
    assert float(step) == 5.0 and again.save_counter == 2


def test_restore_errors_are_clear(tmp_path):
    model, _ = _trained()
    with pytest.raises(ValueError, match="trackable object"):
        tf.train.Checkpoint(model=model, lr=0.1)
    ckpt = tf.train.Checkpoint(model=model)
    with pytest.raises(ValueError, match="Checkpoint not found"):
        ckpt.restore(str(tmp_path / "nothing-1"))
    assert ckpt.restore(None).assert_consumed() is not None
    path = ckpt.save(str(tmp_path / "c"))
    other = keras.Sequential([keras.layers.Dense(4, input_shape=(2,))])
    with pytest.raises(ValueError):
        tf.train.Checkpoint(model=other).restore(path)
    unbuilt = keras.Sequential([keras.layers.Dense(3)])
    with pytest.raises(ValueError, match="not built"):
        tf.train.Checkpoint(model=unbuilt).restore(path)


def test_safetensors_weights_keep_scalar_shapes(tmp_path):
    # The optimizer's 0-d `iterations` went into safetensors files as shape (1,).
    model, optimizer = _trained()
    model.compile(optimizer=optimizer, loss="mse")
    path = str(tmp_path / "w.safetensors")
    model.save_weights(path)
    from shenjing.saving.safetensors_store import read_safetensors

    shapes = {tuple(a.shape) for group in read_safetensors(path).values() for a in group.values()}
    assert () in shapes
    model.load_weights(path)
