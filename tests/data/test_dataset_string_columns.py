"""Dataset.from_tensor_slices(dict(dataframe)) with a column of strings: TF makes it tf.string;
ours a NumPy 'U' (bytes: 'S') array. keras-io's structured-data examples build their datasets so
(a pandas column of strings is an object array, or pandas' StringDtype)."""

import numpy as np
import pytest

import shenjing as tf

pd = pytest.importorskip("pandas")


@pytest.mark.parametrize("dtype", [object, "string"])
def test_a_dataframe_with_a_string_column(dtype):
    frame = pd.DataFrame({"thal": pd.Series(["fixed", "normal", "reversible"], dtype=dtype),
                          "age": [63, 67, 41]})
    ds = tf.data.Dataset.from_tensor_slices((dict(frame), frame["age"] > 50))
    spec = ds.element_spec[0]
    assert spec["thal"].dtype.kind == "U" and spec["age"].dtype == np.int64
    first, label = next(iter(ds))
    assert first["thal"].numpy() == b"fixed" and bool(label)
    lookup = tf.keras.layers.StringLookup(vocabulary=["fixed", "normal", "reversible"],
                                          num_oov_indices=0, output_mode="one_hot")
    batch, _ = next(iter(ds.batch(3)))
    np.testing.assert_array_equal(np.asarray(lookup(batch["thal"])), np.eye(3))


def test_object_values_of_bytes_and_of_mixed_types():
    ds = tf.data.Dataset.from_tensor_slices(pd.Series([b"a", b"bc"], dtype=object))
    assert ds.element_spec.dtype.kind == "S"
    assert [v for v in ds.as_numpy_iterator()] == [b"a", b"bc"]
    with pytest.raises(TypeError, match="NumPy can only hold as objects"):
        tf.data.Dataset.from_tensor_slices(pd.Series(["a", None]))
    with pytest.raises(TypeError, match="NumPy can only hold as objects"):
        tf.data.Dataset.from_tensor_slices(pd.Series(["a", b"b"], dtype=object))
