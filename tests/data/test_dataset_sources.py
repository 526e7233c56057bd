"""shenjing.data sources: from_tensor_slices, from_tensors, range, from_generator, zip, concatenate.

Expected values are those printed in TensorFlow's documentation of tf.data.Dataset.
"""

import itertools

import numpy as np
import pytest

import shenjing
from shenjing.data import Dataset, TensorSpec


def as_list(ds):
    return list(ds.as_numpy_iterator())


def test_lazy_name_and_namespace():
    assert shenjing.data.Dataset is Dataset
    assert shenjing.data.AUTOTUNE == shenjing.data.experimental.AUTOTUNE == -1
    assert shenjing.data.INFINITE_CARDINALITY == -1 and shenjing.data.UNKNOWN_CARDINALITY == -2


def test_from_tensor_slices_tf_examples():
    assert as_list(Dataset.from_tensor_slices([1, 2, 3])) == [1, 2, 3]
    rows = as_list(Dataset.from_tensor_slices([[1, 2], [3, 4]]))
    np.testing.assert_array_equal(rows, [[1, 2], [3, 4]])
    assert as_list(Dataset.from_tensor_slices(([1, 2], [3, 4], [5, 6]))) == [(1, 3, 5), (2, 4, 6)]
    assert as_list(Dataset.from_tensor_slices(([1, 2], [3, 4]))) == [(1, 3), (2, 4)]
    nested = as_list(Dataset.from_tensor_slices((([1, 2], [3, 4]), [5, 6])))
    assert nested == [((1, 3), 5), ((2, 4), 6)]
    dicts = as_list(Dataset.from_tensor_slices({"a": [1, 2], "b": [3, 4]}))
    assert dicts == [{"a": 1, "b": 3}, {"a": 2, "b": 4}]


def test_from_tensor_slices_features_labels_and_dtypes():
    x = np.arange(12, dtype=np.float64).reshape(6, 2)
    y = np.arange(6, dtype=np.uint8)
    elements = as_list(Dataset.from_tensor_slices((x, y)))
    assert len(elements) == 6
    np.testing.assert_array_equal(elements[4][0], x[4])
    assert elements[4][0].dtype == np.float64 and elements[4][1].dtype == np.uint8
    # Python numbers get TF's dtypes: int32 and float32
    assert as_list(Dataset.from_tensor_slices([1, 2]))[0].dtype == np.int32
    assert as_list(Dataset.from_tensor_slices([1.5, 2.0]))[0].dtype == np.float32
    assert as_list(Dataset.from_tensor_slices([2 ** 40, 1]))[0].dtype == np.int64


def test_from_tensor_slices_list_of_arrays_is_a_tuple():
    a, b = np.zeros((3, 2)), np.ones((3,))
    first = next(iter(Dataset.from_tensor_slices([a, b])))
    assert isinstance(first, tuple) and first[0].shape == (2,) and first[1].shape == ()


def test_from_tensor_slices_accepts_tensors_and_dict_of_tuples():
    t = shenjing.tensor(np.arange(4.0))
    ds = Dataset.from_tensor_slices({"x": t, "pair": (np.arange(4), np.arange(4) * 2)})
    element = as_list(ds)[3]
    assert element["x"] == 3.0 and element["pair"] == (3, 6)


def test_from_tensor_slices_errors():
    with pytest.raises(ValueError, match="same first dimension"):
        Dataset.from_tensor_slices((np.zeros((3, 2)), np.zeros(4)))
    with pytest.raises(ValueError, match="at least one dimension"):
        Dataset.from_tensor_slices(np.float32(3.0))
    with pytest.raises(TypeError, match="None"):
        Dataset.from_tensor_slices((np.zeros(3), None))
    with pytest.raises(TypeError, match="rectangular"):
        Dataset.from_tensor_slices([[1, 2], [3]])
    with pytest.raises(TypeError, match="objects"):
        Dataset.from_tensor_slices(np.array([object(), object()]).tolist())


def test_slices_are_read_only_views_of_the_source():
    x = np.arange(6.0).reshape(3, 2)
    row = next(iter(Dataset.from_tensor_slices(x)))
    with pytest.raises(ValueError, match="read-only"):
        row += 1
    assert x.flags.writeable and x[0, 0] == 0.0


def test_from_tensors_is_one_element():
    ds = Dataset.from_tensors([1, 2, 3])
    (only,) = as_list(ds)
    np.testing.assert_array_equal(only, [1, 2, 3])
    assert ds.cardinality() == 1
    pair = as_list(Dataset.from_tensors(([1, 2, 3], "A")))[0]
    np.testing.assert_array_equal(pair[0], [1, 2, 3])
    assert pair[1] == "A"


def test_range_tf_examples():
    assert as_list(Dataset.range(5)) == [0, 1, 2, 3, 4]
    assert as_list(Dataset.range(2, 5)) == [2, 3, 4]
    assert as_list(Dataset.range(1, 5, 2)) == [1, 3]
    assert as_list(Dataset.range(1, 5, -2)) == []
    assert as_list(Dataset.range(5, 1)) == []
    assert as_list(Dataset.range(5, 1, -2)) == [5, 3]
    assert all(v.dtype == np.int64 for v in Dataset.range(3))
    floats = as_list(Dataset.range(1, 5, 2, output_type=np.float32))
    assert floats == [1.0, 3.0] and floats[0].dtype == np.float32


def test_range_errors():
    with pytest.raises(ValueError, match="step"):
        Dataset.range(0, 5, 0)
    with pytest.raises(TypeError, match="stop"):
        Dataset.range(2.5)
    with pytest.raises(TypeError, match="1 to 3"):
        Dataset.range()


def test_from_generator_tf_example_with_types_and_shapes():
    def gen():
        for i in itertools.count(1):
            yield (i, [1] * i)

    ds = Dataset.from_generator(gen, (np.int64, np.int64), ((), (None,)))
    got = as_list(ds.take(3))
    assert [g[0] for g in got] == [1, 2, 3]
    np.testing.assert_array_equal(got[2][1], [1, 1, 1])
    assert got[0][0].dtype == np.int64 and ds.cardinality() == shenjing.data.UNKNOWN_CARDINALITY
    assert ds.element_spec == (TensorSpec((), np.int64), TensorSpec((None,), np.int64))


def test_from_generator_output_signature_args_and_fresh_passes():
    calls = []

    def gen(stop):
        calls.append(stop)
        for i in range(stop):
            yield {"x": np.full((2,), i), "y": i}

    signature = {"x": TensorSpec(shape=(2,), dtype="float32"), "y": TensorSpec((), "int32")}
    ds = Dataset.from_generator(gen, output_signature=signature, args=(3,))
    for _ in range(2):
        got = as_list(ds)
        assert [g["y"] for g in got] == [0, 1, 2]
        assert got[1]["x"].dtype == np.float32 and got[1]["y"].dtype == np.int32
    assert calls == [3, 3]


def test_from_generator_without_signature_infers_elements():
    def gen():
        yield np.arange(3), 1.5
        yield np.arange(3), 2.5

    got = as_list(Dataset.from_generator(gen))
    assert isinstance(got[0], tuple) and got[1][1] == np.float32(2.5)


def test_from_generator_checks_what_is_yielded():
    def shapes():
        yield np.zeros(3)

    with pytest.raises(ValueError, match=r"shape \(3,\) where an element of shape \(2,\)"):
        list(Dataset.from_generator(shapes, output_signature=TensorSpec((2,), "float64")))

    def structure():
        yield 1

    with pytest.raises(TypeError, match="expected structure"):
        list(Dataset.from_generator(structure, output_types=(np.int64, np.int64)))

    def floats():
        yield 1.5

    with pytest.raises(TypeError, match="expected type was int64"):
        list(Dataset.from_generator(floats, output_types=np.int64))
    with pytest.raises(TypeError, match="callable"):
        Dataset.from_generator([1, 2, 3])
    with pytest.raises(TypeError, match="not both"):
        Dataset.from_generator(shapes, output_types=np.int64,
                               output_signature=TensorSpec((), "int64"))
    with pytest.raises(TypeError, match="TensorSpec"):
        Dataset.from_generator(shapes, output_signature=(np.int64,))


def test_generator_exceptions_propagate():
    def gen():
        yield 1
        raise RuntimeError("generator broke")

    it = iter(Dataset.from_generator(gen))
    assert next(it) == 1
    with pytest.raises(RuntimeError, match="generator broke"):
        next(it)


def test_zip_tf_examples():
    a, b = Dataset.range(1, 4), Dataset.range(4, 7)
    assert as_list(Dataset.zip((a, b))) == [(1, 4), (2, 5), (3, 6)]
    assert as_list(Dataset.zip(a, b)) == [(1, 4), (2, 5), (3, 6)]
    c = Dataset.range(7, 13).batch(2)
    nested = as_list(Dataset.zip((a, b), c))
    assert nested[0][0] == (1, 4) and list(nested[0][1]) == [7, 8] and len(nested) == 3
    d = Dataset.range(13, 15)
    assert as_list(Dataset.zip(a, d)) == [(1, 13), (2, 14)]
    assert as_list(Dataset.zip({"u": a, "v": b}).take(1)) == [{"u": 1, "v": 4}]
    assert as_list(Dataset.zip(datasets=(a, b)))[-1] == (3, 6)
    with pytest.raises(TypeError, match="Dataset"):
        Dataset.zip((a, [1, 2]))


def test_concatenate_tf_example_and_errors():
    a, b = Dataset.range(1, 4), Dataset.range(4, 8)
    assert as_list(a.concatenate(b)) == [1, 2, 3, 4, 5, 6, 7]
    c = Dataset.zip((Dataset.range(7, 10), Dataset.range(10, 13)))
    with pytest.raises(TypeError, match="same element structure"):
        a.concatenate(c)
    with pytest.raises(TypeError, match="dtypes"):
        a.concatenate(Dataset.from_tensor_slices(np.array(["a", "b"])))
    mapped = Dataset.range(2).map(lambda x: (x, x))
    with pytest.raises(TypeError, match="same element structure"):
        list(a.concatenate(mapped))
    with pytest.raises(TypeError, match="Dataset"):
        a.concatenate([1, 2])
