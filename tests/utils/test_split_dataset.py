"""keras.utils.split_dataset: sizes (ints, fractions, complements), contents and order, the
seeded shuffle, the kinds of input (array, tuple, list, dict, shenjing.data.Dataset batched
or not) and Keras's errors."""

import random

import numpy as np
import pytest

from shenjing import data
from shenjing.keras import utils
from shenjing.utils.dataset_split import split_sizes

X = np.arange(20).reshape(10, 2)
Y = np.arange(10) * 10


def _rows(ds):
    return [tuple(np.asarray(v).tolist() for v in e) if isinstance(e, tuple) else
            np.asarray(e).tolist() for e in ds]


def test_is_exported_in_keras_utils():
    import shenjing.utils
    assert utils.split_dataset is shenjing.utils.split_dataset


@pytest.mark.parametrize("left,right,expected", [
    (0.8, None, (8, 2)), (None, 0.3, (7, 3)), (3, None, (3, 7)), (None, 4, (6, 4)),
    (0.5, 0.2, (5, 2)), (2, 3, (2, 3)), (0.25, None, (2, 8)), (0.35, None, (4, 6)),
])
def test_sizes(left, right, expected):
    # round(2.5) == 2 and round(3.5) == 4: Python's rounding, as Keras
    assert split_sizes(left, right, 10) == expected
    left_ds, right_ds = utils.split_dataset(X, left_size=left, right_size=right)
    assert (len(left_ds), len(right_ds)) == expected


def test_array_contents_first_left_last_right():
    left, right = utils.split_dataset(X, left_size=3, right_size=2)  # samples 3..7 are left out
    assert isinstance(left, data.Dataset) and isinstance(right, data.Dataset)
    assert _rows(left) == X[:3].tolist()
    assert _rows(right) == X[-2:].tolist()


def test_tuple_list_and_dict_of_arrays():
    left, right = utils.split_dataset((X, Y), left_size=0.6)
    assert _rows(left) == [(X[i].tolist(), Y[i].tolist()) for i in range(6)]
    assert _rows(right) == [(X[i].tolist(), Y[i].tolist()) for i in range(6, 10)]
    left, _ = utils.split_dataset([X, Y], right_size=0.5)
    assert all(isinstance(e, tuple) for e in left)  # lists become tuples, as Keras does
    assert _rows(left) == [(X[i].tolist(), Y[i].tolist()) for i in range(5)]
    left, right = utils.split_dataset({"x": X, "y": Y}, left_size=2)
    elements = list(right)
    assert set(elements[0]) == {"x", "y"} and len(elements) == 8
    np.testing.assert_array_equal([e["y"] for e in left], Y[:2])


def test_seeded_shuffle_is_pythons_random_shuffle():
    order = list(range(10))
    random.Random(42).shuffle(order)
    left, right = utils.split_dataset((X, Y), left_size=0.7, shuffle=True, seed=42)
    assert [int(y) // 10 for _, y in left] == order[:7]
    assert [int(y) // 10 for _, y in right] == order[7:]
    again, _ = utils.split_dataset((X, Y), left_size=0.7, shuffle=True, seed=42)
    assert _rows(again) == _rows(left)
    state = random.getstate()
    utils.split_dataset(X, left_size=0.5, shuffle=True, seed=1)
    assert random.getstate() == state  # the global generator is not reseeded


def test_shenjing_datasets_batched_and_not():
    plain = data.Dataset.from_tensor_slices((X, Y))
    left, right = utils.split_dataset(plain, left_size=4)
    assert _rows(left) == [(X[i].tolist(), Y[i].tolist()) for i in range(4)]
    batched = plain.batch(3)
    left, right = utils.split_dataset(batched, left_size=0.5)  # unbatched, then re-batched by 3
    assert [b[0].shape[0] for b in left] == [3, 2]
    assert [b[0].shape[0] for b in right] == [3, 2]
    np.testing.assert_array_equal(np.concatenate([b[1] for b in right]), Y[5:])
    gen = data.Dataset.from_generator(lambda: iter(range(6)),
                                      output_signature=data.TensorSpec((), "int64"))
    left, right = utils.split_dataset(gen, right_size=2)
    assert [int(v) for v in left] == [0, 1, 2, 3] and [int(v) for v in right] == [4, 5]


@pytest.mark.parametrize("dataset,kwargs,error,match", [
    ("not data", {"left_size": 1}, TypeError, "must be either"),
    (X, {}, ValueError, "At least one of the `left_size` or `right_size`"),
    (X, {"left_size": "a"}, TypeError, "Invalid `left_size` Type"),
    (X, {"right_size": [1]}, TypeError, "Invalid `right_size` Type"),
    (X, {"left_size": "a", "right_size": "b"}, TypeError, "Invalid `left_size` and `right_size`"),
    (X, {"left_size": 0, "right_size": 0}, ValueError, "Both `left_size` and `right_size` are zero"),
    (X, {"left_size": 10}, ValueError, "positive integer, smaller than 10"),
    (X, {"left_size": 1.0}, ValueError, "`left_size` should be"),
    (X, {"right_size": -1}, ValueError, "`right_size` should be"),
    (X, {"left_size": 0.7, "right_size": 0.5}, ValueError, "greater than 1"),
    (X, {"left_size": 6, "right_size": 5}, ValueError, "should be smaller than the 10"),
    (X[:2], {"left_size": 0.1}, ValueError, "left side dataset split will be empty"),
    ([], {"left_size": 1}, ValueError, "empty list"),
    ((X, [1, 2]), {"left_size": 1}, ValueError, "`numpy.ndarray` objects"),
    ((X, Y[:5]), {"left_size": 1}, ValueError, "different lengths"),
    (np.zeros((0, 2)), {"left_size": 1}, ValueError, "empty dataset"),
])
def test_errors(dataset, kwargs, error, match):
    with pytest.raises(error, match=match):
        utils.split_dataset(dataset, **kwargs)


def test_samples_of_different_shapes_are_refused():
    ragged = data.Dataset.from_generator(lambda: (np.zeros(n) for n in (2, 2, 3)),
                                         output_signature=data.TensorSpec((None,), "float64"))
    with pytest.raises(ValueError, match="same shape"):
        utils.split_dataset(ragged, left_size=1)


def test_a_prefetched_batched_dataset_is_unbatched_and_rebatched(tmp_path):
    """image_dataset_from_directory's datasets end in prefetch: split by samples, not batches."""
    from shenjing.data import AUTOTUNE, Dataset
    from shenjing.keras.utils import split_dataset

    ds = Dataset.from_tensor_slices(np.arange(120)).batch(7).prefetch(AUTOTUNE)
    left, right = split_dataset(ds, left_size=0.75)
    left_batches = [np.asarray(b) for b in left]
    assert sum(len(b) for b in left_batches) == 90 and len(left_batches[0]) == 7
    np.testing.assert_array_equal(np.concatenate(list(right)), np.arange(90, 120))


def test_preferred_backend_is_accepted_as_keras_names_it():
    from shenjing.keras.utils import split_dataset

    left, right = split_dataset(np.arange(10), 0.5, preferred_backend="tensorflow")
    assert len(list(left)) == 5
    with pytest.raises(NotImplementedError, match="torch"):
        split_dataset(np.arange(10), 0.5, preferred_backend="torch")
    with pytest.raises(ValueError, match="preferred_backend"):
        split_dataset(np.arange(10), 0.5, preferred_backend="mlx")
