"""A model converts each input to its ``Input``'s dtype (Keras 3's
``Functional._convert_inputs_to_tensors``), not to the compute dtype: integer images through
a functional model or a Sequential with an integer ``Input`` keep their dtype, as in Keras 3
(JAX)."""

import numpy as np
import pytest

import shenjing as sj

keras = pytest.importorskip("keras")

IMAGES = np.full((1, 8, 8, 3), 7, np.uint8)


def _functional(K):
    inputs = K.Input((8, 8, 3), dtype="uint8")
    return K.Model(inputs, K.layers.RandomGrayscale(0.5)(inputs))


def _sequential(K):
    return K.Sequential([K.Input((8, 8, 3), dtype="uint8"), K.layers.RandomGrayscale(0.5)])


@pytest.mark.parametrize("make", [_functional, _sequential])
def test_integer_input_keeps_its_dtype_as_in_keras(make):
    ours, theirs = make(sj.keras), make(keras)
    for data in (IMAGES, IMAGES.astype(np.float32)):   # float data become the Input's uint8
        assert np.asarray(ours(data)).dtype == np.asarray(theirs(data)).dtype == np.uint8
        assert ours.predict(data, verbose=0).dtype == theirs.predict(data, verbose=0).dtype
        np.testing.assert_array_equal(np.asarray(ours(data, training=False)), IMAGES)


def test_float_input_still_takes_float_data_and_int_input_feeds_embedding():
    inputs = sj.keras.Input((3,), dtype="int64")
    model = sj.keras.Model(inputs, inputs)
    assert model(np.array([[2 ** 40 + 1, 0, 3]])).numpy().tolist() == [[2 ** 40 + 1, 0, 3]]  # no float32 trip
    ids = sj.keras.Input((3,), dtype="int32")
    embed = sj.keras.Model(ids, sj.keras.layers.Embedding(10, 2)(ids))
    assert embed(np.array([[1.7, 2.2, 3.0]], np.float32)).shape == (1, 3, 2)
    x = sj.keras.Input((3,))
    dense = sj.keras.Model(x, sj.keras.layers.Dense(1)(x))
    assert dense(np.array([[1, 2, 3]], np.int32)).dtype == np.float32
