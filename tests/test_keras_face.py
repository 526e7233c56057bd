"""`import shenjing as tf` then tf.keras.*: the facade re-exports the one implementation."""

import numpy as np

import shenjing
import shenjing as tf


def test_keras_submodules_are_the_implementation_modules():
    from shenjing.keras import layers, losses, models, optimizers
    from shenjing.keras.layers import Dense

    assert layers is shenjing.layers and losses is shenjing.losses and optimizers is shenjing.optimizers
    assert models.Sequential is shenjing.models.Sequential
    assert Dense is shenjing.layers.Dense
    assert tf.keras.Sequential is tf.keras.models.Sequential
    assert tf.keras.Input is shenjing.layers.Input


def test_tutorial_program_runs_with_only_the_import_changed():
    tf.random.set_seed(7)
    tf.keras.backend.clear_session()
    x = np.random.default_rng(0).random((64, 8, 8)).astype("float32")
    y = (x.mean(axis=(1, 2)) > 0.5).astype("int64")
    model = tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(8, 8)),
        tf.keras.layers.Dense(16, activation="relu"),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(2),
    ])
    model.compile(optimizer="adam",
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert model.layers[1].name == "dense"
    assert len(history.history["loss"]) == 2
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert 0 <= accuracy <= 1 and np.isfinite(loss)
    assert tf.keras.utils.to_categorical([0, 2]).shape == (2, 3)
    assert tf.keras.backend.image_data_format() == "channels_last"


def test_keras_tree_utils_data_and_tape_names_are_the_implementations():
    from shenjing.keras import tree
    from shenjing.keras.tree import map_structure
    from shenjing.utils import tree as implementation

    assert tree is implementation and map_structure is implementation.map_structure
    assert tf.keras.utils.PyDataset is tf.keras.utils.Sequence is shenjing.utils.PyDataset
    assert tf.keras.utils.unpack_x_y_sample_weight((1, 2)) == (1, 2, None)
    assert tf.data.Dataset is shenjing.data.Dataset and tf.data.AUTOTUNE == tf.data.experimental.AUTOTUNE
    assert tf.GradientTape is shenjing.autograd.GradientTape
