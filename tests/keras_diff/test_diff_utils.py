"""keras.utils's standardize_dtype, get_source_inputs, is_keras_tensor and clear_session's
naming compared with Keras 3."""

import numpy as np
import pytest

import shenjing.keras as sk


@pytest.mark.parametrize("dtype", [None, int, float, bool, complex, "int", "float16", "uint8",
                                   np.int8, np.float64, np.dtype("int16")])
def test_standardize_dtype_equal(keras_module, dtype):
    assert sk.utils.standardize_dtype(dtype) == keras_module.utils.standardize_dtype(dtype)


def _graph(m):
    a, b = m.Input((3,), name="a"), m.Input((3,), name="b")
    out = m.layers.Add()([m.layers.Dense(3)(b), a, m.layers.Dense(3)(b)])
    return [t.name for t in m.utils.get_source_inputs(out)], m.utils.is_keras_tensor(out)


def test_get_source_inputs_and_is_keras_tensor_equal(keras_module):
    assert _graph(sk) == _graph(keras_module)
    assert sk.utils.is_keras_tensor(np.ones(2)) == keras_module.utils.is_keras_tensor(np.ones(2))


def test_clear_session_restarts_layer_names_as_keras(keras_module):
    names = []
    for m in (keras_module, sk):
        m.layers.Dense(1), m.layers.Dense(1)
        m.utils.clear_session()
        names.append([m.layers.Dense(1).name, m.layers.Dense(1).name, m.layers.Conv2D(1, 1).name])
    assert names[0] == names[1] == ["dense", "dense_1", "conv2d"]
