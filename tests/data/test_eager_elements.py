"""Iterating a Dataset gives EagerArrays: ndarrays that answer TF's ``.numpy()`` (bytes for
strings), as the TF text tutorial reads them (``example.numpy()``, ``batch[0].numpy()``)."""
import numpy as np

import shenjing as tf
from shenjing.data.eager import EagerArray


def test_elements_answer_numpy_like_tf_tensors():
    ds = tf.data.Dataset.from_tensor_slices((["Good film", "bad"], np.array([1, 0], "int64")))
    text, label = next(iter(ds))
    assert isinstance(text, EagerArray) and isinstance(text, np.ndarray)
    assert text.numpy() == b"Good film"
    assert label.numpy() == 1 and isinstance(label.numpy(), np.int64)
    assert hash(label) == hash(1)
    texts, labels = next(iter(ds.batch(2)))
    out = texts.numpy()
    assert out.dtype == object and list(out) == [b"Good film", b"bad"]
    assert texts[1].numpy() == b"bad"
    assert [t.numpy() for t in texts] == [b"Good film", b"bad"]
    np.testing.assert_array_equal(labels.numpy(), [1, 0])
    assert type(labels.numpy()) is np.ndarray


def test_plain_numpy_paths_stay_plain():
    ds = tf.data.Dataset.from_tensor_slices(np.arange(3))
    assert [type(v) for v in ds.as_numpy_iterator()] == [np.int64] * 3
    assert [int(v) for v in ds.map(lambda v: v * 2)] == [0, 2, 4]
    assert repr(next(iter(ds))) == "array(0)"
