import numpy as np
import pytest

from shenjing.utils import normalize, to_categorical


def test_to_categorical_one_hot_float32():
    out = to_categorical([0, 2, 1, 2])
    assert out.dtype == np.float32 and out.shape == (4, 3)
    np.testing.assert_array_equal(out, np.eye(3, dtype=np.float32)[[0, 2, 1, 2]])


def test_to_categorical_num_classes_and_column_labels():
    labels = np.array([[1], [0], [3]])  # (n, 1), as Keras's datasets sometimes return
    out = to_categorical(labels, num_classes=5)
    assert out.shape == (3, 5)
    np.testing.assert_array_equal(out.argmax(-1), [1, 0, 3])
    assert to_categorical(np.uint8(4), num_classes=6).shape == (6,)


def test_to_categorical_keeps_leading_axes():
    labels = np.array([[0, 1, 2], [2, 1, 0]])
    out = to_categorical(labels)
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out.argmax(-1), labels)


@pytest.mark.parametrize("labels, num_classes", [([0, 3], 3), ([-1, 0], 2)])
def test_to_categorical_rejects_out_of_range_labels(labels, num_classes):
    with pytest.raises(ValueError, match="class indices in 0..1|class indices in 0..2"):
        to_categorical(labels, num_classes)


def test_normalize_l2_rows_leaves_zero_rows_zero():
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])
    out = normalize(x)
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0], [1.0, 0.0]])
    assert out is not x and x[0, 0] == 3.0  # a copy


def test_normalize_order_and_axis():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4, 5))
    np.testing.assert_allclose(np.abs(normalize(x, axis=1, order=1)).sum(axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(normalize(x, axis=0), axis=0), 1.0)
    np.testing.assert_allclose(normalize(x, axis=None), normalize(x, axis=-1))
    np.testing.assert_allclose(normalize(x), x / np.linalg.norm(x, axis=-1, keepdims=True))


def test_normalize_one_vector_and_integers():
    # As in Keras, a 1-D input comes back with a leading axis: (3,) -> (1, 3).
    np.testing.assert_allclose(normalize(np.array([0, 3, 4])), [[0.0, 0.6, 0.8]])
