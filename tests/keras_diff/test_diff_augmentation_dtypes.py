"""The output dtype of the random image augmentation layers, symbolic (on ``keras.Input``) and
eager, for integer and float images, in training and not, against Keras 3 (JAX). Keras itself
is not always consistent between the two (RandomBrightness gives float32 symbolically and
uint8 eagerly); shenjing gives what Keras gives in each case."""

import numpy as np
import pytest

import shenjing as sj

keras = pytest.importorskip("keras")

LAYERS = {
    "RandomGrayscale": lambda L: L.RandomGrayscale(0.5, seed=1),
    "RandomFlip": lambda L: L.RandomFlip(seed=1),
    "RandomBrightness": lambda L: L.RandomBrightness(0.2, seed=1),
    "RandomContrast": lambda L: L.RandomContrast(0.2, seed=1),
    "RandomCrop": lambda L: L.RandomCrop(8, 8, seed=1),
    "RandomErasing": lambda L: L.RandomErasing(seed=1),
    "RandomRotation": lambda L: L.RandomRotation(0.2, seed=1),
    "RandomTranslation": lambda L: L.RandomTranslation(0.2, 0.2, seed=1),
    "RandomZoom": lambda L: L.RandomZoom(0.2, seed=1),
}


def _dtypes(K, make, dtype, training):
    symbolic = make(K.layers)(K.Input((16, 16, 3), dtype=dtype), training=training).dtype
    x = (np.random.default_rng(0).random((2, 16, 16, 3)) * 200).astype(dtype)
    eager = make(K.layers)(x, training=training).dtype
    return str(np.dtype(symbolic)), str(np.dtype(eager))


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("dtype", ["uint8", "int32", "float32", "float16"])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_augmentation_output_dtype_matches_keras(name, dtype, training):
    ours = _dtypes(sj.keras, LAYERS[name], dtype, training)
    theirs = _dtypes(keras, LAYERS[name], dtype, training)
    assert ours == theirs, f"{name} on {dtype} (training={training}): (symbolic, eager)"


def test_random_grayscale_keeps_uint8_in_a_functional_model():
    inputs = sj.keras.Input((16, 16, 3), dtype="uint8")
    outputs = sj.keras.layers.RandomGrayscale(0.5)(inputs)
    assert outputs.dtype == "uint8"
    images = sj.keras.layers.RandomGrayscale(0.5)({"images": inputs})["images"]
    assert images.dtype == "uint8"
    assert sj.keras.layers.RandomGrayscale(0.5)(
        sj.keras.Input((16, 16, 3), dtype="float16")).dtype == "float32"
