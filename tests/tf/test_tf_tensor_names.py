"""The TensorFlow face's tensor names (``tf.constant``, ``tf.Variable``, dtypes, ``tf.print``)
and the eager-tensor behaviour Keras programs rely on."""

import io

import numpy as np
import pytest

import shenjing as tf


def test_constant_and_convert_to_tensor_follow_tensorflow_dtypes():
    assert tf.constant([1, 2]).dtype == tf.int32
    assert tf.constant(1.5).dtype == tf.float32
    assert tf.constant(np.arange(3)).dtype == tf.int64
    np.testing.assert_array_equal(tf.constant(7.0, shape=(2, 3)).numpy(), np.full((2, 3), 7.0))
    np.testing.assert_array_equal(tf.constant([1, 2, 3, 4], shape=[2, 2], dtype=tf.float32).numpy(),
                                  [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match="Expected 6 values"):
        tf.constant([1, 2, 3], shape=(2, 3))
    assert tf.convert_to_tensor([1, 2], dtype_hint=tf.float32).dtype == tf.float32
    t = tf.constant([1.0])
    assert tf.convert_to_tensor(t) is t and tf.is_tensor(t) and not tf.is_tensor([1.0])


def test_dtypes_are_numpy_dtypes_with_tensorflow_names():
    assert tf.float32.name == "float32" and tf.int64.name == "int64" and tf.bool.name == "bool"
    assert tf.as_dtype("float16") == tf.float16 == np.float16
    assert tf.dtypes.as_dtype(np.int8) is not None and tf.dtypes.uint8.name == "uint8"
    assert tf.newaxis is None
    assert tf.constant([1.0, 2.0])[:, tf.newaxis].shape == (2, 1)
    np.testing.assert_array_equal(tf.cast(tf.constant([1.7, -1.7]), tf.int32).numpy(), [1, -1])
    np.testing.assert_array_equal(tf.dtypes.saturate_cast(tf.constant([300.0]), tf.uint8).numpy(), [255])
    assert tf.TensorSpec is tf.data.TensorSpec


def test_variable_is_tensorflow_like():
    v = tf.Variable(3.0, name="v")
    assert v.dtype == tf.float32 and v.name == "v" and v.trainable
    assert v.assign(1.0) is v and v.assign_add(2.0) is v and v.assign_sub(0.5) is v
    assert float(v.numpy()) == 2.5
    w = tf.Variable(initial_value=[1, 2], trainable=False)
    assert w.dtype == tf.int32 and not w.trainable
    with pytest.raises(ValueError, match="cannot assign"):
        w.assign([1, 2, 3])
    with pytest.raises(ValueError, match="initial value"):
        tf.Variable()
    x = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        y = (tf.identity(x) * tf.stop_gradient(x)).sum()
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [1.0, 2.0])


def test_eager_tensor_behaviour():
    t = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert t.shape == (2, 2) and t.shape.as_list() == [2, 2] and t.shape.rank == 2
    assert t.shape.num_elements() == 4 and t.shape[0] == 2
    assert len(t) == 2
    rows = list(t)
    assert len(rows) == 2 and rows[1].numpy().tolist() == [3.0, 4.0]
    assert float(t[0, 1]) == 2.0 and int(t[1, 1]) == 4 and bool(t[0, 0])
    assert np.asarray(t).dtype == np.float32
    with pytest.raises(TypeError, match="0-d"):
        len(tf.constant(1.0))
    with pytest.raises(TypeError, match="0-d"):
        list(tf.constant(1.0))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(t)
    assert int(tf.rank(t)) == 2 and int(tf.size(t)) == 4 and tf.size(t).dtype == tf.int32


def test_print_writes_tensorflow_style_text():
    out = io.StringIO()
    tf.print("x:", tf.constant([[1, 2], [3, 4]]), 5, output_stream=out)
    assert out.getvalue() == "x: [[1 2]\n [3 4]] 5\n"
    out = io.StringIO()
    tf.print(tf.constant(np.arange(10)), output_stream=out, summarize=2)
    assert out.getvalue() == "[0 1 ... 8 9]\n"


def test_print_defaults_to_stderr(capsys):
    tf.print("hello", tf.constant(3))
    captured = capsys.readouterr()
    assert captured.err == "hello 3\n" and captured.out == ""
